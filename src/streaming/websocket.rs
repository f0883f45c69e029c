//! The WebSocket transport: binary messages whose first byte is the
//! channel number, as CRI streaming servers speak under
//! `v4.channel.k8s.io` and future servers under `v5.channel.k8s.io`.
//!
//! Like the SPDY session, the connection is driven from one place:
//! [`WsWire::next_event`] sends queued messages while it waits for the next
//! incoming one, so a stuck send never stops output from being read.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Sink, Stream};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tracing::debug;

use super::StreamError;
use super::channels::CLOSE;
use super::http::dial;
use super::url::StreamUrl;

/// An event on the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsEvent {
    Data {
        channel: u8,
        payload: Bytes,
    },
    /// The server half-closed a channel (v5 only).
    ChannelClosed {
        channel: u8,
    },
    /// The socket is closed; every later call returns this again.
    Closed,
}

/// An open WebSocket connection to a stream server.
pub struct WsWire {
    socket: WebSocketStream<TcpStream>,
    /// The subprotocol the server chose.
    pub protocol: Option<String>,
    queue: VecDeque<Message>,
    queued_bytes: usize,
    needs_flush: bool,
    closed: bool,
    write_failed: bool,
}

/// Opens a WebSocket to `url`, offering `protocols` in one
/// `Sec-WebSocket-Protocol` header.
pub async fn connect(
    url: &StreamUrl,
    protocols: &[&str],
    timeout: Duration,
) -> Result<WsWire, StreamError> {
    let stream = dial(url, timeout).await?;
    let mut request = url
        .websocket()
        .into_client_request()
        .map_err(|error| StreamError::Url {
            url: url.to_string(),
            reason: error.to_string(),
        })?;
    let offered =
        HeaderValue::from_str(&protocols.join(", ")).map_err(|error| StreamError::Url {
            url: url.to_string(),
            reason: error.to_string(),
        })?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", offered);

    let handshake = tokio_tungstenite::client_async(request, stream);
    let (socket, response) = match tokio::time::timeout(timeout, handshake).await {
        Ok(Ok(pair)) => pair,
        Ok(Err(error)) => return Err(handshake_error(url, error)),
        Err(_) => {
            return Err(StreamError::TimedOut {
                what: format!("opening a WebSocket to {url}"),
                timeout,
            });
        }
    };
    let protocol = response
        .headers()
        .get("Sec-WebSocket-Protocol")
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().to_owned());
    debug!(protocol = ?protocol, "WebSocket open");
    Ok(WsWire {
        socket,
        protocol,
        queue: VecDeque::new(),
        queued_bytes: 0,
        needs_flush: false,
        closed: false,
        write_failed: false,
    })
}

fn handshake_error(url: &StreamUrl, error: tungstenite::Error) -> StreamError {
    match error {
        tungstenite::Error::Http(response) => {
            let status = response.status();
            let body = response
                .body()
                .as_deref()
                .map(|body| String::from_utf8_lossy(body).trim().to_owned())
                .unwrap_or_default();
            let mut detail = status.to_string();
            if status.as_u16() == 403 {
                detail.push_str(" (the server accepts none of the offered subprotocols)");
            }
            if status.as_u16() == 404 {
                detail.push_str(" (the stream token is unknown or expired; tokens are single-use and last one minute)");
            }
            if !body.is_empty() {
                detail.push_str(&format!(": {body}"));
            }
            StreamError::Upgrade {
                url: url.to_string(),
                status: status.as_u16(),
                detail,
            }
        }
        tungstenite::Error::Io(source) => StreamError::Connect {
            url: url.to_string(),
            source,
        },
        other => StreamError::Upgrade {
            url: url.to_string(),
            status: 0,
            detail: other.to_string(),
        },
    }
}

impl WsWire {
    /// Queues `payload` on `channel`.
    pub fn send(&mut self, channel: u8, payload: &[u8]) {
        if self.write_failed {
            return;
        }
        let mut message = Vec::with_capacity(payload.len() + 1);
        message.push(channel);
        message.extend_from_slice(payload);
        self.queued_bytes += message.len();
        self.queue.push_back(Message::Binary(message.into()));
    }

    /// Queues the v5 half-close of `channel`.
    pub fn close_channel(&mut self, channel: u8) {
        self.send(CLOSE, &[channel]);
    }

    /// Bytes queued and not yet handed to the socket.
    pub fn backlog(&self) -> usize {
        self.queued_bytes
    }

    /// Waits for the next event, sending queued messages meanwhile. Cancel
    /// safe: a message is either returned or stays with the socket.
    pub async fn next_event(&mut self) -> Result<WsEvent, StreamError> {
        poll_fn(|cx| self.poll_event(cx)).await
    }

    /// Sends what is queued, then a close frame, and waits briefly for the
    /// server to finish the closing handshake.
    pub async fn close(&mut self) {
        if self.closed || self.write_failed {
            return;
        }
        self.queue.push_back(Message::Close(Some(CloseFrame {
            code: tungstenite::protocol::frame::coding::CloseCode::Normal,
            reason: "".into(),
        })));
        let drain =
            async { while !matches!(self.next_event().await, Ok(WsEvent::Closed) | Err(_)) {} };
        let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Result<WsEvent, StreamError>> {
        loop {
            if self.closed {
                return Poll::Ready(Ok(WsEvent::Closed));
            }
            self.poll_send(cx);
            let message = match Pin::new(&mut self.socket).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    self.closed = true;
                    continue;
                }
                Poll::Ready(Some(Ok(message))) => message,
                Poll::Ready(Some(Err(error))) => {
                    self.closed = true;
                    if is_plain_close(&error) {
                        continue;
                    }
                    return Poll::Ready(Err(StreamError::WebSocket(error.to_string())));
                }
            };
            match message {
                Message::Binary(data) => {
                    let Some((&channel, payload)) = data.split_first() else {
                        continue;
                    };
                    if channel == CLOSE {
                        if let Some(&closed) = payload.first() {
                            return Poll::Ready(Ok(WsEvent::ChannelClosed { channel: closed }));
                        }
                        continue;
                    }
                    // The server opens with an empty message on its first
                    // writable channel; it carries nothing.
                    if payload.is_empty() {
                        continue;
                    }
                    return Poll::Ready(Ok(WsEvent::Data {
                        channel,
                        payload: data.slice(1..),
                    }));
                }
                Message::Close(_) => {
                    self.closed = true;
                }
                // Text is only used by the base64 protocols, which are
                // never offered. tungstenite replies to pings itself.
                Message::Text(_) | Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
            }
        }
    }

    fn poll_send(&mut self, cx: &mut Context<'_>) {
        while !self.queue.is_empty() && !self.write_failed {
            match Pin::new(&mut self.socket).poll_ready(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(error)) => return self.fail_writes(&error),
                Poll::Pending => return,
            }
            let Some(message) = self.queue.pop_front() else {
                break;
            };
            self.queued_bytes = self.queued_bytes.saturating_sub(message.len());
            if let Err(error) = Pin::new(&mut self.socket).start_send(message) {
                return self.fail_writes(&error);
            }
            self.needs_flush = true;
        }
        if self.needs_flush && !self.write_failed {
            match Pin::new(&mut self.socket).poll_flush(cx) {
                Poll::Ready(Ok(())) => self.needs_flush = false,
                Poll::Ready(Err(error)) => self.fail_writes(&error),
                Poll::Pending => {}
            }
        }
    }

    fn fail_writes(&mut self, error: &tungstenite::Error) {
        debug!(%error, "sending on the WebSocket failed; dropping queued messages");
        self.write_failed = true;
        self.queue.clear();
        self.queued_bytes = 0;
    }
}

/// Checks whether a read error only means that the peer closed the
/// connection.
fn is_plain_close(error: &tungstenite::Error) -> bool {
    matches!(
        error,
        tungstenite::Error::ConnectionClosed
            | tungstenite::Error::AlreadyClosed
            | tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake
            )
    )
}
