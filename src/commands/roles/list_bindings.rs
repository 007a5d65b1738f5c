//! `accessctl roles list-bindings`: GET /v1/projects/{p}/role-bindings, in the
//! server's order (role rank, then principal, then id), each page printed as it
//! arrives.

use access_api::{PrincipalType, RoleBinding};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

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
    let mut pages = api.role_binding_pages(&project, role.as_deref(), principal_type);
    let out = ctx.output();
    let mut list = out.list_stream::<RoleBinding>("No role bindings in this project");
    while !list.is_closed()
        && let Some(page) = pages.next().await?
    {
        list.page(page)?;
    }
    list.finish()
}
