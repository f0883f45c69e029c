//! Turns log lines into output: detects the file's format, parses each line,
//! applies `--since`, `--stream`, `-t` and `--limit-bytes`, and writes the
//! content to stdout or stderr by the stream it came from.
//!
//! Each stream's output is gathered in its own buffer and written in large
//! blocks. When both streams go to the same terminal, pipe or file, stderr
//! content is written to stdout instead, which ends up in the same place
//! and keeps the lines in file order without a write per stream switch.
//! Our own warnings still go to stderr.

use std::io::Write;

use super::parse::{Format, Message, ParseError, Stream, is_blank};
use super::plain::{self, Routing, Sinks};
use super::timestamp::Instant;
use super::{Error, Options};

/// Buffered output is written once it reaches this size.
const FLUSH_AT: usize = 64 * 1024;

/// Unparsable lines reported one by one; later ones are only counted.
const MAX_LINE_WARNINGS: u64 = 3;

/// The result of handling one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOutcome {
    /// The line parsed; it may still have been filtered out. `--tail`
    /// counts these lines, as crictl does.
    Parsed,
    /// The line was blank before the format was known, or did not parse.
    Skipped,
    /// `--limit-bytes` is used up, so reading stops.
    LimitReached,
}

/// One output stream and the bytes buffered for it.
struct Output<'w> {
    writer: &'w mut dyn Write,
    buffer: Vec<u8>,
    /// Whether the last byte written was `\n`, or nothing was written.
    at_line_start: bool,
}

impl Output<'_> {
    fn write_buffer(&mut self) -> Result<(), Error> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let mut buffer = std::mem::take(&mut self.buffer);
        let result = self.write_direct(&buffer);
        buffer.clear();
        self.buffer = buffer;
        result
    }

    fn write_direct(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Some(&last) = bytes.last() {
            self.at_line_start = last == b'\n';
        }
        self.writer.write_all(bytes).map_err(Error::Write)
    }

    fn flush(&mut self) -> Result<(), Error> {
        self.write_buffer()?;
        self.writer.flush().map_err(Error::Write)
    }
}

/// Writes parsed messages to the two output streams.
pub struct Printer<'w> {
    stdout: Output<'w>,
    stderr: Output<'w>,
    /// Whether stderr content goes to stdout; see
    /// [`Options::merge_streams`].
    merged: bool,
    path: String,
    timestamps: bool,
    since: Option<Instant>,
    only: Option<Stream>,
    remaining: Option<u64>,
    format: Option<Format>,
    /// Whether the last message ended its line, so the next one starts a
    /// new line and gets a `-t` prefix.
    at_line_start: bool,
    skipped: u64,
}

impl<'w> Printer<'w> {
    /// Creates a printer for the log file at `path` (named in warnings and
    /// errors).
    pub fn new(
        options: &Options,
        path: &str,
        stdout: &'w mut dyn Write,
        stderr: &'w mut dyn Write,
    ) -> Self {
        let output = |writer| Output {
            writer,
            buffer: Vec::with_capacity(FLUSH_AT + 64 * 1024),
            at_line_start: true,
        };
        Printer {
            stdout: output(stdout),
            stderr: output(stderr),
            merged: options.merge_streams,
            path: path.to_owned(),
            timestamps: options.timestamps,
            since: options.since,
            only: options.stream,
            remaining: options.limit_bytes,
            format: None,
            at_line_start: true,
            skipped: 0,
        }
    }

    /// Handles one physical line starting at byte `offset` of the file,
    /// with its `\n` if it has one.
    pub fn line(&mut self, line: &[u8], offset: u64) -> Result<LineOutcome, Error> {
        let format = match self.format {
            Some(format) => format,
            None if is_blank(line) => return Ok(LineOutcome::Skipped),
            None => {
                let format = Format::detect(line).ok_or_else(|| Error::UnsupportedFormat {
                    path: self.path.clone(),
                    line: String::from_utf8_lossy(line).into_owned(),
                })?;
                self.format = Some(format);
                format
            }
        };
        let message = match format.parse(line) {
            Ok(message) => message,
            Err(error) => {
                self.warn_skipped(line, offset, &error)?;
                return Ok(LineOutcome::Skipped);
            }
        };
        let outcome = self.print(&message, offset)?;
        self.at_line_start = message.content.last().is_none_or(|&byte| byte == b'\n');
        Ok(outcome)
    }

    fn print(&mut self, message: &Message<'_>, offset: u64) -> Result<LineOutcome, Error> {
        if let Some(since) = self.since
            && message.timestamp.instant() < since
        {
            return Ok(LineOutcome::Parsed);
        }
        let stream = match &message.stream {
            Ok(stream) => *stream,
            Err(name) => {
                return Err(Error::UnknownStream {
                    path: self.path.clone(),
                    offset,
                    stream: String::from_utf8_lossy(name).into_owned(),
                });
            }
        };
        if self.only.is_some_and(|only| only != stream) {
            return Ok(LineOutcome::Parsed);
        }

        let mut budget = self.remaining.unwrap_or(u64::MAX);
        let prefix = self.timestamps && self.at_line_start;
        let output = self.output(stream);
        if prefix {
            let mark = output.buffer.len();
            message.timestamp.format_into(&mut output.buffer);
            output.buffer.push(b' ');
            cut_to_budget(&mut output.buffer, mark, &mut budget);
        }
        let content = &message.content[..];
        let take = usize::try_from(budget).map_or(content.len(), |limit| content.len().min(limit));
        output.buffer.extend_from_slice(&content[..take]);
        budget -= take as u64;
        if output.buffer.len() >= FLUSH_AT {
            output.write_buffer()?;
        }

        if self.remaining.is_some() {
            self.remaining = Some(budget);
            if budget == 0 {
                return Ok(LineOutcome::LimitReached);
            }
        }
        Ok(LineOutcome::Parsed)
    }

    fn output(&mut self, stream: Stream) -> &mut Output<'w> {
        match stream {
            Stream::Stderr if !self.merged => &mut self.stderr,
            _ => &mut self.stdout,
        }
    }

    /// Handles a run of complete lines, each ending with `\n`, that starts
    /// at byte `offset` of the file, stopping after `max_lines` lines.
    /// Returns how many lines were handled, and whether `--limit-bytes` was
    /// used up. Lines of the plain shape take the fast path when the options
    /// allow it; the others go through [`Printer::line`].
    pub fn lines(
        &mut self,
        lines: &[u8],
        offset: u64,
        max_lines: u64,
    ) -> Result<(u64, bool), Error> {
        let mut done = 0;
        let mut handled = 0;
        while done < lines.len() && handled < max_lines {
            if let Some(routing) = self.plain_routing() {
                let mut sinks = Sinks {
                    stdout: &mut self.stdout.buffer,
                    stderr: &mut self.stderr.buffer,
                    routing,
                };
                let left = max_lines - handled;
                let copied = plain::copy_contents(&lines[done..], left, &mut sinks, FLUSH_AT);
                done += copied.consumed;
                handled += copied.lines;
                if copied.lines > 0 {
                    self.at_line_start = !copied.last_partial;
                }
                if self.stdout.buffer.len() >= FLUSH_AT || self.stderr.buffer.len() >= FLUSH_AT {
                    self.stdout.write_buffer()?;
                    self.stderr.write_buffer()?;
                    continue;
                }
                if done == lines.len() || handled == max_lines {
                    break;
                }
            }
            let end = memchr::memchr(b'\n', &lines[done..]).map_or(lines.len(), |at| done + at + 1);
            // Every line counts, skipped ones too, as `--tail` counted them.
            if self.line(&lines[done..end], offset + done as u64)? == LineOutcome::LimitReached {
                return Ok((handled + 1, true));
            }
            handled += 1;
            done = end;
        }
        Ok((handled, false))
    }

    /// Returns the routing for the plain path, when the options allow that
    /// path.
    pub fn plain_routing(&self) -> Option<Routing> {
        self.takes_plain_path().then(|| Routing {
            merged: self.merged,
            dropped: self.only.map(Stream::other),
        })
    }

    /// Writes content that the plain path copied elsewhere, after the
    /// content this printer has buffered.
    pub fn write_plain(&mut self, stdout: &[u8], stderr: &[u8]) -> Result<(), Error> {
        for (output, bytes) in [(&mut self.stdout, stdout), (&mut self.stderr, stderr)] {
            if !bytes.is_empty() {
                output.write_buffer()?;
                output.write_direct(bytes)?;
            }
        }
        Ok(())
    }

    /// Takes the file's format from elsewhere (its first line), for a read
    /// that starts in the middle of the file.
    pub fn assume_format(&mut self, format: Format) {
        self.format = Some(format);
    }

    /// Returns whether no option needs each line's time or a byte count, so that
    /// plain CRI lines can be copied without parsing them into messages.
    fn takes_plain_path(&self) -> bool {
        self.format == Some(Format::Cri)
            && !self.timestamps
            && self.since.is_none()
            && self.remaining.is_none()
    }

    /// Writes everything buffered and flushes both streams; `-f` calls this
    /// after each batch of lines so they show up at once.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.stdout.flush()?;
        self.stderr.flush()
    }

    /// Ends the output: reports how many unparsable lines went unreported,
    /// then flushes.
    pub fn finish(&mut self) -> Result<(), Error> {
        if self.skipped > MAX_LINE_WARNINGS {
            let message = format!(
                "skipped {} lines of {} in total because they could not be parsed",
                self.skipped, self.path
            );
            self.warn(&message)?;
        }
        self.flush()
    }

    /// Writes a warning line among the stderr output. With merged streams
    /// the content so far is written first, so the warning shows where the
    /// line it is about would be.
    pub fn warn(&mut self, message: &str) -> Result<(), Error> {
        let mut own_line = false;
        if self.merged {
            self.stdout.flush()?;
            // After an unterminated last line, the warning starts a line.
            own_line = !self.stdout.at_line_start;
        }
        let buffer = &mut self.stderr.buffer;
        if own_line {
            buffer.push(b'\n');
        }
        buffer.extend_from_slice(b"crictl: warning: ");
        buffer.extend_from_slice(message.as_bytes());
        buffer.push(b'\n');
        if self.merged {
            self.stderr.flush()?;
        }
        Ok(())
    }

    fn warn_skipped(&mut self, line: &[u8], offset: u64, error: &ParseError) -> Result<(), Error> {
        self.skipped += 1;
        if self.skipped > MAX_LINE_WARNINGS {
            return Ok(());
        }
        let preview = &line[..line.len().min(80)];
        let mut message = format!(
            "skipped the line at byte {offset} of {}: {error}: {:?}",
            self.path,
            String::from_utf8_lossy(preview)
        );
        if self.skipped == MAX_LINE_WARNINGS {
            message.push_str(" (further unparsable lines are skipped without a warning)");
        }
        self.warn(&message)
    }
}

/// Cuts the bytes added to `buffer` since `mark` to `budget` and reduces
/// the budget by what is kept.
fn cut_to_budget(buffer: &mut Vec<u8>, mark: usize, budget: &mut u64) {
    let added = buffer.len() - mark;
    let kept_bytes = usize::try_from(*budget).map_or(added, |limit| added.min(limit));
    buffer.truncate(mark + kept_bytes);
    *budget -= kept_bytes as u64;
}
