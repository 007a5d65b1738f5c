//! `accessctl audit list`: GET /v1/projects/{p}/audit-events, newest first.

use crate::context::Ctx;
use crate::error::CliError;
use crate::timeparse::{self, Direction};

/// List the project's audit events, newest first
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Only events at or after TIME: RFC 3339, a date, or a duration ago (24h, 7d)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only this action, e.g. role_binding.create
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// Only events by this username
    #[arg(long, value_name = "USER")]
    actor: Option<String>,
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let since = args
        .since
        .as_deref()
        .map(|s| timeparse::parse(s, Direction::Past, timeparse::now()).map_err(CliError::usage))
        .transpose()?;
    let project = ctx.project().await?;
    let events = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_audit_events(
            Some(&project),
            since.as_deref(),
            args.action.as_deref(),
            args.actor.as_deref(),
        )
        .await?;
    ctx.output().list(&events, "No audit events")
}
