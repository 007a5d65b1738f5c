//! `accessctl config contexts delete NAME`: removes a context and its stored token.

use crate::config::validate_context_name;
use crate::context::Ctx;
use crate::error::CliError;

/// Delete a context and forget its token
#[derive(clap::Args, Debug)]
pub struct DeleteArgs {
    /// Context name
    #[arg(value_name = "NAME", add = crate::complete::contexts())]
    name: String,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    validate_context_name(&args.name)?;
    let name = args.name.clone();
    ctx.config().update(|c| {
        if c.contexts.remove(&name).is_none() {
            return Err(CliError::not_found(format!("no context named '{name}'"))
                .with_hint("see `accessctl config contexts list`"));
        }
        if c.current_context.as_deref() == Some(name.as_str()) {
            c.current_context = None;
        }
        Ok(())
    })?;
    ctx.tokens().delete(&name)?;
    ctx.output().info(&format!("Deleted context {name}"));
    Ok(())
}
