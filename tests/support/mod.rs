//! Shared pieces of the integration tests: a fake CRI runtime on a Unix
//! socket, a sample node to fill it with, and a runner for the `crictl`
//! binary.
//!
//! Each test file includes this module and uses only part of it.
#![allow(dead_code, unused_imports)]

pub mod background;
pub mod command;
pub mod fake;
pub mod fixture;
pub mod request_text;
pub mod service;
pub mod streaming;

pub use command::Crictl;
pub use fake::{Fake, State};
pub use fixture::{Clock, sample};

/// Strips the line break that opens a raw string literal, so expected
/// outputs can start on their own line in the source.
pub fn text(literal: &str) -> &str {
    literal.strip_prefix('\n').unwrap_or(literal)
}

/// Converts call log lines to owned strings, for comparing with
/// [`Fake::calls`].
pub fn calls(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| (*line).to_owned()).collect()
}
