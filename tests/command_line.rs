//! The command line as a whole: the tree of one subcommand that common
//! commands parse with must give what the full tree gives, and the binary
//! must reject what it cannot read without panicking.

mod support;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use clap::{CommandFactory, FromArgMatches};
use proptest::prelude::*;

use crictl_rs::cli::{Cli, SUBCOMMANDS, goflags};
use support::Crictl;

/// Words the generated command lines are made of. They include subcommand
/// names, aliases and near misses, global and subcommand flags in each
/// style crictl accepts, values, and help requests.
const WORDS: &[&str] = &[
    "ps",
    "pods",
    "images",
    "img",
    "event",
    "version",
    "inspect",
    "logs",
    "exec",
    "config",
    "completion",
    "help",
    "pss",
    "Ps",
    "image",
    "-",
    "--",
    "-D",
    "--debug",
    "-debug",
    "-r",
    "--runtime-endpoint",
    "-runtime-endpoint",
    "--runtime-endpoint=unix:///x.sock",
    "-r=x",
    "--r",
    "-t",
    "-timeout",
    "--timeout=1s",
    "-1s",
    "1s",
    "-c",
    "-i",
    "--max-retries",
    "-v",
    "--version",
    "-h",
    "--help",
    "-help",
    "-Dt1s",
    "-a",
    "-q",
    "-aq",
    "-o",
    "-ojson",
    "json",
    "-o=yaml",
    "--name",
    "-name",
    "x",
    "--bogus",
    "-no-trunc",
    "--no-trunc",
    "-f",
    "--tail",
    "10",
    "bash",
];

/// Parses `args` with `command` as `crictl` does, and describes the result:
/// the parsed command line, or the kind and text of clap's error.
fn outcome(mut command: clap::Command, args: Vec<String>) -> String {
    let args = goflags::rewrite(&command, args);
    let matches = match command.try_get_matches_from_mut(args.clone()) {
        Ok(matches) => matches,
        Err(error) => return format!("error {:?}\n{}", error.kind(), error.render()),
    };
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => format!("parsed {args:?}\n{cli:?}"),
        Err(error) => format!("unread {:?}\n{}", error.kind(), error.render()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn one_subcommand_tree_parses_as_full_tree(
        words in prop::collection::vec(prop::sample::select(WORDS), 0..7)
    ) {
        let args: Vec<String> = std::iter::once("crictl")
            .chain(words)
            .map(str::to_owned)
            .collect();
        prop_assert_eq!(
            outcome(Cli::command_for(&args), args.clone()),
            outcome(Cli::command(), args)
        );
    }
}

/// Every subcommand and alias, after global options in each style, gets
/// the same parse from both trees, with and without a help request.
#[test]
fn every_subcommand_parses_as_full_tree() {
    let prefixes: &[&[&str]] = &[
        &[],
        &["-D"],
        &["-r", "unix:///x.sock", "--timeout", "1s"],
        &["-runtime-endpoint=unix:///x.sock", "-t", "-1s"],
    ];
    let suffixes: &[&[&str]] = &[&[], &["-h"], &["--bogus"], &["x", "y"]];
    for spec in SUBCOMMANDS {
        for word in std::iter::once(&spec.name).chain(spec.aliases) {
            for prefix in prefixes {
                for suffix in suffixes {
                    let args: Vec<String> = std::iter::once("crictl")
                        .chain(prefix.iter().copied())
                        .chain([*word])
                        .chain(suffix.iter().copied())
                        .map(str::to_owned)
                        .collect();
                    assert_eq!(
                        outcome(Cli::command_for(&args), args.clone()),
                        outcome(Cli::command(), args.clone()),
                        "{args:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn subcommand_help_starts_with_its_line() {
    for (args, first_lines) in [
        (
            ["ps", "-h"],
            "List containers\n\nUsage: crictl ps [OPTIONS]\n",
        ),
        (
            ["help", "pods"],
            "List pod sandboxes\n\nUsage: crictl pods [OPTIONS]\n",
        ),
    ] {
        let outcome = Crictl::new().args(args).run();
        assert!(
            outcome.stdout.starts_with(first_lines),
            "{}",
            outcome.report()
        );
    }
}

#[test]
fn argument_not_utf8_rejected() {
    let word = OsString::from_vec(b"web\xff".to_vec());
    let outcome = Crictl::new()
        .args([OsString::from("ps"), OsString::from("--name"), word])
        .code(1)
        .stderr_contains("argument 3 is not valid UTF-8: \"web\\xFF\"")
        .run();
    assert_eq!(outcome.stdout, "");
}

#[test]
fn program_name_not_utf8_accepted() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let link = dir.path().join(OsString::from_vec(b"crictl\xff".to_vec()));
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_crictl"), &link).expect("symlink");
    let output = std::process::Command::new(&link)
        .arg("--version")
        .output()
        .expect("run crictl");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("crictl version {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// Go's flag package takes `-help=true` as a request for help.
#[test]
fn root_help_with_value_shows_help() {
    let outcome = Crictl::new().args(["-help=true"]).run();
    assert!(
        outcome
            .stdout
            .starts_with("Inspect and drive a CRI container runtime"),
        "{}",
        outcome.report()
    );
}
