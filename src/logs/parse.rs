//! One physical log line to a message: the CRI text format that containerd
//! and CRI-O write, and Docker's json-file format that cri-dockerd exposes.
//!
//! CRI lines are `<RFC 3339 timestamp> <stdout|stderr> <tags> <content>`.
//! The tags are `:`-separated. The line is a fragment of a longer one when
//! the first tag is `P`, because runtimes split long lines (containerd at
//! 16 KiB). Any other tag, usually `F`, ends the line. Content is raw bytes, so invalid
//! UTF-8 passes through untouched.

use std::borrow::Cow;

use super::json;
use super::timestamp::{Timestamp, TimestampError};

/// The container output stream a message was written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    /// Parses the stream names CRI uses, `stdout` and `stderr`.
    pub fn from_name(name: &[u8]) -> Option<Stream> {
        match name {
            b"stdout" => Some(Stream::Stdout),
            b"stderr" => Some(Stream::Stderr),
            _ => None,
        }
    }

    /// Returns the other stream.
    pub fn other(self) -> Stream {
        match self {
            Stream::Stdout => Stream::Stderr,
            Stream::Stderr => Stream::Stdout,
        }
    }
}

/// The format of a log file, decided from its first non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Cri,
    DockerJson,
}

/// One parsed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub timestamp: Timestamp,
    /// `Err` contains the stream name of a Docker JSON line that is neither
    /// stdout nor stderr; printing such a message is an error.
    pub stream: Result<Stream, Vec<u8>>,
    /// Whether the next line continues this one: a CRI `P` fragment, or a
    /// Docker JSON `log` without a final newline.
    pub partial: bool,
    /// The bytes to print. A full CRI line keeps its newline and a `P`
    /// fragment loses it, so consecutive fragments join into one line.
    pub content: Cow<'a, [u8]>,
}

/// Failure to parse a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("no space after the timestamp")]
    MissingTimestamp,
    #[error("invalid timestamp {text:?}: {reason}")]
    Timestamp {
        text: String,
        reason: TimestampError,
    },
    #[error("no space after the stream name")]
    MissingStream,
    #[error("invalid stream {0:?}: expected stdout or stderr")]
    Stream(String),
    #[error("no space after the tags")]
    MissingTags,
    #[error("invalid Docker JSON log line: {0}")]
    Json(&'static str),
}

impl Format {
    /// Picks the format that parses `line`: CRI first, then Docker JSON.
    pub fn detect(line: &[u8]) -> Option<Format> {
        if parse_cri(line).is_ok() {
            Some(Format::Cri)
        } else if json::parse(line).is_ok() {
            Some(Format::DockerJson)
        } else {
            None
        }
    }

    /// Parses one line of a file in this format. `line` may end with its
    /// `\n`; the last line of a file may lack it.
    pub fn parse(self, line: &[u8]) -> Result<Message<'_>, ParseError> {
        match self {
            Format::Cri => parse_cri(line),
            Format::DockerJson => json::parse(line),
        }
    }
}

/// Returns whether a line contains only whitespace. Such lines are skipped while the
/// format is still unknown.
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Parses a CRI line.
///
/// A line that ends right after its stream name or tag (`… stderr F\n`, no
/// space before the newline) is taken as an empty message with the tag
/// given, or `F` when there is none. crictl rejects such lines, but CRI-O
/// has written them for empty output.
pub fn parse_cri(line: &[u8]) -> Result<Message<'_>, ParseError> {
    let (timestamp, rest) = match Timestamp::parse_prefix(line) {
        Some((timestamp, length)) if line.get(length) == Some(&b' ') => {
            (timestamp, &line[length + 1..])
        }
        _ => split_timestamp(line)?,
    };

    let (stream_name, after_stream) = split_word(rest);
    let stream = Stream::from_name(stream_name).ok_or_else(|| match after_stream {
        Some(_) => ParseError::Stream(String::from_utf8_lossy(stream_name).into_owned()),
        None => ParseError::MissingStream,
    })?;
    let Some(rest) = after_stream else {
        return Ok(empty_message(timestamp, stream, false, line));
    };

    let (tags, after_tags) = split_word(rest);
    let partial = is_partial_tag(tags);
    let Some(content) = after_tags else {
        // Only a line that ends right after its tags is an empty message:
        // other whitespace there leaves no place where the content starts.
        if tags.iter().any(u8::is_ascii_whitespace) {
            return Err(ParseError::MissingTags);
        }
        return Ok(empty_message(timestamp, stream, partial, line));
    };
    let content = if partial {
        strip_newline(content)
    } else {
        content
    };
    Ok(Message {
        timestamp,
        stream: Ok(stream),
        partial,
        content: Cow::Borrowed(content),
    })
}

/// Splits the timestamp off a line at the first space, the general way,
/// which names the error when there is no valid timestamp.
fn split_timestamp(line: &[u8]) -> Result<(Timestamp, &[u8]), ParseError> {
    let space = memchr::memchr(b' ', line).ok_or(ParseError::MissingTimestamp)?;
    let text = &line[..space];
    let timestamp = Timestamp::parse(text).map_err(|reason| ParseError::Timestamp {
        text: String::from_utf8_lossy(text).into_owned(),
        reason,
    })?;
    Ok((timestamp, &line[space + 1..]))
}

/// Builds the message of a line with no content field: a newline for a full line
/// that had one, nothing otherwise.
fn empty_message(timestamp: Timestamp, stream: Stream, partial: bool, line: &[u8]) -> Message<'_> {
    let content: &[u8] = if !partial && line.ends_with(b"\n") {
        b"\n"
    } else {
        b""
    };
    Message {
        timestamp,
        stream: Ok(stream),
        partial,
        content: Cow::Borrowed(content),
    }
}

/// Splits `text` at its first space into the word before it and the rest
/// after it. Without a space, the word runs to the end of the line.
fn split_word(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    // Stream names and the usual one-letter tags are short, so checking the
    // first bytes is quicker than a general search.
    let space = if text.get(1) == Some(&b' ') && text[0] != b' ' {
        Some(1)
    } else if text.get(6) == Some(&b' ') && !text[..6].contains(&b' ') {
        Some(6)
    } else {
        memchr::memchr(b' ', text)
    };
    match space {
        Some(index) => (&text[..index], Some(&text[index + 1..])),
        None => (strip_newline(text), None),
    }
}

/// Returns whether the first of the `:`-separated tags is `P`.
fn is_partial_tag(tags: &[u8]) -> bool {
    matches!(tags, [b'P'] | [b'P', b':', ..])
}

fn strip_newline(bytes: &[u8]) -> &[u8] {
    bytes.strip_suffix(b"\n").unwrap_or(bytes)
}

/// Returns whether `line` is a fragment that the next line continues,
/// judged without knowing the file's format. Lines that parse in neither
/// format stand alone.
pub fn continues_on_next_line(line: &[u8]) -> bool {
    match Format::detect(line) {
        Some(format) => format.parse(line).is_ok_and(|message| message.partial),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(line: &str) -> Result<(Stream, bool, String), ParseError> {
        let message = parse_cri(line.as_bytes())?;
        let stream = message.stream.unwrap_or(Stream::Stdout);
        let text = String::from_utf8_lossy(&message.content).into_owned();
        Ok((stream, message.partial, text))
    }

    #[test]
    fn full_line_keeps_newline() {
        let parsed = content("2024-01-01T00:00:00.000000001Z stdout F line one\n");
        assert_eq!(parsed, Ok((Stream::Stdout, false, "line one\n".to_owned())));
    }

    #[test]
    fn partial_line_loses_newline() {
        let parsed = content("2024-01-01T00:00:02Z stdout P part-a \n");
        assert_eq!(parsed, Ok((Stream::Stdout, true, "part-a ".to_owned())));
    }

    #[test]
    fn stderr_stream_parsed() {
        let parsed = content("2024-01-01T00:00:01.5Z stderr F err one\n");
        assert_eq!(parsed, Ok((Stream::Stderr, false, "err one\n".to_owned())));
    }

    #[test]
    fn extended_tag_is_full() {
        let parsed = content("2024-01-01T00:00:07Z stdout F:x line with extended tag\n");
        assert_eq!(
            parsed,
            Ok((Stream::Stdout, false, "line with extended tag\n".to_owned()))
        );
    }

    #[test]
    fn partial_with_extra_tags() {
        let parsed = content("2024-01-01T00:00:07Z stdout P:x:y frag\n");
        assert_eq!(parsed, Ok((Stream::Stdout, true, "frag".to_owned())));
    }

    #[test]
    fn tag_then_space_is_empty_line() {
        let parsed = content("2024-01-01T00:00:08Z stdout F \n");
        assert_eq!(parsed, Ok((Stream::Stdout, false, "\n".to_owned())));
    }

    #[test]
    fn tag_without_space_is_empty_line() {
        let parsed = content("2022-05-21T21:41:38.000000001+00:00 stderr F\n");
        assert_eq!(parsed, Ok((Stream::Stderr, false, "\n".to_owned())));
    }

    #[test]
    fn partial_tag_without_space_is_empty() {
        let parsed = content("2022-05-21T21:41:38Z stderr P\n");
        assert_eq!(parsed, Ok((Stream::Stderr, true, String::new())));
    }

    #[test]
    fn whitespace_after_tag_rejected() {
        let parsed = content("2022-05-21T21:41:38Z stdout F\ttab\n");
        assert_eq!(parsed, Err(ParseError::MissingTags));
    }

    #[test]
    fn missing_tag_is_empty_line() {
        let parsed = content("2022-05-21T21:41:38Z stdout\n");
        assert_eq!(parsed, Ok((Stream::Stdout, false, "\n".to_owned())));
    }

    #[test]
    fn unterminated_line_has_no_newline() {
        let parsed = content("2024-01-01T00:00:09Z stdout F no newline at end");
        assert_eq!(
            parsed,
            Ok((Stream::Stdout, false, "no newline at end".to_owned()))
        );
    }

    #[test]
    fn unterminated_tag_only_is_empty() {
        let parsed = content("2024-01-01T00:00:09Z stdout F");
        assert_eq!(parsed, Ok((Stream::Stdout, false, String::new())));
    }

    #[test]
    fn content_keeps_extra_spaces() {
        let parsed = content("2024-01-01T00:00:09Z stdout F  two  spaces \n");
        assert_eq!(
            parsed,
            Ok((Stream::Stdout, false, " two  spaces \n".to_owned()))
        );
    }

    #[test]
    fn invalid_utf8_passes_through() {
        let line = b"2024-01-01T00:00:00Z stdout F \xff\xfe ok\n";
        let message = parse_cri(line).map(|m| m.content.into_owned());
        assert_eq!(message, Ok(b"\xff\xfe ok\n".to_vec()));
    }

    #[test]
    fn garbage_line_rejected() {
        assert!(matches!(
            parse_cri(b"garbage line here\n"),
            Err(ParseError::Timestamp { .. })
        ));
    }

    #[test]
    fn no_space_rejected() {
        assert_eq!(parse_cri(b"garbage\n"), Err(ParseError::MissingTimestamp));
    }

    #[test]
    fn unknown_stream_rejected() {
        assert_eq!(
            parse_cri(b"2024-01-01T00:00:00Z stdin F x\n"),
            Err(ParseError::Stream("stdin".to_owned()))
        );
    }

    #[test]
    fn lone_word_after_timestamp_rejected() {
        assert_eq!(
            parse_cri(b"2024-01-01T00:00:00Z hello\n"),
            Err(ParseError::MissingStream)
        );
    }

    #[test]
    fn detects_cri_format() {
        assert_eq!(
            Format::detect(b"2024-02-02T00:00:00Z stdout F x\n"),
            Some(Format::Cri)
        );
    }

    #[test]
    fn detects_docker_json_format() {
        let line = br#"{"log":"x\n","stream":"stdout","time":"2016-10-20T18:39:20.57606443Z"}"#;
        assert_eq!(Format::detect(line), Some(Format::DockerJson));
    }

    #[test]
    fn detects_nothing_in_garbage() {
        assert_eq!(Format::detect(b"garbage line here\n"), None);
    }

    #[test]
    fn blank_lines_recognised() {
        assert!(is_blank(b"\n"));
        assert!(is_blank(b" \t\r\n"));
        assert!(!is_blank(b" x\n"));
    }

    #[test]
    fn continuation_of_partial_line() {
        assert!(continues_on_next_line(b"2024-01-01T00:00:02Z stdout P a\n"));
        assert!(!continues_on_next_line(
            b"2024-01-01T00:00:02Z stdout F a\n"
        ));
        assert!(!continues_on_next_line(b"garbage\n"));
    }
}
