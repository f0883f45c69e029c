//! Human-readable ages, sizes and short IDs, worded exactly as crictl prints
//! them in tables.
//!
//! crictl takes ages and sizes from the docker/go-units package
//! (`HumanDuration`, `HumanSizeWithPrecision`), and sizes go through Go's
//! `%.<p>g` verb, so this module also carries an exact `%g` formatter.

/// Number of characters crictl keeps of a container, pod or image ID.
pub const TRUNCATED_ID_LEN: usize = 13;

/// Decimal size units of go-units, each 1000 times the previous one.
const DECIMAL_UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/// Formats an age in go-units `HumanDuration` words ("About a minute",
/// "3 days"); crictl appends " ago" itself.
///
/// `seconds` is the elapsed time, negative for a time in the future. Seconds
/// and minutes are truncated, hours are rounded half up, and days, weeks,
/// months (30 days) and years (365 days) derive from the rounded hours,
/// except years, which use truncated hours.
pub fn human_duration(seconds: f64) -> String {
    // `as i64` truncates toward zero and maps NaN to 0, as Go's int()
    // conversion of a float does for every value a duration can hold.
    let whole_seconds = seconds as i64;
    if whole_seconds < 1 {
        return "Less than a second".to_owned();
    }
    if whole_seconds == 1 {
        return "1 second".to_owned();
    }
    if whole_seconds < 60 {
        return format!("{whole_seconds} seconds");
    }

    let minutes = (seconds / 60.0) as i64;
    if minutes == 1 {
        return "About a minute".to_owned();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }

    let hours = (seconds / 3600.0 + 0.5) as i64;
    if hours == 1 {
        return "About an hour".to_owned();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", (seconds / 3600.0) as i64 / 24 / 365)
}

/// Formats a byte count in decimal units with `precision` significant digits,
/// as go-units `HumanSizeWithPrecision` does (`4.5MB`, `1e+03kB`).
///
/// The value is divided by 1000 repeatedly, as floats, while it is at least
/// 1000 and a larger unit exists. The quotient is then printed with Go's
/// `%.<precision>g`, followed by the unit without a space.
pub fn human_size(bytes: f64, precision: usize) -> String {
    let mut size = bytes;
    let mut unit = 0;
    while size >= 1000.0 && unit < DECIMAL_UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", format_g(size, precision), DECIMAL_UNITS[unit])
}

/// Formats `x` as Go's `%.<precision>g` verb does.
///
/// The exact binary value is rounded to `precision` significant digits, ties
/// to even, and trailing zeros are removed. Exponent form (`1e+03`, at least
/// two exponent digits) is used when the decimal exponent of the rounded value
/// is below -4 or at least `precision`. A precision of 0 counts as 1, as in Go.
pub fn format_g(x: f64, precision: usize) -> String {
    if let Some(special) = non_finite_text(x) {
        return special;
    }
    let precision = precision.max(1);
    // Rust's `{:.N e}` rounds the exact value of the double half to even,
    // which is the rounding Go's strconv applies for a fixed precision.
    let scientific = format!("{:.*e}", precision - 1, x);
    let Some((negative, digits, exponent)) = split_scientific(&scientific) else {
        return scientific;
    };
    layout_g(negative, &digits, exponent, precision)
}

/// Formats `x` as Go's `strconv.FormatFloat(x, 'g', -1, 64)` does: the
/// shortest digits that read back as `x`, in exponent form when the decimal
/// exponent is below -4 or at least 6 (`123456`, `1e+06`, `1.5e-07`). Go's
/// `fmt` prints a float64 for `%v` the same way.
pub fn format_g_shortest(x: f64) -> String {
    if let Some(special) = non_finite_text(x) {
        return special;
    }
    let Some((negative, digits, exponent)) = split_float(x) else {
        return x.to_string();
    };
    layout_g(negative, &digits, exponent, 6)
}

/// Splits a finite `x` into its sign, its shortest round-trip significant
/// digits and the decimal exponent of the first digit: `-0.015` is
/// `(true, "15", -2)`. Returns `None` for NaN and the infinities.
pub(crate) fn split_float(x: f64) -> Option<(bool, String, i32)> {
    if !x.is_finite() {
        return None;
    }
    // Rust's `{:e}` prints the shortest digits that read back as `x`; Go's
    // strconv picks the same digits for precision -1.
    split_scientific(&format!("{x:e}"))
}

/// Returns Go's `%g` text for NaN and the infinities.
fn non_finite_text(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".to_owned())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "+Inf" } else { "-Inf" }.to_owned())
    } else {
        None
    }
}

/// Splits Rust scientific text such as `-4.12e0` into the sign, the
/// significant digits without trailing zeros, and the decimal exponent of the
/// first digit.
fn split_scientific(text: &str) -> Option<(bool, String, i32)> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = unsigned.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    Some((negative, digits, exponent))
}

/// Lays out significant digits in Go's `%g` style: exponent form when the
/// exponent is below -4 or at least `exponent_limit`, plain decimal otherwise.
fn layout_g(negative: bool, digits: &str, exponent: i32, exponent_limit: usize) -> String {
    let mut text = String::new();
    if negative {
        text.push('-');
    }

    let limit = i32::try_from(exponent_limit).unwrap_or(i32::MAX);
    if exponent < -4 || exponent >= limit {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        text.push_str(first);
        if !rest.is_empty() {
            text.push('.');
            text.push_str(rest);
        }
        let sign = if exponent < 0 { '-' } else { '+' };
        text.push_str(&format!("e{sign}{:02}", exponent.unsigned_abs()));
        return text;
    }

    if exponent < 0 {
        text.push_str("0.");
        for _ in 0..(-exponent - 1) {
            text.push('0');
        }
        text.push_str(digits);
        return text;
    }

    let integer_len = usize::try_from(exponent).unwrap_or(0) + 1;
    if digits.len() <= integer_len {
        text.push_str(digits);
        for _ in digits.len()..integer_len {
            text.push('0');
        }
    } else {
        let (integer, fraction) = digits.split_at(integer_len);
        text.push_str(integer);
        text.push('.');
        text.push_str(fraction);
    }
    text
}

/// Shortens an ID for a table column: strips `prefix` (such as `sha256:`)
/// when present, then keeps the first 13 bytes.
///
/// NOTE: crictl cuts at byte 13 even inside a multi-byte character. This
/// cuts at the last character boundary at or before byte 13 instead, because
/// a Rust string cannot hold half a character. CRI IDs are ASCII.
pub fn truncate_id(id: &str, prefix: &str) -> String {
    let id = id.strip_prefix(prefix).unwrap_or(id);
    if id.len() <= TRUNCATED_ID_LEN {
        return id.to_owned();
    }
    let mut end = TRUNCATED_ID_LEN;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    id[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_matches_go_units_table() {
        let cases: [(f64, &str); 23] = [
            (-5.0, "Less than a second"),
            (0.0, "Less than a second"),
            (0.999, "Less than a second"),
            (1.0, "1 second"),
            (1.999, "1 second"),
            (2.0, "2 seconds"),
            (59.9, "59 seconds"),
            (60.0, "About a minute"),
            (119.9, "About a minute"),
            (120.0, "2 minutes"),
            (3599.0, "59 minutes"),
            (3600.0, "About an hour"),
            (5399.0, "About an hour"),
            (5400.0, "2 hours"),
            (170_964.0, "47 hours"),
            (171_000.0, "2 days"),
            (1_200_960.0, "13 days"),
            (1_207_800.0, "2 weeks"),
            (5_097_600.0, "8 weeks"),
            (5_184_000.0, "2 months"),
            (62_985_600.0, "24 months"),
            (63_072_000.0, "2 years"),
            (94_611_600.0, "3 years"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(human_duration(seconds), expected, "{seconds} s");
        }
    }

    #[test]
    fn duration_of_unset_creation_time() {
        // A CRI object without created_at is dated 1970; crictl then prints
        // an age in years.
        let seconds_since_epoch = 1_796_413_862.0;
        assert_eq!(human_duration(seconds_since_epoch), "56 years");
    }

    #[test]
    fn duration_of_nan_is_under_a_second() {
        assert_eq!(human_duration(f64::NAN), "Less than a second");
    }

    #[test]
    fn size_matches_go_units_vectors() {
        let cases: [(f64, &str, &str); 27] = [
            (0.0, "0B", "0B"),
            (1.0, "1B", "1B"),
            (999.0, "999B", "999B"),
            (1000.0, "1kB", "1kB"),
            (1023.0, "1.02kB", "1.023kB"),
            (1500.0, "1.5kB", "1.5kB"),
            (4096.0, "4.1kB", "4.096kB"),
            (12_345.0, "12.3kB", "12.35kB"),
            (750_000.0, "750kB", "750kB"),
            (999_499.0, "999kB", "999.5kB"),
            (999_500.0, "1e+03kB", "999.5kB"),
            (999_600.0, "1e+03kB", "999.6kB"),
            (999_999.0, "1e+03kB", "1000kB"),
            (1_000_000.0, "1MB", "1MB"),
            (4_125_000.0, "4.12MB", "4.125MB"),
            (4_135_000.0, "4.13MB", "4.135MB"),
            (4_500_000.0, "4.5MB", "4.5MB"),
            (12_345_678.0, "12.3MB", "12.35MB"),
            (50_000_000.0, "50MB", "50MB"),
            (123_456_789.0, "123MB", "123.5MB"),
            (191_000_000.0, "191MB", "191MB"),
            (1_234_567_890.0, "1.23GB", "1.235GB"),
            (1e12, "1TB", "1TB"),
            (1e15, "1PB", "1PB"),
            (1e18, "1EB", "1EB"),
            (1e21, "1ZB", "1ZB"),
            (1e24, "1YB", "1YB"),
        ];
        for (bytes, three, four) in cases {
            assert_eq!(human_size(bytes, 3), three, "{bytes} bytes, precision 3");
            assert_eq!(human_size(bytes, 4), four, "{bytes} bytes, precision 4");
        }
    }

    #[test]
    fn size_beyond_yottabytes_stays_in_yb() {
        assert_eq!(human_size(1e27, 3), "1e+03YB");
    }

    #[test]
    fn size_of_negative_count() {
        assert_eq!(human_size(-5.0, 3), "-5B");
    }

    #[test]
    fn size_of_infinity() {
        assert_eq!(human_size(f64::INFINITY, 3), "+InfYB");
    }

    #[test]
    fn format_g_matches_go() {
        let cases: [(f64, usize, &str); 16] = [
            (0.0, 3, "0"),
            (-0.0, 3, "-0"),
            (100.0, 3, "100"),
            (100_000.0, 3, "1e+05"),
            (12.0, 3, "12"),
            (0.000_123, 3, "0.000123"),
            (0.000_012_3, 3, "1.23e-05"),
            (999.5, 3, "1e+03"),
            (4.125, 3, "4.12"),
            (2.5, 1, "2"),
            (3.5, 1, "4"),
            (1.5, 0, "2"),
            (123_456_789.0, 4, "1.235e+08"),
            (1e100, 3, "1e+100"),
            (f64::NAN, 3, "NaN"),
            (f64::NEG_INFINITY, 3, "-Inf"),
        ];
        for (x, precision, expected) in cases {
            assert_eq!(format_g(x, precision), expected, "%.{precision}g of {x}");
        }
    }

    #[test]
    fn format_g_shortest_matches_go() {
        let cases: [(f64, &str); 10] = [
            (0.0, "0"),
            (1.0, "1"),
            (1.5, "1.5"),
            (123_456.0, "123456"),
            (1_000_000.0, "1e+06"),
            (1_234_567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.000_01, "1e-05"),
            (1e21, "1e+21"),
            (-2.5e-7, "-2.5e-07"),
        ];
        for (x, expected) in cases {
            assert_eq!(format_g_shortest(x), expected, "{x}");
        }
    }

    #[test]
    fn truncate_id_keeps_13_chars() {
        assert_eq!(
            truncate_id("0123456789abcdef0123456789abcdef", ""),
            "0123456789abc"
        );
    }

    #[test]
    fn truncate_id_strips_prefix() {
        assert_eq!(
            truncate_id("sha256:5be1ecc7935f1dd85635d4feedaf66", "sha256:"),
            "5be1ecc7935f1"
        );
    }

    #[test]
    fn truncate_id_keeps_short_ids() {
        assert_eq!(truncate_id("abc", "sha256:"), "abc");
    }

    #[test]
    fn truncate_id_without_prefix_match() {
        assert_eq!(
            truncate_id("docker.io/library/x", "sha256:"),
            "docker.io/lib"
        );
    }

    #[test]
    fn truncate_id_respects_char_boundary() {
        assert_eq!(truncate_id("aaaaaaaaaaaa\u{e9}b", ""), "aaaaaaaaaaaa");
    }
}
