//! The pager for output taller than the terminal: `sh -c PAGER` with the text on its
//! stdin, like git. While it runs, Ctrl-C is the pager's (less uses it to stop a
//! search), not the end of the run.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

static PAGING: AtomicBool = AtomicBool::new(false);

/// Whether a Ctrl-C now belongs to a pager.
pub fn owns_interrupt() -> bool {
    PAGING.load(Ordering::SeqCst)
}

/// Shows `text` through `pager`; `false` when the pager cannot be started (the caller
/// prints the text itself). A pager that quits early (`q` in less) is the reader's
/// choice, like a closed pipe.
pub fn page(pager: &str, text: &str) -> bool {
    PAGING.store(true, Ordering::SeqCst);
    let shown = run(pager, text);
    PAGING.store(false, Ordering::SeqCst);
    shown
}

fn run(pager: &str, text: &str) -> bool {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(pager).stdin(Stdio::piped());
    let Ok(mut child) = cmd.spawn() else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A broken pipe is the pager quitting early.
        let _ = stdin.write_all(text.as_bytes());
    }
    match child.wait() {
        // 127: sh found no such command; print the text instead.
        Ok(status) => status.code() != Some(127),
        Err(_) => false,
    }
}
