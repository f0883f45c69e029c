//! The `--watch` loop of `stats`, `statsp` and `metricsp`, and the screen it
//! draws on.
//!
//! crictl writes clear-screen codes before every stats table, even into a
//! pipe. Here escape codes go only to a terminal: there each table replaces
//! the previous one in place, while a pipe or file gets each frame as plain
//! text, one after another.
//!
//! The loop itself never ends on success. The binary's main function stops
//! it on SIGINT or SIGTERM by dropping the command, and exits with status 0
//! for these commands, as crictl does.

use std::io::Write;
use std::time::Duration;

use tokio::time::MissedTickBehavior;

use crate::error::{Error, Result};

/// Time between the starts of two frames, as in crictl. A frame that takes
/// longer delays the next one instead of queueing several.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// Moves the cursor to the top-left corner.
const CURSOR_HOME: &str = "\x1b[H";
/// Erases from the cursor to the end of its line.
const CLEAR_LINE_END: &str = "\x1b[K";
/// Erases from the cursor to the end of the screen.
const CLEAR_SCREEN_END: &str = "\x1b[J";
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// The command's output while it shows frames.
///
/// On a terminal the cursor is hidden while tables are redrawn, and shown
/// again when the screen is dropped: at the end of the command, on an
/// error, or when Ctrl-C drops the running command. Each frame is written
/// with one `write_all` and flushed, so an interruption, which can only
/// happen while the command awaits, never leaves half a table behind.
pub struct Screen<'a> {
    out: &'a mut dyn Write,
    terminal: bool,
    cursor_hidden: bool,
}

impl<'a> Screen<'a> {
    /// Creates a screen on `out`. Set `terminal` when `out` is a terminal,
    /// as [`std::io::IsTerminal`] reports it for stdout.
    pub fn new(out: &'a mut dyn Write, terminal: bool) -> Self {
        Screen {
            out,
            terminal,
            cursor_hidden: false,
        }
    }

    /// Shows a table in place of the previous one on a terminal, or writes
    /// it as it is anywhere else.
    ///
    /// NOTE: a table taller than the terminal scrolls, which pushes part of
    /// every frame into the terminal's scrollback.
    pub fn redraw(&mut self, table: &str) -> Result<()> {
        if !self.terminal {
            return self.write(table);
        }
        let mut frame = String::with_capacity(table.len() + 64);
        if !self.cursor_hidden {
            frame.push_str(HIDE_CURSOR);
        }
        frame.push_str(CURSOR_HOME);
        for line in table.lines() {
            frame.push_str(line);
            frame.push_str(CLEAR_LINE_END);
            frame.push('\n');
        }
        frame.push_str(CLEAR_SCREEN_END);
        // Set before writing: if the write fails halfway, the cursor may
        // already be hidden, and showing it again is harmless.
        self.cursor_hidden = true;
        self.write(&frame)
    }

    /// Writes a document after the previous ones.
    pub fn append(&mut self, text: &str) -> Result<()> {
        self.write(text)
    }

    fn write(&mut self, text: &str) -> Result<()> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|source| Error::io("writing output", source))
    }
}

impl Drop for Screen<'_> {
    fn drop(&mut self) {
        if self.cursor_hidden {
            // Nothing can be reported from a drop; a closed terminal is
            // the only way this write fails.
            let _ = self.out.write_all(SHOW_CURSOR.as_bytes());
            let _ = self.out.flush();
        }
    }
}

/// Runs `frame` every `interval` until a frame fails, and returns that
/// error. The first frame starts at once.
pub async fn repeat<F>(interval: Duration, mut frame: F) -> Result<()>
where
    F: AsyncFnMut() -> Result<()>,
{
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        frame().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_gets_plain_tables() {
        let mut out = Vec::new();
        let mut screen = Screen::new(&mut out, false);
        screen.redraw("A   B\n1   2\n").unwrap();
        screen.redraw("A   B\n3   4\n").unwrap();
        drop(screen);
        assert_eq!(out, b"A   B\n1   2\nA   B\n3   4\n");
    }

    #[test]
    fn terminal_redraws_in_place() {
        let mut out = Vec::new();
        let mut screen = Screen::new(&mut out, true);
        screen.redraw("A   B\n1   2\n").unwrap();
        screen.redraw("A   B\n").unwrap();
        drop(screen);
        let expected = concat!(
            "\x1b[?25l\x1b[HA   B\x1b[K\n1   2\x1b[K\n\x1b[J",
            "\x1b[HA   B\x1b[K\n\x1b[J",
            "\x1b[?25h",
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn terminal_append_keeps_cursor() {
        let mut out = Vec::new();
        let mut screen = Screen::new(&mut out, true);
        screen.append("{}\n").unwrap();
        drop(screen);
        assert_eq!(out, b"{}\n");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn repeat_ends_on_frame_error() {
        let mut frames = 0;
        let result = repeat(Duration::from_millis(1), async || {
            frames += 1;
            if frames == 3 {
                return Err(Error::Runtime("boom".to_owned()));
            }
            Ok(())
        })
        .await;
        assert_eq!(result.unwrap_err().to_string(), "boom");
        assert_eq!(frames, 3);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn repeat_waits_between_frames() {
        let started = std::time::Instant::now();
        let mut frames = 0;
        let _ = repeat(Duration::from_millis(30), async || {
            frames += 1;
            if frames == 3 {
                return Err(Error::Runtime("done".to_owned()));
            }
            Ok(())
        })
        .await;
        // Frames start at 0, 30 and 60 ms.
        assert!(started.elapsed() >= Duration::from_millis(60));
    }

    #[test]
    fn dropped_screen_shows_cursor() {
        let mut out = Vec::new();
        let mut screen = Screen::new(&mut out, true);
        screen.redraw("A\n").unwrap();
        // Ctrl-C drops the command, and with it the screen, between frames.
        drop(screen);
        assert!(out.ends_with(b"\x1b[?25h"));
    }
}
