//! The command-line grammar: global options, the subcommands, and the
//! rewriting that lets crictl's Go-style flags (`-no-trunc`) parse.

pub mod goflags;
mod subcommands;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

pub use subcommands::{Command, SUBCOMMANDS, Spec};

use crate::config::GlobalArgs;

/// A parsed command line.
#[derive(Debug)]
pub struct Cli {
    pub options: GlobalOptions,
    pub command: Option<Command>,
}

impl Cli {
    /// Returns the command tree to parse `args` (the program name first)
    /// with. When only global options come before a known subcommand's
    /// name, the tree contains that subcommand alone, which saved about
    /// 140,000 instructions of a `crictl ps -a`. Anything else, such as `crictl --help`, a
    /// misspelt name or `crictl help ps`, gets the full tree, so help,
    /// errors and suggestions stay as they are.
    pub fn command_for(args: &[String]) -> clap::Command {
        let root = root();
        match goflags::named_subcommand(&root, args).and_then(Spec::find) {
            Some(spec) => root.subcommand(spec.defined()),
            None => Command::augment_subcommands(root),
        }
    }
}

impl CommandFactory for Cli {
    fn command() -> clap::Command {
        Command::augment_subcommands(root())
    }

    fn command_for_update() -> clap::Command {
        Self::command()
    }
}

impl FromArgMatches for Cli {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut matches.clone())
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        let options = GlobalOptions::from_arg_matches_mut(matches)?;
        let command = match matches.subcommand_name() {
            Some(name) if Command::has_subcommand(name) => {
                Some(Command::from_arg_matches_mut(matches)?)
            }
            _ => None,
        };
        Ok(Cli { options, command })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Parser for Cli {}

/// Returns the root command with the global options and no subcommands.
fn root() -> clap::Command {
    GlobalOptions::augment_args(clap::Command::new("crictl"))
        .about("Inspect and drive a CRI container runtime (containerd, CRI-O) from the node")
        .long_about(None)
        .disable_version_flag(true)
        .max_term_width(100)
}

/// The options that come before the subcommand.
#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// Config file to read [env: CRI_CONFIG_FILE] [default: /etc/crictl.yaml]
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Option<String>,

    /// Runtime service endpoint, such as unix:///run/containerd/containerd.sock [env: CONTAINER_RUNTIME_ENDPOINT]
    #[arg(short = 'r', long = "runtime-endpoint", value_name = "ENDPOINT")]
    pub runtime_endpoint: Option<String>,

    /// Image service endpoint; defaults to the runtime endpoint [env: IMAGE_SERVICE_ENDPOINT]
    #[arg(short = 'i', long = "image-endpoint", value_name = "ENDPOINT")]
    pub image_endpoint: Option<String>,

    /// Deadline for connecting and for each call, as a Go duration such as 2s or 500ms [default: 2s]
    #[arg(short = 't', long = "timeout", value_name = "DURATION", value_parser = parse_signed_duration, allow_hyphen_values = true)]
    pub timeout: Option<i64>,

    /// Log decisions, requests and replies on stderr
    #[arg(short = 'D', long = "debug")]
    pub debug: bool,

    /// Connection retries for a configured endpoint; -1 retries forever [default: 3, or 0 with a config file]
    #[arg(long = "max-retries", value_name = "N", allow_hyphen_values = true)]
    pub max_retries: Option<i64>,

    /// Accepted for compatibility; tracing is not supported and this is ignored
    #[arg(long = "enable-tracing", hide = true)]
    pub enable_tracing: bool,

    /// Accepted for compatibility and ignored
    #[arg(
        long = "tracing-sampling-rate-per-million",
        hide = true,
        allow_hyphen_values = true
    )]
    pub tracing_sampling_rate_per_million: Option<i64>,

    /// Accepted for compatibility and ignored
    #[arg(long = "tracing-endpoint", hide = true)]
    pub tracing_endpoint: Option<String>,

    /// Accepted for compatibility and ignored (Go profiling)
    #[arg(long = "profile-cpu", hide = true)]
    pub profile_cpu: Option<String>,

    /// Accepted for compatibility and ignored (Go profiling)
    #[arg(long = "profile-mem", hide = true)]
    pub profile_mem: Option<String>,

    /// Print the version and exit
    #[arg(short = 'v', long = "version")]
    pub version: bool,
}

impl GlobalOptions {
    /// Returns the global options in the form settings resolution takes.
    pub fn global_args(&self) -> GlobalArgs {
        GlobalArgs {
            config: self.config.clone(),
            runtime_endpoint: self.runtime_endpoint.clone(),
            image_endpoint: self.image_endpoint.clone(),
            timeout: self.timeout,
            debug: self.debug,
            max_retries: self.max_retries,
        }
    }
}

fn parse_signed_duration(text: &str) -> Result<i64, String> {
    crate::godur::parse_nanos(text).map_err(|error| error.to_string())
}
