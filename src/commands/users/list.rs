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
    let mut users = ctx.api().await?.limited(args.limit.get()).list_users().await?;
    users.sort_by(|a, b| a.username.cmp(&b.username));
    ctx.output().list(&users, "No users")
}
