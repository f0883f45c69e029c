//! Where `--tail N` starts: found by reading blocks backwards from the end
//! of the file, so the cost depends on N and the line length, not on the
//! file size.
//!
//! N counts logical lines: a run of `P` fragments and the line that ends it
//! count as one, and the start never falls inside such a run. crictl counts
//! physical lines, so it can start in the middle of a long line; for files
//! without fragments both give the same start. Lines that parse in neither
//! log format count as one line each. A last line without `\n` is not
//! counted, because the runtime is still writing it.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use super::parse::continues_on_next_line;

/// Bytes read per step backwards.
const BLOCK_SIZE: u64 = 64 * 1024;

/// Bytes read from the start of a line to judge whether it is a fragment:
/// enough for a CRI line's timestamp, stream and tags.
const PREFIX_BYTES: u64 = 256;

/// A Docker JSON line longer than this is taken as a whole line without
/// reading it all; JSON lines are split at 16 KiB by Docker, so this only
/// matters for files written by something else.
const MAX_JSON_LINE: u64 = 4 * 1024 * 1024;

/// The start `--tail` picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TailStart {
    /// File offset to read from.
    pub offset: u64,
    /// How many parsed lines to print without `-f`: the physical lines in
    /// the chosen range, plus the logical lines the file fell short of, so a
    /// file shorter than N prints its unterminated last line as crictl
    /// does.
    pub max_lines: u64,
}

/// Finds where the last `lines` logical lines of `file` (of `size` bytes)
/// start.
pub fn find_start(file: &File, size: u64, lines: u64) -> io::Result<TailStart> {
    let mut scanner = BackwardScanner::new(file, size);
    let complete_end = match scanner.newline_before(size)? {
        Some(newline) => newline + 1,
        None => 0,
    };
    let mut start = TailStart {
        offset: complete_end,
        max_lines: lines,
    };
    if lines == 0 || complete_end == 0 {
        return Ok(start);
    }

    let mut logical = 0;
    let mut physical = 0;
    let mut line_end = complete_end;
    loop {
        let line_start = scanner.newline_before(line_end - 1)?.map_or(0, |nl| nl + 1);
        physical += 1;
        start.offset = line_start;
        if line_start == 0 || !previous_continues(file, line_start, &mut scanner)? {
            logical += 1;
            if logical == lines || line_start == 0 {
                break;
            }
        }
        line_end = line_start;
    }
    start.max_lines = physical + (lines - logical);
    Ok(start)
}

/// Returns whether the line that ends just before `line_start` is a fragment that
/// continues on the line starting there.
fn previous_continues(
    file: &File,
    line_start: u64,
    scanner: &mut BackwardScanner<'_>,
) -> io::Result<bool> {
    let previous_start = scanner
        .newline_before(line_start - 1)?
        .map_or(0, |nl| nl + 1);
    let length = line_start - previous_start;
    let prefix_length = length.min(PREFIX_BYTES);
    // The line was just searched, so it is usually in the block held.
    if let Some(prefix) = scanner.held(previous_start, prefix_length)
        && prefix.first() != Some(&b'{')
    {
        return Ok(continues_on_next_line(prefix));
    }
    let prefix = read_exact_at(file, previous_start, prefix_length)?;
    if prefix.first() == Some(&b'{') {
        if length > MAX_JSON_LINE {
            return Ok(false);
        }
        let whole = read_exact_at(file, previous_start, length)?;
        return Ok(continues_on_next_line(&whole));
    }
    Ok(continues_on_next_line(&prefix))
}

fn read_exact_at(file: &File, offset: u64, length: u64) -> io::Result<Vec<u8>> {
    let length = usize::try_from(length).map_err(io::Error::other)?;
    let mut bytes = vec![0; length];
    file.read_exact_at(&mut bytes, offset)?;
    Ok(bytes)
}

/// Finds newlines searching backwards, reading the file in blocks and
/// keeping the last block read.
struct BackwardScanner<'a> {
    file: &'a File,
    size: u64,
    block: Vec<u8>,
    /// File offset of `block[0]`.
    block_start: u64,
}

impl<'a> BackwardScanner<'a> {
    fn new(file: &'a File, size: u64) -> Self {
        BackwardScanner {
            file,
            size,
            block: Vec::new(),
            block_start: size,
        }
    }

    /// Finds the offset of the last `\n` before `end` (exclusive).
    fn newline_before(&mut self, end: u64) -> io::Result<Option<u64>> {
        let mut end = end.min(self.size);
        loop {
            if end == 0 {
                return Ok(None);
            }
            let block_end = self.block_start + self.block.len() as u64;
            if end <= self.block_start || end > block_end {
                self.load_block_ending_at(end)?;
            }
            let searched = &self.block[..(end - self.block_start) as usize];
            if let Some(index) = memchr::memrchr(b'\n', searched) {
                return Ok(Some(self.block_start + index as u64));
            }
            end = self.block_start;
        }
    }

    /// Returns the `length` bytes at `offset` when the block contains them.
    fn held(&self, offset: u64, length: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset.checked_sub(self.block_start)?).ok()?;
        let end = start.checked_add(usize::try_from(length).ok()?)?;
        self.block.get(start..end)
    }

    fn load_block_ending_at(&mut self, end: u64) -> io::Result<()> {
        let start = end.saturating_sub(BLOCK_SIZE);
        self.block = read_exact_at(self.file, start, end - start)?;
        self.block_start = start;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn start_of(content: &[u8], lines: u64) -> TailStart {
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(content).expect("write");
        find_start(&file, content.len() as u64, lines).expect("tail")
    }

    const FIXTURE: &str = "\
2024-01-01T00:00:00Z stdout F one
2024-01-01T00:00:01Z stdout P two-a 
2024-01-01T00:00:02Z stdout P two-b 
2024-01-01T00:00:03Z stdout F two-c
2024-01-01T00:00:04Z stdout F three
partial last";

    #[test]
    fn zero_lines_starts_after_last_newline() {
        let start = start_of(FIXTURE.as_bytes(), 0);
        assert_eq!(
            start.offset,
            FIXTURE.len() as u64 - "partial last".len() as u64
        );
    }

    #[test]
    fn last_line_skips_unterminated() {
        let start = start_of(FIXTURE.as_bytes(), 1);
        let offset = FIXTURE.find("2024-01-01T00:00:04Z").map(|i| i as u64);
        assert_eq!(Some(start.offset), offset);
        assert_eq!(start.max_lines, 1);
    }

    #[test]
    fn fragment_run_counts_once() {
        let start = start_of(FIXTURE.as_bytes(), 2);
        let offset = FIXTURE.find("2024-01-01T00:00:01Z").map(|i| i as u64);
        assert_eq!(Some(start.offset), offset);
        assert_eq!(start.max_lines, 4);
    }

    #[test]
    fn short_file_starts_at_zero() {
        let start = start_of(FIXTURE.as_bytes(), 10);
        assert_eq!(start.offset, 0);
        assert_eq!(start.max_lines, 5 + 7);
    }

    #[test]
    fn file_without_newline_starts_at_zero() {
        assert_eq!(start_of(b"no newline", 3).offset, 0);
    }

    #[test]
    fn empty_file_starts_at_zero() {
        assert_eq!(start_of(b"", 3).offset, 0);
    }

    #[test]
    fn counts_across_blocks() {
        let content: String = (0..100_000)
            .map(|n| format!("2024-01-01T00:00:00Z stdout F {n}\n"))
            .collect();
        let start = start_of(content.as_bytes(), 100);
        let offset = content.find(" stdout F 99900\n").map(|i| (i - 20) as u64);
        assert_eq!(Some(start.offset), offset);
    }

    #[test]
    fn long_fragments_across_blocks() {
        let chunk = "x".repeat(16 * 1024);
        let mut content = String::from("2024-01-01T00:00:00Z stdout F first\n");
        let long_start = content.len() as u64;
        for _ in 0..20 {
            content.push_str(&format!("2024-01-01T00:00:00Z stdout P {chunk}\n"));
        }
        content.push_str("2024-01-01T00:00:00Z stdout F end\n");
        let start = start_of(content.as_bytes(), 1);
        assert_eq!(start.offset, long_start);
        assert_eq!(start.max_lines, 21);
    }

    #[test]
    fn docker_partial_joins() {
        let content = concat!(
            r#"{"log":"a\n","stream":"stdout","time":"2016-10-20T18:39:20Z"}"#,
            "\n",
            r#"{"log":"b ","stream":"stdout","time":"2016-10-20T18:39:21Z"}"#,
            "\n",
            r#"{"log":"c\n","stream":"stdout","time":"2016-10-20T18:39:22Z"}"#,
            "\n",
        );
        let start = start_of(content.as_bytes(), 1);
        let offset = content.find(r#"{"log":"b "#).map(|i| i as u64);
        assert_eq!(Some(start.offset), offset);
    }

    #[test]
    fn garbage_lines_count_singly() {
        let content = "garbage\nmore garbage\n";
        assert_eq!(start_of(content.as_bytes(), 1).offset, 8);
    }
}
