//! Feeds arbitrary text to the `--since` parser, in UTC and in a zone with
//! daylight saving time. Any panic is a bug.
#![no_main]

use crictl_rs::logs::Instant;
use crictl_rs::logs::since;
use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;

const NOW: Instant = Instant {
    seconds: 1_700_000_000,
    nanos: 123_456_789,
};

fuzz_target!(|text: &str| {
    let _ = since::parse(text, NOW, &TimeZone::UTC);
    let _ = since::parse(text, NOW, &TimeZone::fixed(jiff::tz::offset(-7)));
    if let Ok(zone) = TimeZone::get("Europe/Berlin") {
        let _ = since::parse(text, NOW, &zone);
    }
});
