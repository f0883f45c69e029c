//! Reads an arbitrary file as a container log with options taken from the
//! first input bytes: `--tail`, `-t`, `--limit-bytes`, `--stream`,
//! `--since` and merged streams. Any panic is a bug, the output never
//! exceeds the byte limit, and reading on threads in small chunks prints
//! what reading on one thread prints.
#![no_main]

use std::io::Write;

use crictl_rs::logs::{self, ContainerState, Instant, Options, Parallel, Stream};
use libfuzzer_sys::fuzz_target;

struct Stopped;

impl ContainerState for Stopped {
    async fn is_running(&mut self) -> Result<bool, crictl_rs::error::Error> {
        Ok(false)
    }
}

fn options(control: &[u8; 4]) -> Options {
    let [flags, tail, limit, since] = *control;
    Options {
        tail: (flags & 1 != 0).then_some(u64::from(tail % 16)),
        timestamps: flags & 2 != 0,
        limit_bytes: (flags & 4 != 0).then_some(u64::from(limit)),
        stream: match flags >> 3 & 3 {
            1 => Some(Stream::Stdout),
            2 => Some(Stream::Stderr),
            _ => None,
        },
        since: (flags & 32 != 0).then_some(Instant {
            seconds: 1_704_067_200 + i64::from(since),
            nanos: 0,
        }),
        follow: false,
        merge_streams: flags & 64 != 0,
        parallel: None,
    }
}

/// Reads the file at `path`, returning stdout, stderr and whether it
/// succeeded.
fn read(path: &std::path::Path, options: &Options) -> (Vec<u8>, Vec<u8>, bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let result = runtime.block_on(logs::print_log(
        path,
        options,
        &mut stdout,
        &mut stderr,
        &mut Stopped,
        std::future::pending(),
    ));
    (stdout, stderr, result.is_ok())
}

fuzz_target!(|data: &[u8]| {
    let Some((control, content)) = data.split_first_chunk::<4>() else {
        return;
    };
    let options = options(control);
    let Ok(mut file) = temporary_file() else {
        return;
    };
    if file.1.write_all(content).is_err() {
        return;
    }
    let (stdout, stderr, succeeded) = read(&file.0, &options);
    if let (true, Some(limit)) = (succeeded, options.limit_bytes) {
        // With merged streams stderr holds only warnings, some of them
        // after a newline that ends an unterminated line.
        let ours = if options.merge_streams {
            stderr.len()
        } else {
            warning_bytes(&stderr)
        };
        let printed = stdout.len() + stderr.len() - ours;
        assert!(
            printed as u64 <= limit,
            "printed {printed} bytes over a limit of {limit}"
        );
    }
    let threaded = Options {
        parallel: Some(Parallel {
            workers: 2,
            min_bytes: 0,
            chunk_size: usize::from(control[2] % 64) + 1,
        }),
        ..options
    };
    let (threaded_stdout, threaded_stderr, threaded_succeeded) = read(&file.0, &threaded);
    assert_eq!(succeeded, threaded_succeeded);
    assert!(threaded_stdout == stdout, "threads printed other stdout");
    assert!(threaded_stderr == stderr, "threads printed other stderr");
    let _ = std::fs::remove_file(&file.0);
});

/// Bytes of our own warning lines in `stderr`, which the limit does not
/// count.
fn warning_bytes(stderr: &[u8]) -> usize {
    const PREFIX: &[u8] = b"crictl: warning:";
    let mut total = 0;
    let mut rest = stderr;
    while let Some(start) = rest
        .windows(PREFIX.len())
        .position(|window| window == PREFIX)
    {
        let after = &rest[start..];
        let length = after
            .iter()
            .position(|&b| b == b'\n')
            .map_or(after.len(), |end| end + 1);
        total += length;
        rest = &after[length..];
    }
    total
}

/// Creates a fresh file in /dev/shm (or the temp directory), named after the
/// process so parallel fuzz jobs do not collide.
fn temporary_file() -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("crictl-rs-fuzz-{}.log", std::process::id()));
    let file = std::fs::File::create(&path)?;
    Ok((path, file))
}
