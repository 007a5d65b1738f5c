//! `accessctl roles invitations invite-user EMAIL... --role R`:
//! POST /v1/projects/{p}/invitations, one result line per email.

use access_api::validate::MAX_INVITE_BATCH;
use access_api::{CreateInvitations, InviteResult, InviteStatus};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};
use crate::output::Table;

/// Invite people to the project by email
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles invitations invite-user carol@example.com --role admin\n  accessctl roles invitations invite-user a@example.com b@example.com --role viewer --ttl-days 14"
)]
pub struct InviteUserArgs {
    /// Emails to invite
    #[arg(required = true, value_name = "EMAIL")]
    emails: Vec<String>,
    /// Role the invitation grants (case-insensitive)
    #[arg(long, value_name = "ROLE", add = crate::complete::roles())]
    role: String,
    /// Days until the invitation expires (1-30) [default: the server's, 7]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=30))]
    ttl_days: Option<u32>,
}

pub async fn run(args: &InviteUserArgs, ctx: &Ctx) -> Result<(), CliError> {
    let emails = args
        .emails
        .iter()
        .map(|e| common::email(e))
        .collect::<Result<Vec<_>, _>>()?;
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let role = common::role(&args.role);
    let mut results: Vec<InviteResult> = Vec::new();
    for chunk in emails.chunks(MAX_INVITE_BATCH) {
        let req = CreateInvitations {
            emails: chunk.to_vec(),
            role: role.clone(),
            ttl_days: args.ttl_days,
        };
        results.extend(api.create_invitations(&project, &req).await?.results);
    }
    let out = ctx.output();
    let mut table = Table::new(&["EMAIL", "STATUS", "ROLE", "EXPIRES", "CODE"]);
    let mut failures = Vec::new();
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
                let kind = if r.status == InviteStatus::Invalid {
                    ErrorKind::Usage
                } else {
                    ErrorKind::Conflict
                };
                let detail = r.detail.clone().unwrap_or_else(|| "conflict".into());
                let err = CliError::new(kind, format!("{}: {detail}", r.email));
                if results.len() > 1 {
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
    common::batch_result(failures, results.len())
}
