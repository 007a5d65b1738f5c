//! A hidden prompt that Ctrl-C can end.
//!
//! `rpassword` blocks in `read` with echo off. Called on the runtime's thread it
//! also blocks the `select!` in `lib.rs`, so a Ctrl-C waited for Enter. Here the
//! prompt runs on a thread of its own and the command awaits its answer: a Ctrl-C
//! ends the command at once (exit 130), and the guard, dropped with the cancelled
//! command, puts the terminal's settings back (the abandoned prompt cannot).

use crate::error::{CliError, ErrorKind};

/// Asks on the terminal without echo; the answer (a secret) is never printed.
pub async fn prompt_hidden(prompt: &'static str) -> Result<String, CliError> {
    let guard = TerminalGuard::save();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(rpassword::prompt_password(prompt));
    });
    let answer = rx
        .await
        .map_err(|_| CliError::other("the prompt ended without an answer"))?;
    guard.disarm();
    answer.map_err(|e| match e.kind() {
        // The read saw the Ctrl-C before the runtime did: the same end.
        std::io::ErrorKind::Interrupted => CliError::new(ErrorKind::Interrupted, "interrupted"),
        _ => CliError::io("cannot read from the terminal", e),
    })
}

/// The terminal's settings before the prompt, restored on drop unless disarmed.
struct TerminalGuard {
    #[cfg(unix)]
    saved: Option<(std::fs::File, rustix::termios::Termios)>,
}

impl TerminalGuard {
    #[cfg(unix)]
    fn save() -> TerminalGuard {
        let saved = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()
            .and_then(|tty| rustix::termios::tcgetattr(&tty).ok().map(|t| (tty, t)));
        TerminalGuard { saved }
    }

    #[cfg(not(unix))]
    fn save() -> TerminalGuard {
        TerminalGuard {}
    }

    fn disarm(mut self) {
        #[cfg(unix)]
        {
            self.saved = None;
        }
        #[cfg(not(unix))]
        let _ = &mut self;
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some((tty, t)) = self.saved.take() {
            use std::io::Write;
            let _ = rustix::termios::tcsetattr(&tty, rustix::termios::OptionalActions::Now, &t);
            // The prompt's line was never ended.
            let _ = (&tty).write_all(b"\n");
        }
    }
}
