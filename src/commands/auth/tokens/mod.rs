//! `accessctl auth tokens …`

pub mod create;
pub mod list;
pub mod revoke;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    Create(create::CreateArgs),
    List(list::ListArgs),
    Revoke(revoke::RevokeArgs),
}

pub async fn run(cmd: TokensCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        TokensCommand::Create(a) => create::run(&a, ctx).await,
        TokensCommand::List(a) => list::run(&a, ctx).await,
        TokensCommand::Revoke(a) => revoke::run(&a, ctx).await,
    }
}
