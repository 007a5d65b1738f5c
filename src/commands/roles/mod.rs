//! `accessctl roles …`

pub mod add_binding;
pub mod apply;
pub mod check;
pub mod create;
pub mod delete;
pub mod delete_binding;
pub mod edit;
pub mod export;
pub mod global;
pub mod invitations;
pub mod list;
pub mod list_bindings;
pub mod permissions;
pub mod show;
pub mod update;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum RolesCommand {
    List(list::ListArgs),
    Show(show::ShowArgs),
    Permissions(permissions::PermissionsArgs),
    Create(create::CreateArgs),
    Update(update::UpdateArgs),
    Delete(delete::DeleteArgs),
    Check(check::CheckArgs),
    Export(export::ExportArgs),
    Apply(apply::ApplyArgs),
    Edit(edit::EditArgs),
    ListBindings(list_bindings::ListBindingsArgs),
    AddBinding(add_binding::AddBindingArgs),
    DeleteBinding(delete_binding::DeleteBindingArgs),
    /// Invite people to the project, and manage open invitations
    #[command(subcommand)]
    Invitations(invitations::InvitationsCommand),
}

pub async fn run(cmd: RolesCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        RolesCommand::List(a) => list::run(&a, ctx).await,
        RolesCommand::Show(a) => show::run(&a, ctx).await,
        RolesCommand::Permissions(a) => permissions::run(&a, ctx).await,
        RolesCommand::Create(a) => create::run(&a, ctx).await,
        RolesCommand::Update(a) => update::run(&a, ctx).await,
        RolesCommand::Delete(a) => delete::run(&a, ctx).await,
        RolesCommand::Check(a) => check::run(&a, ctx).await,
        RolesCommand::Export(a) => export::run(&a, ctx).await,
        RolesCommand::Apply(a) => apply::run(&a, ctx).await,
        RolesCommand::Edit(a) => edit::run(&a, ctx).await,
        RolesCommand::ListBindings(a) => list_bindings::run(&a, ctx).await,
        RolesCommand::AddBinding(a) => add_binding::run(&a, ctx).await,
        RolesCommand::DeleteBinding(a) => delete_binding::run(&a, ctx).await,
        RolesCommand::Invitations(c) => invitations::run(c, ctx).await,
    }
}
