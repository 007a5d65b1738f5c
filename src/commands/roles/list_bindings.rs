//! `accessctl roles list-bindings`: GET /v1/projects/{p}/role-bindings, in the
//! server's order (role rank, then principal, then id), each page printed as it
//! arrives. Expired bindings grant nothing: they are left out (counted on stderr)
//! unless `--all`, which shows them marked `expired`.

use access_api::{PrincipalType, RoleBinding};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::views::is_past;

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
    #[arg(long, value_name = "TYPE", value_enum)]
    principal_type: Option<Kind>,
    /// Also the expired bindings (marked `expired`)
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    limit: common::Limit,
}

/// `--principal-type`: the kinds of principal, as typed.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Kind {
    User,
    Team,
    AllUsers,
}

impl From<Kind> for PrincipalType {
    fn from(k: Kind) -> PrincipalType {
        match k {
            Kind::User => PrincipalType::User,
            Kind::Team => PrincipalType::Team,
            Kind::AllUsers => PrincipalType::AllUsers,
        }
    }
}

pub async fn run(args: &ListBindingsArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let principal_type = args.principal_type.map(PrincipalType::from);
    let role = args.role.as_deref().map(common::role);
    let api = api.limited(args.limit.get());
    let mut pages = api.role_binding_pages(&project, role.as_deref(), principal_type);
    let out = ctx.output();
    let mut list = out.list_stream::<RoleBinding>("No role bindings in this project");
    let mut expired = 0;
    while !list.is_closed()
        && let Some(mut page) = pages.next().await?
    {
        if !args.all {
            let before = page.len();
            page.retain(|b| !b.expires_at.as_deref().is_some_and(is_past));
            expired += before - page.len();
        }
        list.page(page)?;
    }
    list.finish()?;
    if expired > 0 {
        let s = if expired == 1 { "" } else { "s" };
        out.info(&format!(
            "{expired} expired binding{s} not shown (--all shows them)"
        ));
    }
    Ok(())
}
