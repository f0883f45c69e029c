//! `events` against the fake runtime: every output form, templates with
//! crictl's extra functions, argument checks made before connecting, the
//! end of the stream, errors, interruption and runtimes without the call.

mod support;

use crictl_rs::proto::cri;
use support::background::{interrupt, spawn, wait_for};
use support::fixture::{CTR_BUSYBOX, CTR_NGINX};
use support::{Clock, Fake, State, calls, sample, text};
use tonic::Code;

const CTR_A: &str = "98a06d318c7bac860d88cf725e88a7e53516e5bb2cfe5b7e3a3ff0473bfe92a8";
const EVENT_TIME: i64 = 1_796_413_937_238_936_368;

/// Builds the recorded node with two events: nginx started, with its pod's
/// status, and busybox stopped.
fn events_node() -> State {
    let mut state = sample(Clock::Recorded);
    let pod = cri::PodSandboxStatus {
        id: support::fixture::POD_NGINX.to_owned(),
        metadata: Some(cri::PodSandboxMetadata {
            name: "nginx-sandbox".to_owned(),
            uid: "uid-1".to_owned(),
            namespace: "default".to_owned(),
            attempt: 1,
        }),
        state: cri::PodSandboxState::SandboxReady as i32,
        created_at: EVENT_TIME,
        ..Default::default()
    };
    state.container_events = vec![
        cri::ContainerEventResponse {
            container_id: CTR_NGINX.to_owned(),
            container_event_type: cri::ContainerEventType::ContainerStartedEvent as i32,
            created_at: EVENT_TIME,
            pod_sandbox_status: Some(pod),
            containers_statuses: Vec::new(),
        },
        cri::ContainerEventResponse {
            container_id: CTR_BUSYBOX.to_owned(),
            container_event_type: cri::ContainerEventType::ContainerStoppedEvent as i32,
            created_at: EVENT_TIME + 1,
            pod_sandbox_status: None,
            containers_statuses: Vec::new(),
        },
    ];
    state
}

/// Builds a node with one event: ctr-a started.
fn one_event_node() -> State {
    let mut state = sample(Clock::Recorded);
    state.container_events = vec![cri::ContainerEventResponse {
        container_id: CTR_A.to_owned(),
        container_event_type: cri::ContainerEventType::ContainerStartedEvent as i32,
        created_at: EVENT_TIME,
        pod_sandbox_status: None,
        containers_statuses: Vec::new(),
    }];
    state
}

fn stream_calls() -> Vec<String> {
    calls(&["Version ", "GetContainerEvents "])
}

#[test]
fn events_json_stream() {
    let fake = Fake::start(events_node());
    fake.crictl(&["events"])
        .stdout(text(
            r#"
{
  "containerId": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  "containerEventType": "CONTAINER_STARTED_EVENT",
  "createdAt": "1796413937238936368",
  "podSandboxStatus": {
    "id": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "metadata": {
      "name": "nginx-sandbox",
      "uid": "uid-1",
      "namespace": "default",
      "attempt": 1
    },
    "state": "SANDBOX_READY",
    "createdAt": "1796413937238936368",
    "labels": {},
    "annotations": {},
    "runtimeHandler": ""
  },
  "containersStatuses": []
}
{
  "containerId": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
  "containerEventType": "CONTAINER_STOPPED_EVENT",
  "createdAt": "1796413937238936369",
  "containersStatuses": []
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), stream_calls());
}

#[test]
fn event_alias_accepted() {
    let fake = Fake::start(one_event_node());
    fake.crictl(&[
        "event",
        "-o",
        "go-template",
        "--template",
        "{{.containerId}}",
    ])
    .stdout(&format!("{CTR_A}\n"))
    .stderr_empty()
    .run();
}

#[test]
fn events_yaml_stream() {
    let fake = Fake::start(events_node());
    fake.crictl(&["events", "-o", "yaml"])
        .stdout(text(
            r#"
containerEventType: CONTAINER_STARTED_EVENT
containerId: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
containersStatuses: []
createdAt: "1796413937238936368"
podSandboxStatus:
  annotations: {}
  createdAt: "1796413937238936368"
  id: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
  labels: {}
  metadata:
    attempt: 1
    name: nginx-sandbox
    namespace: default
    uid: uid-1
  runtimeHandler: ""
  state: SANDBOX_READY

containerEventType: CONTAINER_STOPPED_EVENT
containerId: fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
containersStatuses: []
createdAt: "1796413937238936369"

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn events_template_per_event() {
    let fake = Fake::start(events_node());
    fake.crictl(&[
        "events",
        "-o",
        "go-template",
        "--template",
        "{{.containerId}} {{.containerEventType}}",
    ])
    .stdout(&format!(
        "{CTR_NGINX} CONTAINER_STARTED_EVENT\n{CTR_BUSYBOX} CONTAINER_STOPPED_EVENT\n"
    ))
    .stderr_empty()
    .run();
}

#[test]
fn events_template_json_function() {
    let fake = Fake::start(one_event_node());
    fake.crictl(&["events", "-o", "go-template", "--template", "{{ . | json }}"])
        .stdout(&format!(
            "{{\"containerEventType\":\"CONTAINER_STARTED_EVENT\",\"containerId\":\"{CTR_A}\",\"containersStatuses\":[],\"createdAt\":\"1796413937238936368\"}}\n\n"
        ))
        .stderr_empty()
        .run();
}

#[test]
fn events_template_upper_function() {
    let fake = Fake::start(one_event_node());
    fake.crictl(&[
        "events",
        "-o",
        "go-template",
        "--template",
        "{{ .containerId | upper }}",
    ])
    .stdout(&format!("{}\n", CTR_A.to_uppercase()))
    .stderr_empty()
    .run();
}

#[test]
fn events_template_title_function() {
    let fake = Fake::start(one_event_node());
    fake.crictl(&[
        "events",
        "-o",
        "go-template",
        "--template",
        "{{ title \"abc\" }}",
    ])
    .stdout("Abc\n")
    .stderr_empty()
    .run();
}

#[test]
fn events_empty_template_blank_lines() {
    let fake = Fake::start(events_node());
    fake.crictl(&["events", "-o", "go-template"])
        .stdout("\n\n")
        .stderr_empty()
        .run();
}

#[test]
fn events_template_failure_continues() {
    let fake = Fake::start(events_node());
    let outcome = fake
        .crictl(&[
            "events",
            "-o",
            "go-template",
            "--template",
            "{{.podSandboxStatus.id}}",
        ])
        .stdout("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\n")
        .run();
    let lines = outcome.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", outcome.stderr);
    assert!(
        lines[0].starts_with(&format!(
            "crictl: error: cannot print the event of container \"{CTR_BUSYBOX}\": "
        )),
        "{}",
        outcome.stderr
    );
    assert!(lines[0].contains("podSandboxStatus"), "{}", outcome.stderr);
}

#[test]
fn events_table_rejected_offline() {
    let fake = Fake::start(events_node());
    fake.crictl(&["events", "-o", "table"])
        .code(1)
        .stdout("")
        .stderr_contains(
            "crictl: error: unsupported output format \"table\"; use one of json, yaml, go-template",
        )
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn events_template_with_json_rejected() {
    let fake = Fake::start(events_node());
    fake.crictl(&["events", "--template", "{{.containerID}}"])
        .code(1)
        .stdout("")
        .stderr_contains(
            "crictl: error: --template works only with -o go-template, not with -o json",
        )
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn events_unclosed_template_rejected() {
    let fake = Fake::start(events_node());
    fake.crictl(&["events", "-o", "go-template", "--template", "{{"])
        .code(1)
        .stdout("")
        .stderr_contains("crictl: error: invalid go-template: ")
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn events_argument_shows_help() {
    let fake = Fake::start(events_node());
    let outcome = fake.crictl(&["events", "extra"]).run();
    assert!(
        outcome.stdout.contains("Usage: crictl events"),
        "{}",
        outcome.stdout
    );
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn events_unimplemented_names_runtime() {
    let mut state = events_node();
    state.fail("GetContainerEvents", Code::Unimplemented, "unknown method");
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["events"]).code(1).stdout("").run();
    assert_eq!(
        outcome.stderr,
        "crictl: error: fakecri 1.2.3 does not implement GetContainerEvents, which \"crictl events\" needs\n"
    );
}

#[test]
fn events_stream_error_after_events() {
    let mut state = one_event_node();
    state.events_end = Some((Code::Internal, "event queue overflow".to_owned()));
    let fake = Fake::start(state);
    fake.crictl(&["events", "-o", "go-template", "--template", "{{.containerId}}"])
        .code(1)
        .stdout(&format!("{CTR_A}\n"))
        .stderr_contains(
            "crictl: error: receiving container events: internal error in the runtime: event queue overflow",
        )
        .run();
}

#[test]
fn events_interrupt_exits_one() {
    let mut state = one_event_node();
    state.events_stay_open = true;
    let fake = Fake::start(state);
    let stdout = fake.dir().join("stdout");
    let child = spawn(
        &fake,
        &[
            "events",
            "-o",
            "go-template",
            "--template",
            "{{.containerId}}",
        ],
        &stdout,
    );
    // The event arrives while the stream stays open: output is flushed
    // per event, not at exit.
    wait_for(&stdout, CTR_A, 1);
    interrupt(&child);
    let finished = child.wait_with_output().expect("wait for crictl");

    assert_eq!(finished.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&stdout).unwrap(),
        format!("{CTR_A}\n")
    );
    assert_eq!(
        String::from_utf8_lossy(&finished.stderr),
        "crictl: error: interrupted\n"
    );
}
