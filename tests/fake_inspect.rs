//! `inspect`, `inspectp` and `inspecti` against the fake runtime: status
//! documents with the runtime's verbose info in JSON, YAML, table and
//! template form, several IDs, filters in place of IDs, and lookup errors.

mod support;

use support::fixture::{CTR_BUSYBOX, CTR_NGINX, CTR_SIDECAR};
use support::{Clock, Fake, calls, sample, text};

fn status_calls(requests: &[&str]) -> Vec<String> {
    let mut lines = calls(&["Version ", "ImageFsInfo "]);
    lines.extend(
        requests
            .iter()
            .map(|request| format!("ContainerStatus {request}")),
    );
    lines
}

#[test]
fn inspect_verbose_json() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["inspect", "0123"])
        .stdout(text(
            r#"
{
  "info": {
    "pid": 4242,
    "sandboxID": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
  },
  "plain": "quoted",
  "status": {
    "annotations": {
      "a": "2",
      "z": "1"
    },
    "createdAt": "2026-12-04T19:51:02.238936368Z",
    "exitCode": 0,
    "finishedAt": "0001-01-01T00:00:00Z",
    "id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "image": {
      "annotations": {},
      "image": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65",
      "imageRef": "",
      "runtimeHandler": "",
      "userSpecifiedImage": ""
    },
    "imageId": "",
    "imageRef": "docker.io/library/nginx@sha256:05aa",
    "labels": {
      "io.kubernetes.pod.name": "nginx-sandbox",
      "io.kubernetes.pod.namespace": "default"
    },
    "logPath": "/var/lib/fakecri/logs/nginx/0.log",
    "message": "",
    "metadata": {
      "attempt": 0,
      "name": "nginx"
    },
    "mounts": [],
    "reason": "",
    "resources": null,
    "startedAt": "2026-12-04T19:51:03.238936368Z",
    "state": "CONTAINER_RUNNING",
    "stopSignal": "RUNTIME_DEFAULT",
    "user": null
  }
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        status_calls(&["container_id: \"0123\" verbose: true"])
    );
}

#[test]
fn inspect_quiet_exited() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["inspect", "-q", "fedc"])
        .stdout(text(
            r#"
{
  "status": {
    "annotations": {},
    "createdAt": "2026-12-04T17:52:17.238936368Z",
    "exitCode": 137,
    "finishedAt": "2026-12-04T17:52:22.238936368Z",
    "id": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
    "image": {
      "annotations": {},
      "image": "docker.io/library/busybox:latest",
      "imageRef": "",
      "runtimeHandler": "",
      "userSpecifiedImage": ""
    },
    "imageId": "",
    "imageRef": "sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91",
    "labels": {},
    "logPath": "/var/lib/fakecri/logs/busybox/3.log",
    "message": "",
    "metadata": {
      "attempt": 3,
      "name": "busybox"
    },
    "mounts": [],
    "reason": "Error",
    "resources": null,
    "startedAt": "2026-12-04T17:52:18.238936368Z",
    "state": "CONTAINER_EXITED",
    "stopSignal": "RUNTIME_DEFAULT",
    "user": null
  }
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), status_calls(&["container_id: \"fedc\""]));
}

#[test]
fn inspect_quiet_yaml() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["inspect", "-o", "yaml", "-q", "0123"])
        .stdout(text(
            r#"
status:
  annotations:
    a: "2"
    z: "1"
  createdAt: "2026-12-04T19:51:02.238936368Z"
  exitCode: 0
  finishedAt: "0001-01-01T00:00:00Z"
  id: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  image:
    annotations: {}
    image: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
    imageRef: ""
    runtimeHandler: ""
    userSpecifiedImage: ""
  imageId: ""
  imageRef: docker.io/library/nginx@sha256:05aa
  labels:
    io.kubernetes.pod.name: nginx-sandbox
    io.kubernetes.pod.namespace: default
  logPath: /var/lib/fakecri/logs/nginx/0.log
  message: ""
  metadata:
    attempt: 0
    name: nginx
  mounts: []
  reason: ""
  resources: null
  startedAt: "2026-12-04T19:51:03.238936368Z"
  state: CONTAINER_RUNNING
  stopSignal: RUNTIME_DEFAULT
  user: null

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn inspect_table_two_ids() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["inspect", "-o", "table", "0123", "fedc"])
        .stdout(concat!(
            "ID: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
            "Name: nginx\n",
            "State: CONTAINER_RUNNING\n",
            "Created: About a minute ago\n",
            "Started: About a minute ago\n",
            "Labels:\n",
            "\tio.kubernetes.pod.name -> nginx-sandbox\n",
            "\tio.kubernetes.pod.namespace -> default\n",
            "Annotations:\n",
            "\ta -> 2\n",
            "\tz -> 1\n",
            "Info: map[info:{\"pid\": 4242, \"sandboxID\": \"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\"} plain:\"quoted\"]\n",
            "ID: fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n",
            "Name: busybox\n",
            "Attempt: 3\n",
            "State: CONTAINER_EXITED\n",
            "Created: 2 hours ago\n",
            "Started: 2 hours ago\n",
            "Finished: 2 hours ago\n",
            "Exit Code: 137\n",
            "Info: map[info:{\"pid\": 4242, \"sandboxID\": \"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\"} plain:\"quoted\"]\n",
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        status_calls(&[
            "container_id: \"0123\" verbose: true",
            "container_id: \"fedc\" verbose: true",
        ])
    );
}

#[test]
fn inspect_template_fields() {
    let fake = Fake::start(sample(Clock::Live));
    let template = "{{.status.id}} {{.info.pid}} {{json .status.metadata}}";
    fake.crictl(&[
        "inspect",
        "-o",
        "go-template",
        "--template",
        template,
        "0123",
    ])
    .stdout(&format!(
        "{CTR_NGINX} 4242 {{\"attempt\":0,\"name\":\"nginx\"}}\n\n"
    ))
    .stderr_empty()
    .run();
}

#[test]
fn inspect_two_ids_array() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["inspect", "-q", "0123", "fedc"])
        .stdout(text(
            r#"
[
  {
    "status": {
      "annotations": {
        "a": "2",
        "z": "1"
      },
      "createdAt": "2026-12-04T19:51:02.238936368Z",
      "exitCode": 0,
      "finishedAt": "0001-01-01T00:00:00Z",
      "id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "image": {
        "annotations": {},
        "image": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65",
        "imageRef": "",
        "runtimeHandler": "",
        "userSpecifiedImage": ""
      },
      "imageId": "",
      "imageRef": "docker.io/library/nginx@sha256:05aa",
      "labels": {
        "io.kubernetes.pod.name": "nginx-sandbox",
        "io.kubernetes.pod.namespace": "default"
      },
      "logPath": "/var/lib/fakecri/logs/nginx/0.log",
      "message": "",
      "metadata": {
        "attempt": 0,
        "name": "nginx"
      },
      "mounts": [],
      "reason": "",
      "resources": null,
      "startedAt": "2026-12-04T19:51:03.238936368Z",
      "state": "CONTAINER_RUNNING",
      "stopSignal": "RUNTIME_DEFAULT",
      "user": null
    }
  },
  {
    "status": {
      "annotations": {},
      "createdAt": "2026-12-04T17:52:17.238936368Z",
      "exitCode": 137,
      "finishedAt": "2026-12-04T17:52:22.238936368Z",
      "id": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
      "image": {
        "annotations": {},
        "image": "docker.io/library/busybox:latest",
        "imageRef": "",
        "runtimeHandler": "",
        "userSpecifiedImage": ""
      },
      "imageId": "",
      "imageRef": "sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91",
      "labels": {},
      "logPath": "/var/lib/fakecri/logs/busybox/3.log",
      "message": "",
      "metadata": {
        "attempt": 3,
        "name": "busybox"
      },
      "mounts": [],
      "reason": "Error",
      "resources": null,
      "startedAt": "2026-12-04T17:52:18.238936368Z",
      "state": "CONTAINER_EXITED",
      "stopSignal": "RUNTIME_DEFAULT",
      "user": null
    }
  }
]
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        status_calls(&["container_id: \"0123\"", "container_id: \"fedc\""])
    );
}

#[test]
fn template_range_over_ids() {
    let fake = Fake::start(sample(Clock::Live));
    let template = "{{range .}}{{.status.metadata.name}} {{end}}";
    fake.crictl(&[
        "inspect",
        "-o",
        "go-template",
        "--template",
        template,
        "0123",
        "fedc",
    ])
    .stdout("nginx busybox \n")
    .stderr_empty()
    .run();
}

#[test]
fn template_falls_back_per_item() {
    // `.status` fails on the array of two documents, so each document is
    // rendered on its own line.
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&[
        "inspect",
        "-o",
        "go-template",
        "--template",
        "{{.status.id}}",
        "0123",
        "fedc",
    ])
    .stdout(&format!("{CTR_NGINX}\n{CTR_BUSYBOX}\n"))
    .stderr_empty()
    .run();
}

#[test]
fn inspect_filters_without_ids() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&[
        "inspect",
        "-a",
        "--name",
        "side",
        "-o",
        "go-template",
        "--template",
        "{{.status.id}}",
    ])
    .stdout(&format!("{CTR_SIDECAR}\n"))
    .stderr_empty()
    .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ImageFsInfo ",
            "ListContainers filter { }",
            &format!("ContainerStatus container_id: \"{CTR_SIDECAR}\" verbose: true"),
        ])
    );
}

#[test]
fn inspect_nothing_found_help() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["inspect", "--name", "nomatch"])
        .stderr_contains("no container")
        .run();
    assert!(outcome.stdout.contains("inspect"), "{}", outcome.report());
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ImageFsInfo ",
            "ListContainers filter { state { state: CONTAINER_RUNNING } }",
        ])
    );
}

#[test]
fn inspect_not_found_error() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["inspect", "nonexist"])
        .code(1)
        .stdout("")
        .stderr_contains("nonexist")
        .stderr_contains("not found")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert_eq!(
        fake.calls(),
        status_calls(&["container_id: \"nonexist\" verbose: true"])
    );
}

#[test]
fn inspect_flag_after_id() {
    // As in crictl, options end at the first ID, so `-o` is taken as an ID.
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["inspect", "0123", "-o", "yaml"])
        .code(1)
        .stdout("")
        .stderr_contains("\"-o\"")
        .run();
    assert_eq!(
        fake.calls(),
        status_calls(&[
            "container_id: \"0123\" verbose: true",
            "container_id: \"-o\" verbose: true",
        ])
    );
}

#[test]
fn inspectp_verbose_json() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["inspectp", "a1b2"])
        .stdout(text(
            r#"
{
  "info": {
    "image": "registry.k8s.io/pause:3.9",
    "pid": 42
  },
  "status": {
    "annotations": {
      "anno": "x",
      "empty": "",
      "html": "\u003ca\u0026b\u003e",
      "long": "lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ",
      "multi": "l1\nl2",
      "num": "0123",
      "yes": "yes"
    },
    "createdAt": "2026-12-04T19:50:47.238936368Z",
    "id": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "labels": {
      "app": "nginx"
    },
    "linux": null,
    "metadata": {
      "attempt": 1,
      "name": "nginx-sandbox",
      "namespace": "default",
      "uid": "uid-1"
    },
    "network": {
      "additionalIps": [
        {
          "ip": "fd00::2"
        }
      ],
      "ip": "10.0.0.2"
    },
    "runtimeHandler": "",
    "state": "SANDBOX_READY"
  }
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "PodSandboxStatus pod_sandbox_id: \"a1b2\" verbose: true"
        ])
    );
}

#[test]
fn inspectp_table_view() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["inspectp", "-o", "table", "a1b2"])
        .stdout(concat!(
            "ID: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\n",
            "Name: nginx-sandbox\n",
            "UID: uid-1\n",
            "Namespace: default\n",
            "Attempt: 1\n",
            "Status: SANDBOX_READY\n",
            "Created: 2026-12-04 19:50:47.238936368 +0000 UTC\n",
            "IP Addresses: 10.0.0.2\n",
            "Additional IP: fd00::2\n",
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
            "Info: map[info:{\"pid\": 42, \"image\": \"registry.k8s.io/pause:3.9\"}]\n",
        ))
        .stderr_empty()
        .run();
}

#[test]
fn inspectp_quiet_yaml() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["inspectp", "-q", "-o", "yaml", "ffee"])
        .stdout(text(
            r#"
status:
  annotations: {}
  createdAt: "2026-12-01T19:52:17.238936368Z"
  id: ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
  labels: {}
  linux: null
  metadata:
    attempt: 0
    name: busy-pod
    namespace: kube-system
    uid: uid-2
  network:
    additionalIps:
    - ip: fd00::2
    ip: 10.0.0.2
  runtimeHandler: runc
  state: SANDBOX_NOTREADY

"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "PodSandboxStatus pod_sandbox_id: \"ffee\""])
    );
}

#[test]
fn inspectp_not_found_error() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["inspectp", "0000"])
        .code(1)
        .stdout("")
        .stderr_contains("0000")
        .stderr_contains("not found")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
}

#[test]
fn inspecti_verbose_json() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["inspecti", "nginx"])
        .stdout(text(
            r#"
{
  "info": {
    "chainID": "sha256:abc",
    "imageSpec": {
      "os": "linux"
    }
  },
  "status": {
    "id": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65",
    "pinned": false,
    "repoDigests": [
      "docker.io/library/nginx@sha256:05aa73005987caaed48ea8213696b0df761ccd600d2c53fc0a1a97a180301d71"
    ],
    "repoTags": [
      "docker.io/library/nginx:latest"
    ],
    "size": "191000000",
    "username": ""
  }
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "ImageFsInfo ",
            "ImageStatus image { image: \"nginx\" } verbose: true"
        ])
    );
}

#[test]
fn inspecti_table_view() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["inspecti", "-o", "table", "busybox:latest"])
        .stdout(text(
            r#"
ID: sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91
Tag: docker.io/library/busybox:latest
Tag: docker.io/library/busybox:1.36
Digest: docker.io/library/busybox@sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414
Size: 4.5MB
Info: map[info:{"chainID": "sha256:abc", "imageSpec": {"os": "linux"}}]
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn inspecti_missing_image() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["inspecti", "nope"])
        .code(1)
        .stdout("")
        .stderr_contains("\"nope\"")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert_eq!(
        fake.calls(),
        calls(&[
            "ImageFsInfo ",
            "ImageStatus image { image: \"nope\" } verbose: true"
        ])
    );
}

#[test]
fn inspecti_template_missing_key() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&[
        "inspecti",
        "-o",
        "go-template",
        "--template",
        "{{.status.nope}}",
        "nginx",
    ])
    .code(1)
    .stdout("")
    .stderr_contains("nope")
    .run();
}
