//! The progress bar of long batch work (invitations from a file): on stderr, and only
//! when stderr is a terminal; otherwise nothing at all is drawn. Lines printed through
//! [`Progress::line`] appear above the bar instead of tearing it. The bar is cleared
//! when the work is done ([`Progress::clear`]) or dropped, so results and messages
//! printed afterwards start on a clean line. indicatif itself also hides the bar when
//! `TERM` is unset or `dumb` (no cursor control).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use super::sanitize::sanitize;
use crate::process::Streams;

/// A progress bar, or nothing when stderr is not a terminal (or with `-q`).
pub struct Progress {
    bar: Option<ProgressBar>,
    streams: Streams,
}

impl Progress {
    /// `unit` names what is counted (`emails`).
    pub(super) fn new(enabled: bool, unit: &str, streams: Streams) -> Progress {
        let bar = enabled.then(|| {
            let style = ProgressStyle::with_template(&format!("[{{bar:40}}] {{pos}}/{{len}} {unit}"))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
                .with_style(style)
                .with_finish(ProgressFinish::AndClear)
        });
        Progress { bar, streams }
    }

    /// `done` of `total` are finished.
    pub fn set(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            if bar.length() != Some(total as u64) {
                bar.set_length(total as u64);
            }
            bar.set_position(done as u64);
            if done == 0 {
                // The first state is drawn at once, not at the next tick.
                bar.force_draw();
            }
        }
    }

    /// A line on stderr (sanitized) above the bar; printed even with `-q`.
    pub fn line(&self, msg: &str) {
        let msg = sanitize(msg);
        match &self.bar {
            Some(bar) => bar.suspend(|| super::stderr_line(&self.streams, &msg)),
            None => super::stderr_line(&self.streams, &msg),
        }
    }

    /// Removes the bar from the terminal.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
