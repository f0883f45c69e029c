//! `logs`: print a container's log. The runtime is asked only for the log
//! file's path, and with `-f` whether the container still runs. The file
//! itself is read from the node's disk by [`crate::logs`].

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use tonic::Code;

use super::Context;
use crate::error::{Error, Result};
use crate::logs::{self, Instant, Options, Stream};
use crate::proto::cri;
use crate::transport::{RuntimeClient, call, request};

/// Arguments of `logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Keep printing new lines until the container stops running
    #[arg(short = 'f', long = "follow")]
    pub follow: bool,

    /// Print the log of the container's previous instance, from before its last restart
    #[arg(short = 'p', long = "previous")]
    pub previous: bool,

    /// Ask the runtime to reopen the container's log file first
    #[arg(short = 'r', long = "reopen")]
    pub reopen: bool,

    /// Print only the last N lines (a line split into partial fragments counts once); negative prints all [default: -1]
    #[arg(long = "tail", value_name = "N", allow_negative_numbers = true)]
    pub tail: Option<i64>,

    /// Stop after printing N bytes; negative means no limit
    #[arg(long = "limit-bytes", value_name = "N", default_value_t = -1, allow_negative_numbers = true)]
    pub limit_bytes: i64,

    /// Print only lines logged at or after TIME: a duration before now (10m, 1h30m), an RFC 3339 date or time (zone-less means local time), or Unix seconds
    #[arg(
        long = "since",
        value_name = "TIME",
        default_value = "",
        hide_default_value = true
    )]
    pub since: String,

    /// Prefix each line with the time the runtime logged it
    #[arg(short = 't', long = "timestamps")]
    pub timestamps: bool,

    /// Print only one stream: stdout or stderr
    #[arg(
        short = 's',
        long = "stream",
        value_name = "STREAM",
        default_value = "",
        hide_default_value = true
    )]
    pub stream: String,

    /// The container whose log to print
    #[arg(
        value_name = "CONTAINER-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Prints a container's log.
pub async fn logs(args: LogsArgs, context: &mut Context<'_>) -> Result<()> {
    let id = match args.ids.as_slice() {
        [] => return Err(Error::Invalid("no container ID given".to_owned())),
        [id] => id.clone(),
        _ => {
            return Err(Error::Help {
                command: "logs",
                message: Some("logs takes exactly one container ID".to_owned()),
            });
        }
    };
    let options = options_from(&args)?;

    let timeout = context.timeout();
    let (client, status) = if args.reopen {
        // Reopening changes the runtime's state, so it waits for the
        // connection check.
        let mut client = context.connector.runtime().await?;
        reopen(&mut client, &id, timeout).await?;
        let status = container_status(&mut client, &id, timeout).await?;
        (client, status)
    } else {
        let id = id.as_str();
        context
            .connector
            .runtime_then(
                |mut client| async move { container_status(&mut client, id, timeout).await },
            )
            .await?
    };
    let path = log_path(&status, &id, args.previous)?;

    let mut state = RuntimeState {
        client,
        id: status.id.clone(),
        timeout,
    };
    let mut stderr = std::io::stderr();
    let printed = logs::print_log(
        std::path::Path::new(&path),
        &options,
        context.out,
        &mut stderr,
        &mut state,
        interrupted(),
    )
    .await;
    printed.map_err(|error| match error {
        logs::Error::Write(source) => Error::io("writing the log", source),
        logs::Error::State(error) => *error,
        other => Error::Logs(other),
    })
}

/// Checks the flags and turns them into reader options, before anything
/// is sent to the runtime.
fn options_from(args: &LogsArgs) -> Result<Options> {
    // Finding the system time zone reads the zoneinfo tree, a cost every
    // `logs` without --since would otherwise pay.
    let since = match args.since.as_str() {
        "" => None,
        value => logs::since::parse(value, now(), &jiff::tz::TimeZone::system())
            .map_err(|error| Error::Invalid(error.to_string()))?,
    };
    let stream = match args.stream.as_str() {
        "" => None,
        "stdout" => Some(Stream::Stdout),
        "stderr" => Some(Stream::Stderr),
        other => {
            return Err(Error::Invalid(format!(
                "invalid --stream {other:?}: use stdout or stderr"
            )));
        }
    };
    if args.tail.is_some() && stream.is_some() {
        // --tail counts lines of both streams, so with one stream left out
        // it would print fewer lines than asked; crictl rejects it too.
        return Err(Error::Invalid(
            "--tail and --stream cannot be used together; filter with --since instead, or pipe through tail"
                .to_owned(),
        ));
    }
    Ok(Options {
        tail: args.tail.and_then(|lines| u64::try_from(lines).ok()),
        since,
        timestamps: args.timestamps,
        limit_bytes: u64::try_from(args.limit_bytes).ok(),
        stream,
        follow: args.follow,
        merge_streams: streams_share_output(),
        parallel: logs::Parallel::for_this_machine(),
    })
}

/// Returns whether stdout and stderr lead to the same file, pipe or
/// terminal, so that stderr content can be written to stdout and keep its
/// place among the stdout lines. /dev/null needs no order, and a stream that
/// cannot be examined is left alone.
fn streams_share_output() -> bool {
    fn identity(stream: BorrowedFd<'_>) -> Option<(u64, u64)> {
        let file = File::from(stream.try_clone_to_owned().ok()?);
        let metadata = file.metadata().ok()?;
        Some((metadata.dev(), metadata.ino()))
    }
    let stdout = identity(std::io::stdout().as_fd());
    let stderr = identity(std::io::stderr().as_fd());
    let null = std::fs::metadata("/dev/null")
        .ok()
        .map(|metadata| (metadata.dev(), metadata.ino()));
    match (stdout, stderr) {
        (Some(stdout), Some(stderr)) => stdout == stderr && Some(stdout) != null,
        _ => false,
    }
}

fn now() -> Instant {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Instant {
        seconds: i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        nanos: elapsed.subsec_nanos(),
    }
}

async fn reopen(client: &mut RuntimeClient, id: &str, timeout: Option<Duration>) -> Result<()> {
    call(
        timeout,
        client.reopen_container_log(request(
            cri::ReopenContainerLogRequest {
                container_id: id.to_owned(),
            },
            timeout,
        )),
    )
    .await
    .map_err(|status| Error::rpc(format!("reopening the log of container {id:?}"), status))?;
    crate::diag::info(&format!("reopened the log file of container {id}"));
    Ok(())
}

async fn container_status(
    client: &mut RuntimeClient,
    id: &str,
    timeout: Option<Duration>,
) -> Result<cri::ContainerStatus> {
    let reply = call(
        timeout,
        client.container_status(request(
            cri::ContainerStatusRequest {
                container_id: id.to_owned(),
                verbose: false,
            },
            timeout,
        )),
    )
    .await
    .map_err(|status| Error::rpc(format!("getting the status of container {id:?}"), status))?;
    reply.status.ok_or_else(|| {
        Error::Runtime(format!(
            "the runtime returned no status for container {id:?}"
        ))
    })
}

/// Picks the log file to read: the container's own, or with `--previous`
/// the one of the instance before the last restart.
fn log_path(status: &cri::ContainerStatus, id: &str, previous: bool) -> Result<String> {
    if status.log_path.is_empty() {
        return Err(Error::Runtime(format!(
            "the runtime reports no log path for container {id:?}; its pod was probably created without a log directory"
        )));
    }
    if !previous {
        return Ok(status.log_path.clone());
    }
    let metadata = status.metadata.clone().unwrap_or_default();
    logs::previous_log_path(&status.log_path, metadata.attempt).ok_or_else(|| {
        Error::Runtime(format!(
            "container {} ({id}) has no previous instance: it has not been restarted",
            metadata.name
        ))
    })
}

/// Asks the runtime whether the followed container still runs.
struct RuntimeState {
    client: RuntimeClient,
    id: String,
    timeout: Option<Duration>,
}

impl logs::ContainerState for RuntimeState {
    async fn is_running(&mut self) -> Result<bool> {
        let reply = call(
            self.timeout,
            self.client.container_status(request(
                cri::ContainerStatusRequest {
                    container_id: self.id.clone(),
                    verbose: false,
                },
                self.timeout,
            )),
        )
        .await;
        match reply {
            Ok(reply) => Ok(reply.status.is_some_and(|status| {
                status.state == cri::ContainerState::ContainerRunning as i32
            })),
            // A runtime that is restarting returns Unavailable, and its
            // containers keep running meanwhile, as crictl assumes too.
            Err(status) if status.code() == Code::Unavailable => Ok(true),
            Err(status) => Err(Error::rpc(
                format!("checking whether container {:?} still runs", self.id),
                status,
            )),
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM, which end `logs -f` successfully.
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
