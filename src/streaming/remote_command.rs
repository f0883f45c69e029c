//! Exec and attach sessions: the streams of one remote command, moved
//! between the local terminal or pipes and the runtime's stream server.
//!
//! [`RemoteCommand`] owns one spawned task. Its single `select!` waits on
//! incoming frames, local stdin, terminal resizes and keep-alive pings, and
//! ends when the output streams and the status stream have all ended, so
//! the output is complete before the status is acted on.

use std::io::Write;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::debug;

use super::channels::{self, ERROR, RESIZE, RemoteStatus, STDERR, STDIN, STDOUT, Version};
use super::spdy::{self, Session, frame};
use super::terminal::{DetachScanner, ResizeSource};
use super::url::StreamUrl;
use super::websocket::{self, WsEvent, WsWire};
use super::{StreamError, Transport, http};

/// Remote-command protocols offered over SPDY, newest first.
const SPDY_PROTOCOLS: [&str; 4] = [channels::V4, channels::V3, channels::V2, channels::V1];
/// Protocols offered over WebSocket. CRI servers up to now accept only v4;
/// v5 is listed first so a server that has it can pick it.
const WEBSOCKET_PROTOCOLS: [&str; 2] = [channels::V5, channels::V4];
/// How often a SPDY keep-alive ping is sent.
const PING_PERIOD: Duration = Duration::from_secs(5);
/// Stdin is not read while this many bytes wait to be sent.
const MAX_BACKLOG: usize = 256 * 1024;
/// How long the stream server has to accept the streams (client-go's
/// value).
pub const DEFAULT_OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// Under WebSocket v4, how long to keep reading output after stdin ended
/// and the output went quiet, before the connection is closed.
pub const DEFAULT_INPUT_GRACE: Duration = Duration::from_secs(1);

/// The streams of a session and its connection settings.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    pub transport: Transport,
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
    /// Whether ctrl-p ctrl-q on stdin detaches (attach only).
    pub detach_keys: bool,
    pub connect_timeout: Duration,
    pub open_timeout: Duration,
    pub input_grace: Duration,
}

/// The local ends of the streams.
pub struct LocalIo {
    pub stdin: Option<mpsc::Receiver<Bytes>>,
    pub stdout: Box<dyn Write + Send>,
    pub stderr: Box<dyn Write + Send>,
    pub resize: Option<ResizeSource>,
}

/// The end of a session that did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The runtime reported how the command ended.
    Status(RemoteStatus),
    /// The user typed the detach sequence.
    Detached,
    /// Stdin ended on a WebSocket v4 connection, which cannot pass that
    /// on, so the connection was closed.
    InputClosed,
}

/// A running exec or attach session. Dropping it stops the session.
pub struct RemoteCommand {
    task: Option<JoinHandle<Result<Outcome, StreamError>>>,
}

impl RemoteCommand {
    /// Connects to `url`, opens the streams and starts moving data.
    pub async fn start(
        url: &StreamUrl,
        options: StreamOptions,
        io: LocalIo,
    ) -> Result<RemoteCommand, StreamError> {
        let wire = Wire::connect(url, &options).await?;
        let run = Run::new(wire, options, io);
        Ok(RemoteCommand {
            task: Some(tokio::spawn(run.run())),
        })
    }

    /// Waits for the session to end.
    pub async fn join(mut self) -> Result<Outcome, StreamError> {
        let Some(task) = self.task.take() else {
            return Err(StreamError::Remote(
                "the session was already joined".to_owned(),
            ));
        };
        match task.await {
            Ok(result) => result,
            Err(error) => Err(StreamError::Remote(format!(
                "the streaming task failed: {error}"
            ))),
        }
    }
}

impl Drop for RemoteCommand {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// One incoming event, by channel.
#[derive(Debug)]
enum WireEvent {
    Data(u8, Bytes),
    End(u8),
    Reset(u8, u32),
    Closed,
}

/// The connection under a session, with channels mapped to SPDY streams.
enum Wire {
    Spdy {
        session: Box<Session<TcpStream>>,
        version: Version,
        /// (stream ID, channel) of each opened stream.
        streams: Vec<(u32, u8)>,
    },
    WebSocket {
        socket: Box<WsWire>,
        version: Version,
    },
}

fn channel_name(channel: u8) -> &'static str {
    match channel {
        STDIN => "stdin",
        STDOUT => "stdout",
        STDERR => "stderr",
        ERROR => "error",
        RESIZE => "resize",
        _ => "unknown",
    }
}

impl Wire {
    async fn connect(url: &StreamUrl, options: &StreamOptions) -> Result<Wire, StreamError> {
        match options.transport {
            Transport::Spdy => Wire::connect_spdy(url, options).await,
            Transport::WebSocket => {
                let socket =
                    websocket::connect(url, &WEBSOCKET_PROTOCOLS, options.connect_timeout).await?;
                // No subprotocol means the original binary protocol, whose
                // status is plain text as in v1.
                let version = Version::from_name(socket.protocol.as_deref());
                debug!(?version, "WebSocket protocol");
                Ok(Wire::WebSocket {
                    socket: Box::new(socket),
                    version,
                })
            }
        }
    }

    async fn connect_spdy(url: &StreamUrl, options: &StreamOptions) -> Result<Wire, StreamError> {
        let upgraded = http::upgrade_spdy(url, &SPDY_PROTOCOLS, options.connect_timeout).await?;
        let version = Version::from_name(upgraded.protocol.as_deref());
        debug!(?version, "SPDY protocol");
        let mut session = Session::new(upgraded.stream, &upgraded.already_read)?;

        // client-go's order; the server counts the streams it expects.
        let mut plan = vec![ERROR];
        if options.stdin {
            plan.push(STDIN);
        }
        if options.stdout {
            plan.push(STDOUT);
        }
        if options.stderr && !options.tty {
            plan.push(STDERR);
        }
        if options.tty && version.has_resize() {
            plan.push(RESIZE);
        }
        let mut streams = Vec::with_capacity(plan.len());
        for channel in plan {
            let stream_id = session.open_stream(&[("streamType", channel_name(channel))])?;
            streams.push((stream_id, channel));
        }
        await_replies(&mut session, &streams, options.open_timeout).await?;
        Ok(Wire::Spdy {
            session: Box::new(session),
            version,
            streams,
        })
    }

    fn version(&self) -> Version {
        match self {
            Wire::Spdy { version, .. } | Wire::WebSocket { version, .. } => *version,
        }
    }

    fn is_spdy(&self) -> bool {
        matches!(self, Wire::Spdy { .. })
    }

    fn has_channel(&self, channel: u8) -> bool {
        match self {
            Wire::Spdy { streams, .. } => streams.iter().any(|(_, c)| *c == channel),
            Wire::WebSocket { .. } => true,
        }
    }

    fn send(&mut self, channel: u8, data: &[u8]) -> Result<(), StreamError> {
        match self {
            Wire::Spdy {
                session, streams, ..
            } => {
                if let Some((stream_id, _)) = streams.iter().find(|(_, c)| *c == channel) {
                    session.send_data(*stream_id, data, false)?;
                }
            }
            Wire::WebSocket { socket, .. } => socket.send(channel, data),
        }
        Ok(())
    }

    /// Tells the server that stdin ended; false when the protocol cannot.
    fn close_stdin(&mut self) -> Result<bool, StreamError> {
        match self {
            Wire::Spdy {
                session, streams, ..
            } => {
                if let Some((stream_id, _)) = streams.iter().find(|(_, c)| *c == STDIN) {
                    session.close_stream(*stream_id)?;
                }
                Ok(true)
            }
            Wire::WebSocket { socket, version } if *version >= Version::V5 => {
                socket.close_channel(STDIN);
                Ok(true)
            }
            Wire::WebSocket { .. } => Ok(false),
        }
    }

    fn backlog(&self) -> usize {
        match self {
            Wire::Spdy { session, .. } => session.backlog(),
            Wire::WebSocket { socket, .. } => socket.backlog(),
        }
    }

    fn ping(&mut self) -> Result<(), StreamError> {
        if let Wire::Spdy { session, .. } = self {
            session.ping()?;
        }
        Ok(())
    }

    async fn next(&mut self) -> Result<WireEvent, StreamError> {
        match self {
            Wire::Spdy {
                session, streams, ..
            } => loop {
                let event = session.next_event().await?;
                let channel_of = |stream_id: u32| {
                    streams
                        .iter()
                        .find(|(id, _)| *id == stream_id)
                        .map(|(_, channel)| *channel)
                };
                let mapped = match event {
                    spdy::Event::Data { stream_id, payload } => {
                        channel_of(stream_id).map(|channel| WireEvent::Data(channel, payload))
                    }
                    spdy::Event::End { stream_id } => channel_of(stream_id).map(WireEvent::End),
                    spdy::Event::Reset { stream_id, status } => {
                        channel_of(stream_id).map(|channel| WireEvent::Reset(channel, status))
                    }
                    spdy::Event::Closed => Some(WireEvent::Closed),
                    spdy::Event::GoAway { status } => {
                        debug!(status, "the stream server is going away");
                        None
                    }
                    spdy::Event::Reply { .. } => None,
                };
                if let Some(mapped) = mapped {
                    return Ok(mapped);
                }
            },
            Wire::WebSocket { socket, .. } => Ok(match socket.next_event().await? {
                WsEvent::Data { channel, payload } => WireEvent::Data(channel, payload),
                WsEvent::ChannelClosed { channel } => WireEvent::End(channel),
                WsEvent::Closed => WireEvent::Closed,
            }),
        }
    }

    /// Sends what is queued and closes, without waiting long.
    async fn shutdown(&mut self) {
        match self {
            Wire::Spdy { session, .. } => {
                let _ = tokio::time::timeout(Duration::from_secs(1), session.shutdown()).await;
            }
            Wire::WebSocket { socket, .. } => socket.close().await,
        }
    }
}

/// Waits until the server has replied to every stream in `streams`.
/// Events that arrive meanwhile are kept for the session.
async fn await_replies(
    session: &mut Session<TcpStream>,
    streams: &[(u32, u8)],
    timeout: Duration,
) -> Result<(), StreamError> {
    let mut waiting: Vec<(u32, u8)> = streams.to_vec();
    let mut early = Vec::new();
    let deadline = Instant::now() + timeout;
    while let Some(&(_, first_channel)) = waiting.first() {
        let event = match tokio::time::timeout_at(deadline, session.next_event()).await {
            Ok(event) => event?,
            Err(_) => {
                return Err(StreamError::StreamNotOpened {
                    stream: channel_name(first_channel),
                    timeout,
                });
            }
        };
        let waited = |stream_id: u32| waiting.iter().find(|(id, _)| *id == stream_id).copied();
        match event {
            spdy::Event::Reply { stream_id } => waiting.retain(|(id, _)| *id != stream_id),
            spdy::Event::Reset { stream_id, status } if waited(stream_id).is_some() => {
                let channel = waited(stream_id).map_or(ERROR, |(_, channel)| channel);
                return Err(StreamError::StreamRefused {
                    stream: channel_name(channel),
                    status: frame::reset_status_name(status),
                });
            }
            spdy::Event::Closed => {
                return Err(StreamError::StreamRefused {
                    stream: channel_name(first_channel),
                    status: "the connection closed",
                });
            }
            other => early.push(other),
        }
    }
    session.push_back_events(early);
    Ok(())
}

/// The state of the session task.
struct Run {
    wire: Wire,
    options: StreamOptions,
    io: LocalIo,
    /// Channels that must end before the session does (SPDY only).
    open: Vec<u8>,
    status: Vec<u8>,
    reset_error: Option<StreamError>,
    detach: Option<DetachScanner>,
    input_deadline: Option<Instant>,
}

enum Step {
    Continue,
    Stop,
    Finish(Outcome),
}

impl Run {
    fn new(wire: Wire, options: StreamOptions, io: LocalIo) -> Run {
        let open = if wire.is_spdy() {
            [ERROR, STDOUT, STDERR]
                .into_iter()
                .filter(|channel| wire.has_channel(*channel))
                .collect()
        } else {
            Vec::new()
        };
        let detach = options.detach_keys.then(DetachScanner::default);
        Run {
            wire,
            options,
            io,
            open,
            status: Vec::new(),
            reset_error: None,
            detach,
            input_deadline: None,
        }
    }

    async fn run(mut self) -> Result<Outcome, StreamError> {
        let mut ping = tokio::time::interval_at(Instant::now() + PING_PERIOD, PING_PERIOD);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let spdy = self.wire.is_spdy();

        let finished = loop {
            if spdy && self.open.is_empty() {
                break None;
            }
            let stdin_ready = self.io.stdin.is_some() && self.wire.backlog() < MAX_BACKLOG;
            let deadline = self.input_deadline;
            let step = tokio::select! {
                event = self.wire.next() => self.on_event(event?)?,
                chunk = next_chunk(&mut self.io.stdin), if stdin_ready => self.on_stdin(chunk)?,
                size = next_size(&mut self.io.resize), if self.io.resize.is_some() => {
                    self.on_resize(size)?
                }
                _ = ping.tick(), if spdy => {
                    self.wire.ping()?;
                    Step::Continue
                }
                () = sleep_until(deadline), if deadline.is_some() => Step::Finish(Outcome::InputClosed),
            };
            match step {
                Step::Continue => {}
                Step::Stop => break None,
                Step::Finish(outcome) => break Some(outcome),
            }
        };
        self.wire.shutdown().await;
        match finished {
            Some(outcome) => Ok(outcome),
            None => self.outcome(),
        }
    }

    fn on_event(&mut self, event: WireEvent) -> Result<Step, StreamError> {
        match event {
            WireEvent::Data(STDOUT, payload) => {
                self.extend_grace();
                write_output(&mut self.io.stdout, &payload)?;
            }
            WireEvent::Data(STDERR, payload) => {
                self.extend_grace();
                write_output(&mut self.io.stderr, &payload)?;
            }
            WireEvent::Data(ERROR, payload) => self.status.extend_from_slice(&payload),
            WireEvent::Data(channel, payload) => {
                debug!(
                    channel,
                    bytes = payload.len(),
                    "data on an unexpected channel"
                );
            }
            WireEvent::End(channel) => self.open.retain(|open| *open != channel),
            WireEvent::Reset(channel, status) => {
                self.open.retain(|open| *open != channel);
                if channel == STDIN {
                    // The command no longer reads its input.
                    self.io.stdin = None;
                } else if status != frame::CANCEL && self.reset_error.is_none() {
                    self.reset_error = Some(StreamError::StreamReset {
                        stream: channel_name(channel),
                        status: frame::reset_status_name(status),
                    });
                }
            }
            WireEvent::Closed => return Ok(Step::Stop),
        }
        Ok(Step::Continue)
    }

    fn on_stdin(&mut self, chunk: Option<Bytes>) -> Result<Step, StreamError> {
        let Some(chunk) = chunk else {
            self.io.stdin = None;
            if self.wire.close_stdin()? {
                return Ok(Step::Continue);
            }
            if self.options.tty {
                return Ok(Step::Finish(Outcome::InputClosed));
            }
            crate::diag::warn(
                "the runtime's WebSocket protocol (v4.channel.k8s.io) cannot pass on the end of \
                 stdin, so the connection is closed once the output goes quiet and later output \
                 is lost; use --transport spdy for piped input",
            );
            self.input_deadline = Some(Instant::now() + self.options.input_grace);
            return Ok(Step::Continue);
        };
        let (forward, detached) = match &mut self.detach {
            Some(scanner) => scanner.scan(&chunk),
            None => (chunk.to_vec(), false),
        };
        if !forward.is_empty() {
            self.wire.send(STDIN, &forward)?;
        }
        if detached {
            return Ok(Step::Finish(Outcome::Detached));
        }
        Ok(Step::Continue)
    }

    fn on_resize(&mut self, size: Option<(u16, u16)>) -> Result<Step, StreamError> {
        match size {
            Some((width, height)) => {
                debug!(width, height, "terminal size");
                self.wire
                    .send(RESIZE, &channels::resize_message(width, height))?;
            }
            None => self.io.resize = None,
        }
        Ok(Step::Continue)
    }

    fn extend_grace(&mut self) {
        if self.input_deadline.is_some() {
            self.input_deadline = Some(Instant::now() + self.options.input_grace);
        }
    }

    /// Reads the status once every stream has ended.
    fn outcome(&mut self) -> Result<Outcome, StreamError> {
        let version = self.wire.version();
        if self.status.is_empty() && version.json_status() {
            return Err(self.reset_error.take().unwrap_or(StreamError::NoStatus));
        }
        let status = channels::parse_status(version, &self.status);
        if status == RemoteStatus::Success
            && let Some(error) = self.reset_error.take()
        {
            return Err(error);
        }
        Ok(Outcome::Status(status))
    }
}

fn write_output(sink: &mut Box<dyn Write + Send>, payload: &[u8]) -> Result<(), StreamError> {
    sink.write_all(payload)
        .and_then(|()| sink.flush())
        .map_err(|source| StreamError::Local {
            action: "writing the command's output",
            source,
        })
}

async fn next_chunk(stdin: &mut Option<mpsc::Receiver<Bytes>>) -> Option<Bytes> {
    match stdin {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

async fn next_size(resize: &mut Option<ResizeSource>) -> Option<(u16, u16)> {
    match resize {
        Some(source) => source.next().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
