//! `config`: read and change `crictl.yaml` from the command line.

use std::io::IsTerminal;
use std::path::Path;

use clap::Args;

use super::output::write_text;
use crate::config::edit::{self, Document};
use crate::config::file::KEYS;
use crate::error::{Error, Result};
use crate::render::table::Table;

/// Arguments of `config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the value of one key
    #[arg(long = "get", value_name = "KEY")]
    pub get: Option<String>,

    /// Set KEY=VALUE pairs, separated by commas (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Print every key and its value
    #[arg(long = "list")]
    pub list: bool,

    /// KEY VALUE: set one key
    #[arg(
        value_name = "KEY",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub positional: Vec<String>,
}

/// Runs `config` on the file at `path` (from `--config`, `CRI_CONFIG_FILE`
/// or the default), creating it first when it does not exist.
pub fn run(args: ConfigArgs, path: &Path, out: &mut dyn std::io::Write) -> Result<()> {
    if args.get.is_none() && args.set.is_empty() && !args.list && args.positional.is_empty() {
        return Err(Error::Help {
            command: "config",
            message: None,
        });
    }
    let mut document = edit::load_or_create(path).map_err(edit_error)?;

    if let Some(key) = &args.get {
        let value = document.get(key).ok_or_else(|| unknown_key(key))?;
        return write_text(out, &format!("{value}\n"));
    }
    if !args.set.is_empty() {
        for item in args.set.iter().flat_map(|value| value.split(',')) {
            let parts: Vec<&str> = item.split('=').collect();
            let [key, value] = parts[..] else {
                return Err(Error::Invalid(format!(
                    "invalid --set value {item:?}: expected KEY=VALUE"
                )));
            };
            set(&mut document, key, value)?;
        }
        return edit::save(path, &document.render()).map_err(edit_error);
    }
    if args.list {
        return list(&document, out);
    }

    let key = &args.positional[0];
    let value = args.positional.get(1).map_or("", String::as_str);
    set(&mut document, key, value)?;
    edit::save(path, &document.render()).map_err(edit_error)?;
    crate::diag::info(&format!("set {key:?} to {value:?} in {}", path.display()));
    Ok(())
}

fn set(document: &mut Document, key: &str, value: &str) -> Result<()> {
    if !KEYS.contains(&key) {
        return Err(unknown_key(key));
    }
    document.set(key, value).map_err(Error::Invalid)
}

fn unknown_key(key: &str) -> Error {
    Error::Invalid(format!(
        "unknown config key {key:?}; valid keys are {}",
        KEYS.join(", ")
    ))
}

fn edit_error(error: edit::EditError) -> Error {
    match error {
        edit::EditError::Read(error) => Error::Config(error),
        other => Error::Invalid(other.to_string()),
    }
}

/// Prints the KEY/VALUE table. crictl clears the screen first even when the
/// output is a pipe; here the clear-screen codes go only to a terminal.
fn list(document: &Document, out: &mut dyn std::io::Write) -> Result<()> {
    if std::io::stdout().is_terminal() {
        write_text(out, "\x1b[2J\x1b[H")?;
    }
    let mut table = Table::new(20);
    table.push_row(vec!["KEY".to_owned(), "VALUE".to_owned()]);
    for key in KEYS {
        table.push_row(vec![key.to_owned(), document.get(key).unwrap_or_default()]);
    }
    table
        .write_to(out)
        .map_err(|source| Error::io("writing output", source))
}
