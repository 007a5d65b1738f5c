//! `accessctl teams members NAME`: GET /v1/teams/{team}/members.

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// List a team's members
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl teams members backend\n  accessctl teams members backend -q   # emails only"
)]
pub struct MembersArgs {
    /// The team (case-insensitive)
    #[arg(value_name = "NAME", add = crate::complete::teams())]
    name: String,
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &MembersArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = args.name.trim();
    let api = ctx.api().await?;
    match api
        .limited(args.limit.get())
        .list_team_members(&ctx.settings.org.value, name)
        .await
    {
        Ok(members) => ctx.output().list(&members, "No members"),
        Err(e) => Err(common::team_error(api, &ctx.settings.org.value, e, name, None).await),
    }
}
