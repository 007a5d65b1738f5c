//! `accessctl orgs roles list`: GET /v1/orgs/{org}/roles.

use crate::context::Ctx;
use crate::error::CliError;

/// List the organization's org roles: the base roles, then its custom roles
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs roles list\n  accessctl --org acme orgs roles list -q")]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let roles = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_org_roles(org)
        .await?;
    ctx.output().list(&roles, "No org roles")
}
