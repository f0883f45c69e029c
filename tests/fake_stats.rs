//! `stats` and `statsp` against the fake runtime. The tests cover tables
//! computed from known sample pairs, stale and missing samples, filters the
//! runtime ignores, and JSON and YAML as crictl prints them. They also run
//! `--watch` into a pipe and onto a terminal, and a runtime without the
//! calls.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use crictl_rs::proto::cri;
use support::background::{interrupt, on_terminal, spawn, wait_for};
use support::fixture::{CTR_BUSYBOX, CTR_NGINX, CTR_SIDECAR, POD_BUSY, POD_NGINX, SECOND, map};
use support::{Clock, Fake, State, calls, sample, text};
use tonic::Code;

/// CPU timestamp of the first sample of the recorded node.
const FIRST_SAMPLE: i64 = 1_796_413_954_176_468_489;

const CTR_A: &str = "98a06d318c7bac860d88cf725e88a7e53516e5bb2cfe5b7e3a3ff0473bfe92a8";
const CTR_B: &str = "639da35cfb35d90f60b9fb583482f24e5c9f0763b532f9dfae89591902729878";
const CTR_C: &str = "f7766403702f2b4050fbea600fff0e9ac6bcc49d3f2af352e8324f0c485a55cd";
const POD_A: &str = "9bb860b4a6e4acf959daf85d815086f49d8cfdfacce4f29f84f04e480fa3d7da";

const STATS_HEADER: &str = "CONTAINER           NAME                CPU %               MEM                 DISK                INODES              SWAP\n";
const STATSP_HEADER: &str = "POD                 POD ID              CPU %               MEM\n";

/// Figures of one container in one sample.
struct Usage {
    cpu: Option<(u64, i64)>,
    memory: u64,
    at: i64,
}

fn container_stats(
    id: &str,
    name: &str,
    labels: BTreeMap<String, String>,
    usage: Usage,
) -> cri::ContainerStats {
    let Usage { cpu, memory, at } = usage;
    let value = |value: u64| Some(cri::UInt64Value { value });
    cri::ContainerStats {
        attributes: Some(cri::ContainerAttributes {
            id: id.to_owned(),
            metadata: Some(cri::ContainerMetadata {
                name: name.to_owned(),
                attempt: 0,
            }),
            labels,
            annotations: BTreeMap::new(),
        }),
        cpu: cpu.map(|(usage, timestamp)| cri::CpuUsage {
            timestamp,
            usage_core_nano_seconds: value(usage),
            usage_nano_cores: value(if usage == 0 { 0 } else { 250_000_000 }),
            psi: None,
        }),
        memory: Some(cri::MemoryUsage {
            timestamp: at,
            working_set_bytes: value(memory),
            ..Default::default()
        }),
        writable_layer: Some(cri::FilesystemUsage {
            timestamp: at,
            fs_id: None,
            used_bytes: value(4096),
            inodes_used: value(12),
        }),
        swap: Some(cri::SwapUsage {
            timestamp: at,
            swap_available_bytes: None,
            swap_usage_bytes: value(0),
        }),
        io: None,
    }
}

fn pod_labels(pod: &str) -> BTreeMap<String, String> {
    map(&[
        ("io.kubernetes.pod.name", pod),
        ("io.kubernetes.pod.namespace", "default"),
    ])
}

/// Builds one sample of the recorded node at `at`, in which nginx has used
/// `nginx_cpu` nanoseconds of CPU time and the other two containers none.
/// The runtime lists them out of ID order.
fn node_sample(at: i64, nginx_cpu: u64) -> Vec<cri::ContainerStats> {
    let idle = |id: &str, name: &str| {
        container_stats(
            id,
            name,
            BTreeMap::new(),
            Usage {
                cpu: Some((0, at)),
                memory: 0,
                at,
            },
        )
    };
    vec![
        idle(CTR_SIDECAR, "sidecar"),
        container_stats(
            CTR_NGINX,
            "nginx",
            pod_labels("nginx-sandbox"),
            Usage {
                cpu: Some((nginx_cpu, at)),
                memory: 12_345_678,
                at,
            },
        ),
        idle(CTR_BUSYBOX, "busybox"),
    ]
}

/// Builds the recorded node, where nginx uses a quarter of a core between
/// the two samples.
fn recorded_node() -> State {
    let mut state = sample(Clock::Recorded);
    state.container_stats = vec![
        node_sample(FIRST_SAMPLE, 4_234_383_030),
        node_sample(FIRST_SAMPLE + SECOND, 4_234_383_030 + 250_000_000),
    ];
    state
}

fn stats_calls(filter: &str) -> Vec<String> {
    calls(&[
        "Version ",
        &format!("ListContainerStats {filter}"),
        &format!("ListContainerStats {filter}"),
    ])
}

#[test]
fn stats_running_table() {
    let fake = Fake::start(recorded_node());
    fake.crictl(&["stats", "-s", "0"])
        .stdout(&format!(
            "{STATS_HEADER}0123456789abc       nginx               25.00               12.35MB             4.096kB             12                  0B\n"
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), stats_calls("filter { }"));
}

#[test]
fn stats_all_table() {
    let fake = Fake::start(recorded_node());
    fake.crictl(&["stats", "-a", "-s", "0"])
        .stdout(&format!(
            "{STATS_HEADER}{}",
            text(
                r#"
0123456789abc       nginx               25.00               12.35MB             4.096kB             12                  0B
1111111111111       sidecar             0.00                0B                  4.096kB             12                  0B
fedcba9876543       busybox             0.00                0B                  4.096kB             12                  0B
"#
            )
        ))
        .stderr_empty()
        .run();
}

#[test]
fn stats_default_samples_one_second() {
    let fake = Fake::start(recorded_node());
    let outcome = fake.crictl(&["stats"]).run();
    assert!(
        outcome.elapsed >= Duration::from_secs(1),
        "{:?}",
        outcome.elapsed
    );
}

const NGINX_STATS_JSON: &str = r#"
{
  "stats": [
    {
      "attributes": {
        "id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "metadata": {
          "name": "nginx",
          "attempt": 0
        },
        "labels": {
          "io.kubernetes.pod.name": "nginx-sandbox",
          "io.kubernetes.pod.namespace": "default"
        },
        "annotations": {}
      },
      "cpu": {
        "timestamp": "1796413954176468489",
        "usageCoreNanoSeconds": {
          "value": "4234383030"
        },
        "usageNanoCores": {
          "value": "250000000"
        }
      },
      "memory": {
        "timestamp": "1796413954176468489",
        "workingSetBytes": {
          "value": "12345678"
        }
      },
      "writableLayer": {
        "timestamp": "1796413954176468489",
        "usedBytes": {
          "value": "4096"
        },
        "inodesUsed": {
          "value": "12"
        }
      },
      "swap": {
        "timestamp": "1796413954176468489",
        "swapUsageBytes": {
          "value": "0"
        }
      }
    }
  ]
}
"#;

#[test]
fn stats_json_one_container() {
    let fake = Fake::start(recorded_node());
    fake.crictl(&["stats", "-o", "json", "0123"])
        .stdout(text(NGINX_STATS_JSON))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "ListContainerStats filter { id: \"0123\" }"])
    );
}

#[test]
fn stats_json_filter_ignored() {
    let mut state = recorded_node();
    state.ignore_filters = true;
    let fake = Fake::start(state);
    fake.crictl(&["stats", "-o", "json", "--id", "0123"])
        .stdout(text(NGINX_STATS_JSON))
        .stderr_empty()
        .run();
}

#[test]
fn stats_json_sorted_by_id() {
    let fake = Fake::start(recorded_node());
    let outcome = fake.crictl(&["stats", "-o", "json"]).run();
    let document: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    let ids: Vec<&str> = document["stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stats| stats["attributes"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [CTR_NGINX, CTR_SIDECAR, CTR_BUSYBOX]);
}

#[test]
fn stats_json_empty_list() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["stats", "-o", "json"])
        .stdout("{\n  \"stats\": []\n}\n")
        .stderr_empty()
        .run();
}

#[test]
fn stats_yaml_one_container() {
    let fake = Fake::start(recorded_node());
    fake.crictl(&["stats", "-o", "yaml", "--id", CTR_NGINX])
        .stdout(text(
            r#"
stats:
- attributes:
    annotations: {}
    id: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    labels:
      io.kubernetes.pod.name: nginx-sandbox
      io.kubernetes.pod.namespace: default
    metadata:
      attempt: 0
      name: nginx
  cpu:
    timestamp: "1796413954176468489"
    usageCoreNanoSeconds:
      value: "4234383030"
    usageNanoCores:
      value: "250000000"
  memory:
    timestamp: "1796413954176468489"
    workingSetBytes:
      value: "12345678"
  swap:
    swapUsageBytes:
      value: "0"
    timestamp: "1796413954176468489"
  writableLayer:
    inodesUsed:
      value: "12"
    timestamp: "1796413954176468489"
    usedBytes:
      value: "4096"

"#,
        ))
        .stderr_empty()
        .run();
}

/// Builds a node of three running containers, two of them in pod-a and
/// labelled for namespace team-a, using 10 %, 50 % and 5 % of a core over
/// one second. The fake ignores every filter, as some runtimes do.
fn team_node() -> State {
    let team = |name: &str| map(&[("io.kubernetes.pod.namespace", name)]);
    let usage = |cpu: u64, at: i64| Usage {
        cpu: Some((cpu, at)),
        memory: 1_000_000,
        at,
    };
    let sample_at = |at: i64, scale: u64| {
        vec![
            container_stats(CTR_A, "a", team("team-a"), usage(scale * 100_000_000, at)),
            container_stats(CTR_B, "b", team("team-a"), usage(scale * 500_000_000, at)),
            container_stats(CTR_C, "c", team("team-b"), usage(scale * 50_000_000, at)),
        ]
    };
    let container = |id: &str, pod: &str| cri::Container {
        id: id.to_owned(),
        pod_sandbox_id: pod.to_owned(),
        state: cri::ContainerState::ContainerRunning as i32,
        ..Default::default()
    };
    State {
        version: sample(Clock::Recorded).version,
        containers: vec![
            container(CTR_A, POD_A),
            container(CTR_B, POD_A),
            container(CTR_C, POD_BUSY),
        ],
        container_stats: vec![
            sample_at(FIRST_SAMPLE, 1),
            sample_at(FIRST_SAMPLE + SECOND, 2),
        ],
        ignore_filters: true,
        ..Default::default()
    }
}

const ROW_A: &str = "98a06d318c7ba       a                   10.00               1MB                 4.096kB             12                  0B\n";
const ROW_B: &str = "639da35cfb35d       b                   50.00               1MB                 4.096kB             12                  0B\n";
const ROW_C: &str = "f7766403702f2       c                   5.00                1MB                 4.096kB             12                  0B\n";

#[test]
fn stats_label_ignored_by_runtime() {
    let fake = Fake::start(team_node());
    fake.crictl(&[
        "stats",
        "-s",
        "0",
        "--label",
        "io.kubernetes.pod.namespace=team-a",
    ])
    .stdout(&format!("{STATS_HEADER}{ROW_B}{ROW_A}"))
    .stderr_empty()
    .run();
    let filter =
        "filter { label_selector { key: \"io.kubernetes.pod.namespace\" value: \"team-a\" } }";
    assert_eq!(fake.calls(), stats_calls(filter));
}

#[test]
fn stats_id_ignored_by_runtime() {
    let fake = Fake::start(team_node());
    fake.crictl(&["stats", "-s", "0", "--id", "f776"])
        .stdout(&format!("{STATS_HEADER}{ROW_C}"))
        .stderr_empty()
        .run();
}

#[test]
fn stats_pod_ignored_by_runtime() {
    let fake = Fake::start(team_node());
    fake.crictl(&["stats", "-s", "0", "--pod", "9bb8"])
        .stdout(&format!("{STATS_HEADER}{ROW_B}{ROW_A}"))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ListContainerStats filter { pod_sandbox_id: \"9bb8\" }",
            "ListContainerStats filter { pod_sandbox_id: \"9bb8\" }",
            "ListContainers filter { pod_sandbox_id: \"9bb8\" }",
        ])
    );
}

#[test]
fn stats_stale_sample_shows_dash() {
    let mut state = team_node();
    // ctr-b's second sample repeats the first: same timestamp, more CPU time.
    let stale = state.container_stats[0][1].clone();
    state.container_stats[1][1].cpu = stale.cpu.map(|cpu| cri::CpuUsage {
        usage_core_nano_seconds: Some(cri::UInt64Value { value: 600_000_000 }),
        ..cpu
    });
    let fake = Fake::start(state);
    fake.crictl(&["stats", "-s", "0"])
        .stdout(&format!(
            "{STATS_HEADER}639da35cfb35d       b                   -                   1MB                 4.096kB             12                  0B\n{ROW_A}{ROW_C}"
        ))
        .stderr_empty()
        .run();
}

#[test]
fn stats_one_sample_containers_skipped() {
    let mut state = team_node();
    // ctr-a appears only in the first sample, ctr-c only in the second.
    state.container_stats[0].remove(2);
    state.container_stats[1].remove(0);
    let fake = Fake::start(state);
    fake.crictl(&["stats", "-s", "0"])
        .stdout(&format!("{STATS_HEADER}{ROW_B}"))
        .stderr_empty()
        .run();
}

#[test]
fn stats_unknown_format_prints_table() {
    let fake = Fake::start(team_node());
    fake.crictl(&["stats", "-s", "0", "-o", "wide", "--id", CTR_C])
        .stdout(&format!("{STATS_HEADER}{ROW_C}"))
        .stderr_contains("crictl: warning: unknown output format \"wide\"")
        .run();
}

#[test]
fn stats_two_ids_show_help() {
    let fake = Fake::start(team_node());
    let outcome = fake.crictl(&["stats", CTR_A, CTR_B]).run();
    assert!(
        outcome.stdout.contains("Usage: crictl stats"),
        "{}",
        outcome.stdout
    );
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn stats_bad_label_rejected() {
    let fake = Fake::start(team_node());
    fake.crictl(&["stats", "--label", "foo"])
        .code(1)
        .stderr_contains("crictl: error: invalid label \"foo\": expected key=value")
        .stdout("")
        .run();
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn stats_unimplemented_names_runtime() {
    let mut state = team_node();
    state.fail("ListContainerStats", Code::Unimplemented, "unknown method");
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["stats"]).code(1).stdout("").run();
    assert_eq!(
        outcome.stderr,
        "crictl: error: fakecri 1.2.3 does not implement ListContainerStats, which \"crictl stats\" needs\n"
    );
}

#[test]
fn stats_other_error_reported() {
    let mut state = team_node();
    state.fail("ListContainerStats", Code::Internal, "cgroup gone");
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["stats"]).code(1).stdout("").run();
    assert_eq!(
        outcome.stderr,
        "crictl: error: listing container stats: internal error in the runtime: cgroup gone\n"
    );
}

/// Builds the figures of a pod with `cpu` nanoseconds of CPU time at `at`.
fn pod_stats(id: &str, name: &str, cpu: u64, at: i64) -> cri::PodSandboxStats {
    cri::PodSandboxStats {
        attributes: Some(cri::PodSandboxAttributes {
            id: id.to_owned(),
            metadata: Some(cri::PodSandboxMetadata {
                name: name.to_owned(),
                uid: format!("uid-{name}"),
                namespace: "default".to_owned(),
                attempt: 0,
            }),
            labels: map(&[("app", name)]),
            annotations: BTreeMap::new(),
        }),
        linux: Some(cri::LinuxPodSandboxStats {
            cpu: Some(cri::CpuUsage {
                timestamp: at,
                usage_core_nano_seconds: Some(cri::UInt64Value { value: cpu }),
                usage_nano_cores: None,
                psi: None,
            }),
            memory: Some(cri::MemoryUsage {
                timestamp: at,
                working_set_bytes: Some(cri::UInt64Value { value: 50_000_000 }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        windows: None,
    }
}

/// Builds the recorded node's pods, each using a tenth of a core, listed
/// out of ID order.
fn pod_node() -> State {
    let sample_at = |at: i64, cpu: u64| {
        vec![
            pod_stats(POD_BUSY, "busy-pod", cpu, at),
            pod_stats(POD_NGINX, "nginx-sandbox", cpu, at),
        ]
    };
    let mut state = sample(Clock::Recorded);
    state.pod_stats = vec![
        sample_at(FIRST_SAMPLE, 900_000_000),
        sample_at(FIRST_SAMPLE + SECOND, 1_000_000_000),
    ];
    state
}

#[test]
fn statsp_table() {
    let fake = Fake::start(pod_node());
    fake.crictl(&["statsp", "-s", "0"])
        .stdout(&format!(
            "{STATSP_HEADER}{}",
            text(
                r#"
nginx-sandbox       a1b2c3d4e5f60       10.00               50MB
busy-pod            ffeeddccbbaa9       10.00               50MB
"#
            )
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ListPodSandboxStats filter { }",
            "ListPodSandboxStats filter { }",
        ])
    );
}

#[test]
fn statsp_label_ignored_by_runtime() {
    let mut state = pod_node();
    state.ignore_filters = true;
    let fake = Fake::start(state);
    fake.crictl(&["statsp", "-s", "0", "--label", "app=busy-pod"])
        .stdout(&format!(
            "{STATSP_HEADER}busy-pod            ffeeddccbbaa9       10.00               50MB\n"
        ))
        .stderr_empty()
        .run();
}

#[test]
fn statsp_id_argument_filters() {
    let mut state = pod_node();
    state.ignore_filters = true;
    let fake = Fake::start(state);
    fake.crictl(&["statsp", "-s", "0", "a1b2"])
        .stdout(&format!(
            "{STATSP_HEADER}nginx-sandbox       a1b2c3d4e5f60       10.00               50MB\n"
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls()[1],
        "ListPodSandboxStats filter { id: \"a1b2\" }"
    );
}

#[test]
fn statsp_json_one_pod() {
    let fake = Fake::start(pod_node());
    fake.crictl(&["statsp", "-o", "json", "--id", "ffee"])
        .stdout(text(
            r#"
{
  "stats": [
    {
      "attributes": {
        "id": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
        "metadata": {
          "name": "busy-pod",
          "uid": "uid-busy-pod",
          "namespace": "default",
          "attempt": 0
        },
        "labels": {
          "app": "busy-pod"
        },
        "annotations": {}
      },
      "linux": {
        "cpu": {
          "timestamp": "1796413954176468489",
          "usageCoreNanoSeconds": {
            "value": "900000000"
          }
        },
        "memory": {
          "timestamp": "1796413954176468489",
          "workingSetBytes": {
            "value": "50000000"
          }
        },
        "containers": []
      }
    }
  ]
}
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn statsp_yaml_one_pod() {
    let fake = Fake::start(pod_node());
    fake.crictl(&["statsp", "-o", "yaml", "--id", "ffee"])
        .stdout(text(
            r#"
stats:
- attributes:
    annotations: {}
    id: ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
    labels:
      app: busy-pod
    metadata:
      attempt: 0
      name: busy-pod
      namespace: default
      uid: uid-busy-pod
  linux:
    containers: []
    cpu:
      timestamp: "1796413954176468489"
      usageCoreNanoSeconds:
        value: "900000000"
    memory:
      timestamp: "1796413954176468489"
      workingSetBytes:
        value: "50000000"

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn statsp_stale_sample_shows_dash() {
    let mut state = pod_node();
    state.pod_stats[1] = state.pod_stats[0].clone();
    if let Some(cpu) = state.pod_stats[1][0]
        .linux
        .as_mut()
        .and_then(|linux| linux.cpu.as_mut())
    {
        cpu.usage_core_nano_seconds = Some(cri::UInt64Value { value: 950_000_000 });
    }
    let fake = Fake::start(state);
    fake.crictl(&["statsp", "-s", "0"])
        .stdout(&format!(
            "{STATSP_HEADER}{}",
            text(
                r#"
nginx-sandbox       a1b2c3d4e5f60       -                   50MB
busy-pod            ffeeddccbbaa9       -                   50MB
"#
            )
        ))
        .stderr_empty()
        .run();
}

#[test]
fn statsp_unimplemented_names_runtime() {
    let mut state = pod_node();
    state.fail("ListPodSandboxStats", Code::Unimplemented, "unknown method");
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["statsp"]).code(1).stdout("").run();
    assert_eq!(
        outcome.stderr,
        "crictl: error: fakecri 1.2.3 does not implement ListPodSandboxStats, which \"crictl statsp\" needs\n"
    );
}

/// Builds ten samples a second apart in which ctr-a uses a tenth of a
/// core, so every frame of a watch has a rate.
fn watched_node() -> State {
    let mut state = team_node();
    state.container_stats = (0..10)
        .map(|index| {
            let at = FIRST_SAMPLE + index * SECOND;
            let usage = Usage {
                cpu: Some((u64::try_from(index + 1).unwrap() * 100_000_000, at)),
                memory: 1_000_000,
                at,
            };
            vec![container_stats(CTR_A, "a", BTreeMap::new(), usage)]
        })
        .collect();
    state
}

#[test]
fn stats_watch_pipe_plain_tables() {
    let fake = Fake::start(watched_node());
    let stdout = fake.dir().join("stdout");
    let child = spawn(&fake, &["stats", "-w", "-s", "0"], &stdout);
    wait_for(&stdout, STATS_HEADER, 2);
    interrupt(&child);
    let finished = child.wait_with_output().expect("wait for crictl");

    assert_eq!(finished.status.code(), Some(0));
    let row = "98a06d318c7ba       a                   10.00               1MB                 4.096kB             12                  0B\n";
    let frame = format!("{STATS_HEADER}{row}");
    let content = std::fs::read_to_string(&stdout).unwrap();
    let frames = content.matches(&frame).count();
    assert!(frames >= 2, "{content}");
    assert_eq!(content, frame.repeat(frames));
    assert_eq!(String::from_utf8_lossy(&finished.stderr), "");
}

#[test]
fn stats_watch_terminal_redraws() {
    let fake = Fake::start(watched_node());
    let config = fake.dir().join("crictl.yaml");
    let command = format!(
        "timeout --preserve-status --signal INT 2 {} --config {} -r {} stats -w -s 0",
        env!("CARGO_BIN_EXE_crictl"),
        config.display(),
        fake.endpoint()
    );
    let (screen, code) = on_terminal(&command);

    assert_eq!(code, Some(0), "{screen:?}");
    assert!(screen.starts_with("\x1b[?25l\x1b[H"), "{screen:?}");
    // Each line is cleared to its end; the terminal adds \r to each \n.
    assert!(
        screen.contains("\x1b[HCONTAINER           NAME                CPU %               MEM                 DISK                INODES              SWAP\x1b[K\r\n"),
        "{screen:?}"
    );
    assert!(screen.ends_with("\x1b[J\x1b[?25h"), "{screen:?}");
    assert!(!screen.contains("\x1b[2J"), "{screen:?}");
}

#[test]
fn stats_once_terminal_plain() {
    let fake = Fake::start(watched_node());
    let config = fake.dir().join("crictl.yaml");
    let command = format!(
        "{} --config {} -r {} stats -s 0",
        env!("CARGO_BIN_EXE_crictl"),
        config.display(),
        fake.endpoint()
    );
    let (screen, code) = on_terminal(&command);

    assert_eq!(code, Some(0), "{screen:?}");
    let expected = format!("{STATS_HEADER}{ROW_A}").replace('\n', "\r\n");
    assert_eq!(screen, expected);
}
