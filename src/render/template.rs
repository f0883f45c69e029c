//! Go `text/template` rendering for `-o go-template`, on top of the
//! `gotmpl` crate, set up as crictl sets up its templates.
//!
//! crictl names the template `tmplExecuteRawJSON`, turns on
//! `missingkey=error`, adds the functions `json`, `title`, `lower` and
//! `upper`, and executes it over the JSON document decoded with Go's
//! `UseNumber`, so numbers print as their literal text. Errors read like Go's:
//! `template: tmplExecuteRawJSON:1:9: executing "tmplExecuteRawJSON" at
//! <.status.nope>: map has no entry for key "nope"`.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{MissingKey, TemplateError as EngineError, Value as TemplateValue};
use serde_json::Value;

use super::template_check::{
    ErrorSite, find_field_access, find_function_call, find_parse_problem, line_of,
};
use super::template_funcs::{
    NumberMarks, json_function, map_string, printf_function, take_failed_function,
};

pub use super::title_case::title_case;

/// The name crictl gives its templates; Go puts it in every error message.
pub const TEMPLATE_NAME: &str = "tmplExecuteRawJSON";

/// Built-in functions that take a variable number of arguments. Go's error
/// for too few arguments to them reads "want at least N".
const VARIADIC_FUNCTIONS: [&str; 7] = ["and", "or", "index", "slice", "call", "eq", "printf"];

/// A template that failed to parse or to execute. The text is what Go's
/// `text/template` reports, starting with `template: tmplExecuteRawJSON:`;
/// crictl prefixes it with `failed to generate go-template: ` for parse
/// errors and `failed to template data: ` for execution errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The template text is not a valid template. Go finds some of these
    /// (undefined variables) only while executing here.
    #[error("{0}")]
    Parse(String),
    /// The template failed while rendering the data.
    #[error("{0}")]
    Execute(String),
}

/// A parsed template, ready to render any number of documents.
pub struct Template {
    engine: gotmpl::Template,
    source: String,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Template")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Parses `text` as a Go template with crictl's name, options and extra
/// functions.
///
/// # Errors
///
/// Returns [`TemplateError::Parse`] with Go's message
/// (`template: tmplExecuteRawJSON:1: function "foo" not defined`) when the
/// text is not a valid template.
pub fn parse(text: &str) -> Result<Template, TemplateError> {
    let engine = gotmpl::Template::new(TEMPLATE_NAME)
        .missing_key(MissingKey::Error)
        .func("json", json_function)
        .func("title", |args| map_string("title", args, title_case))
        .func("lower", |args| map_string("lower", args, str::to_lowercase))
        .func("upper", |args| map_string("upper", args, str::to_uppercase))
        .func("printf", printf_function)
        .parse(text)
        .map_err(|error| TemplateError::Parse(parse_error_text(&error)))?;
    if let Some(problem) = find_parse_problem(text) {
        let line = line_of(text, problem.offset);
        return Err(TemplateError::Parse(format!(
            "template: {TEMPLATE_NAME}:{line}: {}",
            problem.message
        )));
    }
    Ok(Template {
        engine,
        source: text.to_owned(),
    })
}

/// Renders `template` over `data` and returns the text, without the newline
/// crictl prints after it.
///
/// # Errors
///
/// Returns [`TemplateError::Execute`] when rendering fails, for example on a
/// missing map key (Go's `missingkey=error`), and [`TemplateError::Parse`]
/// for an undefined variable, which Go reports when parsing.
pub fn execute(template: &Template, data: &Value) -> Result<String, TemplateError> {
    take_failed_function();
    let mut numbers = NumberMarks::new();
    let data = template_value(data, &mut numbers);
    let _active = numbers.activate();
    template
        .engine
        .execute_to_string(&data)
        .map_err(|error| execute_error(&template.source, &error))
}

/// Converts a JSON value to template data as Go's decoder with `UseNumber`
/// presents it: objects are maps, arrays are lists, and numbers are strings
/// holding their literal text, as Go's `json.Number` is. `{{.pid}}` prints
/// `4242`, `eq .pid "4242"` holds, and the `json` function prints numbers
/// unquoted because `numbers` records them.
fn template_value(value: &Value, numbers: &mut NumberMarks) -> TemplateValue {
    match value {
        Value::Null => TemplateValue::Nil,
        Value::Bool(flag) => TemplateValue::Bool(*flag),
        Value::Number(number) => numbers.number(&number.to_string()),
        Value::String(text) => TemplateValue::String(Arc::from(text.as_str())),
        Value::Array(items) => TemplateValue::List(
            items
                .iter()
                .map(|item| template_value(item, numbers))
                .collect(),
        ),
        Value::Object(map) => {
            let entries: BTreeMap<Arc<str>, TemplateValue> = map
                .iter()
                .map(|(key, item)| (Arc::from(key.as_str()), template_value(item, numbers)))
                .collect();
            TemplateValue::Map(Arc::new(entries))
        }
    }
}

/// Formats a parse error as Go does: `template: NAME:LINE: MESSAGE`, without
/// the column gotmpl adds, with Go's wording where it differs.
fn parse_error_text(error: &EngineError) -> String {
    match error {
        EngineError::Parse { line, message, .. } | EngineError::Lex { line, message, .. } => {
            format!(
                "template: {TEMPLATE_NAME}:{line}: {}",
                go_parse_message(message)
            )
        }
        other => format!("template: {TEMPLATE_NAME}: {other}"),
    }
}

/// Go's wording for the gotmpl parse messages that differ from it.
fn go_parse_message(message: &str) -> String {
    let go_wording = match message {
        "unterminated string" => "unterminated quoted string",
        "unterminated raw string" => "unterminated raw quoted string",
        "unterminated character literal" => "unterminated character constant",
        "comment not terminated by closing delimiter" => "comment ends before closing delimiter",
        _ if message.starts_with("expected RightParen") => "unclosed left paren",
        _ => message,
    };
    go_wording.to_owned()
}

/// Formats an execution error as Go does, with the location and node Go
/// reports: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
/// Without a known node Go leaves out the location and the node.
fn execute_error(source: &str, error: &EngineError) -> TemplateError {
    if let EngineError::UndefinedVariable(name) = error {
        // Go rejects an undefined variable when parsing. The parse-time check
        // finds most of them; this covers any it misses.
        let offset = source.find(name.as_str()).unwrap_or(0);
        return TemplateError::Parse(format!(
            "template: {TEMPLATE_NAME}:{}: undefined variable {}",
            line_of(source, offset),
            go_quote(name)
        ));
    }

    let (message, site) = describe_failure(source, error);
    let Some(site) = site else {
        return TemplateError::Execute(format!(
            "template: {TEMPLATE_NAME}: executing \"{TEMPLATE_NAME}\": {message}"
        ));
    };
    let before = source.get(..site.offset).unwrap_or(source);
    let column = before
        .rfind('\n')
        .map_or(site.offset, |newline| site.offset - newline - 1);
    TemplateError::Execute(format!(
        "template: {TEMPLATE_NAME}:{}:{column}: executing \"{TEMPLATE_NAME}\" at <{}>: {message}",
        line_of(source, site.offset),
        site.text
    ))
}

/// Returns Go's message for an execution error and the node Go would name.
///
/// NOTE: gotmpl reports no position for execution errors, so the node is
/// rebuilt from the source: the first access naming the missing field, or
/// the first call of the failing function. That is the wrong node when an
/// earlier access of the same name succeeded. Other errors get no node.
fn describe_failure(source: &str, error: &EngineError) -> (String, Option<ErrorSite>) {
    match error {
        EngineError::MissingKey { key } => (
            format!("map has no entry for key {}", go_quote(key)),
            find_field_access(source, key),
        ),
        EngineError::Exec(message) => match cannot_evaluate_field(message) {
            Some(field) => (
                format!("can't evaluate field {field} in type interface {{}}"),
                find_field_access(source, field),
            ),
            None => {
                let site = take_failed_function()
                    .and_then(|function| find_function_call(source, function, true));
                (message.clone(), site)
            }
        },
        EngineError::ArgCount {
            name,
            expected,
            got,
        } => {
            let at_least = if VARIADIC_FUNCTIONS.contains(&name.as_str()) {
                "at least "
            } else {
                ""
            };
            (
                format!("wrong number of args for {name}: want {at_least}{expected} got {got}"),
                find_function_call(source, name, false),
            )
        }
        EngineError::IndexOutOfRange { index } => (
            format!("error calling index: index out of range: {index}"),
            None,
        ),
        EngineError::UndefinedTemplate(name) => {
            (format!("template {} not defined", go_quote(name)), None)
        }
        other => (other.to_string(), None),
    }
}

/// Returns the field named in gotmpl's "can't evaluate field X in type T".
/// Go names the type `interface {}` for every value decoded from JSON.
fn cannot_evaluate_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("can't evaluate field ")?;
    rest.split_once(" in type ").map(|(field, _)| field)
}

/// Quotes `text` as Go's `%q` does: double quotes, `"` and `\` escaped,
/// control characters as `\n`-style or `\x` escapes.
fn go_quote(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\u{7}' => quoted.push_str("\\a"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{b}' => quoted.push_str("\\v"),
            control if u32::from(control) < 0x80 && control.is_control() => {
                quoted.push_str(&format!("\\x{:02x}", u32::from(control)));
            }
            control if control.is_control() => {
                quoted.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(template: &str, data: &Value) -> Result<String, TemplateError> {
        execute(&parse(template)?, data)
    }

    fn inspect_document() -> Value {
        json!({
            "info": {"pid": 4242, "sandboxID": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"},
            "status": {
                "id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "metadata": {"attempt": 0, "name": "nginx"},
                "size": "191000000",
                "resources": null
            }
        })
    }

    fn image_document(image_id: &str) -> Value {
        json!({"ImageID": image_id, "Tag": "latest", "Size": 123_456})
    }

    #[test]
    fn inspect_template_matches_crictl() {
        let rendered = render(
            "{{.status.id}} {{.info.pid}} {{json .status.metadata}}",
            &inspect_document(),
        );
        assert_eq!(
            rendered.as_deref(),
            Ok(
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 4242 {\"attempt\":0,\"name\":\"nginx\"}\n"
            )
        );
    }

    #[test]
    fn info_template_ranges_conditions() {
        let document = json!({"status": {"conditions": [
            {"message": "", "reason": "", "status": true, "type": "RuntimeReady"},
            {"message": "cni not ready", "reason": "NetworkPluginNotReady", "status": false, "type": "NetworkReady"}
        ]}});
        let rendered = render(
            "{{range .status.conditions}}{{.type}}={{.status}} {{end}}",
            &document,
        );
        assert_eq!(
            rendered.as_deref(),
            Ok("RuntimeReady=true NetworkReady=false ")
        );
    }

    #[test]
    fn index_of_conditions() {
        let document = json!({"status": {"conditions": [
            {"message": "no network config found in C:\\Program Files", "reason": "NetworkPluginNotReady", "status": false, "type": "NetworkReady"}
        ]}});
        let rendered = render(
            "NetworkReady: {{ (index .status.conditions 0).status }}",
            &document,
        );
        assert_eq!(rendered.as_deref(), Ok("NetworkReady: false"));
    }

    #[test]
    fn event_template_prints_fields() {
        let event = json!({"containerId": "0123", "containerEventType": "CONTAINER_STARTED_EVENT", "createdAt": "1796413937238936368"});
        let rendered = render("{{.containerId}} {{.containerEventType}}", &event);
        assert_eq!(rendered.as_deref(), Ok("0123 CONTAINER_STARTED_EVENT"));
    }

    #[test]
    fn number_prints_literal_text() {
        assert_eq!(
            render("{{.Size}}", &image_document("abc")).as_deref(),
            Ok("123456")
        );
    }

    #[test]
    fn several_fields_in_one_template() {
        let rendered = render("{{.Size}} , {{.ImageID}}", &image_document("abcd"));
        assert_eq!(rendered.as_deref(), Ok("123456 , abcd"));
    }

    #[test]
    fn case_functions() {
        let rendered = render(
            "{{title .ImageID}} {{lower .ImageID}} {{upper .ImageID}}",
            &image_document("aBcd"),
        );
        assert_eq!(rendered.as_deref(), Ok("ABcd abcd ABCD"));
    }

    #[test]
    fn pipe_into_json() {
        let rendered = render("{{ . | json }}", &image_document("abc"));
        assert_eq!(
            rendered.as_deref(),
            Ok("{\"ImageID\":\"abc\",\"Size\":123456,\"Tag\":\"latest\"}\n")
        );
    }

    #[test]
    fn pipe_into_upper() {
        let rendered = render(
            "{{ .containerId | upper }}",
            &json!({"containerId": "abc1"}),
        );
        assert_eq!(rendered.as_deref(), Ok("ABC1"));
    }

    #[test]
    fn title_of_literal() {
        assert_eq!(
            render("{{ title \"abc\" }}", &json!({})).as_deref(),
            Ok("Abc")
        );
    }

    #[test]
    fn json_escapes_html() {
        let rendered = render("{{json .}}", &json!({"html": "<a&b>"}));
        assert_eq!(
            rendered.as_deref(),
            Ok("{\"html\":\"\\u003ca\\u0026b\\u003e\"}\n")
        );
    }

    #[test]
    fn dot_prints_go_map() {
        let rendered = render("{{.}}", &json!({"b": [1, "x", null], "a": {"k": true}}));
        assert_eq!(rendered.as_deref(), Ok("map[a:map[k:true] b:[1 x <nil>]]"));
    }

    #[test]
    fn null_prints_no_value() {
        let rendered = render("{{.status.resources}}", &inspect_document());
        assert_eq!(rendered.as_deref(), Ok("<no value>"));
    }

    #[test]
    fn numbers_behave_as_json_number() {
        let rendered = render(
            "{{if .info.pid}}set{{end}} {{eq .info.pid \"4242\"}} {{len .info.pid}}",
            &inspect_document(),
        );
        assert_eq!(rendered.as_deref(), Ok("set true 4"));
    }

    #[test]
    fn printf_names_types_like_go() {
        let rendered = render(
            "{{printf \"%T %T %T %T\" .status.size .info.pid .status .status.resources}}",
            &inspect_document(),
        );
        assert_eq!(
            rendered.as_deref(),
            Ok("string json.Number map[string]interface {} <nil>")
        );
    }

    #[test]
    fn printf_bad_verb_names_json_number() {
        let rendered = render(
            "{{printf \"%d|%5.2f\" .info.pid .info.pid}}",
            &inspect_document(),
        );
        assert_eq!(
            rendered.as_deref(),
            Ok("%!d(json.Number=4242)|%!f(json.Number=   42)")
        );
    }

    #[test]
    fn printf_reports_extra_arguments() {
        let rendered = render("{{printf \"%s\" \"a\" .info.pid}}", &inspect_document());
        assert_eq!(rendered.as_deref(), Ok("a%!(EXTRA json.Number=4242)"));
    }

    #[test]
    fn empty_template_renders_nothing() {
        assert_eq!(render("", &inspect_document()).as_deref(), Ok(""));
    }

    #[test]
    fn missing_key_matches_crictl_message() {
        let rendered = render("{{.status.nope}}", &inspect_document());
        assert_eq!(
            rendered,
            Err(TemplateError::Execute(
                "template: tmplExecuteRawJSON:1:9: executing \"tmplExecuteRawJSON\" at <.status.nope>: map has no entry for key \"nope\"".to_owned()
            ))
        );
    }

    #[test]
    fn missing_top_level_key() {
        let rendered = render("{{ .ImageName }}", &image_document("abc"));
        assert_eq!(
            rendered,
            Err(TemplateError::Execute(
                "template: tmplExecuteRawJSON:1:3: executing \"tmplExecuteRawJSON\" at <.ImageName>: map has no entry for key \"ImageName\"".to_owned()
            ))
        );
    }

    #[test]
    fn missing_key_on_second_line() {
        let rendered = render("x\n  {{.status.metadata.nope}}", &inspect_document());
        assert_eq!(
            rendered,
            Err(TemplateError::Execute(
                "template: tmplExecuteRawJSON:2:11: executing \"tmplExecuteRawJSON\" at <.status.metadata.nope>: map has no entry for key \"nope\"".to_owned()
            ))
        );
    }

    #[test]
    fn missing_key_after_index() {
        let document = json!({"items": [{"a": 1}]});
        let rendered = render("{{ (index .items 0).nope }}", &document);
        assert_eq!(
            rendered,
            Err(TemplateError::Execute(
                "template: tmplExecuteRawJSON:1:17: executing \"tmplExecuteRawJSON\" at <0>: map has no entry for key \"nope\"".to_owned()
            ))
        );
    }

    #[test]
    fn field_of_string_fails() {
        let rendered = render("{{.status.id.x}}", &inspect_document());
        assert_eq!(
            rendered,
            Err(TemplateError::Execute(
                "template: tmplExecuteRawJSON:1:9: executing \"tmplExecuteRawJSON\" at <.status.id.x>: can't evaluate field x in type interface {}".to_owned()
            ))
        );
    }

    #[test]
    fn wrong_argument_type_is_located() {
        let rendered = render("{{title .info.pid}}", &inspect_document());
        assert_eq!(
            rendered,
            Err(TemplateError::Execute(
                "template: tmplExecuteRawJSON:1:13: executing \"tmplExecuteRawJSON\" at <.info.pid>: wrong type for value; expected string; got json.Number".to_owned()
            ))
        );
    }

    #[test]
    fn wrong_argument_count_is_located() {
        let rendered = render("{{json}}", &inspect_document());
        assert_eq!(
            rendered,
            Err(TemplateError::Execute(
                "template: tmplExecuteRawJSON:1:2: executing \"tmplExecuteRawJSON\" at <json>: wrong number of args for json: want 1 got 0".to_owned()
            ))
        );
    }

    #[test]
    fn undefined_function_fails_parse() {
        assert_eq!(
            parse("x\ny\n{{.a | nope}}").map(|_| ()),
            Err(TemplateError::Parse(
                "template: tmplExecuteRawJSON:3: function \"nope\" not defined".to_owned()
            ))
        );
    }

    #[test]
    fn stray_end_fails_parse() {
        assert_eq!(
            parse("a{{end}}b").map(|_| ()),
            Err(TemplateError::Parse(
                "template: tmplExecuteRawJSON:1: unexpected {{end}}".to_owned()
            ))
        );
    }

    #[test]
    fn unclosed_block_fails_parse() {
        assert_eq!(
            parse("{{if .a}}\nx").map(|_| ()),
            Err(TemplateError::Parse(
                "template: tmplExecuteRawJSON:2: unexpected EOF".to_owned()
            ))
        );
    }

    #[test]
    fn break_outside_range_fails_parse() {
        assert_eq!(
            parse("{{if .a}}{{break}}{{end}}").map(|_| ()),
            Err(TemplateError::Parse(
                "template: tmplExecuteRawJSON:1: {{break}} outside {{range}}".to_owned()
            ))
        );
    }

    #[test]
    fn undefined_variable_fails_parse() {
        assert_eq!(
            parse("{{with $x := .}}{{end}}{{$x}}").map(|_| ()),
            Err(TemplateError::Parse(
                "template: tmplExecuteRawJSON:1: undefined variable \"$x\"".to_owned()
            ))
        );
    }

    #[test]
    fn unterminated_string_fails_parse() {
        assert_eq!(
            parse("{{\"abc}}").map(|_| ()),
            Err(TemplateError::Parse(
                "template: tmplExecuteRawJSON:1: unterminated quoted string".to_owned()
            ))
        );
    }

    #[test]
    fn range_with_break_parses() {
        let rendered = render(
            "{{range .}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}",
            &json!(["a", "b", "c"]),
        );
        assert_eq!(rendered.as_deref(), Ok("a"));
    }

    #[test]
    fn variables_in_range() {
        let rendered = render(
            "{{range $k, $v := .}}{{$k}}={{$v}};{{end}}",
            &json!({"b": 2, "a": "x"}),
        );
        assert_eq!(rendered.as_deref(), Ok("a=x;b=2;"));
    }
}
