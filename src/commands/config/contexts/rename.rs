//! `accessctl config contexts rename OLD NEW`: renames a context and moves its token.

use crate::config::{LOCAL_CONTEXT, validate_context_name};
use crate::context::Ctx;
use crate::error::CliError;

/// Rename a context
#[derive(clap::Args, Debug)]
pub struct RenameArgs {
    /// Current name
    #[arg(value_name = "OLD", add = crate::complete::contexts())]
    old: String,
    /// New name
    #[arg(value_name = "NEW")]
    new: String,
}

pub async fn run(args: &RenameArgs, ctx: &Ctx) -> Result<(), CliError> {
    validate_context_name(&args.old)?;
    validate_context_name(&args.new)?;
    if args.old == LOCAL_CONTEXT || args.new == LOCAL_CONTEXT {
        return Err(CliError::usage(
            "the local context cannot be renamed, nor can another take its name",
        ));
    }
    let (old, new) = (args.old.clone(), args.new.clone());
    ctx.config().update(|c| {
        if c.contexts.contains_key(&new) {
            return Err(CliError::conflict(format!(
                "a context named '{new}' already exists"
            )));
        }
        let table = c.contexts.remove(&old).ok_or_else(|| {
            CliError::not_found(format!("no context named '{old}'"))
                .with_hint("see `accessctl config contexts list`")
        })?;
        c.contexts.insert(new.clone(), table);
        if c.current_context.as_deref() == Some(old.as_str()) {
            c.current_context = Some(new.clone());
        }
        Ok(())
    })?;
    ctx.tokens().rename(&old, &new)?;
    ctx.output().info(&format!("Renamed context {old} to {new}"));
    Ok(())
}
