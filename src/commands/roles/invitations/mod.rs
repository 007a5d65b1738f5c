//! `accessctl roles invitations …`

pub mod accept;
pub mod delete;
pub mod invite_user;
pub mod list;
pub mod resend;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum InvitationsCommand {
    InviteUser(invite_user::InviteUserArgs),
    List(list::ListArgs),
    Delete(delete::DeleteArgs),
    Resend(resend::ResendArgs),
    Accept(accept::AcceptArgs),
}

pub async fn run(cmd: InvitationsCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        InvitationsCommand::InviteUser(a) => invite_user::run(&a, ctx).await,
        InvitationsCommand::List(a) => list::run(&a, ctx).await,
        InvitationsCommand::Delete(a) => delete::run(&a, ctx).await,
        InvitationsCommand::Resend(a) => resend::run(&a, ctx).await,
        InvitationsCommand::Accept(a) => accept::run(&a, ctx).await,
    }
}
