//! `accessctl roles permissions [--matrix]`: GET /v1/permissions (and the roles).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;

/// List the permission catalogue
#[derive(clap::Args, Debug)]
pub struct PermissionsArgs {
    /// Show a permission × role table of the project's roles
    #[arg(long)]
    matrix: bool,
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

#[derive(Serialize)]
struct MatrixRow {
    permission: String,
    roles: BTreeMap<String, bool>,
}

pub async fn run(args: &PermissionsArgs, ctx: &Ctx) -> Result<(), CliError> {
    if !args.matrix {
        let catalogue = ctx
            .api()
            .await?
            .limited(args.limit.get())
            .list_permissions()
            .await?;
        return ctx.output().list(&catalogue, "The server has no permissions");
    }
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let catalogue = api.list_permissions().await?;
    let mut roles = api.list_roles(&project).await?;
    roles.sort_by_key(|r| r.rank);
    let mut headers = vec!["PERMISSION"];
    headers.extend(roles.iter().map(|r| r.name.as_str()));
    let mut table = Table::new(&headers);
    let mut rows = Vec::new();
    for p in &catalogue {
        let grants: Vec<bool> = roles.iter().map(|r| r.permissions.contains(&p.name)).collect();
        if !grants.iter().any(|g| *g) {
            continue;
        }
        if args.limit.get().is_some_and(|n| rows.len() >= n) {
            break;
        }
        let mut cells = vec![p.name.clone()];
        cells.extend(
            grants
                .iter()
                .map(|g| if *g { "✓".to_owned() } else { String::new() }),
        );
        table.push(p.name.clone(), cells);
        let by_role = roles
            .iter()
            .zip(&grants)
            .map(|(r, g)| (r.name.clone(), *g))
            .collect();
        rows.push(MatrixRow {
            permission: p.name.clone(),
            roles: by_role,
        });
    }
    ctx.output().print(&rows, &table)
}
