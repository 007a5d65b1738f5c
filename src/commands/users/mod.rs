//! `accessctl users …` (server administrators)

pub mod create;
pub mod delete;
pub mod disable;
pub mod enable;
pub mod list;
pub mod tokens;
pub mod update;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    List(list::ListArgs),
    Create(create::CreateArgs),
    Update(update::UpdateArgs),
    Disable(disable::DisableArgs),
    Enable(enable::EnableArgs),
    Delete(delete::DeleteArgs),
    /// Issue API tokens for a user
    #[command(subcommand)]
    Tokens(tokens::TokensCommand),
}

pub async fn run(cmd: UsersCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        UsersCommand::List(a) => list::run(&a, ctx).await,
        UsersCommand::Create(a) => create::run(&a, ctx).await,
        UsersCommand::Update(a) => update::run(&a, ctx).await,
        UsersCommand::Disable(a) => disable::run(&a, ctx).await,
        UsersCommand::Enable(a) => enable::run(&a, ctx).await,
        UsersCommand::Delete(a) => delete::run(&a, ctx).await,
        UsersCommand::Tokens(c) => tokens::run(c, ctx).await,
    }
}
