//! `accessctl orgs clusters create NAME`: POST /v1/orgs/{org}/clusters.

use access_api::CreateCluster;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Create a cluster (organization owners and admins)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs clusters create eu-1")]
pub struct CreateArgs {
    /// Cluster name: letters, digits, '.', '_', '-'
    #[arg(value_name = "NAME")]
    name: String,
}

pub async fn run(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = common::name("cluster name", &args.name)?;
    let org = &ctx.settings.org.value;
    let k = ctx
        .api()
        .await?
        .create_cluster(org, &CreateCluster { name })
        .await?;
    ctx.output()
        .info(&format!("Created cluster {} in organization {org}", k.name));
    ctx.output().one(&k)
}
