//! TEMPORARY placeholder until the real renderers land.
pub mod human;
pub mod json;
pub mod table;
pub mod template;
pub mod time;
pub mod yaml;
