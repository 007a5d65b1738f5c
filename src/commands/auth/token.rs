//! `accessctl auth token`: prints the context's token, to stdout only.

use crate::context::Ctx;
use crate::error::CliError;

/// Print the token of the current context (for scripts: `$(accessctl auth token)`)
#[derive(clap::Args, Debug)]
pub struct TokenArgs {}

pub async fn run(_args: &TokenArgs, ctx: &Ctx) -> Result<(), CliError> {
    if ctx.settings.is_embedded() {
        return Err(CliError::usage(
            "the local context uses no token (it runs the embedded server)",
        ));
    }
    // Only the token of the server in effect: `--server` elsewhere gets none.
    let (token, _) = ctx.require_token()?;
    ctx.output().secret(&token)
}
