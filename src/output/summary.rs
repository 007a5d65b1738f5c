//! The end-of-batch summary of batch invitations, for stderr.
//!
//! ```text
//! 1000 emails: 990 invited, 10 already invited, 0 failed
//! interrupted: 400 of 1000 sent (400 invited); 600 not sent — re-run the same command to finish (already invited emails are skipped)
//! ```

/// How many emails ended how.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct InviteCounts {
    pub invited: usize,
    pub already_invited: usize,
    pub already_member: usize,
    /// `conflict`: another role is in the way.
    pub conflict: usize,
    /// `invalid`: the email was rejected before sending, or by the server.
    pub invalid: usize,
    /// Emails of batch requests that failed as a whole (network, server error).
    pub request_failed: usize,
    /// Emails never sent because the run was interrupted.
    pub not_sent: usize,
}

/// How a batch run ended; the CLI maps it to an exit code (0, 5, 130).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatus {
    /// Every email is in the desired state (invited, already invited, already member).
    Complete,
    /// Everything was sent but some emails failed.
    SomeFailed,
    /// Interrupted: some emails were not sent.
    Interrupted,
}

impl BatchStatus {
    /// How a batch run ends (docs/cli.md: exit 0 only when every item succeeded
    /// or already was in the desired state): complete is `Ok`; some items failed
    /// is exit 5; interrupted with items left unsent is exit 130. `summary` is the
    /// error line.
    pub fn into_result(self, summary: impl Into<String>) -> Result<(), crate::error::CliError> {
        use crate::error::{CliError, ErrorKind};
        let kind = match self {
            BatchStatus::Complete => return Ok(()),
            BatchStatus::SomeFailed => ErrorKind::Conflict,
            BatchStatus::Interrupted => ErrorKind::Interrupted,
        };
        Err(CliError::new(kind, summary))
    }
}

impl InviteCounts {
    /// Every email, sent or not.
    pub fn total(&self) -> usize {
        self.sent() + self.not_sent
    }

    /// Emails whose request completed or failed.
    pub fn sent(&self) -> usize {
        self.done() + self.failed()
    }

    /// Emails in the desired state.
    pub fn done(&self) -> usize {
        self.invited + self.already_invited + self.already_member
    }

    /// Emails sent but not in the desired state.
    pub fn failed(&self) -> usize {
        self.conflict + self.invalid + self.request_failed
    }

    pub fn status(&self) -> BatchStatus {
        if self.not_sent > 0 {
            BatchStatus::Interrupted
        } else if self.failed() > 0 {
            BatchStatus::SomeFailed
        } else {
            BatchStatus::Complete
        }
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn failed_part(c: &InviteCounts) -> String {
    let mut s = format!("{} failed", c.failed());
    let why: Vec<String> = [
        (c.conflict, "conflict", "conflicts"),
        (c.invalid, "invalid", "invalid"),
        (c.request_failed, "in a failed request", "in failed requests"),
    ]
    .into_iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| count(n, one, many))
    .collect();
    if !why.is_empty() {
        s.push_str(&format!(" ({})", why.join(", ")));
    }
    s
}

/// The summary line: the complete form, or the interrupted form when emails were
/// not sent. No trailing newline.
pub fn summary_line(c: &InviteCounts) -> String {
    if c.not_sent > 0 {
        return interrupted_line(c);
    }
    let mut parts = vec![
        format!("{} invited", c.invited),
        format!("{} already invited", c.already_invited),
    ];
    if c.already_member > 0 {
        parts.push(count(c.already_member, "already a member", "already members"));
    }
    parts.push(failed_part(c));
    format!("{}: {}", count(c.total(), "email", "emails"), parts.join(", "))
}

fn interrupted_line(c: &InviteCounts) -> String {
    let mut parts: Vec<String> = Vec::new();
    if c.invited > 0 {
        parts.push(format!("{} invited", c.invited));
    }
    if c.already_invited > 0 {
        parts.push(format!("{} already invited", c.already_invited));
    }
    if c.already_member > 0 {
        parts.push(count(c.already_member, "already a member", "already members"));
    }
    if c.failed() > 0 {
        parts.push(failed_part(c));
    }
    let detail = if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    };
    format!(
        "interrupted: {} of {} sent{detail}; {} not sent — re-run the same command to finish (already invited emails are skipped)",
        c.sent(),
        c.total(),
        c.not_sent
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_statuses_map_to_0_5_130() {
        assert!(BatchStatus::Complete.into_result("done").is_ok());
        let e = BatchStatus::SomeFailed
            .into_result("3 emails: 1 failed")
            .unwrap_err();
        assert_eq!(
            (e.kind.exit_code(), e.message.as_str()),
            (5, "3 emails: 1 failed")
        );
        let e = BatchStatus::Interrupted
            .into_result("interrupted: …")
            .unwrap_err();
        assert_eq!(e.kind.exit_code(), 130);
    }

    #[test]
    fn complete_run() {
        let c = InviteCounts {
            invited: 990,
            already_invited: 10,
            ..Default::default()
        };
        assert_eq!(
            summary_line(&c),
            "1000 emails: 990 invited, 10 already invited, 0 failed"
        );
        assert_eq!(c.status(), BatchStatus::Complete);
    }

    #[test]
    fn rerun_everything_already_done() {
        let c = InviteCounts {
            already_invited: 998,
            already_member: 2,
            ..Default::default()
        };
        assert_eq!(
            summary_line(&c),
            "1000 emails: 0 invited, 998 already invited, 2 already members, 0 failed"
        );
        assert_eq!(c.status(), BatchStatus::Complete);
        let one = InviteCounts {
            already_member: 1,
            ..Default::default()
        };
        assert_eq!(
            summary_line(&one),
            "1 email: 0 invited, 0 already invited, 1 already a member, 0 failed"
        );
    }

    #[test]
    fn failures_are_explained() {
        let c = InviteCounts {
            invited: 985,
            conflict: 3,
            invalid: 1,
            request_failed: 11,
            ..Default::default()
        };
        assert_eq!(
            summary_line(&c),
            "1000 emails: 985 invited, 0 already invited, 15 failed (3 conflicts, 1 invalid, 11 in failed requests)"
        );
        assert_eq!(c.status(), BatchStatus::SomeFailed);
        let c = InviteCounts {
            conflict: 1,
            ..Default::default()
        };
        assert_eq!(
            summary_line(&c),
            "1 email: 0 invited, 0 already invited, 1 failed (1 conflict)"
        );
    }

    #[test]
    fn interrupted_run() {
        let c = InviteCounts {
            invited: 400,
            not_sent: 600,
            ..Default::default()
        };
        assert_eq!(
            summary_line(&c),
            "interrupted: 400 of 1000 sent (400 invited); 600 not sent — re-run the same command to finish (already invited emails are skipped)"
        );
        assert_eq!(c.status(), BatchStatus::Interrupted);

        let c = InviteCounts {
            invited: 300,
            already_invited: 90,
            request_failed: 10,
            not_sent: 600,
            ..Default::default()
        };
        assert!(
            summary_line(&c).starts_with(
                "interrupted: 400 of 1000 sent (300 invited, 90 already invited, 10 failed (10 in failed requests)); 600 not sent"
            ),
            "{}",
            summary_line(&c)
        );
        // Interrupted wins over failures.
        assert_eq!(c.status(), BatchStatus::Interrupted);

        let c = InviteCounts {
            not_sent: 5,
            ..Default::default()
        };
        assert!(
            summary_line(&c).starts_with("interrupted: 0 of 5 sent; 5 not sent — "),
            "{}",
            summary_line(&c)
        );
    }

    #[test]
    fn totals() {
        let c = InviteCounts {
            invited: 2,
            already_invited: 1,
            already_member: 1,
            conflict: 1,
            invalid: 1,
            request_failed: 0,
            not_sent: 0,
        };
        assert_eq!((c.total(), c.sent(), c.done(), c.failed()), (6, 6, 4, 2));
    }
}
