//! `accessctl auth tokens revoke ID`: DELETE /v1/users/me/tokens/{id}.

use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Revoke one of your API tokens
#[derive(clap::Args, Debug)]
pub struct RevokeArgs {
    /// Token id (see `accessctl auth tokens list`)
    #[arg(value_name = "ID")]
    id: String,
}

pub async fn run(args: &RevokeArgs, ctx: &Ctx) -> Result<(), CliError> {
    ctx.api().await?.revoke_my_token(&args.id).await.map_err(|e| {
        let mut err = CliError::from(e);
        if err.kind == ErrorKind::NotFound {
            err.message = format!("no token with id '{}'", args.id);
            err.hint = Some("see `accessctl auth tokens list`".into());
        }
        err
    })?;
    ctx.output().info(&format!("Revoked token {}", args.id));
    Ok(())
}
