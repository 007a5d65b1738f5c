//! `accessctl config unset KEY`: removes a key from the current context.

use crate::config::{KEYS, unknown_key};
use crate::context::Ctx;
use crate::error::CliError;

/// Remove a setting from the current context
#[derive(clap::Args, Debug)]
pub struct UnsetArgs {
    /// One of: project, output, timeout, server
    #[arg(value_name = "KEY")]
    key: String,
}

pub async fn run(args: &UnsetArgs, ctx: &Ctx) -> Result<(), CliError> {
    let key = args.key.trim().to_ascii_lowercase();
    if !KEYS.contains(&key.as_str()) {
        return Err(unknown_key(&key));
    }
    let context = ctx.context_name().to_owned();
    if key == "server" {
        // A token saved without its origin stays with the server it was saved for.
        ctx.tokens()
            .pin(&context, ctx.settings.configured_server.as_deref())?;
    }
    let had = ctx.config().update(|c| match c.contexts.get_mut(&context) {
        Some(table) => {
            let had = table.get(&key).is_some();
            table.set(&key, None)?;
            Ok(had)
        }
        None => Ok(false),
    })?;
    if had {
        ctx.output().info(&format!("Unset {key} in context {context}"));
    } else {
        ctx.output()
            .info(&format!("{key} was not set in context {context}"));
    }
    Ok(())
}
