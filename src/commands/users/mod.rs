//! `accessctl users …` (server administrators)

pub mod create;
pub mod disable;
pub mod list;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    List(list::ListArgs),
    Create(create::CreateArgs),
    Disable(disable::DisableArgs),
}

pub async fn run(cmd: UsersCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        UsersCommand::List(a) => list::run(&a, ctx).await,
        UsersCommand::Create(a) => create::run(&a, ctx).await,
        UsersCommand::Disable(a) => disable::run(&a, ctx).await,
    }
}
