//! `accessctl orgs invitations invite-user EMAIL... --role R`:
//! POST /v1/orgs/{org}/invitations.

use access_api::{CreateOrgInvitations, InviteStatus, validate};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Invite people into the organization with an org role (its owners and admins)
///
/// The org role applies in every project of the organization (see `orgs members
/// add`); owners invite with any role, admins with any but `owner`, a server
/// administrator with `member` only. Without mail delivery on the server the
/// CODE column is the invitation code: pass it on. The invitee accepts with
/// `accessctl roles invitations accept CODE`, logged in as their account; a code
/// the server mailed also works for an email without an account. Inviting again
/// with the same role reports "already invited" (exit 0); another role is a
/// conflict (exit 5).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs invitations invite-user bob@example.com --role devops\n  accessctl --org acme orgs invitations invite-user a@example.com b@example.com --role platform-engineers"
)]
pub struct InviteUserArgs {
    /// Emails to invite (1–100)
    #[arg(required = true, value_name = "EMAIL")]
    emails: Vec<String>,
    /// Their org role: a base role (owner, admin, devops, billing-manager, viewer, member) or a custom org role
    #[arg(long, value_name = "ROLE", add = crate::complete::org_roles())]
    role: String,
    /// Days until the invitations expire (1–30; the server's default is 7)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=30))]
    ttl_days: Option<u32>,
}

pub async fn run(args: &InviteUserArgs, ctx: &Ctx) -> Result<(), CliError> {
    let emails = args
        .emails
        .iter()
        .map(|e| common::email(e))
        .collect::<Result<Vec<_>, _>>()?;
    if emails.len() > validate::MAX_INVITE_BATCH {
        return Err(CliError::usage(format!(
            "give at most {} emails at once",
            validate::MAX_INVITE_BATCH
        )));
    }
    let org = &ctx.settings.org.value;
    let req = CreateOrgInvitations {
        emails: emails.clone(),
        role: args.role.trim().to_owned(),
        ttl_days: args.ttl_days,
    };
    let resp = ctx
        .api()
        .await?
        .create_org_invitations(org, &req)
        .await
        .map_err(|e| super::super::member_error(e, org))?;
    let out = ctx.output();
    let mut failures = Vec::new();
    for r in &resp.results {
        let detail = r.detail.clone().unwrap_or_default();
        match r.status {
            InviteStatus::Invited => out.info(&format!("Invited {} into organization {org}", r.email)),
            InviteStatus::AlreadyInvited => out.info(&format!("{} is already invited", r.email)),
            InviteStatus::AlreadyMember => out.info(&format!(
                "{} is already a member of organization {org} with that role",
                r.email
            )),
            InviteStatus::Conflict => failures.push(CliError::conflict(format!("{}: {detail}", r.email))),
            InviteStatus::Invalid => failures.push(CliError::usage(format!("{}: {detail}", r.email))),
        }
    }
    // One email that failed: its error is the whole answer.
    if resp.results.len() > 1 || failures.is_empty() {
        out.list(&resp.results, "No results")?;
        if resp.results.len() > 1 {
            for f in &failures {
                ctx.output().item_failure(f);
            }
        }
    }
    common::batch_result(failures, resp.results.len())
}
