//! Properties of split lines: whatever way a runtime cuts lines into `P`
//! fragments, reading the log gives back the original lines, `-t` stamps
//! each line once with its first fragment's time, and `--tail N` gives the
//! last N whole lines.

mod logs_support;

use crictl_rs::logs::Options;
use proptest::prelude::*;

/// A line's bytes (anything but `\n`) and the lengths its fragments have;
/// the last fragment takes the rest.
#[derive(Debug, Clone)]
struct SplitLine {
    content: Vec<u8>,
    cuts: Vec<usize>,
}

fn split_line() -> impl Strategy<Value = SplitLine> {
    let byte = any::<u8>().prop_map(|b| if b == b'\n' { b' ' } else { b });
    (
        proptest::collection::vec(byte, 0..120),
        proptest::collection::vec(1usize..40, 0..6),
    )
        .prop_map(|(content, cuts)| SplitLine { content, cuts })
}

/// Splits a line into its fragments, each non-empty except possibly the
/// last.
fn fragments(line: &SplitLine) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut rest = &line.content[..];
    for &cut in &line.cuts {
        if cut >= rest.len() {
            break;
        }
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
    }
    pieces.push(rest);
    pieces
}

/// Writes the lines as a CRI log; fragment `n` of the file is stamped `n`
/// nanoseconds after a fixed second.
fn encode(lines: &[SplitLine]) -> Vec<u8> {
    let mut log = Vec::new();
    let mut stamp = 0;
    for line in lines {
        let pieces = fragments(line);
        for (index, piece) in pieces.iter().enumerate() {
            let tag = if index + 1 == pieces.len() { "F" } else { "P" };
            log.extend_from_slice(
                format!("2026-01-01T00:00:00.{stamp:09}Z stdout {tag} ").as_bytes(),
            );
            log.extend_from_slice(piece);
            log.push(b'\n');
            stamp += 1;
        }
    }
    log
}

fn joined(lines: &[SplitLine]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(&line.content);
        out.push(b'\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn fragments_reassemble(lines in proptest::collection::vec(split_line(), 1..20)) {
        let (stdout, stderr) = logs_support::read_bytes(&encode(&lines), &Options::default());
        prop_assert_eq!(stdout, joined(&lines));
        prop_assert!(stderr.is_empty());
    }

    #[test]
    fn timestamps_once_per_line(lines in proptest::collection::vec(split_line(), 1..20)) {
        let options = Options { timestamps: true, ..Options::default() };
        let (stdout, _) = logs_support::read_bytes(&encode(&lines), &options);
        let mut expected = Vec::new();
        let mut stamp = 0;
        for line in &lines {
            expected.extend_from_slice(format!("2026-01-01T00:00:00.{stamp:09}Z ").as_bytes());
            expected.extend_from_slice(&line.content);
            expected.push(b'\n');
            stamp += fragments(line).len();
        }
        prop_assert_eq!(stdout, expected);
    }

    #[test]
    fn tail_gives_whole_lines(
        lines in proptest::collection::vec(split_line(), 1..20),
        count in 0u64..25,
    ) {
        let options = Options { tail: Some(count), ..Options::default() };
        let (stdout, _) = logs_support::read_bytes(&encode(&lines), &options);
        let keep = usize::try_from(count).unwrap_or(usize::MAX).min(lines.len());
        prop_assert_eq!(stdout, joined(&lines[lines.len() - keep..]));
    }
}

/// Text shaped like a log line's timestamp, with fields drawn around and
/// past their valid ranges, fraction lengths and zones varied, and now and
/// then a wrong separator.
fn timestamp_like() -> impl Strategy<Value = Vec<u8>> {
    let separator = prop::sample::select(&b"-T:.Z+ 5"[..]);
    (
        (
            0u32..10_000,
            0u32..14,
            0u32..33,
            0u32..26,
            0u32..62,
            0u32..62,
        ),
        prop::collection::vec(prop::option::weighted(0.05, separator), 5),
        prop::sample::select(vec![0usize, 1, 3, 6, 9, 9, 9, 11]),
        prop::sample::select(vec![
            "Z", "Z", "Z", "+02:00", "-11:30", "+24:00", "+02:60", "z", "",
        ]),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(fields, separators, fraction, zone, dot)| {
            let (year, month, day, hour, minute, second) = fields;
            let separator = |index: usize| char::from(separators[index].unwrap_or(b"--T::"[index]));
            let mut text = format!(
                "{year:04}{}{month:02}{}{day:02}{}{hour:02}{}{minute:02}{}{second:02}",
                separator(0),
                separator(1),
                separator(2),
                separator(3),
                separator(4)
            );
            if dot {
                text.push('.');
            }
            text.push_str(&"7".repeat(fraction));
            text.push_str(zone);
            text.push_str(" stdout F content\n");
            text.into_bytes()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn quick_timestamp_check_agrees_with_parser(text in timestamp_like()) {
        use crictl_rs::logs::timestamp::{Timestamp, common_length};
        let parsed = Timestamp::parse_prefix(&text).map(|(_, length)| length);
        prop_assert_eq!(common_length(&text), parsed, "{}", String::from_utf8_lossy(&text));
    }
}
