//! `accessctl orgs roles update NAME`: GET, then PUT /v1/orgs/{org}/roles/{role}.

use super::document::{self, GrantArgs};
use crate::context::Ctx;
use crate::error::CliError;

/// Change a custom org role (organization owners and admins)
///
/// Without `-f`, the flags change the current document: `--project-admin`, `--env` and
/// `--cluster` add grants or replace the one for that project, environment type or
/// cluster, `--remove-project`/`--remove-cluster` take one away, `--name` renames
/// (members keep the role). `-f FILE` replaces the whole document.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs roles update platform-engineers --env api:PRODUCTION=VIEWER\n  accessctl orgs roles update platform-engineers --remove-project web\n  accessctl orgs roles show platform-engineers -o json > r.json && $EDITOR r.json && accessctl orgs roles update platform-engineers -f r.json"
)]
pub struct UpdateArgs {
    /// The role (name or key)
    #[arg(value_name = "NAME", add = crate::complete::org_roles())]
    role: String,
    /// A new name
    #[arg(long, value_name = "NEW")]
    name: Option<String>,
    /// A new description
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    #[command(flatten)]
    grants: GrantArgs,
    /// Take away every grant in project P (repeatable)
    #[arg(long = "remove-project", value_name = "P")]
    remove_project: Vec<String>,
    /// Take away the grant on cluster C (repeatable)
    #[arg(long = "remove-cluster", value_name = "C")]
    remove_cluster: Vec<String>,
    /// The whole new document, JSON or YAML (`-`: stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: Option<String>,
}

pub async fn run(args: &UpdateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let api = ctx.api().await?;
    let mut doc = match &args.file {
        Some(f) => document::read(ctx, f)?,
        None => api.get_org_role(org, args.role.trim()).await?,
    };
    if doc.built_in {
        return Err(
            CliError::usage(format!("{} is a base org role; it cannot be changed", doc.name))
                .with_hint("create a custom role with `accessctl orgs roles create NAME`"),
        );
    }
    if let Some(n) = &args.name {
        doc.name = n.trim().to_owned();
    }
    if let Some(d) = &args.description {
        doc.description = Some(d.clone());
    }
    for p in &args.remove_project {
        let p = p.trim();
        doc.project_permissions
            .retain(|x| !(x.project_id.eq_ignore_ascii_case(p) || x.project_name.as_deref() == Some(p)));
    }
    for c in &args.remove_cluster {
        let c = c.trim();
        doc.cluster_permissions
            .retain(|x| !(x.cluster_id.eq_ignore_ascii_case(c) || x.cluster_name.as_deref() == Some(c)));
    }
    args.grants.apply(&mut doc)?;
    let role = api.update_org_role(org, args.role.trim(), &doc).await?;
    ctx.output().info(&format!("Updated org role {}", role.name));
    ctx.output().one(&role)
}
