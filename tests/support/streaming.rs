//! A fake stream server for exec, attach and port-forward on 127.0.0.1,
//! speaking SPDY/3.1 and WebSocket the way CRI runtimes serve them
//! (k8s.io/cri-streaming, as vendored by containerd and CRI-O):
//!
//! - SPDY: `X-Stream-Protocol-Version` negotiation (v4 down to
//!   `channel.k8s.io`, `portforward.k8s.io` under `/portforward/`), one
//!   stream per channel, the status JSON on the error stream, then every
//!   stream reset, GOAWAY and close.
//! - WebSocket: the first offered subprotocol the server accepts wins, and
//!   403 when none is. `v5.channel.k8s.io` is not accepted, as no released
//!   runtime accepts it. The server opens with an empty message on stdout
//!   (the 1-byte frame `[1]`). Port-forward channels open with the port as
//!   two bytes little-endian on both channels of the pair.
//!
//! Faults: the status before the output, a stream that never opens, and a
//! stream reset in the middle of the output.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use crictl_rs::streaming::spdy::frame::{self, Frame};
use crictl_rs::streaming::spdy::header_block::{HeaderDecoder, HeaderEncoder, header};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};

/// Remote-command protocols accepted over SPDY.
const SPDY_EXEC: [&str; 4] = [
    "v4.channel.k8s.io",
    "v3.channel.k8s.io",
    "v2.channel.k8s.io",
    "channel.k8s.io",
];
/// Subprotocols accepted over WebSocket for exec and attach.
const WS_EXEC: [&str; 4] = [
    "channel.k8s.io",
    "base64.channel.k8s.io",
    "v4.channel.k8s.io",
    "v4.base64.channel.k8s.io",
];
/// Subprotocols accepted over WebSocket for port-forward.
const WS_PORT_FORWARD: [&str; 2] = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io"];

/// RST_STREAM status for an internal error.
const INTERNAL_ERROR: u32 = 6;

/// How the command ends, as the status channel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusReply {
    Success,
    /// A non-zero exit, in the short form of current servers.
    Exit(u8),
    /// A non-zero exit, in the full `metav1.Status` form of older servers.
    ExitFull(u8),
    /// A failure other than an exit status.
    Internal(String),
}

impl StatusReply {
    pub fn json(&self) -> String {
        match self {
            StatusReply::Success => r#"{"status":"Success"}"#.to_owned(),
            StatusReply::Exit(code) => format!(
                r#"{{"status":"Failure","message":"command terminated with non-zero exit code: exit status {code}","reason":"NonZeroExitCode","details":{{"causes":[{{"reason":"ExitCode","message":"{code}"}}]}}}}"#
            ),
            StatusReply::ExitFull(code) => format!(
                r#"{{"metadata":{{}},"status":"Failure","message":"command terminated with non-zero exit code: exit status {code}","reason":"NonZeroExitCode","details":{{"causes":[{{"reason":"ExitCode","message":"{code}"}}]}}}}"#
            ),
            StatusReply::Internal(message) => format!(
                r#"{{"metadata":{{}},"status":"Failure","message":"Internal error occurred: {message}","reason":"InternalError","details":{{"causes":[{{"message":"{message}"}}]}},"code":500}}"#
            ),
        }
    }
}

/// What the fake does once the streams are open.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Writes `stdout` and `stderr`, then the status; with `status_first`
    /// the status goes out before the output.
    Output {
        stdout: Vec<u8>,
        stderr: Vec<u8>,
        status: StatusReply,
        status_first: bool,
    },
    /// Echoes stdin to stdout until stdin ends, then reports success.
    Cat,
    /// Accepts the upgrade but never replies to a SYN_STREAM.
    NeverReply,
    /// Writes part of the output, resets the stdout stream and closes the
    /// connection without a status.
    ResetMidCopy,
    /// Port-forward: echoes each connection's bytes in upper case. A
    /// connection to `fail_port` gets an error message instead. Over
    /// WebSocket the one forwarded port is `port`.
    Echo { port: u16, fail_port: Option<u16> },
}

/// What the server saw on one connection.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// `spdy/3.1` or `websocket`.
    pub upgrade: String,
    /// Each `X-Stream-Protocol-Version` value, or the raw
    /// `Sec-WebSocket-Protocol` header as one entry.
    pub offered: Vec<String>,
    pub chosen: Option<String>,
    /// Headers of each SPDY stream the client opened, in order.
    pub streams: Vec<Vec<(String, String)>>,
    pub stdin: Vec<u8>,
    /// Whether the client half-closed stdin (SPDY FIN or WebSocket v5
    /// `[255, 0]`).
    pub stdin_closed: bool,
    pub resizes: Vec<String>,
}

/// A running fake stream server. Dropping it stops the server.
pub struct StreamServer {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl StreamServer {
    /// Starts a server with `behaviour` on a free port.
    pub fn start(behaviour: Behaviour) -> StreamServer {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (shutdown, stop) = oneshot::channel::<()>();
        let (bound, ready) = std::sync::mpsc::channel();
        let server_seen = Arc::clone(&seen);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("build the stream server's runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let port = listener.local_addr().expect("local address").port();
                bound.send(port).expect("report the port");
                let serve = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let seen = Arc::clone(&server_seen);
                        let behaviour = behaviour.clone();
                        tokio::spawn(async move {
                            serve_connection(stream, behaviour, seen).await;
                        });
                    }
                };
                tokio::select! {
                    () = serve => {}
                    _ = stop => {}
                }
            });
        });
        let port = ready.recv().expect("the stream server did not start");
        StreamServer {
            port,
            seen,
            shutdown: Some(shutdown),
        }
    }

    /// Returns the absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Returns what the server saw on each connection so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Drop for StreamServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

fn record(seen: &Arc<Mutex<Vec<Seen>>>, index: usize, change: impl FnOnce(&mut Seen)) {
    let mut all = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(entry) = all.get_mut(index) {
        change(entry);
    }
}

async fn serve_connection(stream: TcpStream, behaviour: Behaviour, seen: Arc<Mutex<Vec<Seen>>>) {
    // Look at the request head without taking it off the socket, so the
    // WebSocket handshake can read it again.
    let mut peeked = vec![0u8; 8192];
    let head = loop {
        let Ok(count) = stream.peek(&mut peeked).await else {
            return;
        };
        if count == 0 {
            return;
        }
        if let Some(end) = peeked[..count].windows(4).position(|w| w == b"\r\n\r\n") {
            break String::from_utf8_lossy(&peeked[..end]).into_owned();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut words = request_line.split(' ');
    let method = words.next().unwrap_or_default().to_owned();
    let path = words.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let upgrade = headers
        .iter()
        .find(|(name, _)| name == "upgrade")
        .map(|(_, value)| value.to_ascii_lowercase())
        .unwrap_or_default();
    let index = {
        let mut all = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        all.push(Seen {
            method,
            path: path.clone(),
            upgrade: upgrade.clone(),
            ..Seen::default()
        });
        all.len() - 1
    };
    let port_forward = path.starts_with("/portforward/");
    if upgrade == "websocket" {
        serve_websocket(stream, behaviour, seen, index, port_forward).await;
    } else {
        let offered: Vec<String> = headers
            .iter()
            .filter(|(name, _)| name == "x-stream-protocol-version")
            .map(|(_, value)| value.clone())
            .collect();
        serve_spdy(stream, behaviour, seen, index, port_forward, offered).await;
    }
}

// ---------------------------------------------------------------- SPDY

async fn serve_spdy(
    mut stream: TcpStream,
    behaviour: Behaviour,
    seen: Arc<Mutex<Vec<Seen>>>,
    index: usize,
    port_forward: bool,
    offered: Vec<String>,
) {
    // Take the request head off the socket.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read_exact(&mut byte).await.is_err() {
            return;
        }
        head.push(byte[0]);
    }
    let accepted: Vec<&str> = if port_forward {
        vec!["portforward.k8s.io"]
    } else {
        SPDY_EXEC.to_vec()
    };
    let chosen = offered
        .iter()
        .find(|offer| accepted.contains(&offer.as_str()))
        .cloned();
    record(&seen, index, |entry| {
        entry.offered = offered.clone();
        entry.chosen = chosen.clone();
    });
    let Some(chosen) = chosen else {
        let body = "unable to upgrade: unable to negotiate protocol";
        let response = format!(
            "HTTP/1.1 403 Forbidden\r\nX-Accepted-Stream-Protocol-Versions: {}\r\nContent-Length: {}\r\n\r\n{body}",
            accepted.join(", "),
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        return;
    };
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: {chosen}\r\n\r\n"
    );
    if stream.write_all(response.as_bytes()).await.is_err() {
        return;
    }
    let mut peer = SpdyPeer {
        stream,
        buffer: BytesMut::new(),
        encoder: HeaderEncoder::new().expect("header encoder"),
        decoder: HeaderDecoder::new(),
        streams: HashMap::new(),
        seen,
        index,
    };
    if port_forward {
        peer.serve_port_forward(behaviour).await;
    } else {
        peer.serve_exec(behaviour, &chosen).await;
    }
}

struct SpdyPeer {
    stream: TcpStream,
    buffer: BytesMut,
    encoder: HeaderEncoder,
    decoder: HeaderDecoder,
    /// Stream ID to its headers.
    streams: HashMap<u32, Vec<(String, String)>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    index: usize,
}

impl SpdyPeer {
    async fn read_frame(&mut self) -> Option<Frame> {
        loop {
            match frame::decode(&mut self.buffer, &mut self.decoder) {
                Ok(Some(frame)) => return Some(frame),
                Ok(None) => {}
                Err(_) => return None,
            }
            match self.stream.read_buf(&mut self.buffer).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    async fn write(&mut self, frame: Frame) {
        let mut out = BytesMut::new();
        frame::encode(&frame, &mut self.encoder, &mut out).expect("encode a frame");
        let _ = self.stream.write_all(&out).await;
    }

    async fn data(&mut self, stream_id: u32, payload: &[u8], fin: bool) {
        self.write(Frame::Data {
            stream_id,
            fin,
            payload: Bytes::copy_from_slice(payload),
        })
        .await;
    }

    fn stream_of(&self, kind: &str) -> Option<u32> {
        self.streams
            .iter()
            .find(|(_, headers)| header(headers, "streamtype") == Some(kind))
            .map(|(id, _)| *id)
    }

    /// Takes a new stream, replying to it unless `silent`.
    async fn accept(&mut self, stream_id: u32, headers: Vec<(String, String)>, silent: bool) {
        record(&self.seen, self.index, |entry| {
            entry.streams.push(headers.clone())
        });
        self.streams.insert(stream_id, headers);
        if !silent {
            self.write(Frame::SynReply {
                stream_id,
                fin: false,
                headers: Vec::new(),
            })
            .await;
        }
    }

    /// Resets every stream, sends GOAWAY and closes, as the server does
    /// when the command has ended.
    async fn finish(&mut self) {
        let mut ids: Vec<u32> = self.streams.keys().copied().collect();
        ids.sort_unstable();
        for stream_id in ids {
            self.write(Frame::RstStream {
                stream_id,
                status: frame::CANCEL,
            })
            .await;
        }
        self.write(Frame::GoAway {
            last_stream_id: 0,
            status: 0,
        })
        .await;
        let _ = self.stream.shutdown().await;
    }

    /// Whether every stream the client will open is open: the client opens
    /// error, stdin, stdout, then stderr (without a terminal) or resize.
    fn exec_ready(&self) -> bool {
        let has = |kind| self.stream_of(kind).is_some();
        has("error") && has("stdout") && (has("stderr") || has("resize"))
    }

    async fn serve_exec(&mut self, behaviour: Behaviour, protocol: &str) {
        let silent = matches!(behaviour, Behaviour::NeverReply);
        let json = protocol.starts_with("v4");
        loop {
            let Some(frame) = self.read_frame().await else {
                return;
            };
            match frame {
                Frame::SynStream {
                    stream_id, headers, ..
                } => {
                    self.accept(stream_id, headers, silent).await;
                    if self.exec_ready() && self.run_exec_start(&behaviour, json).await {
                        return;
                    }
                }
                Frame::Data {
                    stream_id,
                    fin,
                    payload,
                } => {
                    let kind = self
                        .streams
                        .get(&stream_id)
                        .and_then(|headers| header(headers, "streamtype"))
                        .unwrap_or_default()
                        .to_owned();
                    match kind.as_str() {
                        "stdin" => {
                            record(&self.seen, self.index, |entry| {
                                entry.stdin.extend_from_slice(&payload);
                                entry.stdin_closed |= fin;
                            });
                            if matches!(behaviour, Behaviour::Cat) {
                                if let Some(stdout) = self.stream_of("stdout")
                                    && !payload.is_empty()
                                {
                                    self.data(stdout, &payload, false).await;
                                }
                                if fin {
                                    let error = self.stream_of("error").unwrap_or(1);
                                    let status = status_text(&StatusReply::Success, json);
                                    self.data(error, status.as_bytes(), false).await;
                                    self.finish().await;
                                    return;
                                }
                            }
                        }
                        "resize" => {
                            let text = String::from_utf8_lossy(&payload).into_owned();
                            record(&self.seen, self.index, |entry| entry.resizes.push(text));
                        }
                        _ => {}
                    }
                }
                Frame::Ping { id } => self.write(Frame::Ping { id }).await,
                _ => {}
            }
        }
    }

    /// Runs the behaviours that start as soon as the streams are open;
    /// returns whether the connection is done.
    async fn run_exec_start(&mut self, behaviour: &Behaviour, json: bool) -> bool {
        let stdout = self.stream_of("stdout").unwrap_or(0);
        let stderr = self.stream_of("stderr");
        let error = self.stream_of("error").unwrap_or(0);
        match behaviour {
            Behaviour::Output {
                stdout: out,
                stderr: err,
                status,
                status_first,
            } => {
                let status = status_text(status, json);
                if *status_first {
                    self.data(error, status.as_bytes(), false).await;
                }
                if !out.is_empty() {
                    self.data(stdout, out, false).await;
                }
                if let Some(stderr) = stderr
                    && !err.is_empty()
                {
                    self.data(stderr, err, false).await;
                }
                if !*status_first {
                    self.data(error, status.as_bytes(), false).await;
                }
                self.finish().await;
                true
            }
            Behaviour::ResetMidCopy => {
                self.data(stdout, b"partial\n", false).await;
                self.write(Frame::RstStream {
                    stream_id: stdout,
                    status: INTERNAL_ERROR,
                })
                .await;
                let _ = self.stream.shutdown().await;
                true
            }
            Behaviour::NeverReply => {
                // Hold the connection open without replying.
                tokio::time::sleep(Duration::from_secs(30)).await;
                true
            }
            Behaviour::Cat | Behaviour::Echo { .. } => false,
        }
    }

    async fn serve_port_forward(&mut self, behaviour: Behaviour) {
        let fail_port = match behaviour {
            Behaviour::Echo { fail_port, .. } => fail_port,
            _ => None,
        };
        loop {
            let Some(frame) = self.read_frame().await else {
                return;
            };
            match frame {
                Frame::SynStream {
                    stream_id, headers, ..
                } => {
                    let is_data = header(&headers, "streamtype") == Some("data");
                    let port: Option<u16> = header(&headers, "port").and_then(|p| p.parse().ok());
                    let request = header(&headers, "requestid").map(str::to_owned);
                    self.accept(stream_id, headers, false).await;
                    if is_data && port.is_some() && port == fail_port {
                        let error = self.pair_of(request.as_deref(), "error");
                        if let Some(error) = error {
                            let text = format!(
                                "failed to connect to localhost:{} inside namespace: connection refused",
                                port.unwrap_or_default()
                            );
                            self.data(error, text.as_bytes(), true).await;
                        }
                        self.data(stream_id, b"", true).await;
                    }
                }
                Frame::Data {
                    stream_id,
                    fin,
                    payload,
                } => {
                    let Some(headers) = self.streams.get(&stream_id) else {
                        continue;
                    };
                    if header(headers, "streamtype") != Some("data") {
                        continue;
                    }
                    let request = header(headers, "requestid").map(str::to_owned);
                    if !payload.is_empty() {
                        record(&self.seen, self.index, |entry| {
                            entry.stdin.extend_from_slice(&payload)
                        });
                        self.data(stream_id, &payload.to_ascii_uppercase(), false)
                            .await;
                    }
                    if fin {
                        self.data(stream_id, b"", true).await;
                        if let Some(error) = self.pair_of(request.as_deref(), "error") {
                            self.data(error, b"", true).await;
                        }
                    }
                }
                Frame::Ping { id } => self.write(Frame::Ping { id }).await,
                _ => {}
            }
        }
    }

    /// Finds the stream of type `kind` with request ID `request`.
    fn pair_of(&self, request: Option<&str>, kind: &str) -> Option<u32> {
        self.streams
            .iter()
            .find(|(_, headers)| {
                header(headers, "streamtype") == Some(kind)
                    && header(headers, "requestid") == request
            })
            .map(|(id, _)| *id)
    }
}

fn status_text(status: &StatusReply, json: bool) -> String {
    match (status, json) {
        (_, true) => status.json(),
        (StatusReply::Success, false) => String::new(),
        (StatusReply::Exit(code) | StatusReply::ExitFull(code), false) => {
            format!("command terminated with non-zero exit code: exit status {code}")
        }
        (StatusReply::Internal(message), false) => message.clone(),
    }
}

// ----------------------------------------------------------- WebSocket

async fn serve_websocket(
    stream: TcpStream,
    behaviour: Behaviour,
    seen: Arc<Mutex<Vec<Seen>>>,
    index: usize,
    port_forward: bool,
) {
    let accepted: Vec<&'static str> = if port_forward {
        WS_PORT_FORWARD.to_vec()
    } else {
        WS_EXEC.to_vec()
    };
    let chosen: Arc<Mutex<Option<String>>> = Arc::default();
    let chosen_in_callback = Arc::clone(&chosen);
    let seen_in_callback = Arc::clone(&seen);
    // The error type is tungstenite's own handshake response.
    #[allow(clippy::result_large_err)]
    let callback = move |request: &Request, mut response: Response| {
        let offered = request
            .headers()
            .get("Sec-WebSocket-Protocol")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        record(&seen_in_callback, index, |entry| {
            entry.offered = offered.iter().cloned().collect();
        });
        let Some(offered) = offered else {
            return Ok(response);
        };
        let pick = offered
            .split(',')
            .map(str::trim)
            .find(|offer| accepted.contains(offer));
        match pick {
            Some(protocol) => {
                response.headers_mut().insert(
                    "Sec-WebSocket-Protocol",
                    HeaderValue::from_str(protocol).expect("protocol header"),
                );
                *chosen_in_callback.lock().expect("chosen") = Some(protocol.to_owned());
                record(&seen_in_callback, index, |entry| {
                    entry.chosen = Some(protocol.to_owned())
                });
                Ok(response)
            }
            None => {
                let mut refusal = ErrorResponse::new(Some("no acceptable subprotocol".to_owned()));
                *refusal.status_mut() = StatusCode::FORBIDDEN;
                Err(refusal)
            }
        }
    };
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let json = chosen
        .lock()
        .expect("chosen")
        .as_deref()
        .is_some_and(|protocol| protocol.starts_with("v4"));

    if let Behaviour::Echo { port, fail_port } = behaviour {
        let prefix = port.to_le_bytes();
        let _ = socket.send(binary(0, &prefix)).await;
        let _ = socket.send(binary(1, &prefix)).await;
        if fail_port == Some(port) {
            let _ = socket
                .send(binary(
                    1,
                    b"failed to connect to the port: connection refused",
                ))
                .await;
            let _ = socket.close(None).await;
            // Read to the end of the closing handshake: closing a socket
            // with unread input would reset it and drop the message.
            while let Some(Ok(_)) = socket.next().await {}
            return;
        }
        while let Some(Ok(message)) = socket.next().await {
            let Message::Binary(data) = message else {
                if matches!(message, Message::Close(_)) {
                    break;
                }
                continue;
            };
            if data.first() == Some(&0) {
                record(&seen, index, |entry| {
                    entry.stdin.extend_from_slice(&data[1..])
                });
                let _ = socket
                    .send(binary(0, &data[1..].to_ascii_uppercase()))
                    .await;
            }
        }
        return;
    }

    // The opening empty message on the first writable channel.
    let _ = socket.send(binary(1, b"")).await;
    match behaviour {
        Behaviour::Output {
            stdout,
            stderr,
            status,
            status_first,
        } => {
            let status = status_text(&status, json);
            if status_first && !status.is_empty() {
                let _ = socket.send(binary(3, status.as_bytes())).await;
            }
            if !stdout.is_empty() {
                let _ = socket.send(binary(1, &stdout)).await;
            }
            if !stderr.is_empty() {
                let _ = socket.send(binary(2, &stderr)).await;
            }
            if !status_first && !status.is_empty() {
                let _ = socket.send(binary(3, status.as_bytes())).await;
            }
            let _ = socket.close(None).await;
        }
        Behaviour::Cat => {
            while let Some(Ok(message)) = socket.next().await {
                let Message::Binary(data) = message else {
                    if matches!(message, Message::Close(_)) {
                        break;
                    }
                    continue;
                };
                match data.first() {
                    Some(0) => {
                        record(&seen, index, |entry| {
                            entry.stdin.extend_from_slice(&data[1..])
                        });
                        let _ = socket.send(binary(1, &data[1..])).await;
                    }
                    Some(4) => {
                        let text = String::from_utf8_lossy(&data[1..]).into_owned();
                        record(&seen, index, |entry| entry.resizes.push(text));
                    }
                    Some(255) => {
                        record(&seen, index, |entry| entry.stdin_closed = true);
                        let status = status_text(&StatusReply::Success, json);
                        let _ = socket.send(binary(3, status.as_bytes())).await;
                        let _ = socket.close(None).await;
                        break;
                    }
                    _ => {}
                }
            }
        }
        Behaviour::ResetMidCopy => {
            let _ = socket.send(binary(1, b"partial\n")).await;
            // Drop the TCP connection without a closing handshake.
        }
        Behaviour::NeverReply | Behaviour::Echo { .. } => {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}

fn binary(channel: u8, payload: &[u8]) -> Message {
    let mut data = Vec::with_capacity(payload.len() + 1);
    data.push(channel);
    data.extend_from_slice(payload);
    Message::Binary(data.into())
}
