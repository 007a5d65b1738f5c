//! `accessctl orgs new NAME`: POST /v1/orgs.

use access_api::CreateOrg;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Create an organization (server administrators); you become its owner
///
/// Projects are created in it with `--org NAME` (or `accessctl config set org NAME`).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs new acme\n  accessctl --org acme projects new shop\n  accessctl --org acme orgs members add --email bob@example.com --role admin"
)]
pub struct NewArgs {
    /// Organization name: letters, digits, '.', '_', '-'
    #[arg(value_name = "NAME")]
    name: String,
}

pub async fn run(args: &NewArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = common::name("org name", &args.name)?;
    let org = ctx.api().await?.create_org(&CreateOrg { name }).await?;
    ctx.output().info(&format!(
        "Created organization {}; select it with `accessctl config set org {}` or `--org {}`",
        org.name, org.name, org.name
    ));
    ctx.output().one(&org)
}
