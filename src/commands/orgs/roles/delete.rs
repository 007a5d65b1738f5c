//! `accessctl orgs roles delete NAME`: DELETE /v1/orgs/{org}/roles/{role}.

use crate::context::Ctx;
use crate::error::CliError;

/// Delete a custom org role nobody holds (organization owners and admins)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs roles delete platform-engineers")]
pub struct DeleteArgs {
    /// The role (name or key)
    #[arg(value_name = "NAME", add = crate::complete::org_roles())]
    name: String,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let name = args.name.trim();
    ctx.api().await?.delete_org_role(org, name).await.map_err(|e| {
        let in_use = e.code() == Some(access_api::ProblemCode::RoleInUse);
        let err = CliError::from(e);
        if in_use {
            err.with_hint(
                "give its members another role first (`accessctl orgs members set-role --email E --role R`)",
            )
        } else {
            err
        }
    })?;
    ctx.output().info(&format!("Deleted org role {name}"));
    Ok(())
}
