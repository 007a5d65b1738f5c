//! `accessctl orgs invitations list`: GET /v1/orgs/{org}/invitations.

use access_api::InvitationStatus;

use crate::context::Ctx;
use crate::error::CliError;

/// List the organization's open invitations (its owners and admins)
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs invitations list\n  accessctl --org acme orgs invitations list --status expired"
)]
pub struct ListArgs {
    /// Which invitations to show
    #[arg(long, value_name = "STATUS", default_value = "all", value_parser = ["pending", "expired", "all"])]
    status: String,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let mut invitations = ctx.api().await?.list_org_invitations(org).await?;
    invitations.retain(|i| match args.status.as_str() {
        "pending" => i.status == InvitationStatus::Pending,
        "expired" => i.status == InvitationStatus::Expired,
        _ => true,
    });
    invitations.sort_by(|a, b| a.email.cmp(&b.email));
    ctx.output()
        .list(&invitations, &format!("No invitations in organization {org}"))
}
