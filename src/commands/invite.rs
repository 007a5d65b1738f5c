//! Sending invitations and reporting one result per email, shared by
//! `roles invitations invite-user` and `project users invite`.

use access_api::validate::MAX_INVITE_BATCH;
use access_api::{CreateInvitations, InviteResult, InviteStatus};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;

/// What to invite: checked emails, a role, and the emails found invalid before any
/// request (email, why), which are never sent but reported and counted.
pub struct Batch<'a> {
    pub project: &'a str,
    pub emails: Vec<String>,
    pub role: String,
    pub ttl_days: Option<u32>,
    pub invalid: Vec<(String, String)>,
}

/// POSTs the emails in chunks the server accepts, prints one result per email
/// (invited: a table row on stdout; already invited / already a member: a line on
/// stderr; anything else: an error line) and applies cli.md's batch rule.
pub async fn invite(batch: Batch<'_>, ctx: &Ctx) -> Result<(), CliError> {
    let total = batch.emails.len() + batch.invalid.len();
    let mut failures = Vec::new();
    let api = ctx.api().await?;
    let mut results: Vec<InviteResult> = batch
        .invalid
        .into_iter()
        .map(|(email, why)| InviteResult {
            email,
            status: InviteStatus::Invalid,
            code: None,
            detail: Some(why),
            invitation: None,
        })
        .collect();
    for chunk in batch.emails.chunks(MAX_INVITE_BATCH) {
        let req = CreateInvitations {
            emails: chunk.to_vec(),
            role: batch.role.clone(),
            ttl_days: batch.ttl_days,
        };
        results.extend(api.create_invitations(batch.project, &req).await?.results);
    }
    let role = &batch.role;
    let out = ctx.output();
    let mut table = Table::new(&["EMAIL", "STATUS", "ROLE", "EXPIRES", "CODE"]);
    for r in &results {
        match r.status {
            InviteStatus::Invited => {
                let (role, expires, code) = r
                    .invitation
                    .as_ref()
                    .map(|i| {
                        (
                            i.role.name.clone(),
                            i.expires_at.clone(),
                            i.code.clone().unwrap_or_default(),
                        )
                    })
                    .unwrap_or_default();
                table.push(
                    r.email.clone(),
                    vec![r.email.clone(), "invited".into(), role, expires, code],
                );
            }
            InviteStatus::AlreadyInvited => out.info(&format!("{}: already invited as {role}", r.email)),
            InviteStatus::AlreadyMember => {
                out.info(&format!("{}: already a member with role {role}", r.email))
            }
            InviteStatus::Conflict | InviteStatus::Invalid => {
                let detail = r.detail.clone().unwrap_or_else(|| "conflict".into());
                let err = if r.status == InviteStatus::Invalid {
                    CliError::usage(format!("invalid email '{}': {detail}", r.email))
                } else {
                    CliError::conflict(format!("{}: {detail}", r.email))
                };
                if total > 1 {
                    crate::output::print_error(&err);
                }
                failures.push(err);
            }
        }
    }
    if !table.rows.is_empty() {
        if out.is_text() {
            out.info("Share each code with its invitee: `accessctl roles invitations accept CODE`");
        }
        out.print(&results, &table)?;
    } else if !out.is_text() && !out.is_quiet() {
        out.print(&results, &table)?;
    }
    common::batch_result(failures, total)
}
