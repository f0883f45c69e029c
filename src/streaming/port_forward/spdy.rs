//! Port forwarding over one SPDY session: a pair of streams per local
//! connection, and the loops that copy each connection's bytes.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::debug;

use super::{Accepted, MAX_BACKLOG, READ_CHUNK, announce, report};
use crate::streaming::channels::PORT_FORWARD;
use crate::streaming::spdy::{self, Session};
use crate::streaming::url::StreamUrl;
use crate::streaming::{StreamError, http};

/// Chunks queued towards one local connection.
const WRITE_QUEUE: usize = 16;
/// How often a SPDY keep-alive ping is sent.
const PING_PERIOD: Duration = Duration::from_secs(5);

/// Opens the SPDY connection for port forwarding.
pub async fn connect_spdy(
    url: &StreamUrl,
    timeout: Duration,
) -> Result<Session<TcpStream>, StreamError> {
    let upgraded = http::upgrade_spdy(url, &[PORT_FORWARD], timeout).await?;
    if upgraded.protocol.as_deref() != Some(PORT_FORWARD) {
        return Err(StreamError::Upgrade {
            url: url.to_string(),
            status: 101,
            detail: format!(
                "the server chose protocol {:?}, not {PORT_FORWARD}",
                upgraded.protocol.unwrap_or_default()
            ),
        });
    }
    Ok(Session::new(upgraded.stream, &upgraded.already_read)?)
}

/// An event from a local connection's reader.
enum LocalEvent {
    Data(u64, Bytes),
    Eof(u64),
}

/// A forwarded connection on the SPDY session.
struct Forwarded {
    local: u16,
    remote: u16,
    error_stream: u32,
    data_stream: u32,
    error_text: Vec<u8>,
    /// Sends to the local socket; dropped to close its write side.
    writer: Option<mpsc::Sender<Bytes>>,
    reader: tokio::task::AbortHandle,
    local_done: bool,
    remote_done: bool,
}

/// Forwards every accepted connection over one SPDY session until the
/// session ends, which is an error: the pod is no longer reachable.
pub async fn forward_spdy(
    mut session: Session<TcpStream>,
    mut accepted: mpsc::Receiver<Accepted>,
    tasks: &mut JoinSet<()>,
) -> Result<(), StreamError> {
    let (local_sender, mut local_events) = mpsc::channel::<LocalEvent>(64);
    let mut connections: HashMap<u64, Forwarded> = HashMap::new();
    let mut next_request: u64 = 0;
    let mut ping = tokio::time::interval_at(Instant::now() + PING_PERIOD, PING_PERIOD);

    loop {
        while tasks.try_join_next().is_some() {}
        let can_read_local = session.backlog() < MAX_BACKLOG;
        tokio::select! {
            event = session.next_event() => {
                match event? {
                    spdy::Event::Closed => {
                        return Err(StreamError::Remote(
                            "lost the connection to the pod's stream server".to_owned(),
                        ));
                    }
                    spdy::Event::GoAway { status } => debug!(status, "the stream server is going away"),
                    event => on_session_event(event, &mut connections).await,
                }
            }
            Some(connection) = accepted.recv() => {
                let request = next_request;
                next_request += 1;
                let forwarded = open_pair(&mut session, connection, request, &local_sender, tasks)?;
                connections.insert(request, forwarded);
            }
            Some(event) = local_events.recv(), if can_read_local => {
                on_local_event(event, &mut session, &mut connections)?;
            }
            _ = ping.tick() => session.ping()?,
        }
        connections.retain(|_, forwarded| {
            let done = forwarded.local_done && forwarded.remote_done;
            if done {
                forwarded.reader.abort();
            }
            !done
        });
    }
}

fn open_pair(
    session: &mut Session<TcpStream>,
    connection: Accepted,
    request: u64,
    local_sender: &mpsc::Sender<LocalEvent>,
    tasks: &mut JoinSet<()>,
) -> Result<Forwarded, StreamError> {
    announce(connection.local);
    let port = connection.remote.to_string();
    let request_id = request.to_string();
    let error_stream = session.open_stream(&[
        ("streamType", "error"),
        ("port", &port),
        ("requestID", &request_id),
    ])?;
    // The client never writes on the error stream.
    session.close_stream(error_stream)?;
    let data_stream = session.open_stream(&[
        ("streamType", "data"),
        ("port", &port),
        ("requestID", &request_id),
    ])?;

    let (read_half, write_half) = connection.stream.into_split();
    let reader = tasks.spawn(read_local(read_half, request, local_sender.clone()));
    let (writer, queue) = mpsc::channel(WRITE_QUEUE);
    tasks.spawn(write_local(write_half, queue));
    Ok(Forwarded {
        local: connection.local,
        remote: connection.remote,
        error_stream,
        data_stream,
        error_text: Vec::new(),
        writer: Some(writer),
        reader,
        local_done: false,
        remote_done: false,
    })
}

async fn on_session_event(event: spdy::Event, connections: &mut HashMap<u64, Forwarded>) {
    let stream_id = match &event {
        spdy::Event::Data { stream_id, .. }
        | spdy::Event::End { stream_id }
        | spdy::Event::Reset { stream_id, .. }
        | spdy::Event::Reply { stream_id } => *stream_id,
        spdy::Event::GoAway { .. } | spdy::Event::Closed => return,
    };
    let Some(forwarded) = connections
        .values_mut()
        .find(|f| f.data_stream == stream_id || f.error_stream == stream_id)
    else {
        return;
    };
    let on_error_stream = forwarded.error_stream == stream_id;
    match event {
        spdy::Event::Data { payload, .. } if on_error_stream => {
            forwarded.error_text.extend_from_slice(&payload);
        }
        spdy::Event::Data { payload, .. } => {
            if let Some(writer) = &forwarded.writer {
                // Waiting here holds up the session while this local
                // client is slow to read, which is how the server is made
                // to wait too: SPDY flow control is not used.
                if writer.send(payload).await.is_err() {
                    forwarded.writer = None;
                }
            }
        }
        spdy::Event::End { .. } | spdy::Event::Reset { .. }
            if on_error_stream && !forwarded.error_text.is_empty() =>
        {
            let text = String::from_utf8_lossy(&forwarded.error_text).into_owned();
            report(forwarded.local, forwarded.remote, &text);
            close_connection(forwarded);
        }
        spdy::Event::End { .. } | spdy::Event::Reset { .. } if on_error_stream => {}
        spdy::Event::End { .. } => {
            // The pod side finished sending; close our write side.
            forwarded.writer = None;
            forwarded.remote_done = true;
        }
        spdy::Event::Reset { status, .. } => {
            if status != spdy::frame::CANCEL {
                report(
                    forwarded.local,
                    forwarded.remote,
                    &format!(
                        "the server reset the stream ({})",
                        spdy::frame::reset_status_name(status)
                    ),
                );
            }
            close_connection(forwarded);
        }
        _ => {}
    }
}

fn close_connection(forwarded: &mut Forwarded) {
    forwarded.writer = None;
    forwarded.reader.abort();
    forwarded.local_done = true;
    forwarded.remote_done = true;
}

fn on_local_event(
    event: LocalEvent,
    session: &mut Session<TcpStream>,
    connections: &mut HashMap<u64, Forwarded>,
) -> Result<(), StreamError> {
    match event {
        LocalEvent::Data(request, bytes) => {
            if let Some(forwarded) = connections.get(&request) {
                session.send_data(forwarded.data_stream, &bytes, false)?;
            }
        }
        LocalEvent::Eof(request) => {
            if let Some(forwarded) = connections.get_mut(&request) {
                session.close_stream(forwarded.data_stream)?;
                forwarded.local_done = true;
            }
        }
    }
    Ok(())
}

async fn read_local(mut socket: OwnedReadHalf, request: u64, events: mpsc::Sender<LocalEvent>) {
    let mut buffer = vec![0u8; READ_CHUNK];
    loop {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => {
                let _ = events.send(LocalEvent::Eof(request)).await;
                return;
            }
            Ok(read) => {
                let chunk = Bytes::copy_from_slice(&buffer[..read]);
                if events.send(LocalEvent::Data(request, chunk)).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn write_local(mut socket: OwnedWriteHalf, mut queue: mpsc::Receiver<Bytes>) {
    while let Some(chunk) = queue.recv().await {
        if socket.write_all(&chunk).await.is_err() {
            return;
        }
    }
    let _ = socket.shutdown().await;
}
