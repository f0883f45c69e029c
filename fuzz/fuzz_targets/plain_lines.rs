//! Feeds arbitrary bytes to the plain-line fast path, and checks every
//! line it takes against the general CRI parser: same stream, same
//! fragment flag, same content. It also checks the newline search of that
//! path against a plain byte-by-byte search.
#![no_main]

use crictl_rs::logs::newline;
use crictl_rs::logs::parse::{Stream, parse_cri};
use crictl_rs::logs::plain::{Routing, Sinks, copy_contents};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for start in 0..data.len().min(17) {
        let haystack = &data[start..];
        let expected = haystack.iter().position(|&byte| byte == b'\n');
        assert_eq!(newline::find(haystack), expected);
    }

    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut sinks = Sinks {
        stdout: &mut stdout,
        stderr: &mut stderr,
        routing: Routing::default(),
    };
    let copied = copy_contents(data, u64::MAX, &mut sinks, usize::MAX);
    let handled = &data[..copied.consumed];

    let (mut expected_stdout, mut expected_stderr) = (Vec::new(), Vec::new());
    let mut lines = 0;
    for line in handled.split_inclusive(|&byte| byte == b'\n') {
        let message = parse_cri(line).expect("a line the fast path took parses");
        match message.stream {
            Ok(Stream::Stdout) => expected_stdout.extend_from_slice(&message.content),
            Ok(Stream::Stderr) => expected_stderr.extend_from_slice(&message.content),
            Err(_) => panic!("a CRI line has a known stream"),
        }
        lines += 1;
    }
    assert_eq!(lines, copied.lines);
    assert_eq!(stdout, expected_stdout);
    assert_eq!(stderr, expected_stderr);
});
