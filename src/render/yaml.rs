pub fn to_yaml(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
