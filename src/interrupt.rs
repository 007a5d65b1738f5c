//! Ctrl-C. By default the first one ends the run at once (exit 130). Work that can
//! stop cleanly (batch invitations) claims the first one instead: while its
//! [`Claim`] lives, the first Ctrl-C cancels the claim's token, the work winds down
//! and reports what it did, and a second Ctrl-C ends the run at once.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::error::CliError;

/// Who handles the next Ctrl-C; shared by the signal listener and the commands
/// (through `Ctx`).
#[derive(Debug, Clone, Default)]
pub struct Interrupts {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    /// Numbers the claims, so an old claim's drop cannot end a newer one.
    generation: u64,
    claimed: Option<(u64, CancellationToken)>,
}

/// While alive, the first Ctrl-C cancels the token instead of ending the run.
#[must_use = "the claim ends when it is dropped"]
pub struct Claim {
    interrupts: Interrupts,
    generation: u64,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut state = self.interrupts.lock();
        if state.claimed.as_ref().is_some_and(|(g, _)| *g == self.generation) {
            state.claimed = None;
        }
    }
}

impl Interrupts {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the first Ctrl-C cancel `token` while the returned claim lives.
    pub fn claim(&self, token: &CancellationToken) -> Claim {
        let mut state = self.lock();
        state.generation += 1;
        let generation = state.generation;
        state.claimed = Some((generation, token.clone()));
        Claim {
            interrupts: self.clone(),
            generation,
        }
    }

    /// One Ctrl-C arrived: cancels a claimed token that is not cancelled yet and
    /// returns `false` (keep running), else returns `true` (end the run now).
    pub fn on_signal(&self) -> bool {
        match &self.lock().claimed {
            Some((_, token)) if !token.is_cancelled() => {
                token.cancel();
                false
            }
            _ => true,
        }
    }

    /// Listens for Ctrl-C from now on; the future resolves when the run must end.
    /// Installed before the command starts, so an early Ctrl-C is never the default
    /// kill.
    pub fn listen(&self) -> Result<impl std::future::Future<Output = ()> + use<>, CliError> {
        let mut signals = Signals::new()?;
        let interrupts = self.clone();
        Ok(async move {
            loop {
                signals.recv().await;
                // While `roles edit` runs an editor, Ctrl-C is the editor's to handle;
                // while a pager shows a list, the pager's.
                if crate::editor::owns_interrupt() || crate::output::pager::owns_interrupt() {
                    continue;
                }
                if interrupts.on_signal() {
                    return;
                }
            }
        })
    }
}

#[cfg(unix)]
struct Signals(tokio::signal::unix::Signal);

#[cfg(unix)]
impl Signals {
    fn new() -> Result<Signals, CliError> {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::interrupt())
            .map(Signals)
            .map_err(|e| CliError::other(format!("cannot handle Ctrl-C: {e}")))
    }

    async fn recv(&mut self) {
        if self.0.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> Result<Signals, CliError> {
        Ok(Signals)
    }

    async fn recv(&mut self) {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclaimed_ctrl_c_ends_the_run() {
        assert!(Interrupts::default().on_signal());
    }

    #[test]
    fn a_claim_takes_the_first_ctrl_c_only() {
        let interrupts = Interrupts::default();
        let token = CancellationToken::new();
        let claim = interrupts.claim(&token);
        assert!(!interrupts.on_signal(), "the first one is the claim's");
        assert!(token.is_cancelled());
        assert!(interrupts.on_signal(), "the second ends the run");
        drop(claim);
        assert!(interrupts.on_signal());
    }

    #[test]
    fn a_dropped_claim_gives_ctrl_c_back() {
        let interrupts = Interrupts::default();
        let token = CancellationToken::new();
        drop(interrupts.claim(&token));
        assert!(interrupts.on_signal());
        assert!(!token.is_cancelled());
        // An older claim dropped late does not end a newer one.
        let (old, new) = (CancellationToken::new(), CancellationToken::new());
        let old_claim = interrupts.claim(&old);
        let _new_claim = interrupts.claim(&new);
        drop(old_claim);
        assert!(!interrupts.on_signal());
        assert!(new.is_cancelled() && !old.is_cancelled());
    }
}
