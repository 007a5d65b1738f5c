//! `accessctl orgs roles create NAME`: POST /v1/orgs/{org}/roles.

use super::document::{self, GrantArgs};
use crate::context::Ctx;
use crate::error::CliError;

/// Create a custom org role (organization owners and admins)
///
/// Like Qovery's custom roles: per project, every permission (`--project-admin P`) or a
/// level per environment type (`--env P:STAGING=DEPLOYER`); per cluster, a level
/// (`--cluster eu-1=ENV_CREATOR`). `-f FILE` takes the whole document as Qovery's
/// customRole JSON (or YAML). Give it to members with `orgs members set-role`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs roles create \"Platform Engineers\" --project-admin web --env api:STAGING=DEPLOYER --cluster eu-1=ENV_CREATOR\n  accessctl orgs roles create -f role.json"
)]
pub struct CreateArgs {
    /// The role's name (free text; its key is the name lower-cased with spaces as '-')
    #[arg(value_name = "NAME", required_unless_present = "file")]
    name: Option<String>,
    /// A description
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    #[command(flatten)]
    grants: GrantArgs,
    /// The role as a JSON or YAML document (`-`: stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: Option<String>,
}

pub async fn run(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let mut doc = match &args.file {
        Some(f) => document::read(ctx, f)?,
        None => document::empty(""),
    };
    if let Some(n) = &args.name {
        doc.name = n.trim().to_owned();
    }
    if let Some(d) = &args.description {
        doc.description = Some(d.clone());
    }
    args.grants.apply(&mut doc)?;
    let org = &ctx.settings.org.value;
    let role = ctx.api().await?.create_org_role(org, &doc).await?;
    ctx.output()
        .info(&format!("Created org role {} in organization {org}", role.name));
    ctx.output().one(&role)
}
