//! End-to-end tests of `exec`, `attach` and `port-forward` against the real
//! containerd that `scripts/runtime-up` starts, over SPDY and WebSocket.
//! Ignored by a plain `cargo test`; `scripts/test` runs them. The terminal
//! tests drive the binary inside tmux, which runtime-up installs.

mod live;

use live::endpoint;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A pod with containers, removed when the test ends.
struct Pod {
    dir: tempfile::TempDir,
    endpoint: String,
    name: String,
    id: String,
}

impl Pod {
    fn new() -> Pod {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("crictl.yaml"), "").expect("write config");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("e2e-stream-{}-{n}", std::process::id());
        let config = format!(
            "metadata:\n  name: {name}\n  namespace: e2e\n  uid: uid-{name}\nlog_directory: {}\n",
            dir.path().join("logs").display()
        );
        std::fs::write(dir.path().join("pod.yaml"), config).expect("write pod config");
        let mut pod = Pod {
            dir,
            endpoint: endpoint(),
            name,
            id: String::new(),
        };
        pod.id = pod
            .ok(&["runp", &pod.path_text("pod.yaml")])
            .trim()
            .to_owned();
        pod
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn path_text(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// Returns the command line of the binary with the config and endpoint
    /// set, for a shell.
    fn command_line(&self, args: &str) -> String {
        format!(
            "{} --config {} -r {} --timeout 20s {args}",
            env!("CARGO_BIN_EXE_crictl"),
            self.path_text("crictl.yaml"),
            self.endpoint
        )
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

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run crictl")
    }

    fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start crictl");
        let mut stdin = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().expect("wait for crictl");
        let _ = writer.join();
        output
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "crictl {args:?} exited {:?}\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Creates and starts a busybox container running `command`.
    fn start(&self, name: &str, command: &[&str], terminal: bool) -> String {
        let words: Vec<String> = command.iter().map(|word| format!("{word:?}")).collect();
        let mut config = format!(
            "metadata:\n  name: {name}\nimage:\n  image: docker.io/library/busybox:latest\ncommand: [{}]\nlog_path: {name}.log\n",
            words.join(", ")
        );
        if terminal {
            config.push_str("tty: true\nstdin: true\n");
        }
        let file = format!("{name}.yaml");
        std::fs::write(self.path(&file), config).expect("write container config");
        let id = self
            .ok(&[
                "create",
                &self.id,
                &self.path_text(&file),
                &self.path_text("pod.yaml"),
            ])
            .trim()
            .to_owned();
        self.ok(&["start", &id]);
        id
    }
}

impl Drop for Pod {
    fn drop(&mut self) {
        if !self.id.is_empty() {
            let _ = self.run(&["rmp", "-f", &self.id]);
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A tmux session running one shell command, killed when dropped.
struct Tmux {
    name: String,
}

impl Tmux {
    fn start(name: &str, command: &str) -> Tmux {
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "100",
                "-y",
                "30",
                command,
            ])
            .status()
            .expect("run tmux (scripts/runtime-up installs it)");
        assert!(status.success(), "tmux new-session failed");
        Tmux {
            name: name.to_owned(),
        }
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .expect("run tmux send-keys");
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let output = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("run tmux capture-pane");
        text(&output.stdout)
    }

    fn resize(&self, width: u16, height: u16) {
        let status = Command::new("tmux")
            .args(["resize-window", "-t", &self.name])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .status()
            .expect("run tmux resize-window");
        assert!(status.success());
    }

    /// Waits until the screen shows `wanted`, and returns the screen.
    fn wait_for(&self, wanted: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(wanted) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no {wanted:?} on the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn exec_sync_output_and_status() {
    let pod = Pod::new();
    let id = pod.start("sleeper", &["sleep", "3600"], false);

    let output = pod.run(&["exec", "-s", &id, "echo", "hello"]);
    assert_eq!(text(&output.stdout), "hello\n");
    assert_eq!(output.status.code(), Some(0));

    let output = pod.run(&[
        "exec",
        "-s",
        &id,
        "sh",
        "-c",
        "echo out; echo err >&2; exit 3",
    ]);
    assert_eq!(text(&output.stdout), "out\n");
    assert_eq!(text(&output.stderr), "err\n");
    assert_eq!(output.status.code(), Some(3));
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn streaming_exec_both_transports() {
    let pod = Pod::new();
    let id = pod.start("sleeper", &["sleep", "3600"], false);
    for transport in ["spdy", "websocket"] {
        let output = pod.run(&["exec", "-r", transport, &id, "echo", "hello"]);
        assert_eq!(text(&output.stdout), "hello\n", "{transport}");
        assert_eq!(output.status.code(), Some(0), "{transport}");

        let output = pod.run(&["exec", "-r", transport, &id, "sh", "-c", "exit 3"]);
        assert_eq!(output.status.code(), Some(3), "{transport}");
        assert_eq!(text(&output.stderr), "", "{transport}");

        let output = pod.run(&[
            "exec",
            "-r",
            transport,
            &id,
            "sh",
            "-c",
            "echo o; echo e >&2",
        ]);
        assert_eq!(text(&output.stdout), "o\n", "{transport}");
        assert_eq!(text(&output.stderr), "e\n", "{transport}");
    }
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn piped_stdin_through_cat() {
    let pod = Pod::new();
    let id = pod.start("sleeper", &["sleep", "3600"], false);

    let output = pod.run_with_stdin(&["exec", "-i", &id, "cat"], b"hello\n");
    assert_eq!(text(&output.stdout), "hello\n");
    assert_eq!(output.status.code(), Some(0));

    // More than any pipe buffer in both directions at once: reading and
    // writing must not wait on each other.
    let input: Vec<u8> = (0..4 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let output = pod.run_with_stdin(&["exec", "-i", &id, "cat"], &input);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stdout == input,
        "cat returned {} bytes",
        output.stdout.len()
    );
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn tty_exec_prompt_and_resize() {
    let pod = Pod::new();
    let id = pod.start("sleeper", &["sleep", "3600"], false);
    let shell = format!(
        "{}; echo EXIT=$?; sleep 60",
        pod.command_line(&format!("exec -it {id} sh"))
    );
    let tmux = Tmux::start(&pod.name, &shell);

    tmux.wait_for("/ #");
    tmux.keys(&["stty size", "Enter"]);
    tmux.wait_for("30 100");
    tmux.resize(120, 40);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["stty size", "Enter"]);
    tmux.wait_for("40 120");
    tmux.keys(&["exit 7", "Enter"]);
    tmux.wait_for("EXIT=7");
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn attach_terminal_and_detach() {
    let pod = Pod::new();
    let id = pod.start("console", &["sh"], true);
    let shell = format!(
        "{}; echo EXIT=$?; sleep 60",
        pod.command_line(&format!("attach -it {id}"))
    );
    let tmux = Tmux::start(&pod.name, &shell);
    std::thread::sleep(Duration::from_millis(500));

    tmux.keys(&["echo attached-$((6*7))", "Enter"]);
    tmux.wait_for("attached-42");
    tmux.keys(&["C-p", "C-q"]);
    tmux.wait_for("EXIT=0");
    let state = pod.ok(&[
        "inspect",
        "-o",
        "go-template",
        "--template",
        "{{.status.state}}",
        &id,
    ]);
    assert_eq!(state.trim(), "CONTAINER_RUNNING");
}

/// Starts `port-forward` to the pod's port 8080, its stdout going to
/// `stdout`.
fn spawn_forward(pod: &Pod, transport: &str, stdout: &Path) -> Child {
    let file = std::fs::File::create(stdout).expect("create the output file");
    pod.command(&["port-forward", "-r", transport, &pod.id, ":8080"])
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start port-forward")
}

/// Waits for the first `Forwarding from 127.0.0.1:P` line and returns P.
fn local_port(stdout: &Path) -> Option<u16> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        let content = std::fs::read_to_string(stdout).unwrap_or_default();
        let port = content
            .lines()
            .filter_map(|line| line.strip_prefix("Forwarding from 127.0.0.1:"))
            .find_map(|rest| rest.split(' ').next()?.parse().ok());
        if port.is_some() {
            return port;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Fetches `path` over HTTP/1.0 from the local port.
fn http_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a timeout");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").expect("send the request");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

#[test]
#[ignore = "needs containerd from scripts/runtime-up"]
fn port_forward_httpd_both_transports() {
    let pod = Pod::new();
    pod.start("httpd", &["httpd", "-f", "-p", "8080", "-h", "/etc"], false);
    std::thread::sleep(Duration::from_millis(500));
    for transport in ["spdy", "websocket"] {
        let stdout = pod.path(&format!("forward-{transport}.out"));
        let child = spawn_forward(&pod, transport, &stdout);
        let port = local_port(&stdout).expect("no Forwarding line within 20s");
        for _ in 0..2 {
            let response = http_get(port, "/passwd");
            assert!(
                response.starts_with("HTTP/1.1 200 OK"),
                "{transport}: {response}"
            );
            assert!(response.contains("root:x:0:0:"), "{transport}: {response}");
        }
        let missing = http_get(port, "/no-such-file");
        assert!(missing.contains("404"), "{transport}: {missing}");

        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let output = child.wait_with_output().expect("wait for port-forward");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{transport}: {}",
            text(&output.stderr)
        );
    }
}
