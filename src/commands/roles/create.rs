//! `accessctl roles create NAME --permission P...`: POST /v1/projects/{p}/roles.

use access_api::{CreateRole, ProblemCode};

use crate::commands::common;
use crate::commands::roles::show;
use crate::context::Ctx;
use crate::error::CliError;

/// Create a custom role in the project, or with `--global` in every project
///
/// A custom role holds only permissions you hold yourself, and is never owner-grade
/// (no `owners.manage`). Grant it like any role, with `accessctl roles add-binding`.
/// `--global` (server administrators) defines it in every project of the
/// organization (`--org`), now and later; `--from ROLE` starts from a copy of a
/// preset role's or another server-wide role's permissions.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles create deployer --permission project.view services.view services.deploy\n  accessctl roles create auditor --permission project.view audit.view --description \"Audit log\"\n  accessctl roles permissions        # the permissions there are\n  accessctl roles create release-manager --global --from viewer --permission env.production.deploy"
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
        required_unless_present = "from",
        add = crate::complete::permissions()
    )]
    permissions: Vec<String>,
    /// What the role is for
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// A server-wide role: in every project of the organization (server administrators)
    #[arg(long)]
    global: bool,
    /// With --global: start from this role's permissions (a preset role, or another
    /// server-wide role)
    #[arg(long, value_name = "ROLE", requires = "global")]
    from: Option<String>,
}

pub async fn run(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = common::name("role name", &args.name)?;
    if args.global {
        let perms = args.permissions.clone();
        return super::global::create(
            ctx,
            &name,
            &perms,
            args.from.as_deref(),
            args.description.as_deref(),
        )
        .await;
    }
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
