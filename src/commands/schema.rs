//! JSON Schemas of the pod and container config files, printed by the
//! `jsonschema` (`js`) subcommands of `create`, `run`, `runp` and `pull`, and
//! built from the protocol descriptors so they always match the decoder.

use clap::{Args, Subcommand};
use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value, json};

use super::output::write_text;
use crate::error::{Error, Result};
use crate::proto::descriptor_pool;

/// The `jsonschema` subcommand.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the JSON Schema of the config files this command reads
    #[command(name = "jsonschema", visible_alias = "js")]
    JsonSchema(SchemaArgs),
}

/// Arguments of `jsonschema`.
#[derive(Debug, Args, Default)]
pub struct SchemaArgs {
    /// Print the pod sandbox config schema
    #[arg(short = 'p', long = "pod")]
    pub pod: bool,

    /// Print the container config schema
    #[arg(short = 'c', long = "container")]
    pub container: bool,
}

/// The schemas a subcommand prints.
#[derive(Debug, Clone, Copy)]
pub enum Schemas {
    /// `runp` and `pull`: the pod sandbox config only.
    Pod,
    /// `create` and `run`: chosen with `--pod` and `--container`.
    Chosen,
}

/// Prints the requested schemas, pod before container.
pub fn print(
    command: &'static str,
    which: Schemas,
    args: &SchemaArgs,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let (pod, container) = match which {
        Schemas::Pod => (true, false),
        Schemas::Chosen => (args.pod, args.container),
    };
    if !pod && !container {
        return Err(Error::Help {
            command,
            message: Some("give --pod, --container or both".to_owned()),
        });
    }
    if pod {
        write_schema(out, "PodSandboxConfig", "pod-sandbox-config")?;
    }
    if container {
        write_schema(out, "ContainerConfig", "container-config")?;
    }
    Ok(())
}

fn write_schema(out: &mut dyn std::io::Write, message: &str, id: &str) -> Result<()> {
    let schema = schema_of(message, id)
        .ok_or_else(|| Error::Runtime(format!("no message {message} in the protocol")))?;
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|error| Error::Runtime(format!("cannot encode the schema: {error}")))?;
    write_text(out, &format!("{text}\n"))
}

/// Builds a draft 2020-12 schema for `runtime.v1.<message>`, with one `$defs`
/// entry per message type it reaches.
pub fn schema_of(message: &str, id: &str) -> Option<Value> {
    let root = descriptor_pool().get_message_by_name(&format!("runtime.v1.{message}"))?;
    let mut defs = Map::new();
    let mut pending = vec![root];
    while let Some(descriptor) = pending.pop() {
        if defs.contains_key(descriptor.name()) {
            continue;
        }
        let mut properties = Map::new();
        for field in descriptor.fields() {
            properties.insert(field.name().to_owned(), field_schema(&field, &mut pending));
        }
        defs.insert(
            descriptor.name().to_owned(),
            json!({"properties": properties, "additionalProperties": false, "type": "object"}),
        );
    }
    Some(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("https://k8s.io/cri-api/pkg/apis/runtime/v1/{id}"),
        "$ref": format!("#/$defs/{message}"),
        "$defs": defs,
    }))
}

fn field_schema(field: &FieldDescriptor, pending: &mut Vec<MessageDescriptor>) -> Value {
    if field.is_map() {
        let value_kind = match field.kind() {
            Kind::Message(entry) => entry.map_entry_value_field().kind(),
            other => other,
        };
        return json!({"additionalProperties": kind_schema(&value_kind, pending), "type": "object"});
    }
    let single = kind_schema(&field.kind(), pending);
    if field.is_list() {
        json!({"items": single, "type": "array"})
    } else {
        single
    }
}

fn kind_schema(kind: &Kind, pending: &mut Vec<MessageDescriptor>) -> Value {
    match kind {
        Kind::Message(message) => {
            pending.push(message.clone());
            json!({"$ref": format!("#/$defs/{}", message.name())})
        }
        Kind::Bool => json!({"type": "boolean"}),
        Kind::String => json!({"type": "string"}),
        Kind::Bytes => json!({"type": "string", "contentEncoding": "base64"}),
        Kind::Float | Kind::Double => json!({"type": "number"}),
        // Enums are written as their numbers in config files.
        _ => json!({"type": "integer"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_schema_key_value_string() {
        let schema = schema_of("ContainerConfig", "container-config").unwrap();
        let value = &schema["$defs"]["KeyValue"]["properties"]["value"];
        assert_eq!(value["type"], "string");
        assert!(value.get("contentEncoding").is_none());
    }

    #[test]
    fn pod_schema_uses_proto_names() {
        let schema = schema_of("PodSandboxConfig", "pod-sandbox-config").unwrap();
        let properties = &schema["$defs"]["PodSandboxConfig"]["properties"];
        assert!(properties.get("log_directory").is_some());
        assert_eq!(schema["$ref"], "#/$defs/PodSandboxConfig");
    }
}
