//! `accessctl orgs clusters delete NAME`: DELETE /v1/orgs/{org}/clusters/{cluster}.

use crate::context::Ctx;
use crate::error::CliError;

/// Delete a cluster no custom org role grants on (organization owners and admins)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs clusters delete eu-1")]
pub struct DeleteArgs {
    /// The cluster
    #[arg(value_name = "NAME", add = crate::complete::clusters())]
    name: String,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let name = args.name.trim();
    ctx.api().await?.delete_cluster(org, name).await?;
    ctx.output().info(&format!("Deleted cluster {name}"));
    Ok(())
}
