//! `metricsp` and `metricdescs` against the fake runtime: the documents as
//! crictl prints them, the formats each accepts, `--watch`, and runtimes
//! without the calls.

mod support;

use crictl_rs::proto::cri;
use support::background::{interrupt, spawn, wait_for};
use support::fixture::POD_NGINX;
use support::{Clock, Fake, State, calls, sample, text};
use tonic::Code;

/// Builds the recorded node with one pod metric and one metric descriptor.
fn metrics_node() -> State {
    let mut state = sample(Clock::Recorded);
    state.pod_metrics = vec![cri::PodSandboxMetrics {
        pod_sandbox_id: POD_NGINX.to_owned(),
        metrics: vec![cri::Metric {
            name: "m".to_owned(),
            timestamp: 1_796_413_937_238_936_368,
            metric_type: cri::MetricType::Counter as i32,
            label_values: vec!["x".to_owned()],
            value: Some(cri::UInt64Value { value: 7 }),
        }],
        container_metrics: Vec::new(),
    }];
    state.metric_descriptors = vec![cri::MetricDescriptor {
        name: "container_cpu_usage_seconds_total".to_owned(),
        help: "cpu".to_owned(),
        label_keys: vec!["id".to_owned()],
    }];
    state
}

const METRICSP_JSON: &str = r#"
{
  "podMetrics": [
    {
      "podSandboxId": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "metrics": [
        {
          "name": "m",
          "timestamp": "1796413937238936368",
          "metricType": "COUNTER",
          "labelValues": [
            "x"
          ],
          "value": {
            "value": "7"
          }
        }
      ],
      "containerMetrics": []
    }
  ]
}
"#;

#[test]
fn metricsp_json_document() {
    let fake = Fake::start(metrics_node());
    fake.crictl(&["metricsp"])
        .stdout(text(METRICSP_JSON))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", "ListPodSandboxMetrics "]));
}

#[test]
fn metricsp_empty_format_json() {
    let fake = Fake::start(metrics_node());
    fake.crictl(&["metricsp", "-o", ""])
        .stdout(text(METRICSP_JSON))
        .stderr_empty()
        .run();
}

#[test]
fn metricsp_yaml_document() {
    let fake = Fake::start(metrics_node());
    fake.crictl(&["metricsp", "-o", "yaml"])
        .stdout(text(
            r#"
podMetrics:
- containerMetrics: []
  metrics:
  - labelValues:
    - x
    metricType: COUNTER
    name: m
    timestamp: "1796413937238936368"
    value:
      value: "7"
  podSandboxId: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn metricsp_table_shows_help() {
    let fake = Fake::start(metrics_node());
    let outcome = fake
        .crictl(&["metricsp", "-o", "table"])
        .stderr_contains("unsupported output format \"table\"; use json or yaml")
        .run();
    assert!(
        outcome.stdout.contains("Usage: crictl metricsp"),
        "{}",
        outcome.stdout
    );
    assert_eq!(fake.calls(), Vec::<String>::new());
}

#[test]
fn metricsp_argument_shows_help() {
    let fake = Fake::start(metrics_node());
    let outcome = fake.crictl(&["metricsp", "extra"]).run();
    assert!(
        outcome.stdout.contains("Usage: crictl metricsp"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn metricsp_unimplemented_names_runtime() {
    let mut state = metrics_node();
    state.fail(
        "ListPodSandboxMetrics",
        Code::Unimplemented,
        "unknown method",
    );
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["metricsp"]).code(1).stdout("").run();
    assert_eq!(
        outcome.stderr,
        "crictl: error: fakecri 1.2.3 does not implement ListPodSandboxMetrics, which \"crictl metricsp\" needs\n"
    );
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ListPodSandboxMetrics ",
            "Version version: \"v1\""
        ])
    );
}

#[test]
fn metricsp_watch_appends_documents() {
    let fake = Fake::start(metrics_node());
    let stdout = fake.dir().join("stdout");
    let child = spawn(&fake, &["metricsp", "-w"], &stdout);
    wait_for(&stdout, "podMetrics", 2);
    interrupt(&child);
    let finished = child.wait_with_output().expect("wait for crictl");

    assert_eq!(finished.status.code(), Some(0));
    let content = std::fs::read_to_string(&stdout).unwrap();
    let documents = content.matches("podMetrics").count();
    assert_eq!(content, text(METRICSP_JSON).repeat(documents));
    assert_eq!(String::from_utf8_lossy(&finished.stderr), "");
}

#[test]
fn metricdescs_json_document() {
    let fake = Fake::start(metrics_node());
    fake.crictl(&["metricdescs"])
        .stdout(text(
            r#"
{
  "descriptors": [
    {
      "name": "container_cpu_usage_seconds_total",
      "help": "cpu",
      "labelKeys": [
        "id"
      ]
    }
  ]
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", "ListMetricDescriptors "]));
}

#[test]
fn metricdescs_yaml_document() {
    let fake = Fake::start(metrics_node());
    fake.crictl(&["metricdescs", "-o", "yaml"])
        .stdout(text(
            r#"
descriptors:
- help: cpu
  labelKeys:
  - id
  name: container_cpu_usage_seconds_total

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn metricdescs_empty_list() {
    let fake = Fake::start(sample(Clock::Recorded));
    fake.crictl(&["metricdescs"])
        .stdout("{\n  \"descriptors\": []\n}\n")
        .stderr_empty()
        .run();
}

#[test]
fn metricdescs_unimplemented_names_runtime() {
    let mut state = metrics_node();
    state.fail(
        "ListMetricDescriptors",
        Code::Unimplemented,
        "unknown method",
    );
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["metricdescs"]).code(1).stdout("").run();
    assert_eq!(
        outcome.stderr,
        "crictl: error: fakecri 1.2.3 does not implement ListMetricDescriptors, which \"crictl metricdescs\" needs\n"
    );
}

#[test]
fn metricdescs_other_error_reported() {
    let mut state = metrics_node();
    state.fail("ListMetricDescriptors", Code::Unavailable, "shutting down");
    let fake = Fake::start(state);
    let outcome = fake.crictl(&["metricdescs"]).code(1).stdout("").run();
    assert_eq!(
        outcome.stderr,
        "crictl: error: listing metric descriptors: runtime unavailable: shutting down (is the container runtime running?)\n"
    );
}
