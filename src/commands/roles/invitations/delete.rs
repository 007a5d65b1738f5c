//! `accessctl roles invitations delete EMAIL...`:
//! DELETE /v1/projects/{p}/invitations/{email}.

use crate::commands::common;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Revoke open invitations
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl roles invitations delete carol@example.com")]
pub struct DeleteArgs {
    /// Emails whose invitation to revoke
    #[arg(required = true, value_name = "EMAIL", add = crate::complete::invitations())]
    emails: Vec<String>,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let emails = args
        .emails
        .iter()
        .map(|e| common::email(e))
        .collect::<Result<Vec<_>, _>>()?;
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let mut failures = Vec::new();
    for email in &emails {
        match api.delete_invitation(&project, email).await {
            Ok(()) => ctx.output().info(&format!("Deleted the invitation of {email}")),
            Err(e) => {
                let mut err = CliError::from(e);
                if err.kind == ErrorKind::NotFound {
                    err.message = format!("no open invitation for {email} in project '{project}'");
                    err.set_hint("see `accessctl roles invitations list`");
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
