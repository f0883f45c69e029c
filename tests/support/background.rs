//! Runs the `crictl` binary in the background against the fake runtime, for
//! commands that run until they are interrupted (`--watch`, `events`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::fake::Fake;

/// How long [`wait_for`] waits before it fails the test.
const WAIT_LIMIT: Duration = Duration::from_secs(20);

/// Starts the binary against `fake` with `args`, its stdout going to the
/// file at `stdout` and its stderr to a pipe.
pub fn spawn(fake: &Fake, args: &[&str], stdout: &Path) -> Child {
    let output = std::fs::File::create(stdout).expect("create the stdout file");
    Command::new(env!("CARGO_BIN_EXE_crictl"))
        .arg("--config")
        .arg(fake.dir().join("crictl.yaml"))
        .args(["-r", &fake.endpoint()])
        .args(args)
        .env_remove("CONTAINER_RUNTIME_ENDPOINT")
        .env_remove("IMAGE_SERVICE_ENDPOINT")
        .env_remove("CRI_CONFIG_FILE")
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(output)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start crictl")
}

/// Waits until the file at `path` contains `text` at least `count` times,
/// and returns its content.
pub fn wait_for(path: &Path, text: &str, count: usize) -> String {
    let started = Instant::now();
    loop {
        let content = std::fs::read_to_string(path).unwrap_or_default();
        if content.matches(text).count() >= count {
            return content;
        }
        assert!(
            started.elapsed() < WAIT_LIMIT,
            "no {count} copies of {text:?} within {WAIT_LIMIT:?} in:\n{content}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGINT to `child`, as Ctrl-C in a terminal does.
pub fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT {} failed", child.id());
}

/// Runs the shell command `command` on a pseudo-terminal with `script` and
/// returns what the terminal received and the exit status. The terminal
/// turns each `\n` into `\r\n`.
pub fn on_terminal(command: &str) -> (String, Option<i32>) {
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command", command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code(),
    )
}
