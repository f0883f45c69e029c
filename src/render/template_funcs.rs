//! The functions crictl adds to its templates (`json`, `title`, `lower`,
//! `upper`) and a `printf` that names JSON numbers and types as Go does.
//!
//! Numbers in template data stand for Go's `json.Number`, a string type. They
//! are carried as strings whose allocations [`NumberMarks`] records, so that
//! `json` can print them unquoted and `printf` can call them `json.Number`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use gotmpl::{TemplateError as EngineError, Value as TemplateValue};

use super::json::{go_json_float, push_go_json_string};

thread_local! {
    /// The crictl function whose argument had the wrong type in the
    /// execution running on this thread, for locating the error.
    static FAILED_FUNCTION: std::cell::Cell<Option<&'static str>> = const { std::cell::Cell::new(None) };

    /// Addresses of the string allocations that hold JSON numbers in the data
    /// of the template executing on this thread. Template functions run on
    /// the thread that executes the template, so they can consult it.
    static NUMBER_ADDRESSES: RefCell<HashSet<usize>> = RefCell::new(HashSet::new());
}

/// The JSON numbers of one template execution, registered for the
/// functions of this module while it is alive.
pub(crate) struct NumberMarks {
    addresses: HashSet<usize>,
}

impl NumberMarks {
    pub(crate) fn new() -> Self {
        NumberMarks {
            addresses: HashSet::new(),
        }
    }

    /// Returns a template string for the number `text` and remembers it as a
    /// number.
    pub(crate) fn number(&mut self, text: &str) -> TemplateValue {
        let shared: Arc<str> = Arc::from(text);
        self.addresses.insert(address_of(&shared));
        TemplateValue::String(shared)
    }

    /// Makes the recorded numbers visible to the template functions until the
    /// returned guard is dropped. The data holding the numbers must outlive
    /// the guard, so no other allocation can reuse their addresses.
    pub(crate) fn activate(self) -> ActiveNumbers {
        NUMBER_ADDRESSES.with(|cell| *cell.borrow_mut() = self.addresses);
        ActiveNumbers
    }
}

/// Clears the numbers registered for an execution when dropped.
pub(crate) struct ActiveNumbers;

impl Drop for ActiveNumbers {
    fn drop(&mut self) {
        NUMBER_ADDRESSES.with(|cell| cell.borrow_mut().clear());
    }
}

fn address_of(text: &Arc<str>) -> usize {
    Arc::as_ptr(text).cast::<u8>() as usize
}

/// Returns the literal text of `value` when it is a JSON number of the data.
fn json_number(value: &TemplateValue) -> Option<&str> {
    let TemplateValue::String(text) = value else {
        return None;
    };
    let marked = NUMBER_ADDRESSES.with(|cell| cell.borrow().contains(&address_of(text)));
    marked.then_some(text)
}

/// Returns the function that last rejected an argument type on this thread
/// and clears it.
pub(crate) fn take_failed_function() -> Option<&'static str> {
    FAILED_FUNCTION.with(std::cell::Cell::take)
}

/// Go's name for the dynamic type of a template value decoded from JSON:
/// `json.Number`, `string`, `bool`, `map[string]interface {}` and so on.
pub(crate) fn go_type_name(value: &TemplateValue) -> &'static str {
    match value {
        TemplateValue::Nil => "<nil>",
        TemplateValue::Bool(_) => "bool",
        TemplateValue::Int(_) => "int",
        TemplateValue::Uint(_) => "uint",
        TemplateValue::Float(_) => "float64",
        TemplateValue::String(_) if json_number(value).is_some() => "json.Number",
        TemplateValue::String(_) => "string",
        TemplateValue::List(_) => "[]interface {}",
        TemplateValue::Map(_) => "map[string]interface {}",
        TemplateValue::Function(_) => "func",
    }
}

/// The template function `json`: Go's `json.Encoder` output of the value,
/// compact, HTML-escaped and followed by a newline.
pub(crate) fn json_function(args: &[TemplateValue]) -> gotmpl::Result<TemplateValue> {
    let [value] = args else {
        return Err(wrong_argument_count("json", args.len()));
    };
    let mut text = String::new();
    push_json(value, &mut text)?;
    text.push('\n');
    Ok(TemplateValue::String(Arc::from(text)))
}

fn push_json(value: &TemplateValue, out: &mut String) -> gotmpl::Result<()> {
    if let Some(number) = json_number(value) {
        out.push_str(number);
        return Ok(());
    }
    match value {
        TemplateValue::Nil => out.push_str("null"),
        TemplateValue::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        TemplateValue::Int(integer) => out.push_str(&integer.to_string()),
        TemplateValue::Uint(unsigned) => out.push_str(&unsigned.to_string()),
        TemplateValue::Float(float) if float.is_finite() => out.push_str(&go_json_float(*float)),
        TemplateValue::Float(float) => {
            return Err(EngineError::Exec(format!(
                "error calling json: json: unsupported value: {}",
                super::human::format_g_shortest(*float)
            )));
        }
        TemplateValue::String(text) => push_go_json_string(text, out),
        TemplateValue::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_json(item, out)?;
            }
            out.push(']');
        }
        TemplateValue::Map(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_go_json_string(key, out);
                out.push(':');
                push_json(item, out)?;
            }
            out.push('}');
        }
        TemplateValue::Function(_) => {
            return Err(EngineError::Exec(
                "error calling json: json: unsupported type: func".to_owned(),
            ));
        }
    }
    Ok(())
}

/// Runs a string-to-string template function, rejecting other arguments as
/// Go does for a function declared with one `string` parameter.
pub(crate) fn map_string(
    name: &'static str,
    args: &[TemplateValue],
    map: impl Fn(&str) -> String,
) -> gotmpl::Result<TemplateValue> {
    let type_name = match args {
        [value @ TemplateValue::String(text)] if json_number(value).is_none() => {
            return Ok(TemplateValue::String(Arc::from(map(text))));
        }
        // A JSON null reaches Go as a nil `interface {}`.
        [TemplateValue::Nil] => "interface {}",
        [other] => go_type_name(other),
        _ => return Err(wrong_argument_count(name, args.len())),
    };
    FAILED_FUNCTION.with(|cell| cell.set(Some(name)));
    Err(EngineError::Exec(format!(
        "wrong type for value; expected string; got {type_name}"
    )))
}

fn wrong_argument_count(name: &str, count: usize) -> EngineError {
    EngineError::ArgCount {
        name: name.to_owned(),
        expected: 1,
        got: count,
    }
}

/// The template function `printf`, as Go's: the engine's `printf` with
/// `%T` printing Go type names and JSON numbers named `json.Number` in
/// `%!verb(type=value)` error text, as Go's `fmt` names them.
///
/// NOTE: a format that selects arguments by index (`%[2]s`) goes to the
/// engine's `printf` unchanged, without these two corrections.
pub(crate) fn printf_function(args: &[TemplateValue]) -> gotmpl::Result<TemplateValue> {
    let Some((format_value, values)) = args.split_first() else {
        return Err(wrong_argument_count("printf", 0));
    };
    let format = match format_value {
        TemplateValue::String(text) if json_number(format_value).is_none() => text.clone(),
        other => {
            return Err(EngineError::Exec(format!(
                "wrong type for value; expected string; got {}",
                go_type_name(other)
            )));
        }
    };
    let Some(pieces) = scan_format(&format) else {
        return engine_printf(&format, values).map(|text| TemplateValue::String(Arc::from(text)));
    };

    let mut out = String::new();
    let mut next = 0;
    for piece in pieces {
        match piece {
            Piece::Literal(text) => out.push_str(text),
            Piece::Percent => out.push('%'),
            Piece::Verb { spec, verb, stars } => {
                let end = (next + stars + 1).min(values.len());
                let spec_args = &values[next..end];
                next = end;
                out.push_str(&format_verb(spec, verb, stars, spec_args)?);
            }
        }
    }
    if next < values.len() {
        let extras: Vec<String> = values[next..]
            .iter()
            .map(|value| match value {
                TemplateValue::Nil => "<nil>".to_owned(),
                other => format!("{}={other}", go_type_name(other)),
            })
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extras.join(", ")));
    }
    Ok(TemplateValue::String(Arc::from(out)))
}

/// Formats one verb with its width and precision arguments and its value.
fn format_verb(
    spec: &str,
    verb: char,
    stars: usize,
    args: &[TemplateValue],
) -> gotmpl::Result<String> {
    let Some(value) = args.get(stars) else {
        return engine_printf(spec, args);
    };
    let with_verb = |replacement: char| {
        let mut text = spec[..spec.len() - verb.len_utf8()].to_owned();
        text.push(replacement);
        text
    };

    if verb == 'T' {
        let mut typed = args[..stars].to_vec();
        typed.push(TemplateValue::String(Arc::from(go_type_name(value))));
        return engine_printf(&with_verb('s'), &typed);
    }
    let (accepts, plain_verb) = match value {
        // The engine ignores a precision with %v on strings, so strings use
        // %s, which Go's %v is for them.
        TemplateValue::String(_) => ("sqxX", 's'),
        TemplateValue::Bool(_) => ("vt", 'v'),
        _ => return engine_printf(spec, args),
    };
    if verb == 'v' {
        return engine_printf(&with_verb(plain_verb), args);
    }
    if accepts.contains(verb) {
        return engine_printf(spec, args);
    }
    // Go prints a verb that does not fit the value as %!verb(type=value),
    // the value formatted with %v and the same flags, width and precision.
    let shown = engine_printf(&with_verb(plain_verb), args)?;
    Ok(format!("%!{verb}({}={shown})", go_type_name(value)))
}

/// Runs the engine's own `printf` on `format` and `args`.
fn engine_printf(format: &str, args: &[TemplateValue]) -> gotmpl::Result<String> {
    let mut source = String::from("{{printf .format");
    let mut data: BTreeMap<Arc<str>, TemplateValue> = BTreeMap::new();
    data.insert(
        Arc::from("format"),
        TemplateValue::String(Arc::from(format)),
    );
    for (index, arg) in args.iter().enumerate() {
        let name = format!("arg{index}");
        source.push_str(&format!(" .{name}"));
        data.insert(Arc::from(name.as_str()), arg.clone());
    }
    source.push_str("}}");
    gotmpl::Template::new("printf")
        .parse(&source)?
        .execute_to_string(&TemplateValue::Map(Arc::new(data)))
}

/// A piece of a `printf` format.
enum Piece<'a> {
    Literal(&'a str),
    Percent,
    /// A verb with its flags, width and precision (`%-5.2f`), the verb
    /// character and how many `*` arguments it takes.
    Verb {
        spec: &'a str,
        verb: char,
        stars: usize,
    },
}

/// Splits a format into literal text and verbs as Go's `fmt` reads it.
/// Returns `None` for formats that index arguments (`%[1]d`) or end inside
/// a verb, which are left to the engine.
fn scan_format(format: &str) -> Option<Vec<Piece<'_>>> {
    let mut pieces = Vec::new();
    let mut rest = format;
    while let Some(percent) = rest.find('%') {
        if percent > 0 {
            pieces.push(Piece::Literal(&rest[..percent]));
        }
        let after = &rest[percent + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            pieces.push(Piece::Percent);
            rest = tail;
            continue;
        }
        let mut stars = 0;
        let mut verb = None;
        for (offset, c) in after.char_indices() {
            match c {
                '[' => return None,
                '*' => stars += 1,
                '#' | '0'..='9' | '+' | '-' | ' ' | '.' => {}
                _ => {
                    verb = Some((offset, c));
                    break;
                }
            }
        }
        let (offset, c) = verb?;
        let spec_end = percent + 1 + offset + c.len_utf8();
        pieces.push(Piece::Verb {
            spec: &rest[percent..spec_end],
            verb: c,
            stars,
        });
        rest = &rest[spec_end..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest));
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_format_splits_verbs() {
        let pieces = scan_format("a%-5.2fb%%c%*d");
        let described: Option<Vec<String>> = pieces.map(|pieces| {
            pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Literal(text) => format!("text {text}"),
                    Piece::Percent => "percent".to_owned(),
                    Piece::Verb { spec, verb, stars } => format!("verb {spec} {verb} {stars}"),
                })
                .collect()
        });
        assert_eq!(
            described,
            Some(vec![
                "text a".to_owned(),
                "verb %-5.2f f 0".to_owned(),
                "text b".to_owned(),
                "percent".to_owned(),
                "text c".to_owned(),
                "verb %*d d 1".to_owned(),
            ])
        );
    }

    #[test]
    fn scan_format_leaves_indexed_formats() {
        assert!(scan_format("%[2]s %[1]s").is_none());
    }

    #[test]
    fn numbers_are_marked_only_while_active() {
        let mut marks = NumberMarks::new();
        let number = marks.number("42");
        let active = marks.activate();
        assert_eq!(go_type_name(&number), "json.Number");
        drop(active);
        assert_eq!(go_type_name(&number), "string");
    }

    #[test]
    fn equal_text_string_is_not_a_number() {
        let mut marks = NumberMarks::new();
        let _number = marks.number("42");
        let _active = marks.activate();
        let text = TemplateValue::String(Arc::from("42"));
        assert_eq!(go_type_name(&text), "string");
    }
}
