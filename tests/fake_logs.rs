//! `logs` against the fake runtime: the calls it makes, the path it reads
//! (including `--previous`), the argument checks made before connecting,
//! and `-f` ending when the container stops.

mod logs_support;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use crictl_rs::proto::cri;
use support::fixture::{CTR_BUSYBOX, CTR_NGINX};
use support::{Clock, Fake, calls, sample};

/// Starts a fake runtime whose container `id` logs to `file_name` in the fake's
/// directory, with `content` written there, and the given attempt.
fn fake_with_log(id: &str, file_name: &str, content: &str, attempt: u32) -> Fake {
    let fake = Fake::start(sample(Clock::Live));
    let path = fake.dir().join(file_name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create log directory");
    }
    std::fs::write(&path, content).expect("write log");
    set_status(&fake, id, |status| {
        status.log_path = path.display().to_string();
        if let Some(metadata) = status.metadata.as_mut() {
            metadata.attempt = attempt;
        }
    });
    fake
}

fn set_status(fake: &Fake, id: &str, change: impl FnOnce(&mut cri::ContainerStatus)) {
    let mut state = fake.state();
    let reply = state
        .container_statuses
        .get_mut(id)
        .expect("container in the sample");
    if let Some(status) = reply.status.as_mut() {
        change(status);
    }
}

fn status_call(id: &str) -> String {
    format!("ContainerStatus container_id: \"{id}\"")
}

#[test]
fn logs_reads_status_path() {
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", logs_support::NGINX_FIXTURE, 0);
    let outcome = fake
        .crictl(&["logs", "0123"])
        .stdout(
            "line one\npart-a part-b part-c\ntz line\nline with extended tag\n\nno newline at end",
        )
        .run();
    assert!(outcome.stderr.contains("err one\n"), "{}", outcome.report());
    assert_eq!(fake.calls(), calls(&["Version ", &status_call("0123")]));
}

#[test]
fn logs_tail_and_timestamps() {
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", logs_support::NGINX_FIXTURE, 0);
    fake.crictl(&["logs", "--tail", "2", "-t", "0123"])
        .stdout("2024-01-01T00:00:07.000000000Z line with extended tag\n2024-01-01T00:00:08.000000000Z \n")
        .stderr_empty()
        .run();
}

#[test]
fn logs_go_style_flags() {
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", logs_support::NGINX_FIXTURE, 0);
    fake.crictl(&["logs", "-tail=1", "-limit-bytes", "4", "0123"])
        .stdout("\n")
        .run();
}

#[test]
fn previous_uses_lower_attempt() {
    let fake = fake_with_log(CTR_BUSYBOX, "busybox/3.log", "", 3);
    std::fs::write(
        fake.dir().join("busybox/2.log"),
        logs_support::DOCKER_FIXTURE,
    )
    .expect("write");
    fake.crictl(&["logs", "-p", "-t", "fedc"])
        .stdout("2016-10-20T18:39:20.576064430Z json line 1\n2016-10-20T18:39:22.000000000Z partial rest\n")
        .stderr_contains("2016-10-20T18:39:21.000000000Z json err\n")
        .run();
}

#[test]
fn previous_without_extension() {
    let fake = fake_with_log(CTR_BUSYBOX, "p/busybox", "", 2);
    let expected = fake.dir().join("p/1");
    let outcome = fake.crictl(&["logs", "--previous", "fedc"]).code(1).run();
    assert!(
        outcome.stderr.contains(&expected.display().to_string()),
        "{}",
        outcome.report()
    );
    assert!(
        outcome.stderr.starts_with("crictl: error:"),
        "{}",
        outcome.report()
    );
}

#[test]
fn previous_reads_lower_log() {
    let fake = fake_with_log(CTR_BUSYBOX, "ns_pod_uid/busybox/2.log", "", 2);
    std::fs::write(
        fake.dir().join("ns_pod_uid/busybox/1.log"),
        logs_support::cri_line("stdout", "F", "from attempt one"),
    )
    .expect("write");
    fake.crictl(&["logs", "-p", "fedc"])
        .stdout("from attempt one\n")
        .run();
}

#[test]
fn previous_needs_restart() {
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", "", 0);
    fake.crictl(&["logs", "-p", "0123"])
        .code(1)
        .stderr_contains("container nginx")
        .stderr_contains("no previous instance")
        .run();
}

#[test]
fn missing_log_path_reported() {
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", "", 0);
    set_status(&fake, CTR_NGINX, |status| status.log_path.clear());
    fake.crictl(&["logs", "0123"])
        .code(1)
        .stderr_contains("no log path")
        .run();
}

#[test]
fn unknown_container_reported() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["logs", "nonexist"])
        .code(1)
        .stderr_contains("crictl: error: getting the status of container \"nonexist\": not found")
        .run();
}

#[test]
fn tail_and_stream_rejected_offline() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["logs", "--tail", "-1", "--stream", "stdout", "0123"])
        .code(1)
        .stderr_contains("--tail and --stream cannot be used together")
        .run();
    assert!(fake.calls().is_empty());
}

#[test]
fn bad_stream_rejected_offline() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["logs", "--stream", "foo", "0123"])
        .code(1)
        .stderr_contains("invalid --stream \"foo\"")
        .run();
    assert!(fake.calls().is_empty());
}

#[test]
fn bad_since_rejected_offline() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["logs", "--since", "yesterday", "0123"])
        .code(1)
        .stderr_contains("invalid --since value \"yesterday\"")
        .run();
    assert!(fake.calls().is_empty());
}

#[test]
fn missing_id_rejected() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["logs"])
        .code(1)
        .stderr_contains("no container ID given")
        .run();
}

#[test]
fn extra_arguments_show_help() {
    let fake = Fake::start(sample(Clock::Live));
    let outcome = fake.crictl(&["logs", "0123", "-f"]).run();
    assert!(
        outcome.stdout.contains("--limit-bytes"),
        "{}",
        outcome.report()
    );
    assert!(fake.calls().is_empty());
}

#[test]
fn reopen_failure_reported() {
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", "", 0);
    fake.crictl(&["logs", "-r", "0123"])
        .code(1)
        .stderr_contains("reopening the log of container \"0123\"")
        .run();
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "ReopenContainerLog container_id: \"0123\""])
    );
}

#[test]
fn follow_ends_when_container_exits() {
    let content = "\
2026-01-01T00:00:00.000000001Z stdout F line one
2026-01-01T00:00:01.000000001Z stdout F line two
2026-01-01T00:00:02.000000001Z stdout F hel";
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", content, 0);
    let log = Path::new(
        &fake.state().container_statuses[CTR_NGINX]
            .status
            .clone()
            .unwrap_or_default()
            .log_path,
    )
    .to_owned();
    let command = fake.crictl(&["logs", "-f", "0123"]);
    let run = std::thread::spawn(move || {
        let outcome = command.execute();
        (outcome, Instant::now())
    });

    std::thread::sleep(Duration::from_millis(1500));
    logs_append(&log, "lo\n");
    std::thread::sleep(Duration::from_millis(1500));
    set_status(&fake, CTR_NGINX, |status| {
        status.state = cri::ContainerState::ContainerExited as i32;
    });
    let exited = Instant::now();
    let (outcome, finished) = run.join().expect("crictl thread");

    assert_eq!(outcome.code, Some(0), "{}", outcome.report());
    assert_eq!(outcome.stdout, "line one\nline two\nhello\n");
    let delay = finished.duration_since(exited);
    assert!(
        delay < Duration::from_millis(1500),
        "exited {delay:?} after the container"
    );
}

fn logs_append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open log");
    file.write_all(text.as_bytes()).expect("append");
}

#[test]
fn follow_interrupt_exits_zero() {
    let content = logs_support::cri_line("stdout", "F", "before the signal");
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", &content, 0);
    let endpoint = fake.endpoint();
    let config = fake.dir().join("crictl.yaml");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_crictl"))
        .arg("--config")
        .arg(&config)
        .args(["-r", &endpoint, "logs", "-f", "0123"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start crictl logs -f");

    std::thread::sleep(Duration::from_millis(1000));
    let signalled = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(signalled.success());
    let output = child.wait_with_output().expect("wait for crictl");

    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, b"before the signal\n");
    assert_eq!(output.stderr, b"");
}

/// Returns a log past the size at which reading is split among threads: 200,000
/// lines, one in five on stderr, one in nine split into two fragments.
/// Returns the log, what stdout and stderr should print, and what both print
/// into one file, in file order.
fn large_log() -> (String, String, String, String) {
    let (mut log, mut stdout, mut stderr, mut merged) =
        (String::new(), String::new(), String::new(), String::new());
    for number in 0..200_000u32 {
        let stream = if number % 5 == 0 { "stderr" } else { "stdout" };
        let stamp = format!(
            "2026-01-01T00:{:02}:{:02}.{number:09}Z",
            number / 60_000 % 60,
            number / 1000 % 60
        );
        let text = format!("line {number} of the large log, padded to about a hundred bytes");
        if number % 9 == 0 {
            log.push_str(&format!("{stamp} {stream} P {}\n", &text[..10]));
            log.push_str(&format!("{stamp} {stream} F {}\n", &text[10..]));
        } else {
            log.push_str(&format!("{stamp} {stream} F {text}\n"));
        }
        let sink = if number % 5 == 0 {
            &mut stderr
        } else {
            &mut stdout
        };
        sink.push_str(&text);
        sink.push('\n');
        merged.push_str(&text);
        merged.push('\n');
    }
    assert!(log.len() > 17 * 1024 * 1024, "{} bytes", log.len());
    (log, stdout, stderr, merged)
}

#[test]
fn large_log_read_on_threads() {
    let (log, stdout, stderr, _) = large_log();
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", &log, 0);
    let outcome = fake.crictl(&["logs", "0123"]).run();
    assert!(
        outcome.stdout == stdout,
        "stdout differs:\n{}",
        outcome.report()
    );
    assert!(
        outcome.stderr == stderr,
        "stderr differs:\n{}",
        outcome.report()
    );
}

#[test]
fn large_log_into_one_file_keeps_order() {
    let (log, _, _, merged) = large_log();
    let fake = fake_with_log(CTR_NGINX, "nginx/0.log", &log, 0);
    let config = fake.dir().join("merged-crictl.yaml");
    std::fs::write(&config, "").expect("write config");
    let output_path = fake.dir().join("both.txt");
    let output = std::fs::File::create(&output_path).expect("create output");
    let endpoint = fake.endpoint();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_crictl"))
        .args(["--config", &config.display().to_string(), "-r", &endpoint])
        .args(["logs", "0123"])
        .stdout(output.try_clone().expect("clone output"))
        .stderr(output)
        .status()
        .expect("run crictl");
    assert!(status.success());
    let printed = std::fs::read_to_string(&output_path).expect("read output");
    assert!(
        printed == merged,
        "{} bytes printed, {} expected",
        printed.len(),
        merged.len()
    );
}
