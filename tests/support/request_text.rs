//! One-line text form of a CRI request for the fake runtime's call log.
//!
//! The form follows Go's compact protobuf text format, the one crictl's own
//! test runtimes log: fields in declaration order, only fields that are set,
//! `name: value` for scalars, `name { ... }` for messages (`name { }` when
//! empty), enums by name, map entries as `name { key: K value: V }` sorted by
//! key.

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, ReflectMessage, Value};

/// Renders `request`, a message of the protobuf type `full_name` such as
/// `runtime.v1.ListContainersRequest`.
pub fn render<M: prost::Message>(full_name: &str, request: &M) -> String {
    let descriptor = crictl_rs::proto::descriptor_pool()
        .get_message_by_name(full_name)
        .unwrap_or_else(|| panic!("unknown message type {full_name}"));
    let dynamic = DynamicMessage::decode(descriptor, request.encode_to_vec().as_slice())
        .unwrap_or_else(|error| panic!("cannot decode {full_name}: {error}"));
    render_fields(&dynamic)
}

fn render_fields(message: &DynamicMessage) -> String {
    let mut parts = Vec::new();
    for field in message.descriptor().fields() {
        if !message.has_field(&field) {
            continue;
        }
        match &*message.get_field(&field) {
            Value::List(items) => {
                for item in items {
                    parts.push(render_field(field.name(), &field.kind(), item));
                }
            }
            Value::Map(entries) => {
                let mut sorted: Vec<_> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                for (key, value) in sorted {
                    parts.push(render_entry(&field, key, value));
                }
            }
            value => parts.push(render_field(field.name(), &field.kind(), value)),
        }
    }
    parts.join(" ")
}

fn render_field(name: &str, kind: &Kind, value: &Value) -> String {
    match value {
        Value::Message(inner) => {
            let fields = render_fields(inner);
            if fields.is_empty() {
                format!("{name} {{ }}")
            } else {
                format!("{name} {{ {fields} }}")
            }
        }
        scalar => format!("{name}: {}", render_scalar(kind, scalar)),
    }
}

fn render_entry(field: &FieldDescriptor, key: &MapKey, value: &Value) -> String {
    let key_text = match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(text) => quote(text),
    };
    let value_kind = match field.kind() {
        Kind::Message(entry) => entry.map_entry_value_field().kind(),
        other => other,
    };
    let value_text = render_field("value", &value_kind, value);
    format!("{} {{ key: {key_text} {value_text} }}", field.name())
}

fn render_scalar(kind: &Kind, value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::F32(n) => n.to_string(),
        Value::F64(n) => n.to_string(),
        Value::String(text) => quote(text),
        Value::Bytes(bytes) => quote(&String::from_utf8_lossy(bytes)),
        Value::EnumNumber(number) => match kind {
            Kind::Enum(descriptor) => descriptor
                .get_value(*number)
                .map_or_else(|| number.to_string(), |value| value.name().to_owned()),
            _ => number.to_string(),
        },
        Value::Message(_) | Value::List(_) | Value::Map(_) => {
            unreachable!("render_field handles messages, lists and maps")
        }
    }
}

/// Quotes text as Go's text format does: printable characters as they are,
/// escapes for quotes, backslashes and line breaks, octal for other control
/// characters.
fn quote(text: &str) -> String {
    let mut quoted = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            control if control.is_control() => {
                quoted.push_str(&format!("\\{:03o}", u32::from(control)));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}
