//! `accessctl users delete USER`: DELETE /v1/users/{id}.

use access_api::ProblemCode;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Delete a user with their tokens and role bindings (not the last administrator)
///
/// The server refuses to delete yourself, the last active server administrator
/// and the last owner of a project.
#[derive(clap::Args, Debug)]
pub struct DeleteArgs {
    /// Username, email or id
    #[arg(value_name = "USER")]
    user: String,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let api = ctx.api().await?;
    let user = common::user(api, &args.user).await?;
    ctx.confirm(&format!("delete user '{}' <{}>", user.username, user.email))?;
    api.delete_user(&user.id).await.map_err(|e| {
        let last_admin = e.code() == Some(ProblemCode::LastAdmin);
        let err = CliError::from(e);
        if last_admin {
            CliError::conflict(format!(
                "'{}' is the last active server administrator and cannot be deleted",
                user.username
            ))
            .with_hint("make another user an administrator first: accessctl users update USER --admin")
        } else {
            err
        }
    })?;
    ctx.output().info(&format!("Deleted user {}", user.username));
    Ok(())
}
