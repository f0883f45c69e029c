//! The fast path through a CRI log: lines in the exact shape runtimes write,
//! `<timestamp> stdout|stderr F|P <content>`, have their content copied out
//! in one tight loop, without building a message for each. The first line
//! of any other shape ends the loop and goes to the general parser, so this
//! path only has to agree with it on the lines it accepts.
//!
//! It serves reads without `-t`, `--since` or `--limit-bytes`, which need
//! each line's time or a running count, and those take the general path.

use super::parse::Stream;
use super::timestamp;

/// The routing of stdout and stderr content.
#[derive(Debug, Clone, Copy, Default)]
pub struct Routing {
    /// Whether stderr content goes to stdout too, keeping the file's order
    /// when both streams lead to the same place.
    pub merged: bool,
    /// The stream left out (`--stream` names the other one), if any.
    pub dropped: Option<Stream>,
}

/// The buffers that copied content goes to, and how it is routed.
pub struct Sinks<'a> {
    pub stdout: &'a mut Vec<u8>,
    pub stderr: &'a mut Vec<u8>,
    pub routing: Routing,
}

/// The count of what [`copy_contents`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Copied {
    /// Bytes of the input handled: whole lines, `\n` included.
    pub consumed: usize,
    /// Lines handled, the dropped stream's included.
    pub lines: u64,
    /// Whether the last line handled was a `P` fragment.
    pub last_partial: bool,
}

/// Copies the content of the plain lines at the start of `lines` into the
/// sinks, up to `max_lines` lines. Stops before the first line of another
/// shape or without a `\n`, or once a sink contains `flush_at` bytes.
pub fn copy_contents(
    lines: &[u8],
    max_lines: u64,
    sinks: &mut Sinks<'_>,
    flush_at: usize,
) -> Copied {
    let mut copied = Copied::default();
    while copied.lines < max_lines {
        let rest = &lines[copied.consumed..];
        // A plain prefix contains no newline, so the line's end is searched
        // for from its content on.
        let Some((stream, partial, start)) = split_plain(rest) else {
            break;
        };
        let Some(newline) = super::newline::find(&rest[start..]).map(|at| start + at) else {
            break;
        };
        let line = &rest[..=newline];
        if sinks.routing.dropped != Some(stream) {
            // A fragment loses its newline so that the next one continues it.
            let end = if partial { newline } else { newline + 1 };
            let sink = match stream {
                Stream::Stderr if !sinks.routing.merged => &mut *sinks.stderr,
                _ => &mut *sinks.stdout,
            };
            sink.extend_from_slice(&line[start..end]);
        }
        copied.consumed += newline + 1;
        copied.lines += 1;
        copied.last_partial = partial;
        if sinks.stdout.len() >= flush_at || sinks.stderr.len() >= flush_at {
            break;
        }
    }
    copied
}

/// Splits the plain prefix off the line at the start of `text`: returns
/// its stream, whether it is a `P` fragment, and where its content starts.
fn split_plain(line: &[u8]) -> Option<(Stream, bool, usize)> {
    let stamp = timestamp::common_length(line)?;
    let fields: &[u8; 10] = line.get(stamp..stamp + 10)?.try_into().ok()?;
    let stream = match &fields[..8] {
        b" stdout " => Stream::Stdout,
        b" stderr " => Stream::Stderr,
        _ => return None,
    };
    let partial = match fields[8] {
        b'F' => false,
        b'P' => true,
        _ => return None,
    };
    (fields[9] == b' ').then_some((stream, partial, stamp + 10))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::parse::parse_cri;

    fn copy(lines: &[u8], merged: bool, dropped: Option<Stream>) -> (Copied, Vec<u8>, Vec<u8>) {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut sinks = Sinks {
            stdout: &mut stdout,
            stderr: &mut stderr,
            routing: Routing { merged, dropped },
        };
        let copied = copy_contents(lines, u64::MAX, &mut sinks, usize::MAX);
        (copied, stdout, stderr)
    }

    const MIXED: &[u8] = b"2024-05-01T10:00:00.123456789Z stdout F one\n\
        2024-05-01T10:00:01Z stderr P tw\n\
        2024-05-01T10:00:01+02:00 stderr F o\n\
        2024-05-01T10:00:02.5-07:30 stdout F \n";

    #[test]
    fn copies_by_stream_and_joins_fragments() {
        let (copied, stdout, stderr) = copy(MIXED, false, None);
        assert_eq!(copied.consumed, MIXED.len());
        assert_eq!(copied.lines, 4);
        assert!(!copied.last_partial);
        assert_eq!(stdout, b"one\n\n");
        assert_eq!(stderr, b"two\n");
    }

    #[test]
    fn merged_keeps_file_order() {
        let (_, stdout, stderr) = copy(MIXED, true, None);
        assert_eq!(stdout, b"one\ntwo\n\n");
        assert!(stderr.is_empty());
    }

    #[test]
    fn dropped_stream_still_counts() {
        let (copied, stdout, stderr) = copy(MIXED, false, Some(Stream::Stdout));
        assert_eq!(copied.lines, 4);
        assert!(stdout.is_empty());
        assert_eq!(stderr, b"two\n");
    }

    #[test]
    fn stops_before_other_shapes() {
        let odd_lines: [&[u8]; 8] = [
            b"2024-05-01T10:00:00Z stdout F:x tagged\n",
            b"2024-05-01T10:00:00Z stdout F\n",
            b"2024-05-01T10:00:00Z stdout\n",
            b"2024-05-01T10:00:00Z other F x\n",
            b"2024-02-30T10:00:00Z stdout F bad day\n",
            b"2024-05-01 10:00:00Z stdout F space\n",
            b"garbage\n",
            b"2024-05-01T10:00:00Z stdout F no newline",
        ];
        for odd in odd_lines {
            let mut input = b"2024-05-01T10:00:00Z stdout F first\n".to_vec();
            input.extend_from_slice(odd);
            let (copied, stdout, _) = copy(&input, false, None);
            assert_eq!(copied.lines, 1, "{}", String::from_utf8_lossy(odd));
            assert_eq!(stdout, b"first\n");
        }
    }

    #[test]
    fn stops_at_line_limit_and_full_sink() {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut sinks = Sinks {
            stdout: &mut stdout,
            stderr: &mut stderr,
            routing: Routing::default(),
        };
        assert_eq!(copy_contents(MIXED, 2, &mut sinks, usize::MAX).lines, 2);
        sinks.stdout.clear();
        sinks.stderr.clear();
        assert_eq!(copy_contents(MIXED, u64::MAX, &mut sinks, 1).lines, 1);
    }

    #[test]
    fn agrees_with_general_parser() {
        for line in MIXED.split_inclusive(|&byte| byte == b'\n') {
            let (stream, partial, start) = split_plain(line).expect("plain");
            let message = parse_cri(line).expect("parses");
            assert_eq!(message.stream, Ok(stream));
            assert_eq!(message.partial, partial);
            let end = if partial { line.len() - 1 } else { line.len() };
            assert_eq!(&message.content[..], &line[start..end]);
        }
    }
}
