//! `attach` against the fake runtime and the fake stream server: the
//! terminal checks made before any RPC, runtime errors, and output.

mod support;

use support::fixture::{CTR_BUSYBOX, CTR_NGINX};
use support::streaming::{Behaviour, StatusReply, StreamServer};
use support::{Clock, Fake, sample};

fn attach_node(server: &StreamServer) -> Fake {
    let mut state = sample(Clock::Live);
    state.stream_url = server.url("/attach/abc");
    Fake::start(state)
}

#[test]
fn tty_without_stdin_no_rpc() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["attach", "-t", CTR_NGINX])
        .stdout("")
        .stderr_contains("--tty (-t) needs --stdin (-i)")
        .code(1)
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn tty_without_terminal_no_rpc() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["attach", "-it", CTR_NGINX])
        .stderr_contains("input is not a terminal")
        .code(1)
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn exited_container_error_shown() {
    let mut state = sample(Clock::Live);
    state.fail(
        "Attach",
        tonic::Code::Unknown,
        "container is in CONTAINER_EXITED state",
    );
    let fake = Fake::start(state);
    fake.crictl(&["attach", "-i", CTR_BUSYBOX])
        .stderr_contains("container is in CONTAINER_EXITED state")
        .code(1)
        .run();
}

#[test]
fn missing_id_rejected() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["attach"])
        .stderr_contains("a container ID is required")
        .code(1)
        .run();
}

#[test]
fn spdy_attach_prints_output() {
    let server = StreamServer::start(Behaviour::Output {
        stdout: b"log line\n".to_vec(),
        stderr: b"warning line\n".to_vec(),
        status: StatusReply::Success,
        status_first: false,
    });
    let fake = attach_node(&server);
    let outcome = fake
        .crictl(&["attach", CTR_NGINX])
        .stdout("log line\n")
        .run();
    assert_eq!(outcome.stderr, "warning line\n");
    let last = fake.calls().pop().unwrap_or_default();
    assert_eq!(
        last,
        format!(r#"Attach container_id: "{CTR_NGINX}" stdout: true stderr: true"#)
    );
}

#[test]
fn websocket_attach_piped_stdin() {
    let server = StreamServer::start(Behaviour::Cat);
    let fake = attach_node(&server);
    fake.crictl(&["attach", "-r", "websocket", "-i", CTR_NGINX])
        .stdin(b"typed\n")
        .stdout("typed\n")
        .run();
}

#[test]
fn detach_keys_end_session() {
    let server = StreamServer::start(Behaviour::Cat);
    let fake = attach_node(&server);
    fake.crictl(&["attach", "-i", CTR_NGINX])
        .stdin(b"before\n\x10\x11after\n")
        .stderr_empty()
        .run();
    // The session ends at the sequence, so the echo may or may not arrive.
    std::thread::sleep(std::time::Duration::from_millis(100));
    let seen = &server.seen()[0];
    assert_eq!(seen.stdin, b"before\n");
}
