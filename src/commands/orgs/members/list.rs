//! `accessctl orgs members list`: GET /v1/orgs/{org}/members.

use crate::context::Ctx;
use crate::error::CliError;

/// List the organization's members and their org roles
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs members list\n  accessctl --org acme orgs members list -q   # emails only"
)]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let members = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_org_members(org)
        .await?;
    ctx.output().list(&members, "No members")
}
