//! Editing `crictl.yaml` in place for the `config` command: values change,
//! while comments, blank lines, key order and quoting style stay. Missing
//! keys are appended in crictl's order, so every key is present afterwards.
//! The file is replaced atomically.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::file::{self, KEYS, Values};

/// Failure to load or save the config file.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("cannot create directory {} for the config file: {source}", .path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write config file {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Read(#[from] file::Error),
    #[error("{0}")]
    Invalid(String),
}

/// A config file's text and its parsed values.
#[derive(Debug, Clone)]
pub struct Document {
    lines: Vec<String>,
    values: Values,
}

impl Document {
    /// Parses config text, rejecting unknown keys and bad values.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let values = file::parse(text)?;
        Ok(Document {
            lines: text.lines().map(str::to_owned).collect(),
            values,
        })
    }

    /// Builds a document with all seven keys at their zero values, as crictl
    /// writes a new file.
    pub fn fresh() -> Self {
        let text = "runtime-endpoint: \"\"\nimage-endpoint: \"\"\ntimeout: 0\ndebug: false\npull-image-on-create: false\ndisable-pull-on-run: false\nmax-retries: 0\n";
        Document::parse(text).unwrap_or(Document {
            lines: Vec::new(),
            values: Values::default(),
        })
    }

    pub fn values(&self) -> &Values {
        &self.values
    }

    /// Returns the value of `key` as crictl prints it.
    pub fn get(&self, key: &str) -> Option<String> {
        let values = &self.values;
        Some(match key {
            "runtime-endpoint" => values.runtime_endpoint.clone(),
            "image-endpoint" => values.image_endpoint.clone(),
            "timeout" => values.timeout.to_string(),
            "debug" => values.debug.to_string(),
            "pull-image-on-create" => values.pull_image_on_create.to_string(),
            "disable-pull-on-run" => values.disable_pull_on_run.to_string(),
            "max-retries" => values.max_retries.to_string(),
            _ => return None,
        })
    }

    /// Sets `key` to `value` after checking both, rewriting every line that
    /// contains the key.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        file::apply(&mut self.values, key, value)?;
        let canonical = self.get(key).unwrap_or_default();
        let text = self.lines.join("\n");
        let entries = file::entries(&text).map_err(|(_, reason)| reason)?;
        for entry in entries.iter().filter(|entry| entry.key == key) {
            let line = &mut self.lines[entry.line];
            *line = rewrite_line(line, key, &canonical);
        }
        Ok(())
    }

    /// Renders the file, appending the keys it lacks in crictl's order.
    pub fn render(&self) -> String {
        let text = self.lines.join("\n");
        let present: Vec<String> = file::entries(&text)
            .map(|entries| entries.into_iter().map(|entry| entry.key).collect())
            .unwrap_or_default();
        let mut output = String::new();
        for line in &self.lines {
            output.push_str(line);
            output.push('\n');
        }
        for key in KEYS {
            if !present.iter().any(|k| k == key) {
                let value = self.get(key).unwrap_or_default();
                output.push_str(&format!("{key}: {}\n", quote_if_needed(&value)));
            }
        }
        output
    }
}

/// Replaces the value on one `key: value` line, keeping the key's spelling,
/// the quoting style of the old value and any trailing comment.
fn rewrite_line(line: &str, key: &str, value: &str) -> String {
    let Some(colon) = line.find(':') else {
        return format!("{key}: {}", quote_if_needed(value));
    };
    let (head, rest) = line.split_at(colon + 1);
    let trimmed = rest.trim_start();
    let comment = trailing_comment(trimmed);
    let new_value = match trimmed.chars().next() {
        Some('"') => double_quote(value),
        Some('\'') => format!("'{}'", value.replace('\'', "''")),
        _ => quote_if_needed(value),
    };
    match comment {
        Some(comment) => format!("{head} {new_value} {comment}"),
        None => format!("{head} {new_value}"),
    }
}

/// Finds a `# comment` after a value, skipping `#` inside quotes.
fn trailing_comment(value: &str) -> Option<&str> {
    let mut quote = None;
    let bytes = value.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        match (quote, byte) {
            (None, b'"' | b'\'') if index == 0 => quote = Some(byte),
            (Some(open), b) if b == open && index > 0 => quote = None,
            (None, b'#') if index > 0 && bytes[index - 1].is_ascii_whitespace() => {
                return Some(&value[index..]);
            }
            (None, b'#') if index == 0 => return Some(value),
            _ => {}
        }
    }
    None
}

/// Writes a value plain when YAML reads it back unchanged, else quoted.
fn quote_if_needed(value: &str) -> String {
    let plain_safe = !value.is_empty()
        && !value.starts_with(|c: char| " !&*-?{}[],#|>@`\"'%:~".contains(c))
        && !value.ends_with(' ')
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.contains(['\n', '\t']);
    if plain_safe {
        value.to_owned()
    } else {
        double_quote(value)
    }
}

fn double_quote(value: &str) -> String {
    let mut quoted = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// Loads the config at `path`, creating it (and its directory) with every
/// key at its zero value when it does not exist.
pub fn load_or_create(path: &Path) -> Result<Document, EditError> {
    match fs::read_to_string(path) {
        Ok(text) => Document::parse(&text).map_err(|(line, reason)| {
            EditError::Read(file::Error::Syntax {
                path: path.to_owned(),
                line: line + 1,
                reason,
            })
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let document = Document::fresh();
            save(path, &document.render())?;
            Ok(document)
        }
        Err(source) => Err(EditError::Read(file::Error::Read {
            path: path.to_owned(),
            source,
        })),
    }
}

/// Replaces the file at `path` with `text` atomically. The text goes to a
/// temporary file in the same directory, which is synced and renamed over
/// the old file, so a crash leaves either the old file or the new one whole.
pub fn save(path: &Path, text: &str) -> Result<(), EditError> {
    save_with(path, text, |file, text| file.write_all(text.as_bytes()))
}

/// As [`save`], with the write step given, so tests can make it fail.
pub fn save_with(
    path: &Path,
    text: &str,
    write: impl FnOnce(&mut fs::File, &str) -> std::io::Result<()>,
) -> Result<(), EditError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|source| EditError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    let write_error = |source| EditError::Write {
        path: path.to_owned(),
        source,
    };

    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "crictl.yaml".to_owned());
    let temp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)?;
        write(&mut file, text)?;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // The rename is durable only once the directory entry is synced.
        fs::File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_all(text: &str, pairs: &[(&str, &str)]) -> String {
        let mut document = Document::parse(text).unwrap();
        for (key, value) in pairs {
            document.set(key, value).unwrap();
        }
        document.render()
    }

    #[test]
    fn set_keeps_comments_and_quotes() {
        let text = "runtime-endpoint: \"foo\"\nimage-endpoint: \"bar\" # an inline comment\ntimeout: 5\n# comment below a newline\ndebug: true\n";
        let output = set_all(
            text,
            &[
                ("runtime-endpoint", "bar"),
                ("image-endpoint", "baz"),
                ("timeout", "10"),
                ("debug", "false"),
            ],
        );
        assert_eq!(
            output,
            "runtime-endpoint: \"bar\"\nimage-endpoint: \"baz\" # an inline comment\ntimeout: 10\n# comment below a newline\ndebug: false\npull-image-on-create: false\ndisable-pull-on-run: false\nmax-retries: 0\n"
        );
    }

    #[test]
    fn set_rewrites_every_duplicate() {
        let output = set_all(
            "timeout: 20\ntimeout: 5\ntimeout: 10\n",
            &[("timeout", "30")],
        );
        assert!(
            output.starts_with("timeout: 30\ntimeout: 30\ntimeout: 30\nruntime-endpoint: \"\"\n"),
            "{output}"
        );
    }

    #[test]
    fn set_appends_missing_keys() {
        let text = "# my comment\nruntime-endpoint: unix:///a.sock # trailing\ndebug: true\n";
        let output = set_all(
            text,
            &[("timeout", "7"), ("image-endpoint", "unix:///b.sock")],
        );
        assert_eq!(
            output,
            "# my comment\nruntime-endpoint: unix:///a.sock # trailing\ndebug: true\nimage-endpoint: unix:///b.sock\ntimeout: 7\npull-image-on-create: false\ndisable-pull-on-run: false\nmax-retries: 0\n"
        );
    }

    #[test]
    fn set_rejects_bad_value() {
        let mut document = Document::parse("").unwrap();
        let error = document.set("timeout", "2s").unwrap_err();
        assert!(error.contains("timeout"), "{error}");
    }

    #[test]
    fn set_rejects_unknown_key() {
        let mut document = Document::parse("").unwrap();
        let error = document.set("runtime_endpoint", "x").unwrap_err();
        assert!(error.contains("runtime_endpoint"), "{error}");
    }

    #[test]
    fn fresh_file_has_zero_values() {
        assert_eq!(Document::fresh().get("debug").as_deref(), Some("false"));
        assert_eq!(Document::fresh().render().lines().count(), 7);
    }

    #[test]
    fn create_makes_dir_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/crictl.yaml");
        load_or_create(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn failed_write_keeps_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crictl.yaml");
        fs::write(&path, "timeout: 10\n").unwrap();
        let result = save_with(&path, "timeout: 20\n", |file, _| {
            file.write_all(b"time")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "timeout: 10\n");
        let leftovers = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "temporary file left behind");
    }

    #[test]
    fn value_needing_quotes_quoted() {
        assert_eq!(quote_if_needed(""), "\"\"");
        assert_eq!(quote_if_needed("a #b"), "\"a #b\"");
        assert_eq!(quote_if_needed("unix:///x.sock"), "unix:///x.sock");
    }
}
