//! `accessctl auth tokens revoke ID`: DELETE /v1/users/me/tokens/{id}.

use crate::commands::ids;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Revoke one of your API tokens
///
/// The id may be shortened to a unique prefix of at least 8 characters.
#[derive(clap::Args, Debug)]
pub struct RevokeArgs {
    /// Token id or a unique prefix of it (see `accessctl auth tokens list`)
    #[arg(value_name = "ID")]
    id: String,
}

pub async fn run(args: &RevokeArgs, ctx: &Ctx) -> Result<(), CliError> {
    let api = ctx.api().await?;
    let given = args.id.trim();
    let id = if ids::is_whole(given) {
        given.to_owned()
    } else {
        // A user's own tokens are few: the prefix is matched here.
        let candidates: Vec<(String, String)> = api
            .list_my_tokens()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        ids::pick(given, &candidates, "token", "accessctl auth tokens list")?
    };
    api.revoke_my_token(&id).await.map_err(|e| {
        let mut err = CliError::from(e);
        if err.kind == ErrorKind::NotFound {
            err.message = format!("no token with id '{id}'");
            err.set_hint("see `accessctl auth tokens list`");
        }
        err
    })?;
    ctx.output().info(&format!("Revoked token {id}"));
    Ok(())
}
