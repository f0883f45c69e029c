//! YAML output as crictl prints it: `sigs.k8s.io/yaml`'s `JSONToYAML`, which
//! reads the JSON document with go-yaml v2 and writes it back with go-yaml
//! v2's emitter.
//!
//! The emitter writes block style with two-space indentation, puts sequences
//! inside mappings at the key's indentation (`key:\n- a`) and sorts mapping
//! keys in go-yaml's natural order. It picks each string's style as go-yaml
//! v2 does:
//!
//! * plain when it reads back as the same string,
//! * double quotes when it would read as another type (`"0123"`, `"yes"`,
//!   `""`),
//! * single quotes when plain text is not allowed (leading or trailing
//!   space, indicator characters),
//! * a literal block (`|-`) for text with newlines,
//! * double quotes with escapes for control characters.
//!
//! Long plain and quoted scalars fold at column 80.

use serde_json::Value;

use super::yaml_emitter::{Context, Emitter};
use super::yaml_resolve::{needs_quotes, number_text};

/// Converts a JSON value to the YAML text crictl prints for it.
///
/// The text ends with a single newline. crictl prints one more newline after
/// it, because the YAML goes through `fmt.Println`, so its YAML output ends
/// with a blank line. The caller adds that newline.
///
/// NOTE: go-yaml rejects U+007F, U+0080 to U+009F (except U+0085), U+FFFE
/// and U+FFFF in its input, so crictl fails with `yaml: control characters
/// are not allowed` for strings holding them. This writes them escaped.
pub fn to_yaml(value: &Value) -> String {
    let node = Node::from_json(value);
    let mut emitter = Emitter::new();
    emitter.emit_node(&node, Context::default());
    // The document end moves to a new line unless the last scalar already
    // ended with one.
    emitter.write_indent();
    emitter.out
}

/// A node of the decoded JSON document, as go-yaml v2's encoder receives it.
pub(super) enum Node {
    Scalar { text: String, style: Style },
    Sequence(Vec<Node>),
    Mapping(Vec<(String, Node)>),
}

impl Node {
    fn from_json(value: &Value) -> Node {
        match value {
            Value::Null => Node::plain("null"),
            Value::Bool(flag) => Node::plain(if *flag { "true" } else { "false" }),
            Value::Number(number) => {
                let text = number.to_string();
                match number_text(&text) {
                    Some(yaml_text) => Node::plain(&yaml_text),
                    None => Node::string(&text),
                }
            }
            Value::String(text) => Node::string(&fold_next_lines(text)),
            Value::Array(items) => Node::Sequence(items.iter().map(Node::from_json).collect()),
            Value::Object(map) => {
                let mut entries: Vec<(String, Node)> = map
                    .iter()
                    .map(|(key, item)| (fold_next_lines(key), Node::from_json(item)))
                    .collect();
                sort_keys(&mut entries);
                Node::Mapping(entries)
            }
        }
    }

    fn plain(text: &str) -> Node {
        Node::Scalar {
            text: text.to_owned(),
            style: Style::Plain,
        }
    }

    fn string(text: &str) -> Node {
        Node::Scalar {
            text: text.to_owned(),
            style: string_style(text),
        }
    }
}

/// Applies what go-yaml's reader does to a NEXT LINE character (U+0085)
/// inside a JSON string: neither JSON encoder crictl uses escapes it, so
/// go-yaml reads it as a line break in a double-quoted scalar and folds it.
/// Spaces before and after a run of such breaks are dropped, and the run
/// becomes one space, or one newline per break after the first.
///
/// NOTE: U+2028 and U+2029 are line breaks to go-yaml too, but only protojson
/// leaves them unescaped, and a break that is not a newline keeps its
/// character, so they are left as they are (only spaces around them would
/// differ).
fn fold_next_lines(text: &str) -> String {
    if !text.contains('\u{85}') {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut folded = String::with_capacity(text.len());
    let mut index = 0;
    while index < chars.len() {
        if chars[index] != ' ' && chars[index] != '\u{85}' {
            folded.push(chars[index]);
            index += 1;
            continue;
        }
        let run_start = index;
        let mut breaks = 0;
        while index < chars.len() && (chars[index] == ' ' || chars[index] == '\u{85}') {
            if chars[index] == '\u{85}' {
                breaks += 1;
            }
            index += 1;
        }
        match breaks {
            0 => folded.extend(&chars[run_start..index]),
            1 => folded.push(' '),
            _ => folded.extend(std::iter::repeat_n('\n', breaks - 1)),
        }
    }
    folded
}

/// Scalar styles of go-yaml v2's emitter that JSON data can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// Returns the style go-yaml's encoder requests for a string: a literal
/// block for text with a newline, double quotes when plain text would read
/// as another type, plain otherwise. The emitter may still pick a safer
/// style.
pub(super) fn string_style(text: &str) -> Style {
    if text.contains('\n') {
        Style::Literal
    } else if needs_quotes(text) {
        Style::DoubleQuoted
    } else {
        Style::Plain
    }
}

/// Sorts mapping entries with go-yaml v2's key order. Insertion sort keeps
/// the sort free of assumptions about the comparison being a total order.
fn sort_keys(entries: &mut [(String, Node)]) {
    for index in 1..entries.len() {
        let mut position = index;
        while position > 0 && key_less(&entries[position].0, &entries[position - 1].0) {
            entries.swap(position, position - 1);
            position -= 1;
        }
    }
}

/// go-yaml v2's order of string keys: rune by rune, letters after every
/// other character, and runs of digits compared by numeric value (with a
/// leading zero after other digits breaking ties toward the shorter run).
fn key_less(left: &str, right: &str) -> bool {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    for index in 0..left.len().min(right.len()) {
        let (a, b) = (left[index], right[index]);
        if a == b {
            continue;
        }
        let (a_letter, b_letter) = (a.is_alphabetic(), b.is_alphabetic());
        if a_letter && b_letter {
            return a < b;
        }
        if a_letter || b_letter {
            return b_letter;
        }

        let mut a_number: i64 = 0;
        let mut b_number: i64 = 0;
        if a == '0' || b == '0' {
            let earlier_nonzero = left[..index]
                .iter()
                .rev()
                .take_while(|c| c.is_numeric())
                .any(|&c| c != '0');
            if earlier_nonzero {
                a_number = 1;
                b_number = 1;
            }
        }
        let a_end = digit_run_end(&left, index, &mut a_number);
        let b_end = digit_run_end(&right, index, &mut b_number);
        if a_number != b_number {
            return a_number < b_number;
        }
        if a_end != b_end {
            return a_end < b_end;
        }
        return a < b;
    }
    left.len() < right.len()
}

/// Accumulates the digit run starting at `start` into `number` the way Go
/// does (wrapping, and subtracting `'0'` even from non-ASCII digits) and
/// returns the index after the run.
fn digit_run_end(chars: &[char], start: usize, number: &mut i64) -> usize {
    let mut end = start;
    while end < chars.len() && chars[end].is_numeric() {
        let digit = i64::from(u32::from(chars[end])) - i64::from(u32::from('0'));
        *number = number.wrapping_mul(10).wrapping_add(digit);
        end += 1;
    }
    end
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn ps_yaml_matches_crictl() {
        let document = parse(
            r#"{"containers":[{"id":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","podSandboxId":"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9","metadata":{"name":"nginx","attempt":0},"image":{"image":"sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65","annotations":{},"userSpecifiedImage":"","runtimeHandler":"","imageRef":""},"imageRef":"docker.io/library/nginx@sha256:05aa","state":"CONTAINER_RUNNING","createdAt":"1796413862238936368","labels":{"io.kubernetes.pod.name":"nginx-sandbox","io.kubernetes.pod.namespace":"default"},"annotations":{"a":"2","z":"1"},"imageId":"sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65"}]}"#,
        );
        let expected = "\
containers:
- annotations:
    a: \"2\"
    z: \"1\"
  createdAt: \"1796413862238936368\"
  id: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  image:
    annotations: {}
    image: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
    imageRef: \"\"
    runtimeHandler: \"\"
    userSpecifiedImage: \"\"
  imageId: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
  imageRef: docker.io/library/nginx@sha256:05aa
  labels:
    io.kubernetes.pod.name: nginx-sandbox
    io.kubernetes.pod.namespace: default
  metadata:
    attempt: 0
    name: nginx
  podSandboxId: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
  state: CONTAINER_RUNNING
";
        assert_eq!(to_yaml(&document), expected);
    }

    #[test]
    fn pods_yaml_matches_crictl() {
        let document = parse(
            r#"{"items":[{"id":"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9","metadata":{"name":"nginx-sandbox","uid":"uid-1","namespace":"default","attempt":1},"state":"SANDBOX_READY","createdAt":"1796413847238936368","labels":{"app":"nginx"},"annotations":{"anno":"x","empty":"","html":"<a&b>","long":"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ","multi":"l1\nl2","num":"0123","yes":"yes"},"runtimeHandler":""}]}"#,
        );
        let expected = "\
items:
- annotations:
    anno: x
    empty: \"\"
    html: <a&b>
    long: 'lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor
      sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet '
    multi: |-
      l1
      l2
    num: \"0123\"
    \"yes\": \"yes\"
  createdAt: \"1796413847238936368\"
  id: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
  labels:
    app: nginx
  metadata:
    attempt: 1
    name: nginx-sandbox
    namespace: default
    uid: uid-1
  runtimeHandler: \"\"
  state: SANDBOX_READY
";
        assert_eq!(to_yaml(&document), expected);
    }

    #[test]
    fn images_yaml_matches_crictl() {
        let document = parse(
            r#"{"images":[{"id":"sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91","repoTags":["docker.io/library/busybox:latest","docker.io/library/busybox:1.36"],"repoDigests":["docker.io/library/busybox@sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414"],"size":"4500000","uid":{"value":"0"},"username":"","pinned":true},{"id":"sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df","repoTags":[],"repoDigests":["registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097"],"size":"750000","username":"","pinned":false}]}"#,
        );
        let expected = "\
images:
- id: sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91
  pinned: true
  repoDigests:
  - docker.io/library/busybox@sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414
  repoTags:
  - docker.io/library/busybox:latest
  - docker.io/library/busybox:1.36
  size: \"4500000\"
  uid:
    value: \"0\"
  username: \"\"
- id: sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df
  pinned: false
  repoDigests:
  - registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097
  repoTags: []
  size: \"750000\"
  username: \"\"
";
        assert_eq!(to_yaml(&document), expected);
    }

    #[test]
    fn inspect_yaml_matches_crictl() {
        let document = parse(
            r#"{"status":{"id":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","metadata":{"attempt":0,"name":"nginx"},"state":"CONTAINER_RUNNING","createdAt":"2026-12-04T19:51:02.238936368Z","startedAt":"2026-12-04T19:51:03.238936368Z","finishedAt":"0001-01-01T00:00:00Z","exitCode":0,"image":{"annotations":{},"image":"sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65","imageRef":"","runtimeHandler":"","userSpecifiedImage":""},"imageRef":"docker.io/library/nginx@sha256:05aa","reason":"","message":"","labels":{"io.kubernetes.pod.name":"nginx-sandbox","io.kubernetes.pod.namespace":"default"},"annotations":{"a":"2","z":"1"},"mounts":[],"logPath":"/var/lib/fakecri/logs/nginx/0.log","resources":null,"imageId":"","user":null,"stopSignal":"RUNTIME_DEFAULT"}}"#,
        );
        let expected = "\
status:
  annotations:
    a: \"2\"
    z: \"1\"
  createdAt: \"2026-12-04T19:51:02.238936368Z\"
  exitCode: 0
  finishedAt: \"0001-01-01T00:00:00Z\"
  id: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  image:
    annotations: {}
    image: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
    imageRef: \"\"
    runtimeHandler: \"\"
    userSpecifiedImage: \"\"
  imageId: \"\"
  imageRef: docker.io/library/nginx@sha256:05aa
  labels:
    io.kubernetes.pod.name: nginx-sandbox
    io.kubernetes.pod.namespace: default
  logPath: /var/lib/fakecri/logs/nginx/0.log
  message: \"\"
  metadata:
    attempt: 0
    name: nginx
  mounts: []
  reason: \"\"
  resources: null
  startedAt: \"2026-12-04T19:51:03.238936368Z\"
  state: CONTAINER_RUNNING
  stopSignal: RUNTIME_DEFAULT
  user: null
";
        assert_eq!(to_yaml(&document), expected);
    }

    #[test]
    fn inspectp_yaml_matches_crictl() {
        let document = parse(
            r#"{"status":{"id":"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100","metadata":{"name":"busy-pod","uid":"uid-2","namespace":"kube-system","attempt":0},"state":"SANDBOX_NOTREADY","createdAt":"2026-12-01T19:52:17.238936368Z","network":{"ip":"10.0.0.2","additionalIps":[{"ip":"fd00::2"}]},"linux":null,"labels":{},"annotations":{},"runtimeHandler":"runc"}}"#,
        );
        let expected = "\
status:
  annotations: {}
  createdAt: \"2026-12-01T19:52:17.238936368Z\"
  id: ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
  labels: {}
  linux: null
  metadata:
    attempt: 0
    name: busy-pod
    namespace: kube-system
    uid: uid-2
  network:
    additionalIps:
    - ip: fd00::2
    ip: 10.0.0.2
  runtimeHandler: runc
  state: SANDBOX_NOTREADY
";
        assert_eq!(to_yaml(&document), expected);
    }

    #[test]
    fn info_yaml_matches_crictl() {
        let document = parse(
            r#"{"status":{"conditions":[{"type":"RuntimeReady","status":true,"reason":"","message":""},{"type":"NetworkReady","status":false,"reason":"NetworkPluginNotReady","message":"cni not ready"}]},"runtimeHandlers":[{"features":{"recursive_read_only_mounts":true}},{"name":"runc","features":{"recursive_read_only_mounts":true,"user_namespaces":true}}],"features":{"supplemental_groups_policy":true}}"#,
        );
        let expected = "\
features:
  supplemental_groups_policy: true
runtimeHandlers:
- features:
    recursive_read_only_mounts: true
- features:
    recursive_read_only_mounts: true
    user_namespaces: true
  name: runc
status:
  conditions:
  - message: \"\"
    reason: \"\"
    status: true
    type: RuntimeReady
  - message: cni not ready
    reason: NetworkPluginNotReady
    status: false
    type: NetworkReady
";
        assert_eq!(to_yaml(&document), expected);
    }

    #[test]
    fn status_data_vector_matches_crictl() {
        let document = parse(
            r#"{"status":{"conditions":[{"message":"no network config found in C:\\Program Files","reason":"NetworkPluginNotReady","status":false,"type":"NetworkReady"}]},"runtimeHandlers":[{"features":{"recursive_read_only_mounts":true},"name":"runc"},{"features":{"recursive_read_only_mounts":true,"user_namespaces":true},"name":"crun"}],"features":{"supplemental_groups_policy":true},"key1":{"foo":"bar"},"key2":{"bar":"baz"}}"#,
        );
        let expected = "\
features:
  supplemental_groups_policy: true
key1:
  foo: bar
key2:
  bar: baz
runtimeHandlers:
- features:
    recursive_read_only_mounts: true
  name: runc
- features:
    recursive_read_only_mounts: true
    user_namespaces: true
  name: crun
status:
  conditions:
  - message: no network config found in C:\\Program Files
    reason: NetworkPluginNotReady
    status: false
    type: NetworkReady
";
        assert_eq!(to_yaml(&document), expected);
    }

    #[test]
    fn scalar_styles() {
        let cases: [(&str, &str); 24] = [
            ("plain", "plain"),
            ("", "\"\""),
            ("~", "\"~\""),
            ("null", "\"null\""),
            ("true", "\"true\""),
            ("on", "\"on\""),
            ("no", "\"no\""),
            ("1e3", "\"1e3\""),
            ("12:30", "\"12:30\""),
            ("<a&b>", "<a&b>"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("it's", "it's"),
            ("'quoted'", "'''quoted'''"),
            ("- item", "'- item'"),
            ("-item", "-item"),
            ("key: value", "'key: value'"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("*star", "'*star'"),
            ("tab\there", "\"tab\\there\""),
            ("bell\u{7}", "\"bell\\a\""),
            ("emoji \u{1f600}", "\"emoji \\U0001F600\""),
            ("nbsp\u{a0}", "nbsp\u{a0}"),
        ];
        for (text, expected) in cases {
            assert_eq!(
                to_yaml(&json!({ "k": text })),
                format!("k: {expected}\n"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn literal_block_chomping() {
        let cases: [(&str, &str); 6] = [
            ("a\nb", "k: |-\n  a\n  b\n"),
            ("a\nb\n", "k: |\n  a\n  b\n"),
            ("a\nb\n\n", "k: |+\n  a\n  b\n\n"),
            ("\n", "k: |2+\n\n"),
            (" a\nb", "k: |2-\n   a\n  b\n"),
            ("a\n\nb", "k: |-\n  a\n\n  b\n"),
        ];
        for (text, expected) in cases {
            assert_eq!(to_yaml(&json!({ "k": text })), expected, "{text:?}");
        }
    }

    #[test]
    fn multiline_with_trailing_space_is_double_quoted() {
        assert_eq!(to_yaml(&json!({"k": "a \nb"})), "k: \"a \\nb\"\n");
    }

    #[test]
    fn literal_block_in_sequence() {
        assert_eq!(to_yaml(&json!(["a\nb"])), "- |-\n  a\n  b\n");
    }

    #[test]
    fn literal_block_at_top_level() {
        assert_eq!(to_yaml(&json!("a\nb")), "|-\n  a\n  b\n");
    }

    #[test]
    fn literal_block_before_next_key() {
        assert_eq!(to_yaml(&json!({"a": "x\n", "b": "z"})), "a: |\n  x\nb: z\n");
    }

    #[test]
    fn multiline_key_uses_explicit_form() {
        assert_eq!(to_yaml(&json!({"a\nb": "v"})), "? |-\n  a\n  b\n: v\n");
    }

    #[test]
    fn long_key_uses_explicit_form() {
        let key = "k".repeat(129);
        assert_eq!(
            to_yaml(&json!({ key.clone(): 1 })),
            format!("? {key}\n: 1\n")
        );
    }

    #[test]
    fn key_of_128_bytes_is_simple() {
        let key = "k".repeat(128);
        assert_eq!(to_yaml(&json!({ key.clone(): 1 })), format!("{key}: 1\n"));
    }

    #[test]
    fn long_plain_string_folds_at_80() {
        let text = "word ".repeat(20) + "end";
        let expected = format!(
            "k: {}\n  {}\n",
            "word ".repeat(16).trim_end(),
            "word ".repeat(4) + "end"
        );
        assert_eq!(to_yaml(&json!({ "k": text })), expected);
    }

    #[test]
    fn long_double_quoted_string_folds() {
        let text = "word ".repeat(20) + "e\u{7}";
        let expected = format!(
            "k: \"{}\n  {}\"\n",
            "word ".repeat(16).trim_end(),
            "word ".repeat(4) + "e\\a"
        );
        assert_eq!(to_yaml(&json!({ "k": text })), expected);
    }

    #[test]
    fn long_key_does_not_fold() {
        let key = "word ".repeat(20) + "end";
        assert_eq!(to_yaml(&json!({ key.clone(): 1 })), format!("{key}: 1\n"));
    }

    #[test]
    fn numbers_take_yaml_types() {
        let document = parse(
            r#"{"a":1,"b":-0,"c":1.0,"d":2.5,"e":1e6,"f":123456789012345678901234567890,"g":1e400}"#,
        );
        assert_eq!(
            to_yaml(&document),
            "a: 1\nb: 0\nc: 1\nd: 2.5\ne: 1e+06\nf: 1.2345678901234568e+29\ng: 1e+400\n"
        );
    }

    #[test]
    fn nested_sequences() {
        assert_eq!(to_yaml(&json!([[1, 2], []])), "- - 1\n  - 2\n- []\n");
    }

    #[test]
    fn sequence_of_empty_mapping() {
        assert_eq!(to_yaml(&json!({"k": [{}]})), "k:\n- {}\n");
    }

    #[test]
    fn top_level_scalars() {
        assert_eq!(to_yaml(&json!(null)), "null\n");
        assert_eq!(to_yaml(&json!({})), "{}\n");
        assert_eq!(to_yaml(&json!([])), "[]\n");
        assert_eq!(to_yaml(&json!("yes")), "\"yes\"\n");
    }

    #[test]
    fn keys_sort_naturally() {
        let document = json!({"a10": 1, "a2": 2, "B": 3, "a_b": 4, "a": 5, "a.b": 6, "1": 7});
        assert_eq!(
            to_yaml(&document),
            "\"1\": 7\nB: 3\na: 5\na.b: 6\na_b: 4\na2: 2\na10: 1\n"
        );
    }

    #[test]
    fn next_line_character_folds() {
        let cases: [(&str, &str); 4] = [
            ("x\u{85}y", "k: x y\n"),
            ("x \u{85} y", "k: x y\n"),
            ("x\u{85}\u{85}\u{85}y", "k: |-\n  x\n\n  y\n"),
            ("\u{85}", "k: ' '\n"),
        ];
        for (text, expected) in cases {
            assert_eq!(to_yaml(&json!({ "k": text })), expected, "{text:?}");
        }
    }

    #[test]
    fn key_order_with_leading_zeros() {
        assert!(key_less("1", "01"));
        assert!(!key_less("01", "1"));
        assert!(key_less("a1b", "a01b"));
        assert!(key_less("int_val", "int64_val"));
    }
}
