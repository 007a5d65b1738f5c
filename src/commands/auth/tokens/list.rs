//! `accessctl auth tokens list`: GET /v1/users/me/tokens (never the tokens themselves).

use crate::context::Ctx;
use crate::error::CliError;

/// List your API tokens
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tokens = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_my_tokens()
        .await?;
    ctx.output().list(&tokens, "No API tokens")
}
