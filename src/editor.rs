//! `roles edit`: a private temp file opened in the user's editor. While the editor
//! runs, Ctrl-C belongs to it (vi, for one, uses it), so `lib.rs` does not end the
//! command on it meanwhile.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::CliError;

/// How long after the editor exits a Ctrl-C still counts as the editor's: a signal
/// typed into the editor may reach the runtime's handler just after the editor is
/// gone.
const GRACE: Duration = Duration::from_millis(250);

/// `Some(None)` while an editor runs; `Some(Some(t))` once it exited at `t`.
static EDITOR: Mutex<Option<Option<Instant>>> = Mutex::new(None);

fn set(state: Option<Option<Instant>>) {
    *EDITOR.lock().unwrap_or_else(|e| e.into_inner()) = state;
}

/// Whether a Ctrl-C now belongs to an editor (running, or just exited).
pub fn owns_interrupt() -> bool {
    match *EDITOR.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(None) => true,
        Some(Some(ended)) => ended.elapsed() < GRACE,
        None => false,
    }
}

/// Creates `<dir>/accessctl-<stem>-<random>.yaml` holding `text`, mode 0600.
pub fn create(dir: &Path, stem: &str, text: &str) -> Result<PathBuf, CliError> {
    let stem: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(40)
        .collect();
    let random = uuid::Uuid::new_v4().simple().to_string();
    let path = dir.join(format!("accessctl-{stem}-{}.yaml", &random[..12]));
    crate::fsutil::create_private(&path, text.as_bytes())?;
    Ok(path)
}

/// Runs `editor` on `path` with the terminal, and waits for it. `editor` may carry
/// arguments (`code --wait`): on Unix it is run by `sh`, like git does.
pub async fn run(editor: &str, path: &Path) -> Result<(), CliError> {
    let mut cmd = command(editor, path);
    set(Some(None));
    let status = cmd.status().await;
    set(Some(Some(Instant::now())));
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(CliError::other(format!("the editor ({editor}) exited with {s}"))),
        Err(e) => Err(CliError::other(format!("cannot run the editor ({editor}): {e}"))
            .with_hint("set VISUAL or EDITOR to your editor")),
    }
}

#[cfg(unix)]
fn command(editor: &str, path: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c").arg(format!("{editor} \"$1\"")).arg("sh").arg(path);
    cmd
}

#[cfg(not(unix))]
fn command(editor: &str, path: &Path) -> tokio::process::Command {
    let mut words = editor.split_whitespace();
    let mut cmd = tokio::process::Command::new(words.next().unwrap_or("notepad"));
    cmd.args(words).arg(path);
    cmd
}
