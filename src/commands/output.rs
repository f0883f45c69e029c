//! The output shapes commands share: the `-o` format choice, list documents
//! (`{"containers": [...]}`) and status documents (`inspect`, `info`).

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::render::{json, template, yaml};

/// An `-o` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Yaml,
    GoTemplate,
}

impl Format {
    /// Parses `-o` for a command that offers the formats in `allowed`.
    pub fn parse(text: &str, allowed: &[Format]) -> Result<Format> {
        let format = match text {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "yaml" => Some(Format::Yaml),
            "go-template" => Some(Format::GoTemplate),
            _ => None,
        };
        match format {
            Some(format) if allowed.contains(&format) => Ok(format),
            _ => Err(Error::Invalid(format!(
                "unsupported output format {text:?}; use one of {}",
                allowed
                    .iter()
                    .map(|format| format.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::GoTemplate => "go-template",
        }
    }
}

/// Writes a protojson list document, such as `{"containers": [...]}`, as JSON
/// or YAML.
pub fn write_list(out: &mut dyn Write, format: Format, key: &str, items: Vec<Value>) -> Result<()> {
    let mut document = Map::new();
    document.insert(key.to_owned(), Value::Array(items));
    write_protojson(out, format, &Value::Object(document))
}

/// Writes a protojson document as JSON, or YAML followed by crictl's blank
/// line.
pub fn write_protojson(out: &mut dyn Write, format: Format, document: &Value) -> Result<()> {
    write_text(out, &protojson_document_text(format, document))
}

/// Returns the text [`write_protojson`] writes: JSON, or YAML followed by
/// crictl's blank line.
pub fn protojson_document_text(format: Format, document: &Value) -> String {
    match format {
        Format::Yaml => yaml_text(document),
        _ => json::protojson_text(document),
    }
}

fn yaml_text(document: &Value) -> String {
    let mut text = yaml::to_yaml(document);
    text.push('\n');
    text
}

/// Builds a status document: `{"status": ..., <info keys>...}`.
///
/// Each info value that starts with `{` is embedded as JSON; any other value
/// is a string with its surrounding double quotes trimmed, as crictl does.
pub fn status_document(status: Value, info: &BTreeMap<String, String>) -> Value {
    let mut document = Map::new();
    document.insert("status".to_owned(), status);
    for (key, raw) in info {
        document.insert(key.clone(), info_value(raw));
    }
    Value::Object(document)
}

fn info_value(raw: &str) -> Value {
    if raw.starts_with('{')
        && let Ok(parsed) = serde_json::from_str::<Value>(raw)
    {
        return parsed;
    }
    Value::String(raw.trim_matches('"').to_owned())
}

/// Writes status documents: one document alone, several as a JSON array.
///
/// A go-template receives the array when there are several documents, as in
/// crictl, so `{{range .}}` works. When a template fails on the array but
/// works on each document, it is rendered once per document instead.
pub fn write_documents(
    out: &mut dyn Write,
    format: Format,
    template_text: &str,
    mut documents: Vec<Value>,
) -> Result<()> {
    let data = if documents.len() == 1 {
        documents.remove(0)
    } else {
        Value::Array(documents)
    };
    match format {
        Format::Json | Format::Table => write_text(out, &json::status_document_text(&data)),
        Format::Yaml => write_text(out, &yaml_text(&data)),
        Format::GoTemplate => write_template(out, template_text, &data),
    }
}

/// Renders `template_text` over `data` followed by a newline.
pub fn write_template(out: &mut dyn Write, template_text: &str, data: &Value) -> Result<()> {
    let parsed = template::parse(template_text)
        .map_err(|error| Error::Invalid(format!("invalid go-template: {error}")))?;
    let rendered = match (template::execute(&parsed, data), data) {
        (Ok(text), _) => text,
        (Err(error), Value::Array(items)) => {
            let per_item: std::result::Result<Vec<String>, _> = items
                .iter()
                .map(|item| template::execute(&parsed, item))
                .collect();
            match per_item {
                Ok(parts) => parts.join("\n"),
                Err(_) => return Err(template_failed(error)),
            }
        }
        (Err(error), _) => return Err(template_failed(error)),
    };
    write_text(out, &rendered)?;
    write_text(out, "\n")
}

fn template_failed(error: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("executing go-template failed: {error}"))
}

/// Writes text to the command's output.
pub fn write_text(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .map_err(|source| Error::io("writing output", source))
}

/// Formats a string map as Go's `fmt` prints a `map[string]string`:
/// `map[a:1 b:2]`, keys sorted.
pub fn go_map_text(map: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = map.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", pairs.join(" "))
}

/// Writes a `Labels:`/`Annotations:` block of verbose and table views: the
/// title, then one tab-indented `key -> value` line per entry, sorted.
pub fn write_key_values(
    out: &mut dyn Write,
    title: &str,
    map: &BTreeMap<String, String>,
) -> Result<()> {
    if map.is_empty() {
        return Ok(());
    }
    let mut text = format!("{title}:\n");
    for (key, value) in map {
        text.push_str(&format!("\t{key} -> {value}\n"));
    }
    write_text(out, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_json_object_embedded() {
        let value = info_value("{\"pid\": 4242}");
        assert_eq!(value["pid"], serde_json::json!(4242));
    }

    #[test]
    fn info_string_quotes_trimmed() {
        assert_eq!(info_value("\"\"go1.22\"\""), Value::String("go1.22".into()));
    }

    #[test]
    fn info_array_stays_string() {
        assert_eq!(
            info_value("[\"a\",\"b\"]"),
            Value::String("[\"a\",\"b\"]".into())
        );
    }

    #[test]
    fn go_map_sorted() {
        let mut map = BTreeMap::new();
        map.insert("plain".to_owned(), "\"quoted\"".to_owned());
        map.insert("info".to_owned(), "{}".to_owned());
        assert_eq!(go_map_text(&map), "map[info:{} plain:\"quoted\"]");
    }

    #[test]
    fn format_rejects_unoffered() {
        let error = Format::parse("table", &[Format::Json, Format::Yaml]).unwrap_err();
        assert!(error.to_string().contains("\"table\""), "{error}");
    }
}
