//! Rewrites Go-style single-dash long flags (`-no-trunc`, `-o=json` stays
//! short) to the double-dash form clap parses, because crictl's flag parser
//! treats `-name` and `--name` alike and scripts rely on it.

use clap::Command;

/// Returns `args` with each `-long` or `-long=value` of a known long flag
/// rewritten to `--long`. Only words before the first positional argument or
/// `--` are considered, since crictl stops parsing flags there.
pub fn rewrite(command: &Command, args: Vec<String>) -> Vec<String> {
    let mut output = Vec::with_capacity(args.len());
    let mut iter = args.into_iter();
    if let Some(program) = iter.next() {
        output.push(program);
    }

    // Subcommands define their arguments on first use (see `Command`), so
    // the one named is built on a copy to look its flags up.
    let mut built_subcommand;
    let mut current = command;
    let mut expecting_value = false;
    let mut flags_done = false;
    for arg in iter {
        if flags_done {
            output.push(arg);
            continue;
        }
        if expecting_value {
            expecting_value = false;
            output.push(arg);
            continue;
        }
        if arg == "--" {
            flags_done = true;
            output.push(arg);
            continue;
        }
        if let Some(rest) = arg.strip_prefix("--") {
            let name = rest.split('=').next().unwrap_or(rest);
            expecting_value = !rest.contains('=') && takes_value(current, name, None);
            output.push(arg);
            continue;
        }
        if let Some(rest) = arg.strip_prefix('-').filter(|rest| !rest.is_empty()) {
            let name = rest.split('=').next().unwrap_or(rest);
            if name.chars().count() > 1 && has_long(current, name) {
                expecting_value = !rest.contains('=') && takes_value(current, name, None);
                output.push(format!("--{rest}"));
            } else {
                let short = name.chars().next();
                // A short flag with its value attached (`-ojson`) needs no
                // separate value word.
                expecting_value = name.chars().count() == 1
                    && !rest.contains('=')
                    && takes_value(current, "", short);
                output.push(arg);
            }
            continue;
        }
        // A positional word: either the subcommand or the first argument.
        match current.find_subcommand(&arg) {
            Some(sub) => {
                built_subcommand = sub.clone();
                built_subcommand.build();
                current = &built_subcommand;
            }
            None => flags_done = true,
        }
        output.push(arg);
    }
    output
}

fn has_long(command: &Command, name: &str) -> bool {
    command.get_arguments().any(|arg| {
        arg.get_long() == Some(name)
            || arg
                .get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name))
    })
}

fn takes_value(command: &Command, long: &str, short: Option<char>) -> bool {
    command
        .get_arguments()
        .find(|arg| match short {
            Some(c) => arg.get_short() == Some(c),
            None => {
                arg.get_long() == Some(long)
                    || arg
                        .get_all_aliases()
                        .is_some_and(|aliases| aliases.contains(&long))
            }
        })
        .is_some_and(|arg| arg.get_action().takes_values())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn run(words: &[&str]) -> Vec<String> {
        let command = crate::cli::Cli::command();
        let args = std::iter::once("crictl")
            .chain(words.iter().copied())
            .map(str::to_owned)
            .collect();
        rewrite(&command, args)
    }

    #[test]
    fn single_dash_long_rewritten() {
        assert_eq!(run(&["ps", "-no-trunc"]), ["crictl", "ps", "--no-trunc"]);
    }

    #[test]
    fn short_flags_untouched() {
        assert_eq!(run(&["ps", "-aq"]), ["crictl", "ps", "-aq"]);
    }

    #[test]
    fn global_single_dash_long() {
        assert_eq!(
            run(&["-runtime-endpoint", "unix:///x.sock", "version"]),
            ["crictl", "--runtime-endpoint", "unix:///x.sock", "version"]
        );
    }

    #[test]
    fn value_not_rewritten() {
        assert_eq!(
            run(&["ps", "--name", "-all"]),
            ["crictl", "ps", "--name", "-all"]
        );
    }

    #[test]
    fn words_after_positional_untouched() {
        assert_eq!(
            run(&["inspect", "0123", "-output"]),
            ["crictl", "inspect", "0123", "-output"]
        );
    }
}
