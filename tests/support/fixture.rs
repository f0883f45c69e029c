//! A sample node for the fake runtime: two pods, three containers and four
//! images, with the verbose info maps, runtime status and image filesystem
//! usage that the golden outputs of the tests show.

use std::collections::BTreeMap;

use crictl_rs::proto::cri;

use super::fake::State;
use super::service::now_nanos;

pub const SECOND: i64 = 1_000_000_000;
const HOUR: i64 = 3600 * SECOND;
const DAY: i64 = 24 * HOUR;

/// The moment the sample's absolute times are measured from:
/// 2026-12-04T19:52:30.238936368Z.
pub const RECORDED_NOW: i64 = 1_796_413_950_238_936_368;

pub const POD_NGINX: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
pub const POD_BUSY: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
pub const CTR_NGINX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
pub const CTR_BUSYBOX: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
pub const CTR_SIDECAR: &str = "1111111111111111222222222222222233333333333333334444444444444444";
pub const IMG_NGINX: &str =
    "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65";
pub const IMG_BUSYBOX: &str =
    "sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91";
pub const IMG_PAUSE: &str =
    "sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df";
pub const IMG_ODD: &str = "sha256:990cb8ebd0afb7150da453a213036a92f2c05e091df0d803e62d257ea7796c27";

/// How the sample's times are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Fixed times measured from [`RECORDED_NOW`], for outputs that print
    /// absolute times (JSON, YAML, `pods -v`).
    Recorded,
    /// Times measured from the moment of each call, so that ages such as
    /// "23 seconds ago" come out the same on every run.
    Live,
}

/// Builds the sample node with the times `clock` sets.
///
/// Times before "now": pod nginx-sandbox 103 s, pod busy-pod 3 days 13 s,
/// container nginx 88 s (started 87 s), container sidecar 23 s, container
/// busybox 2 h 13 s (started 1 s and finished 5 s after creation).
pub fn sample(clock: Clock) -> State {
    let now = match clock {
        Clock::Recorded => RECORDED_NOW,
        Clock::Live => now_nanos(),
    };
    let mut state = State {
        version: cri::VersionResponse {
            version: "0.1.0".to_owned(),
            runtime_name: "fakecri".to_owned(),
            runtime_version: "1.2.3".to_owned(),
            runtime_api_version: "v1".to_owned(),
        },
        status: runtime_status(),
        image_fs: image_fs(),
        new_pod_id: "newpod0123456789".to_owned(),
        new_container_id: "newctr0123456789".to_owned(),
        clock_anchor: (clock == Clock::Live).then_some(now),
        ..Default::default()
    };
    add_pods(&mut state, now);
    add_containers(&mut state, now);
    add_images(&mut state);
    state
}

/// Builds a string map from literal pairs.
pub fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn runtime_status() -> cri::StatusResponse {
    let condition = |kind: &str, status: bool, reason: &str, message: &str| cri::RuntimeCondition {
        r#type: kind.to_owned(),
        status,
        reason: reason.to_owned(),
        message: message.to_owned(),
    };
    cri::StatusResponse {
        status: Some(cri::RuntimeStatus {
            conditions: vec![
                condition("RuntimeReady", true, "", ""),
                condition(
                    "NetworkReady",
                    false,
                    "NetworkPluginNotReady",
                    "cni not ready",
                ),
            ],
        }),
        info: map(&[
            ("config", r#"{"foo": "bar", "n": 1}"#),
            ("golang", r#""go1.22""#),
            ("list", r#"["a","b"]"#),
        ]),
        runtime_handlers: vec![
            cri::RuntimeHandler {
                name: String::new(),
                features: Some(cri::RuntimeHandlerFeatures {
                    recursive_read_only_mounts: true,
                    user_namespaces: false,
                }),
            },
            cri::RuntimeHandler {
                name: "runc".to_owned(),
                features: Some(cri::RuntimeHandlerFeatures {
                    recursive_read_only_mounts: true,
                    user_namespaces: true,
                }),
            },
        ],
        features: Some(cri::RuntimeFeatures {
            supplemental_groups_policy: true,
            ..Default::default()
        }),
    }
}

fn image_fs() -> cri::ImageFsInfoResponse {
    cri::ImageFsInfoResponse {
        image_filesystems: vec![cri::FilesystemUsage {
            timestamp: 1_700_000_000_000_000_000,
            fs_id: Some(cri::FilesystemIdentifier {
                mountpoint: "/var/lib/fake/images".to_owned(),
            }),
            used_bytes: Some(cri::UInt64Value { value: 123_456_789 }),
            inodes_used: Some(cri::UInt64Value { value: 4321 }),
        }],
        container_filesystems: Vec::new(),
    }
}

fn pod_metadata(
    name: &str,
    uid: &str,
    namespace: &str,
    attempt: u32,
) -> Option<cri::PodSandboxMetadata> {
    Some(cri::PodSandboxMetadata {
        name: name.to_owned(),
        uid: uid.to_owned(),
        namespace: namespace.to_owned(),
        attempt,
    })
}

fn add_pods(state: &mut State, now: i64) {
    let long = "lorem ipsum dolor sit amet ".repeat(5);
    let nginx = cri::PodSandbox {
        id: POD_NGINX.to_owned(),
        metadata: pod_metadata("nginx-sandbox", "uid-1", "default", 1),
        state: cri::PodSandboxState::SandboxReady as i32,
        created_at: now - 103 * SECOND,
        labels: map(&[("app", "nginx")]),
        annotations: map(&[
            ("anno", "x"),
            ("empty", ""),
            ("html", "<a&b>"),
            ("long", long.as_str()),
            ("multi", "l1\nl2"),
            ("num", "0123"),
            ("yes", "yes"),
        ]),
        runtime_handler: String::new(),
    };
    let busy = cri::PodSandbox {
        id: POD_BUSY.to_owned(),
        metadata: pod_metadata("busy-pod", "uid-2", "kube-system", 0),
        state: cri::PodSandboxState::SandboxNotready as i32,
        created_at: now - 3 * DAY - 13 * SECOND,
        runtime_handler: "runc".to_owned(),
        ..Default::default()
    };
    for pod in [nginx, busy] {
        let status = cri::PodSandboxStatus {
            id: pod.id.clone(),
            metadata: pod.metadata.clone(),
            state: pod.state,
            created_at: pod.created_at,
            network: Some(cri::PodSandboxNetworkStatus {
                ip: "10.0.0.2".to_owned(),
                additional_ips: vec![cri::PodIp {
                    ip: "fd00::2".to_owned(),
                }],
            }),
            linux: None,
            labels: pod.labels.clone(),
            annotations: pod.annotations.clone(),
            runtime_handler: pod.runtime_handler.clone(),
        };
        let info = map(&[(
            "info",
            r#"{"pid": 42, "image": "registry.k8s.io/pause:3.9"}"#,
        )]);
        state.pod_statuses.insert(
            pod.id.clone(),
            cri::PodSandboxStatusResponse {
                status: Some(status),
                info,
                ..Default::default()
            },
        );
        state.pods.push(pod);
    }
}

fn pod_labels(pod: &str) -> BTreeMap<String, String> {
    map(&[
        ("io.kubernetes.pod.name", pod),
        ("io.kubernetes.pod.namespace", "default"),
    ])
}

fn image_spec(image: &str) -> Option<cri::ImageSpec> {
    Some(cri::ImageSpec {
        image: image.to_owned(),
        ..Default::default()
    })
}

/// The times of a container: created, started and finished, 0 when unset.
struct Times(i64, i64, i64);

fn add_container(
    state: &mut State,
    container: cri::Container,
    times: Times,
    exit: (i32, &str),
    log: &str,
) {
    let Times(created, started, finished) = times;
    let container = cri::Container {
        created_at: created,
        ..container
    };
    let status = cri::ContainerStatus {
        id: container.id.clone(),
        metadata: container.metadata.clone(),
        state: container.state,
        created_at: created,
        started_at: started,
        finished_at: finished,
        exit_code: exit.0,
        image: container.image.clone(),
        image_ref: container.image_ref.clone(),
        reason: exit.1.to_owned(),
        labels: container.labels.clone(),
        annotations: container.annotations.clone(),
        log_path: log.to_owned(),
        ..Default::default()
    };
    let sandbox = format!(
        r#"{{"pid": 4242, "sandboxID": "{}"}}"#,
        container.pod_sandbox_id
    );
    let info = map(&[("info", sandbox.as_str()), ("plain", r#""quoted""#)]);
    state.container_statuses.insert(
        container.id.clone(),
        cri::ContainerStatusResponse {
            status: Some(status),
            info,
        },
    );
    state.containers.push(container);
}

fn add_containers(state: &mut State, now: i64) {
    let nginx = cri::Container {
        id: CTR_NGINX.to_owned(),
        pod_sandbox_id: POD_NGINX.to_owned(),
        metadata: Some(cri::ContainerMetadata {
            name: "nginx".to_owned(),
            attempt: 0,
        }),
        image: image_spec(IMG_NGINX),
        image_ref: "docker.io/library/nginx@sha256:05aa".to_owned(),
        state: cri::ContainerState::ContainerRunning as i32,
        labels: pod_labels("nginx-sandbox"),
        annotations: map(&[("a", "2"), ("z", "1")]),
        image_id: IMG_NGINX.to_owned(),
        ..Default::default()
    };
    let nginx_times = Times(now - 88 * SECOND, now - 87 * SECOND, 0);
    add_container(
        state,
        nginx,
        nginx_times,
        (0, ""),
        "/var/lib/fakecri/logs/nginx/0.log",
    );

    let busybox = cri::Container {
        id: CTR_BUSYBOX.to_owned(),
        pod_sandbox_id: POD_BUSY.to_owned(),
        metadata: Some(cri::ContainerMetadata {
            name: "busybox".to_owned(),
            attempt: 3,
        }),
        image: image_spec("docker.io/library/busybox:latest"),
        image_ref: IMG_BUSYBOX.to_owned(),
        state: cri::ContainerState::ContainerExited as i32,
        ..Default::default()
    };
    let created = now - 2 * HOUR - 13 * SECOND;
    let busybox_times = Times(created, created + SECOND, created + 5 * SECOND);
    add_container(
        state,
        busybox,
        busybox_times,
        (137, "Error"),
        "/var/lib/fakecri/logs/busybox/3.log",
    );

    let mut sidecar_labels = pod_labels("nginx-sandbox");
    sidecar_labels.insert("tier".to_owned(), "x".to_owned());
    let sidecar = cri::Container {
        id: CTR_SIDECAR.to_owned(),
        pod_sandbox_id: POD_NGINX.to_owned(),
        metadata: Some(cri::ContainerMetadata {
            name: "sidecar".to_owned(),
            attempt: 2,
        }),
        image: image_spec(IMG_PAUSE),
        image_ref: IMG_PAUSE.to_owned(),
        state: cri::ContainerState::ContainerCreated as i32,
        labels: sidecar_labels,
        ..Default::default()
    };
    add_container(state, sidecar, Times(now - 23 * SECOND, 0, 0), (0, ""), "");
}

fn image(id: &str, tags: &[&str], digests: &[&str], size: u64) -> cri::Image {
    cri::Image {
        id: id.to_owned(),
        repo_tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        repo_digests: digests.iter().map(|digest| (*digest).to_owned()).collect(),
        size,
        ..Default::default()
    }
}

fn add_images(state: &mut State) {
    let nginx = image(
        IMG_NGINX,
        &["docker.io/library/nginx:latest"],
        &[
            "docker.io/library/nginx@sha256:05aa73005987caaed48ea8213696b0df761ccd600d2c53fc0a1a97a180301d71",
        ],
        191_000_000,
    );
    let busybox = cri::Image {
        uid: Some(cri::Int64Value { value: 0 }),
        pinned: true,
        ..image(
            IMG_BUSYBOX,
            &[
                "docker.io/library/busybox:latest",
                "docker.io/library/busybox:1.36",
            ],
            &[
                "docker.io/library/busybox@sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414",
            ],
            4_500_000,
        )
    };
    let pause = image(
        IMG_PAUSE,
        &[],
        &[
            "registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097",
        ],
        750_000,
    );
    let odd = image(IMG_ODD, &["localhost/odd:v1"], &[], 999_600);
    for image in [nginx, busybox, pause, odd] {
        let info = map(&[(
            "info",
            r#"{"chainID": "sha256:abc", "imageSpec": {"os": "linux"}}"#,
        )]);
        state.image_info.insert(image.id.clone(), info);
        state.images.push(image);
    }
}
