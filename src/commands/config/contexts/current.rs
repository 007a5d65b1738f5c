//! `accessctl config contexts current`: the context in effect.

use crate::context::Ctx;
use crate::error::CliError;

/// Print the name of the context in effect
#[derive(clap::Args, Debug)]
pub struct CurrentArgs {}

pub async fn run(_args: &CurrentArgs, ctx: &Ctx) -> Result<(), CliError> {
    ctx.output().value(ctx.context_name())
}
