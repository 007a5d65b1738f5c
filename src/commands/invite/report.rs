//! One result per email, the summary and the exit code of a batch invitation.

use access_api::{Invitation, InvitationDelivery, InviteResult, InviteStatus, ProblemCode};
use serde::Serialize;

use super::send::Failure;
use crate::error::CliError;
use crate::input::emails::InvalidLine;
use crate::output::summary::{InviteCounts, summary_line};
use crate::output::table::Fit;
use crate::output::views::until;
use crate::output::{Output, Table};

/// What happened to one email: the server's statuses, plus `failed` (its batch
/// request failed as a whole) and `not-sent` (Ctrl-C came first), which only the CLI
/// reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmailStatus {
    Invited,
    AlreadyInvited,
    AlreadyMember,
    Conflict,
    Invalid,
    Failed,
    NotSent,
}

impl EmailStatus {
    fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Invited => "invited",
            EmailStatus::AlreadyInvited => "already-invited",
            EmailStatus::AlreadyMember => "already-member",
            EmailStatus::Conflict => "conflict",
            EmailStatus::Invalid => "invalid",
            EmailStatus::Failed => "failed",
            EmailStatus::NotSent => "not-sent",
        }
    }
}

impl From<InviteStatus> for EmailStatus {
    fn from(s: InviteStatus) -> Self {
        match s {
            InviteStatus::Invited => EmailStatus::Invited,
            InviteStatus::AlreadyInvited => EmailStatus::AlreadyInvited,
            InviteStatus::AlreadyMember => EmailStatus::AlreadyMember,
            InviteStatus::Conflict => EmailStatus::Conflict,
            InviteStatus::Invalid => EmailStatus::Invalid,
        }
    }
}

/// One email's result as printed (`-o json`, `--jq`, `--template`): the server's
/// `InviteResult` fields (`problem` the server's problem code, `invitation.code` the
/// invitation code), plus the role asked for and the line of `--from-file`.
#[derive(Debug, Clone, Serialize)]
pub struct EmailResult {
    pub email: String,
    pub status: EmailStatus,
    /// The role the email was to be invited with (absent for an invalid entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The server's problem code (a conflict, or the error of a failed request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<ProblemCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation: Option<Invitation>,
    /// The line of `--from-file` the email was on (absent for EMAIL arguments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl EmailResult {
    fn new(email: String, status: EmailStatus, role: Option<&str>) -> Self {
        EmailResult {
            email,
            status,
            role: role.map(str::to_owned),
            problem: None,
            detail: None,
            invitation: None,
            line: None,
        }
    }

    pub(super) fn answered(email: String, role: &str, r: InviteResult) -> Self {
        EmailResult {
            problem: r.problem,
            detail: r.detail,
            invitation: r.invitation,
            ..Self::new(email, r.status.into(), Some(role))
        }
    }

    pub(super) fn failed(email: String, role: &str, err: &CliError, problem: Option<ProblemCode>) -> Self {
        EmailResult {
            problem,
            detail: Some(err.message.clone()),
            ..Self::new(email, EmailStatus::Failed, Some(role))
        }
    }

    pub(super) fn not_sent(email: String, role: &str) -> Self {
        Self::new(email, EmailStatus::NotSent, Some(role))
    }

    pub(super) fn invalid(line: &InvalidLine) -> Self {
        EmailResult {
            detail: Some(line.reason.clone()),
            line: (line.line > 0).then_some(line.line),
            ..Self::new(line.email.clone(), EmailStatus::Invalid, None)
        }
    }

    fn role(&self) -> &str {
        self.role.as_deref().unwrap_or_default()
    }

    /// The error of a failed email, in the words of its own `error:` line.
    fn error(&self) -> Option<CliError> {
        let detail = self.detail.as_deref().unwrap_or_default();
        Some(match self.status {
            EmailStatus::Conflict => CliError::conflict(format!("{}: {detail}", self.email)),
            EmailStatus::Invalid => CliError::usage(
                InvalidLine {
                    line: self.line.unwrap_or(0),
                    email: self.email.clone(),
                    reason: detail.to_owned(),
                }
                .to_string(),
            ),
            EmailStatus::Failed => CliError::other(format!("{}: not invited: {detail}", self.email)),
            _ => return None,
        })
    }

    /// The row of the text table (invited) and of csv/tsv (every email).
    fn row(&self, with_detail: bool) -> Vec<String> {
        let inv = self.invitation.as_ref();
        let mut row = vec![
            self.email.clone(),
            self.status.as_str().to_owned(),
            inv.map_or_else(|| self.role().to_owned(), |i| i.role.name.clone()),
            inv.map(|i| until(&i.expires_at)).unwrap_or_default(),
            inv.map(|i| i.expires_at.clone()).unwrap_or_default(),
            inv.map(code_cell).unwrap_or_default(),
        ];
        if with_detail {
            row.push(self.detail.clone().unwrap_or_default());
        }
        row
    }
}

/// The invitation code a new invitation created for the inviter to pass on (none
/// when the server mailed it, or when the invitation is not new).
fn created_code(inv: &Invitation) -> Option<&str> {
    match inv.delivery {
        Some(InvitationDelivery::Mail) => None,
        _ => inv.code.as_deref(),
    }
}

/// The CODE cell: the code, or `sent by mail` when the server mailed it.
pub fn code_cell(inv: &Invitation) -> String {
    match inv.delivery {
        Some(InvitationDelivery::Mail) => "sent by mail".to_owned(),
        _ => inv.code.clone().unwrap_or_default(),
    }
}

/// How the emails ended, for the summary.
fn counts(results: &[EmailResult]) -> InviteCounts {
    let mut c = InviteCounts::default();
    for r in results {
        match r.status {
            EmailStatus::Invited => c.invited += 1,
            EmailStatus::AlreadyInvited => c.already_invited += 1,
            EmailStatus::AlreadyMember => c.already_member += 1,
            EmailStatus::Conflict => c.conflict += 1,
            EmailStatus::Invalid => c.invalid += 1,
            EmailStatus::Failed => c.request_failed += 1,
            EmailStatus::NotSent => c.not_sent += 1,
        }
    }
    c
}

/// When every batch request failed the same way (not logged in, an unknown role,
/// the server down) and none was answered nor left unsent, that error is the run's.
fn common_failure(failures: Vec<Failure>, answered: usize, results: &[EmailResult]) -> Option<CliError> {
    let not_sent = results.iter().any(|r| r.status == EmailStatus::NotSent);
    let mut failures = failures.into_iter();
    let first = failures.next()?.err;
    let same = failures.all(|f| f.err.kind == first.kind && f.err.message == first.message);
    (same && answered == 0 && !not_sent).then_some(first)
}

/// Prints the results (stderr lines per email, then stdout) and the summary, and
/// returns how the run ended.
pub(super) fn report(
    results: &[EmailResult],
    failures: Vec<Failure>,
    answered: usize,
    out: &Output,
) -> Result<(), CliError> {
    let several = results.len() > 1;
    if let Some(err) = common_failure(failures, answered, results) {
        if several {
            for r in results.iter().filter(|r| r.status == EmailStatus::Invalid) {
                r.error().iter().for_each(|e| out.item_failure(e));
            }
        }
        return Err(err);
    }
    let mut single_error = None;
    for r in results {
        match r.status {
            EmailStatus::AlreadyInvited => out.info(&format!(
                "{}: already invited as {}; `accessctl roles invitations resend {}` gets a new code",
                r.email,
                r.role(),
                r.email
            )),
            EmailStatus::AlreadyMember => {
                out.info(&format!("{}: already a member with role {}", r.email, r.role()))
            }
            _ => match r.error() {
                Some(err) if several => out.item_failure(&err),
                Some(err) => single_error = Some(err),
                None => {}
            },
        }
    }
    print_results(results, out)?;
    if let Some(err) = single_error {
        return Err(err);
    }
    let counts = counts(results);
    let summary = summary_line(&counts);
    if several || counts.not_sent > 0 {
        counts.status().into_result(&summary)?;
    }
    if several {
        out.info(&summary);
    }
    Ok(())
}

/// stdout: the invited emails' table (text), every result (json/yaml/csv/tsv), or the
/// codes of the invitations created for the inviter to pass on (`-q`: nothing for a
/// mailed one, nor for an email that was already invited).
fn print_results(results: &[EmailResult], out: &Output) -> Result<(), CliError> {
    let text = out.is_text();
    let csv = !text && !out.is_quiet();
    // Text: EXPIRES relative (`in 7d`; `-o wide` the time); on a narrow terminal
    // STATUS (always `invited` there) and then EXPIRES are left out. Emails and
    // codes are never cut: they are copied. csv/tsv: `EMAIL,STATUS,ROLE,EXPIRES,CODE,DETAIL`.
    let mut headers = vec!["EMAIL", "STATUS", "ROLE", "EXPIRES", "EXPIRES", "CODE"];
    let mut fits = vec![
        Fit::KEEP,
        Fit::drop(1),
        Fit::KEEP,
        Fit::drop(2).narrow(),
        Fit::drop(2).wide(),
        Fit::KEEP,
    ];
    if csv {
        headers.push("DETAIL");
        fits.push(Fit::KEEP);
    }
    let mut table = Table::new(&headers).with_fits(&fits);
    for r in results {
        if out.is_quiet() {
            let code = r.invitation.as_ref().and_then(created_code);
            if let Some(code) = code.filter(|_| r.status == EmailStatus::Invited) {
                table.push(code, r.row(csv));
            }
        } else if !text || r.status == EmailStatus::Invited {
            table.push(r.email.clone(), r.row(csv));
        }
    }
    if text {
        if table.rows.is_empty() {
            return Ok(());
        }
        let by_inviter = results
            .iter()
            .filter(|r| r.status == EmailStatus::Invited)
            .filter_map(|r| r.invitation.as_ref())
            .any(|i| created_code(i).is_some());
        if by_inviter {
            out.info("Share each code with its invitee: `accessctl roles invitations accept CODE`");
        }
    }
    out.print(results, &table)
}
