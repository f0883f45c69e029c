//! Go's duration syntax (`300ms`, `1m30s`, `-2h`), which crictl's duration
//! flags and config accept. Rust's duration crates accept other spellings
//! (`1d`, spaces), so a script that works with crictl could break with them.

use std::time::Duration;

/// Error for text that is not a Go duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {text:?}: {reason}")]
pub struct ParseError {
    text: String,
    reason: &'static str,
}

/// Parses a Go duration into signed nanoseconds.
pub fn parse_nanos(text: &str) -> Result<i64, ParseError> {
    let fail = |reason| ParseError {
        text: text.to_owned(),
        reason,
    };
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(fail("empty"));
    }

    let mut total: u128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(fail("expected a number"));
        }
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(fail("missing unit (use ns, us, ms, s, m or h)")),
            _ => return Err(fail("unknown unit (use ns, us, ms, s, m or h)")),
        };
        total += scaled(number, unit_nanos).ok_or_else(|| fail("out of range"))?;
        if total > i64::MAX as u128 {
            return Err(fail("out of range"));
        }
    }
    let total = total as i64;
    Ok(if negative { -total } else { total })
}

/// Multiplies a decimal `whole.fraction` text by `unit` nanoseconds,
/// truncating below one nanosecond as Go does.
fn scaled(number: &str, unit: u128) -> Option<u128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut value = whole.checked_mul(unit)?;
    let mut scale = unit;
    for digit in fraction.bytes() {
        scale /= 10;
        if scale == 0 {
            break;
        }
        value = value.checked_add(u128::from(digit - b'0') * scale)?;
    }
    Some(value)
}

/// Parses a Go duration that must not be negative.
pub fn parse_duration(text: &str) -> Result<Duration, ParseError> {
    let nanos = parse_nanos(text)?;
    u64::try_from(nanos)
        .map(Duration::from_nanos)
        .map_err(|_| ParseError {
            text: text.to_owned(),
            reason: "must not be negative",
        })
}

/// Formats a duration as Go's `Duration.String` does (`2s`, `1m30s`,
/// `500ms`), for messages that quote a timeout back to the user.
pub fn format(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return format!("{}µs", trim_fraction(nanos, 1_000));
    }
    if nanos < 1_000_000_000 {
        return format!("{}ms", trim_fraction(nanos, 1_000_000));
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = (nanos / 60_000_000_000) % 60;
    let seconds = trim_fraction(nanos % 60_000_000_000, 1_000_000_000);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, m) => format!("{m}m{seconds}s"),
        (h, m) => format!("{h}h{m}m{seconds}s"),
    }
}

fn trim_fraction(value: u128, unit: u128) -> String {
    let whole = value / unit;
    let fraction = value % unit;
    if fraction == 0 {
        return whole.to_string();
    }
    let width = unit.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_examples() {
        let cases = [
            ("0", 0),
            ("2s", 2_000_000_000),
            ("500ms", 500_000_000),
            ("1m30s", 90_000_000_000),
            ("1.5h", 5_400_000_000_000),
            ("-2s", -2_000_000_000),
            ("+3ms", 3_000_000),
            ("10us", 10_000),
            ("10µs", 10_000),
            ("1h2m3s4ms5us6ns", 3_723_004_005_006),
            (".5s", 500_000_000),
            ("1.s", 1_000_000_000),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_nanos(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn rejects_missing_unit() {
        assert!(parse_nanos("3").is_err());
    }

    #[test]
    fn rejects_bad_text() {
        for text in ["", "-", "s", "1d", "1 s", "..5s", "1.2.3s", "9999999999h"] {
            assert!(parse_nanos(text).is_err(), "{text}");
        }
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(format(Duration::from_secs(2)), "2s");
        assert_eq!(format(Duration::from_millis(500)), "500ms");
        assert_eq!(format(Duration::from_secs(90)), "1m30s");
        assert_eq!(format(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(format(Duration::ZERO), "0s");
    }
}
