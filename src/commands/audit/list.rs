//! `accessctl audit list [--org NAME | --server-wide]`: the project's, the org's or the
//! server's audit events, newest first.

use crate::api::AuditScope;
use crate::context::Ctx;
use crate::error::CliError;
use crate::settings::Source;
use crate::timeparse::{self, Direction};

/// List audit events, newest first: the project's, the org's or the server's
///
/// Without a flag, the project's events. With `--org NAME` on the command line, that
/// organization's: its team changes and every event of its projects, for org
/// owners and admins (the org from ACCESSCTL_ORG or the context does not change
/// what is listed). --server-wide: every event, including users, tokens and the
/// bootstrap, for server administrators.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl audit list --since 7d\n  accessctl audit list --action role_binding.create\n  accessctl audit list --org default\n  accessctl audit list --server-wide --action user.create"
)]
pub struct ListArgs {
    /// Every event on the server (server administrators)
    #[arg(long)]
    server_wide: bool,
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
    if let Some(action) = args.action.as_deref() {
        check_action(action)?;
    }
    let org = &ctx.settings.org;
    let org_flag = matches!(org.source, Source::Flag(_));
    if org_flag && args.server_wide {
        return Err(CliError::usage("--org and --server-wide cannot be used together")
            .with_hint("--server-wide lists every org's events"));
    }
    let project;
    let scope = if args.server_wide {
        AuditScope::Server
    } else if org_flag {
        AuditScope::Org(&org.value)
    } else {
        project = ctx.project().await?;
        AuditScope::Project(&project)
    };
    let pages = ctx.api().await?.limited(args.limit.get()).audit_event_pages(
        scope,
        since.as_deref(),
        args.action.as_deref(),
        args.actor.as_deref(),
    );
    crate::commands::common::print_pages(ctx, pages, "No audit events").await
}

/// `--action` must be one the server writes; a typo would list nothing.
fn check_action(action: &str) -> Result<(), CliError> {
    if access_api::audit::is_action(action) {
        return Ok(());
    }
    let actions = access_api::audit::ACTIONS;
    Err(
        CliError::usage(format!("unknown audit action '{action}'")).with_hint(
            crate::suggest::did_you_mean(action, actions.iter().copied())
                .unwrap_or_else(|| format!("one of: {}", actions.join(", "))),
        ),
    )
}
