//! `accessctl orgs invitations …`: invitations into the current organization (`--org`).

pub mod delete;
pub mod invite_user;
pub mod list;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

/// Invitations into the organization (`--org`, default `default`), each with one org role
#[derive(Subcommand, Debug)]
pub enum InvitationsCommand {
    InviteUser(invite_user::InviteUserArgs),
    List(list::ListArgs),
    Delete(delete::DeleteArgs),
}

pub async fn run(cmd: InvitationsCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        InvitationsCommand::InviteUser(a) => invite_user::run(&a, ctx).await,
        InvitationsCommand::List(a) => list::run(&a, ctx).await,
        InvitationsCommand::Delete(a) => delete::run(&a, ctx).await,
    }
}
