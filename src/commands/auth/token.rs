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
    match ctx.tokens().get(ctx.context_name())? {
        Some((token, _)) => ctx.output().secret(&token),
        None => Err(
            CliError::auth(format!("not logged in to context {}", ctx.context_name()))
                .with_hint("run `accessctl auth login`"),
        ),
    }
}
