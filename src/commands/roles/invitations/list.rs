//! `accessctl roles invitations list`: GET /v1/projects/{p}/invitations.

use access_api::InvitationStatus;

use crate::context::Ctx;
use crate::error::CliError;

/// List the project's open invitations
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles invitations list\n  accessctl roles invitations list --status expired"
)]
pub struct ListArgs {
    /// Which invitations to show
    #[arg(long, value_name = "STATUS", default_value = "all", value_enum)]
    status: Status,
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

/// `--status`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Status {
    Pending,
    Expired,
    All,
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let mut invitations = ctx
        .api()
        .await?
        .limited(args.limit.get())
        .list_invitations(&project)
        .await?;
    invitations.retain(|i| match args.status {
        Status::Pending => i.status == InvitationStatus::Pending,
        Status::Expired => i.status == InvitationStatus::Expired,
        Status::All => true,
    });
    invitations.sort_by(|a, b| a.email.cmp(&b.email));
    ctx.output().list(&invitations, "No invitations in this project")
}
