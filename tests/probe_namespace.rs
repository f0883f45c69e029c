//! The real binary probing the built-in default endpoints. It runs in a
//! private mount namespace whose `/run` is an empty tmpfs with only the
//! sockets a test puts there, so the host's own runtimes never respond.
//! Needs root (`unshare --mount`), so the tests are ignored by a plain
//! `cargo test`; `scripts/test` runs them.

mod support;

use std::process::Command;

use support::{Clock, Fake, sample};

/// Runs our crictl with `args` in a namespace where `/run/crio/crio.sock`
/// is the fake's socket and `/run/containerd` is empty.
fn crictl_with_crio_only(fake: &Fake, args: &str) -> std::process::Output {
    let script = format!(
        "set -e; mount -t tmpfs tmpfs /run; mkdir -p /run/containerd /run/crio; \
         ln -s {socket} /run/crio/crio.sock; exec {binary} --config {config} {args}",
        socket = fake.socket().display(),
        binary = env!("CARGO_BIN_EXE_crictl"),
        config = fake.dir().join("crictl.yaml").display(),
    );
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .env_remove("CONTAINER_RUNTIME_ENDPOINT")
        .env_remove("IMAGE_SERVICE_ENDPOINT")
        .env_remove("CRI_CONFIG_FILE")
        .output()
        .expect("run unshare")
}

#[test]
#[ignore = "needs root for a private mount namespace"]
fn probe_warns_exactly_once() {
    let fake = Fake::start(sample(Clock::Live));
    std::fs::write(fake.dir().join("crictl.yaml"), "").expect("write config");
    // ps opens both the runtime and the image service, each probed.
    let output = crictl_with_crio_only(&fake, "ps -q");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr:\n{stderr}");
    assert_eq!(stderr.lines().count(), 1, "stderr:\n{stderr}");
    assert!(stderr.contains("deprecated"), "{stderr}");
    assert!(
        stderr.contains("unix:///run/containerd/containerd.sock"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout, format!("{}\n", support::fixture::CTR_NGINX));
}

#[test]
#[ignore = "needs root for a private mount namespace"]
fn probe_failure_names_each_socket() {
    let fake = Fake::start(sample(Clock::Live));
    std::fs::write(fake.dir().join("crictl.yaml"), "").expect("write config");
    let script = format!(
        "set -e; mount -t tmpfs tmpfs /run; exec {} --config {} version",
        env!("CARGO_BIN_EXE_crictl"),
        fake.dir().join("crictl.yaml").display()
    );
    let output = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .env_remove("CONTAINER_RUNTIME_ENDPOINT")
        .output()
        .expect("run unshare");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    // One warning, then one error naming all three sockets.
    assert_eq!(stderr.lines().count(), 2, "stderr:\n{stderr}");
    let error = stderr.lines().nth(1).unwrap_or_default();
    for socket in [
        "/run/containerd/containerd.sock",
        "/run/crio/crio.sock",
        "/var/run/cri-dockerd.sock",
    ] {
        assert!(error.contains(socket), "{socket} missing from {error}");
    }
}
