//! `accessctl project users remove --email E`: DELETE /v1/projects/{p}/members/{email}.

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Remove a member from the project (all their roles)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl project users remove --email a@x.com")]
pub struct RemoveArgs {
    /// Email of the member
    #[arg(long, value_name = "EMAIL")]
    email: String,
}

pub async fn run(args: &RemoveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let email = common::email(&args.email)?;
    let project = ctx.project().await?;
    ctx.api()
        .await?
        .remove_member(&project, &email)
        .await
        .map_err(|e| common::not_a_member(e, &email, &project))?;
    ctx.output()
        .info(&format!("Removed {email} from project {project}"));
    Ok(())
}
