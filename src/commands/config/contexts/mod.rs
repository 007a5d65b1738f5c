//! `accessctl config contexts …`

pub mod current;
pub mod delete;
pub mod list;
pub mod rename;
pub mod r#use;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum ContextsCommand {
    List(list::ListArgs),
    Current(current::CurrentArgs),
    Use(r#use::UseArgs),
    Rename(rename::RenameArgs),
    Delete(delete::DeleteArgs),
}

pub async fn run(cmd: ContextsCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        ContextsCommand::List(a) => list::run(&a, ctx).await,
        ContextsCommand::Current(a) => current::run(&a, ctx).await,
        ContextsCommand::Use(a) => r#use::run(&a, ctx).await,
        ContextsCommand::Rename(a) => rename::run(&a, ctx).await,
        ContextsCommand::Delete(a) => delete::run(&a, ctx).await,
    }
}
