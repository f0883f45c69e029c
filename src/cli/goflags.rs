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

    // In the full tree, subcommands define their arguments on first use
    // (see `Spec`), so the one named is built on a copy to look its flags
    // up.
    let mut built_subcommand;
    let mut current = command;
    // Whether `current` is a subcommand defined in place, which lacks the
    // `--help` clap adds when it builds a command. At the root, `-help` is
    // left to clap, which reads it as `-h`, so `-help=true` shows help.
    let mut implicit_help = false;
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
            if name.chars().count() > 1 && has_long(current, name, implicit_help) {
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
            // A subcommand without arguments may have them deferred.
            Some(sub) if sub.get_arguments().next().is_none() => {
                built_subcommand = sub.clone();
                built_subcommand.build();
                current = &built_subcommand;
                implicit_help = false;
            }
            Some(sub) => {
                current = sub;
                implicit_help = !sub.is_disable_help_flag_set();
            }
            None => flags_done = true,
        }
        output.push(arg);
    }
    output
}

/// Returns the subcommand word of `args` (the program name first) when
/// every word before it is a global option of `root` other than help, with
/// its value. Returns `None` for anything else, which then needs the full
/// command tree: a help request, an unknown or clustered flag, `--`, a
/// value starting with `-`, or no subcommand at all.
pub fn named_subcommand<'a>(root: &Command, args: &'a [String]) -> Option<&'a str> {
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        let Some(flag) = word.strip_prefix('-') else {
            return Some(word);
        };
        // `--long`, `-long` (Go style) or `-s`, each maybe with `=value`.
        let (double_dash, flag) = match flag.strip_prefix('-') {
            Some(long) => (true, long),
            None => (false, flag),
        };
        let (name, inline_value) = match flag.split_once('=') {
            Some((name, _)) => (name, true),
            None => (flag, false),
        };
        let mut chars = name.chars();
        let arg = match (chars.next(), chars.next()) {
            (None, _) => None,
            (Some(short), None) if !double_dash => find(root, "", Some(short)),
            _ => find(root, name, None),
        }?;
        if arg.get_id() == "help" {
            return None;
        }
        // A value that looks like a flag is left to the full tree: whether
        // clap takes it as the value depends on the option's settings.
        if arg.get_action().takes_values() && !inline_value && words.next()?.starts_with('-') {
            return None;
        }
    }
    None
}

fn has_long(command: &Command, name: &str, implicit_help: bool) -> bool {
    find(command, name, None).is_some() || (implicit_help && name == "help")
}

fn takes_value(command: &Command, long: &str, short: Option<char>) -> bool {
    find(command, long, short).is_some_and(|arg| arg.get_action().takes_values())
}

/// Finds the argument with the short name `short`, or else with the long
/// name or alias `long`.
fn find<'c>(command: &'c Command, long: &str, short: Option<char>) -> Option<&'c clap::Arg> {
    command.get_arguments().find(|arg| match short {
        Some(c) => arg.get_short() == Some(c),
        None => {
            arg.get_long() == Some(long)
                || arg
                    .get_all_aliases()
                    .is_some_and(|aliases| aliases.contains(&long))
        }
    })
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

    fn subcommand_of(words: &[&str]) -> Option<String> {
        let args: Vec<String> = std::iter::once("crictl")
            .chain(words.iter().copied())
            .map(str::to_owned)
            .collect();
        let root = crate::cli::Cli::command();
        named_subcommand(&root, &args).map(str::to_owned)
    }

    #[test]
    fn subcommand_found_after_global_options() {
        assert_eq!(subcommand_of(&["ps", "-a"]).as_deref(), Some("ps"));
        assert_eq!(
            subcommand_of(&["-D", "-r", "unix:///x.sock", "--timeout=1s", "img"]).as_deref(),
            Some("img")
        );
        assert_eq!(
            subcommand_of(&["-runtime-endpoint", "unix:///x.sock", "pods"]).as_deref(),
            Some("pods")
        );
    }

    #[test]
    fn subcommand_not_guessed() {
        for words in [
            &["--help", "ps"][..],
            &["-h", "ps"],
            &["-Dt1s", "ps"],
            &["-t", "-1s", "ps"],
            &["--", "ps"],
            &["--bogus", "ps"],
            &["-r"],
            &[],
        ] {
            assert_eq!(subcommand_of(words), None, "{words:?}");
        }
    }

    #[test]
    fn help_rewritten_only_after_subcommand() {
        assert_eq!(run(&["ps", "-help"]), ["crictl", "ps", "--help"]);
        assert_eq!(run(&["-help=true"]), ["crictl", "-help=true"]);
        assert_eq!(run(&["-help", "ps"]), ["crictl", "-help", "ps"]);
    }

    #[test]
    fn help_rewritten_in_one_subcommand_tree() {
        let args: Vec<String> = ["crictl", "ps", "-help"].map(str::to_owned).into();
        let command = crate::cli::Cli::command_for(&args);
        assert_eq!(rewrite(&command, args), ["crictl", "ps", "--help"]);
    }

    #[test]
    fn words_after_positional_untouched() {
        assert_eq!(
            run(&["inspect", "0123", "-output"]),
            ["crictl", "inspect", "0123", "-output"]
        );
    }
}
