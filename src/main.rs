//! The `crictl` binary: parse the command line, resolve settings, run one
//! command on a single-threaded runtime, and turn the outcome into an exit
//! status.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};

use crictl_rs::cli::{Cli, goflags};
use crictl_rs::commands::{self, Context};
use crictl_rs::config;
use crictl_rs::diag;
use crictl_rs::error::Error;
use crictl_rs::transport::Connector;

/// Exit status for a command name crictl does not know, as crictl uses.
const UNKNOWN_COMMAND_STATUS: u8 = 3;

fn main() -> ExitCode {
    // A panic is a bug; show one line instead of a backtrace.
    std::panic::set_hook(Box::new(|info| {
        diag::error(&format!(
            "internal error: {info}; please report this together with the command line"
        ));
    }));
    let args = match arguments() {
        Ok(args) => args,
        Err(message) => {
            diag::error(&message);
            return ExitCode::FAILURE;
        }
    };
    let mut command = Cli::command_for(&args);
    let args = goflags::rewrite(&command, args);
    let mut matches = match command.try_get_matches_from_mut(args) {
        Ok(matches) => matches,
        Err(error) => return usage_error(error),
    };
    let cli = match Cli::from_arg_matches_mut(&mut matches) {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    // The process ends after one command, so freeing clap's tree would
    // only cost time.
    std::mem::forget(command);
    std::mem::forget(matches);

    if cli.options.version {
        println!("crictl version {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let global = cli.options.global_args();
    let Some(subcommand) = cli.command else {
        let _ = Cli::command().print_help();
        return ExitCode::SUCCESS;
    };
    if cli.options.debug {
        init_logging();
    }

    let executable_dir = std::env::current_exe()
        .ok()
        .and_then(|path| path.parent().map(std::path::Path::to_owned));
    let env = |name: &str| std::env::var(name).ok();
    // `config` edits the file named by --config or the default path, even
    // when that file is missing or would not load.
    let for_config = matches!(subcommand, crictl_rs::cli::Command::Config(_));
    let settings = match config::resolve(&global, &env, executable_dir.as_deref(), for_config) {
        Ok(settings) => settings,
        Err(error) => {
            diag::error(&error.to_string());
            return ExitCode::FAILURE;
        }
    };
    if settings.debug && !cli.options.debug {
        init_logging();
    }
    if let Some(reason) = &settings.ignored_config {
        diag::warn(&format!("ignoring the default config file: {reason}"));
    }

    let result = run(subcommand, Connector::new(settings));
    finish(result)
}

/// Returns the command line as text. An argument that is not UTF-8 is
/// rejected with its position rather than passed on altered. The program
/// name only appears in usage lines, so it is converted lossily instead.
fn arguments() -> Result<Vec<String>, String> {
    let mut words = std::env::args_os();
    let program = words
        .next()
        .map(|word| word.to_string_lossy().into_owned())
        .unwrap_or_else(|| "crictl".to_owned());
    let arguments = words.enumerate().map(|(index, word)| {
        word.into_string()
            .map_err(|word| format!("argument {} is not valid UTF-8: {word:?}", index + 1))
    });
    std::iter::once(Ok(program)).chain(arguments).collect()
}

/// Runs the command, stopping it cleanly on Ctrl-C or SIGTERM.
fn run(subcommand: crictl_rs::cli::Command, connector: Connector) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::io("starting the async runtime", source))?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());

    // port-forward and the --watch modes run until they are stopped, so a
    // signal is their normal end.
    let stops_on_signal =
        matches!(subcommand, crictl_rs::cli::Command::PortForward(_)) || subcommand.watches();
    let result = runtime.block_on(async {
        let mut context = Context {
            connector,
            out: &mut out,
        };
        tokio::select! {
            result = commands::run(subcommand, &mut context) => result,
            () = interrupted() => if stops_on_signal { Ok(()) } else { Err(Error::Interrupted) },
        }
    });
    let flushed = out
        .flush()
        .map_err(|source| Error::io("writing output", source));
    result.and(flushed)
}

/// Resolves when the process receives SIGINT or SIGTERM.
async fn interrupted() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Reports the outcome on stderr and picks the exit status.
fn finish(result: Result<(), Error>) -> ExitCode {
    let error = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(error) => error,
    };
    if let Error::Io { source, .. } = &error
        && source.kind() == io::ErrorKind::BrokenPipe
    {
        // The reader went away (`crictl ps | head`); nothing is wrong.
        return ExitCode::SUCCESS;
    }
    if let Error::Exit(_) = &error {
        // The command in the container has printed its own output.
        return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1));
    }
    if let Error::Help { command, message } = &error {
        if let Some(message) = message {
            diag::info(message);
        }
        print_subcommand_help(command);
        return ExitCode::SUCCESS;
    }
    let mut message = error.to_string();
    if let Some(hint) = error.hint() {
        message.push_str(&format!(" ({hint})"));
    }
    diag::error(&message);
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
}

fn print_subcommand_help(name: &str) {
    let mut command = Cli::command();
    command.build();
    if let Some(sub) = command.find_subcommand_mut(name) {
        let _ = writeln!(io::stdout(), "{}", sub.render_help());
    }
}

/// Handles a command line clap rejected. Help and version requests print to
/// stdout and succeed. As in crictl, an unknown command exits 3 and other
/// mistakes exit 1.
fn usage_error(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = write!(io::stdout(), "{}", error.render());
            ExitCode::SUCCESS
        }
        ErrorKind::InvalidSubcommand => {
            let _ = error.print();
            ExitCode::from(UNKNOWN_COMMAND_STATUS)
        }
        _ => {
            let _ = error.print();
            ExitCode::FAILURE
        }
    }
}

/// Sends debug logs to stderr, for `--debug` or `debug: true`. Only this
/// crate logs at debug level; the HTTP/2 and gRPC layers below log frame
/// by frame, which buries the requests and replies.
fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("crictl_rs", tracing::Level::DEBUG)
        .with_default(tracing::Level::WARN);
    let format = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_target(false)
        .without_time();
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(format)
        .try_init();
}
