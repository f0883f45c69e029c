//! `logs` against a real containerd started by `scripts/runtime-up`: a
//! busybox container writes known lines to stdout and stderr, and each
//! flag is checked against what containerd wrote to the log file. Ignored
//! by a plain `cargo test`; `scripts/test` runs it.
//!
//! The runtime's endpoint comes from `CRICTL_E2E_ENDPOINT`, or else from the
//! `endpoint` file runtime-up writes in its state directory.

mod live;

use live::endpoint;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A scratch directory with an empty config file and the pod's log
/// directory.
struct Workspace {
    dir: tempfile::TempDir,
    endpoint: String,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("crictl.yaml"), "").expect("write config");
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
            .env_remove("IMAGE_SERVICE_ENDPOINT")
            .env("TZ", "UTC");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run crictl")
    }

    /// Runs crictl and returns stdout and stderr, failing on a non-zero
    /// exit with both shown.
    fn ok(&self, args: &[&str]) -> (String, String) {
        let output = self.run(args);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success(),
            "crictl {args:?} exited {:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
            output.status.code()
        );
        (stdout, stderr)
    }
}

/// Starts a pod with one busybox container running `script`; returns the
/// pod and container IDs.
fn start_container(ws: &Workspace, script: &str) -> (String, String) {
    let name = format!("e2e-logs-{}", std::process::id());
    let pod_config = ws.path("pod.yaml");
    std::fs::write(
        &pod_config,
        format!(
            "metadata:\n  name: {name}\n  namespace: e2e\n  uid: uid-{name}\nlog_directory: {}\n\
             linux:\n  security_context:\n    namespace_options:\n      network: 2\n",
            ws.path("logs").display()
        ),
    )
    .expect("write pod config");
    let container_config = ws.path("container.yaml");
    std::fs::write(
        &container_config,
        format!(
            "metadata:\n  name: talker\nimage:\n  image: docker.io/library/busybox:latest\n\
             command: [sh, -c, {script:?}]\nlog_path: talker/0.log\n"
        ),
    )
    .expect("write container config");

    let pod_config = pod_config.to_str().expect("utf-8 path");
    let pod = ws.ok(&["runp", pod_config]).0.trim().to_owned();
    let container_config = container_config.to_str().expect("utf-8 path");
    let container = ws
        .ok(&["create", &pod, container_config, pod_config])
        .0
        .trim()
        .to_owned();
    ws.ok(&["start", &container]);
    (pod, container)
}

fn remove_pod(ws: &Workspace, pod: &str) {
    let _ = ws.run(&["stopp", pod]);
    let _ = ws.run(&["rmp", pod]);
}

/// Polls `logs` until its stdout contains `text`.
fn wait_for(ws: &Workspace, container: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if ws.ok(&["logs", container]).0.contains(text) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the log of {container} never showed {text:?}");
}

/// Returns whether `line` starts with a nine-digit RFC 3339 UTC timestamp and a
/// space.
fn has_timestamp(line: &str) -> bool {
    let Some((stamp, _)) = line.split_once(' ') else {
        return false;
    };
    stamp.len() == 30
        && stamp.ends_with('Z')
        && stamp.as_bytes()[10] == b'T'
        && stamp.as_bytes()[19] == b'.'
        && stamp[20..29].bytes().all(|b| b.is_ascii_digit())
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn logs_of_running_container() {
    let ws = Workspace::new();
    // Phase one prints three lines, then stays quiet for 4 s so the
    // one-shot reads see a fixed log; phase two prints while `-f` follows.
    let script = "echo out-1; sleep 1; echo err-1 >&2; sleep 1; echo out-2; sleep 4; \
                  for i in 0 1 2; do echo tick-$i; echo tock-$i >&2; sleep 1; done; \
                  echo done; exec sleep 3600";
    let (pod, container) = start_container(&ws, script);
    wait_for(&ws, &container, "out-2");

    let (stdout, stderr) = ws.ok(&["logs", &container]);
    assert_eq!(stdout, "out-1\nout-2\n");
    assert_eq!(stderr, "err-1\n");

    // The file contains exactly what containerd wrote: three CRI lines.
    let log_file = ws.path("logs/talker/0.log");
    let raw = std::fs::read_to_string(&log_file).expect("read the log file");
    assert_eq!(raw.lines().count(), 3, "{raw}");

    assert_eq!(
        ws.ok(&["logs", "--tail", "1", &container]),
        ("out-2\n".to_owned(), String::new())
    );
    assert_eq!(
        ws.ok(&["logs", "--stream", "stderr", &container]),
        (String::new(), "err-1\n".to_owned())
    );

    let (stamped, stamped_err) = ws.ok(&["logs", "-t", &container]);
    let lines: Vec<&str> = stamped.lines().collect();
    assert_eq!(lines.len(), 2, "{stamped}");
    assert!(lines.iter().all(|line| has_timestamp(line)), "{stamped}");
    assert!(lines[1].ends_with(" out-2"), "{stamped}");
    assert!(has_timestamp(stamped_err.trim_end()), "{stamped_err}");

    // --since with out-2's own time keeps out-2 (equal times are kept).
    let out2_time = lines[1].split(' ').next().unwrap_or_default().to_owned();
    assert_eq!(
        ws.ok(&["logs", "--since", &out2_time, &container]),
        ("out-2\n".to_owned(), String::new())
    );
    assert_eq!(
        ws.ok(&["logs", "--since", "1h", &container]).0,
        "out-1\nout-2\n"
    );

    // --reopen makes containerd reopen the file at the same path, so the
    // log reads the same afterwards.
    let (reopened, reopened_err) = ws.ok(&["logs", "--reopen", &container]);
    assert_eq!(reopened, "out-1\nout-2\n");
    assert!(
        reopened_err.contains("crictl: reopened the log file"),
        "{reopened_err}"
    );

    // -f prints phase two as it comes and ends once the container stops.
    let follower = ws
        .command(&["logs", "-f", &container])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start logs -f");
    wait_for(&ws, &container, "done");
    let stopped = Instant::now();
    let first = ws.run(&["stop", "-t", "1", &container]);
    // containerd 1.6 sometimes fails the kill with "ttrpc: closed" as the
    // process dies; that runtime race gets one more try, nothing else does.
    if !first.status.success() && String::from_utf8_lossy(&first.stderr).contains("ttrpc: closed") {
        ws.ok(&["stop", "-t", "1", &container]);
    } else {
        assert!(
            first.status.success(),
            "crictl stop exited {:?}: {}",
            first.status.code(),
            String::from_utf8_lossy(&first.stderr)
        );
    }
    let output = follower.wait_with_output().expect("logs -f output");
    let elapsed = stopped.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    remove_pod(&ws, &pod);

    assert!(
        output.status.success(),
        "logs -f exited {:?}: {stderr}",
        output.status.code()
    );
    assert_eq!(stdout, "out-1\nout-2\ntick-0\ntick-1\ntick-2\ndone\n");
    assert_eq!(stderr, "err-1\ntock-0\ntock-1\ntock-2\n");
    assert!(
        elapsed < Duration::from_secs(5),
        "logs -f ran {elapsed:?} after the stop began"
    );
}
