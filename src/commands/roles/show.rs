//! `accessctl roles show ROLE`: GET /v1/projects/{p}/roles/{role}.

use access_api::permissions;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};
use crate::output::Table;

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
        Err(e) => {
            let mut err = CliError::from(e);
            if err.kind == ErrorKind::NotFound {
                err.message = format!("no role '{}' in project '{project}'", args.role);
                if let Ok(roles) = api.list_roles(&project).await {
                    let names: Vec<_> = roles.into_iter().map(|r| r.name).collect();
                    err.hint = Some(format!("valid roles: {}", names.join(", ")));
                }
            }
            return Err(err);
        }
    };
    let mut table = Table::new(&["PERMISSION", "DESCRIPTION"]);
    for p in &role.permissions {
        let description = permissions::find(p).map(|d| d.description).unwrap_or_default();
        table.push(p.clone(), vec![p.clone(), description.to_owned()]);
    }
    if ctx.output().is_text() {
        let kind = if role.built_in { "built-in" } else { "custom" };
        let owner = if role.owner_grade { ", owner-grade" } else { "" };
        ctx.output().info(&format!(
            "Role {} ({kind}{owner}): {}",
            role.name,
            role.description.clone().unwrap_or_default()
        ));
    }
    ctx.output().print(&role, &table)
}
