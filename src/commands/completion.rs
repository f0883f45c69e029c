//! `completion`: shell completion scripts generated from the command-line
//! definition, so they never drift from the real flags.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Result};

/// Arguments of `completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// Shell to complete for: bash, zsh or fish [default: bash]
    #[arg(value_name = "SHELL")]
    pub shell: Option<String>,
}

/// Prints the completion script for the chosen shell.
pub fn run(args: CompletionArgs, out: &mut dyn std::io::Write) -> Result<()> {
    let shell = match args.shell.as_deref().unwrap_or("bash") {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        other => {
            return Err(Error::Invalid(format!(
                "no completion for shell {other:?}; use bash, zsh or fish"
            )));
        }
    };
    // Generated into memory first: clap_complete panics when its writer
    // fails, such as on a closed pipe.
    let mut script = Vec::new();
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "crictl", &mut script);
    out.write_all(&script)
        .map_err(|source| Error::io("writing output", source))
}
