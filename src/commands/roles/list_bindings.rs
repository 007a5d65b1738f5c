//! `accessctl roles list-bindings`: GET /v1/projects/{p}/role-bindings, sorted by
//! role rank, then principal.

use std::collections::HashMap;

use access_api::PrincipalType;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::views::principal_label;

/// List the role bindings of the project
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles list-bindings\n  accessctl roles list-bindings --role admin --principal-type user\n  accessctl -q roles list-bindings --role viewer"
)]
pub struct ListBindingsArgs {
    /// Only bindings of this role
    #[arg(long, value_name = "ROLE", add = crate::complete::roles())]
    role: Option<String>,
    /// Only bindings of this kind of principal
    #[arg(long, value_name = "TYPE", value_parser = ["user", "team", "all-users"])]
    principal_type: Option<String>,
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
    ctx.output().list(&bindings, "No role bindings in this project")
}
