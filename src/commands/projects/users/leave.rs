//! `accessctl project users leave`: DELETE /v1/projects/{p}/members/me.

use access_api::ProblemCode;

use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Leave the project (always allowed, except for its last owner)
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl project users leave\n  accessctl --project web project users leave"
)]
pub struct LeaveArgs {}

pub async fn run(_args: &LeaveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    ctx.api()
        .await?
        .remove_member(&project, "me")
        .await
        .map_err(|e| {
            let last_owner = e.code() == Some(ProblemCode::LastOwner);
            let mut err = CliError::from(e);
            if err.kind == ErrorKind::NotFound {
                err.message = format!("you are not a member of project '{project}' (or cannot see it)");
                err.set_hint("see `accessctl projects list`");
            }
            if last_owner {
                err.message = format!("you are the last owner of project '{project}' and cannot leave it");
                err.set_hint(
                    "make someone else an owner first: `accessctl project users update --email E --role ROLE`"
                );
            }
            err
        })?;
    ctx.output().info(&format!("You left project {project}"));
    Ok(())
}
