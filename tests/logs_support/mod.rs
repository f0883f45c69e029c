//! Helpers shared by the log tests: sample files, running the library's
//! reader on a temporary file, and a container state the test controls.
#![allow(dead_code)]

use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crictl_rs::logs::{self, ContainerState, Error, Options};

/// A CRI log with every line shape crictl handles: full, partial, a
/// garbage line, an offset, an extended tag, an empty message and an
/// unterminated last line.
pub const NGINX_FIXTURE: &str = "\
2024-01-01T00:00:00.000000001Z stdout F line one
2024-01-01T00:00:01.5Z stderr F err one
2024-01-01T00:00:02Z stdout P part-a 
2024-01-01T00:00:03Z stdout P part-b 
2024-01-01T00:00:04Z stdout F part-c
garbage line here
2024-01-01T09:00:05+09:00 stdout F tz line
2024-01-01T00:00:06.123456789Z stderr F err two
2024-01-01T00:00:07Z stdout F:x line with extended tag
2024-01-01T00:00:08Z stdout F 
2024-01-01T00:00:09Z stdout F no newline at end";

/// A Docker json-file log with a partial line.
pub const DOCKER_FIXTURE: &str = r#"{"log":"json line 1\n","stream":"stdout","time":"2016-10-20T18:39:20.57606443Z"}
{"log":"json err\n","stream":"stderr","time":"2016-10-20T18:39:21Z"}
{"log":"partial ","stream":"stdout","time":"2016-10-20T18:39:22Z"}
{"log":"rest\n","stream":"stdout","time":"2016-10-20T18:39:23Z"}
"#;

/// Formats one CRI line with a fixed timestamp.
pub fn cri_line(stream: &str, tag: &str, content: &str) -> String {
    format!("2026-01-01T00:00:00.000000001Z {stream} {tag} {content}\n")
}

/// The state of a stopped container, for reads that do not follow.
pub struct Stopped;

impl ContainerState for Stopped {
    async fn is_running(&mut self) -> Result<bool, crictl_rs::error::Error> {
        Ok(false)
    }
}

/// Reads the log at `path` without following, returning stdout and stderr.
pub fn read_path(path: &Path, options: &Options) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    runtime.block_on(logs::print_log(
        path,
        options,
        &mut stdout,
        &mut stderr,
        &mut Stopped,
        std::future::pending(),
    ))?;
    Ok((stdout, stderr))
}

/// Writes `content` to a temporary log file and reads it.
pub fn read_bytes_result(content: &[u8], options: &Options) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("0.log");
    std::fs::write(&path, content).expect("write log");
    read_path(&path, options)
}

pub fn read_bytes(content: &[u8], options: &Options) -> (Vec<u8>, Vec<u8>) {
    read_bytes_result(content, options).unwrap_or_else(|error| panic!("reading failed: {error}"))
}

pub fn read_result(content: &str, options: &Options) -> Result<(String, String), Error> {
    let (stdout, stderr) = read_bytes_result(content.as_bytes(), options)?;
    Ok((lossy(&stdout), lossy(&stderr)))
}

/// Reads `content` as a log file; fails the test if reading fails.
pub fn read(content: &str, options: &Options) -> (String, String) {
    read_result(content, options).unwrap_or_else(|error| panic!("reading failed: {error}"))
}

pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `stderr` without our own warning lines, leaving the container's output.
pub fn without_warnings(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("crictl: warning:"))
        .collect()
}

/// A writer whose bytes another thread can watch.
#[derive(Clone, Default)]
pub struct SharedOutput(pub Arc<Mutex<Vec<u8>>>);

impl SharedOutput {
    pub fn contents(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Write for SharedOutput {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
