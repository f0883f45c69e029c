//! Pod and container lifecycle commands against the fake runtime: `runp`,
//! `create`, `start`, `stop`, `stopp`, `rm` and `rmp`, checked by their
//! output, the requests the runtime received and the state they left.

mod support;

use std::path::PathBuf;

use crictl_rs::proto::cri;
use support::fixture::{CTR_BUSYBOX, CTR_NGINX, CTR_SIDECAR};
use support::{Clock, Fake, calls, sample};
use tonic::Code;

const POD_CONFIG: &str = "\
metadata:
  name: busybox-sandbox
  namespace: default
  uid: hdishd83djaidwnduwk28bcsb
  attempt: 1
log_directory: /tmp
linux: {}
";

const CONTAINER_CONFIG: &str = "\
metadata:
  name: busybox
image:
  image: docker.io/busybox:latest
command:
  - top
log_path: busybox.0.log
";

/// The pod config as the runtime receives it.
const SENT_POD_CONFIG: &str = "metadata { name: \"busybox-sandbox\" uid: \"hdishd83djaidwnduwk28bcsb\" namespace: \"default\" attempt: 1 } log_directory: \"/tmp\" linux { }";

/// The container config as the runtime receives it, with the image the user
/// asked for filled in.
const SENT_CONTAINER_CONFIG: &str = "metadata { name: \"busybox\" } image { image: \"docker.io/busybox:latest\" user_specified_image: \"docker.io/busybox:latest\" } command: \"top\" log_path: \"busybox.0.log\"";

/// Writes the pod and container config files into the fake's directory.
fn write_configs(fake: &Fake) -> (String, String) {
    let pod: PathBuf = fake.dir().join("podsandbox-config.yaml");
    let container: PathBuf = fake.dir().join("container-config.yaml");
    std::fs::write(&pod, POD_CONFIG).expect("write the pod config");
    std::fs::write(&container, CONTAINER_CONFIG).expect("write the container config");
    (pod.display().to_string(), container.display().to_string())
}

fn container_state(fake: &Fake, id: &str) -> Option<i32> {
    fake.state()
        .containers
        .iter()
        .find(|container| container.id == id)
        .map(|container| container.state)
}

fn pod_state(fake: &Fake, id: &str) -> Option<i32> {
    fake.state()
        .pods
        .iter()
        .find(|pod| pod.id == id)
        .map(|pod| pod.state)
}

#[test]
fn runp_with_handler() {
    let fake = Fake::start(sample(Clock::Live));
    let (pod_config, _) = write_configs(&fake);
    fake.crictl(&["runp", "-r", "kata", &pod_config])
        .stdout("newpod0123456789\n")
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            &format!("RunPodSandbox config {{ {SENT_POD_CONFIG} }} runtime_handler: \"kata\""),
        ])
    );
    let state = fake.state();
    let pod = state.pods.last().expect("a new pod");
    assert_eq!(pod.id, "newpod0123456789");
    assert_eq!(pod.runtime_handler, "kata");
}

#[test]
fn runp_missing_config_file() {
    let fake = Fake::start(sample(Clock::Live));
    let missing = fake.dir().join("nope.yaml").display().to_string();
    let outcome = fake
        .crictl(&["runp", &missing])
        .code(1)
        .stdout("")
        .stderr_contains("nope.yaml")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn runp_runtime_error() {
    let mut state = sample(Clock::Live);
    state.fail(
        "RunPodSandbox",
        Code::Unknown,
        "failed to create network namespace",
    );
    let fake = Fake::start(state);
    let (pod_config, _) = write_configs(&fake);
    let outcome = fake
        .crictl(&["runp", &pod_config])
        .code(1)
        .stdout("")
        .stderr_contains("failed to create network namespace")
        .stderr_contains("busybox-sandbox")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
}

#[test]
fn create_with_pull() {
    let fake = Fake::start(sample(Clock::Live));
    let (pod_config, container_config) = write_configs(&fake);
    fake.crictl(&[
        "create",
        "--with-pull",
        "P1",
        &container_config,
        &pod_config,
    ])
    .stdout("newctr0123456789\n")
    .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "ImageFsInfo ",
            "Version ",
            &format!(
                "PullImage image {{ image: \"docker.io/busybox:latest\" }} sandbox_config {{ {SENT_POD_CONFIG} }}"
            ),
            &format!(
                "CreateContainer pod_sandbox_id: \"P1\" config {{ {SENT_CONTAINER_CONFIG} }} sandbox_config {{ {SENT_POD_CONFIG} }}"
            ),
        ])
    );
    assert_eq!(
        container_state(&fake, "newctr0123456789"),
        Some(cri::ContainerState::ContainerCreated as i32)
    );
}

#[test]
fn create_without_pull() {
    let fake = Fake::start(sample(Clock::Live));
    let (pod_config, container_config) = write_configs(&fake);
    fake.crictl(&["create", "P1", &container_config, &pod_config])
        .stdout("newctr0123456789\n")
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            &format!(
                "CreateContainer pod_sandbox_id: \"P1\" config {{ {SENT_CONTAINER_CONFIG} }} sandbox_config {{ {SENT_POD_CONFIG} }}"
            ),
        ])
    );
}

#[test]
fn create_conflicting_pull_flags() {
    let fake = Fake::start(sample(Clock::Live));
    let (pod_config, container_config) = write_configs(&fake);
    fake.crictl(&[
        "create",
        "--no-pull",
        "--with-pull",
        "P1",
        &container_config,
        &pod_config,
    ])
    .code(1)
    .stdout("")
    .stderr_contains("--no-pull")
    .run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn start_created_container() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["start", "1111"])
        .stdout("1111\n")
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "StartContainer container_id: \"1111\""])
    );
    assert_eq!(
        container_state(&fake, CTR_SIDECAR),
        Some(cri::ContainerState::ContainerRunning as i32)
    );
}

#[test]
fn start_without_ids() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["start"]).code(1).stdout("").run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn start_stops_at_first_error() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["start", "9999", "1111"])
        .code(1)
        .stdout("")
        .stderr_contains("9999")
        .stderr_contains("not found")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "StartContainer container_id: \"9999\""])
    );
}

#[test]
fn stop_with_grace_period() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["stop", "-t", "10", "0123"])
        .stdout("0123\n")
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "StopContainer container_id: \"0123\" timeout: 10"
        ])
    );
    assert_eq!(
        container_state(&fake, CTR_NGINX),
        Some(cri::ContainerState::ContainerExited as i32)
    );
}

#[test]
fn stop_all_running() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["stop", "-a"])
        .stdout(&format!("{CTR_NGINX}\n"))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ListContainers filter { state { state: CONTAINER_RUNNING } }",
            &format!("StopContainer container_id: \"{CTR_NGINX}\""),
        ])
    );
}

#[test]
fn stop_all_nothing_running() {
    let mut state = sample(Clock::Live);
    state
        .containers
        .retain(|container| container.state != cri::ContainerState::ContainerRunning as i32);
    let fake = Fake::start(state);
    fake.crictl(&["stop", "-a"])
        .stdout("No running containers found.\n")
        .run();
}

#[test]
fn stop_all_ignored_filter() {
    // A runtime that ignores the state filter must not get its exited and
    // created containers stopped.
    let mut state = sample(Clock::Live);
    state.ignore_filters = true;
    let fake = Fake::start(state);
    fake.crictl(&["stop", "-a"])
        .stdout(&format!("{CTR_NGINX}\n"))
        .run();
    let stops: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|line| line.starts_with("StopContainer"))
        .collect();
    assert_eq!(
        stops,
        calls(&[&format!("StopContainer container_id: \"{CTR_NGINX}\"")])
    );
}

#[test]
fn stop_all_with_ids_rejected() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["stop", "-a", "0123"])
        .code(1)
        .stdout("")
        .stderr_contains("--all")
        .run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn stop_without_ids_rejected() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["stop"]).code(1).stdout("").run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn stopp_one_pod() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["stopp", "a1b2"])
        .stdout("Stopped sandbox a1b2\n")
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "StopPodSandbox pod_sandbox_id: \"a1b2\""])
    );
    assert_eq!(
        pod_state(&fake, support::fixture::POD_NGINX),
        Some(cri::PodSandboxState::SandboxNotready as i32)
    );
}

#[test]
fn rm_running_needs_force() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["rm", "0123"])
        .code(1)
        .stdout("")
        .stderr_contains("\"0123\"")
        .stderr_contains("running")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "ContainerStatus container_id: \"0123\""])
    );
    assert!(container_state(&fake, CTR_NGINX).is_some());
}

#[test]
fn rm_force_keeps_logs() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["rm", "-f", "-k", "0123"])
        .stdout("0123\n0123\n")
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "ContainerStatus container_id: \"0123\"",
            "StopContainer container_id: \"0123\"",
            "RemoveContainer container_id: \"0123\"",
        ])
    );
    assert_eq!(container_state(&fake, CTR_NGINX), None);
}

/// Starts the sample node with the exited container's log file, two rotated
/// copies and an unrelated file in the fake's directory.
fn with_log_files() -> (Fake, PathBuf) {
    let fake = Fake::start(sample(Clock::Live));
    let log = fake.dir().join("3.log");
    for name in ["3.log", "3.log.1", "3.log.20261204-195230", "2.log"] {
        std::fs::write(fake.dir().join(name), "log line\n").expect("write a log file");
    }
    fake.state()
        .container_statuses
        .get_mut(CTR_BUSYBOX)
        .and_then(|reply| reply.status.as_mut())
        .expect("the exited container's status")
        .log_path = log.display().to_string();
    (fake, log)
}

#[test]
fn rm_deletes_log_files() {
    let (fake, log) = with_log_files();
    fake.crictl(&["rm", "fedc"])
        .stdout("fedc\n")
        .stderr_empty()
        .run();
    let dir = log.parent().expect("a log directory");
    assert!(!log.exists());
    assert!(!dir.join("3.log.1").exists());
    assert!(!dir.join("3.log.20261204-195230").exists());
    assert!(
        dir.join("2.log").exists(),
        "another container's log was removed"
    );
}

#[test]
fn rm_keep_logs_flag() {
    let (fake, log) = with_log_files();
    fake.crictl(&["rm", "-k", "fedc"]).stdout("fedc\n").run();
    assert!(log.exists());
    assert!(log.with_file_name("3.log.1").exists());
}

#[test]
fn rm_reports_each_failure() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["rm", "fedc", "nonexist"])
        .code(1)
        .stdout("fedc\n")
        .stderr_contains("nonexist")
        .run();
    assert!(!outcome.stderr.contains("fedc"), "{}", outcome.report());
    assert_eq!(container_state(&fake, CTR_BUSYBOX), None);
}

#[test]
fn rmp_ready_needs_force() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake
        .crictl(&["rmp", "a1b2"])
        .code(1)
        .stdout("")
        .stderr_contains("\"a1b2\"")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "PodSandboxStatus pod_sandbox_id: \"a1b2\""])
    );
}

#[test]
fn rmp_force_stops_first() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["rmp", "-f", "a1b2"])
        .stdout("Stopped sandbox a1b2\nRemoved sandbox a1b2\n")
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "PodSandboxStatus pod_sandbox_id: \"a1b2\"",
            "StopPodSandbox pod_sandbox_id: \"a1b2\"",
            "RemovePodSandbox pod_sandbox_id: \"a1b2\"",
        ])
    );
    assert_eq!(pod_state(&fake, support::fixture::POD_NGINX), None);
}

#[test]
fn rmp_not_ready_pod() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["rmp", "ffee"])
        .stdout("Removed sandbox ffee\n")
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&[
            "Version ",
            "PodSandboxStatus pod_sandbox_id: \"ffee\"",
            "RemovePodSandbox pod_sandbox_id: \"ffee\"",
        ])
    );
}

#[test]
fn pod_and_container_cycle() {
    let fake = Fake::start(sample(Clock::Live));
    let (pod_config, container_config) = write_configs(&fake);
    fake.crictl(&["runp", &pod_config])
        .stdout("newpod0123456789\n")
        .run();
    fake.crictl(&["create", "newpod", &container_config, &pod_config])
        .stdout("newctr0123456789\n")
        .run();
    fake.crictl(&["start", "newctr"]).stdout("newctr\n").run();
    fake.crictl(&["ps", "-q", "--pod", "newpod"])
        .stdout("newctr0123456789\n")
        .run();
    fake.crictl(&["stop", "newctr"]).stdout("newctr\n").run();
    fake.crictl(&["rm", "newctr"]).stdout("newctr\n").run();
    fake.crictl(&["stopp", "newpod"])
        .stdout("Stopped sandbox newpod\n")
        .run();
    fake.crictl(&["rmp", "newpod"])
        .stdout("Removed sandbox newpod\n")
        .run();
    assert_eq!(container_state(&fake, "newctr0123456789"), None);
    assert_eq!(pod_state(&fake, "newpod0123456789"), None);
}
