//! `accessctl teams create NAME`: POST /v1/teams.

use access_api::CreateTeam;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Create a team (organization owners and admins)
///
/// A team is a named set of users of the organization. Team names are unique in
/// the organization, case-insensitively.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl teams create backend\n  accessctl teams add-member backend --email bob@example.com\n  accessctl roles add-binding --team backend --role developer"
)]
pub struct CreateArgs {
    /// Team name: letters, digits, '.', '_', '-'
    #[arg(value_name = "NAME")]
    name: String,
}

pub async fn run(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = common::name("team name", &args.name)?;
    let req = CreateTeam {
        name,
        org: Some(ctx.settings.org.value.clone()),
    };
    let team = ctx.api().await?.create_team(&req).await?;
    ctx.output().info(&format!("Created team {}", team.name));
    ctx.output().one(&team)
}
