//! CRI timestamps (nanoseconds since the Unix epoch) printed the way Go's
//! `time` package prints them in crictl's output.
//!
//! Status documents use `time.RFC3339Nano` and the `pods -v` and
//! `inspectp -o table` views use `time.Time.String()`, both in the local time
//! zone. Each formatter takes an explicit [`TimeZone`]; the `_local` variants
//! resolve the local zone the way Go does.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

/// Go's zero `time.Time` formatted with `time.RFC3339Nano`. crictl prints it
/// for container start and finish times that were never set.
pub const GO_ZERO_TIME_RFC3339: &str = "0001-01-01T00:00:00Z";

/// Formats `nanos` as Go's `time.RFC3339Nano` in `tz`:
/// `2026-12-05T04:48:34.142583466+09:00`, with trailing zeros of the fraction
/// removed, no fraction for whole seconds, and `Z` for a zero offset.
pub fn rfc3339_nano(nanos: i64, tz: &TimeZone) -> String {
    let Some(parts) = LocalParts::new(nanos, tz) else {
        return GO_ZERO_TIME_RFC3339.to_owned();
    };
    let mut text = parts.date_time('T');
    if parts.offset_seconds == 0 {
        text.push('Z');
    } else {
        text.push_str(&offset_text(parts.offset_seconds, ":"));
    }
    text
}

/// Formats `nanos` as [`rfc3339_nano`] does, in the local time zone.
pub fn rfc3339_nano_local(nanos: i64) -> String {
    rfc3339_nano(nanos, &local_time_zone())
}

/// Formats a time that may be unset: `None` is Go's zero time,
/// `0001-01-01T00:00:00Z`, and `Some(nanos)` is [`rfc3339_nano`] in `tz`.
///
/// crictl decides from the container state whether a start or finish time
/// counts as set, so the caller makes that choice.
pub fn rfc3339_nano_or_zero(nanos: Option<i64>, tz: &TimeZone) -> String {
    match nanos {
        Some(nanos) => rfc3339_nano(nanos, tz),
        None => GO_ZERO_TIME_RFC3339.to_owned(),
    }
}

/// Formats a time that may be unset as [`rfc3339_nano_or_zero`] does, in the
/// local time zone.
pub fn rfc3339_nano_local_or_zero(nanos: Option<i64>) -> String {
    rfc3339_nano_or_zero(nanos, &local_time_zone())
}

/// Formats `nanos` as Go's `time.Time.String()` does in `tz`:
/// `2026-12-05 04:48:19.142583466 +0900 JST`. The fraction loses its trailing
/// zeros and the zone abbreviation comes from the time zone database; a zone
/// without one prints its offset again (`+0930`).
pub fn go_time_string(nanos: i64, tz: &TimeZone) -> String {
    let Some(parts) = LocalParts::new(nanos, tz) else {
        return "0001-01-01 00:00:00 +0000 UTC".to_owned();
    };
    let offset = offset_text(parts.offset_seconds, "");
    let abbreviation = if parts.abbreviation.is_empty() {
        offset.clone()
    } else {
        parts.abbreviation.clone()
    };
    format!("{} {offset} {abbreviation}", parts.date_time(' '))
}

/// Formats `nanos` as [`go_time_string`] does, in the local time zone.
pub fn go_time_string_local(nanos: i64) -> String {
    go_time_string(nanos, &local_time_zone())
}

/// Returns the local time zone as Go's `time.Local` chooses it.
///
/// An unset `TZ` means `/etc/localtime`, and an empty `TZ` or `UTC` means
/// UTC. A `TZ` starting with `/` is a zone file, and any other `TZ` (a
/// leading `:` removed) is a time zone database name. A zone that fails to
/// load is UTC.
///
/// NOTE: Go does not read POSIX rule strings such as `JST-9` from `TZ` and
/// falls back to UTC for them; this does the same.
pub fn local_time_zone() -> TimeZone {
    let Some(value) = std::env::var_os("TZ") else {
        return TimeZone::try_system().unwrap_or(TimeZone::UTC);
    };
    let value = value.to_string_lossy();
    let name = value.strip_prefix(':').unwrap_or(&value);
    if name.is_empty() || name == "UTC" {
        return TimeZone::UTC;
    }
    if name.starts_with('/') {
        return std::fs::read(name)
            .ok()
            .and_then(|bytes| TimeZone::tzif(name, &bytes).ok())
            .unwrap_or(TimeZone::UTC);
    }
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// A timestamp split into the civil fields of its time zone.
struct LocalParts {
    year: i16,
    month: i8,
    day: i8,
    hour: i8,
    minute: i8,
    second: i8,
    nanosecond: i32,
    offset_seconds: i32,
    abbreviation: String,
}

impl LocalParts {
    /// Splits `nanos` in `tz`; `None` only for instants outside jiff's range,
    /// which no `i64` nanosecond count reaches.
    fn new(nanos: i64, tz: &TimeZone) -> Option<Self> {
        let timestamp = Timestamp::from_nanosecond(i128::from(nanos)).ok()?;
        let info = tz.to_offset_info(timestamp);
        let offset: Offset = info.offset();
        let civil = offset.to_datetime(timestamp);
        Some(LocalParts {
            year: civil.year(),
            month: civil.month(),
            day: civil.day(),
            hour: civil.hour(),
            minute: civil.minute(),
            second: civil.second(),
            nanosecond: civil.subsec_nanosecond(),
            offset_seconds: offset.seconds(),
            abbreviation: info.abbreviation().to_owned(),
        })
    }

    /// Formats the date and time with `separator` between them and Go's
    /// `.999999999` fraction.
    fn date_time(&self, separator: char) -> String {
        let mut text = format!(
            "{:04}-{:02}-{:02}{separator}{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanosecond > 0 {
            let fraction = format!("{:09}", self.nanosecond);
            text.push('.');
            text.push_str(fraction.trim_end_matches('0'));
        }
        text
    }
}

/// Formats a UTC offset as Go does: sign, hours and minutes with
/// `separator` between them. Go truncates the offset to whole minutes toward
/// zero before taking the sign, so `-00:00:30` prints as `+00:00`.
fn offset_text(offset_seconds: i32, separator: &str) -> String {
    let minutes = offset_seconds / 60;
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    format!("{sign}{:02}{separator}{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-04T19:51:02.238936368Z, a creation time from a crictl run.
    const CREATED: i64 = 1_796_413_862_238_936_368;

    fn tokyo() -> TimeZone {
        TimeZone::posix("JST-9").unwrap_or(TimeZone::UTC)
    }

    #[test]
    fn rfc3339_in_utc_uses_z() {
        assert_eq!(
            rfc3339_nano(CREATED, &TimeZone::UTC),
            "2026-12-04T19:51:02.238936368Z"
        );
    }

    #[test]
    fn rfc3339_in_tokyo_uses_offset() {
        assert_eq!(
            rfc3339_nano(CREATED, &tokyo()),
            "2026-12-05T04:51:02.238936368+09:00"
        );
    }

    #[test]
    fn rfc3339_trims_fraction_zeros() {
        let nanos = 1_796_413_816_095_005_200;
        assert_eq!(
            rfc3339_nano(nanos, &TimeZone::UTC),
            "2026-12-04T19:50:16.0950052Z"
        );
    }

    #[test]
    fn rfc3339_omits_zero_fraction() {
        assert_eq!(
            rfc3339_nano(1_700_000_000_000_000_000, &TimeZone::UTC),
            "2023-11-14T22:13:20Z"
        );
    }

    #[test]
    fn rfc3339_of_epoch() {
        assert_eq!(rfc3339_nano(0, &TimeZone::UTC), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn rfc3339_before_epoch() {
        assert_eq!(
            rfc3339_nano(-1, &TimeZone::UTC),
            "1969-12-31T23:59:59.999999999Z"
        );
    }

    #[test]
    fn rfc3339_negative_offset() {
        let new_york = TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap_or(TimeZone::UTC);
        assert_eq!(
            rfc3339_nano(CREATED, &new_york),
            "2026-12-04T14:51:02.238936368-05:00"
        );
    }

    #[test]
    fn unset_time_is_go_zero_time() {
        assert_eq!(rfc3339_nano_or_zero(None, &tokyo()), "0001-01-01T00:00:00Z");
    }

    #[test]
    fn set_time_is_formatted() {
        assert_eq!(
            rfc3339_nano_or_zero(Some(CREATED), &TimeZone::UTC),
            "2026-12-04T19:51:02.238936368Z"
        );
    }

    #[test]
    fn time_string_in_utc() {
        let nanos = 1_796_413_801_095_005_200;
        assert_eq!(
            go_time_string(nanos, &TimeZone::UTC),
            "2026-12-04 19:50:01.0950052 +0000 UTC"
        );
    }

    #[test]
    fn time_string_in_tokyo() {
        let nanos = 1_796_413_699_142_583_466;
        assert_eq!(
            go_time_string(nanos, &tokyo()),
            "2026-12-05 04:48:19.142583466 +0900 JST"
        );
    }

    #[test]
    fn time_string_whole_second() {
        assert_eq!(
            go_time_string(0, &TimeZone::UTC),
            "1970-01-01 00:00:00 +0000 UTC"
        );
    }

    #[test]
    fn time_string_half_hour_zone() {
        let adelaide = TimeZone::posix("ACST-9:30").unwrap_or(TimeZone::UTC);
        assert_eq!(
            go_time_string(0, &adelaide),
            "1970-01-01 09:30:00 +0930 ACST"
        );
    }

    #[test]
    fn offset_truncates_toward_zero() {
        assert_eq!(offset_text(-30, ":"), "+00:00");
    }

    #[test]
    fn offset_negative_hours() {
        assert_eq!(offset_text(-5 * 3600 - 30 * 60, ""), "-0530");
    }
}
