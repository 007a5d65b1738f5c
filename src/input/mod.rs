//! Reading what the user gives the CLI besides flags: files and stdin.

pub mod emails;
