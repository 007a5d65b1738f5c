//! `accessctl orgs members …`: the members of the current organization (`--org`).

pub mod add;
pub mod list;
pub mod remove;
pub mod set_role;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

/// Members of the organization (`--org`, default `default`) and their org roles
#[derive(Subcommand, Debug)]
pub enum MembersCommand {
    List(list::ListArgs),
    Add(add::AddArgs),
    SetRole(set_role::SetRoleArgs),
    Remove(remove::RemoveArgs),
}

pub async fn run(cmd: MembersCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        MembersCommand::List(a) => list::run(&a, ctx).await,
        MembersCommand::Add(a) => add::run(&a, ctx).await,
        MembersCommand::SetRole(a) => set_role::run(&a, ctx).await,
        MembersCommand::Remove(a) => remove::run(&a, ctx).await,
    }
}
