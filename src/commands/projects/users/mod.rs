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

/// A 404 about the member, said in the Goldsky tree's words.
fn not_a_member(e: crate::api::ApiError, email: &str, project: &str) -> CliError {
    let user_not_found = e.code() == Some(access_api::ProblemCode::UserNotFound);
    let mut err = CliError::from(e);
    if user_not_found {
        err.message = format!("{email} is not a member of project '{project}'");
    }
    if err.kind == crate::error::ErrorKind::NotFound {
        err.hint = Some(format!(
            "see `accessctl project users list`; invite them with `accessctl project users invite --emails {email}`"
        ));
    }
    err
}
