//! `accessctl teams list`: GET /v1/teams.

use crate::context::Ctx;
use crate::error::CliError;

/// List the organization's teams
///
/// Everyone in the organization sees its teams. Bind a team to a role with
/// `accessctl roles add-binding --team NAME --role ROLE`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl teams list\n  accessctl teams list -q   # names only")]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let mut teams = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_teams(&ctx.settings.org.value)
        .await?;
    teams.sort_by_key(|t| t.name.to_ascii_lowercase());
    ctx.output().list(&teams, "No teams")
}
