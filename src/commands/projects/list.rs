//! `accessctl projects list`: GET /v1/projects.

use crate::context::Ctx;
use crate::error::CliError;

/// List the projects you can see
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let mut projects = ctx.api().await?.limited(args.limit.get()).list_projects().await?;
    projects.sort_by(|a, b| a.name.cmp(&b.name));
    ctx.output().list(&projects, "No projects")
}
