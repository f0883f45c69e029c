//! Runs the `crictl` binary built by cargo and checks its stdout, stderr and
//! exit status. A mismatch prints everything the run produced.

use std::ffi::OsString;
use std::process::Command;
use std::time::{Duration, Instant};

/// Environment variables that would point the binary elsewhere.
const CRI_VARIABLES: [&str; 3] = [
    "CONTAINER_RUNTIME_ENDPOINT",
    "IMAGE_SERVICE_ENDPOINT",
    "CRI_CONFIG_FILE",
];

/// One run of the binary: its arguments, environment and what it must
/// print. Without a stated exit status, the run must succeed.
#[derive(Debug, Clone)]
pub struct Crictl {
    args: Vec<OsString>,
    env: Vec<(String, String)>,
    stdout: Option<String>,
    stderr_contains: Vec<String>,
    stderr_empty: bool,
    code: i32,
    stdin: Option<Vec<u8>>,
}

/// What one run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
    pub elapsed: Duration,
}

impl Crictl {
    /// Returns the binary with no arguments, `TZ=UTC` and none of the CRI
    /// variables.
    pub fn new() -> Self {
        Crictl {
            args: Vec::new(),
            env: vec![("TZ".to_owned(), "UTC".to_owned())],
            stdout: None,
            stderr_contains: Vec::new(),
            stderr_empty: false,
            code: 0,
            stdin: None,
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Expects exactly `text` on stdout.
    pub fn stdout(mut self, text: &str) -> Self {
        self.stdout = Some(text.to_owned());
        self
    }

    /// Expects `text` somewhere in stderr. Each call adds one expectation.
    pub fn stderr_contains(mut self, text: &str) -> Self {
        self.stderr_contains.push(text.to_owned());
        self
    }

    /// Expects nothing on stderr.
    pub fn stderr_empty(mut self) -> Self {
        self.stderr_empty = true;
        self
    }

    /// Feeds `bytes` to the binary's stdin, which is otherwise empty.
    pub fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// Expects the exit status `code` in place of 0.
    pub fn code(mut self, code: i32) -> Self {
        self.code = code;
        self
    }

    /// Runs the binary and checks every expectation.
    #[track_caller]
    pub fn run(&self) -> Outcome {
        let outcome = self.execute();
        let mut problems = Vec::new();
        if outcome.code != Some(self.code) {
            problems.push(format!(
                "exit status {:?}, expected {}",
                outcome.code, self.code
            ));
        }
        if let Some(expected) = &self.stdout
            && &outcome.stdout != expected
        {
            problems.push(format!(
                "stdout differs{}\n--- expected stdout:\n{expected}--- end of expected stdout",
                first_difference(expected, &outcome.stdout)
            ));
        }
        for needle in &self.stderr_contains {
            if !outcome.stderr.contains(needle.as_str()) {
                problems.push(format!("stderr lacks {needle:?}"));
            }
        }
        if self.stderr_empty && !outcome.stderr.is_empty() {
            problems.push("stderr is not empty".to_owned());
        }
        if !problems.is_empty() {
            panic!("{}\n{}", problems.join("\n"), outcome.report());
        }
        outcome
    }

    /// Runs the binary without checking anything.
    pub fn execute(&self) -> Outcome {
        let mut command = Command::new(env!("CARGO_BIN_EXE_crictl"));
        command.args(&self.args);
        for name in CRI_VARIABLES {
            command.env_remove(name);
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let started = Instant::now();
        let output = match &self.stdin {
            None => command.output().expect("run the crictl binary"),
            Some(bytes) => {
                use std::io::Write as _;
                command
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                let mut child = command.spawn().expect("start the crictl binary");
                let mut input = child.stdin.take().expect("the child's stdin");
                let bytes = bytes.clone();
                let writer = std::thread::spawn(move || {
                    let _ = input.write_all(&bytes);
                });
                let output = child
                    .wait_with_output()
                    .expect("wait for the crictl binary");
                let _ = writer.join();
                output
            }
        };
        Outcome {
            command: self.command_line(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code(),
            elapsed: started.elapsed(),
        }
    }

    fn command_line(&self) -> String {
        let words: Vec<String> = self
            .args
            .iter()
            .map(|arg| format!("{:?}", arg.to_string_lossy()))
            .collect();
        format!("crictl {}", words.join(" "))
    }
}

impl Default for Crictl {
    fn default() -> Self {
        Self::new()
    }
}

impl Outcome {
    /// Everything the run produced, for a failure message.
    pub fn report(&self) -> String {
        format!(
            "--- command: {}\n--- exit status: {:?} after {:?}\n--- stdout:\n{}--- end of stdout\n--- stderr:\n{}--- end of stderr",
            self.command, self.code, self.elapsed, self.stdout, self.stderr
        )
    }

    /// Splits stderr into lines.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }
}

/// Describes where two texts part, by line.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.split_inclusive('\n');
    let mut actual_lines = actual.split_inclusive('\n');
    let mut number = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => number += 1,
            (None, None) => return String::new(),
            (e, a) => return format!(" at line {number}: expected {e:?}, found {a:?}"),
        }
    }
}
