//! The `--since` value: a Go duration before now, an RFC 3339 date or time
//! with or without a zone, or Unix seconds, read the way crictl reads it.
//!
//! crictl tries three readings in order. First a Go duration other than the
//! literal `0`, counted back from now and cut to whole seconds. Then a date
//! or time whose layout it picks from the text's shape, in the local time
//! zone when the text names none. Last `SECONDS[.FRACTION]`.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::timestamp::{Instant, Timestamp, TimestampError};

/// Error for a `--since` value that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinceError {
    #[error("invalid --since value {value:?}: {reason}")]
    Time { value: String, reason: String },
    #[error(
        "invalid --since value {0:?}: expected a duration such as 10m, an RFC 3339 time such as 2024-01-02T15:04:05Z, or Unix seconds"
    )]
    Unrecognised(String),
}

/// Parses `value` relative to `now`, reading zone-less times in `zone`.
/// An empty value means no `--since` filter.
pub fn parse(value: &str, now: Instant, zone: &TimeZone) -> Result<Option<Instant>, SinceError> {
    if value.is_empty() {
        return Ok(None);
    }
    if value != "0"
        && let Ok(nanos) = crate::godur::parse_nanos(value)
    {
        return Ok(Some(before(now, nanos)));
    }
    let parsed = parse_time(value, zone);
    if let Ok(instant) = parsed {
        return Ok(Some(instant));
    }
    if value.contains('-') {
        let reason = parsed.err().unwrap_or_default();
        return Err(SinceError::Time {
            value: value.to_owned(),
            reason,
        });
    }
    parse_unix_seconds(value)
        .map(Some)
        .ok_or_else(|| SinceError::Unrecognised(value.to_owned()))
}

/// `now` minus `nanos`, cut to whole seconds.
fn before(now: Instant, nanos: i64) -> Instant {
    let now_nanos = i128::from(now.seconds) * 1_000_000_000 + i128::from(now.nanos);
    let since = now_nanos - i128::from(nanos);
    let seconds = since.div_euclid(1_000_000_000);
    Instant {
        seconds: i64::try_from(seconds).unwrap_or(if seconds < 0 { i64::MIN } else { i64::MAX }),
        nanos: 0,
    }
}

/// Parses a date or time in the layout its shape calls for. The text has a
/// zone when it contains `z`, `Z` or `+`, or exactly three `-` (a date and
/// a negative offset).
fn parse_time(value: &str, zone: &TimeZone) -> Result<Instant, String> {
    let has_letter_zone = value.contains(['z', 'Z']);
    let zoned = has_letter_zone || value.contains('+') || value.matches('-').count() == 3;
    let fields = if value.contains('.') {
        Fields::Seconds
    } else if value.contains('T') {
        let mut colons = value.matches(':').count();
        if zoned && !has_letter_zone {
            // One colon belongs to the `±hh:mm` offset.
            colons = colons.saturating_sub(1);
        }
        match colons {
            0 => Fields::Hour,
            1 => Fields::Minute,
            _ => Fields::Seconds,
        }
    } else {
        Fields::Date
    };
    let text = expand(value, fields, zoned);
    let parsed = if zoned {
        Timestamp::parse(text.as_bytes())
    } else {
        Timestamp::parse(format!("{text}Z").as_bytes())
    };
    let timestamp = parsed.map_err(|reason| describe(reason, fields, zoned))?;
    if zoned {
        return Ok(timestamp.instant());
    }
    in_zone(timestamp.instant(), zone)
}

/// How much of a time the layout for a value has.
#[derive(Debug, Clone, Copy)]
enum Fields {
    Date,
    Hour,
    Minute,
    Seconds,
}

/// Completes a shorter layout to a full RFC 3339 time with zeros, so one
/// parser checks every layout. The zero fields go before the zone.
fn expand(value: &str, fields: Fields, zoned: bool) -> String {
    let filler = match fields {
        Fields::Date => "T00:00:00",
        Fields::Hour => ":00:00",
        Fields::Minute => ":00",
        Fields::Seconds => "",
    };
    if filler.is_empty() {
        return value.to_owned();
    }
    let split = if zoned {
        zone_start(value, fields)
    } else {
        None
    };
    let split = split.unwrap_or(value.len());
    format!("{}{filler}{}", &value[..split], &value[split..])
}

/// Finds where the zone starts in a zoned value: a `Z` or `+`, or the third `-`
/// of a date-only value, or the `-` after the `T`.
fn zone_start(value: &str, fields: Fields) -> Option<usize> {
    if let Some(position) = value.find(['Z', 'z', '+']) {
        return Some(position);
    }
    match fields {
        Fields::Date => value.match_indices('-').nth(2).map(|(index, _)| index),
        _ => {
            let time_start = value.find('T')?;
            value[time_start..]
                .find('-')
                .map(|index| time_start + index)
        }
    }
}

fn describe(reason: TimestampError, fields: Fields, zoned: bool) -> String {
    if reason != TimestampError::Layout {
        return reason.to_string();
    }
    let layout = match fields {
        Fields::Date => "YYYY-MM-DD",
        Fields::Hour => "YYYY-MM-DDTHH",
        Fields::Minute => "YYYY-MM-DDTHH:MM",
        Fields::Seconds => "YYYY-MM-DDTHH:MM:SS[.FRACTION]",
    };
    let zone = if zoned {
        " followed by Z or ±hh:mm"
    } else {
        ""
    };
    format!("expected {layout}{zone}")
}

/// Reads the wall-clock time `local` (computed as if it were UTC) in
/// `zone`.
fn in_zone(local: Instant, zone: &TimeZone) -> Result<Instant, String> {
    let timestamp = jiff::Timestamp::new(local.seconds, local.nanos as i32)
        .map_err(|error| error.to_string())?;
    let civil: DateTime = timestamp.to_zoned(TimeZone::UTC).datetime();
    let zoned = civil
        .to_zoned(zone.clone())
        .map_err(|error| error.to_string())?;
    let instant = zoned.timestamp();
    Ok(Instant {
        seconds: instant.as_second(),
        nanos: u32::try_from(instant.subsec_nanosecond()).unwrap_or(0),
    })
}

/// Parses `SECONDS[.FRACTION]`; a fraction is scaled to nanoseconds, so
/// `.5` is half a second and digits past the ninth are dropped.
fn parse_unix_seconds(value: &str) -> Option<Instant> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty() || !whole.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    if value.contains('.') && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let mut nanos = 0u32;
    let mut scale = 100_000_000u32;
    for digit in fraction.bytes().take(9) {
        nanos += u32::from(digit - b'0') * scale;
        scale /= 10;
    }
    Some(Instant { seconds, nanos })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Instant = Instant {
        seconds: 1_700_000_000,
        nanos: 750_000_000,
    };

    fn since(value: &str) -> Result<Option<Instant>, SinceError> {
        parse(value, NOW, &TimeZone::UTC)
    }

    fn seconds(value: &str) -> Option<i64> {
        since(value).ok().flatten().map(|instant| instant.seconds)
    }

    #[test]
    fn empty_means_unset() {
        assert_eq!(since(""), Ok(None));
    }

    #[test]
    fn duration_counts_back_from_now() {
        assert_eq!(seconds("10m"), Some(1_700_000_000 - 600));
    }

    #[test]
    fn duration_cut_to_seconds() {
        assert_eq!(since("300ms").ok().flatten().map(|i| i.nanos), Some(0));
    }

    #[test]
    fn negative_duration_is_future() {
        assert_eq!(seconds("-5m"), Some(1_700_000_000 + 300));
    }

    #[test]
    fn literal_zero_is_epoch() {
        assert_eq!(
            since("0"),
            Ok(Some(Instant {
                seconds: 0,
                nanos: 0
            }))
        );
    }

    #[test]
    fn rfc3339_utc() {
        assert_eq!(seconds("2023-01-01T12:00:00Z"), Some(1_672_574_400));
    }

    #[test]
    fn rfc3339_with_offset() {
        assert_eq!(seconds("2023-01-01T14:00:00+02:00"), Some(1_672_574_400));
    }

    #[test]
    fn rfc3339_negative_offset() {
        assert_eq!(seconds("2023-01-01T05:00:00-07:00"), Some(1_672_574_400));
    }

    #[test]
    fn fraction_with_zone() {
        let parsed = since("2023-01-01T12:00:00.25Z").ok().flatten();
        assert_eq!(
            parsed,
            Some(Instant {
                seconds: 1_672_574_400,
                nanos: 250_000_000
            })
        );
    }

    #[test]
    fn zoneless_uses_given_zone() {
        let zone = TimeZone::fixed(jiff::tz::offset(8));
        let parsed = parse("2013-01-02T13:23:37", NOW, &zone);
        assert_eq!(
            parsed,
            Ok(Some(Instant {
                seconds: 1_357_104_217,
                nanos: 0
            }))
        );
    }

    #[test]
    fn zoneless_fraction() {
        let parsed = since("2013-01-02T13:23:37.5").ok().flatten();
        assert_eq!(
            parsed,
            Some(Instant {
                seconds: 1_357_133_017,
                nanos: 500_000_000
            })
        );
    }

    #[test]
    fn hour_and_minute_layouts() {
        assert_eq!(seconds("2023-01-01T12"), Some(1_672_574_400));
        assert_eq!(seconds("2023-01-01T12:30"), Some(1_672_576_200));
        assert_eq!(seconds("2023-01-01T12Z"), Some(1_672_574_400));
        assert_eq!(seconds("2023-01-01T14:30+02:00"), Some(1_672_576_200));
        assert_eq!(seconds("2023-01-01T05-07:00"), Some(1_672_574_400));
    }

    #[test]
    fn date_only_layouts() {
        assert_eq!(seconds("2023-01-01"), Some(1_672_531_200));
        assert_eq!(seconds("2023-01-01Z"), Some(1_672_531_200));
        assert_eq!(seconds("2023-01-01+01:00"), Some(1_672_531_200 - 3_600));
        assert_eq!(seconds("2023-01-01-01:00"), Some(1_672_531_200 + 3_600));
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(seconds("1672574400"), Some(1_672_574_400));
    }

    #[test]
    fn unix_seconds_with_fraction() {
        assert_eq!(
            since("1136073600.000000001"),
            Ok(Some(Instant {
                seconds: 1_136_073_600,
                nanos: 1
            }))
        );
        assert_eq!(
            since("5.5").ok().flatten().map(|i| i.nanos),
            Some(500_000_000)
        );
    }

    #[test]
    fn date_errors_name_the_field() {
        assert_eq!(
            since("2013-13-45"),
            Err(SinceError::Time {
                value: "2013-13-45".to_owned(),
                reason: "month out of range".to_owned()
            })
        );
    }

    #[test]
    fn words_rejected() {
        for value in ["yesterday", "invalid", "5.", ".5", "1e9", "10 m"] {
            assert_eq!(
                since(value),
                Err(SinceError::Unrecognised(value.to_owned())),
                "{value}"
            );
        }
    }

    #[test]
    fn malformed_dates_rejected() {
        for value in [
            "2023-01-01T",
            "2023-01-01T12:00:00+0200",
            "2023-01-01T12:00:00z",
            "-5",
        ] {
            assert!(
                matches!(since(value), Err(SinceError::Time { .. })),
                "{value}"
            );
        }
    }
}
