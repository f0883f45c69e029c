//! `exec`: run a command in one container, or in every container the
//! filter flags select, synchronously (`-s`, the `ExecSync` RPC) or over a
//! stream (`Exec`, then SPDY or WebSocket). The command's exit status
//! becomes ours.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use futures_util::future::join_all;

use super::Context;
use super::containers::{ContainerFilterArgs, Selection};
use crate::error::{Error, Failures, Result};
use crate::proto::cri;
use crate::streaming::channels::RemoteStatus;
use crate::streaming::remote_command::{DEFAULT_INPUT_GRACE, DEFAULT_OPEN_TIMEOUT};
use crate::streaming::terminal::{self, RawMode, ResizeSource};
use crate::streaming::{
    LocalIo, Outcome, RemoteCommand, StreamError, StreamOptions, StreamUrl, Transport,
};
use crate::transport::{RuntimeClient, call, deadline_status, request};

/// The transport and TLS flags shared by `exec`, `attach` and
/// `port-forward`.
#[derive(Debug, Args, Clone)]
pub struct TransportArgs {
    /// Stream transport: spdy or websocket
    #[arg(short = 'r', long = "transport", default_value = "spdy")]
    pub transport: String,

    /// Server name expected in the stream server's certificate
    #[arg(
        long = "tls-sni",
        visible_alias = "tls-server-name",
        default_value = "localhost"
    )]
    pub tls_sni: String,

    /// CA certificate file for a TLS stream server
    #[arg(long = "tls-ca", value_name = "FILE")]
    pub tls_ca: Option<String>,

    /// Client certificate file for a TLS stream server
    #[arg(long = "tls-cert", value_name = "FILE")]
    pub tls_cert: Option<String>,

    /// Client key file for a TLS stream server
    #[arg(long = "tls-key", value_name = "FILE")]
    pub tls_key: Option<String>,
}

impl TransportArgs {
    /// Checks the flags before any RPC and returns the transport.
    pub fn validate(&self) -> Result<Transport> {
        let transport = Transport::parse(&self.transport)?;
        let any = self.tls_ca.is_some() || self.tls_cert.is_some() || self.tls_key.is_some();
        if any && (self.tls_cert.is_none() || self.tls_key.is_none()) {
            return Err(Error::Invalid(
                "--tls-cert and --tls-key must be given together (--tls-ca is optional)".to_owned(),
            ));
        }
        Ok(transport)
    }
}

/// Arguments of `exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Run the command with ExecSync and print its output when it ends
    #[arg(short = 's', long = "sync")]
    pub sync: bool,

    /// With --sync, stop the command after this many seconds; 0 waits for ever
    #[arg(long = "timeout", value_name = "SECONDS", default_value_t = 0)]
    pub timeout: i64,

    /// Give the command a terminal; needs -i and a terminal on stdin
    #[arg(short = 't', long = "tty")]
    pub tty: bool,

    /// Pass stdin to the command
    #[arg(short = 'i', long = "interactive")]
    pub interactive: bool,

    #[command(flatten)]
    pub transport: TransportArgs,

    /// Run in the running containers whose name matches this regular expression
    #[arg(long = "name", value_name = "REGEX")]
    pub name: Option<String>,

    /// Run in the containers of pods whose ID starts with this
    #[arg(short = 'p', long = "pod", value_name = "POD-ID")]
    pub pod: Option<String>,

    /// Run in the containers running this image
    #[arg(long = "image")]
    pub image: Option<String>,

    /// Run in the containers in this state: created, running, exited or unknown
    #[arg(long = "state")]
    pub state: Option<String>,

    /// Run in the containers with this key=value label (repeatable)
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Run in the most recently created container, in any state
    #[arg(short = 'l', long = "latest")]
    pub latest: bool,

    /// Run in the N most recently created containers, in any state; 0 means all
    #[arg(short = 'n', long = "last", value_name = "N")]
    pub last: Option<i64>,

    /// Do not print the container ID before each container's output
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Exit 0 even when the command fails in some containers
    #[arg(short = 'e', long = "ignore-errors")]
    pub ignore_errors: bool,

    /// Run in all selected containers at once, without ID headers
    #[arg(short = 'x', long = "parallel")]
    pub parallel: bool,

    /// CONTAINER-ID COMMAND [ARG...], or only COMMAND [ARG...] with filter flags
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

impl ExecArgs {
    /// Returns whether a filter flag is set, in which case every argument
    /// is part of the command.
    fn filter_mode(&self) -> bool {
        self.name.is_some()
            || self.pod.is_some()
            || self.image.is_some()
            || self.state.is_some()
            || !self.label.is_empty()
            || self.latest
            || self.last.is_some()
    }

    fn filter(&self) -> ContainerFilterArgs {
        ContainerFilterArgs {
            name: self.name.clone(),
            namespace: None,
            pod: self.pod.clone().unwrap_or_default(),
            image: self.image.clone().unwrap_or_default(),
            state: self.state.clone(),
            label: self.label.clone(),
            all: false,
            latest: self.latest,
            last: self.last.unwrap_or(0),
        }
    }
}

/// Runs a command in one or more containers.
pub async fn exec(args: ExecArgs, context: &mut Context<'_>) -> Result<()> {
    let help = || Error::Help {
        command: "exec",
        message: None,
    };
    if args.args.is_empty() {
        return Err(help());
    }
    let transport = args.transport.validate()?;
    let selection = if args.filter_mode() {
        Some(Selection::new("", &args.filter())?)
    } else {
        None
    };
    let (ids, command) = match &selection {
        Some(_) => (Vec::new(), args.args.clone()),
        None if args.args.len() < 2 => return Err(help()),
        None => (vec![args.args[0].clone()], args.args[1..].to_vec()),
    };
    if !args.sync {
        check_terminal_flags(args.tty, args.interactive, "--interactive (-i)")?;
    }
    if args.ignore_errors && !args.quiet {
        crate::diag::warn("--ignore-errors is set: the command's failures are not reported");
    }

    let (mut runtime, mut image) = context.connector.runtime_and_image().await?;
    let timeout = context.timeout();
    let ids = match &selection {
        Some(selection) => {
            let containers = selection.list(&mut runtime, &mut image, timeout).await?;
            if containers.is_empty() {
                return Err(Error::Help {
                    command: "exec",
                    message: Some("no container matches the filter flags".to_owned()),
                });
            }
            containers
                .into_iter()
                .map(|container| container.id)
                .collect()
        }
        None => ids,
    };
    let headers = selection.is_some() && !args.quiet && !args.parallel;

    let results = if args.sync {
        run_sync(
            &args,
            &runtime,
            timeout,
            &ids,
            &command,
            headers,
            context.out,
        )
        .await?
    } else {
        if ids.len() > 1 && (args.interactive || args.tty) {
            return Err(Error::Invalid(format!(
                "-i and -t need exactly one container, but the filters selected {}",
                ids.len()
            )));
        }
        let options = StreamOptions {
            transport,
            stdin: args.interactive,
            stdout: true,
            stderr: !args.tty,
            tty: args.tty,
            detach_keys: false,
            connect_timeout: timeout.unwrap_or(Duration::from_secs(2)),
            open_timeout: DEFAULT_OPEN_TIMEOUT,
            input_grace: DEFAULT_INPUT_GRACE,
        };
        context
            .out
            .flush()
            .map_err(|source| Error::io("writing output", source))?;
        let runs = ids.iter().map(|id| {
            let runtime = runtime.clone();
            let request = cri::ExecRequest {
                container_id: id.clone(),
                cmd: command.clone(),
                tty: args.tty,
                stdin: args.interactive,
                stdout: true,
                stderr: !args.tty,
                ..Default::default()
            };
            run_streaming(runtime, timeout, request, options.clone(), headers)
        });
        join_all(runs).await
    };
    finish(results, args.ignore_errors)
}

/// Rejects `-t` without the stdin flag, or without a terminal on stdin,
/// before any RPC and before the terminal is touched.
pub fn check_terminal_flags(tty: bool, stdin: bool, stdin_flag: &str) -> Result<()> {
    if !tty {
        return Ok(());
    }
    if !stdin {
        return Err(Error::Invalid(format!(
            "--tty (-t) needs {stdin_flag}: a terminal session reads its input from stdin"
        )));
    }
    if !terminal::stdin_is_terminal() {
        return Err(Error::Invalid(
            "input is not a terminal: --tty (-t) needs a terminal on stdin; leave out -t to pipe input"
                .to_owned(),
        ));
    }
    Ok(())
}

/// Runs `ExecSync` in every container at once and prints the results in
/// container order: stdout to our stdout, stderr to our stderr.
async fn run_sync(
    args: &ExecArgs,
    runtime: &RuntimeClient,
    timeout: Option<Duration>,
    ids: &[String],
    command: &[String],
    headers: bool,
    out: &mut dyn Write,
) -> Result<Vec<Result<()>>> {
    // The RPC may take as long as the command is allowed to run, plus the
    // usual deadline; without a command timeout it has no deadline.
    let rpc_timeout = match u64::try_from(args.timeout) {
        Ok(0) | Err(_) => None,
        Ok(seconds) => Some(timeout.unwrap_or_default() + Duration::from_secs(seconds)),
    };
    let command_limit = args.timeout;
    let calls = ids.iter().map(|id| {
        let mut runtime = runtime.clone();
        let message = cri::ExecSyncRequest {
            container_id: id.clone(),
            cmd: command.to_vec(),
            timeout: args.timeout,
        };
        async move {
            call(
                rpc_timeout,
                runtime.exec_sync(request(message, rpc_timeout)),
            )
            .await
            .map_err(|status| {
                let status = match rpc_timeout {
                    Some(limit) => deadline_status(status, limit),
                    None => status,
                };
                if command_limit > 0 && status.code() == tonic::Code::DeadlineExceeded {
                    // The command's own time limit ran out, not the runtime.
                    return Error::Runtime(format!(
                        "the command in container {id:?} did not finish within its --timeout of {command_limit}s: {}",
                        status.message()
                    ));
                }
                Error::rpc(format!("running the command in container {id:?}"), status)
            })
        }
    });
    let replies = join_all(calls).await;

    let mut results = Vec::with_capacity(replies.len());
    for (id, reply) in ids.iter().zip(replies) {
        if headers {
            write_out(out, format!("{id}:\n").as_bytes())?;
        }
        results.push(reply.and_then(|reply| print_sync_reply(out, &reply)));
    }
    Ok(results)
}

fn print_sync_reply(out: &mut dyn Write, reply: &cri::ExecSyncResponse) -> Result<()> {
    write_out(out, &reply.stdout)?;
    out.flush()
        .map_err(|source| Error::io("writing output", source))?;
    let mut stderr = std::io::stderr();
    stderr
        .write_all(&reply.stderr)
        .and_then(|()| stderr.flush())
        .map_err(|source| Error::io("writing the command's stderr", source))?;
    match reply.exit_code {
        0 => Ok(()),
        code => Err(Error::Exit(code)),
    }
}

fn write_out(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes)
        .map_err(|source| Error::io("writing output", source))
}

/// Makes the `Exec` call for one container and runs its stream.
async fn run_streaming(
    mut runtime: RuntimeClient,
    timeout: Option<Duration>,
    message: cri::ExecRequest,
    options: StreamOptions,
    header: bool,
) -> Result<()> {
    let id = message.container_id.clone();
    let reply = call(timeout, runtime.exec(request(message, timeout)))
        .await
        .map_err(|status| {
            Error::rpc(format!("starting the command in container {id:?}"), status)
        })?;
    if header {
        let mut stdout = std::io::stdout();
        stdout
            .write_all(format!("{id}:\n").as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|source| Error::io("writing output", source))?;
    }
    let url = StreamUrl::parse(&reply.url)?;
    run_session(&url, options)
        .await
        .map_err(|error| match error {
            // The runtime's failure text does not say which container it means.
            Error::Stream(stream) if matches!(*stream, StreamError::Remote(_)) => {
                Error::Runtime(format!("running the command in container {id:?}: {stream}"))
            }
            other => other,
        })
}

/// Runs one exec or attach session on the process's stdio, with the
/// terminal in raw mode for a TTY session.
pub async fn run_session(url: &StreamUrl, options: StreamOptions) -> Result<()> {
    // Restored when this function returns or its future is dropped (a
    // signal); the panic hook covers panics.
    let _raw = if options.tty {
        Some(
            RawMode::enter()
                .map_err(|source| Error::io("putting the terminal into raw mode", source))?,
        )
    } else {
        None
    };
    let resize = if options.tty {
        Some(
            ResizeSource::terminal()
                .map_err(|source| Error::io("watching the terminal size", source))?,
        )
    } else {
        None
    };
    let io = LocalIo {
        stdin: options.stdin.then(terminal::spawn_stdin_reader),
        stdout: Box::new(std::io::stdout()),
        stderr: Box::new(std::io::stderr()),
        resize,
    };
    let session = RemoteCommand::start(url, options, io).await?;
    outcome_result(session.join().await?)
}

/// Turns how a session ended into our result: the remote exit status
/// becomes ours.
pub fn outcome_result(outcome: Outcome) -> Result<()> {
    match outcome {
        Outcome::Status(RemoteStatus::Success) | Outcome::Detached | Outcome::InputClosed => Ok(()),
        Outcome::Status(RemoteStatus::Exited(code)) => Err(Error::Exit(code)),
        Outcome::Status(RemoteStatus::Failed(message)) => Err(StreamError::Remote(message).into()),
    }
}

/// Ends a run over several containers: failures other than exit statuses
/// are reported (and exit 1); otherwise the first non-zero exit status is
/// ours.
fn finish(results: Vec<Result<()>>, ignore_errors: bool) -> Result<()> {
    let mut exit = None;
    let mut failures = Failures::default();
    for result in results {
        match result {
            Ok(()) => {}
            Err(Error::Exit(code)) => {
                exit.get_or_insert(code);
            }
            Err(error) => failures.0.push(error),
        }
    }
    if ignore_errors {
        for error in &failures.0 {
            tracing::debug!(%error, "ignored by --ignore-errors");
        }
        return Ok(());
    }
    if !failures.0.is_empty() {
        return failures.into_result();
    }
    match exit {
        Some(code) => Err(Error::Exit(code)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_exit_status_wins() {
        let result = finish(
            vec![Ok(()), Err(Error::Exit(3)), Err(Error::Exit(4))],
            false,
        );
        assert_eq!(result.unwrap_err().exit_code(), 3);
    }

    #[test]
    fn other_failures_exit_one() {
        let result = finish(
            vec![Err(Error::Exit(3)), Err(Error::Runtime("boom".into()))],
            false,
        );
        assert_eq!(result.unwrap_err().exit_code(), 1);
    }

    #[test]
    fn ignore_errors_exits_zero() {
        let result = finish(vec![Err(Error::Exit(3))], true);
        assert!(result.is_ok());
    }

    #[test]
    fn tls_key_needs_cert() {
        let args = TransportArgs {
            transport: "spdy".into(),
            tls_sni: "localhost".into(),
            tls_ca: None,
            tls_cert: None,
            tls_key: Some("key.pem".into()),
        };
        assert!(args.validate().is_err());
    }

    #[test]
    fn unknown_transport_rejected() {
        let args = TransportArgs {
            transport: "foo".into(),
            tls_sni: "localhost".into(),
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
        };
        assert!(args.validate().is_err());
    }

    #[test]
    fn tty_without_stdin_rejected() {
        assert!(check_terminal_flags(true, false, "-i").is_err());
    }
}
