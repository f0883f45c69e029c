//! The `config` command through the binary: creating a missing file,
//! editing in place, listing, and rejecting bad keys and values. No runtime
//! is involved.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use support::{Crictl, text};

fn config(path: &Path, args: &[&str]) -> Crictl {
    let path = path.display().to_string();
    let mut words = vec!["--config", path.as_str(), "config"];
    words.extend_from_slice(args);
    Crictl::new().args(words)
}

#[test]
fn set_creates_missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sub/crictl.yaml");
    config(&path, &["--set", "debug=true"]).stdout("").run();
    config(&path, &["--get", "debug"]).stdout("true\n").run();

    let mode = std::fs::metadata(&path)
        .expect("file exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let written = std::fs::read_to_string(&path).expect("read back");
    assert!(written.contains("debug: true\n"), "{written}");
    assert_eq!(written.lines().count(), 7, "{written}");
}

#[test]
fn set_keeps_comments_and_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crictl.yaml");
    std::fs::write(
        &path,
        "# node-local settings\nruntime-endpoint: unix:///run/containerd/containerd.sock  # keep\ntimeout: 10\n",
    )
    .expect("write config");
    config(&path, &["--set", "timeout=20"]).stdout("").run();

    let written = std::fs::read_to_string(&path).expect("read back");
    assert_eq!(
        written,
        text(
            "
# node-local settings
runtime-endpoint: unix:///run/containerd/containerd.sock  # keep
timeout: 20
image-endpoint: \"\"
debug: false
pull-image-on-create: false
disable-pull-on-run: false
max-retries: 0
"
        )
    );
}

#[test]
fn list_prints_plain_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crictl.yaml");
    std::fs::write(&path, "runtime-endpoint: foo\ntimeout: 10\n").expect("write config");
    // Not a terminal, so no clear-screen codes precede the table.
    config(&path, &["--list"])
        .stdout(text(
            "
KEY                    VALUE
runtime-endpoint       foo
image-endpoint         
timeout                10
debug                  false
pull-image-on-create   false
disable-pull-on-run    false
max-retries            0
",
        ))
        .run();
}

#[test]
fn bad_value_names_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crictl.yaml");
    std::fs::write(&path, "timeout: 10\n").expect("write config");
    config(&path, &["--set", "timeout=2s"])
        .code(1)
        .stderr_contains("timeout")
        .stderr_contains("\"2s\"")
        .run();
    let unchanged = std::fs::read_to_string(&path).expect("read back");
    assert_eq!(unchanged, "timeout: 10\n");
}

#[test]
fn unknown_key_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crictl.yaml");
    config(&path, &["runtime_endpoint", "x"])
        .code(1)
        .stderr_contains("\"runtime_endpoint\"")
        .run();
}

#[test]
fn file_with_bad_line_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crictl.yaml");
    std::fs::write(&path, "debug: true\ntimeout: 2s\n").expect("write config");
    config(&path, &["--get", "debug"])
        .code(1)
        .stderr_contains("line 2")
        .run();
}
