//! `attach`: connect the terminal or stdio to a running container's main
//! process through the `Attach` RPC and its stream.

use std::time::Duration;

use clap::Args;

use super::Context;
use super::exec::{TransportArgs, check_terminal_flags, run_session};
use crate::error::{Error, Result};
use crate::proto::cri;
use crate::streaming::remote_command::{DEFAULT_INPUT_GRACE, DEFAULT_OPEN_TIMEOUT};
use crate::streaming::{StreamOptions, StreamUrl};
use crate::transport::{call, request};

/// Arguments of `attach`.
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Use a terminal (the container must have been created with one); needs -i
    #[arg(short = 't', long = "tty")]
    pub tty: bool,

    /// Pass stdin to the container; ctrl-p ctrl-q detaches
    #[arg(short = 'i', long = "stdin")]
    pub stdin: bool,

    #[command(flatten)]
    pub transport: TransportArgs,

    /// The container to attach to
    #[arg(value_name = "CONTAINER-ID")]
    pub id: Option<String>,
}

/// Attaches to a running container.
pub async fn attach(args: AttachArgs, context: &mut Context<'_>) -> Result<()> {
    let Some(id) = args.id.filter(|id| !id.is_empty()) else {
        return Err(Error::Invalid("a container ID is required".to_owned()));
    };
    let transport = args.transport.validate()?;
    check_terminal_flags(args.tty, args.stdin, "--stdin (-i)")?;

    let mut runtime = context.connector.runtime().await?;
    let timeout = context.timeout();
    let message = cri::AttachRequest {
        container_id: id.clone(),
        stdin: args.stdin,
        tty: args.tty,
        stdout: true,
        stderr: !args.tty,
        ..Default::default()
    };
    let reply = call(timeout, runtime.attach(request(message, timeout)))
        .await
        .map_err(|status| Error::rpc(format!("attaching to container {id:?}"), status))?;
    let url = StreamUrl::parse(&reply.url)?;

    context
        .out
        .flush()
        .map_err(|source| Error::io("writing output", source))?;
    let options = StreamOptions {
        transport,
        stdin: args.stdin,
        stdout: true,
        stderr: !args.tty,
        tty: args.tty,
        detach_keys: args.stdin,
        connect_timeout: timeout.unwrap_or(Duration::from_secs(2)),
        open_timeout: DEFAULT_OPEN_TIMEOUT,
        input_grace: DEFAULT_INPUT_GRACE,
    };
    run_session(&url, options).await
}
