//! `accessctl roles show ROLE`: GET /v1/projects/{p}/roles/{role}.

use access_api::{Role, permissions};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;
use crate::output::table::Fit;

/// Show the permissions of a role
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// Role name (case-insensitive)
    #[arg(add = crate::complete::roles())]
    role: String,
}

pub async fn run(args: &ShowArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let role = match api.get_role(&project, &common::role(&args.role)).await {
        Ok(r) => r,
        Err(e) => return Err(common::role_error(api, e, &project, &args.role).await),
    };
    print(&role, ctx)
}

/// A role as `roles show` prints it (also `roles create | update`): a line about the
/// role on stderr, its permissions as a table; JSON is the Role.
pub fn print(role: &Role, ctx: &Ctx) -> Result<(), CliError> {
    // The description is cut on a narrow terminal; the permission never.
    let mut table = Table::new(&["PERMISSION", "DESCRIPTION"]).with_fits(&[Fit::KEEP, Fit::cut(1)]);
    for p in &role.permissions {
        let description = permissions::find(p).map(|d| d.description).unwrap_or_default();
        table.push(p.clone(), vec![p.clone(), description.to_owned()]);
    }
    if ctx.output().is_text() {
        let kind = if role.built_in {
            "built-in"
        } else if role.server_wide {
            "server-wide"
        } else {
            "custom"
        };
        let owner = if role.owner_grade { ", owner-grade" } else { "" };
        let description = match role.description.as_deref() {
            Some(d) if !d.is_empty() => format!(": {d}"),
            _ => String::new(),
        };
        ctx.output()
            .info(&format!("Role {} ({kind}{owner}){description}", role.name));
    }
    ctx.output().print(role, &table)
}
