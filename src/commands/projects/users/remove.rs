//! `accessctl project users remove --email E`: DELETE /v1/projects/{p}/members/{email};
//! an email that is only invited (a `pending`/`expired` row of `project users list`)
//! has its invitation revoked instead (DELETE …/invitations/{email}).

use crate::commands::common;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Remove a member from the project (all their roles), or revoke their invitation
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl project users remove --email a@x.com")]
pub struct RemoveArgs {
    /// Email of the member (or of the invitee)
    #[arg(long, value_name = "EMAIL", add = crate::complete::members())]
    email: String,
}

pub async fn run(args: &RemoveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let email = common::email(&args.email)?;
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    match api.remove_member(&project, &email).await {
        Ok(()) => {
            ctx.output()
                .info(&format!("Removed {email} from project {project}"));
            Ok(())
        }
        Err(e) => {
            let err = common::not_a_member(e, &email, &project);
            if err.kind != ErrorKind::NotFound {
                return Err(err);
            }
            // Not a member: perhaps only invited.
            match api.delete_invitation(&project, &email).await {
                Ok(()) => {
                    ctx.output()
                        .info(&format!("Revoked the invitation of {email} to project {project}"));
                    Ok(())
                }
                Err(inv) => {
                    let inv = CliError::from(inv);
                    Err(if inv.kind == ErrorKind::NotFound { err } else { inv })
                }
            }
        }
    }
}
