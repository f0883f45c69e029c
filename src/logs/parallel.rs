//! Reading a large CRI log on several threads. The file is cut into
//! chunks. Each worker thread reads every n-th chunk and copies the content
//! of its plain lines (see [`super::plain`]) into buffers of its own, and
//! this thread writes the chunks out in file order. Lines the plain path
//! does not take are handed back with the chunk and go through the general
//! parser here, in their place, so warnings and errors come out as they
//! would from one thread.
//!
//! A chunk owns the lines that start inside it and reads past its end to
//! finish the last of them. Work stops at the last newline before the size
//! the file had at the start. What comes after (a line being written, or
//! lines added since) is left to the caller's sequential reader.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::Error;
use super::plain::{self, Routing, Sinks};
use super::printer::Printer;
use super::reader::{LineReader, Next};

/// Bytes of file per chunk.
const CHUNK_SIZE: usize = 1024 * 1024;

/// Bytes each worker reads at a time: small enough to stay in the core's
/// cache between the read and the copy.
const READ_SIZE: usize = 64 * 1024;

/// Files smaller than this are read on one thread: starting threads costs
/// more than it saves.
const MIN_PARALLEL_BYTES: u64 = 16 * 1024 * 1024;

/// Maximum number of worker threads, whatever the number of cores: past
/// two, the writing thread is the limit.
const MAX_WORKERS: usize = 4;

/// One chunk's work, handed from a worker to the writing thread.
#[derive(Default)]
struct Piece {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// Lines left to the general parser, in file order, and their bytes.
    odd: Vec<OddLine>,
    odd_bytes: Vec<u8>,
    /// File offset just past the chunk's last line, when it owns any.
    end: Option<u64>,
}

/// A line the plain path did not take: where its bytes are in
/// `Piece::odd_bytes`, its file offset, and how much content of each
/// stream comes before it.
struct OddLine {
    bytes: Range<usize>,
    offset: u64,
    stdout_before: usize,
    stderr_before: usize,
}

/// When and how a plain read is split among threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallel {
    pub workers: usize,
    /// Reads of fewer bytes stay on one thread.
    pub min_bytes: u64,
    pub chunk_size: usize,
}

impl Parallel {
    /// Returns the split for this machine, or `None` with a single core.
    pub fn for_this_machine() -> Option<Parallel> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        (cores >= 2).then(|| Parallel {
            workers: cores.min(MAX_WORKERS),
            min_bytes: MIN_PARALLEL_BYTES,
            chunk_size: CHUNK_SIZE,
        })
    }
}

/// Prints the complete lines of `file` from `begin` (the start of a line)
/// to the last newline before `size`, split as `split` sets out. Returns the
/// offset where printing stopped, the start of the first line not printed.
pub fn print_range(
    file: &File,
    (begin, size): (u64, u64),
    split: Parallel,
    routing: Routing,
    printer: &mut Printer<'_>,
    path: &str,
) -> Result<u64, Error> {
    let workers = split.workers.max(1);
    let chunk_size = split.chunk_size.max(1) as u64;
    let chunks = (size.saturating_sub(begin)).div_ceil(chunk_size);
    let read_error = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    std::thread::scope(|scope| {
        let mut results = Vec::with_capacity(workers);
        for first in 0..workers {
            // Two pieces in flight per worker, and their buffers come back
            // for reuse, so memory stays flat whatever the file's size.
            let (done, results_rx) = sync_channel::<io::Result<Piece>>(1);
            let (recycle, spare) = sync_channel::<Piece>(2);
            let job = Job {
                file,
                begin,
                size,
                chunk_size,
                routing,
            };
            scope.spawn(move || job.run(first as u64, workers as u64, chunks, &done, &spare));
            results.push((results_rx, recycle));
        }

        let mut position = begin;
        for index in 0..chunks {
            let (results_rx, recycle) = &results[(index % workers as u64) as usize];
            let Ok(piece) = results_rx.recv() else {
                break;
            };
            let piece = piece.map_err(read_error)?;
            write_piece(&piece, printer)?;
            if let Some(end) = piece.end {
                position = end;
            }
            // A worker that has finished no longer takes buffers back.
            let _ = recycle.try_send(piece);
        }
        Ok(position)
    })
}

/// Writes one piece: the plain content up to each odd line, then that line
/// through the general parser.
fn write_piece(piece: &Piece, printer: &mut Printer<'_>) -> Result<(), Error> {
    let (mut stdout_at, mut stderr_at) = (0, 0);
    for odd in &piece.odd {
        printer.write_plain(
            &piece.stdout[stdout_at..odd.stdout_before],
            &piece.stderr[stderr_at..odd.stderr_before],
        )?;
        printer.line(&piece.odd_bytes[odd.bytes.clone()], odd.offset)?;
        (stdout_at, stderr_at) = (odd.stdout_before, odd.stderr_before);
    }
    printer.write_plain(&piece.stdout[stdout_at..], &piece.stderr[stderr_at..])
}

/// The settings every worker shares.
#[derive(Clone, Copy)]
struct Job<'f> {
    file: &'f File,
    begin: u64,
    size: u64,
    chunk_size: u64,
    routing: Routing,
}

impl Job<'_> {
    /// Works through chunks `first`, `first + step`, … below `chunks`,
    /// until they are done or the writing thread stops listening.
    fn run(
        self,
        first: u64,
        step: u64,
        chunks: u64,
        done: &SyncSender<io::Result<Piece>>,
        spare: &Receiver<Piece>,
    ) {
        let file = match self.file.try_clone() {
            Ok(file) => file,
            Err(error) => {
                let _ = done.send(Err(error));
                return;
            }
        };
        let mut reader = LineReader::with_read_size(file, self.begin, READ_SIZE);
        let mut index = first;
        while index < chunks {
            let mut piece = spare.try_recv().unwrap_or_default();
            let result = self.chunk(index, &mut reader, &mut piece).map(|()| piece);
            let failed = result.is_err();
            if done.send(result).is_err() || failed {
                return;
            }
            index += step;
        }
    }

    /// Copies the plain lines of chunk `index` into `piece`.
    fn chunk(&self, index: u64, reader: &mut LineReader, piece: &mut Piece) -> io::Result<()> {
        piece.stdout.clear();
        piece.stderr.clear();
        piece.odd.clear();
        piece.odd_bytes.clear();
        piece.end = None;

        let start = self.begin + index * self.chunk_size;
        let end = (start + self.chunk_size).min(self.size);
        if index == 0 {
            reader.seek(start);
        } else {
            // The line containing the byte before the chunk belongs to the
            // chunk before, so this chunk's lines start after it.
            reader.seek(start - 1);
            if !matches!(reader.next_line()?, Next::Line(..)) {
                return Ok(());
            }
        }

        let mut position = reader.consumed();
        while position < end {
            let Next::Line(offset, lines) = reader.next_lines()? else {
                break;
            };
            // Only lines that start before the chunk's end are its own.
            let own = match usize::try_from(end - offset) {
                Ok(limit) if limit < lines.len() => memchr::memchr(b'\n', &lines[limit - 1..])
                    .map_or(lines.len(), |newline| limit + newline),
                _ => lines.len(),
            };
            copy_lines(piece, &lines[..own], offset, self.routing);
            position = offset + own as u64;
            if own < lines.len() {
                break;
            }
        }

        if position > start {
            piece.end = Some(position);
        }
        Ok(())
    }
}

/// Copies the plain lines of `lines`, which start at file offset `offset`,
/// into the piece's buffers, and keeps the others for the general parser.
fn copy_lines(piece: &mut Piece, lines: &[u8], offset: u64, routing: Routing) {
    let mut at = 0;
    while at < lines.len() {
        let mut sinks = Sinks {
            stdout: &mut piece.stdout,
            stderr: &mut piece.stderr,
            routing,
        };
        let copied = plain::copy_contents(&lines[at..], u64::MAX, &mut sinks, usize::MAX);
        at += copied.consumed;
        if at < lines.len() {
            let line_end =
                memchr::memchr(b'\n', &lines[at..]).map_or(lines.len(), |newline| at + newline + 1);
            let odd_start = piece.odd_bytes.len();
            piece.odd_bytes.extend_from_slice(&lines[at..line_end]);
            piece.odd.push(OddLine {
                bytes: odd_start..piece.odd_bytes.len(),
                offset: offset + at as u64,
                stdout_before: piece.stdout.len(),
                stderr_before: piece.stderr.len(),
            });
            at = line_end;
        }
    }
}
