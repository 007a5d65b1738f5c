//! `accessctl orgs clusters list`: GET /v1/orgs/{org}/clusters.

use crate::context::Ctx;
use crate::error::CliError;

/// List the organization's clusters
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs clusters list")]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let clusters = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_clusters(org)
        .await?;
    ctx.output().list(&clusters, "No clusters")
}
