//! `accessctl orgs get [NAME]`: GET /v1/orgs/{org}.

use crate::context::Ctx;
use crate::error::CliError;

/// Show an organization (default: the current one, see `--org`)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs get\n  accessctl orgs get acme -o json")]
pub struct GetArgs {
    /// The organization's name or id
    #[arg(value_name = "NAME", add = crate::complete::orgs())]
    name: Option<String>,
}

pub async fn run(args: &GetArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = super::org(args.name.as_deref(), ctx);
    let o = ctx.api().await?.get_org(org).await?;
    ctx.output().one(&o)
}
