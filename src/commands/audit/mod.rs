//! `accessctl audit …`

pub mod list;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    List(list::ListArgs),
}

pub async fn run(cmd: AuditCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        AuditCommand::List(a) => list::run(&a, ctx).await,
    }
}
