//! The `crictl.yaml` config file: a flat YAML map of seven keys.
//!
//! The file is read line by line rather than through a YAML library so that a
//! later rewrite can keep comments, key order and quoting, and because crictl
//! lets the last of duplicate keys win, which strict YAML parsers reject.

use std::path::{Path, PathBuf};

/// The keys crictl accepts, in the order crictl writes them.
pub const KEYS: [&str; 7] = [
    "runtime-endpoint",
    "image-endpoint",
    "timeout",
    "debug",
    "pull-image-on-create",
    "disable-pull-on-run",
    "max-retries",
];

/// Values read from a config file; absent keys keep their zero value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub runtime_endpoint: String,
    pub image_endpoint: String,
    /// Seconds.
    pub timeout: i64,
    pub debug: bool,
    pub pull_image_on_create: bool,
    pub disable_pull_on_run: bool,
    pub max_retries: i64,
}

/// Failure to read a config file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read config file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {} not found, nor {} beside the binary", .path.display(), .fallback.display())]
    Missing { path: PathBuf, fallback: PathBuf },
    #[error("config file {}, line {line}: {reason}", .path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// One `key: value` line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index of the line in the file, from 0.
    pub line: usize,
    pub key: String,
    /// The value with quotes and escapes removed.
    pub value: String,
}

/// Reads and validates the config file at `path`.
pub fn read(path: &Path) -> Result<Values, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text).map_err(|(line, reason)| Error::Syntax {
        path: path.to_owned(),
        line: line + 1,
        reason,
    })
}

/// Parses config text; an error carries the 0-based line and the reason.
pub fn parse(text: &str) -> Result<Values, (usize, String)> {
    let mut values = Values::default();
    for entry in entries(text)? {
        apply(&mut values, &entry.key, &entry.value).map_err(|reason| (entry.line, reason))?;
    }
    Ok(values)
}

/// Splits config text into its `key: value` entries, skipping blank lines,
/// comments and YAML document markers.
pub fn entries(text: &str) -> Result<Vec<Entry>, (usize, String)> {
    let mut found = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
            continue;
        }
        if trimmed.len() != line.len() {
            return Err((
                index,
                "nested values are not allowed; write `key: value` at the start of the line"
                    .to_owned(),
            ));
        }
        let Some((key, rest)) = split_key(line) else {
            return Err((index, format!("expected `key: value`, found {trimmed:?}")));
        };
        let value = parse_scalar(rest).map_err(|reason| (index, reason))?;
        found.push(Entry {
            line: index,
            key: key.to_owned(),
            value,
        });
    }
    Ok(found)
}

/// Splits `key: rest` at the first colon followed by a space or the end.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let colon = (0..bytes.len()).find(|&i| {
        bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t')
    })?;
    let key = line[..colon].trim();
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    Some((key, &line[colon + 1..]))
}

/// Parses the value part of a line: plain, single- or double-quoted, with an
/// optional trailing `# comment`.
fn parse_scalar(rest: &str) -> Result<String, String> {
    let text = rest.trim_start();
    let (value, after) = if let Some(body) = text.strip_prefix('"') {
        double_quoted(body)?
    } else if let Some(body) = text.strip_prefix('\'') {
        single_quoted(body)?
    } else {
        // A plain scalar ends where a comment starts: ` #`.
        let end = text
            .find(" #")
            .or_else(|| text.find("\t#"))
            .unwrap_or(text.len());
        let value = if text.starts_with('#') {
            ""
        } else {
            text[..end].trim_end()
        };
        // Lists, maps, anchors, tags and block scalars have no place in this
        // flat file, and crictl's YAML decoder fails on them too.
        if value.starts_with(['[', '{', '&', '*', '!', '|', '>', '@', '`', '%']) {
            return Err(format!(
                "unsupported value {value:?}: values are plain or quoted strings, numbers and booleans"
            ));
        }
        return Ok(match value {
            "~" | "null" | "Null" | "NULL" => String::new(),
            other => other.to_owned(),
        });
    };
    let after = after.trim_start();
    if !(after.is_empty() || after.starts_with('#')) {
        return Err(format!("unexpected text after quoted value: {after:?}"));
    }
    Ok(value)
}

fn double_quoted(body: &str) -> Result<(String, &str), String> {
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &body[index + 1..])),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('\\') => value.push('\\'),
                Some('"') => value.push('"'),
                Some('/') => value.push('/'),
                Some(other) => return Err(format!("unsupported escape \\{other} in quoted value")),
                None => break,
            },
            other => value.push(other),
        }
    }
    Err("missing closing double quote".to_owned())
}

fn single_quoted(body: &str) -> Result<(String, &str), String> {
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if c != '\'' {
            value.push(c);
        } else if chars.peek().is_some_and(|(_, next)| *next == '\'') {
            value.push('\'');
            chars.next();
        } else {
            return Ok((value, &body[index + 1..]));
        }
    }
    Err("missing closing single quote".to_owned())
}

/// Checks `value` for `key` and stores it, with crictl's rules: whole
/// numbers for integers, Go's boolean spellings for flags.
pub fn apply(values: &mut Values, key: &str, value: &str) -> Result<(), String> {
    match key {
        "runtime-endpoint" => values.runtime_endpoint = value.to_owned(),
        "image-endpoint" => values.image_endpoint = value.to_owned(),
        "timeout" => values.timeout = parse_int(key, value)?,
        "debug" => values.debug = parse_bool(key, value)?,
        "pull-image-on-create" => values.pull_image_on_create = parse_bool(key, value)?,
        "disable-pull-on-run" => values.disable_pull_on_run = parse_bool(key, value)?,
        "max-retries" => values.max_retries = parse_int(key, value)?,
        _ => {
            return Err(format!(
                "unknown key {key:?}; valid keys are {}",
                KEYS.join(", ")
            ));
        }
    }
    Ok(())
}

/// Parses a whole number as Go's `strconv.Atoi` does.
pub fn parse_int(key: &str, value: &str) -> Result<i64, String> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "invalid value {value:?} for {key}: expected a whole number"
        ));
    }
    value
        .parse()
        .map_err(|_| format!("invalid value {value:?} for {key}: number out of range"))
}

/// Parses a boolean with the spellings of Go's `strconv.ParseBool`.
pub fn parse_bool(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "invalid value {value:?} for {key}: expected true or false"
        )),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn flow_and_block_values_rejected() {
        for text in [
            "runtime-endpoint: [unclosed\n",
            "timeout: {a: 1}\n",
            "image-endpoint: |\n",
        ] {
            let error = parse(text).expect_err(text);
            assert_eq!(error.0, 0, "{text}");
            assert!(error.1.contains("unsupported value"), "{}", error.1);
        }
    }

    use super::*;

    #[test]
    fn full_file_reads_every_key() {
        let text = "runtime-endpoint: \"foo\"\nimage-endpoint: \"bar\"\ntimeout: 10\ndebug: true\npull-image-on-create: true\ndisable-pull-on-run: true\nmax-retries: 3\n";
        let values = parse(text).unwrap();
        assert_eq!(values.runtime_endpoint, "foo");
        assert_eq!(values.image_endpoint, "bar");
        assert_eq!(values.timeout, 10);
        assert!(values.debug);
        assert!(values.pull_image_on_create);
        assert!(values.disable_pull_on_run);
        assert_eq!(values.max_retries, 3);
    }

    #[test]
    fn comments_and_blank_lines_skipped() {
        let text = "# header\n\nruntime-endpoint: foo # trailing\n\n# more\n";
        let values = parse(text).unwrap();
        assert_eq!(values.runtime_endpoint, "foo");
        assert_eq!(values.timeout, 0);
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let text = "runtime-endpoint: foo\nruntime-endpoint: bar\ntimeout: 10\ntimeout: 20\n";
        let values = parse(text).unwrap();
        assert_eq!(values.runtime_endpoint, "bar");
        assert_eq!(values.timeout, 20);
    }

    #[test]
    fn empty_file_is_all_zero() {
        assert_eq!(parse("").unwrap(), Values::default());
    }

    #[test]
    fn quoted_number_accepted() {
        assert_eq!(parse("timeout: \"10\"\n").unwrap().timeout, 10);
    }

    #[test]
    fn endpoint_with_scheme_kept_whole() {
        let values = parse("runtime-endpoint: unix:///run/x.sock # keep\n").unwrap();
        assert_eq!(values.runtime_endpoint, "unix:///run/x.sock");
    }

    #[test]
    fn bad_values_name_the_key() {
        let cases = [
            ("runtime-endpoint-wrong: x\n", "runtime-endpoint-wrong"),
            ("timeout: \"foo\"\n", "timeout"),
            ("timeout: 2s\n", "timeout"),
            ("timeout: 1.5\n", "timeout"),
            ("debug: \"foo\"\n", "debug"),
            ("pull-image-on-create: \"foo\"\n", "pull-image-on-create"),
            ("disable-pull-on-run: \"foo\"\n", "disable-pull-on-run"),
            ("max-retries: \"foo\"\n", "max-retries"),
            ("runtime_endpoint: x\n", "runtime_endpoint"),
        ];
        for (text, key) in cases {
            let (line, reason) = parse(text).unwrap_err();
            assert_eq!(line, 0, "{text}");
            assert!(reason.contains(key), "{text}: {reason}");
        }
    }

    #[test]
    fn go_bool_spellings() {
        for text in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_bool("debug", text), Ok(true), "{text}");
        }
        for text in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_bool("debug", text), Ok(false), "{text}");
        }
        assert!(parse_bool("debug", "yes").is_err());
    }

    #[test]
    fn nested_value_rejected() {
        assert!(parse("runtime-endpoint:\n  nested: x\n").is_err());
    }

    #[test]
    fn error_names_path_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crictl.yaml");
        std::fs::write(&path, "debug: true\ntimeout: 2s\n").unwrap();
        let message = read(&path).unwrap_err().to_string();
        assert!(message.contains("line 2"), "{message}");
        assert!(message.contains("crictl.yaml"), "{message}");
    }
}
