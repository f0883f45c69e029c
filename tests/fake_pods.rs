//! `pods` against the fake runtime: the table, quiet, verbose, JSON and
//! YAML views, name and namespace patterns, filters the runtime ignores, and
//! lists too large for one gRPC message.

mod support;

use crictl_rs::proto::cri;
use prost::Message as _;
use support::fixture::{POD_BUSY, POD_NGINX, SECOND, map};
use support::service::now_nanos;
use support::{Clock, Fake, State, calls, sample, text};

const LIST_ALL: &str = "ListPodSandbox filter { }";
const STREAM_ALL: &str = "StreamPodSandboxes filter { }";

#[test]
fn pods_table_newest_first() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["pods"])
        .stdout(text(
            r#"
POD ID              CREATED              STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME
a1b2c3d4e5f60       About a minute ago   Ready               nginx-sandbox       default             1                   (default)
ffeeddccbbaa9       3 days ago           NotReady            busy-pod            kube-system         0                   runc
"#,
        ))
        .stderr_empty()
        .run();
    // The streaming list comes first; the fake lacks it, as containerd does.
    assert_eq!(fake.calls(), calls(&["Version ", LIST_ALL]));
}

#[test]
fn pods_verbose_details() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["pods", "-v"])
        .stdout(concat!(
            "ID: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\n",
            "Name: nginx-sandbox\n",
            "UID: uid-1\n",
            "Namespace: default\n",
            "Attempt: 1\n",
            "Status: Ready\n",
            "Created: 2026-12-04 19:50:47.238936368 +0000 UTC\n",
            "Labels:\n",
            "\tapp -> nginx\n",
            "Annotations:\n",
            "\tanno -> x\n",
            "\tempty -> \n",
            "\thtml -> <a&b>\n",
            "\tlong -> lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet \n",
            "\tmulti -> l1\n",
            "l2\n",
            "\tnum -> 0123\n",
            "\tyes -> yes\n",
            "Runtime: (default)\n",
            "\n",
            "ID: ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n",
            "Name: busy-pod\n",
            "UID: uid-2\n",
            "Namespace: kube-system\n",
            "Status: NotReady\n",
            "Created: 2026-12-01 19:52:17.238936368 +0000 UTC\n",
            "Runtime: runc\n",
            "\n",
        ))
        .stderr_empty()
        .run();
}

#[test]
fn pods_quiet_full_ids() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["pods", "-q"])
        .stdout(&format!("{POD_NGINX}\n{POD_BUSY}\n"))
        .stderr_empty()
        .run();
}

#[test]
fn pods_state_sent_to_runtime() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["pods", "--state", "NotReady"])
        .stdout(text(
            r#"
POD ID              CREATED             STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME
ffeeddccbbaa9       3 days ago          NotReady            busy-pod            kube-system         0                   runc
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ListPodSandbox filter { state { state: SANDBOX_NOTREADY } }",
        ])
    );
}

#[test]
fn pods_bad_state_no_calls() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["pods", "-s", "x"])
        .code(1)
        .stdout("")
        .stderr_contains("\"x\"")
        .run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn pods_namespace_pattern() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["pods", "--namespace", "kube"])
        .stdout(text(
            r#"
POD ID              CREATED             STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME
ffeeddccbbaa9       3 days ago          NotReady            busy-pod            kube-system         0                   runc
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", LIST_ALL]));
}

#[test]
fn pods_json_latest() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["pods", "-o", "json", "--latest"])
        .stdout(text(
            r#"
{
  "items": [
    {
      "id": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "metadata": {
        "name": "nginx-sandbox",
        "uid": "uid-1",
        "namespace": "default",
        "attempt": 1
      },
      "state": "SANDBOX_READY",
      "createdAt": "1796413847238936368",
      "labels": {
        "app": "nginx"
      },
      "annotations": {
        "anno": "x",
        "empty": "",
        "html": "<a&b>",
        "long": "lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ",
        "multi": "l1\nl2",
        "num": "0123",
        "yes": "yes"
      },
      "runtimeHandler": ""
    }
  ]
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", LIST_ALL]));
}

#[test]
fn pods_yaml_by_name() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["pods", "-o", "yaml", "--name", "nginx"])
        .stdout(text(
            r#"
items:
- annotations:
    anno: x
    empty: ""
    html: <a&b>
    long: 'lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor
      sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet '
    multi: |-
      l1
      l2
    num: "0123"
    "yes": "yes"
  createdAt: "1796413847238936368"
  id: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
  labels:
    app: nginx
  metadata:
    attempt: 1
    name: nginx-sandbox
    namespace: default
    uid: uid-1
  runtimeHandler: ""
  state: SANDBOX_READY

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn pods_empty_prints_header() {
    let fake = Fake::start(State {
        version: sample(Clock::Live).version,
        ..Default::default()
    });
    fake.crictl(&["pods"])
        .stdout("POD ID              CREATED             STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME\n")
        .stderr_empty()
        .run();
}

#[test]
fn ignored_state_filter_table() {
    let mut state = sample(Clock::Live);
    state.ignore_filters = true;
    let fake = Fake::start(state);
    fake.crictl(&["pods", "--state", "notready"])
        .stdout(text(
            r#"
POD ID              CREATED             STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME
ffeeddccbbaa9       3 days ago          NotReady            busy-pod            kube-system         0                   runc
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn ignored_state_filter_json() {
    let mut state = sample(Clock::Recorded);
    state.ignore_filters = true;
    let fake = Fake::start(state);
    fake.crictl(&["pods", "--state", "notready", "-o", "json"])
        .stdout(text(
            r#"
{
  "items": [
    {
      "id": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
      "metadata": {
        "name": "busy-pod",
        "uid": "uid-2",
        "namespace": "kube-system",
        "attempt": 0
      },
      "state": "SANDBOX_NOTREADY",
      "createdAt": "1796154737238936368",
      "labels": {},
      "annotations": {},
      "runtimeHandler": "runc"
    }
  ]
}
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn ignored_id_and_label_filters() {
    let mut state = sample(Clock::Live);
    state.ignore_filters = true;
    let fake = Fake::start(state);
    fake.crictl(&["pods", "-q", "--id", "ffee"])
        .stdout(&format!("{POD_BUSY}\n"))
        .run();
    fake.crictl(&["pods", "-q", "--label", "app=nginx"])
        .stdout(&format!("{POD_NGINX}\n"))
        .run();
    fake.crictl(&["pods", "-q", "--label", "app=other"])
        .stdout("")
        .run();
}

const LINUX_SANDBOX: &str = "9bb860b4a6e4acf959daf85d815086f49d8cfdfacce4f29f84f04e480fa3d7da";
const LINUX_SANDBOX_2: &str = "5d1f0c2b7e8a94d3c6b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0";
const COREDNS: &str = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

/// Pods `linux-sandbox` and `linux-sandbox-2` in namespace `default`, newest
/// last, and `coredns` in `kube-system`.
fn linux_sandboxes() -> State {
    let now = now_nanos();
    let pod = |id: &str, name: &str, namespace: &str, age: i64| cri::PodSandbox {
        id: id.to_owned(),
        metadata: Some(cri::PodSandboxMetadata {
            name: name.to_owned(),
            uid: format!("uid-{name}"),
            namespace: namespace.to_owned(),
            attempt: 1,
        }),
        state: cri::PodSandboxState::SandboxReady as i32,
        created_at: now - age * SECOND,
        labels: map(&[("sandbox-platform", "linux/amd64")]),
        ..Default::default()
    };
    State {
        version: sample(Clock::Live).version,
        pods: vec![
            pod(LINUX_SANDBOX, "linux-sandbox", "default", 60),
            pod(LINUX_SANDBOX_2, "linux-sandbox-2", "default", 30),
            pod(COREDNS, "coredns", "kube-system", 90),
        ],
        ..Default::default()
    }
}

#[test]
fn name_pattern_unanchored() {
    let fake = Fake::start(linux_sandboxes());
    fake.crictl(&["pods", "-q", "--name", "linux-sandbox"])
        .stdout(&format!("{LINUX_SANDBOX_2}\n{LINUX_SANDBOX}\n"))
        .stderr_empty()
        .run();
}

#[test]
fn name_pattern_anchored() {
    let fake = Fake::start(linux_sandboxes());
    fake.crictl(&["pods", "-q", "--name", "^linux-sandbox$"])
        .stdout(&format!("{LINUX_SANDBOX}\n"))
        .stderr_empty()
        .run();
}

#[test]
fn namespace_pattern_prefix() {
    let fake = Fake::start(linux_sandboxes());
    fake.crictl(&["pods", "-q", "--namespace", "def"])
        .stdout(&format!("{LINUX_SANDBOX_2}\n{LINUX_SANDBOX}\n"))
        .stderr_empty()
        .run();
}

#[test]
fn invalid_name_pattern_rejected() {
    let fake = Fake::start(linux_sandboxes());
    fake.crictl(&["pods", "--name", "linux["])
        .code(1)
        .stdout("")
        .stderr_contains("linux[")
        .run();
    assert_eq!(fake.calls(), calls(&[]));
}

/// 5,000 pods with 1 KiB of labels each, about 5.5 MiB in one list reply.
fn crowded_node() -> State {
    crowded_node_with(120)
}

/// 5,000 pods with 4 KiB of labels each, past the 16 MiB a unary list
/// reply may have.
fn overcrowded_node() -> State {
    let state = crowded_node_with(500);
    let reply = cri::ListPodSandboxResponse {
        items: state.pods.clone(),
    };
    assert!(reply.encoded_len() > 16 * 1024 * 1024);
    state
}

/// 5,000 pods, each with 8 labels whose values have `value_len` bytes.
fn crowded_node_with(value_len: usize) -> State {
    let now = now_nanos();
    let value = "v".repeat(value_len);
    let pods: Vec<cri::PodSandbox> = (0..5000)
        .map(|index| cri::PodSandbox {
            id: format!("{index:064x}"),
            metadata: Some(cri::PodSandboxMetadata {
                name: format!("pod-{index}"),
                uid: format!("uid-{index}"),
                namespace: "default".to_owned(),
                attempt: 0,
            }),
            state: cri::PodSandboxState::SandboxReady as i32,
            created_at: now - i64::from(index) * SECOND,
            labels: (0..8)
                .map(|label| (format!("label-{label}"), value.clone()))
                .collect(),
            ..Default::default()
        })
        .collect();
    let reply = cri::ListPodSandboxResponse {
        items: pods.clone(),
    };
    assert!(
        reply.encoded_len() > 5 * 1024 * 1024,
        "the list reply is {} bytes, not past the 4 MiB default limit by enough",
        reply.encoded_len()
    );
    State {
        version: sample(Clock::Live).version,
        pods,
        ..Default::default()
    }
}

#[test]
fn large_list_unary() {
    let fake = Fake::start(crowded_node());
    let outcome = fake.crictl(&["pods"]).stderr_empty().run();
    assert_eq!(outcome.stdout.lines().count(), 5001, "{}", outcome.stderr);
    assert!(
        outcome.stdout.starts_with("POD ID"),
        "{}",
        &outcome.stdout[..200]
    );
    assert_eq!(fake.calls(), calls(&["Version ", LIST_ALL]));
}

#[test]
fn oversized_list_streamed() {
    let mut state = overcrowded_node();
    state.stream_batch = Some(100);
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["pods"]).stderr_empty().run();
    assert_eq!(outcome.stdout.lines().count(), 5001, "{}", outcome.stderr);
    assert_eq!(fake.calls(), calls(&["Version ", LIST_ALL, STREAM_ALL]));
}

#[test]
fn oversized_list_without_streaming_reports_size() {
    let fake = Fake::start(overcrowded_node());
    fake.crictl(&["pods"])
        .code(1)
        .stdout("")
        .stderr_contains("too large")
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", LIST_ALL, STREAM_ALL]));
}

#[test]
fn oversized_list_quiet_order() {
    let mut state = overcrowded_node();
    state.stream_batch = Some(100);
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["pods", "-q"]).stderr_empty().run();
    let ids: Vec<&str> = outcome.stdout.lines().collect();
    assert_eq!(ids.len(), 5000);
    // Newest first: pod 0 was created last.
    assert_eq!(ids[0], format!("{:064x}", 0));
    assert_eq!(ids[4999], format!("{:064x}", 4999));
}
