//! `stats`, `statsp`, `metricdescs` and `events` against the real containerd
//! that `scripts/runtime-up` starts. Ignored by a plain `cargo test`;
//! `scripts/test` runs them.
//!
//! The runtime's endpoint comes from `CRICTL_E2E_ENDPOINT`, or else from the
//! `endpoint` file runtime-up writes in its state directory.

mod live;

use live::endpoint;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

/// A scratch directory with an empty config file, and the runtime to run
/// our binary against.
struct Workspace {
    dir: tempfile::TempDir,
    endpoint: String,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        std::fs::write(dir.path().join("crictl.yaml"), "").expect("write the config file");
        Workspace {
            dir,
            endpoint: endpoint(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_crictl"));
        command
            .arg("--config")
            .arg(self.path("crictl.yaml"))
            .args(["-r", &self.endpoint, "--timeout", "20s"])
            .args(args)
            .env_remove("CONTAINER_RUNTIME_ENDPOINT")
            .env_remove("IMAGE_SERVICE_ENDPOINT");
        command
    }

    fn crictl(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run crictl")
    }

    /// Runs crictl and returns its stdout, failing the test on a non-zero
    /// exit with both outputs shown.
    fn ok(&self, args: &[&str]) -> String {
        let output = self.crictl(args);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "crictl {args:?} exited {:?}\n--- stdout\n{stdout}\n--- stderr\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    fn runtime_version(&self) -> String {
        let version = self.ok(&["version"]);
        version
            .lines()
            .find_map(|line| line.strip_prefix("RuntimeVersion:  "))
            .expect("RuntimeVersion line")
            .to_owned()
    }

    /// Runs a host-network pod named after `tag`. containerd computes pod
    /// stats from the pod's cgroup, so the pod gets a cgroup parent of its
    /// own; the kubelet always sets one.
    fn run_pod(&self, tag: &str) -> Pod<'_> {
        let name = format!("e2e-{tag}-{}", std::process::id());
        let config = self.path(&format!("{name}.yaml"));
        let text = format!(
            "metadata:\n  name: {name}\n  namespace: e2e\n  uid: uid-{name}\nlog_directory: {}\nlinux:\n  cgroup_parent: /crictl-rs-e2e/pod-{name}\n  security_context:\n    namespace_options:\n      network: 2\n",
            self.path("logs").display()
        );
        std::fs::write(&config, text).expect("write the pod config");
        let id = self.ok(&["runp", path_text(&config)]).trim().to_owned();
        Pod {
            workspace: self,
            id,
            name,
            config,
        }
    }
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// A running pod, removed with its containers when dropped.
struct Pod<'a> {
    workspace: &'a Workspace,
    id: String,
    name: String,
    config: PathBuf,
}

impl Pod<'_> {
    /// Creates and starts a busybox container running `script`.
    fn start_container(&self, name: &str, script: &str) -> String {
        let config = self.workspace.path(&format!("{}-{name}.yaml", self.name));
        let text = format!(
            "metadata:\n  name: {name}\nimage:\n  image: docker.io/library/busybox:latest\ncommand: [sh, -c, {script:?}]\nlog_path: {name}.log\n"
        );
        std::fs::write(&config, text).expect("write the container config");
        let id = self
            .workspace
            .ok(&[
                "create",
                &self.id,
                path_text(&config),
                path_text(&self.config),
            ])
            .trim()
            .to_owned();
        self.workspace.ok(&["start", &id]);
        id
    }
}

impl Drop for Pod<'_> {
    fn drop(&mut self) {
        let _ = self.workspace.crictl(&["rmp", "-f", &self.id]);
    }
}

/// Returns the cells of the table row that starts with the first 13
/// characters of `id`, split on runs of spaces.
fn row<'a>(table: &'a str, id: &str) -> Vec<&'a str> {
    let line = table
        .lines()
        .find(|line| line.starts_with(&id[..13]))
        .unwrap_or_else(|| panic!("no row for {id} in\n{table}"));
    line.split("   ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect()
}

fn percent(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("CPU % {cell:?} is not a number"))
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn stats_busy_above_idle() {
    let ws = Workspace::new();
    let pod = ws.run_pod("stats");
    let busy = pod.start_container("busy", "while :; do :; done");
    let idle = pod.start_container("idle", "exec sleep 3600");

    let table = ws.ok(&["stats", "--pod", &pod.id]);
    let header: Vec<&str> = table
        .lines()
        .next()
        .unwrap_or("")
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "CONTAINER",
            "NAME",
            "CPU %",
            "MEM",
            "DISK",
            "INODES",
            "SWAP"
        ]
    );
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(!table.contains('\x1b'), "{table:?}");

    let busy_row = row(&table, &busy);
    let idle_row = row(&table, &idle);
    assert_eq!(busy_row[1], "busy");
    assert_eq!(idle_row[1], "idle");
    let busy_cpu = percent(busy_row[2]);
    let idle_cpu = percent(idle_row[2]);
    assert!(busy_cpu >= 20.0, "busy CPU {busy_cpu} %\n{table}");
    assert!(idle_cpu <= 5.0, "idle CPU {idle_cpu} %\n{table}");
    for cells in [&busy_row, &idle_row] {
        assert!(cells[3].ends_with('B'), "{cells:?}");
        assert_ne!(cells[3], "0B", "memory of {cells:?}");
    }

    // The runtime's own figures agree: both use memory, busy more CPU time.
    let document: Value =
        serde_json::from_str(&ws.ok(&["stats", "-o", "json", "--pod", &pod.id])).expect("JSON");
    let stats = document["stats"].as_array().expect("stats list");
    assert_eq!(stats.len(), 2, "{document}");
    let figure = |id: &str, path: &[&str]| -> u64 {
        let entry = stats
            .iter()
            .find(|entry| entry["attributes"]["id"] == id)
            .unwrap_or_else(|| panic!("no stats for {id}"));
        let mut value = entry;
        for key in path {
            value = &value[*key];
        }
        value
            .as_str()
            .and_then(|text| text.parse().ok())
            .unwrap_or(0)
    };
    let cpu_path = ["cpu", "usageCoreNanoSeconds", "value"];
    assert!(figure(&busy, &cpu_path) > figure(&idle, &cpu_path));
    for id in [&busy, &idle] {
        assert!(figure(id, &["memory", "workingSetBytes", "value"]) > 0);
    }
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn statsp_lists_the_pod() {
    let ws = Workspace::new();
    let pod = ws.run_pod("statsp");
    pod.start_container("busy", "while :; do :; done");

    // Other tests' pods may lack a cgroup parent, which makes containerd
    // fail the whole list, so the request names this pod.
    let table = ws.ok(&["statsp", "--id", &pod.id]);
    assert_eq!(table.lines().count(), 2, "{table}");
    let line = table.lines().nth(1).unwrap_or("");
    let cells: Vec<&str> = line
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cells[0], pod.name);
    assert_eq!(cells[1], &pod.id[..13]);
    assert!(percent(cells[2]) >= 20.0, "{table}");
    assert_ne!(cells[3], "0B", "{table}");
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn metricdescs_answer_or_name_runtime() {
    let ws = Workspace::new();
    let version = ws.runtime_version();
    let output = ws.crictl(&["metricdescs"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if version.starts_with("1.6.") {
        // containerd 1.6 has no metric calls.
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(
            stderr,
            format!(
                "crictl: error: containerd {version} does not implement ListMetricDescriptors, which \"crictl metricdescs\" needs\n"
            )
        );
        return;
    }
    // NOTE: runtime-up installs containerd 1.6, so this branch for runtimes
    // with metric calls has not run against a real runtime yet.
    assert!(output.status.success(), "{stderr}");
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(document["descriptors"].is_array(), "{document}");
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn events_stream_or_name_runtime() {
    let ws = Workspace::new();
    let version = ws.runtime_version();
    let child = ws
        .command(&[
            "events",
            "-o",
            "go-template",
            "--template",
            "{{.containerId}} {{.containerEventType}}",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start crictl events");

    if version.starts_with("1.6.") {
        // containerd 1.6 has no event stream: the command ends at once.
        let output = child.wait_with_output().expect("wait for crictl");
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!(
                "crictl: error: containerd {version} does not implement GetContainerEvents, which \"crictl events\" needs\n"
            )
        );
        return;
    }

    // NOTE: runtime-up installs containerd 1.6, so this branch for runtimes
    // with an event stream has not run against a real runtime yet.
    let pod = ws.run_pod("events");
    let container = pod.start_container("evented", "exec sleep 3600");
    std::thread::sleep(Duration::from_secs(2));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let output = child.wait_with_output().expect("wait for crictl");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("{container} CONTAINER_STARTED_EVENT")),
        "{stdout}"
    );
}
