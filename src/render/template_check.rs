//! Checks Go's template parser makes that gotmpl leaves out, and the error
//! locations Go reports that gotmpl does not.
//!
//! Go rejects at parse time a `{{end}}` or `{{else}}` without an open block,
//! a block left open at the end, `{{break}}` or `{{continue}}` outside
//! `{{range}}`, undefined variables and calls to undefined functions.
//! gotmpl accepts the first four, stopping at a stray `{{end}}`, and reports
//! the others only when executing.
//!
//! Go also locates execution errors (`1:9: executing "NAME" at
//! <.status.nope>`), which gotmpl does not, so the location of a failed
//! field access or call is rebuilt here from the parse tree.

use gotmpl::parse::{Expr, ListNode, Node, Parser, PipeNode, SmolStr};

/// Functions a template may call: Go's built-ins and crictl's additions.
const KNOWN_FUNCTIONS: [&str; 23] = [
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne", "json", "title", "lower", "upper",
];

/// A parse error Go reports: the byte offset of the offending token and the
/// message.
pub(crate) struct ParseProblem {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// Returns the first problem in `source`, by position, that Go's parser
/// reports and gotmpl's does not.
pub(crate) fn find_parse_problem(source: &str) -> Option<ParseProblem> {
    let mut problems = block_problems(source);
    if let Ok(parser) = Parser::new(source, "{{", "}}")
        && let Ok((tree, defines)) = parser.parse()
    {
        problems.extend(undefined_variables(&tree, &defines));
    }
    problems.extend(
        calls_in(source)
            .into_iter()
            .filter(|call| !KNOWN_FUNCTIONS.contains(&call.name.as_str()))
            .map(|call| ParseProblem {
                offset: call.offset,
                message: format!("function \"{}\" not defined", call.name),
            }),
    );
    problems.into_iter().min_by_key(|problem| problem.offset)
}

/// Returns the 1-based line of byte `offset` in `source`.
pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    1 + source.get(..offset).unwrap_or(source).matches('\n').count()
}

/// Block structure problems, found from the keyword that starts each action.
fn block_problems(source: &str) -> Vec<ParseProblem> {
    let mut problems = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    for (offset, keyword) in action_keywords(source) {
        match keyword.as_str() {
            "if" | "range" | "with" | "define" | "block" => open.push(keyword_name(&keyword)),
            "end" if open.pop().is_none() => problems.push(unexpected(offset, "{{end}}")),
            "else" if !matches!(open.last(), Some(&("if" | "range" | "with"))) => {
                problems.push(unexpected(offset, "{{else}}"));
            }
            "break" | "continue" if !open.contains(&"range") => problems.push(ParseProblem {
                offset,
                message: format!("{{{{{keyword}}}}} outside {{{{range}}}}"),
            }),
            _ => {}
        }
    }
    if !open.is_empty() {
        problems.push(ParseProblem {
            offset: source.len(),
            message: "unexpected EOF".to_owned(),
        });
    }
    problems
}

fn keyword_name(keyword: &str) -> &'static str {
    match keyword {
        "if" => "if",
        "range" => "range",
        "with" => "with",
        "define" => "define",
        _ => "block",
    }
}

fn unexpected(offset: usize, what: &str) -> ParseProblem {
    ParseProblem {
        offset,
        message: format!("unexpected {what}"),
    }
}

/// Lists the first word of every action with its offset, skipping comments
/// and the quoted strings inside actions.
fn action_keywords(source: &str) -> Vec<(usize, String)> {
    let mut keywords = Vec::new();
    let bytes = source.as_bytes();
    let mut index = 0;
    while let Some(found) = source[index..].find("{{") {
        let mut cursor = index + found + 2;
        if bytes.get(cursor) == Some(&b'-')
            && bytes.get(cursor + 1).is_some_and(u8::is_ascii_whitespace)
        {
            cursor += 1;
        }
        while bytes.get(cursor).is_some_and(u8::is_ascii_whitespace) {
            cursor += 1;
        }
        let word_end = source[cursor..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(source.len(), |end| cursor + end);
        if source[cursor..].starts_with("/*") {
            index = source[cursor..]
                .find("*/")
                .map_or(source.len(), |end| cursor + end + 2);
            continue;
        }
        keywords.push((cursor, source[cursor..word_end].to_owned()));
        index = end_of_action(source, word_end);
    }
    keywords
}

/// Returns the offset after the `}}` that closes the action containing
/// `from`, skipping quoted strings, raw strings and character constants.
fn end_of_action(source: &str, from: usize) -> usize {
    let bytes = source.as_bytes();
    let mut index = from;
    while index < bytes.len() {
        match bytes[index] {
            b'}' if bytes.get(index + 1) == Some(&b'}') => return index + 2,
            quote @ (b'"' | b'\'' | b'`') => {
                index += 1;
                while index < bytes.len() && bytes[index] != quote {
                    if bytes[index] == b'\\' && quote != b'`' {
                        index += 1;
                    }
                    index += 1;
                }
                index += 1;
            }
            _ => index += 1,
        }
    }
    bytes.len()
}

/// One call of a function in the template source.
pub(crate) struct Call {
    name: String,
    offset: usize,
    /// The first argument written after the function name, if any.
    argument: Option<ErrorSite>,
}

/// Lists the function calls of the whole template in source order.
fn calls_in(source: &str) -> Vec<Call> {
    let Ok(parser) = Parser::new(source, "{{", "}}") else {
        return Vec::new();
    };
    let Ok((tree, defines)) = parser.parse() else {
        return Vec::new();
    };
    let mut calls = Vec::new();
    collect_calls_in_list(&tree, source, &mut calls);
    for define in &defines {
        collect_calls_in_list(&define.body, source, &mut calls);
    }
    calls.sort_by_key(|call| call.offset);
    calls
}

fn collect_calls_in_list(list: &ListNode, source: &str, calls: &mut Vec<Call>) {
    for node in &list.nodes {
        match node {
            Node::List(inner) => collect_calls_in_list(inner, source, calls),
            Node::Action(action) => collect_calls_in_pipe(&action.pipe, source, calls),
            Node::If(branch) | Node::Range(branch) | Node::With(branch) => {
                collect_calls_in_pipe(&branch.pipe, source, calls);
                collect_calls_in_list(&branch.body, source, calls);
                if let Some(else_body) = &branch.else_body {
                    collect_calls_in_list(else_body, source, calls);
                }
            }
            Node::Template(call) => {
                if let Some(pipe) = &call.pipe {
                    collect_calls_in_pipe(pipe, source, calls);
                }
            }
            Node::Define(define) => collect_calls_in_list(&define.body, source, calls),
            Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
        }
    }
}

fn collect_calls_in_pipe(pipe: &PipeNode, source: &str, calls: &mut Vec<Call>) {
    for command in &pipe.commands {
        if let Some(Expr::Identifier(pos, name)) = command.args.first() {
            let finder = FieldFinder { source, key: "" };
            calls.push(Call {
                name: name.to_string(),
                offset: pos.offset,
                argument: command.args.get(1).map(|arg| finder.site_of(arg)),
            });
        }
        for arg in &command.args {
            collect_calls_in_expr(arg, source, calls);
        }
    }
}

fn collect_calls_in_expr(expr: &Expr, source: &str, calls: &mut Vec<Call>) {
    match expr {
        // A function name used as an argument or chained is a call too.
        Expr::Identifier(pos, name) if !calls.iter().any(|call| call.offset == pos.offset) => {
            calls.push(Call {
                name: name.to_string(),
                offset: pos.offset,
                argument: None,
            });
        }
        Expr::Chain(_, inner, _) => collect_calls_in_expr(inner, source, calls),
        Expr::Pipe(_, pipe) => collect_calls_in_pipe(pipe, source, calls),
        _ => {}
    }
}

/// Finds variables used where no enclosing action declared them.
///
/// A variable declared in an action lives until the `{{end}}` of the block
/// around it. One declared in the pipeline of `{{if}}`, `{{range}}` or
/// `{{with}}` lives until that block's `{{end}}`. `$` is always defined.
fn undefined_variables(
    tree: &ListNode,
    defines: &[gotmpl::parse::DefineNode],
) -> Vec<ParseProblem> {
    let mut problems = Vec::new();
    let mut scope = vec![SmolStr::from("$")];
    check_list(tree, &mut scope, &mut problems);
    for define in defines {
        let mut scope = vec![SmolStr::from("$")];
        check_list(&define.body, &mut scope, &mut problems);
    }
    problems
}

fn check_list(list: &ListNode, scope: &mut Vec<SmolStr>, problems: &mut Vec<ParseProblem>) {
    let depth = scope.len();
    for node in &list.nodes {
        match node {
            Node::List(inner) => check_list(inner, scope, problems),
            Node::Action(action) => check_pipe(&action.pipe, scope, problems),
            Node::If(branch) | Node::Range(branch) | Node::With(branch) => {
                let block_depth = scope.len();
                check_pipe(&branch.pipe, scope, problems);
                check_list(&branch.body, scope, problems);
                if let Some(else_body) = &branch.else_body {
                    check_list(else_body, scope, problems);
                }
                scope.truncate(block_depth);
            }
            Node::Template(call) => {
                if let Some(pipe) = &call.pipe {
                    check_pipe(pipe, scope, problems);
                }
            }
            Node::Define(_) | Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
        }
    }
    scope.truncate(depth);
}

fn check_pipe(pipe: &PipeNode, scope: &mut Vec<SmolStr>, problems: &mut Vec<ParseProblem>) {
    for command in &pipe.commands {
        for arg in &command.args {
            check_expr(arg, scope, problems);
        }
    }
    if !pipe.is_assign {
        scope.extend(pipe.decl.iter().cloned());
    }
}

fn check_expr(expr: &Expr, scope: &[SmolStr], problems: &mut Vec<ParseProblem>) {
    match expr {
        Expr::Variable(pos, name, _) if !scope.contains(name) => problems.push(ParseProblem {
            offset: pos.offset,
            message: format!("undefined variable \"{name}\""),
        }),
        Expr::Chain(_, inner, _) => check_expr(inner, scope, problems),
        Expr::Pipe(_, pipe) => {
            for command in &pipe.commands {
                for arg in &command.args {
                    check_expr(arg, scope, problems);
                }
            }
        }
        _ => {}
    }
}

/// Finds where Go reports an error of a call to function `name`: at the
/// first call's function name, or at its first argument when the argument
/// was the problem (`wrong type for value`).
pub(crate) fn find_function_call(source: &str, name: &str, at_argument: bool) -> Option<ErrorSite> {
    let call = calls_in(source)
        .into_iter()
        .find(|call| call.name == name)?;
    let name_site = ErrorSite {
        text: call.name,
        offset: call.offset,
    };
    if at_argument {
        Some(call.argument.unwrap_or(name_site))
    } else {
        Some(name_site)
    }
}

/// The node Go names in an execution error: its text and byte offset.
pub(crate) struct ErrorSite {
    pub(crate) text: String,
    pub(crate) offset: usize,
}

/// Finds where Go reports a failed access to field `key`: the first field
/// access in `source` whose chain names `key`, searching the main template
/// and then the `{{define}}` bodies.
pub(crate) fn find_field_access(source: &str, key: &str) -> Option<ErrorSite> {
    let parser = Parser::new(source, "{{", "}}").ok()?;
    let (tree, defines) = parser.parse().ok()?;
    let finder = FieldFinder { source, key };
    let mut found = Vec::new();
    finder.in_list(&tree, &mut found);
    for define in &defines {
        finder.in_list(&define.body, &mut found);
    }
    found.into_iter().min_by_key(|site| site.offset)
}

struct FieldFinder<'a> {
    source: &'a str,
    key: &'a str,
}

impl FieldFinder<'_> {
    fn in_list(&self, list: &ListNode, found: &mut Vec<ErrorSite>) {
        for node in &list.nodes {
            match node {
                Node::List(inner) => self.in_list(inner, found),
                Node::Action(action) => self.in_pipe(&action.pipe, found),
                Node::If(branch) | Node::Range(branch) | Node::With(branch) => {
                    self.in_pipe(&branch.pipe, found);
                    self.in_list(&branch.body, found);
                    if let Some(else_body) = &branch.else_body {
                        self.in_list(else_body, found);
                    }
                }
                Node::Template(call) => {
                    if let Some(pipe) = &call.pipe {
                        self.in_pipe(pipe, found);
                    }
                }
                Node::Define(define) => self.in_list(&define.body, found),
                Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
            }
        }
    }

    fn in_pipe(&self, pipe: &PipeNode, found: &mut Vec<ErrorSite>) {
        for command in &pipe.commands {
            for arg in &command.args {
                self.in_expr(arg, found);
            }
        }
    }

    fn in_expr(&self, expr: &Expr, found: &mut Vec<ErrorSite>) {
        let names_key = |chain: &[SmolStr]| chain.iter().any(|field| field == self.key);
        match expr {
            Expr::Field(_, chain) | Expr::Variable(_, _, chain) if names_key(chain) => {
                found.push(ErrorSite {
                    text: expr_text(expr),
                    offset: go_position(expr),
                });
            }
            Expr::Chain(_, inner, chain) => {
                self.in_expr(inner, found);
                if names_key(chain) {
                    // Go evaluates the inner term first and keeps the last
                    // node it visited there as the error location.
                    found.push(self.last_visited(inner));
                }
            }
            Expr::Pipe(_, pipe) => self.in_pipe(pipe, found),
            _ => {}
        }
    }

    /// Returns the last node Go's executor visits while evaluating `expr`.
    fn last_visited(&self, expr: &Expr) -> ErrorSite {
        match expr {
            Expr::Pipe(_, pipe) => match pipe.commands.last() {
                Some(command) => match command.args.as_slice() {
                    [Expr::Identifier(..), .., last] => self.last_visited(last),
                    [only] => self.last_visited(only),
                    [first, ..] => self.last_visited(first),
                    [] => self.site_of(expr),
                },
                None => self.site_of(expr),
            },
            Expr::Chain(_, inner, _) => self.last_visited(inner),
            other => self.site_of(other),
        }
    }

    fn site_of(&self, expr: &Expr) -> ErrorSite {
        let text = match expr {
            Expr::Number(pos, _) | Expr::String(pos, _) => literal_text(self.source, pos.offset),
            other => expr_text(other),
        };
        ErrorSite {
            text,
            offset: go_position(expr),
        }
    }
}

/// Returns the byte offset Go records for a node. A field or variable chain
/// with several names sits at its second name, because Go's parser builds
/// it from the token after the first.
fn go_position(expr: &Expr) -> usize {
    match expr {
        Expr::Field(pos, chain) => match chain.first() {
            Some(first) if chain.len() > 1 => pos.offset + 1 + first.len(),
            _ => pos.offset,
        },
        Expr::Variable(pos, name, chain) if !chain.is_empty() => pos.offset + name.len(),
        other => other.pos().offset,
    }
}

/// Returns a literal as written in the source: up to the next space,
/// parenthesis, pipe or closing delimiter, or to the closing quote.
fn literal_text(source: &str, offset: usize) -> String {
    let rest = source.get(offset..).unwrap_or("");
    if let Some(quote @ ('"' | '`' | '\'')) = rest.chars().next() {
        let mut escaped = false;
        for (index, c) in rest.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' && quote != '`' {
                escaped = true;
            } else if c == quote {
                return rest[..=index].to_owned();
            }
        }
        return rest.to_owned();
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | '(' | '|' | '}'))
        .unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// Go's `String()` text of an expression node.
fn expr_text(expr: &Expr) -> String {
    match expr {
        Expr::Dot(_) => ".".to_owned(),
        Expr::Field(_, chain) => format!(".{}", join_fields(chain)),
        Expr::Variable(_, name, chain) if chain.is_empty() => name.to_string(),
        Expr::Variable(_, name, chain) => format!("{name}.{}", join_fields(chain)),
        Expr::Identifier(_, name) => name.to_string(),
        Expr::String(_, text) => format!("{text:?}"),
        Expr::Number(_, number) => match number {
            gotmpl::parse::Number::Int(integer) => integer.to_string(),
            gotmpl::parse::Number::Uint(unsigned) => unsigned.to_string(),
            gotmpl::parse::Number::Float(float) => super::human::format_g_shortest(*float),
        },
        Expr::Bool(_, flag) => flag.to_string(),
        Expr::Nil(_) => "nil".to_owned(),
        Expr::Pipe(_, pipe) => format!("({})", pipe_text(pipe)),
        Expr::Chain(_, inner, chain) => format!("{}.{}", expr_text(inner), join_fields(chain)),
    }
}

fn pipe_text(pipe: &PipeNode) -> String {
    let mut text = String::new();
    if !pipe.decl.is_empty() {
        let names: Vec<&str> = pipe.decl.iter().map(SmolStr::as_str).collect();
        text.push_str(&names.join(", "));
        text.push_str(if pipe.is_assign { " = " } else { " := " });
    }
    let commands: Vec<String> = pipe
        .commands
        .iter()
        .map(|command| {
            let args: Vec<String> = command.args.iter().map(expr_text).collect();
            args.join(" ")
        })
        .collect();
    text.push_str(&commands.join(" | "));
    text
}

fn join_fields(chain: &[SmolStr]) -> String {
    let names: Vec<&str> = chain.iter().map(SmolStr::as_str).collect();
    names.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_text(source: &str) -> Option<(usize, String)> {
        find_parse_problem(source).map(|problem| (problem.offset, problem.message))
    }

    #[test]
    fn valid_template_has_no_problem() {
        let source = "{{range $i, $e := .}}{{if $e}}{{break}}{{else}}{{$i}}{{end}}{{end}}";
        assert!(problem_text(source).is_none());
    }

    #[test]
    fn stray_end_is_reported() {
        assert_eq!(
            problem_text("a{{end}}b"),
            Some((3, "unexpected {{end}}".to_owned()))
        );
    }

    #[test]
    fn else_in_define_is_reported() {
        assert_eq!(
            problem_text("{{define \"x\"}}{{else}}{{end}}"),
            Some((16, "unexpected {{else}}".to_owned()))
        );
    }

    #[test]
    fn continue_outside_range_is_reported() {
        assert_eq!(
            problem_text("{{- continue -}}"),
            Some((4, "{{continue}} outside {{range}}".to_owned()))
        );
    }

    #[test]
    fn open_block_reports_eof() {
        assert_eq!(
            problem_text("{{with .}}x"),
            Some((11, "unexpected EOF".to_owned()))
        );
    }

    #[test]
    fn delimiters_inside_strings_are_skipped() {
        assert!(problem_text("{{printf \"}}{{end}}\" .}}").is_none());
    }

    #[test]
    fn comments_are_skipped() {
        assert!(problem_text("{{/* {{end}} */}}").is_none());
    }

    #[test]
    fn earliest_problem_wins() {
        assert_eq!(
            problem_text("{{nope}}{{end}}"),
            Some((2, "function \"nope\" not defined".to_owned()))
        );
    }

    #[test]
    fn pipeline_variable_visible_in_else() {
        assert!(problem_text("{{if $x := .}}{{else}}{{$x}}{{end}}").is_none());
    }

    #[test]
    fn variable_out_of_scope_after_end() {
        assert_eq!(
            problem_text("{{range $x := .}}{{end}}{{$x.a}}"),
            Some((26, "undefined variable \"$x\"".to_owned()))
        );
    }

    #[test]
    fn field_access_position_is_second_name() {
        let site = find_field_access("{{.status.nope}}", "nope");
        assert_eq!(
            site.map(|site| (site.text, site.offset)),
            Some((".status.nope".to_owned(), 9))
        );
    }

    #[test]
    fn variable_access_position_after_name() {
        let site = find_field_access("{{$.info.nope}}", "nope");
        assert_eq!(
            site.map(|site| (site.text, site.offset)),
            Some(("$.info.nope".to_owned(), 3))
        );
    }

    #[test]
    fn function_argument_site() {
        let site = find_function_call("{{title \"x\" | lower}}", "title", true);
        assert_eq!(
            site.map(|site| (site.text, site.offset)),
            Some(("\"x\"".to_owned(), 8))
        );
    }

    #[test]
    fn literal_text_keeps_quotes() {
        assert_eq!(literal_text("{{f `a\"b` 1}}", 4), "`a\"b`");
    }

    #[test]
    fn line_of_counts_newlines() {
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
