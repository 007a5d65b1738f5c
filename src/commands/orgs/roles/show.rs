//! `accessctl orgs roles show NAME`: GET /v1/orgs/{org}/roles/{role}.

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::table::{Fit, Table};

/// Show what an org role grants, project by project and cluster by cluster
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs roles show platform-engineers\n  accessctl orgs roles show platform-engineers -o json > role.json   # a document for -f"
)]
pub struct ShowArgs {
    /// The role (name, or its key such as `platform-engineers`)
    #[arg(value_name = "NAME", add = crate::complete::org_roles())]
    name: String,
}

pub async fn run(args: &ShowArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let role = ctx.api().await?.get_org_role(org, args.name.trim()).await?;
    let mut table = Table::new(&["ON", "NAME", "ACCESS"]).with_fits(&[Fit::KEEP, Fit::KEEP, Fit::cut(1)]);
    for p in &role.project_permissions {
        let name = p.project_name.clone().unwrap_or_else(|| p.project_id.clone());
        let access = if p.is_admin {
            "ADMIN".to_owned()
        } else {
            p.permissions
                .iter()
                .map(|e| format!("{}={}", e.environment_type, e.permission))
                .collect::<Vec<_>>()
                .join(" ")
        };
        table.push(name.clone(), vec!["project".into(), name, access]);
    }
    for c in &role.cluster_permissions {
        let name = c.cluster_name.clone().unwrap_or_else(|| c.cluster_id.clone());
        table.push(name.clone(), vec!["cluster".into(), name, c.permission.clone()]);
    }
    if role.built_in {
        ctx.output().info(&format!(
            "{} is a base org role: {}",
            role.name,
            role.description.as_deref().unwrap_or("")
        ));
    }
    ctx.output().print(&role, &table)
}
