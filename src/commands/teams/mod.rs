//! `accessctl teams …` (the organization's teams; Loft)

pub mod add_member;
pub mod create;
pub mod delete;
pub mod list;
pub mod members;
pub mod remove_member;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum TeamsCommand {
    List(list::ListArgs),
    Create(create::CreateArgs),
    Delete(delete::DeleteArgs),
    Members(members::MembersArgs),
    AddMember(add_member::AddMemberArgs),
    RemoveMember(remove_member::RemoveMemberArgs),
}

pub async fn run(cmd: TeamsCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        TeamsCommand::List(a) => list::run(&a, ctx).await,
        TeamsCommand::Create(a) => create::run(&a, ctx).await,
        TeamsCommand::Delete(a) => delete::run(&a, ctx).await,
        TeamsCommand::Members(a) => members::run(&a, ctx).await,
        TeamsCommand::AddMember(a) => add_member::run(&a, ctx).await,
        TeamsCommand::RemoveMember(a) => remove_member::run(&a, ctx).await,
    }
}
