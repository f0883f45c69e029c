//! Docker json-file log lines: `{"log":"…\n","stream":"stdout","time":"…"}`.
//!
//! A small decoder rather than serde_json, for two reasons: the `log` string
//! may hold bytes that are not UTF-8, which are passed through as they are,
//! and only three fields matter. Field names match case-insensitively and a
//! `null` leaves a field unset, as Go's `encoding/json` does for the struct
//! crictl decodes into. Other fields must be valid JSON and are ignored.

use std::borrow::Cow;

use super::parse::{Message, ParseError, Stream};
use super::timestamp::Timestamp;

/// Parses one Docker JSON log line; trailing whitespace, such as the line's
/// newline, is allowed.
pub fn parse(line: &[u8]) -> Result<Message<'static>, ParseError> {
    let mut decoder = Decoder { text: line, at: 0 };
    let fields = decoder.object()?;
    decoder.skip_whitespace();
    if decoder.at != line.len() {
        return Err(ParseError::Json("text after the closing brace"));
    }

    let timestamp = match fields.time {
        Some(text) => {
            Timestamp::parse_strict(&text).map_err(|_| ParseError::Json("invalid RFC 3339 time"))?
        }
        None => Timestamp::ZERO,
    };
    let stream_name = fields.stream.unwrap_or_default();
    let content = fields.log.unwrap_or_default();
    Ok(Message {
        timestamp,
        stream: Stream::from_name(&stream_name).ok_or(stream_name),
        partial: !content.ends_with(b"\n"),
        content: Cow::Owned(content),
    })
}

/// The fields crictl reads; `None` when absent or `null`.
#[derive(Default)]
struct Fields {
    log: Option<Vec<u8>>,
    stream: Option<Vec<u8>>,
    time: Option<Vec<u8>>,
}

struct Decoder<'a> {
    text: &'a [u8],
    at: usize,
}

/// Error for any malformed JSON.
const SYNTAX: ParseError = ParseError::Json("not a JSON object");

impl Decoder<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), ParseError> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(SYNTAX)
        }
    }

    /// Reads the top-level object, keeping the three known fields.
    fn object(&mut self) -> Result<Fields, ParseError> {
        let mut fields = Fields::default();
        self.expect(b'{')?;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(fields);
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.expect(b':')?;
            self.skip_whitespace();
            let slot = if key.eq_ignore_ascii_case(b"log") {
                Some(&mut fields.log)
            } else if key.eq_ignore_ascii_case(b"stream") {
                Some(&mut fields.stream)
            } else if key.eq_ignore_ascii_case(b"time") {
                Some(&mut fields.time)
            } else {
                None
            };
            match slot {
                Some(slot) => self.string_field(slot)?,
                None => self.skip_value()?,
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(fields);
                }
                _ => return Err(SYNTAX),
            }
        }
    }

    /// Reads a string or `null` into `slot`; other types are an error, as
    /// they are when Go decodes into a string field.
    fn string_field(&mut self, slot: &mut Option<Vec<u8>>) -> Result<(), ParseError> {
        if self.text[self.at..].starts_with(b"null") {
            self.at += 4;
            return Ok(());
        }
        if self.peek() != Some(b'"') {
            return Err(ParseError::Json("log, stream and time must be strings"));
        }
        *slot = Some(self.string()?);
        Ok(())
    }

    /// Decodes a string at the cursor. Bytes that are not UTF-8 are kept;
    /// a lone surrogate escape becomes U+FFFD, as in Go.
    fn string(&mut self) -> Result<Vec<u8>, ParseError> {
        if self.peek() != Some(b'"') {
            return Err(SYNTAX);
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let rest = &self.text[self.at..];
            let stop = memchr::memchr2(b'"', b'\\', rest).ok_or(SYNTAX)?;
            let plain = &rest[..stop];
            if plain.iter().any(|&byte| byte < 0x20) {
                return Err(ParseError::Json("control character in a string"));
            }
            out.extend_from_slice(plain);
            self.at += stop + 1;
            if rest[stop] == b'"' {
                return Ok(out);
            }
            self.escape(&mut out)?;
        }
    }

    /// Decodes the escape after a backslash.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), ParseError> {
        let byte = self.peek().ok_or(SYNTAX)?;
        self.at += 1;
        let simple = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let character = self.unicode_escape()?;
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(character.encode_utf8(&mut utf8).as_bytes());
                return Ok(());
            }
            _ => return Err(ParseError::Json("invalid escape in a string")),
        };
        out.push(simple);
        Ok(())
    }

    /// Decodes `XXXX` after `\u`, joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        if !(0xD800..0xDC00).contains(&first) {
            return Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        let rest = &self.text[self.at..];
        if rest.starts_with(b"\\u") {
            let saved = self.at;
            self.at += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let joined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(joined).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            // Not a low surrogate: it is decoded on its own next.
            self.at = saved;
        }
        Ok(char::REPLACEMENT_CHARACTER)
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.text.get(self.at..self.at + 4).ok_or(SYNTAX)?;
        let mut value = 0u32;
        for &digit in digits {
            let nibble = (digit as char).to_digit(16).ok_or(SYNTAX)?;
            value = value * 16 + nibble;
        }
        self.at += 4;
        Ok(value)
    }

    /// Checks and skips any JSON value, without recursion so deep nesting
    /// cannot exhaust the stack.
    fn skip_value(&mut self) -> Result<(), ParseError> {
        let mut closers: Vec<u8> = Vec::new();
        loop {
            self.skip_whitespace();
            match self.peek().ok_or(SYNTAX)? {
                b'{' => {
                    self.at += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        self.at += 1;
                    } else {
                        closers.push(b'}');
                        self.member_key()?;
                        continue;
                    }
                }
                b'[' => {
                    self.at += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        self.at += 1;
                    } else {
                        closers.push(b']');
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.number()?,
            }
            if self.close_containers(&mut closers)? {
                return Ok(());
            }
        }
    }

    /// Closes the arrays and objects that end after a value. Returns `true`
    /// when the outermost value is complete, and `false` after a comma, with
    /// the cursor at the next value.
    fn close_containers(&mut self, closers: &mut Vec<u8>) -> Result<bool, ParseError> {
        while let Some(&closer) = closers.last() {
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    if closer == b'}' {
                        self.skip_whitespace();
                        self.member_key()?;
                    }
                    return Ok(false);
                }
                Some(byte) if byte == closer => {
                    self.at += 1;
                    closers.pop();
                }
                _ => return Err(SYNTAX),
            }
        }
        Ok(true)
    }

    /// Reads `"key":` inside an object being skipped.
    fn member_key(&mut self) -> Result<(), ParseError> {
        self.string()?;
        self.expect(b':')
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), ParseError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(SYNTAX)
        }
    }

    /// Skips a number in JSON's grammar: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`.
    fn number(&mut self) -> Result<(), ParseError> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(SYNTAX),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.required_digits()?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), ParseError> {
        if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            return Err(SYNTAX);
        }
        self.digits();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(line: &str) -> Result<Vec<u8>, ParseError> {
        parse(line.as_bytes()).map(|message| message.content.into_owned())
    }

    #[test]
    fn reads_docker_line() {
        let message = parse(
            br#"{"log":"json line 1\n","stream":"stdout","time":"2016-10-20T18:39:20.57606443Z"}"#,
        );
        let message = message.unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(&*message.content, b"json line 1\n");
        assert_eq!(message.stream, Ok(Stream::Stdout));
        assert!(!message.partial);
    }

    #[test]
    fn log_without_newline_is_partial() {
        let message =
            parse(br#"{"log":"partial ","stream":"stdout","time":"2016-10-20T18:39:22Z"}"#);
        assert!(message.is_ok_and(|m| m.partial));
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(
            content(r#"{"log":"tab\tq\"b\\s\/u\u00e9\ud83d\ude00\n","stream":"stdout"}"#),
            Ok("tab\tq\"b\\s/u\u{e9}\u{1F600}\n".as_bytes().to_vec())
        );
    }

    #[test]
    fn lone_surrogate_becomes_replacement() {
        assert_eq!(
            content(r#"{"log":"\ud800x","stream":"stdout"}"#),
            Ok("\u{FFFD}x".as_bytes().to_vec())
        );
    }

    #[test]
    fn raw_invalid_utf8_kept() {
        let line = b"{\"log\":\"\xff\xfe\\n\",\"stream\":\"stderr\"}";
        assert_eq!(
            parse(line).map(|m| m.content.into_owned()),
            Ok(b"\xff\xfe\n".to_vec())
        );
    }

    #[test]
    fn keys_match_case_insensitively() {
        assert_eq!(
            content(r#"{"LOG":"a\n","Stream":"stdout"}"#),
            Ok(b"a\n".to_vec())
        );
    }

    #[test]
    fn null_fields_and_extras_accepted() {
        let line = r#"{"log":null,"attrs":{"a":[1,-2.5e3,true,false,null,{}]},"stream":"stdout","time":null}"#;
        let message = parse(line.as_bytes());
        assert!(message.is_ok_and(|m| m.content.is_empty() && m.timestamp == Timestamp::ZERO));
    }

    #[test]
    fn unknown_stream_kept_for_error() {
        let message = parse(br#"{"log":"x\n","stream":"stdin"}"#);
        assert_eq!(message.map(|m| m.stream), Ok(Err(b"stdin".to_vec())));
    }

    #[test]
    fn trailing_newline_allowed() {
        assert!(content("{\"log\":\"x\\n\",\"stream\":\"stdout\"}\n").is_ok());
    }

    #[test]
    fn rejects_malformed_json() {
        let cases = [
            "",
            "{",
            "[]",
            r#"{"log":1}"#,
            r#"{"log":"x"} y"#,
            r#"{"log":"x",}"#,
            r#"{"a":01}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"log":"\q"}"#,
            "{\"log\":\"a\u{1}\"}",
            r#"{"time":"yesterday"}"#,
            r#"{"a":tru}"#,
        ];
        for line in cases {
            assert!(parse(line.as_bytes()).is_err(), "{line:?}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let line = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(line.as_bytes()).is_ok());
    }
}
