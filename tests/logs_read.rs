//! Reading a log file without `-f`, through the library. The first tests
//! check the outputs crictl 1.36 printed for the same files. The rest cover
//! the line shapes runtimes write (CRI-O offsets and empty messages, split
//! long lines, blank first lines, Docker JSON, bytes that are not UTF-8)
//! and how `--tail` counts.

mod logs_support;

use crictl_rs::logs::{Error, Instant, Options, Stream};
use logs_support::{DOCKER_FIXTURE, NGINX_FIXTURE, cri_line, read, read_result, without_warnings};

fn tail(lines: u64) -> Options {
    Options {
        tail: Some(lines),
        ..Options::default()
    }
}

fn timestamps() -> Options {
    Options {
        timestamps: true,
        ..Options::default()
    }
}

fn since(seconds: i64) -> Options {
    Options {
        since: Some(Instant { seconds, nanos: 0 }),
        ..Options::default()
    }
}

fn limit(bytes: u64) -> Options {
    Options {
        limit_bytes: Some(bytes),
        ..Options::default()
    }
}

// The fixture's outputs below are the ones crictl printed for it.

#[test]
fn fixture_plain_read() {
    let (stdout, stderr) = read(NGINX_FIXTURE, &Options::default());
    assert_eq!(
        stdout,
        "line one\npart-a part-b part-c\ntz line\nline with extended tag\n\nno newline at end"
    );
    assert_eq!(without_warnings(&stderr), "err one\nerr two\n");
}

#[test]
fn fixture_warns_about_garbage() {
    let (_, stderr) = read(NGINX_FIXTURE, &Options::default());
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("crictl: warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("at byte 202"), "{stderr}");
    assert!(warnings[0].contains("garbage line here"), "{stderr}");
}

#[test]
fn fixture_with_timestamps() {
    let (stdout, stderr) = read(NGINX_FIXTURE, &timestamps());
    assert_eq!(
        stdout,
        "2024-01-01T00:00:00.000000001Z line one\n\
         2024-01-01T00:00:02.000000000Z part-a part-b part-c\n\
         2024-01-01T09:00:05.000000000+09:00 tz line\n\
         2024-01-01T00:00:07.000000000Z line with extended tag\n\
         2024-01-01T00:00:08.000000000Z \n\
         2024-01-01T00:00:09.000000000Z no newline at end"
    );
    assert_eq!(
        without_warnings(&stderr),
        "2024-01-01T00:00:01.500000000Z err one\n2024-01-01T00:00:06.123456789Z err two\n"
    );
}

#[test]
fn fixture_tail_two() {
    assert_eq!(
        read(NGINX_FIXTURE, &tail(2)),
        ("line with extended tag\n\n".to_owned(), String::new())
    );
}

#[test]
fn fixture_tail_zero() {
    assert_eq!(
        read(NGINX_FIXTURE, &tail(0)),
        (String::new(), String::new())
    );
}

// crictl takes the format from the first line it reads, so it fails here
// when the tail starts on the garbage line. The file's first line decides
// here, and the garbage line is skipped with a warning.
#[test]
fn fixture_tail_five_skips_garbage() {
    let (stdout, stderr) = read(NGINX_FIXTURE, &tail(5));
    assert_eq!(stdout, "tz line\nline with extended tag\n\n");
    assert!(
        stderr.starts_with("crictl: warning: skipped the line at byte 202 of "),
        "{stderr}"
    );
    assert!(stderr.ends_with("\nerr two\n"), "{stderr}");
}

#[test]
fn fixture_since_time() {
    let (stdout, stderr) = read(NGINX_FIXTURE, &since(1_704_067_205));
    assert_eq!(
        stdout,
        "tz line\nline with extended tag\n\nno newline at end"
    );
    assert_eq!(without_warnings(&stderr), "err two\n");
}

#[test]
fn fixture_since_mid_line_no_prefix() {
    let options = Options {
        timestamps: true,
        ..since(1_704_067_203)
    };
    let (stdout, stderr) = read(NGINX_FIXTURE, &options);
    assert_eq!(
        stdout,
        "part-b part-c\n\
         2024-01-01T09:00:05.000000000+09:00 tz line\n\
         2024-01-01T00:00:07.000000000Z line with extended tag\n\
         2024-01-01T00:00:08.000000000Z \n\
         2024-01-01T00:00:09.000000000Z no newline at end"
    );
    assert_eq!(
        without_warnings(&stderr),
        "2024-01-01T00:00:06.123456789Z err two\n"
    );
}

#[test]
fn fixture_limit_shared_by_streams() {
    assert_eq!(
        read(NGINX_FIXTURE, &limit(12)),
        ("line one\n".to_owned(), "err".to_owned())
    );
}

#[test]
fn fixture_limit_counts_prefix() {
    let options = Options {
        timestamps: true,
        ..limit(40)
    };
    let (stdout, stderr) = read(NGINX_FIXTURE, &options);
    assert_eq!(stdout, "2024-01-01T00:00:00.000000001Z line one\n");
    assert_eq!(stderr, "");
}

#[test]
fn fixture_stderr_only() {
    let options = Options {
        stream: Some(Stream::Stderr),
        ..Options::default()
    };
    let (stdout, stderr) = read(NGINX_FIXTURE, &options);
    assert_eq!(stdout, "");
    assert_eq!(without_warnings(&stderr), "err one\nerr two\n");
}

#[test]
fn fixture_stdout_only_limit_skips_stderr() {
    let options = Options {
        stream: Some(Stream::Stdout),
        ..limit(12)
    };
    assert_eq!(
        read(NGINX_FIXTURE, &options),
        ("line one\npar".to_owned(), String::new())
    );
}

#[test]
fn docker_json_with_timestamps() {
    let (stdout, stderr) = read(DOCKER_FIXTURE, &timestamps());
    assert_eq!(
        stdout,
        "2016-10-20T18:39:20.576064430Z json line 1\n2016-10-20T18:39:22.000000000Z partial rest\n"
    );
    assert_eq!(stderr, "2016-10-20T18:39:21.000000000Z json err\n");
}

#[test]
fn docker_json_unknown_stream_fails() {
    let content = "{\"log\":\"x\\n\",\"stream\":\"stdin\",\"time\":\"2016-10-20T18:39:20Z\"}\n";
    let result = read_result(content, &Options::default());
    assert!(
        matches!(result, Err(Error::UnknownStream { ref stream, .. }) if stream == "stdin"),
        "{result:?}"
    );
}

#[test]
fn crio_offsets_and_empty_messages() {
    let content = "\
2022-05-21T21:41:37.822853908+00:00 stderr F panic: boom
2022-05-21T21:41:37.822853908+00:00 stderr F 
2022-05-21T21:41:37.822853908+00:00 stderr F goroutine 1 [running]:
2022-05-21T21:41:37.9+00:00 stdout F short fraction
2022-05-21T21:41:38.000000001+00:00 stderr F
";
    let (stdout, stderr) = read(content, &Options::default());
    assert_eq!(stdout, "short fraction\n");
    assert_eq!(stderr, "panic: boom\n\ngoroutine 1 [running]:\n\n");
}

#[test]
fn crio_timestamps_print_nine_digits() {
    let content = "\
2022-05-21T21:41:37.9+00:00 stdout F short fraction
2022-05-21T21:41:38.000000001-06:00 stderr F
";
    let (stdout, stderr) = read(content, &timestamps());
    assert_eq!(stdout, "2022-05-21T21:41:37.900000000Z short fraction\n");
    assert_eq!(stderr, "2022-05-21T21:41:38.000000001-06:00 \n");
}

const SPLIT_LINE: &str = "\
2026-01-01T00:00:00.000000001Z stdout P AAAA
2026-01-01T00:00:00.000000002Z stdout P BBBB
2026-01-01T00:00:00.000000003Z stdout F CCCC
2026-01-01T00:00:00.000000004Z stdout F next
";

#[test]
fn fragments_join_into_one_line() {
    assert_eq!(
        read(SPLIT_LINE, &Options::default()).0,
        "AAAABBBBCCCC\nnext\n"
    );
}

#[test]
fn fragments_get_first_timestamp() {
    assert_eq!(
        read(SPLIT_LINE, &timestamps()).0,
        "2026-01-01T00:00:00.000000001Z AAAABBBBCCCC\n2026-01-01T00:00:00.000000004Z next\n"
    );
}

#[test]
fn fragments_cut_by_limit() {
    assert_eq!(read(SPLIT_LINE, &limit(6)).0, "AAAABB");
}

#[test]
fn tail_counts_logical_lines() {
    assert_eq!(read(SPLIT_LINE, &tail(2)).0, "AAAABBBBCCCC\nnext\n");
}

#[test]
fn tail_never_starts_mid_line() {
    assert_eq!(read(SPLIT_LINE, &tail(1)).0, "next\n");
    let unfinished = &SPLIT_LINE[..SPLIT_LINE
        .find("2026-01-01T00:00:00.000000003Z")
        .unwrap_or(0)];
    assert_eq!(read(unfinished, &tail(1)).0, "AAAABBBB");
}

#[test]
fn tail_beyond_file_prints_unterminated_line() {
    let content = "2026-01-01T00:00:00Z stdout F one\n2026-01-01T00:00:01Z stdout F tw";
    assert_eq!(read(content, &tail(10)).0, "one\ntw");
}

#[test]
fn blank_first_line_skipped_cri() {
    let content = "\n2026-01-01T00:00:00.000000001Z stdout F hello";
    assert_eq!(
        read(content, &Options::default()),
        ("hello".to_owned(), String::new())
    );
}

#[test]
fn blank_first_line_skipped_docker() {
    let content = "\n \n{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:00.000000001Z\"}";
    assert_eq!(
        read(content, &Options::default()),
        ("hello\n".to_owned(), String::new())
    );
}

#[test]
fn garbage_first_line_fails() {
    let result = read_result(
        "garbage\n2026-01-01T00:00:00Z stdout F x\n",
        &Options::default(),
    );
    assert!(
        matches!(result, Err(Error::UnsupportedFormat { ref line, .. }) if line == "garbage\n"),
        "{result:?}"
    );
}

#[test]
fn garbage_warnings_limited() {
    let mut content = cri_line("stdout", "F", "first");
    for _ in 0..10 {
        content.push_str("garbage\n");
    }
    let (stdout, stderr) = read(&content, &Options::default());
    assert_eq!(stdout, "first\n");
    let warnings = stderr
        .lines()
        .filter(|l| l.starts_with("crictl: warning:"))
        .count();
    assert_eq!(warnings, 4, "{stderr}");
    assert!(stderr.contains("skipped 10 lines"), "{stderr}");
}

#[test]
fn invalid_utf8_passes_through() {
    let mut content = b"2026-01-01T00:00:00Z stdout F ok \xff\xfe\x80 end\n".to_vec();
    content.extend_from_slice(b"2026-01-01T00:00:01Z stderr F \xc3\x28\n");
    let (stdout, stderr) = logs_support::read_bytes(&content, &Options::default());
    assert_eq!(stdout, b"ok \xff\xfe\x80 end\n");
    assert_eq!(stderr, b"\xc3\x28\n");
}

#[test]
fn long_line_split_at_16k_rejoins() {
    let original: Vec<u8> = (0..300 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
    let mut content = Vec::new();
    let chunks: Vec<&[u8]> = original.chunks(16 * 1024).collect();
    for (index, chunk) in chunks.iter().enumerate() {
        let tag: &[u8] = if index + 1 == chunks.len() {
            b"F"
        } else {
            b"P"
        };
        content.extend_from_slice(b"2026-01-01T00:00:00Z stdout ");
        content.extend_from_slice(tag);
        content.push(b' ');
        content.extend_from_slice(chunk);
        content.push(b'\n');
    }
    let (stdout, _) = logs_support::read_bytes(&content, &Options::default());
    let mut expected = original.clone();
    expected.push(b'\n');
    assert_eq!(stdout.len(), expected.len());
    assert!(stdout == expected, "long line differs");
}

#[test]
fn long_unsplit_line_passes() {
    let body = "x".repeat(700 * 1024);
    let content = cri_line("stderr", "F", &body);
    let (_, stderr) = read(&content, &Options::default());
    assert_eq!(stderr.len(), body.len() + 1);
}

#[test]
fn empty_partial_keeps_prefix_rule() {
    let content = "\
2026-01-01T00:00:00Z stdout P 
2026-01-01T00:00:01Z stdout F after empty fragment
";
    assert_eq!(
        read(content, &timestamps()).0,
        "2026-01-01T00:00:00.000000000Z 2026-01-01T00:00:01.000000000Z after empty fragment\n"
    );
}

#[test]
fn limit_zero_prints_nothing() {
    assert_eq!(
        read(NGINX_FIXTURE, &limit(0)),
        (String::new(), String::new())
    );
}

#[test]
fn missing_file_reported() {
    let result = logs_support::read_path(
        std::path::Path::new("/nonexistent/dir/0.log"),
        &Options::default(),
    );
    assert!(matches!(result, Err(Error::Resolve { .. })), "{result:?}");
}

/// A file whose last lines include one in neither format, and a last line
/// still being written.
const BAD_LINE_FIXTURE: &str = "2026-01-01T00:00:00Z stdout F one\n\
garbage\n\
2026-01-01T00:00:01Z stdout F two\n\
2026-01-01T00:00:02Z stdout F being-written";

#[test]
fn tail_skips_bad_first_line() {
    let (stdout, stderr) = read(BAD_LINE_FIXTURE, &tail(2));
    assert_eq!(stdout, "two\n");
    assert!(stderr.contains("skipped the line at byte 34"), "{stderr}");
}

#[test]
fn tail_counts_bad_lines() {
    let (stdout, _) = read(BAD_LINE_FIXTURE, &tail(3));
    assert_eq!(stdout, "one\ntwo\n");
}

#[test]
fn merged_warning_after_unterminated_line_starts_a_line() {
    let mut log = String::new();
    for _ in 0..4 {
        log.push_str("garbage\n");
    }
    log.insert_str(0, "2026-01-01T00:00:00Z stdout F first\n");
    log.push_str("2026-01-01T00:00:01Z stdout F last");
    let options = Options {
        merge_streams: true,
        ..Options::default()
    };
    let (stdout, stderr) = read(&log, &options);
    assert_eq!(stdout, "first\nlast");
    assert!(
        stderr.contains("\ncrictl: warning: skipped 4 lines"),
        "{stderr}"
    );
}
