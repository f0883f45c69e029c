pub fn human_duration(_seconds: f64) -> String {
    String::new()
}
pub fn human_size(_bytes: f64, _precision: usize) -> String {
    String::new()
}
pub fn truncate_id(id: &str, prefix: &str) -> String {
    id.strip_prefix(prefix)
        .unwrap_or(id)
        .chars()
        .take(13)
        .collect()
}
