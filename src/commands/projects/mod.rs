//! `accessctl projects …` (alias `project`)

pub mod delete;
pub mod get;
pub mod list;
pub mod new;
pub mod update;
pub mod users;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum ProjectsCommand {
    List(list::ListArgs),
    Get(get::GetArgs),
    New(new::NewArgs),
    Update(update::UpdateArgs),
    Delete(delete::DeleteArgs),
    /// Members and invitations of the project (Goldsky style)
    #[command(subcommand)]
    Users(users::UsersCommand),
}

pub async fn run(cmd: ProjectsCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        ProjectsCommand::List(a) => list::run(&a, ctx).await,
        ProjectsCommand::Get(a) => get::run(&a, ctx).await,
        ProjectsCommand::New(a) => new::run(&a, ctx).await,
        ProjectsCommand::Update(a) => update::run(&a, ctx).await,
        ProjectsCommand::Delete(a) => delete::run(&a, ctx).await,
        ProjectsCommand::Users(c) => users::run(c, ctx).await,
    }
}
