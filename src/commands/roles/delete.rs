//! `accessctl roles delete ROLE`: DELETE /v1/projects/{p}/roles/{role}.

use access_api::ProblemCode;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Delete a custom role
///
/// Built-in roles (the preset's) cannot be deleted. A role that still has bindings
/// or open invitations is refused (exit 5): remove those first.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles delete deployer\n  accessctl roles list-bindings --role deployer   # the bindings in the way"
)]
pub struct DeleteArgs {
    /// The custom role to delete (case-insensitive)
    #[arg(value_name = "ROLE", add = crate::complete::custom_roles())]
    role: String,
    /// A server-wide role: delete it from every project of the organization
    /// (server administrators; refused while any project binds it)
    #[arg(long)]
    global: bool,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let role = common::role(&args.role);
    if args.global {
        return super::global::delete(ctx, &role).await;
    }
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    match api.delete_role(&project, &role).await {
        Ok(()) => {
            ctx.output().info(&format!(
                "Deleted role {} from project {project}",
                args.role.trim()
            ));
            Ok(())
        }
        Err(e) if e.code() == Some(ProblemCode::RoleInUse) => Err(CliError::from(e).with_hint(format!(
            "see `accessctl roles list-bindings --role {role}` and `accessctl roles invitations list`"
        ))),
        Err(e) => Err(common::role_error(api, e, &project, &args.role).await),
    }
}
