//! Reading container logs from the node's disk, as `crictl logs` does: the
//! runtime only reports where the file is, and the file is read here.
//!
//! [`print_log`] is the entry point: it opens the file, finds where
//! `--tail` starts, and either reads to the end or follows the file. The
//! pieces: [`parse`] and [`json`] turn a line into a message, [`timestamp`]
//! and [`since`] handle times, [`tail`] reads backwards for `--tail`,
//! [`printer`] writes messages out, [`reader`] reads lines and [`follow`]
//! waits for more across log rotation.

pub mod follow;
pub mod json;
pub mod newline;
pub mod parallel;
pub mod parse;
pub mod plain;
pub mod printer;
pub mod reader;
pub mod since;
pub mod tail;
pub mod timestamp;

use std::fs::File;
use std::future::Future;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub use parallel::Parallel;
pub use parse::Stream;
pub use timestamp::Instant;

use printer::Printer;
use reader::LineReader;

/// Selection and formatting of the lines printed from a log file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Print only the last this many lines (`--tail`).
    pub tail: Option<u64>,
    /// Drop lines stamped before this (`--since`).
    pub since: Option<Instant>,
    /// Prefix each line with its timestamp (`-t`).
    pub timestamps: bool,
    /// Stop after this many bytes of output (`--limit-bytes`).
    pub limit_bytes: Option<u64>,
    /// Print only this stream (`--stream`).
    pub stream: Option<Stream>,
    /// Keep printing new lines until the container stops (`-f`).
    pub follow: bool,
    /// Write stderr content to stdout, for when both lead to the same
    /// terminal, pipe or file: the lines then keep their file order without
    /// a write each time the stream changes.
    pub merge_streams: bool,
    /// The split of a long read without `--tail` among threads, or `None` to
    /// read on one thread.
    pub parallel: Option<Parallel>,
}

/// Source of whether the container whose log is followed still runs.
/// `logs -f` calls the runtime's `ContainerStatus`; tests return their own
/// state.
pub trait ContainerState {
    /// Returns whether the container is running; an error ends `-f`.
    fn is_running(&mut self) -> impl Future<Output = Result<bool, crate::error::Error>>;
}

/// Failure to print a log.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot resolve the log path {path}: {source}")]
    Resolve {
        path: String,
        #[source]
        source: io::Error,
    },

    #[error("cannot open the log file {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },

    #[error("reading the log file {path} failed: {source}")]
    Read {
        path: String,
        #[source]
        source: io::Error,
    },

    #[error("writing the log failed: {0}")]
    Write(#[source] io::Error),

    #[error("{path} is neither a CRI nor a Docker JSON log: its first line is {line:?}")]
    UnsupportedFormat { path: String, line: String },

    #[error(
        "the line at byte {offset} of {path} names the stream {stream:?}; expected stdout or stderr"
    )]
    UnknownStream {
        path: String,
        offset: u64,
        stream: String,
    },

    #[error("cannot watch {} for new log lines: {source}", .directory.display())]
    Watch {
        directory: PathBuf,
        #[source]
        source: notify::Error,
    },

    /// Checking whether the container still runs failed.
    #[error(transparent)]
    State(Box<crate::error::Error>),
}

/// Prints the log at `path` to `stdout` and `stderr` by each line's stream.
///
/// With `options.follow`, keeps printing new lines until `state` reports
/// the container stopped or `stop` resolves (the user pressed Ctrl-C).
pub async fn print_log<S: ContainerState>(
    path: &Path,
    options: &Options,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    state: &mut S,
    stop: impl Future<Output = ()>,
) -> Result<(), Error> {
    // Symlinks are resolved first so that the directory watched for
    // rotation is the one the file really lives in (cri-dockerd links the
    // CRI log path to Docker's own file).
    let resolved = std::fs::canonicalize(path).map_err(|source| Error::Resolve {
        path: path.display().to_string(),
        source,
    })?;
    let name = resolved.display().to_string();
    let file = File::open(&resolved).map_err(|source| Error::Open {
        path: name.clone(),
        source,
    })?;
    let read_error = |source| Error::Read {
        path: name.clone(),
        source,
    };

    let (offset, max_lines) = match options.tail {
        Some(lines) => {
            let size = file.metadata().map_err(read_error)?.len();
            let start = tail::find_start(&file, size, lines).map_err(read_error)?;
            (start.offset, Some(start.max_lines))
        }
        None => (0, None),
    };
    let mut printer = Printer::new(options, &name, stdout, stderr);
    if offset > 0
        && let Some(format) = format_at_start(&file)
    {
        // `--tail` may start on a line of neither format; the file's first
        // line decides, as it does for a whole read.
        printer.assume_format(format);
    }
    if options.follow {
        return follow::follow(&resolved, file, offset, &mut printer, state, stop).await;
    }
    let mut reader = LineReader::new(file, offset);
    reader::read_to_end(
        &mut reader,
        max_lines,
        options.parallel,
        &mut printer,
        &name,
    )
}

/// Detects the format from the first line of the file that is not blank,
/// looking at its first 4 KiB, where a CRI line's prefix always is.
fn format_at_start(file: &File) -> Option<parse::Format> {
    use std::os::unix::fs::FileExt;
    let mut head = vec![0; 4 * 1024];
    let length = file.read_at(&mut head, 0).ok()?;
    head[..length]
        .split_inclusive(|&byte| byte == b'\n')
        .find(|line| !parse::is_blank(line))
        .and_then(parse::Format::detect)
}

/// Builds the path of the log of the container's previous instance. Its
/// name is the attempt number one lower, in the same directory and with the
/// same extension: `…/ctr/3.log` gives `…/ctr/2.log`, and a name without an
/// extension gives just the number.
pub fn previous_log_path(log_path: &str, attempt: u32) -> Option<String> {
    let previous = attempt.checked_sub(1)?;
    let (directory, file_name) = match log_path.rfind('/') {
        Some(slash) => log_path.split_at(slash + 1),
        None => ("", log_path),
    };
    let extension = file_name.rfind('.').map_or("", |dot| &file_name[dot..]);
    Some(format!("{directory}{previous}{extension}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_path_keeps_extension() {
        assert_eq!(
            previous_log_path("/var/log/pods/ns_pod_uid/busybox/2.log", 2),
            Some("/var/log/pods/ns_pod_uid/busybox/1.log".to_owned())
        );
    }

    #[test]
    fn previous_path_without_extension() {
        assert_eq!(
            previous_log_path("/tmp/p/busybox", 2),
            Some("/tmp/p/1".to_owned())
        );
    }

    #[test]
    fn previous_path_ignores_dotted_directory() {
        assert_eq!(
            previous_log_path("/var/log.d/ctr/name", 3),
            Some("/var/log.d/ctr/2".to_owned())
        );
    }

    #[test]
    fn previous_path_needs_attempt() {
        assert_eq!(previous_log_path("/var/log/x/0.log", 0), None);
    }

    #[test]
    fn previous_path_bare_name() {
        assert_eq!(previous_log_path("3.log", 3), Some("2.log".to_owned()));
    }
}
