//! `logs -f`: print new lines as the runtime writes them, across log
//! rotation, until the container stops running.
//!
//! An inotify watch on the log's directory wakes the loop on any change, and
//! a timer wakes it at least every [`POLL_INTERVAL`] in case an event was
//! missed. Each wake-up reads to the end of the file and then checks:
//! - a different file at the path (rename-and-create rotation, as kubelet
//!   and Docker rotate): the old file is read to its end first, then the
//!   new one from its start;
//! - a truncated file (copytruncate rotation, as logrotate does it): the
//!   lines written between the last read and the truncation are read from
//!   the rotated copy beside the log when one matches. Then the file is
//!   read again from its start.
//!
//! An unterminated last line stays unprinted until its newline arrives.

use std::fs::{self, File};
use std::future::Future;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tracing::debug;

use super::printer::{LineOutcome, Printer};
use super::reader::{LineReader, Next};
use super::{ContainerState, Error};

/// Maximum wait for a change before the file is read again, and the
/// minimum time between two container status checks. A container that
/// stops is noticed within about this long.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The reason following ended without an error.
enum Ended {
    /// `--limit-bytes` is used up.
    LimitReached,
    /// There was nothing more to read.
    Drained,
}

/// Follows the log at `path`, already open as `file`, from `offset`, until
/// `state` reports the container stopped or `stop` resolves.
pub async fn follow<S: ContainerState>(
    path: &Path,
    file: File,
    offset: u64,
    printer: &mut Printer<'_>,
    state: &mut S,
    stop: impl Future<Output = ()>,
) -> Result<(), Error> {
    let directory = path.parent().unwrap_or(Path::new("/")).to_owned();
    let (sender, mut changes) = mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // The event's details do not matter: any change means read again.
        let _ = sender.send(event.map(drop).map_err(|error| error.to_string()));
    })
    .map_err(|source| Error::Watch {
        directory: directory.clone(),
        source,
    })?;
    watcher
        .watch(&directory, RecursiveMode::NonRecursive)
        .map_err(|source| Error::Watch {
            directory: directory.clone(),
            source,
        })?;

    let mut log = FollowedFile::new(path, file, offset);
    let mut stop = pin!(stop);
    let mut exited = false;
    let mut last_check: Option<tokio::time::Instant> = None;
    loop {
        if let Ended::LimitReached = log.catch_up(printer)? {
            return printer.finish();
        }
        printer.flush()?;
        if exited {
            log.print_fragment(printer)?;
            return printer.finish();
        }

        let now = tokio::time::Instant::now();
        if last_check.is_none_or(|at| now - at >= POLL_INTERVAL) {
            last_check = Some(now);
            if !state
                .is_running()
                .await
                .map_err(|error| Error::State(Box::new(error)))?
            {
                // Read once more for lines written just before the exit.
                exited = true;
                continue;
            }
        }
        tokio::select! {
            biased;
            () = &mut stop => return printer.finish(),
            change = changes.recv() => {
                if let Some(Err(message)) = change {
                    debug!(error = %message, "file watch error; relying on the timer");
                }
                while changes.try_recv().is_ok() {}
            }
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
}

/// The log file being followed, and how to get from one file at its path
/// to the next.
struct FollowedFile {
    path: PathBuf,
    name: String,
    reader: LineReader,
}

impl FollowedFile {
    fn new(path: &Path, file: File, offset: u64) -> Self {
        FollowedFile {
            path: path.to_owned(),
            name: path.display().to_string(),
            reader: LineReader::new(file, offset),
        }
    }

    /// Prints everything written so far, following rotations.
    fn catch_up(&mut self, printer: &mut Printer<'_>) -> Result<Ended, Error> {
        loop {
            match self.drain(printer)? {
                Drained::LimitReached => return Ok(Ended::LimitReached),
                Drained::Truncated { position, sample } => {
                    if let Ended::LimitReached =
                        self.recover_truncated(position, &sample, printer)?
                    {
                        return Ok(Ended::LimitReached);
                    }
                    continue;
                }
                Drained::End => {}
            }
            let Some(next) = self.replacement()? else {
                return Ok(Ended::Drained);
            };
            // Lines the runtime wrote to the old file before switching are
            // all there now; an unterminated one is never going to finish.
            // NOTE: a file rotated away and replaced again before this read
            // is never opened, so its lines are missing from the output.
            if let Drained::LimitReached = self.drain(printer)? {
                return Ok(Ended::LimitReached);
            }
            if self.print_fragment(printer)? == LineOutcome::LimitReached {
                return Ok(Ended::LimitReached);
            }
            debug!(path = %self.name, "log file replaced; reading the new one");
            self.reader = LineReader::new(next, 0);
        }
    }

    /// Prints the complete lines from the read position to the end.
    fn drain(&mut self, printer: &mut Printer<'_>) -> Result<Drained, Error> {
        loop {
            let next = self.reader.next_line().map_err(|source| Error::Read {
                path: self.name.clone(),
                source,
            })?;
            match next {
                Next::Line(offset, line) => {
                    if printer.line(line, offset)? == LineOutcome::LimitReached {
                        return Ok(Drained::LimitReached);
                    }
                }
                Next::End => return Ok(Drained::End),
                Next::Truncated { position, sample } => {
                    return Ok(Drained::Truncated { position, sample });
                }
            }
        }
    }

    /// Prints an unterminated last line as it is.
    fn print_fragment(&mut self, printer: &mut Printer<'_>) -> Result<LineOutcome, Error> {
        if self.reader.fragment().is_empty() {
            return Ok(LineOutcome::Skipped);
        }
        let offset = self.reader.consumed();
        printer.line(self.reader.fragment(), offset)
    }

    /// Opens the file now at the path when it is not the one being read.
    fn replacement(&self) -> Result<Option<File>, Error> {
        let Ok(current) = fs::metadata(&self.path) else {
            // Renamed away and not yet recreated: keep reading the old file.
            return Ok(None);
        };
        let open = self
            .reader
            .file()
            .metadata()
            .map_err(|source| Error::Read {
                path: self.name.clone(),
                source,
            })?;
        if (current.dev(), current.ino()) == (open.dev(), open.ino()) {
            return Ok(None);
        }
        match File::open(&self.path) {
            Ok(file) => Ok(Some(file)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Open {
                path: self.name.clone(),
                source,
            }),
        }
    }

    /// After the file shrank under the reader: prints the lines that were
    /// cut off from the rotated copy, then starts the file again at 0.
    fn recover_truncated(
        &mut self,
        position: u64,
        sample: &[u8],
        printer: &mut Printer<'_>,
    ) -> Result<Ended, Error> {
        let consumed = self.reader.consumed();
        let copy = find_rotated_copy(&self.path, position, sample);
        let file = self
            .reader
            .file()
            .try_clone()
            .map_err(|source| Error::Read {
                path: self.name.clone(),
                source,
            })?;
        match copy {
            Some((copy_path, copy_file)) => {
                debug!(path = %self.name, copy = %copy_path.display(), "log file truncated; reading the cut-off lines from its copy");
                let mut from_copy = FollowedFile {
                    path: copy_path.clone(),
                    name: copy_path.display().to_string(),
                    reader: LineReader::new(copy_file, consumed),
                };
                if let Drained::LimitReached = from_copy.drain(printer)? {
                    return Ok(Ended::LimitReached);
                }
                if from_copy.print_fragment(printer)? == LineOutcome::LimitReached {
                    return Ok(Ended::LimitReached);
                }
            }
            None => printer.warn(&format!(
                "{} was truncated and no rotated copy of it was found beside it; reading it again from the start, so lines written after byte {consumed} and before the truncation may be missing",
                self.name
            ))?,
        }
        self.reader = LineReader::new(file, 0);
        Ok(Ended::Drained)
    }
}

/// The outcome of [`FollowedFile::drain`].
enum Drained {
    End,
    LimitReached,
    Truncated { position: u64, sample: Vec<u8> },
}

/// Finds the copy a copytruncate rotation left beside `path`: a file in the
/// same directory whose name starts with the log's name, at least
/// `position` bytes long, holding `sample` just before `position`. The most
/// recently modified match wins.
fn find_rotated_copy(path: &Path, position: u64, sample: &[u8]) -> Option<(PathBuf, File)> {
    let directory = path.parent()?;
    let name = path.file_name()?.to_str()?;
    let mut best: Option<(std::time::SystemTime, PathBuf, File)> = None;
    for entry in fs::read_dir(directory).ok()?.flatten() {
        let file_name = entry.file_name();
        let Some(candidate) = file_name.to_str() else {
            continue;
        };
        if candidate == name || !candidate.starts_with(name) {
            continue;
        }
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if !metadata.is_file() || metadata.len() < position {
            continue;
        }
        let Ok(file) = File::open(entry.path()) else {
            continue;
        };
        let mut bytes = vec![0; sample.len()];
        let offset = position - sample.len() as u64;
        if file.read_exact_at(&mut bytes, offset).is_err() || bytes != sample {
            continue;
        }
        let modified = metadata.modified().unwrap_or(std::time::UNIX_EPOCH);
        if best.as_ref().is_none_or(|(time, _, _)| modified > *time) {
            best = Some((modified, entry.path(), file));
        }
    }
    best.map(|(_, path, file)| (path, file))
}
