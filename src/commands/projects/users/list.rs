//! `accessctl project users list`: GET /v1/projects/{p}/members.

use crate::context::Ctx;
use crate::error::CliError;

/// List the project's members and open invitations
///
/// One row per person: members with their roles, and invitations that are
/// `pending` or `expired`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl project users list\n  accessctl project users list -o json")]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let members = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_members(&project)
        .await
        .map_err(|e| super::super::get::not_found(e, &project))?;
    ctx.output().list(&members, "No members in this project")
}
