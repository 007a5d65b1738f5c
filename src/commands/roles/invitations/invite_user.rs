//! `accessctl roles invitations invite-user EMAIL... --role R`:
//! POST /v1/projects/{p}/invitations, one result line per email.

use crate::commands::{common, invite};
use crate::context::Ctx;
use crate::error::CliError;

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
    let batch = invite::Batch {
        project: &project,
        emails,
        role: common::role(&args.role),
        ttl_days: args.ttl_days,
        invalid: Vec::new(),
    };
    invite::invite(batch, ctx).await
}
