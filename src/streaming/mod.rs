//! Exec, attach and port-forward streams to a CRI runtime's stream server,
//! over SPDY/3.1 (crictl's default) or WebSocket.
//!
//! The runtime returns a one-time URL from the `Exec`, `Attach` and
//! `PortForward` RPCs. The client upgrades an HTTP connection to that URL and then
//! speaks the Kubernetes channel protocols over it.

pub mod channels;
pub mod http;
pub mod port_forward;
pub mod remote_command;
pub mod spdy;
pub mod terminal;
pub mod url;
pub mod websocket;

use std::time::Duration;

pub use remote_command::{LocalIo, Outcome, RemoteCommand, StreamOptions};
pub use url::StreamUrl;

/// How to reach the stream server, from `--transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Spdy,
    WebSocket,
}

impl Transport {
    /// Parses a `--transport` value.
    pub fn parse(text: &str) -> Result<Transport, crate::error::Error> {
        match text {
            "spdy" => Ok(Transport::Spdy),
            "websocket" => Ok(Transport::WebSocket),
            other => Err(crate::error::Error::Invalid(format!(
                "invalid transport {other:?}: use spdy or websocket"
            ))),
        }
    }
}

/// A failure while streaming.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("invalid stream URL {url:?} from the runtime: {reason}")]
    Url { url: String, reason: String },

    #[error("cannot connect to the runtime's stream server at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: std::io::Error,
    },

    #[error("timed out {what} after {}", crate::godur::format(*.timeout))]
    TimedOut { what: String, timeout: Duration },

    #[error("the stream server at {url} refused the upgrade: {detail}")]
    Upgrade {
        url: String,
        status: u16,
        detail: String,
    },

    #[error("the runtime's stream server at {url} uses TLS, which crictl-rs does not support yet")]
    TlsUnsupported { url: String },

    #[error(transparent)]
    Spdy(#[from] spdy::SpdyError),

    #[error("the WebSocket connection failed: {0}")]
    WebSocket(String),

    #[error("the stream server did not accept the {stream} stream within {}", crate::godur::format(*.timeout))]
    StreamNotOpened {
        stream: &'static str,
        timeout: Duration,
    },

    #[error("the stream server refused the {stream} stream ({status})")]
    StreamRefused {
        stream: &'static str,
        status: &'static str,
    },

    #[error("the stream server reset the {stream} stream ({status}) before it ended")]
    StreamReset {
        stream: &'static str,
        status: &'static str,
    },

    #[error("the connection to the stream server ended before the command's exit status arrived")]
    NoStatus,

    #[error("{0}")]
    Remote(String),

    #[error("{action}: {source}")]
    Local {
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl From<StreamError> for crate::error::Error {
    fn from(error: StreamError) -> Self {
        match error {
            // Keep local I/O errors as I/O errors, so a closed stdout pipe
            // ends the command quietly as it does elsewhere.
            StreamError::Local { action, source } => crate::error::Error::io(action, source),
            other => crate::error::Error::Stream(Box::new(other)),
        }
    }
}
