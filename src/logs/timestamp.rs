//! RFC 3339 timestamps as container runtimes write them in log lines, parsed
//! without allocation, compared as instants and printed in the nine-digit
//! form that `logs -t` shows.
//!
//! The accepted forms follow Go's `time.Parse` with the RFC3339Nano layout,
//! which crictl uses: `YYYY-MM-DDTHH:MM:SS`, then an optional fraction of any
//! length after `.` or `,` (digits past the ninth are dropped), then `Z` or
//! `±hh:mm`. Go's general parser also takes a one-digit hour, so this does
//! too unless the caller asks for the strict form of JSON timestamps.

use std::cmp::Ordering;

/// A point in time in whole seconds and nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

/// A timestamp as written in a log line: the wall-clock time and the UTC
/// offset it was written with, kept so `-t` prints it back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u32,
    /// Offset from UTC in minutes, east positive.
    offset_minutes: i16,
}

/// Error for text that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset such as +02:00")]
    Layout,
    #[error("month out of range")]
    Month,
    #[error("day out of range")]
    Day,
    #[error("hour out of range")]
    Hour,
    #[error("minute out of range")]
    Minute,
    #[error("second out of range")]
    Second,
    #[error("time zone offset out of range")]
    Offset,
}

/// Length of the `-t` prefix text for a zero offset:
/// `2006-01-02T15:04:05.000000000Z`.
pub const FORMATTED_UTC_LEN: usize = 30;

impl Timestamp {
    /// The zero value of Go's `time.Time`, which a Docker JSON line without
    /// a `time` field gets: 0001-01-01T00:00:00Z.
    pub const ZERO: Timestamp = Timestamp {
        year: 1,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset_minutes: 0,
    };

    /// Parses a log line's timestamp, accepting what Go's `time.Parse`
    /// accepts for the RFC3339Nano layout.
    pub fn parse(text: &[u8]) -> Result<Timestamp, TimestampError> {
        parse(text, false)
    }

    /// Parses a timestamp in the shape runtimes write at the start of
    /// `line`, returning it and its length. Returns `None` when the line
    /// does not start with one; [`Timestamp::parse`] then gives the reason.
    pub fn parse_prefix(line: &[u8]) -> Option<(Timestamp, usize)> {
        parse_common(line)
    }

    /// Parses the stricter form Go requires inside JSON: a two-digit hour
    /// and `.` before the fraction.
    pub fn parse_strict(text: &[u8]) -> Result<Timestamp, TimestampError> {
        parse(text, true)
    }

    /// Converts the timestamp to the instant it names.
    pub fn instant(&self) -> Instant {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        let local = days * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        Instant {
            seconds: local - i64::from(self.offset_minutes) * 60,
            nanos: self.nanos,
        }
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` and the zone (`Z` for a zero
    /// offset, `±hh:mm` otherwise), as Go formats crictl's output layout.
    pub fn format_into(&self, out: &mut Vec<u8>) {
        let mut text = [0u8; 35];
        put_digits(&mut text[0..4], u32::from(self.year));
        text[4] = b'-';
        put_digits(&mut text[5..7], u32::from(self.month));
        text[7] = b'-';
        put_digits(&mut text[8..10], u32::from(self.day));
        text[10] = b'T';
        put_digits(&mut text[11..13], u32::from(self.hour));
        text[13] = b':';
        put_digits(&mut text[14..16], u32::from(self.minute));
        text[16] = b':';
        put_digits(&mut text[17..19], u32::from(self.second));
        text[19] = b'.';
        put_digits(&mut text[20..29], self.nanos);
        let length = match self.offset_minutes.cmp(&0) {
            Ordering::Equal => {
                text[29] = b'Z';
                FORMATTED_UTC_LEN
            }
            sign => {
                text[29] = if sign == Ordering::Less { b'-' } else { b'+' };
                let minutes = u32::from(self.offset_minutes.unsigned_abs());
                put_digits(&mut text[30..32], minutes / 60);
                text[32] = b':';
                put_digits(&mut text[33..35], minutes % 60);
                35
            }
        };
        out.extend_from_slice(&text[..length]);
    }
}

/// Writes `value` as zero-padded decimal filling `slot`.
fn put_digits(slot: &mut [u8], mut value: u32) {
    for byte in slot.iter_mut().rev() {
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// A cursor over the timestamp text.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, count: usize) -> Result<u32, TimestampError> {
        let end = self.at + count;
        let slice = self.text.get(self.at..end).ok_or(TimestampError::Layout)?;
        let mut value = 0u32;
        for &byte in slice {
            if !byte.is_ascii_digit() {
                return Err(TimestampError::Layout);
            }
            value = value * 10 + u32::from(byte - b'0');
        }
        self.at = end;
        Ok(value)
    }

    fn literal(&mut self, expected: u8) -> Result<(), TimestampError> {
        match self.text.get(self.at) {
            Some(&byte) if byte == expected => {
                self.at += 1;
                Ok(())
            }
            _ => Err(TimestampError::Layout),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn peek_digit_at(&self, ahead: usize) -> bool {
        self.text
            .get(self.at + ahead)
            .is_some_and(u8::is_ascii_digit)
    }
}

fn parse(text: &[u8], strict: bool) -> Result<Timestamp, TimestampError> {
    if let Some((timestamp, length)) = parse_common(text)
        && length == text.len()
    {
        return Ok(timestamp);
    }
    let mut cursor = Cursor { text, at: 0 };
    let (year, month, day) = parse_date(&mut cursor)?;
    cursor.literal(b'T')?;
    let (hour, minute, second) = parse_clock(&mut cursor, strict)?;
    let nanos = parse_fraction(&mut cursor, strict);
    let offset_minutes = parse_zone(&mut cursor)?;
    if cursor.at != text.len() {
        return Err(TimestampError::Layout);
    }
    Ok(Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset_minutes,
    })
}

/// Parses the shape runtimes write, `YYYY-MM-DDTHH:MM:SS[.fraction]` then
/// `Z` or `±hh:mm`, at the start of `text` by direct indexing, because this
/// runs for every line. Returns the timestamp and its length, or `None` for
/// anything else, including out-of-range fields, so that the general parser
/// decides and names the error.
fn parse_common(text: &[u8]) -> Option<(Timestamp, usize)> {
    let head: &[u8; 19] = text.get(..19)?.try_into().ok()?;
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
    ] = *head
    else {
        return None;
    };
    let year = two_digits(y0, y1)? * 100 + two_digits(y2, y3)?;
    let month = two_digits(m0, m1)?;
    let day = two_digits(d0, d1)?;
    let hour = two_digits(h0, h1)?;
    let minute = two_digits(i0, i1)?;
    let second = two_digits(s0, s1)?;
    let (year, month) = (year as u16, month as u8);
    let day_ok = day >= 1 && day <= u32::from(days_in_month(year, month));
    if !(1..=12).contains(&month) || !day_ok || hour > 23 || minute > 59 || second > 59 {
        return None;
    }

    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let [b'.', first, ..] = rest
        && first.is_ascii_digit()
    {
        let digits = rest[1..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let mut scale = 100_000_000u32;
        for &digit in &rest[1..=digits] {
            nanos += u32::from(digit - b'0') * scale;
            scale /= 10;
        }
        rest = &rest[1 + digits..];
    }
    let (offset_minutes, zone_length) = match *rest {
        [b'Z', ..] => (0, 1),
        [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1, ..] => {
            let (hours, minutes) = (two_digits(h0, h1)?, two_digits(m0, m1)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = (hours * 60 + minutes) as i16;
            (if sign == b'-' { -offset } else { offset }, 6)
        }
        _ => return None,
    };
    let length = text.len() - rest.len() + zone_length;
    let timestamp = Timestamp {
        year,
        month,
        day: day as u8,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        nanos,
        offset_minutes,
    };
    Some((timestamp, length))
}

/// Returns the length of the timestamp that [`Timestamp::parse_prefix`]
/// accepts at the start of `text`, without computing its value. The plain
/// line path calls this for every line. So the shape containerd writes,
/// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, is checked eight bytes at a time, and
/// any other text takes the general parser.
pub fn common_length(text: &[u8]) -> Option<usize> {
    if let Some(words) = text.get(..32)
        && nano_utc_shape(words)
    {
        let digit = |index: usize| text[index] - b'0';
        let month = digit(5) * 10 + digit(6);
        let day = digit(8) * 10 + digit(9);
        let hour = digit(11) * 10 + digit(12);
        if (1..=12).contains(&month) && day >= 1 && hour <= 23 && digit(14) <= 5 && digit(17) <= 5 {
            if day <= 28 {
                return Some(NANO_UTC_LEN);
            }
            let year = u16::from(digit(0)) * 1000
                + u16::from(digit(1)) * 100
                + u16::from(digit(2)) * 10
                + u16::from(digit(3));
            return (day <= days_in_month(year, month)).then_some(NANO_UTC_LEN);
        }
        return None;
    }
    parse_common(text).map(|(_, length)| length)
}

/// Length of `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
const NANO_UTC_LEN: usize = 30;

/// Returns whether the first 30 of these 32 bytes have the digits and separators
/// of `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, field ranges aside.
fn nano_utc_shape(bytes: &[u8]) -> bool {
    // Per eight-byte word: which bytes must be digits, and the separators
    // the other bytes must equal (little-endian, so byte 0 is lowest).
    const DIGIT_MASKS: [u64; 4] = [
        0x00ff_ff00_ffff_ffff,
        0xffff_00ff_ff00_ffff,
        0xffff_ffff_00ff_ff00,
        0x0000_00ff_ffff_ffff,
    ];
    const SEPARATOR_MASKS: [u64; 4] = [
        0xff00_00ff_0000_0000,
        0x0000_ff00_00ff_0000,
        0x0000_0000_ff00_00ff,
        0x0000_ff00_0000_0000,
    ];
    const SEPARATORS: [u64; 4] = [
        u64::from_le_bytes(*b"\0\0\0\0-\0\0-"),
        u64::from_le_bytes(*b"\0\0T\0\0:\0\0"),
        u64::from_le_bytes(*b":\0\0.\0\0\0\0"),
        u64::from_le_bytes(*b"\0\0\0\0\0Z\0\0"),
    ];
    let mut bad = 0u64;
    for (index, chunk) in bytes.chunks_exact(8).take(4).enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        bad |= non_digits(word) & DIGIT_MASKS[index];
        bad |= (word & SEPARATOR_MASKS[index]) ^ SEPARATORS[index];
    }
    bad == 0
}

/// Returns a word with the high bit set in each byte of `word` that is not
/// an ASCII digit. Digits become 0 to 9 after the XOR; adding 0x76 to the
/// low seven bits then reaches 0x80 only for larger values, and no byte
/// carries into the next.
fn non_digits(word: u64) -> u64 {
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let value = word ^ 0x3030_3030_3030_3030;
    (((value & LOW_SEVEN) + 0x7676_7676_7676_7676) | value) & !LOW_SEVEN
}

fn two_digits(tens: u8, ones: u8) -> Option<u32> {
    let (tens, ones) = (tens.wrapping_sub(b'0'), ones.wrapping_sub(b'0'));
    (tens < 10 && ones < 10).then(|| u32::from(tens) * 10 + u32::from(ones))
}

/// Parses `YYYY-MM-DD`, checking the day against the month's length.
fn parse_date(cursor: &mut Cursor<'_>) -> Result<(u16, u8, u8), TimestampError> {
    let year = cursor.digits(4)? as u16;
    cursor.literal(b'-')?;
    let month = cursor.digits(2)?;
    cursor.literal(b'-')?;
    let day = cursor.digits(2)?;
    if !(1..=12).contains(&month) {
        return Err(TimestampError::Month);
    }
    let month = month as u8;
    if day < 1 || day > u32::from(days_in_month(year, month)) {
        return Err(TimestampError::Day);
    }
    Ok((year, month, day as u8))
}

/// Parses `HH:MM:SS`; the hour may have one digit unless `strict`.
fn parse_clock(cursor: &mut Cursor<'_>, strict: bool) -> Result<(u8, u8, u8), TimestampError> {
    let hour_digits = if !strict && cursor.peek_digit_at(0) && !cursor.peek_digit_at(1) {
        1
    } else {
        2
    };
    let hour = cursor.digits(hour_digits)?;
    cursor.literal(b':')?;
    let minute = cursor.digits(2)?;
    cursor.literal(b':')?;
    let second = cursor.digits(2)?;
    if hour > 23 {
        return Err(TimestampError::Hour);
    }
    if minute > 59 {
        return Err(TimestampError::Minute);
    }
    if second > 59 {
        return Err(TimestampError::Second);
    }
    Ok((hour as u8, minute as u8, second as u8))
}

/// Parses an optional fraction of any length into nanoseconds, keeping the
/// first nine digits as Go does.
fn parse_fraction(cursor: &mut Cursor<'_>, strict: bool) -> u32 {
    let separator_ok = match cursor.peek() {
        Some(b'.') => true,
        Some(b',') => !strict,
        _ => false,
    };
    if !separator_ok || !cursor.peek_digit_at(1) {
        return 0;
    }
    cursor.at += 1;
    let mut nanos = 0u32;
    let mut scale = 100_000_000u32;
    while let Some(byte) = cursor.peek().filter(u8::is_ascii_digit) {
        nanos += u32::from(byte - b'0') * scale;
        scale /= 10;
        cursor.at += 1;
    }
    nanos
}

/// Parses `Z` or `±hh:mm` into minutes east of UTC.
fn parse_zone(cursor: &mut Cursor<'_>) -> Result<i16, TimestampError> {
    let sign = match cursor.peek() {
        Some(b'Z') => {
            cursor.at += 1;
            return Ok(0);
        }
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(TimestampError::Layout),
    };
    cursor.at += 1;
    let hours = cursor.digits(2)?;
    cursor.literal(b':')?;
    let minutes = cursor.digits(2)?;
    if hours > 23 || minutes > 59 {
        return Err(TimestampError::Offset);
    }
    Ok(sign * (hours * 60 + minutes) as i16)
}

fn is_leap_year(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// Days in `month` (1-12) of `year`.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date, by Howard
/// Hinnant's `days_from_civil` algorithm.
pub fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(text: &str) -> String {
        let mut out = Vec::new();
        Timestamp::parse(text.as_bytes())
            .unwrap_or_else(|error| panic!("{text}: {error}"))
            .format_into(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn format_pads_nine_digits() {
        assert_eq!(
            formatted("2024-01-01T00:00:01.5Z"),
            "2024-01-01T00:00:01.500000000Z"
        );
    }

    #[test]
    fn format_without_fraction() {
        assert_eq!(
            formatted("2024-01-01T00:00:02Z"),
            "2024-01-01T00:00:02.000000000Z"
        );
    }

    #[test]
    fn format_keeps_positive_offset() {
        assert_eq!(
            formatted("2024-01-01T09:00:05+09:00"),
            "2024-01-01T09:00:05.000000000+09:00"
        );
    }

    #[test]
    fn format_keeps_negative_offset() {
        assert_eq!(
            formatted("2022-05-21T21:41:37.9-06:00"),
            "2022-05-21T21:41:37.900000000-06:00"
        );
    }

    #[test]
    fn zero_offset_prints_z() {
        assert_eq!(
            formatted("2022-05-21T21:41:37.822853908+00:00"),
            "2022-05-21T21:41:37.822853908Z"
        );
    }

    #[test]
    fn long_fraction_truncated() {
        assert_eq!(
            formatted("2024-01-01T00:00:00.1234567891234Z"),
            "2024-01-01T00:00:00.123456789Z"
        );
    }

    #[test]
    fn comma_fraction_accepted() {
        assert_eq!(
            formatted("2024-01-01T00:00:00,25Z"),
            "2024-01-01T00:00:00.250000000Z"
        );
    }

    #[test]
    fn one_digit_hour_accepted() {
        assert_eq!(
            formatted("2024-01-01T7:00:00Z"),
            "2024-01-01T07:00:00.000000000Z"
        );
    }

    #[test]
    fn strict_rejects_one_digit_hour() {
        assert_eq!(
            Timestamp::parse_strict(b"2024-01-01T7:00:00Z"),
            Err(TimestampError::Layout)
        );
    }

    #[test]
    fn instant_applies_offset() {
        let east = Timestamp::parse(b"2024-01-01T09:00:05+09:00").map(|t| t.instant());
        let utc = Timestamp::parse(b"2024-01-01T00:00:05Z").map(|t| t.instant());
        assert_eq!(east, utc);
    }

    #[test]
    fn instant_of_known_date() {
        let instant = Timestamp::parse(b"2023-01-01T12:00:00Z").map(|t| t.instant());
        assert_eq!(
            instant,
            Ok(Instant {
                seconds: 1_672_574_400,
                nanos: 0
            })
        );
    }

    #[test]
    fn zero_time_before_epoch() {
        assert_eq!(Timestamp::ZERO.instant().seconds, -62_135_596_800);
    }

    #[test]
    fn rejects_malformed_text() {
        let cases = [
            "",
            "garbage",
            "2024-01-01",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00z",
            "2024-01-01T00:00:00+0900",
            "2024-01-01T00:00:00.Z",
            "2024-1-01T00:00:00Z",
            "2024-01-01T00:00:00Zjunk",
        ];
        for text in cases {
            assert!(Timestamp::parse(text.as_bytes()).is_err(), "{text:?}");
        }
    }

    #[test]
    fn rejects_out_of_range_fields() {
        let cases = [
            ("2024-13-01T00:00:00Z", TimestampError::Month),
            ("2023-02-29T00:00:00Z", TimestampError::Day),
            ("2024-01-01T24:00:00Z", TimestampError::Hour),
            ("2024-01-01T00:60:00Z", TimestampError::Minute),
            ("2024-01-01T00:00:60Z", TimestampError::Second),
            ("2024-01-01T00:00:00+24:00", TimestampError::Offset),
        ];
        for (text, expected) in cases {
            assert_eq!(Timestamp::parse(text.as_bytes()), Err(expected), "{text}");
        }
    }

    #[test]
    fn leap_day_accepted() {
        assert!(Timestamp::parse(b"2024-02-29T00:00:00Z").is_ok());
    }
}
