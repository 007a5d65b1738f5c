//! `accessctl orgs list`: GET /v1/orgs.

use crate::context::Ctx;
use crate::error::CliError;

/// List the organizations you belong to (every one, for a server administrator)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs list\n  accessctl orgs list -q   # names only")]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let orgs = ctx.api().await?.limited(args.limit.get()).list_orgs().await?;
    ctx.output().list(&orgs, "No organizations")
}
