//! `port-forward` against the fake runtime and the fake stream server:
//! listeners on both loopback addresses, many connections over one SPDY
//! session, one WebSocket per connection, and errors that close only the
//! connection they belong to.

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::time::Duration;

use support::background::{interrupt, spawn, wait_for};
use support::fixture::POD_NGINX;
use support::streaming::{Behaviour, StreamServer};
use support::{Clock, Fake, sample};

fn forward_node(server: &StreamServer) -> Fake {
    let mut state = sample(Clock::Live);
    state.stream_url = server.url("/portforward/abc");
    Fake::start(state)
}

/// Returns the local ports in the `Forwarding from 127.0.0.1:P -> R` lines, in
/// order.
fn local_ports(text: &str) -> Vec<u16> {
    text.lines()
        .filter_map(|line| line.strip_prefix("Forwarding from 127.0.0.1:"))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

/// Sends `text` to a local port, half-closes, and returns the reply.
fn round_trip(port: u16, text: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the local port");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout");
    stream.write_all(text.as_bytes()).expect("send");
    stream.shutdown(Shutdown::Write).expect("half-close");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply
}

fn stderr_of(child: std::process::Child) -> (Option<i32>, String) {
    let output = child.wait_with_output().expect("wait for crictl");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn run_forwarding(fake: &Fake, transport: &str, stdout: &Path) -> (Vec<u16>, std::process::Child) {
    let child = spawn(
        fake,
        &["port-forward", "-r", transport, POD_NGINX, ":80", ":666"],
        stdout,
    );
    let text = wait_for(stdout, "Forwarding from", 4);
    (local_ports(&text), child)
}

#[test]
fn spdy_one_session_many_connections() {
    let server = StreamServer::start(Behaviour::Echo {
        port: 80,
        fail_port: Some(666),
    });
    let fake = forward_node(&server);
    let stdout = fake.dir().join("stdout");
    let (ports, child) = run_forwarding(&fake, "spdy", &stdout);

    assert_eq!(round_trip(ports[0], "hello"), "HELLO");
    assert_eq!(round_trip(ports[1], "doomed"), "");
    assert_eq!(round_trip(ports[0], "again"), "AGAIN");
    wait_for(&stdout, "Handling connection for", 3);
    interrupt(&child);
    let (code, stderr) = stderr_of(child);

    assert_eq!(code, Some(0));
    assert!(
        stderr.contains(&format!("an error occurred forwarding {} -> 666", ports[1])),
        "{stderr}"
    );
    assert_eq!(server.seen().len(), 1, "more than one SPDY connection");
}

#[test]
fn spdy_streams_carry_port_and_request() {
    let server = StreamServer::start(Behaviour::Echo {
        port: 80,
        fail_port: None,
    });
    let fake = forward_node(&server);
    let stdout = fake.dir().join("stdout");
    let (ports, child) = run_forwarding(&fake, "spdy", &stdout);
    assert_eq!(round_trip(ports[0], "x"), "X");
    interrupt(&child);
    let _ = stderr_of(child);

    let seen = &server.seen()[0];
    assert_eq!(seen.offered, vec!["portforward.k8s.io"]);
    let pairs: Vec<Vec<(String, String)>> = seen.streams.clone();
    assert_eq!(
        pairs[0],
        vec![
            ("streamtype".to_owned(), "error".to_owned()),
            ("port".to_owned(), "80".to_owned()),
            ("requestid".to_owned(), "0".to_owned()),
        ]
    );
    assert_eq!(pairs[1][0], ("streamtype".to_owned(), "data".to_owned()));
}

#[test]
fn listens_on_both_loopbacks() {
    let server = StreamServer::start(Behaviour::Echo {
        port: 80,
        fail_port: None,
    });
    let fake = forward_node(&server);
    let stdout = fake.dir().join("stdout");
    let (ports, child) = run_forwarding(&fake, "spdy", &stdout);
    let text = std::fs::read_to_string(&stdout).unwrap_or_default();
    interrupt(&child);
    let _ = stderr_of(child);
    assert!(
        text.contains(&format!("Forwarding from [::1]:{} -> 80\n", ports[0])),
        "{text}"
    );
}

#[test]
fn websocket_socket_per_connection() {
    let server = StreamServer::start(Behaviour::Echo {
        port: 80,
        fail_port: None,
    });
    let fake = forward_node(&server);
    let stdout = fake.dir().join("stdout");
    let (ports, child) = run_forwarding(&fake, "websocket", &stdout);

    assert_eq!(round_trip(ports[0], "one"), "ONE");
    assert_eq!(round_trip(ports[0], "two"), "TWO");
    interrupt(&child);
    let (code, _) = stderr_of(child);

    assert_eq!(code, Some(0));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].offered, vec!["v4.channel.k8s.io".to_owned()]);
    let forward_calls = fake
        .calls()
        .iter()
        .filter(|call| call.starts_with("PortForward "))
        .count();
    assert_eq!(forward_calls, 3, "one check, then one call per connection");
}

#[test]
fn websocket_error_closes_connection() {
    let server = StreamServer::start(Behaviour::Echo {
        port: 80,
        fail_port: Some(80),
    });
    let fake = forward_node(&server);
    let stdout = fake.dir().join("stdout");
    let child = spawn(
        &fake,
        &["port-forward", "-r", "websocket", POD_NGINX, ":80"],
        &stdout,
    );
    let ports = local_ports(&wait_for(&stdout, "Forwarding from", 2));
    assert_eq!(round_trip(ports[0], "x"), "");
    wait_for(&stdout, "Handling connection for", 1);
    std::thread::sleep(Duration::from_millis(200));
    interrupt(&child);
    let (code, stderr) = stderr_of(child);
    assert_eq!(code, Some(0));
    assert!(stderr.contains("connection refused"), "{stderr}");
}

#[test]
fn bad_port_rejected_before_rpc() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["port-forward", POD_NGINX, "1:2:3"])
        .stderr_contains("invalid port \"1:2:3\"")
        .code(1)
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn refused_upgrade_fails() {
    let mut state = sample(Clock::Live);
    state.stream_url = "http://127.0.0.1:9/portforward/abc".to_owned();
    let fake = Fake::start(state);
    fake.crictl(&["port-forward", POD_NGINX, "0:80"])
        .stderr_contains("127.0.0.1:9")
        .code(1)
        .run();
}
