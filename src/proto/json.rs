//! Protobuf messages to JSON values in the form Go's `protojson` writes with
//! `EmitDefaultValues`: proto JSON field names in declaration order, scalars,
//! lists and maps always present, unset message fields left out, 64-bit
//! integers as strings and enums by name.

use base64::Engine as _;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage, Value,
};
use serde_json::{Map, Number, Value as Json};

use super::pool_for;

/// Converts `message` to its protojson value.
///
/// `full_name` is the message's protobuf name, such as
/// `runtime.v1.ListContainersResponse`.
pub fn to_json<M: prost::Message>(full_name: &str, message: &M) -> Json {
    let Some(descriptor) = pool_for(full_name).get_message_by_name(full_name) else {
        // A wrong name is a programming error caught by the unit tests; at run
        // time it degrades to an empty object rather than a crash.
        debug_assert!(false, "unknown message {full_name}");
        return Json::Object(Map::new());
    };
    match DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice()) {
        Ok(dynamic) => message_to_json(&dynamic),
        Err(_) => Json::Object(Map::new()),
    }
}

/// Converts a reflected message, walking its fields in declaration order.
pub fn message_to_json(message: &DynamicMessage) -> Json {
    let mut object = Map::new();
    for field in message.descriptor().fields() {
        if is_singular_message(&field) && !message.has_field(&field) {
            continue;
        }
        let value = message.get_field(&field);
        object.insert(field.json_name().to_owned(), field_to_json(&field, &value));
    }
    Json::Object(object)
}

/// Returns every top-level field of `full_name`, with `null` for message
/// fields that are unset, as crictl's status documents show them.
pub fn to_json_with_nulls<M: prost::Message>(full_name: &str, message: &M) -> Json {
    let mut json = to_json(full_name, message);
    let Some(descriptor) = pool_for(full_name).get_message_by_name(full_name) else {
        return json;
    };
    if let Json::Object(object) = &mut json {
        fill_nulls(&descriptor, object);
    }
    json
}

fn fill_nulls(descriptor: &MessageDescriptor, object: &mut Map<String, Json>) {
    for field in descriptor.fields() {
        object
            .entry(field.json_name().to_owned())
            .or_insert(Json::Null);
    }
}

fn is_singular_message(field: &FieldDescriptor) -> bool {
    !field.is_list() && !field.is_map() && matches!(field.kind(), Kind::Message(_))
}

fn field_to_json(field: &FieldDescriptor, value: &Value) -> Json {
    match value {
        Value::List(items) => Json::Array(
            items
                .iter()
                .map(|item| scalar_to_json(&field.kind(), item))
                .collect(),
        ),
        Value::Map(entries) => {
            let value_kind = match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other,
            };
            let mut pairs: Vec<(String, Json)> = entries
                .iter()
                .map(|(key, item)| (map_key_text(key), scalar_to_json(&value_kind, item)))
                .collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(pairs.into_iter().collect())
        }
        other => scalar_to_json(&field.kind(), other),
    }
}

fn map_key_text(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

fn scalar_to_json(kind: &Kind, value: &Value) -> Json {
    match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::I32(n) => Json::Number((*n).into()),
        Value::U32(n) => Json::Number((*n).into()),
        Value::I64(n) => Json::String(n.to_string()),
        Value::U64(n) => Json::String(n.to_string()),
        Value::F32(x) => float_to_json(f64::from(*x)),
        Value::F64(x) => float_to_json(*x),
        Value::String(s) => Json::String(s.clone()),
        Value::Bytes(bytes) => {
            Json::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Value::EnumNumber(number) => enum_to_json(kind, *number),
        Value::Message(message) => message_to_json(message),
        Value::List(_) | Value::Map(_) => Json::Null,
    }
}

fn enum_to_json(kind: &Kind, number: i32) -> Json {
    if let Kind::Enum(descriptor) = kind
        && let Some(value) = descriptor.get_value(number)
    {
        return Json::String(value.name().to_owned());
    }
    // protojson writes numbers the schema does not name as plain integers.
    Json::Number(number.into())
}

fn float_to_json(x: f64) -> Json {
    if x.is_nan() {
        Json::String("NaN".to_owned())
    } else if x.is_infinite() {
        Json::String(if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned())
    } else {
        Number::from_f64(x).map_or(Json::Null, Json::Number)
    }
}
