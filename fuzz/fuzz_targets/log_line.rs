//! Feeds arbitrary bytes to the log line parsers: format detection, both
//! formats, and the timestamp parser. Any panic is a bug.
#![no_main]

use crictl_rs::logs::parse::{self, Format};
use crictl_rs::logs::timestamp::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &[u8]| {
    let detected = Format::detect(line);
    for format in [Format::Cri, Format::DockerJson] {
        if let Ok(message) = format.parse(line) {
            let mut text = Vec::new();
            message.timestamp.format_into(&mut text);
            // A printed timestamp parses back to the same instant.
            let again = Timestamp::parse(&text).map(|t| t.instant());
            assert_eq!(again, Ok(message.timestamp.instant()));
            // A CRI message's content is a suffix of its line, minus the
            // newline a partial line drops.
            if format == Format::Cri && !message.content.is_empty() {
                let line_without_newline = line.strip_suffix(b"\n").unwrap_or(line);
                assert!(
                    line.ends_with(&message.content)
                        || line_without_newline.ends_with(&message.content),
                    "content is not a suffix of the line"
                );
            }
        }
    }
    if detected.is_some() {
        assert!(!parse::is_blank(line));
    }
    let _ = parse::continues_on_next_line(line);
    let _ = Timestamp::parse(line);
    let _ = Timestamp::parse_strict(line);
});
