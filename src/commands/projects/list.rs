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
    let pages = ctx.api().await?.limited(args.limit.get()).project_pages();
    crate::commands::common::print_pages(ctx, pages, "No projects").await
}
