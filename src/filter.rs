//! Selection of pods, containers and images on the client: label and state
//! parsing, regular expressions on names, the newest-first order and the
//! `--latest`/`--last` cut.
//!
//! crictl passes ID, state and label filters to the runtime and trusts it to
//! apply them. Some runtimes ignore a filter, so every filter is applied here
//! again; a row that does not match never reaches any output format.

use std::collections::BTreeMap;

use regex::Regex;

use crate::error::{Error, Result};

/// Parses `key=value` labels; each flag value may hold several, separated by
/// commas, as in crictl.
pub fn parse_labels(values: &[String]) -> Result<BTreeMap<String, String>> {
    let mut labels = BTreeMap::new();
    for item in values.iter().flat_map(|value| value.split(',')) {
        let parts: Vec<&str> = item.split('=').collect();
        let [key, value] = parts[..] else {
            return Err(Error::Invalid(format!(
                "invalid label {item:?}: expected key=value"
            )));
        };
        labels.insert(key.to_owned(), value.to_owned());
    }
    Ok(labels)
}

/// Returns whether `labels` contains every pair of `selector`.
pub fn labels_match(
    labels: &BTreeMap<String, String>,
    selector: &BTreeMap<String, String>,
) -> bool {
    selector
        .iter()
        .all(|(key, value)| labels.get(key) == Some(value))
}

/// Compiles an optional name pattern; an empty pattern matches everything.
pub fn compile_pattern(pattern: Option<&str>, flag: &str) -> Result<Option<Regex>> {
    match pattern {
        None | Some("") => Ok(None),
        Some(text) => Regex::new(text).map(Some).map_err(|error| {
            Error::Invalid(format!(
                "invalid regular expression {text:?} for {flag}: {}",
                first_line(&error.to_string())
            ))
        }),
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or(text)
        .to_owned()
}

/// Returns whether an optional pattern matches `text` (unanchored search).
pub fn pattern_matches(pattern: &Option<Regex>, text: &str) -> bool {
    pattern.as_ref().is_none_or(|regex| regex.is_match(text))
}

/// Sorts newest first by creation time, keeping the runtime's order among
/// equal times.
pub fn sort_newest_first<T>(items: &mut [T], created_at: impl Fn(&T) -> i64) {
    // Sorting the keys and then moving each item once costs less than
    // moving the large items around while sorting them.
    items.sort_by_cached_key(|item| std::cmp::Reverse(created_at(item)));
}

/// Returns how many items `--latest` and `--last N` keep out of `total`.
/// `--last` wins over `--latest`, and `--last 0` means all.
pub fn kept_count(total: usize, latest: bool, last: i64) -> usize {
    let wanted = if last > 0 {
        usize::try_from(last).unwrap_or(usize::MAX)
    } else if latest {
        1
    } else {
        total
    };
    wanted.min(total)
}

/// Returns whether an ID given as a filter selects `id`, by prefix as
/// runtimes match such IDs.
pub fn id_matches(filter: &str, id: &str) -> bool {
    filter.is_empty() || id.starts_with(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_split_on_commas() {
        let labels = parse_labels(&["a=b,c=d".to_owned(), "e=".to_owned()]).unwrap();
        assert_eq!(labels.len(), 3);
        assert_eq!(labels["a"], "b");
        assert_eq!(labels["c"], "d");
        assert_eq!(labels["e"], "");
    }

    #[test]
    fn label_without_equals_rejected() {
        let error = parse_labels(&["foo".to_owned()]).unwrap_err();
        assert!(error.to_string().contains("\"foo\""), "{error}");
    }

    #[test]
    fn label_with_two_equals_rejected() {
        assert!(parse_labels(&["a=b=c".to_owned()]).is_err());
    }

    #[test]
    fn later_label_overwrites() {
        let labels = parse_labels(&["a=1".to_owned(), "a=2".to_owned()]).unwrap();
        assert_eq!(labels["a"], "2");
    }

    #[test]
    fn pattern_is_unanchored() {
        let pattern = compile_pattern(Some("i_am"), "--name").unwrap();
        assert!(pattern_matches(&pattern, "i_am_a_container"));
        let anchored = compile_pattern(Some("iner$"), "--name").unwrap();
        assert!(pattern_matches(&anchored, "i_am_a_container"));
        let other = compile_pattern(Some("foo"), "--name").unwrap();
        assert!(!pattern_matches(&other, "i_am_a_container"));
    }

    #[test]
    fn empty_pattern_matches_all() {
        assert!(compile_pattern(Some(""), "--name").unwrap().is_none());
    }

    #[test]
    fn invalid_pattern_rejected() {
        let error = compile_pattern(Some("[invalid"), "--name").unwrap_err();
        assert!(error.to_string().contains("[invalid"), "{error}");
    }

    #[test]
    fn kept_count_vectors() {
        let cases = [
            ((0, false, 0), 0),
            ((5, false, 0), 5),
            ((5, true, 0), 1),
            ((0, true, 0), 0),
            ((5, false, 3), 3),
            ((5, false, 10), 5),
            ((5, true, 3), 3),
        ];
        for ((total, latest, last), expected) in cases {
            assert_eq!(
                kept_count(total, latest, last),
                expected,
                "{total} {latest} {last}"
            );
        }
    }

    #[test]
    fn sort_keeps_ties_in_order() {
        let mut items = vec![("a", 1), ("b", 3), ("c", 1), ("d", 2)];
        sort_newest_first(&mut items, |item| item.1);
        let names: Vec<&str> = items.iter().map(|item| item.0).collect();
        assert_eq!(names, ["b", "d", "a", "c"]);
    }

    #[test]
    fn unset_time_sorts_last() {
        let mut items = vec![("v0", 0), ("v1", 1_672_574_400_000_000_000)];
        sort_newest_first(&mut items, |item| item.1);
        assert_eq!(items[0].0, "v1");
    }
}
