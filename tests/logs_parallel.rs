//! Reading a log on several threads prints exactly what reading it on one
//! thread prints: the same stdout and stderr bytes, warnings included. This
//! holds for any mix of plain lines, fragments and lines only the general
//! parser takes, wherever the chunk boundaries fall.

mod logs_support;

use crictl_rs::logs::{Options, Parallel, Stream};
use proptest::prelude::*;

/// One physical line of a generated log.
#[derive(Debug, Clone)]
enum Line {
    /// A plain line: stderr or not, `P` or `F`, and its content.
    Plain(bool, bool, Vec<u8>),
    /// A line that is not in the plain shape, or not valid at all.
    Odd(&'static str),
}

/// Lines the plain path leaves to the general parser. Some parse (another
/// timestamp form, tags with attributes, no content), some do not.
const ODD_LINES: [&str; 8] = [
    "2026-01-01T00:00:00Z stdout F short timestamp",
    "2026-01-01T00:00:00.5+02:00 stderr F offset",
    "2026-01-01T00:00:00.000000001Z stdout F:x tagged",
    "2026-01-01T00:00:00.000000001Z stderr F",
    "2026-13-01T00:00:00.000000001Z stdout F bad month",
    "2026-02-29T00:00:00.000000001Z stdout F no such day",
    "not a log line at all",
    "",
];

fn line() -> impl Strategy<Value = Line> {
    let byte = any::<u8>().prop_map(|b| if b == b'\n' { b'.' } else { b });
    prop_oneof![
        8 => (any::<bool>(), prop::bool::weighted(0.2), prop::collection::vec(byte, 0..60))
            .prop_map(|(stderr, partial, content)| Line::Plain(stderr, partial, content)),
        1 => prop::sample::select(&ODD_LINES[..]).prop_map(Line::Odd),
    ]
}

/// Encodes the lines after a plain first line, so the file is CRI.
fn encode(lines: &[Line], unterminated: bool) -> Vec<u8> {
    let mut log = b"2026-01-01T00:00:00.000000000Z stdout F first\n".to_vec();
    for (index, line) in lines.iter().enumerate() {
        match line {
            Line::Plain(stderr, partial, content) => {
                let stream = if *stderr { "stderr" } else { "stdout" };
                let tag = if *partial { "P" } else { "F" };
                log.extend_from_slice(
                    format!("2026-01-01T00:00:01.{index:09}Z {stream} {tag} ").as_bytes(),
                );
                log.extend_from_slice(content);
            }
            Line::Odd(text) => log.extend_from_slice(text.as_bytes()),
        }
        log.push(b'\n');
    }
    if unterminated {
        log.extend_from_slice(b"2026-01-01T00:00:02.000000000Z stdout F still writing");
    }
    log
}

fn split(workers: usize, chunk_size: usize) -> Option<Parallel> {
    Some(Parallel {
        workers,
        min_bytes: 0,
        chunk_size,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn threads_print_what_one_thread_prints(
        lines in prop::collection::vec(line(), 0..80),
        unterminated in any::<bool>(),
        workers in 2usize..5,
        chunk_size in 1usize..400,
        merged in any::<bool>(),
        only in prop::option::of(prop::bool::ANY),
    ) {
        let log = encode(&lines, unterminated);
        let stream = only.map(|stderr| if stderr { Stream::Stderr } else { Stream::Stdout });
        let single = Options { merge_streams: merged, stream, ..Options::default() };
        let threaded = Options { parallel: split(workers, chunk_size), ..single.clone() };
        // One file for both reads, since warnings name it.
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("0.log");
        std::fs::write(&path, &log).expect("write log");
        let expected = logs_support::read_path(&path, &single).expect("one thread");
        let (stdout, stderr) = logs_support::read_path(&path, &threaded).expect("threads");
        prop_assert_eq!(logs_support::lossy(&stdout), logs_support::lossy(&expected.0));
        prop_assert_eq!(logs_support::lossy(&stderr), logs_support::lossy(&expected.1));
    }
}

#[test]
fn large_file_in_small_chunks() {
    let mut log = Vec::new();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    for number in 0..20_000 {
        let stream = if number % 7 == 0 { "stderr" } else { "stdout" };
        log.extend_from_slice(
            format!("2026-01-01T00:00:00.{number:09}Z {stream} F line {number}\n").as_bytes(),
        );
        let sink = if number % 7 == 0 {
            &mut stderr
        } else {
            &mut stdout
        };
        sink.extend_from_slice(format!("line {number}\n").as_bytes());
    }
    let options = Options {
        parallel: split(3, 4096),
        ..Options::default()
    };
    let printed = logs_support::read_bytes(&log, &options);
    assert_eq!(printed, (stdout, stderr));
}

#[test]
fn merged_streams_keep_file_order() {
    let log = "2026-01-01T00:00:00.000000001Z stdout F out one\n\
               2026-01-01T00:00:00.000000002Z stderr F err one\n\
               not a log line\n\
               2026-01-01T00:00:00.000000003Z stdout P out \n\
               2026-01-01T00:00:00.000000004Z stdout F two\n";
    for parallel in [None, split(2, 16)] {
        let options = Options {
            merge_streams: true,
            parallel,
            ..Options::default()
        };
        let (stdout, stderr) = logs_support::read(log, &options);
        assert_eq!(stdout, "out one\nerr one\nout two\n");
        assert!(
            stderr.starts_with("crictl: warning: skipped the line at byte 96 of "),
            "{stderr}"
        );
    }
}

#[test]
fn tail_stays_on_one_thread() {
    let log = "2026-01-01T00:00:00.000000001Z stdout F one\n\
               2026-01-01T00:00:00.000000002Z stdout F two\n\
               2026-01-01T00:00:00.000000003Z stdout F three\n";
    let options = Options {
        tail: Some(2),
        parallel: split(2, 8),
        ..Options::default()
    };
    assert_eq!(logs_support::read(log, &options).0, "two\nthree\n");
}
