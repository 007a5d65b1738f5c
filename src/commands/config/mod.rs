//! `accessctl config …`

pub mod contexts;
pub mod get;
pub mod list;
pub mod set;
pub mod unset;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    Get(get::GetArgs),
    Set(set::SetArgs),
    Unset(unset::UnsetArgs),
    List(list::ListArgs),
    /// List, switch, rename and delete contexts
    #[command(subcommand)]
    Contexts(contexts::ContextsCommand),
}

pub async fn run(cmd: ConfigCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        ConfigCommand::Get(a) => get::run(&a, ctx).await,
        ConfigCommand::Set(a) => set::run(&a, ctx).await,
        ConfigCommand::Unset(a) => unset::run(&a, ctx).await,
        ConfigCommand::List(a) => list::run(&a, ctx).await,
        ConfigCommand::Contexts(c) => contexts::run(c, ctx).await,
    }
}
