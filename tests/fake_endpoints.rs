//! Reaching the runtime: probing the default endpoints, explicit endpoints
//! from flags, environment and config file, separate image endpoints,
//! retries, deadlines and the errors of a runtime that is down.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use crictl_rs::config::{self, GlobalArgs, Settings};
use crictl_rs::transport::Connector;
use support::{Clock, Crictl, Fake, calls, sample};
use tonic::Code;

/// Settings with no endpoint configured, read from the fake's empty config
/// file so nothing on the host takes part.
fn probing_settings(fake: &Fake, timeout: Option<Duration>) -> Settings {
    let args = GlobalArgs {
        config: Some(fake.dir().join("crictl.yaml").display().to_string()),
        timeout: timeout.map(|t| i64::try_from(t.as_nanos()).expect("a short timeout")),
        ..Default::default()
    };
    let no_environment = |_: &str| None;
    config::resolve(&args, &no_environment, None, false).expect("settings resolve")
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build a tokio runtime")
        .block_on(future)
}

fn unix(path: &Path) -> String {
    format!("unix://{}", path.display())
}

#[test]
fn default_probe_skips_missing() {
    let fake = Fake::start(sample(Clock::Live));
    let missing = unix(&fake.dir().join("missing.sock"));
    let connector = Connector::with_defaults(
        probing_settings(&fake, None),
        vec![missing, fake.endpoint()],
    );
    block_on(async {
        connector
            .runtime()
            .await
            .expect("the second default endpoint connects");
        connector
            .image()
            .await
            .expect("the image service connects there too");
    });
    // The image service goes straight to the endpoint where the runtime
    // service connected.
    assert_eq!(fake.calls(), calls(&["Version ", "ImageFsInfo "]));
}

#[test]
fn default_probe_all_missing() {
    let fake = Fake::start(sample(Clock::Live));
    let first = unix(&fake.dir().join("containerd.sock"));
    let second = unix(&fake.dir().join("crio.sock"));
    let connector = Connector::with_defaults(
        probing_settings(&fake, None),
        vec![first.clone(), second.clone()],
    );
    let error = block_on(connector.runtime()).expect_err("no default endpoint answers");
    let message = error.to_string();
    assert!(message.contains(&first), "{message}");
    assert!(message.contains(&second), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn default_probe_bounded_by_timeout() {
    let mut hung_state = sample(Clock::Live);
    hung_state.delay("Version", Duration::from_secs(10));
    let hung = Fake::start(hung_state);
    let fake = Fake::start(sample(Clock::Live));
    let settings = probing_settings(&fake, Some(Duration::from_secs(1)));
    let connector = Connector::with_defaults(settings, vec![hung.endpoint(), fake.endpoint()]);
    let started = Instant::now();
    block_on(connector.runtime()).expect("the second default endpoint connects");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    assert_eq!(hung.calls(), calls(&["Version "]));
    assert_eq!(fake.calls(), calls(&["Version "]));
}

#[test]
fn explicit_missing_socket_retried() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let config = dir.path().join("crictl.yaml");
    std::fs::write(&config, "").expect("write the empty config file");
    let socket = dir.path().join("nonexistent.sock");
    let outcome = Crictl::new()
        .args(["--config", &config.display().to_string()])
        .args(["-r", &unix(&socket), "--max-retries", "1", "version"])
        .code(1)
        .stdout("")
        .stderr_contains(&socket.display().to_string())
        .run();
    // One retry after 500 ms, then one error line.
    assert!(
        outcome.elapsed >= Duration::from_millis(500),
        "{}",
        outcome.report()
    );
    assert!(
        outcome.elapsed < Duration::from_secs(3),
        "{}",
        outcome.report()
    );
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
}

#[test]
fn runtime_down_hint() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let config = dir.path().join("crictl.yaml");
    std::fs::write(&config, "").expect("write the empty config file");
    let socket = dir.path().join("containerd.sock");
    let outcome = Crictl::new()
        .args(["--config", &config.display().to_string()])
        .args(["-r", &unix(&socket), "ps"])
        .code(1)
        .stdout("")
        .stderr_contains(&socket.display().to_string())
        .stderr_contains("running")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    // With a config file, retries are off. The three retries made without
    // one would take 3.5 s.
    assert!(
        outcome.elapsed < Duration::from_millis(1500),
        "{}",
        outcome.report()
    );
}

#[test]
fn connect_timeout_bounded() {
    let mut state = sample(Clock::Live);
    state.delay("Version", Duration::from_secs(10));
    let fake = Fake::start(state);
    let outcome = fake
        .crictl(&["--timeout", "1s", "version"])
        .code(1)
        .stdout("")
        .stderr_contains(&fake.endpoint())
        .stderr_contains("1s")
        .run();
    assert!(
        outcome.elapsed < Duration::from_secs(4),
        "{}",
        outcome.report()
    );
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    // One check, sent with the version call: the timeout is waited out once.
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "Version version: \"v1\""])
    );
}

#[test]
fn non_cri_socket_hint() {
    let mut state = sample(Clock::Live);
    state.fail(
        "Version",
        Code::Unimplemented,
        "unknown service runtime.v1.RuntimeService",
    );
    let fake = Fake::start(state);
    let outcome = fake
        .crictl(&["version"])
        .code(1)
        .stdout("")
        .stderr_contains("unknown service runtime.v1.RuntimeService")
        .stderr_contains("cri plugin")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
}

#[test]
fn tcp_endpoint_rejected() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let config = dir.path().join("crictl.yaml");
    std::fs::write(&config, "").expect("write the empty config file");
    Crictl::new()
        .args(["--config", &config.display().to_string()])
        .args(["-r", "tcp://127.0.0.1:1", "version"])
        .code(1)
        .stdout("")
        .stderr_contains("tcp://127.0.0.1:1")
        .run();
}

#[test]
fn separate_image_endpoint() {
    let runtime = Fake::start(sample(Clock::Live));
    let image = Fake::start(sample(Clock::Live));
    Crictl::new()
        .args([
            "--config",
            &runtime.dir().join("crictl.yaml").display().to_string(),
        ])
        .args([
            "-r",
            &runtime.endpoint(),
            "-i",
            &image.endpoint(),
            "ps",
            "-q",
        ])
        .stdout(&format!("{}\n", support::fixture::CTR_NGINX))
        .run();
    assert_eq!(
        runtime.calls(),
        calls(&[
            "Version ",
            "ListContainers filter { state { state: CONTAINER_RUNNING } }",
        ])
    );
    assert_eq!(image.calls(), calls(&["ImageFsInfo "]));
}

#[test]
fn image_endpoint_defaults_to_runtime() {
    let fake = Fake::start(sample(Clock::Live));
    Crictl::new()
        .args([
            "--config",
            &fake.dir().join("crictl.yaml").display().to_string(),
        ])
        .args(["-r", &fake.endpoint(), "images", "-q", "nginx"])
        .stdout(&format!("{}\n", support::fixture::IMG_NGINX))
        .run();
    assert_eq!(fake.calls()[0], "ImageFsInfo ");
}

#[test]
fn endpoint_from_environment() {
    let fake = Fake::start(sample(Clock::Live));
    Crictl::new()
        .args(["--config", &fake.dir().join("crictl.yaml").display().to_string()])
        .args(["version"])
        .env("CONTAINER_RUNTIME_ENDPOINT", &fake.endpoint())
        .stdout("Version:  0.1.0\nRuntimeName:  fakecri\nRuntimeVersion:  1.2.3\nRuntimeApiVersion:  v1\n")
        .stderr_empty()
        .run();
}

#[test]
fn endpoint_from_config_file() {
    let fake = Fake::start(sample(Clock::Live));
    let config = fake.dir().join("endpoint.yaml");
    let text = format!(
        "runtime-endpoint: {0}\nimage-endpoint: {0}\ntimeout: 5\n",
        fake.endpoint()
    );
    std::fs::write(&config, text).expect("write the config file");
    Crictl::new()
        .args([
            "--config",
            &config.display().to_string(),
            "images",
            "-q",
            "nginx",
        ])
        .stdout(&format!("{}\n", support::fixture::IMG_NGINX))
        .stderr_empty()
        .run();
}

#[test]
fn flag_beats_environment() {
    let fake = Fake::start(sample(Clock::Live));
    let elsewhere = unix(&fake.dir().join("elsewhere.sock"));
    fake.crictl(&["version"])
        .env("CONTAINER_RUNTIME_ENDPOINT", &elsewhere)
        .stdout("Version:  0.1.0\nRuntimeName:  fakecri\nRuntimeVersion:  1.2.3\nRuntimeApiVersion:  v1\n")
        .run();
}

#[test]
fn socket_that_closes_is_not_called_a_rejection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("closes.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
    // Accepts each connection and closes it without a word, as a process
    // that is not a gRPC server might.
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    let config = dir.path().join("crictl.yaml");
    std::fs::write(&config, "").expect("write config");
    let endpoint = format!("unix://{}", path.display());
    let outcome = Crictl::new()
        .args(["--config", &config.display().to_string(), "-r", &endpoint])
        .args(["pods"])
        .code(1)
        .stdout("")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    assert!(!outcome.stderr.contains("rejected"), "{}", outcome.report());
    assert!(
        outcome.stderr.contains(&endpoint) && outcome.stderr.contains("CRI runtime"),
        "{}",
        outcome.report()
    );
}
