//! go-yaml v2's emitter, limited to what JSON data reaches: block mappings
//! and sequences, `{}` and `[]` for empty ones, and scalars in plain,
//! single-quoted, double-quoted or literal block style.
//!
//! The state kept here (column, indentation stack, and whether the line so
//! far is only whitespace or indentation) decides every line break and
//! space exactly as go-yaml's does, so the output matches byte for byte.

use super::yaml::{Node, Style, string_style};

/// Spaces per indentation level.
const INDENT: i32 = 2;

/// Column after which go-yaml breaks long scalars at a space.
const BEST_WIDTH: usize = 80;

/// Maximum key length, in bytes, that go-yaml writes as a simple
/// `key: value` pair. Longer keys use the explicit `? key` form.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Facts go-yaml v2's scalar analysis records about a scalar's text.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(text: &str) -> Analysis {
        if text.is_empty() {
            return Analysis {
                multiline: false,
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }

        let mut block_indicators = text.starts_with("---") || text.starts_with("...");
        let mut line_breaks = false;
        let mut special_characters = false;
        let mut leading_space = false;
        let mut leading_break = false;
        let mut trailing_space = false;
        let mut trailing_break = false;
        let mut break_space = false;
        let mut space_break = false;
        let mut preceded_by_whitespace = true;
        let mut previous_space = false;
        let mut previous_break = false;

        let chars: Vec<char> = text.chars().collect();
        for (index, &c) in chars.iter().enumerate() {
            let first = index == 0;
            let last = index + 1 == chars.len();
            let followed_by_whitespace = chars.get(index + 1).is_none_or(|&next| is_blank(next));

            // Flow indicators only matter inside flow collections, which
            // never hold scalars here, so only block indicators are tracked.
            if first {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\''
                    | '"' | '%' | '@' | '`' => block_indicators = true,
                    '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                    _ => {}
                }
            } else {
                match c {
                    ':' if followed_by_whitespace => block_indicators = true,
                    '#' if preceded_by_whitespace => block_indicators = true,
                    _ => {}
                }
            }

            if !is_printable(c) {
                special_characters = true;
            }
            if c == ' ' {
                leading_space |= first;
                trailing_space |= last;
                break_space |= previous_break;
                previous_space = true;
                previous_break = false;
            } else if is_break(c) {
                line_breaks = true;
                leading_break |= first;
                trailing_break |= last;
                space_break |= previous_space;
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
        }

        let mut analysis = Analysis {
            multiline: line_breaks,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if leading_space || leading_break || trailing_space || trailing_break {
            analysis.block_plain_allowed = false;
        }
        if trailing_space {
            analysis.block_allowed = false;
        }
        if break_space {
            analysis.block_plain_allowed = false;
            analysis.single_quoted_allowed = false;
        }
        if space_break || special_characters {
            analysis.block_plain_allowed = false;
            analysis.single_quoted_allowed = false;
            analysis.block_allowed = false;
        }
        if line_breaks || block_indicators {
            analysis.block_plain_allowed = false;
        }
        analysis
    }

    /// Picks the style the emitter writes, starting from the requested one
    /// and falling back as go-yaml does: plain to single quotes to double
    /// quotes, and a literal block to double quotes.
    fn select_style(&self, requested: Style, text: &str, simple_key: bool) -> Style {
        let mut style = requested;
        if simple_key && self.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain && (!self.block_plain_allowed || (text.is_empty() && simple_key)) {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !self.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!self.block_allowed || simple_key) {
            style = Style::DoubleQuoted;
        }
        style
    }
}

/// YAML's printable characters; the emitter escapes everything else, and
/// 4-byte UTF-8 characters count as not printable in go-yaml v2.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}')
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Where a node sits, as far as its layout depends on it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Context {
    /// The node is a key or value of a block mapping.
    mapping: bool,
    /// The node is a `key:` written on the same line as its value.
    simple_key: bool,
}

/// The writing state of go-yaml v2's emitter that block output depends on.
pub(super) struct Emitter {
    pub(super) out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    /// The last character written was whitespace (or nothing was written on
    /// this line yet), so an indicator needs no space before it.
    whitespace: bool,
    /// Only indentation and `-`/`?`/`:` indicators are on this line so far.
    indention: bool,
}

impl Emitter {
    pub(super) fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
        }
    }

    pub(super) fn emit_node(&mut self, node: &Node, context: Context) {
        match node {
            Node::Scalar { text, style } => self.emit_scalar(text, *style, context),
            Node::Sequence(items) if items.is_empty() => self.write_empty_flow("[", "]"),
            Node::Mapping(entries) if entries.is_empty() => self.write_empty_flow("{", "}"),
            Node::Sequence(items) => self.emit_sequence(items, context),
            Node::Mapping(entries) => self.emit_mapping(entries),
        }
    }

    fn emit_sequence(&mut self, items: &[Node], context: Context) {
        // A sequence that is a mapping value starts on the key's line, so it
        // stays at the key's indentation.
        let indentless = context.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, Context::default());
        }
        self.pop_indent();
    }

    fn emit_mapping(&mut self, entries: &[(String, Node)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let key_style = string_style(key);
            let simple = !Analysis::of(key).multiline && key.len() <= MAX_SIMPLE_KEY_LEN;
            if simple {
                let key_context = Context {
                    mapping: true,
                    simple_key: true,
                };
                self.emit_scalar(key, key_style, key_context);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_scalar(
                    key,
                    key_style,
                    Context {
                        mapping: true,
                        simple_key: false,
                    },
                );
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(
                value,
                Context {
                    mapping: true,
                    simple_key: false,
                },
            );
        }
        self.pop_indent();
    }

    fn write_empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn emit_scalar(&mut self, text: &str, requested: Style, context: Context) {
        let style = Analysis::of(text).select_style(requested, text, context.simple_key);
        let allow_breaks = !context.simple_key;
        self.increase_indent(true, false);
        match style {
            Style::Plain => self.write_plain(text, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(text, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(text, allow_breaks),
            Style::Literal => self.write_literal(text),
        }
        self.pop_indent();
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { INDENT } else { 0 };
        } else if !indentless {
            self.indent += INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// Moves to a new line at the current indentation unless the line
    /// contains nothing but indentation up to that column.
    pub(super) fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent.max(0)).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Copies a line break from a scalar: a newline as is, any other break
    /// character written out and counted as ending the line.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_plain(&mut self, text: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (index, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(index + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (index, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inner = index > 0 && index + 1 < chars.len();
                let next_is_space = chars.get(index + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inner && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        // go-yaml v2 tests for a byte order mark at the start of the text
        // instead of at the current character, so text starting with U+FEFF
        // has every character escaped.
        let escape_all = text.starts_with('\u{feff}');
        let mut spaces = false;
        for (index, &c) in chars.iter().enumerate() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                for escaped in double_quoted_escape(c).chars() {
                    self.put(escaped);
                }
                spaces = false;
            } else if c == ' ' {
                let inner = index > 0 && index + 1 < chars.len();
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inner {
                    self.write_indent();
                    // A folded line loses its leading spaces on reading, so
                    // a following space is escaped to keep it.
                    if chars.get(index + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, text: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(text);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in text.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    /// Writes the indentation digit a block scalar needs when its text
    /// starts with a space or break, and its chomping indicator: `-` without
    /// a final break, none for exactly one, `+` for more than one.
    fn write_block_scalar_hints(&mut self, text: &str) {
        if text.starts_with(|c: char| c == ' ' || is_break(c)) {
            self.write_indicator(&INDENT.to_string(), false, false, false);
        }
        let mut from_end = text.chars().rev();
        let chomp = match (from_end.next(), from_end.next()) {
            (None, _) => Some("-"),
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
    }
}

/// Returns the text after `\` that go-yaml v2 writes for a character it
/// escapes in a double-quoted scalar.
fn double_quoted_escape(c: char) -> String {
    let short = match c {
        '\0' => "0",
        '\u{7}' => "a",
        '\u{8}' => "b",
        '\t' => "t",
        '\n' => "n",
        '\u{b}' => "v",
        '\u{c}' => "f",
        '\r' => "r",
        '\u{1b}' => "e",
        '"' => "\"",
        '\\' => "\\",
        '\u{85}' => "N",
        '\u{a0}' => "_",
        '\u{2028}' => "L",
        '\u{2029}' => "P",
        _ => "",
    };
    if !short.is_empty() {
        return short.to_owned();
    }
    let code = u32::from(c);
    if code <= 0xff {
        format!("x{code:02X}")
    } else if code <= 0xffff {
        format!("u{code:04X}")
    } else {
        format!("U{code:08X}")
    }
}
