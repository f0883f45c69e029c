//! Exec sessions driven through the library against the fake stream
//! server, for what the binary cannot show: a stream that never opens
//! (with a short timeout), terminal resizes, and the detach outcome.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use crictl_rs::streaming::channels::RemoteStatus;
use crictl_rs::streaming::terminal::ResizeSource;
use crictl_rs::streaming::{
    LocalIo, Outcome, RemoteCommand, StreamError, StreamOptions, StreamUrl, Transport,
};
use support::streaming::{Behaviour, StreamServer};
use tokio::sync::mpsc;

/// A writer the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn options(transport: Transport, tty: bool) -> StreamOptions {
    StreamOptions {
        transport,
        stdin: true,
        stdout: true,
        stderr: !tty,
        tty,
        detach_keys: true,
        connect_timeout: Duration::from_secs(5),
        open_timeout: Duration::from_millis(300),
        input_grace: Duration::from_millis(200),
    }
}

struct Session {
    stdin: mpsc::Sender<Bytes>,
    sizes: mpsc::Sender<(u16, u16)>,
    stdout: Captured,
    started: Result<RemoteCommand, StreamError>,
}

async fn start(server: &StreamServer, options: StreamOptions) -> Session {
    let (stdin, stdin_receiver) = mpsc::channel(4);
    let (sizes, size_receiver) = mpsc::channel(4);
    let stdout = Captured::default();
    let io = LocalIo {
        stdin: Some(stdin_receiver),
        stdout: Box::new(stdout.clone()),
        stderr: Box::new(Captured::default()),
        resize: options.tty.then_some(ResizeSource::Channel(size_receiver)),
    };
    let url = StreamUrl::parse(&server.url("/exec/abc")).expect("url");
    let started = RemoteCommand::start(&url, options, io).await;
    Session {
        stdin,
        sizes,
        stdout,
        started,
    }
}

#[tokio::test]
async fn unopened_stream_times_out() {
    let server = StreamServer::start(Behaviour::NeverReply);
    let session = start(&server, options(Transport::Spdy, false)).await;
    let error = session.started.err().expect("the session started");
    assert!(
        matches!(
            error,
            StreamError::StreamNotOpened {
                stream: "error",
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn spdy_resize_sent_on_channel() {
    let server = StreamServer::start(Behaviour::Cat);
    let session = start(&server, options(Transport::Spdy, true)).await;
    let command = session.started.expect("start");
    session.sizes.send((80, 24)).await.expect("send a size");
    session.sizes.send((120, 40)).await.expect("send a size");
    // Give the sizes time to go out before stdin ends the fake's session.
    tokio::time::sleep(Duration::from_millis(200)).await;
    session
        .stdin
        .send(Bytes::from_static(b"ls\n"))
        .await
        .expect("send stdin");
    drop(session.stdin);

    let outcome = command.join().await.expect("join");
    assert_eq!(outcome, Outcome::Status(RemoteStatus::Success));
    let seen = &server.seen()[0];
    assert_eq!(
        seen.resizes,
        vec![
            r#"{"Width":80,"Height":24}"#.to_owned(),
            r#"{"Width":120,"Height":40}"#.to_owned()
        ]
    );
}

#[tokio::test]
async fn websocket_resize_sent_on_channel() {
    let server = StreamServer::start(Behaviour::Cat);
    let session = start(&server, options(Transport::WebSocket, true)).await;
    let command = session.started.expect("start");
    session.sizes.send((100, 30)).await.expect("send a size");
    session
        .stdin
        .send(Bytes::from_static(b"x"))
        .await
        .expect("send stdin");
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(session.stdin);

    let outcome = command.join().await.expect("join");
    assert_eq!(outcome, Outcome::InputClosed);
    assert_eq!(
        server.seen()[0].resizes,
        vec![r#"{"Width":100,"Height":30}"#.to_owned()]
    );
}

#[tokio::test]
async fn detach_sequence_ends_session() {
    let server = StreamServer::start(Behaviour::Cat);
    let session = start(&server, options(Transport::Spdy, false)).await;
    let command = session.started.expect("start");
    session
        .stdin
        .send(Bytes::from_static(b"echo\x10"))
        .await
        .expect("send stdin");
    session
        .stdin
        .send(Bytes::from_static(b"\x11ignored"))
        .await
        .expect("send stdin");

    let outcome = command.join().await.expect("join");
    assert_eq!(outcome, Outcome::Detached);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.seen()[0].stdin, b"echo");
}

#[tokio::test]
async fn echoed_stdin_reaches_stdout() {
    let server = StreamServer::start(Behaviour::Cat);
    let session = start(&server, options(Transport::Spdy, false)).await;
    let command = session.started.expect("start");
    let big = vec![b'z'; 1 << 20];
    session
        .stdin
        .send(Bytes::from(big.clone()))
        .await
        .expect("send stdin");
    drop(session.stdin);

    command.join().await.expect("join");
    assert_eq!(session.stdout.0.lock().expect("buffer").len(), big.len());
}

#[tokio::test]
async fn dropped_handle_stops_session() {
    let server = StreamServer::start(Behaviour::Cat);
    let session = start(&server, options(Transport::Spdy, false)).await;
    let command = session.started.expect("start");
    drop(command);
    // With the task gone, stdin has no reader.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(session.stdin.is_closed());
}
