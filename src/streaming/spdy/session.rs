//! The client side of one SPDY connection: stream IDs, the outgoing frame
//! queue and the incoming frames, reduced to [`Event`]s.
//!
//! Nothing here blocks on writing: frames are queued, and
//! [`Session::next_event`] writes the queue while it waits for the next
//! incoming frame. A client that stopped reading while its write is stuck
//! would deadlock against a server that is itself stuck writing output to
//! it, as happens when `cat` echoes a large input.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tracing::debug;

use super::SpdyError;
use super::frame::{self, Frame, MAX_PAYLOAD};
use super::header_block::{HeaderDecoder, HeaderEncoder};

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;

/// An event on the connection, one frame at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The server accepted a stream the client opened.
    Reply {
        stream_id: u32,
    },
    Data {
        stream_id: u32,
        payload: Bytes,
    },
    /// The server will send nothing more on the stream (FIN).
    End {
        stream_id: u32,
    },
    /// The server reset the stream with an RST_STREAM status code.
    Reset {
        stream_id: u32,
        status: u32,
    },
    /// The server is going away; streams above the last one it processed
    /// were not.
    GoAway {
        status: u32,
    },
    /// The connection is closed; every later call returns this again.
    Closed,
}

/// The client side of a SPDY connection over `S`.
pub struct Session<S> {
    io: S,
    read_buffer: BytesMut,
    scratch: Box<[u8]>,
    out: BytesMut,
    encoder: HeaderEncoder,
    decoder: HeaderDecoder,
    pending: VecDeque<Event>,
    next_stream_id: u32,
    next_ping_id: u32,
    read_closed: bool,
    write_failed: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<S> {
    /// Starts a session on an upgraded connection; `already_read` contains
    /// bytes read past the HTTP response.
    pub fn new(io: S, already_read: &[u8]) -> Result<Self, SpdyError> {
        Ok(Session {
            io,
            read_buffer: BytesMut::from(already_read),
            scratch: vec![0; READ_CHUNK].into_boxed_slice(),
            out: BytesMut::new(),
            encoder: HeaderEncoder::new()?,
            decoder: HeaderDecoder::new(),
            pending: VecDeque::new(),
            // Clients use odd stream and ping IDs.
            next_stream_id: 1,
            next_ping_id: 1,
            read_closed: false,
            write_failed: false,
        })
    }

    /// Queues a SYN_STREAM with `headers` and returns the new stream's ID.
    pub fn open_stream(&mut self, headers: &[(&str, &str)]) -> Result<u32, SpdyError> {
        let stream_id = self.next_stream_id;
        if stream_id > 0x7fff_ffff {
            return Err(SpdyError::Protocol("stream IDs exhausted".to_owned()));
        }
        self.next_stream_id += 2;
        let headers = headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        self.queue(&Frame::SynStream {
            stream_id,
            fin: false,
            headers,
        })?;
        Ok(stream_id)
    }

    /// Queues `data` on a stream, with FIN on the last frame when `fin`.
    pub fn send_data(&mut self, stream_id: u32, data: &[u8], fin: bool) -> Result<(), SpdyError> {
        let mut chunks = data.chunks(MAX_PAYLOAD).peekable();
        if chunks.peek().is_none() {
            return self.queue(&Frame::Data {
                stream_id,
                fin,
                payload: Bytes::new(),
            });
        }
        while let Some(chunk) = chunks.next() {
            let last = chunks.peek().is_none();
            self.queue(&Frame::Data {
                stream_id,
                fin: fin && last,
                payload: Bytes::copy_from_slice(chunk),
            })?;
        }
        Ok(())
    }

    /// Queues a FIN on a stream: the client sends nothing more on it.
    pub fn close_stream(&mut self, stream_id: u32) -> Result<(), SpdyError> {
        self.send_data(stream_id, &[], true)
    }

    /// Queues an RST_STREAM.
    pub fn reset(&mut self, stream_id: u32, status: u32) -> Result<(), SpdyError> {
        self.queue(&Frame::RstStream { stream_id, status })
    }

    /// Queues a keep-alive PING.
    pub fn ping(&mut self) -> Result<(), SpdyError> {
        let id = self.next_ping_id;
        self.next_ping_id = self.next_ping_id.wrapping_add(2) | 1;
        self.queue(&Frame::Ping { id })
    }

    /// Bytes queued and not yet written.
    pub fn backlog(&self) -> usize {
        self.out.len()
    }

    /// Puts events back in front of the queue, for a caller that read
    /// ahead while it waited for a particular event.
    pub fn push_back_events(&mut self, events: Vec<Event>) {
        for event in events.into_iter().rev() {
            self.pending.push_front(event);
        }
    }

    /// Waits for the next event, writing queued frames meanwhile. Cancel
    /// safe: a frame is either returned or stays buffered.
    pub async fn next_event(&mut self) -> Result<Event, SpdyError> {
        poll_fn(|cx| self.poll_event(cx)).await
    }

    /// Writes every queued frame.
    pub async fn flush(&mut self) -> Result<(), SpdyError> {
        poll_fn(|cx| self.poll_write_queue(cx)).await?;
        if self.write_failed {
            return Ok(());
        }
        self.io.flush().await?;
        Ok(())
    }

    /// Writes the queue and closes the write side of the connection.
    pub async fn shutdown(&mut self) -> Result<(), SpdyError> {
        self.flush().await?;
        if !self.write_failed {
            self.io.shutdown().await?;
        }
        Ok(())
    }

    fn queue(&mut self, frame: &Frame) -> Result<(), SpdyError> {
        if self.write_failed {
            return Ok(());
        }
        frame::encode(frame, &mut self.encoder, &mut self.out)
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Result<Event, SpdyError>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Poll::Ready(Ok(event));
            }
            // Queued frames are written here too, but a pending write
            // does not keep the read below from running.
            if let Poll::Ready(Err(error)) = self.poll_write_queue(cx) {
                return Poll::Ready(Err(error));
            }
            if let Some(frame) = frame::decode(&mut self.read_buffer, &mut self.decoder)? {
                self.handle(frame)?;
                continue;
            }
            if self.read_closed {
                return Poll::Ready(Ok(Event::Closed));
            }
            let mut buffer = ReadBuf::new(&mut self.scratch);
            ready!(Pin::new(&mut self.io).poll_read(cx, &mut buffer))?;
            if buffer.filled().is_empty() {
                self.read_closed = true;
                if !self.read_buffer.is_empty() {
                    debug!(
                        bytes = self.read_buffer.len(),
                        "connection closed inside a frame"
                    );
                }
            } else {
                self.read_buffer.extend_from_slice(buffer.filled());
            }
        }
    }

    fn poll_write_queue(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), SpdyError>> {
        while !self.out.is_empty() && !self.write_failed {
            match Pin::new(&mut self.io).poll_write(cx, &self.out) {
                Poll::Ready(Ok(0)) => self.fail_writes("the connection accepted no more bytes"),
                Poll::Ready(Ok(written)) => self.out.advance(written),
                // The server may have closed its side while output is still
                // in flight towards us; keep reading it.
                Poll::Ready(Err(error)) => self.fail_writes(&error.to_string()),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    fn fail_writes(&mut self, reason: &str) {
        debug!(
            reason,
            "writing to the stream connection failed; dropping queued frames"
        );
        self.write_failed = true;
        self.out.clear();
    }

    fn handle(&mut self, frame: Frame) -> Result<(), SpdyError> {
        match frame {
            Frame::SynReply { stream_id, fin, .. } => {
                self.pending.push_back(Event::Reply { stream_id });
                if fin {
                    self.pending.push_back(Event::End { stream_id });
                }
            }
            Frame::Data {
                stream_id,
                fin,
                payload,
            } => {
                if !payload.is_empty() {
                    self.pending.push_back(Event::Data { stream_id, payload });
                }
                if fin {
                    self.pending.push_back(Event::End { stream_id });
                }
            }
            Frame::Headers { stream_id, fin } => {
                if fin {
                    self.pending.push_back(Event::End { stream_id });
                }
            }
            Frame::RstStream { stream_id, status } => {
                self.pending.push_back(Event::Reset { stream_id, status });
            }
            Frame::Ping { id } => {
                // Even IDs come from the server and must be echoed. Odd
                // IDs are replies to our own pings.
                if id % 2 == 0 {
                    self.queue(&Frame::Ping { id })?;
                }
            }
            Frame::GoAway { status, .. } => {
                self.pending.push_back(Event::GoAway { status });
            }
            Frame::SynStream { stream_id, .. } => {
                // The streaming protocols never push streams to the client.
                self.queue(&Frame::RstStream {
                    stream_id,
                    status: frame::REFUSED_STREAM,
                })?;
            }
            Frame::Ignored => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streaming::spdy::header_block::header;

    /// The server end of a duplex pipe, speaking raw frames.
    struct Peer {
        io: tokio::io::DuplexStream,
        encoder: HeaderEncoder,
        decoder: HeaderDecoder,
        buffer: BytesMut,
    }

    impl Peer {
        async fn read_frame(&mut self) -> Frame {
            use tokio::io::AsyncReadExt;
            loop {
                if let Some(frame) = frame::decode(&mut self.buffer, &mut self.decoder).unwrap() {
                    return frame;
                }
                let read = self.io.read_buf(&mut self.buffer).await.unwrap();
                assert!(read > 0, "client closed the connection");
            }
        }

        async fn write_frame(&mut self, frame: Frame) {
            let mut out = BytesMut::new();
            frame::encode(&frame, &mut self.encoder, &mut out).unwrap();
            self.io.write_all(&out).await.unwrap();
        }
    }

    fn pair() -> (Session<tokio::io::DuplexStream>, Peer) {
        let (client, server) = tokio::io::duplex(1 << 20);
        let session = Session::new(client, &[]).unwrap();
        let peer = Peer {
            io: server,
            encoder: HeaderEncoder::new().unwrap(),
            decoder: HeaderDecoder::new(),
            buffer: BytesMut::new(),
        };
        (session, peer)
    }

    #[tokio::test]
    async fn stream_opens_with_headers() {
        let (mut session, mut peer) = pair();
        let id = session.open_stream(&[("streamType", "stdout")]).unwrap();
        session.flush().await.unwrap();
        let Frame::SynStream {
            stream_id, headers, ..
        } = peer.read_frame().await
        else {
            panic!("expected SYN_STREAM");
        };
        assert_eq!(stream_id, id);
        assert_eq!(header(&headers, "streamtype"), Some("stdout"));
    }

    #[tokio::test]
    async fn stream_ids_are_odd_and_rising() {
        let (mut session, _peer) = pair();
        let first = session.open_stream(&[]).unwrap();
        let second = session.open_stream(&[]).unwrap();
        assert_eq!((first, second), (1, 3));
    }

    #[tokio::test]
    async fn server_ping_echoed() {
        let (mut session, mut peer) = pair();
        peer.write_frame(Frame::Ping { id: 2 }).await;
        peer.write_frame(Frame::GoAway {
            last_stream_id: 0,
            status: 0,
        })
        .await;
        assert_eq!(
            session.next_event().await.unwrap(),
            Event::GoAway { status: 0 }
        );
        session.flush().await.unwrap();
        assert_eq!(peer.read_frame().await, Frame::Ping { id: 2 });
    }

    #[tokio::test]
    async fn data_with_fin_ends_stream() {
        let (mut session, mut peer) = pair();
        peer.write_frame(Frame::Data {
            stream_id: 1,
            fin: true,
            payload: Bytes::from_static(b"out"),
        })
        .await;
        assert_eq!(
            session.next_event().await.unwrap(),
            Event::Data {
                stream_id: 1,
                payload: Bytes::from_static(b"out")
            }
        );
        assert_eq!(
            session.next_event().await.unwrap(),
            Event::End { stream_id: 1 }
        );
    }

    #[tokio::test]
    async fn closed_connection_reported() {
        let (mut session, peer) = pair();
        drop(peer);
        assert_eq!(session.next_event().await.unwrap(), Event::Closed);
        assert_eq!(session.next_event().await.unwrap(), Event::Closed);
    }

    #[tokio::test]
    async fn pushed_stream_refused() {
        let (mut session, mut peer) = pair();
        peer.write_frame(Frame::SynStream {
            stream_id: 2,
            fin: false,
            headers: Vec::new(),
        })
        .await;
        drop(peer.io.write_all(b"").await);
        peer.write_frame(Frame::GoAway {
            last_stream_id: 0,
            status: 0,
        })
        .await;
        session.next_event().await.unwrap();
        session.flush().await.unwrap();
        assert_eq!(
            peer.read_frame().await,
            Frame::RstStream {
                stream_id: 2,
                status: frame::REFUSED_STREAM
            }
        );
    }
}
