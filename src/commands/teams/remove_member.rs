//! `accessctl teams remove-member NAME --email E`: DELETE /v1/teams/{team}/members/{user}.

use crate::commands::common;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Remove a member from a team (organization owners and admins)
///
/// They lose the roles they held through the team; their own bindings stay.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl teams remove-member backend --email bob@example.com")]
pub struct RemoveMemberArgs {
    /// The team (case-insensitive)
    #[arg(value_name = "NAME", add = crate::complete::teams())]
    name: String,
    /// Email of the member to remove
    #[arg(long, value_name = "EMAIL", add = crate::complete::team_members())]
    email: String,
}

pub async fn run(args: &RemoveMemberArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = args.name.trim();
    let email = common::email(&args.email)?;
    let api = ctx.api().await?;
    match api
        .remove_team_member(&ctx.settings.org.value, name, &email)
        .await
    {
        Ok(()) => {
            ctx.output().info(&format!("Removed {email} from team {name}"));
            Ok(())
        }
        Err(e) => {
            let mut err = common::team_error(api, &ctx.settings.org.value, e, name, Some(&email)).await;
            if err.kind == ErrorKind::NotFound && err.hints.is_empty() {
                err.set_hint(format!("see `accessctl teams members {name}`"));
            }
            Err(err)
        }
    }
}
