//! Output rendering shared by every command: tables, human-readable ages and
//! sizes, JSON in crictl's two encodings, YAML, Go templates and timestamps.
//!
//! Everything here is a pure function of its input (the local time zone
//! aside), so the byte-exact formats crictl prints are tested in place.

pub mod human;
pub mod json;
pub mod table;
pub mod template;
mod template_check;
mod template_funcs;
pub mod time;
mod title_case;
pub mod yaml;
mod yaml_emitter;
mod yaml_resolve;
