//! `accessctl roles list`: GET /v1/projects/{p}/roles.

use crate::context::Ctx;
use crate::error::CliError;

/// List the roles of the project
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let mut roles = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_roles(&project)
        .await?;
    roles.sort_by_key(|r| r.rank);
    ctx.output().list(&roles, "No roles in this project")
}
