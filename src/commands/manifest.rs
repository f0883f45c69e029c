//! Pod and container config files (JSON or YAML), the ones crictl's `runp`,
//! `create` and `run` take. Field names are the protobuf names
//! (`log_path`, `security_context`); the JSON names (`logPath`) work too.

use std::path::Path;

use prost::Message;
use prost_reflect::{DeserializeOptions, DynamicMessage};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::proto::{cri, descriptor_pool};

/// Reads a pod sandbox config and checks the fields a runtime needs.
///
/// A missing `metadata.uid` gets a random one, as crictl does on every load.
pub fn load_pod_config(path: &Path) -> Result<cri::PodSandboxConfig> {
    let mut config: cri::PodSandboxConfig = load(path, "runtime.v1.PodSandboxConfig")?;
    let metadata = config.metadata.get_or_insert_with(Default::default);
    if metadata.name.is_empty() || metadata.namespace.is_empty() {
        return Err(invalid(
            path,
            "metadata.name and metadata.namespace must both be set",
        ));
    }
    if metadata.uid.is_empty() {
        metadata.uid = random_uuid()?;
    }
    Ok(config)
}

/// Reads a container config and checks the fields a runtime needs.
pub fn load_container_config(path: &Path) -> Result<cri::ContainerConfig> {
    let mut config: cri::ContainerConfig = load(path, "runtime.v1.ContainerConfig")?;
    match &config.metadata {
        None => return Err(invalid(path, "metadata is not set")),
        Some(metadata) if metadata.name.is_empty() => {
            return Err(invalid(path, "metadata.name is not set"));
        }
        Some(_) => {}
    }
    let image = config
        .image
        .as_mut()
        .ok_or_else(|| invalid(path, "image is not set"))?;
    if image.image.is_empty() {
        return Err(invalid(path, "image.image is not set"));
    }
    if image.user_specified_image.is_empty() {
        image.user_specified_image = image.image.clone();
    }
    Ok(config)
}

fn invalid(path: &Path, reason: &str) -> Error {
    Error::Invalid(format!("config file {}: {reason}", path.display()))
}

/// Reads `path` as JSON or YAML and decodes it into the message `full_name`.
fn load<M: Message + Default>(path: &Path, full_name: &str) -> Result<M> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        let action = if source.kind() == std::io::ErrorKind::NotFound {
            format!("config file {} not found", path.display())
        } else {
            format!("reading config file {}", path.display())
        };
        Error::io(action, source)
    })?;
    decode_text(&text, full_name).map_err(|reason| invalid(path, &reason))
}

/// Decodes config text into a message; an error names the line and field.
pub fn decode_text<M: Message + Default>(text: &str, full_name: &str) -> Result<M, String> {
    let value: Value = serde_norway::from_str(text).map_err(|error| match error.location() {
        Some(location) => format!(
            "line {}, column {}: {}",
            location.line(),
            location.column(),
            strip_location(&error.to_string())
        ),
        None => error.to_string(),
    })?;
    if !value.is_object() {
        return Err("expected a mapping of fields at the top level".to_owned());
    }

    let Some(descriptor) = descriptor_pool().get_message_by_name(full_name) else {
        return Err(format!("unknown message type {full_name}"));
    };
    let options = DeserializeOptions::new().deny_unknown_fields(false);
    let mut track = serde_path_to_error::Track::new();
    let deserializer = serde_path_to_error::Deserializer::new(&value, &mut track);
    let dynamic = DynamicMessage::deserialize_with_options(descriptor, deserializer, &options)
        .map_err(|error| {
            let path = track.path().to_string();
            let line = line_of_field(text, &path)
                .map(|line| format!("line {line}, "))
                .unwrap_or_default();
            format!("{line}field {path}: {error}")
        })?;
    M::decode(dynamic.encode_to_vec().as_slice()).map_err(|error| error.to_string())
}

/// Strips the " at line L column C" suffix that serde_norway appends, since
/// the location is already given up front.
fn strip_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

/// Finds the line of the last key of a dotted field path.
///
/// NOTE: this is a text search for the first `key:` (or `"key"`) after the
/// lines of the enclosing keys, not a true position, so with repeated key
/// names it can point at an earlier occurrence.
fn line_of_field(text: &str, path: &str) -> Option<usize> {
    let mut start = 0;
    let mut found = None;
    for key in path
        .split('.')
        .filter(|key| !key.chars().all(|c| c.is_ascii_digit()))
    {
        let key = key.trim_matches('?');
        let (offset, line) = text
            .lines()
            .enumerate()
            .skip(start)
            .find(|(_, line)| {
                let trimmed = line.trim_start().trim_start_matches("- ");
                trimmed.starts_with(&format!("{key}:"))
                    || trimmed.starts_with(&format!("\"{key}\""))
            })
            .map(|(index, _)| (index, index + 1))?;
        start = offset;
        found = Some(line);
    }
    found
}

/// A random version 4 UUID, for pods whose config gives no `uid`.
fn random_uuid() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| Error::Runtime(format!("cannot generate a pod UID: {error}")))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_container_config_decodes() {
        let text = "metadata:\n  name: busybox\nimage:\n  image: docker.io/busybox:latest\ncommand:\n  - top\nlog_path: busybox.0.log\n";
        let config: cri::ContainerConfig = decode_text(text, "runtime.v1.ContainerConfig").unwrap();
        assert_eq!(config.metadata.unwrap().name, "busybox");
        assert_eq!(config.command, ["top"]);
        assert_eq!(config.log_path, "busybox.0.log");
    }

    #[test]
    fn json_pod_config_decodes() {
        let text = r#"{"metadata": {"name": "p", "namespace": "default"}, "log_directory": "/tmp", "linux": {}}"#;
        let config: cri::PodSandboxConfig =
            decode_text(text, "runtime.v1.PodSandboxConfig").unwrap();
        assert_eq!(config.log_directory, "/tmp");
        assert!(config.linux.is_some());
    }

    #[test]
    fn unknown_fields_ignored() {
        let text = "metadata:\n  name: x\nbogus: 1\n";
        let config: cri::ContainerConfig = decode_text(text, "runtime.v1.ContainerConfig").unwrap();
        assert_eq!(config.metadata.unwrap().name, "x");
    }

    #[test]
    fn wrong_type_names_field_and_line() {
        let text = "metadata:\n  name: x\n  attempt: many\n";
        let error =
            decode_text::<cri::ContainerConfig>(text, "runtime.v1.ContainerConfig").unwrap_err();
        assert!(error.contains("metadata.attempt"), "{error}");
        assert!(error.contains("line 3"), "{error}");
    }

    #[test]
    fn yaml_syntax_error_names_line() {
        let text = "metadata:\n  name: [unclosed\n";
        let error =
            decode_text::<cri::ContainerConfig>(text, "runtime.v1.ContainerConfig").unwrap_err();
        assert!(error.starts_with("line "), "{error}");
    }

    #[test]
    fn uuid_has_version_four() {
        let uuid = random_uuid().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
    }

    #[test]
    fn pod_config_requires_namespace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pod.yaml");
        std::fs::write(&path, "metadata:\n  name: p\n").unwrap();
        let error = load_pod_config(&path).unwrap_err().to_string();
        assert!(error.contains("namespace"), "{error}");
    }

    #[test]
    fn missing_file_says_not_found() {
        let error = load_container_config(Path::new("/nonexistent/c.yaml"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("not found"), "{error}");
        assert!(error.contains("/nonexistent/c.yaml"), "{error}");
    }
}
