//! Implicit typing rules of go-yaml v2 for unquoted scalars. They decide
//! whether a string must be quoted and which type a JSON number takes.
//!
//! The rules are those of `sigs.k8s.io/yaml`'s copy of go-yaml v2 (YAML 1.1
//! flavoured): null and boolean words, Go integer syntax in any base, floats,
//! `YYYY-M-D` timestamps, and base-60 numbers, which are only quoted.

use std::sync::LazyLock;

use regex::Regex;

/// Words go-yaml v2 reads as null, booleans or special floats.
const SPECIAL_WORDS: [&str; 36] = [
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
    "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan",
    ".NaN", ".NAN", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF",
];

/// Positive infinity words, kept apart to keep the table above readable.
const PLUS_INFINITY_WORDS: [&str; 3] = ["+.inf", "+.Inf", "+.INF"];

/// go-yaml's float syntax, checked after underscores are removed.
static YAML_FLOAT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").ok());

/// YAML 1.1 base-60 numbers (`1:20`, `-3:25:45.5`). go-yaml v2 reads them as
/// strings but quotes them on output for other parsers' sake.
static BASE_60_FLOAT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$").ok());

/// The first-character hint go-yaml uses to pick which rules to try.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Sign,
    Digit,
    Word,
    Dot,
}

/// Returns whether go-yaml v2 must quote the string `text` so that it reads
/// back as a string: true when the plain scalar would be null, a boolean, a
/// number or a timestamp, or is a base-60 number.
pub fn needs_quotes(text: &str) -> bool {
    resolves_to_non_string(text) || is_base_60_float(text)
}

/// Returns the plain text go-yaml v2 prints for a JSON number whose literal
/// text is `text`, or `None` when go-yaml reads it as a string (a float out
/// of range such as `1e+400`).
///
/// Integers that fit in 64 bits print in decimal; other numbers become a
/// float64 printed with Go's `%v` (`1e+06`, `1.5`, `1.2345678901234568e+29`).
pub fn number_text(text: &str) -> Option<String> {
    if let Ok(value) = parse_int(text, 0) {
        return Some(value.to_string());
    }
    if let Ok(value) = parse_uint(text, 0) {
        return Some(value.to_string());
    }
    if matches_regex(&YAML_FLOAT, text) {
        let value = text.parse::<f64>().ok().filter(|value| value.is_finite())?;
        return Some(super::human::format_g_shortest(value));
    }
    None
}

fn resolves_to_non_string(text: &str) -> bool {
    let Some(hint) = hint_of(text) else {
        return false;
    };
    if SPECIAL_WORDS.contains(&text) || PLUS_INFINITY_WORDS.contains(&text) {
        return true;
    }
    match hint {
        Hint::Word => false,
        Hint::Dot => parses_as_go_float(text),
        Hint::Digit | Hint::Sign => resolves_as_number_or_time(text),
    }
}

fn hint_of(text: &str) -> Option<Hint> {
    let Some(&first) = text.as_bytes().first() else {
        // The empty string is null.
        return Some(Hint::Word);
    };
    match first {
        b'+' | b'-' => Some(Hint::Sign),
        b'0'..=b'9' => Some(Hint::Digit),
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            Some(Hint::Word)
        }
        b'.' => Some(Hint::Dot),
        _ => None,
    }
}

/// Applies go-yaml's rules for scalars starting with a digit or sign, in
/// its order: timestamp, integer, unsigned integer, float, `0b` binary, and
/// integers too large for 64 bits.
fn resolves_as_number_or_time(text: &str) -> bool {
    if is_timestamp(text) {
        return true;
    }
    let plain = text.replace('_', "");
    if parse_int(&plain, 0).is_ok() {
        return true;
    }
    let unsigned = parse_uint(&plain, 0);
    if unsigned.is_ok() {
        return true;
    }
    if matches_regex(&YAML_FLOAT, &plain) && plain.parse::<f64>().is_ok_and(f64::is_finite) {
        return true;
    }
    if let Some(digits) = plain.strip_prefix("0b") {
        if parse_int(digits, 2).is_ok() || parse_uint(digits, 2).is_ok() {
            return true;
        }
    } else if let Some(digits) = plain.strip_prefix("-0b")
        && parse_int(&format!("-{digits}"), 2).is_ok()
    {
        return true;
    }
    unsigned == Err(NumberError::Range) && is_big_int_syntax(&plain)
}

fn is_base_60_float(text: &str) -> bool {
    let starts_like_number = text
        .as_bytes()
        .first()
        .is_some_and(|first| matches!(first, b'+' | b'-' | b'0'..=b'9'));
    starts_like_number && text.contains(':') && matches_regex(&BASE_60_FLOAT, text)
}

fn matches_regex(regex: &LazyLock<Option<Regex>>, text: &str) -> bool {
    regex.as_ref().is_some_and(|regex| regex.is_match(text))
}

/// Reason Go's `strconv.ParseInt`/`ParseUint` rejected a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberError {
    Syntax,
    Range,
}

/// Go's `strconv.ParseUint(text, base, 64)`. Base 0 reads the prefixes `0b`,
/// `0o`, `0x` and a leading `0` (octal) and allows `_` between digits. Like
/// Go, it reports an overflow as soon as it happens, even if a later
/// character is invalid.
fn parse_uint(text: &str, base: u32) -> Result<u64, NumberError> {
    if text.is_empty() {
        return Err(NumberError::Syntax);
    }
    let (radix, digits) = if base == 0 {
        split_base_prefix(text)
    } else {
        (base, text)
    };

    let mut value: u64 = 0;
    let mut underscores = false;
    for byte in digits.bytes() {
        if byte == b'_' && base == 0 {
            underscores = true;
            continue;
        }
        let digit = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            b'a'..=b'z' => u32::from(byte - b'a') + 10,
            b'A'..=b'Z' => u32::from(byte - b'A') + 10,
            _ => return Err(NumberError::Syntax),
        };
        if digit >= radix {
            return Err(NumberError::Syntax);
        }
        value = value
            .checked_mul(u64::from(radix))
            .and_then(|scaled| scaled.checked_add(u64::from(digit)))
            .ok_or(NumberError::Range)?;
    }
    if underscores && !underscores_ok(text) {
        return Err(NumberError::Syntax);
    }
    Ok(value)
}

/// Go's `strconv.ParseInt(text, base, 64)`: an optional sign, then
/// [`parse_uint`], then the `int64` range check.
fn parse_int(text: &str, base: u32) -> Result<i64, NumberError> {
    if text.is_empty() {
        return Err(NumberError::Syntax);
    }
    let (negative, unsigned_text) = match text.as_bytes()[0] {
        b'+' => (false, &text[1..]),
        b'-' => (true, &text[1..]),
        _ => (false, text),
    };
    let magnitude = match parse_uint(unsigned_text, base) {
        Ok(magnitude) => magnitude,
        Err(NumberError::Range) => return Err(NumberError::Range),
        Err(NumberError::Syntax) => return Err(NumberError::Syntax),
    };
    let limit = 1u64 << 63;
    if negative {
        if magnitude > limit {
            return Err(NumberError::Range);
        }
        Ok(0i64.wrapping_sub_unsigned(magnitude))
    } else if magnitude >= limit {
        Err(NumberError::Range)
    } else {
        Ok(magnitude as i64)
    }
}

/// Splits a base prefix off as Go's base-0 parsing does: `0b`, `0o`, `0x`
/// (any case, only with at least one more character) or a leading `0`,
/// which means octal.
fn split_base_prefix(text: &str) -> (u32, &str) {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'0') {
        return (10, text);
    }
    if bytes.len() >= 3 {
        match bytes[1].to_ascii_lowercase() {
            b'b' => return (2, &text[2..]),
            b'o' => return (8, &text[2..]),
            b'x' => return (16, &text[2..]),
            _ => {}
        }
    }
    (8, &text[1..])
}

/// Returns whether Go's `big.Int.SetString(text, 0)` accepts `text`: an
/// optional sign, an optional base prefix and at least one digit of that
/// base (the `0` of an octal prefix counts as one).
fn is_big_int_syntax(text: &str) -> bool {
    let unsigned = text
        .strip_prefix('+')
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    let lower = unsigned.to_ascii_lowercase();
    let (radix, digits) = if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if lower.starts_with('0') {
        (8, lower.as_str())
    } else {
        (10, lower.as_str())
    };
    !digits.is_empty() && digits.chars().all(|digit| digit.is_digit(radix))
}

/// Go's `strconv.ParseFloat(text, 64)` succeeding, for a text that starts
/// with `.`: digits (and `_` between digits), an optional exponent, nothing
/// else, and a finite result.
fn parses_as_go_float(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('.') else {
        return false;
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    if !mantissa.bytes().any(|byte| byte.is_ascii_digit())
        || !mantissa
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'_')
    {
        return false;
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if !digits.starts_with(|c: char| c.is_ascii_digit())
            || !digits
                .bytes()
                .all(|byte| byte.is_ascii_digit() || byte == b'_')
        {
            return false;
        }
    }
    if text.contains('_') && !underscores_ok(text) {
        return false;
    }
    text.replace('_', "")
        .parse::<f64>()
        .is_ok_and(f64::is_finite)
}

/// Go's rule for `_` in number literals: only between two digits, or between
/// a base prefix and a digit.
fn underscores_ok(text: &str) -> bool {
    #[derive(PartialEq)]
    enum Seen {
        Start,
        Digit,
        Underscore,
        Other,
    }

    let bytes = text.strip_prefix(['+', '-']).unwrap_or(text).as_bytes();
    let mut seen = Seen::Start;
    let mut index = 0;
    let mut hex = false;
    if bytes.len() >= 2
        && bytes[0] == b'0'
        && matches!(bytes[1].to_ascii_lowercase(), b'b' | b'o' | b'x')
    {
        index = 2;
        seen = Seen::Digit;
        hex = bytes[1].eq_ignore_ascii_case(&b'x');
    }
    for &byte in &bytes[index..] {
        if byte.is_ascii_digit() || (hex && byte.is_ascii_hexdigit()) {
            seen = Seen::Digit;
            continue;
        }
        if byte == b'_' {
            if seen != Seen::Digit {
                return false;
            }
            seen = Seen::Underscore;
            continue;
        }
        if seen == Seen::Underscore {
            return false;
        }
        seen = Seen::Other;
    }
    seen != Seen::Underscore
}

/// Returns whether go-yaml v2 reads `text` as a timestamp: four digits and a
/// `-`, then one of the Go layouts `2006-1-2T15:4:5.999999999Z07:00` (also
/// with a lowercase `t`), `2006-1-2 15:4:5.999999999` or `2006-1-2`, with
/// Go's `time.Parse` range checks.
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let leading_digits = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    if leading_digits != 4 || bytes.get(4) != Some(&b'-') {
        return false;
    }
    let mut cursor = Cursor { rest: bytes };
    let Some(date) = cursor.date() else {
        return false;
    };
    if cursor.rest.is_empty() {
        return date.is_valid();
    }

    let separator = cursor.rest[0];
    let zoned = separator == b'T' || separator == b't';
    if zoned {
        cursor.rest = &cursor.rest[1..];
    } else if separator == b' ' {
        cursor.skip_spaces();
    } else {
        return false;
    }
    if !cursor.clock() {
        return false;
    }
    if zoned && !cursor.zone() {
        return false;
    }
    cursor.rest.is_empty() && date.is_valid()
}

struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    fn is_valid(&self) -> bool {
        let leap = self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0);
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (1..=days).contains(&self.day)
    }
}

/// The unparsed tail of a timestamp candidate.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl Cursor<'_> {
    /// Parses `2006-1-2`: a four-digit year and a month and day of one or two
    /// digits each.
    fn date(&mut self) -> Option<Date> {
        let year = self.fixed_digits(4)?;
        self.literal(b'-')?;
        let month = self.short_number()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        self.literal(b'-')?;
        let day = self.short_number()?;
        Some(Date {
            year: i32::try_from(year).ok()?,
            month,
            day,
        })
    }

    /// Parses `15:4:5` and an optional fraction of any length after `.` or
    /// `,`, with Go's hour, minute and second ranges.
    fn clock(&mut self) -> bool {
        let parts = (|| {
            let hour = self.short_number()?;
            self.literal(b':')?;
            let minute = self.short_number()?;
            self.literal(b':')?;
            let second = self.short_number()?;
            Some((hour, minute, second))
        })();
        let Some((hour, minute, second)) = parts else {
            return false;
        };
        if hour >= 24 || minute >= 60 || second >= 60 {
            return false;
        }
        if self.rest.len() >= 2
            && matches!(self.rest[0], b'.' | b',')
            && self.rest[1].is_ascii_digit()
        {
            let digits = self.rest[1..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            self.rest = &self.rest[1 + digits..];
        }
        true
    }

    /// Parses `Z07:00`: `Z`, or a sign, two hour digits, `:` and two minute
    /// digits, hours at most 24 and minutes at most 60 as Go allows.
    fn zone(&mut self) -> bool {
        if self.rest.first() == Some(&b'Z') {
            self.rest = &self.rest[1..];
            return true;
        }
        if self.rest.len() < 6 || self.rest[3] != b':' || !matches!(self.rest[0], b'+' | b'-') {
            return false;
        }
        let two_digits = |pair: &[u8]| -> Option<u32> {
            if pair.iter().all(u8::is_ascii_digit) {
                Some(u32::from(pair[0] - b'0') * 10 + u32::from(pair[1] - b'0'))
            } else {
                None
            }
        };
        let (Some(hours), Some(minutes)) =
            (two_digits(&self.rest[1..3]), two_digits(&self.rest[4..6]))
        else {
            return false;
        };
        self.rest = &self.rest[6..];
        hours <= 24 && minutes <= 60
    }

    fn fixed_digits(&mut self, count: usize) -> Option<u32> {
        let digits = self.rest.get(..count)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.rest = &self.rest[count..];
        Some(
            digits
                .iter()
                .fold(0, |value, byte| value * 10 + u32::from(byte - b'0')),
        )
    }

    /// Parses Go's non-padded number field: one digit, or two when a second
    /// digit follows.
    fn short_number(&mut self) -> Option<u32> {
        let first = *self.rest.first().filter(|byte| byte.is_ascii_digit())?;
        let mut value = u32::from(first - b'0');
        self.rest = &self.rest[1..];
        if let Some(&second) = self.rest.first().filter(|byte| byte.is_ascii_digit()) {
            value = value * 10 + u32::from(second - b'0');
            self.rest = &self.rest[1..];
        }
        Some(value)
    }

    fn literal(&mut self, expected: u8) -> Option<()> {
        if self.rest.first() == Some(&expected) {
            self.rest = &self.rest[1..];
            Some(())
        } else {
            None
        }
    }

    fn skip_spaces(&mut self) {
        while self.rest.first() == Some(&b' ') {
            self.rest = &self.rest[1..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings() {
        let quoted = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "yes",
            "Yes",
            "no",
            "NO",
            "y",
            "n",
            "on",
            "Off",
            "true",
            "False",
            "4500000",
            "0123",
            "0128",
            "08",
            "1_000",
            "+1",
            "-5",
            "0x1F",
            "0o17",
            "0b101",
            "0b-1",
            "-0b101",
            "1e3",
            "1.5",
            ".5",
            "+.5",
            "1.",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".5_0",
            "12:30",
            "1:20:30.5",
            "2024-01-01",
            "2024-1-1",
            "2026-12-04T19:51:02.238936368Z",
            "2026-12-04t19:51:02Z",
            "2024-01-01T10:00:00+09:00",
            "2024-01-01 10:00:00",
            "2024-01-01   10:00:00.5",
            "2024-02-29",
            "99999999999999999999",
            "123456789012345678901234567890",
            "0x10000000000000000",
        ];
        for text in quoted {
            assert!(needs_quotes(text), "{text:?} should be quoted");
        }
    }

    #[test]
    fn plain_strings() {
        let plain = [
            "abc",
            "nginx",
            "<a&b>",
            "sha256:5be1",
            "docker.io/library/nginx@sha256:05aa",
            "CONTAINER_RUNNING",
            "0123abc",
            "1.2.3",
            "v1",
            "-",
            "--",
            "-abc",
            "+",
            ".",
            "._5",
            "1e400",
            ".5e999",
            "2023-02-29",
            "2024-13-01",
            "2024-01-01T25:00:00Z",
            "2024-01-01T10:00:00",
            "20240-01-01",
            "2024-01-01x",
            "<<",
            "yes!",
            "NaN",
            "Infinity",
            "0x",
            "12:60",
            "fd00::2",
            "10.0.0.2",
            "-0x10000000000000000",
            "99999999999999999999x",
            "/var/lib/fakecri/logs/nginx/0.log",
            "RuntimeReady",
        ];
        for text in plain {
            assert!(!needs_quotes(text), "{text:?} should stay plain");
        }
    }

    #[test]
    fn number_text_of_json_numbers() {
        let cases: [(&str, Option<&str>); 12] = [
            ("0", Some("0")),
            ("-0", Some("0")),
            ("4242", Some("4242")),
            ("-17", Some("-17")),
            ("18446744073709551615", Some("18446744073709551615")),
            ("18446744073709551616", Some("1.8446744073709552e+19")),
            ("1.0", Some("1")),
            ("1.5", Some("1.5")),
            ("1e+6", Some("1e+06")),
            ("0.00001", Some("1e-05")),
            ("-0.0", Some("-0")),
            ("1e+400", None),
        ];
        for (text, expected) in cases {
            assert_eq!(number_text(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn parse_int_matches_go() {
        assert_eq!(parse_int("-9223372036854775808", 0), Ok(i64::MIN));
        assert_eq!(parse_int("9223372036854775808", 0), Err(NumberError::Range));
        assert_eq!(parse_int("0b-1", 0), Err(NumberError::Syntax));
        assert_eq!(parse_int("-1", 2), Ok(-1));
        assert_eq!(parse_int("017", 0), Ok(15));
        assert_eq!(parse_int("1_0", 0), Ok(10));
        assert_eq!(parse_int("_10", 0), Err(NumberError::Syntax));
    }

    #[test]
    fn parse_uint_reports_overflow_first() {
        assert_eq!(
            parse_uint("99999999999999999999x", 0),
            Err(NumberError::Range)
        );
    }

    #[test]
    fn timestamp_layouts() {
        assert!(is_timestamp("2024-1-2"));
        assert!(is_timestamp("2024-01-02t3:4:5,123Z"));
        assert!(!is_timestamp("2024-01-02T03:04:05"));
        assert!(!is_timestamp("2024-01-02T03:04:05+9:00"));
        assert!(is_timestamp("2024-01-02T03:04:05-24:60"));
        assert!(!is_timestamp("2024-01-02T03:04:05-25:00"));
        assert!(!is_timestamp("2024-001-02"));
        assert!(!is_timestamp("2024-01-02 "));
    }
}
