//! `accessctl orgs update [NAME] --name NEW`: PATCH /v1/orgs/{org}.

use access_api::UpdateOrg;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Rename an organization (its owners and admins)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs update acme --name acme-corp")]
pub struct UpdateArgs {
    /// The organization (default: the current one, see `--org`)
    #[arg(value_name = "NAME", add = crate::complete::orgs())]
    org: Option<String>,
    /// The new name
    #[arg(long, value_name = "NEW")]
    name: String,
}

pub async fn run(args: &UpdateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = super::org(args.org.as_deref(), ctx);
    let name = common::name("org name", &args.name)?;
    let o = ctx
        .api()
        .await?
        .update_org(org, &UpdateOrg { name: Some(name) })
        .await?;
    ctx.output()
        .info(&format!("Organization {} is now named {}", org, o.name));
    ctx.output().one(&o)
}
