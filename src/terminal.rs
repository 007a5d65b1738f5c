//! A hidden prompt that Ctrl-C can end.
//!
//! A blocking read on the runtime's thread would also block the `select!` in
//! `lib.rs`, so a Ctrl-C would wait for Enter. Here the read runs on a thread of its
//! own and the command awaits its answer: a Ctrl-C ends the command at once (exit
//! 130), and the guard, dropped with the cancelled command, puts the terminal's
//! settings back. The guard is also the only thing that changes them: echo goes off
//! before the prompt is printed and the thread only reads, so an abandoned read
//! cannot turn echo off again after the guard restored it (with `rpassword` on that
//! thread, a Ctrl-C right after the prompt appeared could leave the shell without
//! echo).

use crate::error::{CliError, ErrorKind};

/// Asks on the terminal without echo; the answer (a secret) is never printed.
pub async fn prompt_hidden(prompt: &'static str) -> Result<String, CliError> {
    let guard = TerminalGuard::hide_input();
    let tty = guard.tty();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read_line(prompt, tty));
    });
    let answer = rx
        .await
        .map_err(|_| CliError::other("the prompt ended without an answer"))?;
    // Enter ended the line (echoed by ECHONL); the settings go back, no extra newline.
    guard.restore_after_answer();
    answer.map_err(|e| match e.kind() {
        // The read saw the Ctrl-C before the runtime did: the same end.
        std::io::ErrorKind::Interrupted => CliError::new(ErrorKind::Interrupted, "interrupted"),
        _ => CliError::io("cannot read from the terminal", e),
    })
}

/// Prints `prompt` on the terminal and reads one line, without its line ending.
/// Without a terminal device of our own (another platform), `rpassword` does both.
fn read_line(prompt: &str, tty: Option<std::fs::File>) -> std::io::Result<String> {
    use std::io::{BufRead, Write};
    let Some(tty) = tty else {
        return rpassword::prompt_password(prompt);
    };
    (&tty).write_all(prompt.as_bytes())?;
    (&tty).flush()?;
    let mut line = String::new();
    std::io::BufReader::new(tty).read_line(&mut line)?;
    let end = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(end);
    Ok(line)
}

/// The terminal's settings before the prompt, restored on drop (with a newline,
/// for the prompt's line that was never ended) or by `restore_after_answer`.
struct TerminalGuard {
    #[cfg(unix)]
    saved: Option<(std::fs::File, rustix::termios::Termios)>,
}

impl TerminalGuard {
    /// Saves the settings of `/dev/tty` and turns echo off (the newline still
    /// echoes). Nothing is saved when there is no `/dev/tty`.
    #[cfg(unix)]
    fn hide_input() -> TerminalGuard {
        use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
        let saved = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()
            .and_then(|tty| tcgetattr(&tty).ok().map(|t| (tty, t)))
            .filter(|(tty, t)| {
                let mut hidden = t.clone();
                hidden.local_modes.remove(LocalModes::ECHO);
                hidden.local_modes.insert(LocalModes::ECHONL);
                tcsetattr(tty, OptionalActions::Now, &hidden).is_ok()
            });
        TerminalGuard { saved }
    }

    #[cfg(not(unix))]
    fn hide_input() -> TerminalGuard {
        TerminalGuard {}
    }

    /// The terminal to prompt and read on (`None`: none of our own).
    fn tty(&self) -> Option<std::fs::File> {
        #[cfg(unix)]
        {
            self.saved.as_ref().and_then(|(tty, _)| tty.try_clone().ok())
        }
        #[cfg(not(unix))]
        None
    }

    fn restore_after_answer(mut self) {
        self.restore();
    }

    /// Puts the saved settings back (once); the terminal they were put back on.
    #[cfg(unix)]
    fn restore(&mut self) -> Option<std::fs::File> {
        let (tty, t) = self.saved.take()?;
        let _ = rustix::termios::tcsetattr(&tty, rustix::termios::OptionalActions::Now, &t);
        Some(tty)
    }

    #[cfg(not(unix))]
    fn restore(&mut self) -> Option<std::fs::File> {
        None
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if let Some(tty) = self.restore() {
            use std::io::Write;
            // The prompt's line was never ended.
            let _ = (&tty).write_all(b"\n");
        }
    }
}
