//! `accessctl projects delete P`: DELETE /v1/projects/{p}.

use crate::context::Ctx;
use crate::error::CliError;

/// Delete a project with all its bindings and invitations
#[derive(clap::Args, Debug)]
pub struct DeleteArgs {
    /// Project name or id
    #[arg(value_name = "PROJECT", add = crate::complete::projects())]
    project: String,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    ctx.confirm(&format!("delete project '{}'", args.project))?;
    ctx.api()
        .await?
        .delete_project(&args.project)
        .await
        .map_err(|e| super::get::not_found(e, &args.project))?;
    ctx.output().info(&format!("Deleted project {}", args.project));
    Ok(())
}
