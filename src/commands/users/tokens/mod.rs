//! `accessctl users tokens …` (server administrators)

pub mod create;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    Create(create::CreateArgs),
}

pub async fn run(cmd: TokensCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        TokensCommand::Create(a) => create::run(&a, ctx).await,
    }
}
