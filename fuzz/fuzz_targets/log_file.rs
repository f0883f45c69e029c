//! Reads an arbitrary file as a container log with options taken from the
//! first input bytes: `--tail`, `-t`, `--limit-bytes`, `--stream` and
//! `--since`. Any panic is a bug, and the output never exceeds the byte
//! limit.
#![no_main]

use std::io::Write;

use crictl_rs::logs::{self, ContainerState, Instant, Options, Stream};
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
        keep_stream_order: flags & 64 != 0,
    }
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let result = runtime.block_on(logs::print_log(
        &file.0,
        &options,
        &mut stdout,
        &mut stderr,
        &mut Stopped,
        std::future::pending(),
    ));
    if let (Ok(()), Some(limit)) = (result, options.limit_bytes) {
        let printed = stdout.len() + stderr.len() - warning_bytes(&stderr);
        assert!(
            printed as u64 <= limit,
            "printed {printed} bytes over a limit of {limit}"
        );
    }
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
