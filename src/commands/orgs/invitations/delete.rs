//! `accessctl orgs invitations delete EMAIL...`:
//! DELETE /v1/orgs/{org}/invitations/{email}.

use crate::commands::common;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Revoke open invitations into the organization
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs invitations delete bob@example.com")]
pub struct DeleteArgs {
    /// Emails whose invitation to revoke
    #[arg(required = true, value_name = "EMAIL", add = crate::complete::org_invitations())]
    emails: Vec<String>,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let emails = args
        .emails
        .iter()
        .map(|e| common::email(e))
        .collect::<Result<Vec<_>, _>>()?;
    let org = &ctx.settings.org.value;
    let api = ctx.api().await?;
    let mut failures = Vec::new();
    for email in &emails {
        match api.delete_org_invitation(org, email).await {
            Ok(()) => ctx.output().info(&format!("Deleted the invitation of {email}")),
            Err(e) => {
                let mut err = CliError::from(e);
                if err.kind == ErrorKind::NotFound && err.message.contains(email.as_str()) {
                    err.message = format!("no open invitation for {email} in organization '{org}'");
                    err.set_hint("see `accessctl orgs invitations list`");
                }
                if emails.len() > 1 {
                    ctx.output()
                        .item_failure(&CliError::new(err.kind, err.message.clone()));
                }
                failures.push(err);
            }
        }
    }
    common::batch_result(failures, emails.len())
}
