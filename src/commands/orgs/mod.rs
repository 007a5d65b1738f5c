//! `accessctl orgs …` (organizations and their members; Qovery)

pub mod clusters;
pub mod get;
pub mod invitations;
pub mod list;
pub mod members;
pub mod new;
pub mod roles;
pub mod update;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum OrgsCommand {
    List(list::ListArgs),
    Get(get::GetArgs),
    New(new::NewArgs),
    Update(update::UpdateArgs),
    #[command(subcommand)]
    Members(members::MembersCommand),
    #[command(subcommand)]
    Invitations(invitations::InvitationsCommand),
    #[command(subcommand)]
    Roles(roles::RolesCommand),
    #[command(subcommand)]
    Clusters(clusters::ClustersCommand),
}

pub async fn run(cmd: OrgsCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        OrgsCommand::List(a) => list::run(&a, ctx).await,
        OrgsCommand::Get(a) => get::run(&a, ctx).await,
        OrgsCommand::New(a) => new::run(&a, ctx).await,
        OrgsCommand::Update(a) => update::run(&a, ctx).await,
        OrgsCommand::Members(c) => members::run(c, ctx).await,
        OrgsCommand::Invitations(c) => invitations::run(c, ctx).await,
        OrgsCommand::Roles(c) => roles::run(c, ctx).await,
        OrgsCommand::Clusters(c) => clusters::run(c, ctx).await,
    }
}

/// The org a command acts on: its NAME argument, else `--org` / `ACCESSCTL_ORG` /
/// the context's `org`, else `default`.
pub fn org<'a>(arg: Option<&'a str>, ctx: &'a Ctx) -> &'a str {
    arg.map(str::trim).unwrap_or(&ctx.settings.org.value)
}

/// A membership change's failure in the CLI's words.
pub fn member_error(e: crate::api::ApiError, user: &str) -> CliError {
    use access_api::ProblemCode;
    let code = e.code();
    let mut err = CliError::from(e);
    match code {
        Some(ProblemCode::UserNotFound) => {
            err.message = format!("no user '{user}' on this server");
            err.set_hint(
                "invite them to a project (`accessctl roles invitations invite-user EMAIL --role ROLE`) \
                 or ask a server administrator to create the account (`accessctl users create`)",
            );
        }
        Some(ProblemCode::LastOwner) => {
            err.set_hint("make another member an owner first (`accessctl orgs members set-role --email EMAIL --role owner`)");
        }
        Some(ProblemCode::PrivilegeEscalation) => {
            err.set_hint("only an org owner changes owners; a server administrator adds plain members");
        }
        _ => {}
    }
    err
}
