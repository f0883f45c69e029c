//! Messages for the user on stderr, prefixed with the program name so they
//! stand out from the runtime's own text in a terminal or a log.

use std::io::Write;

/// Writes a warning line to stderr.
pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "crictl: warning: {message}");
}

/// Writes an informational line to stderr.
pub fn info(message: &str) {
    let _ = writeln!(std::io::stderr(), "crictl: {message}");
}

/// Writes an error line to stderr.
pub fn error(message: &str) {
    let _ = writeln!(std::io::stderr(), "crictl: error: {message}");
}
