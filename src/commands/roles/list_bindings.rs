//! `accessctl roles list-bindings`: GET /v1/projects/{p}/role-bindings, sorted by
//! role rank, then principal. Expired bindings grant nothing: they are left out
//! (counted on stderr) unless `--all`, which shows them marked `expired`.

use std::collections::HashMap;

use access_api::PrincipalType;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::views::{is_past, principal_label};

/// List the role bindings of the project
///
/// Columns: ROLE BINDING ID, ROLE, PRINCIPAL, MFA, and EXPIRES when a binding
/// expires; `-o wide` adds USERNAME, EMAIL, NAME, the exact expiry and CREATED.
/// Expired bindings are left out unless --all.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles list-bindings\n  accessctl roles list-bindings --role admin --principal-type user\n  accessctl -o wide roles list-bindings --all\n  accessctl -q roles list-bindings --role viewer"
)]
pub struct ListBindingsArgs {
    /// Only bindings of this role
    #[arg(long, value_name = "ROLE", add = crate::complete::roles())]
    role: Option<String>,
    /// Only bindings of this kind of principal
    #[arg(long, value_name = "TYPE", value_parser = ["user", "team", "all-users"])]
    principal_type: Option<String>,
    /// Also the expired bindings (marked `expired`)
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    limit: common::Limit,
}

pub async fn run(args: &ListBindingsArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let principal_type = match args.principal_type.as_deref() {
        Some("user") => Some(PrincipalType::User),
        Some("team") => Some(PrincipalType::Team),
        Some("all-users") => Some(PrincipalType::AllUsers),
        _ => None,
    };
    let role = args.role.as_deref().map(common::role);
    let mut bindings = api
        .limited(args.limit.get())
        .list_role_bindings(&project, role.as_deref(), principal_type)
        .await?;
    let ranks: HashMap<String, i64> = api
        .list_roles(&project)
        .await?
        .into_iter()
        .map(|r| (r.id, r.rank))
        .collect();
    bindings.sort_by_cached_key(|b| {
        let rank = ranks.get(&b.role.id).copied().unwrap_or(i64::MAX);
        (rank, principal_label(&b.principal).to_lowercase(), b.id.clone())
    });
    let before = bindings.len();
    if !args.all {
        bindings.retain(|b| !b.expires_at.as_deref().is_some_and(is_past));
    }
    let expired = before - bindings.len();
    let empty = if expired > 0 {
        "No active role bindings in this project"
    } else {
        "No role bindings in this project"
    };
    ctx.output().list(&bindings, empty)?;
    if expired > 0 {
        let s = if expired == 1 { "" } else { "s" };
        ctx.output().info(&format!(
            "{expired} expired binding{s} not shown (--all shows them)"
        ));
    }
    Ok(())
}
