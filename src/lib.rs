//! accessctl as a library. For now it holds the pure building blocks of scripting and
//! automation (issue 7); the CLI core wires them into the command tree.

pub mod batch;
pub mod input;
pub mod output;
