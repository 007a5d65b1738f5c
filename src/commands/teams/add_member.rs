//! `accessctl teams add-member NAME --email E`: PUT /v1/teams/{team}/members/{user}.

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Add a member of the organization to a team (organization owners and admins)
///
/// The user gets every role the team holds, in every project the team is bound in.
/// Adding someone who already is a member changes nothing (exit 0).
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl teams add-member backend --email bob@example.com")]
pub struct AddMemberArgs {
    /// The team (case-insensitive)
    #[arg(value_name = "NAME", add = crate::complete::teams())]
    name: String,
    /// Email of the user to add
    #[arg(long, value_name = "EMAIL", add = crate::complete::members())]
    email: String,
}

pub async fn run(args: &AddMemberArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = args.name.trim();
    let email = common::email(&args.email)?;
    let api = ctx.api().await?;
    match api.add_team_member(&ctx.settings.org.value, name, &email).await {
        Ok((member, true)) => {
            ctx.output()
                .info(&format!("Added {} to team {name}", member.email));
            ctx.output().one(&member)
        }
        Ok((member, false)) => {
            ctx.output()
                .info(&format!("already a member: {} is in team {name}", member.email));
            if ctx.output().is_quiet() {
                ctx.output().value(&member.email)?;
            }
            Ok(())
        }
        Err(e) => Err(common::team_error(api, &ctx.settings.org.value, e, name, Some(&email)).await),
    }
}
