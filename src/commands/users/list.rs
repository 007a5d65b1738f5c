//! `accessctl users list`: GET /v1/users.

use crate::context::Ctx;
use crate::error::CliError;

/// List the server's users
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let pages = ctx.api().await?.limited(args.limit.get()).user_pages();
    crate::commands::common::print_pages(ctx, pages, "No users").await
}
