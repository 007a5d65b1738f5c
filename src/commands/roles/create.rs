//! `accessctl roles create NAME --permission P...`: POST /v1/projects/{p}/roles.

use access_api::{CreateRole, ProblemCode};

use crate::commands::common;
use crate::commands::roles::show;
use crate::context::Ctx;
use crate::error::CliError;

/// Create a custom role in the project
///
/// A custom role holds only permissions you hold yourself, and is never owner-grade
/// (no `owners.manage`). Grant it like any role, with `accessctl roles add-binding`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles create deployer --permission project.view services.view services.deploy\n  accessctl roles create auditor --permission project.view audit.view --description \"Audit log\"\n  accessctl roles permissions        # the permissions there are"
)]
pub struct CreateArgs {
    /// Name of the new role
    #[arg(value_name = "NAME")]
    name: String,
    /// Permissions of the role (several after one flag, or the flag repeated)
    #[arg(
        long = "permission",
        value_name = "PERMISSION",
        num_args = 1..,
        required = true,
        add = crate::complete::permissions()
    )]
    permissions: Vec<String>,
    /// What the role is for
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
}

pub async fn run(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = common::name("role name", &args.name)?;
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let req = CreateRole {
        name: name.clone(),
        description: args.description.clone(),
        permissions: common::permissions(api, &args.permissions).await?,
    };
    let role = match api.create_role(&project, &req).await {
        Ok(role) => role,
        Err(e) if e.code() == Some(ProblemCode::NameTaken) => {
            return Err(
                CliError::conflict(format!("project '{project}' already has a role '{name}'")).with_hint(
                    format!("change it with `accessctl roles update {name} --add-permission …`"),
                ),
            );
        }
        Err(e) => return Err(e.into()),
    };
    ctx.output()
        .info(&format!("Created role {} in project {project}", role.name));
    show::print(&role, ctx)
}
