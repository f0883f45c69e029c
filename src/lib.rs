//! A crictl-compatible client for the Kubernetes Container Runtime Interface
//! (CRI v1). The binary in `main.rs` is a thin shell over this library, so the
//! integration tests can reach the protocol types and the fake-runtime stubs.

pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod error;
pub mod filter;
pub mod godur;
pub mod logs;
pub mod proto;
pub mod render;
pub mod streaming;
pub mod transport;
