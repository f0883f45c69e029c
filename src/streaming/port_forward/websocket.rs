//! Port forwarding over WebSocket: one socket per local connection, with
//! the data on channel 0 and errors on channel 1.

use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::{Accepted, MAX_BACKLOG, READ_CHUNK, report};
use crate::streaming::StreamError;
use crate::streaming::url::StreamUrl;
use crate::streaming::websocket::{self, WsEvent};

/// Channel numbers of the first (and only) port on a WebSocket.
const WS_DATA: u8 = 0;
const WS_ERROR: u8 = 1;
/// Protocol offered for WebSocket port-forward; CRI servers accept only
/// v4 (or none) here.
const WS_PROTOCOLS: [&str; 1] = [crate::streaming::channels::V4];
/// After the local side ends on a WebSocket, which cannot pass that on,
/// the socket is closed once the pod side has been quiet this long.
const WS_INPUT_GRACE: Duration = Duration::from_secs(1);

/// Forwards one local connection over its own WebSocket to `url`.
/// Failures are reported on stderr and close only this connection.
pub async fn forward_websocket(url: StreamUrl, connection: Accepted, timeout: Duration) {
    let (local, remote) = (connection.local, connection.remote);
    if let Err(error) = copy_websocket(&url, connection.stream, remote, timeout).await {
        report(local, remote, &error.to_string());
    }
}

async fn copy_websocket(
    url: &StreamUrl,
    stream: TcpStream,
    remote: u16,
    timeout: Duration,
) -> Result<(), StreamError> {
    let mut socket = websocket::connect(url, &WS_PROTOCOLS, timeout).await?;
    let (mut read_half, mut write_half) = stream.into_split();
    let mut buffer = vec![0u8; READ_CHUNK];
    let mut local_open = true;
    let mut quiet_deadline: Option<Instant> = None;
    // Each channel starts with the port number, two bytes little-endian.
    let mut prefix_pending = [true, true];
    let mut error_text = Vec::new();

    loop {
        let can_read = local_open && socket.backlog() < MAX_BACKLOG;
        tokio::select! {
            event = socket.next_event() => match event? {
                WsEvent::Data { channel, payload } => {
                    let Some(pending) = prefix_pending.get_mut(usize::from(channel)) else {
                        continue;
                    };
                    let payload = if *pending {
                        *pending = false;
                        strip_port_prefix(&payload, remote)?
                    } else {
                        payload
                    };
                    if payload.is_empty() {
                        continue;
                    }
                    if channel == WS_ERROR {
                        error_text.extend_from_slice(&payload);
                        break;
                    }
                    if channel == WS_DATA {
                        if quiet_deadline.is_some() {
                            quiet_deadline = Some(Instant::now() + WS_INPUT_GRACE);
                        }
                        write_half.write_all(&payload).await.map_err(|source| StreamError::Local {
                            action: "writing to the local connection",
                            source,
                        })?;
                    }
                }
                WsEvent::ChannelClosed { .. } => {}
                WsEvent::Closed => break,
            },
            read = read_half.read(&mut buffer), if can_read => match read {
                Ok(0) | Err(_) => {
                    local_open = false;
                    quiet_deadline = Some(Instant::now() + WS_INPUT_GRACE);
                }
                Ok(count) => socket.send(WS_DATA, &buffer[..count]),
            },
            () = sleep_until(quiet_deadline), if quiet_deadline.is_some() => break,
        }
    }
    socket.close().await;
    let _ = write_half.shutdown().await;
    if error_text.is_empty() {
        Ok(())
    } else {
        Err(StreamError::Remote(
            String::from_utf8_lossy(&error_text).into_owned(),
        ))
    }
}

/// Removes the 2-byte port that opens each WebSocket port-forward channel.
pub(super) fn strip_port_prefix(payload: &Bytes, remote: u16) -> Result<Bytes, StreamError> {
    if payload.len() < 2 {
        return Err(StreamError::Remote(format!(
            "the stream server opened the channel with {} bytes, not the 2-byte port",
            payload.len()
        )));
    }
    let port = u16::from_le_bytes([payload[0], payload[1]]);
    if port != remote {
        return Err(StreamError::Remote(format!(
            "the stream server opened the channel for port {port}, not {remote}"
        )));
    }
    Ok(payload.slice(2..))
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
