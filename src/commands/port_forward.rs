//! `port-forward`: forward local ports on 127.0.0.1 and ::1 to ports in a
//! pod, until interrupted.

use std::time::Duration;

use clap::Args;
use tokio::task::JoinSet;

use super::Context;
use super::exec::TransportArgs;
use crate::error::{Error, Result};
use crate::proto::cri;
use crate::streaming::port_forward::{self, PortPair};
use crate::streaming::{StreamUrl, Transport};
use crate::transport::{RuntimeClient, call, request};

/// Arguments of `port-forward`.
#[derive(Debug, Args)]
pub struct PortForwardArgs {
    #[command(flatten)]
    pub transport: TransportArgs,

    /// The pod sandbox to forward to
    #[arg(value_name = "POD-ID")]
    pub pod: Option<String>,

    /// Ports as [LOCAL:]REMOTE; an empty LOCAL picks a free port
    #[arg(value_name = "[LOCAL:]REMOTE")]
    pub ports: Vec<String>,
}

/// Forwards local ports to a pod until interrupted.
pub async fn port_forward(args: PortForwardArgs, context: &mut Context<'_>) -> Result<()> {
    let (Some(pod), false) = (args.pod.clone(), args.ports.is_empty()) else {
        return Err(Error::Help {
            command: "port-forward",
            message: None,
        });
    };
    let transport = args.transport.validate()?;
    let pairs = args
        .ports
        .iter()
        .map(|text| port_forward::parse_port(text).map_err(Error::Invalid))
        .collect::<Result<Vec<PortPair>>>()?;

    let mut runtime = context.connector.runtime().await?;
    let timeout = context.timeout();
    let connect_timeout = timeout.unwrap_or(Duration::from_secs(2));
    let remotes: Vec<i32> = pairs.iter().map(|pair| i32::from(pair.remote)).collect();
    // Over WebSocket this first call only checks the pod; each connection
    // makes its own.
    let url = forward_url(&mut runtime, &pod, remotes.clone(), timeout).await?;
    let session = match transport {
        Transport::Spdy => Some(port_forward::connect_spdy(&url, connect_timeout).await?),
        Transport::WebSocket => None,
    };

    let listeners = port_forward::listen(&pairs).await?;
    for listener in &listeners {
        let line = format!(
            "Forwarding from {} -> {}\n",
            listener.address, listener.remote
        );
        context
            .out
            .write_all(line.as_bytes())
            .map_err(|source| Error::io("writing output", source))?;
    }
    context
        .out
        .flush()
        .map_err(|source| Error::io("writing output", source))?;

    let mut tasks = JoinSet::new();
    let mut accepted = port_forward::accept_all(listeners, &mut tasks);
    if let Some(session) = session {
        port_forward::forward_spdy(session, accepted, &mut tasks).await?;
        return Ok(());
    }
    while let Some(connection) = accepted.recv().await {
        while tasks.try_join_next().is_some() {}
        port_forward::announce(connection.local);
        let mut runtime = runtime.clone();
        let pod = pod.clone();
        tasks.spawn(async move {
            let remote = i32::from(connection.remote);
            match forward_url(&mut runtime, &pod, vec![remote], timeout).await {
                Ok(url) => port_forward::forward_websocket(url, connection, connect_timeout).await,
                Err(error) => crate::diag::error(&format!(
                    "an error occurred forwarding {} -> {}: {error}",
                    connection.local, connection.remote
                )),
            }
        });
    }
    Ok(())
}

/// Makes the `PortForward` call and parses the URL it returns.
async fn forward_url(
    runtime: &mut RuntimeClient,
    pod: &str,
    ports: Vec<i32>,
    timeout: Option<Duration>,
) -> Result<StreamUrl> {
    let message = cri::PortForwardRequest {
        pod_sandbox_id: pod.to_owned(),
        port: ports,
    };
    let reply = call(timeout, runtime.port_forward(request(message, timeout)))
        .await
        .map_err(|status| Error::rpc(format!("starting port forwarding to pod {pod:?}"), status))?;
    Ok(StreamUrl::parse(&reply.url)?)
}
