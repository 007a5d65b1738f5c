//! `accessctl project users …`: the Goldsky tree over the members view.

pub mod invite;
pub mod leave;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    List(list::ListArgs),
    Invite(invite::InviteArgs),
    Update(update::UpdateArgs),
    Remove(remove::RemoveArgs),
    Leave(leave::LeaveArgs),
}

pub async fn run(cmd: UsersCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        UsersCommand::List(a) => list::run(&a, ctx).await,
        UsersCommand::Invite(a) => invite::run(&a, ctx).await,
        UsersCommand::Update(a) => update::run(&a, ctx).await,
        UsersCommand::Remove(a) => remove::run(&a, ctx).await,
        UsersCommand::Leave(a) => leave::run(&a, ctx).await,
    }
}
