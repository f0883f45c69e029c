//! Reading a log file line by line with one large buffer, and the plain
//! (not following) read from a start offset to the end of the file.
//!
//! Lines are handed out as slices of the buffer, so the common case copies
//! nothing; a line longer than the buffer grows it. Each read also re-reads
//! the last bytes already seen and compares them, which notices a file that
//! was truncated or rewritten under the reader (copytruncate rotation)
//! without a separate system call.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use super::Error;
use super::parallel::{self, Parallel};
use super::printer::Printer;

/// Initial buffer size, and the maximum one read requests.
const BUFFER_SIZE: usize = 256 * 1024;

/// Bytes before the read position that each read fetches again to check
/// that the file still contains what was read.
const CHECK_BYTES: usize = 64;

/// The result of [`LineReader::next_line`].
#[derive(Debug, PartialEq, Eq)]
pub enum Next<'a> {
    /// A complete line, with its `\n`, starting at this file offset.
    Line(u64, &'a [u8]),
    /// No complete line is left; an unterminated fragment may be.
    End,
    /// The bytes before the read position changed or the file shrank
    /// below it: the file was truncated. `sample` is what the reader had
    /// seen just before `position`.
    Truncated { position: u64, sample: Vec<u8> },
}

/// A line reader over a file, from a starting offset.
pub struct LineReader {
    file: File,
    /// File offset of `buffer[0]`.
    base: u64,
    buffer: Vec<u8>,
    /// First byte not yet handed out as a line.
    start: usize,
    /// End of the bytes read.
    end: usize,
    /// `buffer[start..searched]` contains no newline.
    searched: usize,
    /// Bytes the buffer starts with, and the maximum one read requests.
    read_size: usize,
}

impl LineReader {
    pub fn new(file: File, offset: u64) -> Self {
        Self::with_read_size(file, offset, BUFFER_SIZE)
    }

    /// As [`LineReader::new`], reading up to `read_size` bytes at a time.
    pub fn with_read_size(file: File, offset: u64, read_size: usize) -> Self {
        LineReader {
            file,
            base: offset,
            buffer: vec![0; read_size],
            start: 0,
            end: 0,
            searched: 0,
            read_size,
        }
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    /// File offset of the first byte not yet handed out as a line.
    pub fn consumed(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Returns the bytes after the last complete line: an unterminated
    /// fragment.
    pub fn fragment(&self) -> &[u8] {
        &self.buffer[self.start..self.end]
    }

    /// Returns the next complete line, reading more of the file as needed.
    pub fn next_line(&mut self) -> io::Result<Next<'_>> {
        let newline = loop {
            let unsearched = &self.buffer[self.searched..self.end];
            if let Some(index) = memchr::memchr(b'\n', unsearched) {
                break self.searched + index;
            }
            self.searched = self.end;
            match self.fill()? {
                Fill::Read => {}
                Fill::End => return Ok(Next::End),
                Fill::Truncated { sample } => {
                    let position = self.base + self.end as u64;
                    return Ok(Next::Truncated { position, sample });
                }
            }
        };
        let line_start = self.start;
        self.start = newline + 1;
        self.searched = self.start;
        let offset = self.base + line_start as u64;
        Ok(Next::Line(offset, &self.buffer[line_start..=newline]))
    }

    /// Moves to `offset`, dropping the bytes held.
    pub fn seek(&mut self, offset: u64) {
        self.base = offset;
        self.start = 0;
        self.end = 0;
        self.searched = 0;
    }

    /// Returns every complete line held, reading more of the file when
    /// none is: one or more lines, each with its `\n`, starting at the
    /// given file offset.
    pub fn next_lines(&mut self) -> io::Result<Next<'_>> {
        let first_length = match self.next_line()? {
            Next::Line(_, line) => line.len(),
            Next::End => return Ok(Next::End),
            Next::Truncated { position, sample } => {
                return Ok(Next::Truncated { position, sample });
            }
        };
        // Reading may have moved the bytes held, so the line is found from
        // where the reader is now.
        let first_start = self.start - first_length;
        if let Some(last) = memchr::memrchr(b'\n', &self.buffer[self.start..self.end]) {
            self.start += last + 1;
            self.searched = self.start;
        }
        let offset = self.base + first_start as u64;
        Ok(Next::Line(offset, &self.buffer[first_start..self.start]))
    }

    /// Reads more of the file after the bytes held, checking that the last
    /// bytes held are still in the file.
    fn fill(&mut self) -> io::Result<Fill> {
        self.make_room();
        let check = self.end.min(CHECK_BYTES);
        let check_start = self.end - check;
        let mut sample = [0u8; CHECK_BYTES];
        sample[..check].copy_from_slice(&self.buffer[check_start..self.end]);

        let offset = self.base + check_start as u64;
        let count = read_at_retrying(&self.file, &mut self.buffer[check_start..], offset)?;
        if count < check || self.buffer[check_start..self.end] != sample[..check] {
            self.buffer[check_start..self.end].copy_from_slice(&sample[..check]);
            return Ok(Fill::Truncated {
                sample: sample[..check].to_vec(),
            });
        }
        if count == check {
            return Ok(Fill::End);
        }
        self.end = check_start + count;
        Ok(Fill::Read)
    }

    /// Moves the unconsumed bytes, and the check bytes before them, to the
    /// front of the buffer, and grows it when a line fills it.
    fn make_room(&mut self) {
        if self.buffer.len() - self.end >= self.read_size / 4 {
            return;
        }
        let keep_from = self.start.saturating_sub(CHECK_BYTES);
        if keep_from > 0 {
            self.buffer.copy_within(keep_from..self.end, 0);
            self.base += keep_from as u64;
            self.start -= keep_from;
            self.searched -= keep_from;
            self.end -= keep_from;
        }
        if self.buffer.len() - self.end < self.read_size / 4 {
            let grown = self.buffer.len() * 2;
            self.buffer.resize(grown, 0);
        }
    }
}

enum Fill {
    Read,
    End,
    Truncated { sample: Vec<u8> },
}

fn read_at_retrying(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        match file.read_at(buffer, offset) {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}

/// Prints the lines from `reader`'s position to the end of the file.
///
/// With `max_lines`, stops after that many lines parsed, which is how
/// `--tail` leaves out lines written after it picked its start. A last line
/// without `\n` is printed too unless the limit was reached first.
///
/// With `parallel`, a long plain read without a line limit is split among
/// threads once the first lines have settled the file's format.
pub fn read_to_end(
    reader: &mut LineReader,
    max_lines: Option<u64>,
    parallel: Option<Parallel>,
    printer: &mut Printer<'_>,
    path: &str,
) -> Result<(), Error> {
    let read_error = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let mut left = max_lines.unwrap_or(u64::MAX);
    let mut parallel = parallel.filter(|_| max_lines.is_none());
    while left > 0 {
        let (offset, lines) = match reader.next_lines().map_err(read_error)? {
            Next::Line(offset, lines) => (offset, lines),
            Next::End => break,
            Next::Truncated { .. } => {
                // The bytes the reader contains may be from the old content,
                // so they are not printed as a last line.
                printer.warn(&format!(
                    "{path} was truncated while it was read; the rest of it is not printed"
                ))?;
                return printer.finish();
            }
        };
        let (parsed, limit_reached) = printer.lines(lines, offset, left)?;
        if limit_reached {
            return printer.finish();
        }
        left -= parsed;

        if let Some(split) = parallel.take()
            && let Some(routing) = printer.plain_routing()
        {
            let size = reader.file().metadata().map_err(read_error)?.len();
            let begin = reader.consumed();
            if size.saturating_sub(begin) >= split.min_bytes {
                let range = (begin, size);
                let end =
                    parallel::print_range(reader.file(), range, split, routing, printer, path)?;
                reader.seek(end);
            }
        }
    }
    if left > 0 && !reader.fragment().is_empty() {
        let offset = reader.consumed();
        printer.line(reader.fragment(), offset)?;
    }
    printer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn reader_over(content: &[u8], offset: u64) -> (tempfile::NamedTempFile, LineReader) {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(content).expect("write");
        let handle = file.reopen().expect("reopen");
        (file, LineReader::new(handle, offset))
    }

    fn collect(reader: &mut LineReader) -> Vec<(u64, Vec<u8>)> {
        let mut lines = Vec::new();
        while let Ok(Next::Line(offset, line)) = reader.next_line() {
            lines.push((offset, line.to_vec()));
        }
        lines
    }

    #[test]
    fn splits_lines_with_offsets() {
        let (_file, mut reader) = reader_over(b"a\nbb\nccc", 0);
        let lines = collect(&mut reader);
        assert_eq!(lines, vec![(0, b"a\n".to_vec()), (2, b"bb\n".to_vec())]);
        assert_eq!(reader.fragment(), b"ccc");
        assert_eq!(reader.consumed(), 5);
    }

    #[test]
    fn starts_at_offset() {
        let (_file, mut reader) = reader_over(b"a\nbb\n", 2);
        assert_eq!(collect(&mut reader), vec![(2, b"bb\n".to_vec())]);
    }

    #[test]
    fn long_line_grows_buffer() {
        let mut content = vec![b'x'; BUFFER_SIZE * 3 + 17];
        content.push(b'\n');
        content.extend_from_slice(b"next\n");
        let (_file, mut reader) = reader_over(&content, 0);
        let lines = collect(&mut reader);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].1.len(), BUFFER_SIZE * 3 + 18);
        assert_eq!(
            lines[1],
            ((BUFFER_SIZE * 3 + 18) as u64, b"next\n".to_vec())
        );
    }

    #[test]
    fn many_lines_across_refills() {
        let content: Vec<u8> = (0..100_000)
            .flat_map(|n| format!("{n}\n").into_bytes())
            .collect();
        let (_file, mut reader) = reader_over(&content, 0);
        let lines = collect(&mut reader);
        assert_eq!(lines.len(), 100_000);
        assert_eq!(lines[99_999].1, b"99999\n".to_vec());
    }

    #[test]
    fn fragment_completed_later() {
        let (file, mut reader) = reader_over(b"one\ntw", 0);
        assert_eq!(collect(&mut reader).len(), 1);
        let mut append = std::fs::OpenOptions::new()
            .append(true)
            .open(file.path())
            .expect("open");
        append.write_all(b"o\n").expect("append");
        assert_eq!(collect(&mut reader), vec![(4, b"two\n".to_vec())]);
    }

    #[test]
    fn truncation_detected() {
        let (file, mut reader) = reader_over(b"one\ntwo\n", 0);
        assert_eq!(collect(&mut reader).len(), 2);
        std::fs::write(file.path(), b"").expect("truncate");
        assert!(matches!(
            reader.next_line(),
            Ok(Next::Truncated { position: 8, .. })
        ));
    }

    #[test]
    fn truncation_while_reading_prints_no_fragment() {
        use crate::logs::Options;
        let content: String = (0..20)
            .map(|n| format!("2026-01-01T00:00:00Z stdout F line {n:02}\n"))
            .collect();
        let (file, _) = reader_over(content.as_bytes(), 0);
        let mut reader = LineReader::with_read_size(file.reopen().expect("reopen"), 0, 128);
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut printer = Printer::new(&Options::default(), "test.log", &mut stdout, &mut stderr);
        let Ok(Next::Line(offset, lines)) = reader.next_lines() else {
            panic!("first lines");
        };
        let lines = lines.to_vec();
        printer.lines(&lines, offset, u64::MAX).expect("print");
        std::fs::write(file.path(), b"2026-01-01T00:00:09Z stdout F new\n").expect("truncate");
        read_to_end(&mut reader, None, None, &mut printer, "test.log").expect("read");
        drop(printer);
        let printed = String::from_utf8_lossy(&stdout).into_owned();
        assert!(printed.starts_with("line 00\n"), "{printed}");
        assert!(printed.lines().all(|line| line.len() == 7), "{printed}");
        assert!(
            String::from_utf8_lossy(&stderr).contains("was truncated while it was read"),
            "{}",
            String::from_utf8_lossy(&stderr)
        );
    }

    #[test]
    fn rewrite_past_position_detected() {
        let (file, mut reader) = reader_over(b"one\ntwo\n", 0);
        assert_eq!(collect(&mut reader).len(), 2);
        std::fs::write(file.path(), b"three\nfour\nfive\n").expect("rewrite");
        assert!(matches!(reader.next_line(), Ok(Next::Truncated { .. })));
    }
}
