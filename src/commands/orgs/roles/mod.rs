//! `accessctl orgs roles …`: the organization's org roles (the base ones and custom
//! ones shaped like Qovery's).

pub mod create;
pub mod delete;
pub mod document;
pub mod list;
pub mod show;
pub mod update;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

/// Org roles: the base roles and the organization's custom roles
#[derive(Subcommand, Debug)]
pub enum RolesCommand {
    List(list::ListArgs),
    Show(show::ShowArgs),
    Create(create::CreateArgs),
    Update(update::UpdateArgs),
    Delete(delete::DeleteArgs),
}

pub async fn run(cmd: RolesCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        RolesCommand::List(a) => list::run(&a, ctx).await,
        RolesCommand::Show(a) => show::run(&a, ctx).await,
        RolesCommand::Create(a) => create::run(&a, ctx).await,
        RolesCommand::Update(a) => update::run(&a, ctx).await,
        RolesCommand::Delete(a) => delete::run(&a, ctx).await,
    }
}
