//! `exec` against the fake runtime and the fake stream server: ExecSync
//! output and exit statuses, filter mode, and streaming exec over SPDY and
//! WebSocket with the faults runtimes produce.

mod support;

use std::time::Duration;

use crictl_rs::proto::cri;
use support::fixture::{CTR_NGINX, CTR_SIDECAR};
use support::streaming::{Behaviour, StatusReply, StreamServer};
use support::{Clock, Fake, calls, sample};

/// Offered WebSocket subprotocols, in the one header they travel in.
const WS_OFFER: &str = "v5.channel.k8s.io, v4.channel.k8s.io";

fn sync_reply(stdout: &str, stderr: &str, exit_code: i32) -> cri::ExecSyncResponse {
    cri::ExecSyncResponse {
        stdout: stdout.as_bytes().to_vec(),
        stderr: stderr.as_bytes().to_vec(),
        exit_code,
    }
}

/// The sample node whose ExecSync returns `reply` for every command.
fn sync_node(reply: cri::ExecSyncResponse) -> Fake {
    let mut state = sample(Clock::Live);
    state.exec_sync.insert(String::new(), reply);
    Fake::start(state)
}

/// The sample node whose Exec and Attach return `server`'s `path`.
fn stream_node(server: &StreamServer, path: &str) -> Fake {
    let mut state = sample(Clock::Live);
    state.stream_url = server.url(path);
    Fake::start(state)
}

fn output(stdout: &str, stderr: &str, status: StatusReply) -> Behaviour {
    Behaviour::Output {
        stdout: stdout.as_bytes().to_vec(),
        stderr: stderr.as_bytes().to_vec(),
        status,
        status_first: false,
    }
}

#[test]
fn sync_failure_keeps_streams_and_status() {
    let fake = sync_node(sync_reply("out\n", "err\n", 3));
    let outcome = fake
        .crictl(&[
            "exec",
            "-s",
            CTR_NGINX,
            "sh",
            "-c",
            "echo out; echo err >&2; exit 3",
        ])
        .stdout("out\n")
        .code(3)
        .run();
    assert_eq!(outcome.stderr, "err\n");
}

#[test]
fn sync_success_exits_zero() {
    let fake = sync_node(sync_reply("out\n", "err\n", 0));
    let outcome = fake
        .crictl(&["exec", "-s", CTR_NGINX, "echo", "out"])
        .stdout("out\n")
        .run();
    assert_eq!(outcome.stderr, "err\n");
}

#[test]
fn sync_call_sequence() {
    let fake = sync_node(sync_reply("hi\n", "", 0));
    fake.crictl(&["exec", "-s", "--timeout", "5", "0123", "echo", "hi"])
        .stdout("hi\n")
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ImageFsInfo ",
            r#"ExecSync container_id: "0123" cmd: "echo" cmd: "hi" timeout: 5"#,
        ])
    );
}

#[test]
fn sync_filter_prints_id_headers() {
    let fake = sync_node(sync_reply("hello\n", "", 0));
    fake.crictl(&["exec", "--name", "nginx|sidecar", "-s", "echo", "hi"])
        .stdout(&format!("{CTR_NGINX}:\nhello\n"))
        .stderr_empty()
        .run();
}

#[test]
fn sync_parallel_drops_headers() {
    let fake = sync_node(sync_reply("hello\n", "", 0));
    fake.crictl(&["exec", "--latest", "-s", "-x", "echo", "hi"])
        .stdout("hello\n")
        .stderr_empty()
        .run();
    let last = fake.calls().pop().unwrap_or_default();
    assert!(last.contains(CTR_SIDECAR), "{last}");
}

#[test]
fn sync_no_match_shows_help() {
    let fake = sync_node(sync_reply("", "", 0));
    let outcome = fake
        .crictl(&["exec", "--name", "^nothing$", "-s", "echo", "hi"])
        .stderr_contains("no container matches the filter flags")
        .run();
    assert!(outcome.stdout.contains("Usage"), "{}", outcome.stdout);
}

#[test]
fn sync_ignore_errors_exits_zero() {
    let fake = sync_node(sync_reply("", "boom\n", 3));
    fake.crictl(&["exec", "-q", "-e", "-s", CTR_NGINX, "false"])
        .stdout("")
        .run();
}

#[test]
fn sync_rpc_error_exits_one() {
    let mut state = sample(Clock::Live);
    state.fail("ExecSync", tonic::Code::NotFound, "container not found");
    let fake = Fake::start(state);
    fake.crictl(&["exec", "-s", "nope", "true"])
        .stderr_contains("container not found")
        .code(1)
        .run();
}

#[test]
fn missing_command_shows_help() {
    let fake = sync_node(sync_reply("", "", 0));
    fake.crictl(&["exec", CTR_NGINX]).run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn websocket_offers_v5_and_v4() {
    let server = StreamServer::start(output(
        "Thu Jan  1 00:00:00 UTC 2026\n",
        "",
        StatusReply::Success,
    ));
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", "-r", "websocket", CTR_NGINX, "date"])
        .stdout("Thu Jan  1 00:00:00 UTC 2026\n")
        .stderr_empty()
        .run();
    let seen = server.seen();
    assert_eq!(seen[0].offered, vec![WS_OFFER.to_owned()]);
    assert_eq!(seen[0].chosen.as_deref(), Some("v4.channel.k8s.io"));
    assert_eq!(seen[0].method, "GET");
}

#[test]
fn websocket_exit_status_propagated() {
    let server = StreamServer::start(output("", "", StatusReply::Exit(3)));
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", "-r", "websocket", CTR_NGINX, "sh", "-c", "exit 3"])
        .stdout("")
        .stderr_empty()
        .code(3)
        .run();
}

#[test]
fn websocket_full_status_shape() {
    let server = StreamServer::start(output("x\n", "", StatusReply::ExitFull(3)));
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", "-r", "websocket", CTR_NGINX, "sh"])
        .stdout("x\n")
        .code(3)
        .run();
}

#[test]
fn spdy_output_and_exit_status() {
    let server = StreamServer::start(output("out\n", "err\n", StatusReply::Exit(3)));
    let fake = stream_node(&server, "/exec/abc");
    let outcome = fake
        .crictl(&["exec", CTR_NGINX, "sh"])
        .stdout("out\n")
        .code(3)
        .run();
    assert_eq!(outcome.stderr, "err\n");
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.offered,
        vec![
            "v4.channel.k8s.io",
            "v3.channel.k8s.io",
            "v2.channel.k8s.io",
            "channel.k8s.io"
        ]
    );
    let kinds: Vec<&str> = seen
        .streams
        .iter()
        .filter_map(|headers| headers.iter().find(|(name, _)| name == "streamtype"))
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(kinds, ["error", "stdout", "stderr"]);
}

#[test]
fn spdy_exec_request_fields() {
    let server = StreamServer::start(output("", "", StatusReply::Success));
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", CTR_NGINX, "ls"]).run();
    let last = fake.calls().pop().unwrap_or_default();
    assert_eq!(
        last,
        format!(r#"Exec container_id: "{CTR_NGINX}" cmd: "ls" stdout: true stderr: true"#)
    );
}

#[test]
fn spdy_status_before_output() {
    let server = StreamServer::start(Behaviour::Output {
        stdout: b"late output\n".to_vec(),
        stderr: b"late error\n".to_vec(),
        status: StatusReply::Exit(4),
        status_first: true,
    });
    let fake = stream_node(&server, "/exec/abc");
    let outcome = fake
        .crictl(&["exec", CTR_NGINX, "sh"])
        .stdout("late output\n")
        .code(4)
        .run();
    assert_eq!(outcome.stderr, "late error\n");
}

#[test]
fn websocket_status_before_output() {
    let server = StreamServer::start(Behaviour::Output {
        stdout: b"late output\n".to_vec(),
        stderr: Vec::new(),
        status: StatusReply::Success,
        status_first: true,
    });
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", "-r", "websocket", CTR_NGINX, "sh"])
        .stdout("late output\n")
        .stderr_empty()
        .run();
}

#[test]
fn spdy_piped_stdin_half_closes() {
    let server = StreamServer::start(Behaviour::Cat);
    let fake = stream_node(&server, "/exec/abc");
    let outcome = fake
        .crictl(&["exec", "-i", CTR_NGINX, "cat"])
        .stdin(b"hello\n")
        .stdout("hello\n")
        .stderr_empty()
        .run();
    assert!(
        outcome.elapsed < Duration::from_secs(5),
        "{:?}",
        outcome.elapsed
    );
    let seen = &server.seen()[0];
    assert_eq!(seen.stdin, b"hello\n");
    assert!(seen.stdin_closed, "stdin was not half-closed");
}

#[test]
fn websocket_piped_stdin_never_hangs() {
    let server = StreamServer::start(Behaviour::Cat);
    let fake = stream_node(&server, "/exec/abc");
    let outcome = fake
        .crictl(&["exec", "-r", "websocket", "-i", CTR_NGINX, "cat"])
        .stdin(b"hello\n")
        .stdout("hello\n")
        .stderr_contains("use --transport spdy for piped input")
        .run();
    assert!(
        outcome.elapsed < Duration::from_secs(10),
        "{:?}",
        outcome.elapsed
    );
}

#[test]
fn spdy_reset_mid_copy() {
    let server = StreamServer::start(Behaviour::ResetMidCopy);
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", CTR_NGINX, "cat", "big"])
        .stdout("partial\n")
        .stderr_contains("reset the stdout stream (INTERNAL_ERROR)")
        .code(1)
        .run();
}

#[test]
fn websocket_drop_mid_copy() {
    let server = StreamServer::start(Behaviour::ResetMidCopy);
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", "-r", "websocket", CTR_NGINX, "cat", "big"])
        .stdout("partial\n")
        .stderr_contains("before the command's exit status arrived")
        .code(1)
        .run();
}

#[test]
fn internal_error_status_reported() {
    let server = StreamServer::start(output(
        "",
        "",
        StatusReply::Internal("no such process".into()),
    ));
    let fake = stream_node(&server, "/exec/abc");
    fake.crictl(&["exec", CTR_NGINX, "sh"])
        .stderr_contains("Internal error occurred: no such process")
        .code(1)
        .run();
}

#[test]
fn spdy_refusal_shows_status() {
    // The port-forward route accepts none of the exec protocols.
    let server = StreamServer::start(output("", "", StatusReply::Success));
    let fake = stream_node(&server, "/portforward/abc");
    fake.crictl(&["exec", CTR_NGINX, "sh"])
        .stderr_contains("403 Forbidden; the server accepts protocols portforward.k8s.io")
        .code(1)
        .run();
}

#[test]
fn refused_connection_names_url() {
    let mut state = sample(Clock::Live);
    state.stream_url = "http://127.0.0.1:9/exec/abc".to_owned();
    let fake = Fake::start(state);
    fake.crictl(&["exec", CTR_NGINX, "ls"])
        .stderr_contains(
            "cannot connect to the runtime's stream server at http://127.0.0.1:9/exec/abc",
        )
        .code(1)
        .run();
}

#[test]
fn relative_url_resolved_on_kubelet_port() {
    let mut state = sample(Clock::Live);
    state.stream_url = "/exec/abc".to_owned();
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["exec", CTR_NGINX, "ls"]).execute();
    assert!(
        outcome.stderr.contains("http://127.0.0.1:10250/exec/abc"),
        "{}",
        outcome.report()
    );
}

#[test]
fn tty_without_interactive_no_rpc() {
    let fake = sync_node(sync_reply("", "", 0));
    fake.crictl(&["exec", "-t", CTR_NGINX, "sh"])
        .stderr_contains("--tty (-t) needs --interactive (-i)")
        .code(1)
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn tty_without_terminal_no_rpc() {
    let fake = sync_node(sync_reply("", "", 0));
    fake.crictl(&["exec", "-it", CTR_NGINX, "sh"])
        .stderr_contains("input is not a terminal")
        .code(1)
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn unknown_transport_no_rpc() {
    let fake = sync_node(sync_reply("", "", 0));
    fake.crictl(&["exec", "-r", "foo", CTR_NGINX, "sh"])
        .stderr_contains("invalid transport \"foo\"")
        .code(1)
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn interactive_many_containers_rejected() {
    let fake = sync_node(sync_reply("", "", 0));
    fake.crictl(&["exec", "--last", "2", "-i", "sh"])
        .stderr_contains("need exactly one container")
        .code(1)
        .run();
}
