//! `accessctl auth logout`: forgets the context's stored token.

use crate::context::Ctx;
use crate::error::CliError;

/// Forget the token of the current context
#[derive(clap::Args, Debug)]
pub struct LogoutArgs {}

pub async fn run(_args: &LogoutArgs, ctx: &Ctx) -> Result<(), CliError> {
    let context = ctx.context_name();
    if ctx.tokens().delete(context)? {
        ctx.output().info(&format!("Logged out of context {context}"));
    } else {
        ctx.output()
            .info(&format!("Not logged in to context {context}; nothing to do"));
    }
    if ctx.tokens().env_override() {
        ctx.output()
            .warn("ACCESSCTL_TOKEN is set and is still used until you unset it");
    }
    Ok(())
}
