//! A small SPDY/3.1 client, enough for the Kubernetes streaming protocols:
//! streams are opened with SYN_STREAM and accepted with SYN_REPLY, carry
//! DATA frames, end with FIN or RST_STREAM, and the connection echoes
//! PING and ends on GOAWAY. The Go peer (moby/spdystream) ignores flow
//! control, so WINDOW_UPDATE and SETTINGS are read and dropped.

pub mod dictionary;
pub mod frame;
pub mod header_block;
mod session;

pub use session::{Event, Session};

/// A failure of the SPDY layer.
#[derive(Debug, thiserror::Error)]
pub enum SpdyError {
    #[error("SPDY protocol error: {0}")]
    Protocol(String),

    #[error("SPDY header compression failed: {0}")]
    Compression(String),

    #[error("the stream connection failed: {0}")]
    Io(#[from] std::io::Error),
}
