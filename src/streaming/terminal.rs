//! The local terminal during a TTY session: raw mode restored on every way
//! out, window sizes and their changes, the stdin reader, and the
//! ctrl-p ctrl-q detach sequence.

use std::io::Read;
use std::sync::{Mutex, Once};

use bytes::Bytes;
use rustix::fd::BorrowedFd;
use rustix::termios::{self, OptionalActions, Termios};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

/// Bytes read from stdin at a time.
const STDIN_CHUNK: usize = 32 * 1024;
/// Ctrl-P, the first key of the detach sequence.
const CTRL_P: u8 = 0x10;
/// Ctrl-Q, the second key of the detach sequence.
const CTRL_Q: u8 = 0x11;

/// The settings to put back if the process panics in raw mode. With
/// `panic = "abort"` no destructor runs, so the panic hook restores them.
static SAVED: Mutex<Option<Termios>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// Returns whether stdin is a terminal.
pub fn stdin_is_terminal() -> bool {
    termios::isatty(rustix::stdio::stdin())
}

/// Returns the terminal size as (width, height), from stdout or else
/// stdin.
pub fn size() -> Option<(u16, u16)> {
    [rustix::stdio::stdout(), rustix::stdio::stdin()]
        .into_iter()
        .find_map(|fd| size_of(fd))
}

fn size_of(fd: BorrowedFd<'_>) -> Option<(u16, u16)> {
    let size = termios::tcgetwinsize(fd).ok()?;
    (size.ws_col > 0 && size.ws_row > 0).then_some((size.ws_col, size.ws_row))
}

/// Raw mode on stdin while the value lives.
pub struct RawMode {
    original: Termios,
}

impl RawMode {
    /// Puts the terminal on stdin into raw mode.
    pub fn enter() -> std::io::Result<RawMode> {
        let stdin = rustix::stdio::stdin();
        let original = termios::tcgetattr(stdin)?;
        let mut raw = original.clone();
        raw.make_raw();
        if let Ok(mut saved) = SAVED.lock() {
            *saved = Some(original.clone());
        }
        install_panic_hook();
        termios::tcsetattr(stdin, OptionalActions::Now, &raw)?;
        Ok(RawMode { original })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(rustix::stdio::stdin(), OptionalActions::Now, &self.original);
        if let Ok(mut saved) = SAVED.lock() {
            *saved = None;
        }
    }
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(saved) = SAVED.lock()
                && let Some(original) = saved.as_ref()
            {
                let _ = termios::tcsetattr(rustix::stdio::stdin(), OptionalActions::Now, original);
            }
            previous(info);
        }));
    });
}

/// Starts a thread that reads stdin and sends its chunks; the channel
/// closes at end of input. The thread blocks in `read` and ends with the
/// process.
pub fn spawn_stdin_reader() -> mpsc::Receiver<Bytes> {
    let (sender, receiver) = mpsc::channel(4);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buffer = vec![0u8; STDIN_CHUNK];
        loop {
            match stdin.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => {
                    if sender
                        .blocking_send(Bytes::copy_from_slice(&buffer[..read]))
                        .is_err()
                    {
                        break;
                    }
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    });
    receiver
}

/// The source of window size changes.
pub enum ResizeSource {
    /// The local terminal: its size now, then on each SIGWINCH.
    Terminal { signal: Signal, sent_first: bool },
    /// Sizes fed by a caller, for tests.
    Channel(mpsc::Receiver<(u16, u16)>),
}

impl ResizeSource {
    /// Watches the local terminal.
    pub fn terminal() -> std::io::Result<ResizeSource> {
        Ok(ResizeSource::Terminal {
            signal: signal(SignalKind::window_change())?,
            sent_first: false,
        })
    }

    /// Waits for the next size to send: the current one first, then one
    /// per change. `None` means that no more changes will come.
    pub async fn next(&mut self) -> Option<(u16, u16)> {
        match self {
            ResizeSource::Terminal { signal, sent_first } => loop {
                if !*sent_first {
                    *sent_first = true;
                    if let Some(size) = size() {
                        return Some(size);
                    }
                }
                signal.recv().await?;
                if let Some(size) = size() {
                    return Some(size);
                }
            },
            ResizeSource::Channel(receiver) => receiver.recv().await,
        }
    }
}

/// Finds the detach sequence ctrl-p ctrl-q in stdin. A ctrl-p is held
/// back until the next byte shows whether it starts the sequence.
#[derive(Debug, Default)]
pub struct DetachScanner {
    held_ctrl_p: bool,
}

impl DetachScanner {
    /// Returns the bytes to forward, and whether the sequence was found
    /// (nothing after it is forwarded).
    pub fn scan(&mut self, input: &[u8]) -> (Vec<u8>, bool) {
        let mut forward = Vec::with_capacity(input.len() + 1);
        for &byte in input {
            if self.held_ctrl_p {
                self.held_ctrl_p = false;
                if byte == CTRL_Q {
                    return (forward, true);
                }
                forward.push(CTRL_P);
            }
            if byte == CTRL_P {
                self.held_ctrl_p = true;
            } else {
                forward.push(byte);
            }
        }
        (forward, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detach_sequence_found() {
        let mut scanner = DetachScanner::default();
        assert_eq!(scanner.scan(b"ls\x10\x11rest"), (b"ls".to_vec(), true));
    }

    #[test]
    fn detach_sequence_across_chunks() {
        let mut scanner = DetachScanner::default();
        assert_eq!(scanner.scan(b"a\x10"), (b"a".to_vec(), false));
        assert_eq!(scanner.scan(b"\x11"), (Vec::new(), true));
    }

    #[test]
    fn lone_ctrl_p_forwarded() {
        let mut scanner = DetachScanner::default();
        assert_eq!(scanner.scan(b"\x10x"), (b"\x10x".to_vec(), false));
    }

    #[test]
    fn double_ctrl_p_then_q() {
        let mut scanner = DetachScanner::default();
        assert_eq!(scanner.scan(b"\x10\x10\x11"), (b"\x10".to_vec(), true));
    }
}
