//! `accessctl config contexts use NAME`: makes a context current.

use crate::config::{LOCAL_CONTEXT, validate_context_name};
use crate::context::Ctx;
use crate::error::CliError;

/// Make a context current
#[derive(clap::Args, Debug)]
pub struct UseArgs {
    /// Context name (see `accessctl config contexts list`)
    #[arg(value_name = "NAME", add = crate::complete::contexts())]
    name: String,
}

pub async fn run(args: &UseArgs, ctx: &Ctx) -> Result<(), CliError> {
    validate_context_name(&args.name)?;
    let name = args.name.clone();
    ctx.config().update(|c| {
        if name != LOCAL_CONTEXT && !c.contexts.contains_key(&name) {
            return Err(CliError::not_found(format!("no context named '{name}'"))
                .with_hint("see `accessctl config contexts list`"));
        }
        c.current_context = Some(name.clone());
        Ok(())
    })?;
    ctx.output().info(&format!("Switched to context {name}"));
    Ok(())
}
