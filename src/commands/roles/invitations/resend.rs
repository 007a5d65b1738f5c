//! `accessctl roles invitations resend EMAIL`:
//! POST /v1/projects/{p}/invitations/{email}/resend (new code, new expiry).

use access_api::InvitationDelivery;

use crate::commands::common;
use crate::commands::invite::code_cell;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};
use crate::output::Table;

/// Renew an invitation: a new code and a new expiry
///
/// Prints the new code (`-q`: the code alone), or `sent by mail` when the server
/// mails invitations.
#[derive(clap::Args, Debug)]
pub struct ResendArgs {
    /// Email of the invitation
    #[arg(value_name = "EMAIL", add = crate::complete::invitations())]
    email: String,
}

pub async fn run(args: &ResendArgs, ctx: &Ctx) -> Result<(), CliError> {
    let email = common::email(&args.email)?;
    let project = ctx.project().await?;
    let invitation = ctx
        .api()
        .await?
        .resend_invitation(&project, &email)
        .await
        .map_err(|e| {
            let mut err = CliError::from(e);
            if err.kind == ErrorKind::NotFound {
                err.message = format!("no open invitation for {email} in project '{project}'");
                err.set_hint(format!(
                    "invite them: `accessctl roles invitations invite-user {email} --role ROLE`"
                ));
            }
            err
        })?;
    ctx.output().info(&format!("Renewed the invitation of {email}"));
    let mut table = Table::new(&["EMAIL", "ROLE", "EXPIRES", "CODE"]);
    let row = vec![
        invitation.email.clone(),
        invitation.role.name.clone(),
        invitation.expires_at.clone(),
        code_cell(&invitation),
    ];
    // `-q` prints the new code, or nothing when the server mailed it.
    match invitation
        .code
        .as_deref()
        .filter(|_| invitation.delivery != Some(InvitationDelivery::Mail))
    {
        Some(code) => table.push(code, row),
        None if ctx.output().is_quiet() => {}
        None => table.push(invitation.email.clone(), row),
    }
    ctx.output().print(&invitation, &table)
}
