//! `ps` against the fake runtime: the table and its variants, every filter,
//! the calls each one makes, and filters the runtime ignores.

mod support;

use support::fixture::{CTR_NGINX, CTR_SIDECAR};
use support::{Clock, Fake, calls, sample, text};
use tonic::Code;

const RUNNING: &str = "filter { state { state: CONTAINER_RUNNING } }";
const ANY: &str = "filter { }";

/// Returns the calls of one container listing with `filter`: the connection
/// checks, then the unary list.
fn listing(filter: &str) -> Vec<String> {
    calls(&[
        "Version ",
        "ImageFsInfo ",
        &format!("ListContainers {filter}"),
    ])
}

#[test]
fn ps_running_table() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps"])
        .stdout(text(
            r#"
CONTAINER           IMAGE               CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
0123456789abc       5be1ecc7935f1       About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(RUNNING));
}

#[test]
fn ps_all_table() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a"])
        .stdout(text(
            r#"
CONTAINER           IMAGE                              CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
1111111111111       6210c0bf05396                      23 seconds ago       Created             sidecar             2                   a1b2c3d4e5f60       nginx-sandbox       default
0123456789abc       5be1ecc7935f1                      About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default
fedcba9876543       docker.io/library/busybox:latest   2 hours ago          Exited              busybox             3                   ffeeddccbbaa9       unknown             unknown
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(ANY));
}

#[test]
fn ps_quiet_full_ids() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-q"])
        .stdout(&format!("{CTR_NGINX}\n"))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(RUNNING));
}

#[test]
fn ps_no_trunc_table() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a", "--no-trunc"])
        .stdout(text(
            r#"
CONTAINER                                                          IMAGE                                                                     CREATED              STATE               NAME                ATTEMPT             POD ID                                                             POD                 NAMESPACE
1111111111111111222222222222222233333333333333334444444444444444   sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df   23 seconds ago       Created             sidecar             2                   a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9    nginx-sandbox       default
0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef   sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65   About a minute ago   Running             nginx               0                   a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9    nginx-sandbox       default
fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210   docker.io/library/busybox:latest                                          2 hours ago          Exited              busybox             3                   ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100   unknown             unknown
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn ps_verbose_details() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a", "-v"])
        .stdout(concat!(
            "ID: 1111111111111111222222222222222233333333333333334444444444444444\n",
            "PodID: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\n",
            "Namespace: default\n",
            "Name: sidecar\n",
            "Attempt: 2\n",
            "State: Created\n",
            "Image: sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df\n",
            "Created: 23 seconds ago\n",
            "Labels:\n",
            "\tio.kubernetes.pod.name -> nginx-sandbox\n",
            "\tio.kubernetes.pod.namespace -> default\n",
            "\ttier -> x\n",
            "\n",
            "ID: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
            "PodID: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\n",
            "Namespace: default\n",
            "Name: nginx\n",
            "Attempt: 0\n",
            "State: Running\n",
            "Image: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65\n",
            "Created: About a minute ago\n",
            "Labels:\n",
            "\tio.kubernetes.pod.name -> nginx-sandbox\n",
            "\tio.kubernetes.pod.namespace -> default\n",
            "Annotations:\n",
            "\ta -> 2\n",
            "\tz -> 1\n",
            "\n",
            "ID: fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n",
            "PodID: ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n",
            "Namespace: unknown\n",
            "Name: busybox\n",
            "Attempt: 3\n",
            "State: Exited\n",
            "Image: docker.io/library/busybox:latest\n",
            "Created: 2 hours ago\n",
            "\n",
        ))
        .stderr_empty()
        .run();
}

#[test]
fn ps_resolves_image_names() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-r"])
        .stdout(text(
            r#"
CONTAINER           IMAGE                            CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
0123456789abc       docker.io/library/nginx:latest   About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default
"#,
        ))
        .stderr_empty()
        .run();
    let mut expected = listing(RUNNING);
    // The shortened ID is what gets resolved, as crictl does.
    expected.push("ImageStatus image { image: \"5be1ecc7935f1\" }".to_owned());
    assert_eq!(fake.calls(), expected);
}

#[test]
fn ps_state_exited() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "--state", "exited"])
        .stdout(text(
            r#"
CONTAINER           IMAGE                              CREATED             STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
fedcba9876543       docker.io/library/busybox:latest   2 hours ago         Exited              busybox             3                   ffeeddccbbaa9       unknown             unknown
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        listing("filter { state { state: CONTAINER_EXITED } }")
    );
}

#[test]
fn ps_bad_state_no_calls() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["ps", "--state", "foo"])
        .code(1)
        .stdout("")
        .stderr_contains("\"foo\"")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn ps_name_pattern() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a", "--name", "side|busy"])
        .stdout(text(
            r#"
CONTAINER           IMAGE                              CREATED             STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
1111111111111       6210c0bf05396                      23 seconds ago      Created             sidecar             2                   a1b2c3d4e5f60       nginx-sandbox       default
fedcba9876543       docker.io/library/busybox:latest   2 hours ago         Exited              busybox             3                   ffeeddccbbaa9       unknown             unknown
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(ANY));
}

#[test]
fn ps_namespace_pattern() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a", "--namespace", "def"])
        .stdout(text(
            r#"
CONTAINER           IMAGE               CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
1111111111111       6210c0bf05396       23 seconds ago       Created             sidecar             2                   a1b2c3d4e5f60       nginx-sandbox       default
0123456789abc       5be1ecc7935f1       About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(ANY));
}

const SIDECAR_TABLE: &str = r#"
CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
1111111111111       6210c0bf05396       23 seconds ago      Created             sidecar             2                   a1b2c3d4e5f60       nginx-sandbox       default
"#;

#[test]
fn ps_label_selector() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a", "--label", "tier=x"])
        .stdout(text(SIDECAR_TABLE))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        listing("filter { label_selector { key: \"tier\" value: \"x\" } }")
    );
}

#[test]
fn ps_labels_comma_separated() {
    let fake = Fake::start(sample(Clock::Live));
    let labels = "tier=x,io.kubernetes.pod.name=nginx-sandbox";
    fake.crictl(&["ps", "-a", "--label", labels, "-q"])
        .stdout(&format!("{CTR_SIDECAR}\n"))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        listing(concat!(
            "filter { label_selector { key: \"io.kubernetes.pod.name\" value: \"nginx-sandbox\" } ",
            "label_selector { key: \"tier\" value: \"x\" } }"
        ))
    );
}

#[test]
fn ps_bad_label_no_calls() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "--label", "foo"])
        .code(1)
        .stdout("")
        .stderr_contains("\"foo\"")
        .run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn ps_bad_output_no_calls() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-o", "foo"])
        .code(1)
        .stdout("")
        .stderr_contains("\"foo\"")
        .run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn ps_latest_any_state() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-l"])
        .stdout(text(SIDECAR_TABLE))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(ANY));
}

#[test]
fn ps_last_two() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-n", "2"])
        .stdout(text(
            r#"
CONTAINER           IMAGE               CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
1111111111111       6210c0bf05396       23 seconds ago       Created             sidecar             2                   a1b2c3d4e5f60       nginx-sandbox       default
0123456789abc       5be1ecc7935f1       About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(ANY));
}

#[test]
fn ps_pod_prefix() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a", "-p", "a1b2"])
        .stdout(text(
            r#"
CONTAINER           IMAGE               CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
1111111111111       6210c0bf05396       23 seconds ago       Created             sidecar             2                   a1b2c3d4e5f60       nginx-sandbox       default
0123456789abc       5be1ecc7935f1       About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing("filter { pod_sandbox_id: \"a1b2\" }"));
}

const NGINX_TABLE: &str = r#"
CONTAINER           IMAGE               CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE
0123456789abc       5be1ecc7935f1       About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default
"#;

#[test]
fn ps_image_compares_ids() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "-a", "--image", "docker.io/library/nginx:latest"])
        .stdout(text(NGINX_TABLE))
        .stderr_empty()
        .run();
    let mut expected = listing(ANY);
    for container_image in [
        "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65",
        "docker.io/library/busybox:latest",
        "sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df",
    ] {
        expected.push("ImageStatus image { image: \"docker.io/library/nginx:latest\" }".to_owned());
        expected.push(format!(
            "ImageStatus image {{ image: \"{container_image}\" }}"
        ));
    }
    assert_eq!(fake.calls(), expected);
}

#[test]
fn ps_id_prefix() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["ps", "--id", "0123"])
        .stdout(text(NGINX_TABLE))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        listing("filter { id: \"0123\" state { state: CONTAINER_RUNNING } }")
    );
}

#[test]
fn ps_json_running() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["ps", "-o", "json"])
        .stdout(text(
            r#"
{
  "containers": [
    {
      "id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "podSandboxId": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "metadata": {
        "name": "nginx",
        "attempt": 0
      },
      "image": {
        "image": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65",
        "annotations": {},
        "userSpecifiedImage": "",
        "runtimeHandler": "",
        "imageRef": ""
      },
      "imageRef": "docker.io/library/nginx@sha256:05aa",
      "state": "CONTAINER_RUNNING",
      "createdAt": "1796413862238936368",
      "labels": {
        "io.kubernetes.pod.name": "nginx-sandbox",
        "io.kubernetes.pod.namespace": "default"
      },
      "annotations": {
        "a": "2",
        "z": "1"
      },
      "imageId": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65"
    }
  ]
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), listing(RUNNING));
}

#[test]
fn ps_yaml_running() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["ps", "-o", "yaml"])
        .stdout(text(
            r#"
containers:
- annotations:
    a: "2"
    z: "1"
  createdAt: "1796413862238936368"
  id: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  image:
    annotations: {}
    image: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
    imageRef: ""
    runtimeHandler: ""
    userSpecifiedImage: ""
  imageId: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
  imageRef: docker.io/library/nginx@sha256:05aa
  labels:
    io.kubernetes.pod.name: nginx-sandbox
    io.kubernetes.pod.namespace: default
  metadata:
    attempt: 0
    name: nginx
  podSandboxId: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
  state: CONTAINER_RUNNING

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn ps_streamed_when_list_too_large() {
    let mut state = sample(Clock::Live);
    state.stream_batch = Some(1);
    state.faults.insert(
        "ListContainers".to_owned(),
        (
            Code::ResourceExhausted,
            "grpc: trying to send message larger than max".to_owned(),
        ),
    );
    let fake = Fake::start(state);
    fake.crictl(&["ps", "-q", "-a"])
        .stdout(&format!(
            "{CTR_SIDECAR}\n{CTR_NGINX}\n{}\n",
            support::fixture::CTR_BUSYBOX
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ImageFsInfo ",
            "ListContainers filter { }",
            "StreamContainers filter { }",
        ])
    );
}

/// The sample node with a runtime that returns every container whatever
/// the filter.
fn ignoring_filters(clock: Clock) -> Fake {
    let mut state = sample(clock);
    state.ignore_filters = true;
    Fake::start(state)
}

#[test]
fn ignored_filters_table() {
    let fake = ignoring_filters(Clock::Live);
    fake.crictl(&["ps"]).stdout(text(NGINX_TABLE)).run();
    fake.crictl(&["ps", "-a", "--label", "tier=x"])
        .stdout(text(SIDECAR_TABLE))
        .run();
    fake.crictl(&["ps", "--pod", "a1b2"])
        .stdout(text(NGINX_TABLE))
        .run();
    fake.crictl(&["ps", "-a", "--id", "0123"])
        .stdout(text(NGINX_TABLE))
        .run();
}

#[test]
fn ignored_filters_quiet() {
    let fake = ignoring_filters(Clock::Live);
    fake.crictl(&["ps", "-q"])
        .stdout(&format!("{CTR_NGINX}\n"))
        .run();
    fake.crictl(&["ps", "-q", "--label", "tier=x"])
        .stdout("")
        .run();
    fake.crictl(&["ps", "-q", "-a", "--pod", "ffee"])
        .stdout(&format!("{}\n", support::fixture::CTR_BUSYBOX))
        .run();
    fake.crictl(&["ps", "-q", "-a", "--id", "1111"])
        .stdout(&format!("{CTR_SIDECAR}\n"))
        .run();
    fake.crictl(&["ps", "-q", "--state", "created"])
        .stdout(&format!("{CTR_SIDECAR}\n"))
        .run();
}

#[test]
fn ignored_label_filter_json() {
    let fake = ignoring_filters(Clock::Recorded);
    fake.crictl(&["ps", "-a", "--label", "tier=x", "-o", "json"])
        .stdout(text(
            r#"
{
  "containers": [
    {
      "id": "1111111111111111222222222222222233333333333333334444444444444444",
      "podSandboxId": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "metadata": {
        "name": "sidecar",
        "attempt": 2
      },
      "image": {
        "image": "sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df",
        "annotations": {},
        "userSpecifiedImage": "",
        "runtimeHandler": "",
        "imageRef": ""
      },
      "imageRef": "sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df",
      "state": "CONTAINER_CREATED",
      "createdAt": "1796413927238936368",
      "labels": {
        "io.kubernetes.pod.name": "nginx-sandbox",
        "io.kubernetes.pod.namespace": "default",
        "tier": "x"
      },
      "annotations": {},
      "imageId": ""
    }
  ]
}
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn ignored_pod_filter_json() {
    let fake = ignoring_filters(Clock::Recorded);
    let outcome = fake
        .crictl(&["ps", "-a", "--pod", "ffee", "-o", "json"])
        .stderr_empty()
        .run();
    let document: serde_json::Value =
        serde_json::from_str(&outcome.stdout).expect("ps -o json prints JSON");
    let ids: Vec<&str> = document["containers"]
        .as_array()
        .expect("a containers list")
        .iter()
        .map(|container| container["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, [support::fixture::CTR_BUSYBOX]);
}

#[test]
fn list_unavailable_error() {
    let mut state = sample(Clock::Live);
    state.fail(
        "ListContainers",
        tonic::Code::Unavailable,
        "containerd is restarting",
    );
    let fake = Fake::start(state);
    let outcome = fake
        .crictl(&["ps"])
        .code(1)
        .stdout("")
        .stderr_contains("containerd is restarting")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert!(
        outcome.stderr.starts_with("crictl: error: "),
        "{}",
        outcome.report()
    );
}

#[test]
fn list_timeout_bounded() {
    let mut state = sample(Clock::Live);
    state.delay("ListContainers", std::time::Duration::from_secs(10));
    let fake = Fake::start(state);
    let outcome = fake
        .crictl(&["--timeout", "1s", "ps"])
        .code(1)
        .stdout("")
        .stderr_contains("timed out")
        .stderr_contains("1s")
        .run();
    assert!(
        outcome.elapsed < std::time::Duration::from_secs(5),
        "{}",
        outcome.report()
    );
}
