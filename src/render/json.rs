//! JSON text in the two encodings crictl prints, plus the compact form its
//! template `json` function returns.
//!
//! List commands (`ps`, `pods`, `images`, `stats`, ...) print Go protojson:
//! keys in message order, no HTML escaping. Status documents (`inspect`,
//! `inspectp`, `inspecti`, `info`, `imagefsinfo`) pass through Go's
//! `encoding/json` as generic maps: keys sorted, `<`, `>` and `&` escaped,
//! numbers turned into float64. Values arrive as `serde_json::Value` built
//! with `preserve_order` and `arbitrary_precision`, so key order and the
//! literal text of numbers survive until printed.

use serde_json::{Map, Number, Value};

use super::human::split_float;

/// Formats `value` as Go protojson does with two-space indentation: keys in
/// the object's own order, `"key": value`, `[]` and `{}` for empty
/// collections, only `"`, `\` and control characters escaped, and a final
/// newline.
pub fn protojson_text(value: &Value) -> String {
    let mut out = String::new();
    write_indented(value, 0, &Style::PROTOJSON, &mut out);
    out.push('\n');
    out
}

/// Formats a status document as crictl does: Go's `encoding/json` output of
/// the decoded document, indented by two spaces, and a final newline.
///
/// Object keys are sorted by their bytes at every level, `<`, `>`, `&`,
/// U+2028 and U+2029 are escaped as `\u003c` and so on, and every number is
/// rewritten as Go prints the float64 it decodes to
/// ([`go_float64_numbers`]).
pub fn status_document_text(value: &Value) -> String {
    let mut out = String::new();
    write_indented(&go_float64_numbers(value), 0, &Style::GO_SORTED, &mut out);
    out.push('\n');
    out
}

/// Formats `value` as Go's `json.Marshal` does for a document decoded with
/// `UseNumber`: no whitespace, keys sorted by their bytes, HTML characters
/// escaped, numbers as their literal text.
pub fn go_json_compact(value: &Value) -> String {
    let mut out = String::new();
    write_compact(value, &mut out);
    out
}

/// Rewrites every number in `value` as Go prints the float64 it decodes to:
/// `1.0` becomes `1`, `12345678901234567890` becomes `12345678901234567000`,
/// `1e21` becomes `1e+21`.
///
/// crictl decodes status documents into `map[string]any` before printing
/// them, so their numbers are float64 in JSON, YAML and template output
/// alike. Callers that render a status document as YAML or through a
/// template apply this first. A number too large for a float64 keeps its text (Go
/// would fail to decode it).
pub fn go_float64_numbers(value: &Value) -> Value {
    match value {
        Value::Number(number) => Value::Number(go_float64_number(number)),
        Value::Array(items) => Value::Array(items.iter().map(go_float64_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (key.clone(), go_float64_numbers(item)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn go_float64_number(number: &Number) -> Number {
    let text = number.to_string();
    let parsed = text.parse::<f64>().ok().filter(|float| float.is_finite());
    parsed
        .and_then(|float| go_json_float(float).parse::<Number>().ok())
        .unwrap_or_else(|| number.clone())
}

/// Formats a float64 as Go's `encoding/json` does: shortest round-trip
/// digits, plain decimal for magnitudes from 1e-6 up to but excluding 1e21,
/// exponent form outside that range with `e-7` (not `e-07`) for negative
/// exponents and `e+21` for positive ones.
pub fn go_json_float(x: f64) -> String {
    let magnitude = x.abs();
    let Some((negative, digits, exponent)) = split_float(x) else {
        return x.to_string();
    };
    let mut text = String::new();
    if negative {
        text.push('-');
    }

    if magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        text.push_str(first);
        if !rest.is_empty() {
            text.push('.');
            text.push_str(rest);
        }
        if exponent < 0 {
            text.push_str(&format!("e-{}", exponent.unsigned_abs()));
        } else {
            text.push_str(&format!("e+{exponent:02}"));
        }
        return text;
    }

    if exponent < 0 {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
        text.push_str(&digits);
        return text;
    }
    let integer_len = exponent as usize + 1;
    if digits.len() <= integer_len {
        text.push_str(&digits);
        text.extend(std::iter::repeat_n('0', integer_len - digits.len()));
    } else {
        let (integer, fraction) = digits.split_at(integer_len);
        text.push_str(integer);
        text.push('.');
        text.push_str(fraction);
    }
    text
}

/// Appends `text` as a JSON string literal in the style of Go's
/// `encoding/json` with HTML escaping: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
/// `\t`, other control characters and `<`, `>`, `&` as `\u00XX`, and U+2028,
/// U+2029 as `\u2028`, `\u2029`.
pub fn push_go_json_string(text: &str, out: &mut String) {
    push_string(text, true, out);
}

/// Escape rules and key order of one of the two indented encodings.
struct Style {
    /// Sort object keys by their bytes instead of keeping insertion order.
    sort_keys: bool,
    /// Escape `<`, `>`, `&`, U+2028 and U+2029 as Go's `encoding/json` does.
    escape_html: bool,
}

impl Style {
    const PROTOJSON: Style = Style {
        sort_keys: false,
        escape_html: false,
    };
    const GO_SORTED: Style = Style {
        sort_keys: true,
        escape_html: true,
    };
}

fn write_indented(value: &Value, depth: usize, style: &Style, out: &mut String) {
    match value {
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_newline_indent(depth + 1, out);
                write_indented(item, depth + 1, style, out);
            }
            push_newline_indent(depth, out);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in ordered_entries(map, style.sort_keys).enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_newline_indent(depth + 1, out);
                push_string(key, style.escape_html, out);
                out.push_str(": ");
                write_indented(item, depth + 1, style, out);
            }
            push_newline_indent(depth, out);
            out.push('}');
        }
        scalar => write_scalar(scalar, style.escape_html, out),
    }
}

fn write_compact(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in ordered_entries(map, true).enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_string(key, true, out);
                out.push(':');
                write_compact(item, out);
            }
            out.push('}');
        }
        scalar => write_scalar(scalar, true, out),
    }
}

fn write_scalar(value: &Value, escape_html: bool, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => push_string(text, escape_html, out),
        Value::Array(_) | Value::Object(_) => write_compact(value, out),
    }
}

/// Returns the entries of `map`, sorted by key bytes when `sort` is set.
fn ordered_entries(
    map: &Map<String, Value>,
    sort: bool,
) -> impl Iterator<Item = (&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if sort {
        entries.sort_by(|left, right| left.0.as_bytes().cmp(right.0.as_bytes()));
    }
    entries.into_iter()
}

fn push_newline_indent(depth: usize, out: &mut String) {
    out.push('\n');
    out.extend(std::iter::repeat_n("  ", depth));
}

fn push_string(text: &str, escape_html: bool, out: &mut String) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if u32::from(control) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if escape_html => {
                out.push_str(&format!("\\u{:04x}", u32::from(character)));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn protojson_ps_output_matches_crictl() {
        let document = parse(
            r#"{"containers":[{"id":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","podSandboxId":"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9","metadata":{"name":"nginx","attempt":0},"image":{"image":"sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65","annotations":{},"userSpecifiedImage":"","runtimeHandler":"","imageRef":""},"imageRef":"docker.io/library/nginx@sha256:05aa","state":"CONTAINER_RUNNING","createdAt":"1796413862238936368","labels":{"io.kubernetes.pod.name":"nginx-sandbox","io.kubernetes.pod.namespace":"default"},"annotations":{"a":"2","z":"1"},"imageId":"sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65"}]}"#,
        );
        let expected = r#"{
  "containers": [
    {
      "id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "podSandboxId": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "metadata": {
        "name": "nginx",
        "attempt": 0
      },
      "image": {
        "image": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65",
        "annotations": {},
        "userSpecifiedImage": "",
        "runtimeHandler": "",
        "imageRef": ""
      },
      "imageRef": "docker.io/library/nginx@sha256:05aa",
      "state": "CONTAINER_RUNNING",
      "createdAt": "1796413862238936368",
      "labels": {
        "io.kubernetes.pod.name": "nginx-sandbox",
        "io.kubernetes.pod.namespace": "default"
      },
      "annotations": {
        "a": "2",
        "z": "1"
      },
      "imageId": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65"
    }
  ]
}
"#;
        assert_eq!(protojson_text(&document), expected);
    }

    #[test]
    fn protojson_pods_output_keeps_html_and_newlines() {
        let document = parse(
            r#"{"items":[{"id":"a1b2","metadata":{"name":"nginx-sandbox","uid":"uid-1","namespace":"default","attempt":1},"state":"SANDBOX_READY","createdAt":"1796413847238936368","labels":{"app":"nginx"},"annotations":{"empty":"","html":"<a&b>","multi":"l1\nl2","num":"0123"},"runtimeHandler":""}]}"#,
        );
        let expected = r#"{
  "items": [
    {
      "id": "a1b2",
      "metadata": {
        "name": "nginx-sandbox",
        "uid": "uid-1",
        "namespace": "default",
        "attempt": 1
      },
      "state": "SANDBOX_READY",
      "createdAt": "1796413847238936368",
      "labels": {
        "app": "nginx"
      },
      "annotations": {
        "empty": "",
        "html": "<a&b>",
        "multi": "l1\nl2",
        "num": "0123"
      },
      "runtimeHandler": ""
    }
  ]
}
"#;
        assert_eq!(protojson_text(&document), expected);
    }

    #[test]
    fn protojson_nested_scalar_array() {
        let document = parse(r#"{"descriptors":[{"name":"m","labelKeys":["id"]}]}"#);
        let expected = "{\n  \"descriptors\": [\n    {\n      \"name\": \"m\",\n      \"labelKeys\": [\n        \"id\"\n      ]\n    }\n  ]\n}\n";
        assert_eq!(protojson_text(&document), expected);
    }

    #[test]
    fn protojson_empty_list() {
        assert_eq!(
            protojson_text(&json!({"stats": []})),
            "{\n  \"stats\": []\n}\n"
        );
    }

    #[test]
    fn protojson_escapes_control_characters() {
        let value = json!("a\u{1}\u{1f}\u{7f}\u{2028}'\"\\\t");
        assert_eq!(
            protojson_text(&value),
            "\"a\\u0001\\u001f\u{7f}\u{2028}'\\\"\\\\\\t\"\n"
        );
    }

    #[test]
    fn status_document_inspectp_matches_crictl() {
        let document = parse(
            r#"{"status":{"id":"a1b2","metadata":{"name":"nginx-sandbox","uid":"uid-1","namespace":"default","attempt":1},"state":"SANDBOX_READY","createdAt":"2026-12-04T19:50:47.238936368Z","network":{"ip":"10.0.0.2","additionalIps":[{"ip":"fd00::2"}]},"linux":null,"labels":{"app":"nginx"},"annotations":{"yes":"yes","html":"<a&b>","multi":"l1\nl2","empty":""},"runtimeHandler":""},"info":{"pid":42,"image":"registry.k8s.io/pause:3.9"}}"#,
        );
        let expected = r#"{
  "info": {
    "image": "registry.k8s.io/pause:3.9",
    "pid": 42
  },
  "status": {
    "annotations": {
      "empty": "",
      "html": "\u003ca\u0026b\u003e",
      "multi": "l1\nl2",
      "yes": "yes"
    },
    "createdAt": "2026-12-04T19:50:47.238936368Z",
    "id": "a1b2",
    "labels": {
      "app": "nginx"
    },
    "linux": null,
    "metadata": {
      "attempt": 1,
      "name": "nginx-sandbox",
      "namespace": "default",
      "uid": "uid-1"
    },
    "network": {
      "additionalIps": [
        {
          "ip": "fd00::2"
        }
      ],
      "ip": "10.0.0.2"
    },
    "runtimeHandler": "",
    "state": "SANDBOX_READY"
  }
}
"#;
        assert_eq!(status_document_text(&document), expected);
    }

    #[test]
    fn status_document_info_matches_crictl() {
        let document = parse(
            r#"{"status":{"conditions":[{"type":"RuntimeReady","status":true,"reason":"","message":""},{"type":"NetworkReady","status":false,"reason":"NetworkPluginNotReady","message":"cni not ready"}]},"runtimeHandlers":[{"features":{"recursive_read_only_mounts":true}},{"name":"runc","features":{"recursive_read_only_mounts":true,"user_namespaces":true}}],"features":{"supplemental_groups_policy":true},"config":{"foo":"bar","n":1},"golang":"go1.22","list":"[\"a\",\"b\"]"}"#,
        );
        let expected = r#"{
  "config": {
    "foo": "bar",
    "n": 1
  },
  "features": {
    "supplemental_groups_policy": true
  },
  "golang": "go1.22",
  "list": "[\"a\",\"b\"]",
  "runtimeHandlers": [
    {
      "features": {
        "recursive_read_only_mounts": true
      }
    },
    {
      "features": {
        "recursive_read_only_mounts": true,
        "user_namespaces": true
      },
      "name": "runc"
    }
  ],
  "status": {
    "conditions": [
      {
        "message": "",
        "reason": "",
        "status": true,
        "type": "RuntimeReady"
      },
      {
        "message": "cni not ready",
        "reason": "NetworkPluginNotReady",
        "status": false,
        "type": "NetworkReady"
      }
    ]
  }
}
"#;
        assert_eq!(status_document_text(&document), expected);
    }

    #[test]
    fn status_document_array_of_documents() {
        let document = json!([{"status": {"b": 1, "a": []}}, {"status": {}}]);
        let expected = "[\n  {\n    \"status\": {\n      \"a\": [],\n      \"b\": 1\n    }\n  },\n  {\n    \"status\": {}\n  }\n]\n";
        assert_eq!(status_document_text(&document), expected);
    }

    #[test]
    fn status_document_escapes_separators() {
        let document = json!({"k": "a\u{2028}b\u{2029}"});
        assert_eq!(
            status_document_text(&document),
            "{\n  \"k\": \"a\\u2028b\\u2029\"\n}\n"
        );
    }

    #[test]
    fn status_document_escapes_backslash_path() {
        let document = json!({"message": "no network config found in C:\\Program Files"});
        assert_eq!(
            status_document_text(&document),
            "{\n  \"message\": \"no network config found in C:\\\\Program Files\"\n}\n"
        );
    }

    #[test]
    fn status_document_numbers_become_float64() {
        let document = parse(r#"{"a":1.0,"b":12345678901234567890,"c":1e21,"d":0.0000001,"e":-0}"#);
        assert_eq!(
            status_document_text(&document),
            "{\n  \"a\": 1,\n  \"b\": 12345678901234567000,\n  \"c\": 1e+21,\n  \"d\": 1e-7,\n  \"e\": -0\n}\n"
        );
    }

    #[test]
    fn status_document_keeps_overflowing_number() {
        // serde_json stores exponents as `e+`, so the text is `1e+400`.
        let document = parse(r#"{"a":1e400}"#);
        assert_eq!(status_document_text(&document), "{\n  \"a\": 1e+400\n}\n");
    }

    #[test]
    fn compact_sorts_and_escapes() {
        let document =
            parse(r#"{"name":"nginx","attempt":0,"html":"<&>","list":[1,"x",null,true]}"#);
        assert_eq!(
            go_json_compact(&document),
            r#"{"attempt":0,"html":"\u003c\u0026\u003e","list":[1,"x",null,true],"name":"nginx"}"#
        );
    }

    #[test]
    fn compact_keeps_number_text() {
        let document = parse(r#"{"n":1.50}"#);
        assert_eq!(go_json_compact(&document), r#"{"n":1.50}"#);
    }

    #[test]
    fn go_json_float_matches_encoding_json() {
        let cases: [(f64, &str); 12] = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (1.5, "1.5"),
            (100.0, "100"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.25e-10, "1.25e-10"),
            (-123.456, "-123.456"),
        ];
        for (x, expected) in cases {
            assert_eq!(go_json_float(x), expected, "{x}");
        }
    }
}
