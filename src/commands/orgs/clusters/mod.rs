//! `accessctl orgs clusters …`: named resources of the organization that custom
//! org roles grant levels on.

pub mod create;
pub mod delete;
pub mod list;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

/// Clusters of the organization (custom org roles grant VIEWER, ENV_CREATOR or ADMIN on them)
#[derive(Subcommand, Debug)]
pub enum ClustersCommand {
    List(list::ListArgs),
    Create(create::CreateArgs),
    Delete(delete::DeleteArgs),
}

pub async fn run(cmd: ClustersCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        ClustersCommand::List(a) => list::run(&a, ctx).await,
        ClustersCommand::Create(a) => create::run(&a, ctx).await,
        ClustersCommand::Delete(a) => delete::run(&a, ctx).await,
    }
}
