//! `accessctl orgs members remove --email E`: DELETE /v1/orgs/{org}/members/{user}.

use crate::context::Ctx;
use crate::error::CliError;

/// Remove a member from the organization (`--email me`: leave it)
///
/// Their org role stops applying in the organization's projects. Role bindings
/// granted in a project stay: remove them there (`accessctl roles delete-binding`).
/// The organization keeps at least one owner (exit 5).
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs members remove --email bob@example.com")]
pub struct RemoveArgs {
    /// Email (or username) of the member, or `me`
    #[arg(long, value_name = "EMAIL")]
    email: String,
}

pub async fn run(args: &RemoveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let user = args.email.trim();
    ctx.api()
        .await?
        .remove_org_member(org, user)
        .await
        .map_err(|e| super::super::member_error(e, user))?;
    ctx.output()
        .info(&format!("Removed {user} from organization {org}"));
    Ok(())
}
