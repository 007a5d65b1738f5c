//! Shaping command results for scripts: jq filters, templates, batch summaries.

pub mod jq;
pub mod summary;
pub mod template;
