//! `logs -f` through the library: an unterminated line completed later,
//! stopping when the container stops, rotation by rename-and-create and by
//! copytruncate (with lines still unread at the moment of rotation), and a
//! long run of 100,000 lines through 100 rotations.

mod logs_support;

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crictl_rs::logs::{self, ContainerState, Options};
use logs_support::{SharedOutput, lossy};

/// A container state that calls `hook` with the check's number, counting
/// from one, and returns its result. The hook may change the log file,
/// which happens while the follower waits for the reply.
struct Scripted<F> {
    checks: u32,
    hook: F,
}

impl<F: FnMut(u32) -> bool> ContainerState for Scripted<F> {
    async fn is_running(&mut self) -> Result<bool, crictl_rs::error::Error> {
        self.checks += 1;
        Ok((self.hook)(self.checks))
    }
}

/// A container state another thread flips.
struct Flag(Arc<AtomicBool>);

impl ContainerState for Flag {
    async fn is_running(&mut self) -> Result<bool, crictl_rs::error::Error> {
        Ok(self.0.load(Ordering::SeqCst))
    }
}

fn follow_options() -> Options {
    Options {
        follow: true,
        ..Options::default()
    }
}

/// Follows `path` until `state` reports the container stopped, and returns
/// stdout and stderr.
fn follow<S: ContainerState>(path: &Path, options: &Options, state: &mut S) -> (String, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    runtime
        .block_on(logs::print_log(
            path,
            options,
            &mut stdout,
            &mut stderr,
            state,
            std::future::pending(),
        ))
        .unwrap_or_else(|error| panic!("follow failed: {error}"));
    (lossy(&stdout), lossy(&stderr))
}

fn line(number: usize) -> String {
    format!("2026-01-01T00:00:00.{number:09}Z stdout F {number}\n")
}

fn lines(numbers: std::ops::Range<usize>) -> String {
    numbers.map(line).collect()
}

fn numbers_text(numbers: std::ops::Range<usize>) -> String {
    numbers.map(|n| format!("{n}\n")).collect()
}

fn append(path: &Path, text: &str) {
    let mut file = OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open log");
    file.write_all(text.as_bytes()).expect("append");
}

fn log_in(dir: &tempfile::TempDir, content: &str) -> PathBuf {
    let path = dir.path().join("0.log");
    fs::write(&path, content).expect("write log");
    path
}

#[test]
fn unterminated_line_printed_once_complete() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(
        &dir,
        "2026-01-01T00:00:00.000000001Z stdout F line one\n\
         2026-01-01T00:00:01.000000001Z stdout F line two\n\
         2026-01-01T00:00:02.000000001Z stdout F hel",
    );
    let running = Arc::new(AtomicBool::new(true));
    let writer = {
        let (path, running) = (path.clone(), Arc::clone(&running));
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            append(&path, "lo\n");
            std::thread::sleep(Duration::from_millis(1500));
            running.store(false, Ordering::SeqCst);
            Instant::now()
        })
    };

    let (stdout, _) = follow(&path, &follow_options(), &mut Flag(running));
    let returned = Instant::now();
    let stopped = writer.join().expect("writer thread");
    assert_eq!(stdout, "line one\nline two\nhello\n");
    let delay = returned.duration_since(stopped);
    assert!(
        delay < Duration::from_millis(1100),
        "stopped {delay:?} after the container"
    );
}

#[test]
fn lines_before_exit_are_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, &lines(0..2));
    let hook_path = path.clone();
    let mut state = Scripted {
        checks: 0,
        hook: move |_| {
            append(&hook_path, &lines(2..4));
            append(&hook_path, "2026-01-01T00:00:00Z stdout F unterminated");
            false
        },
    };
    let (stdout, _) = follow(&path, &follow_options(), &mut state);
    assert_eq!(stdout, format!("{}unterminated", numbers_text(0..4)));
}

#[test]
fn rename_and_create_loses_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, &lines(0..2));
    let hook_path = path.clone();
    let mut state = Scripted {
        checks: 0,
        hook: move |check| {
            if check == 1 {
                // Lines the follower has not read yet go to the old file,
                // which is then renamed away and replaced.
                append(&hook_path, &lines(2..4));
                fs::rename(&hook_path, hook_path.with_extension("log.1")).expect("rename");
                fs::write(&hook_path, lines(4..6)).expect("create");
            }
            check < 3
        },
    };
    let (stdout, _) = follow(&path, &follow_options(), &mut state);
    assert_eq!(stdout, numbers_text(0..6));
}

#[test]
fn copytruncate_recovers_from_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, &lines(0..2));
    let hook_path = path.clone();
    let mut state = Scripted {
        checks: 0,
        hook: move |check| {
            if check == 1 {
                // Lines 2 and 3 are cut off before the follower reads them;
                // only the copy keeps them.
                append(&hook_path, &lines(2..4));
                fs::copy(&hook_path, hook_path.with_extension("log.1")).expect("copy");
                OpenOptions::new()
                    .write(true)
                    .open(&hook_path)
                    .and_then(|f| f.set_len(0))
                    .expect("truncate");
                append(&hook_path, &lines(4..6));
            }
            check < 3
        },
    };
    let (stdout, stderr) = follow(&path, &follow_options(), &mut state);
    assert_eq!(stdout, numbers_text(0..6));
    assert_eq!(stderr, "");
}

#[test]
fn truncation_without_copy_restarts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, &lines(0..2));
    let hook_path = path.clone();
    let mut state = Scripted {
        checks: 0,
        hook: move |check| {
            if check == 1 {
                fs::write(&hook_path, lines(7..8)).expect("truncate and write");
            }
            check < 3
        },
    };
    let (stdout, stderr) = follow(&path, &follow_options(), &mut state);
    assert_eq!(stdout, "0\n1\n7\n");
    assert!(stderr.contains("was truncated"), "{stderr}");
}

#[test]
fn tail_then_new_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, &lines(0..10));
    let hook_path = path.clone();
    let mut state = Scripted {
        checks: 0,
        hook: move |check| {
            if check == 1 {
                append(&hook_path, &lines(10..12));
            }
            check < 2
        },
    };
    let options = Options {
        tail: Some(2),
        ..follow_options()
    };
    assert_eq!(follow(&path, &options, &mut state).0, numbers_text(8..12));
}

#[test]
fn limit_ends_follow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, &lines(0..3));
    let options = Options {
        limit_bytes: Some(4),
        ..follow_options()
    };
    let mut state = Scripted {
        checks: 0,
        hook: |_| panic!("the limit should end reading before any status check"),
    };
    assert_eq!(follow(&path, &options, &mut state).0, "0\n1\n");
}

#[test]
fn stop_future_ends_follow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, &lines(0..1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let started = Instant::now();
    let result = runtime.block_on(logs::print_log(
        &path,
        &follow_options(),
        &mut stdout,
        &mut stderr,
        &mut Flag(Arc::new(AtomicBool::new(true))),
        async { tokio::time::sleep(Duration::from_millis(300)).await },
    ));
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(stdout, b"0\n");
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Moves the log aside for rotation number `rotation`: by rename and
/// create for even numbers, by copy and truncate for odd ones.
fn rotate(path: &Path, file: &mut File, rotation: usize) {
    let rotated = path.with_file_name(format!("0.log.{rotation}"));
    if rotation.is_multiple_of(2) {
        fs::rename(path, &rotated).expect("rename");
        *file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(path)
            .expect("create");
    } else {
        fs::copy(path, &rotated).expect("copy");
        file.set_len(0).expect("truncate");
    }
}

/// Counts the lines printed so far.
fn printed_lines(output: &SharedOutput) -> usize {
    output
        .contents()
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
}

#[test]
fn rotation_hundred_thousand_lines() {
    const LINES: usize = 100_000;
    const ROTATIONS: usize = 100;
    const PER_ROTATION: usize = LINES / ROTATIONS;

    let dir = tempfile::tempdir().expect("temp dir");
    let path = log_in(&dir, "");
    let running = Arc::new(AtomicBool::new(true));
    let output = SharedOutput::default();
    let writer = {
        let (path, running, output) = (path.clone(), Arc::clone(&running), output.clone());
        std::thread::spawn(move || {
            let mut file = OpenOptions::new()
                .append(true)
                .open(&path)
                .expect("open log");
            let mut rotated_behind = 0;
            for number in 0..LINES {
                file.write_all(line(number).as_bytes()).expect("write line");
                if (number + 1).is_multiple_of(PER_ROTATION) {
                    // Rotate with the follower behind, but by less than one
                    // rotation: it has printed a line of the current file.
                    // Two rotations between two of its reads would hide the
                    // middle file, as they would from crictl.
                    let previous_rotation = number + 1 - PER_ROTATION;
                    let deadline = Instant::now() + Duration::from_secs(20);
                    while printed_lines(&output) <= previous_rotation && Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    if printed_lines(&output) <= number {
                        rotated_behind += 1;
                    }
                    rotate(&path, &mut file, (number + 1) / PER_ROTATION);
                }
            }
            running.store(false, Ordering::SeqCst);
            rotated_behind
        })
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut stdout = output.clone();
    let mut stderr = Vec::new();
    let result = runtime.block_on(logs::print_log(
        &path,
        &follow_options(),
        &mut stdout,
        &mut stderr,
        &mut Flag(running),
        std::future::pending(),
    ));
    let rotated_behind = writer.join().expect("writer thread");
    assert!(result.is_ok(), "{result:?}");

    let text = lossy(&output.contents());
    let printed: Vec<usize> = text.lines().filter_map(|l| l.parse().ok()).collect();
    let mut seen = vec![0u32; LINES];
    for &number in &printed {
        if let Some(count) = seen.get_mut(number) {
            *count += 1;
        }
    }
    let duplicates = seen.iter().filter(|&&count| count > 1).count();
    let gaps = seen.iter().filter(|&&count| count == 0).count();
    let in_order = printed.windows(2).all(|pair| pair[0] < pair[1]);
    eprintln!(
        "rotation test: printed {} of {LINES} lines, {duplicates} duplicated, {gaps} missing, \
         in order: {in_order}; {rotated_behind} of {ROTATIONS} rotations happened with lines unread",
        printed.len()
    );
    assert_eq!(lossy(&stderr), "");
    assert_eq!(printed.len(), LINES);
    assert_eq!(duplicates, 0);
    assert_eq!(gaps, 0);
    assert!(in_order);
}
