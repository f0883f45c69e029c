pub fn rfc3339_nano_local(ns: i64) -> String {
    ns.to_string()
}
pub fn go_time_string_local(ns: i64) -> String {
    ns.to_string()
}
