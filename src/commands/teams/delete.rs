//! `accessctl teams delete NAME`: DELETE /v1/teams/{team}.

use access_api::ProblemCode;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Delete a team (organization owners and admins)
///
/// A team that still holds roles in a project is refused (exit 5): delete those
/// role bindings first. Its members keep their accounts and their own bindings.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl teams delete backend\n  accessctl --project shop roles list-bindings --principal-type team   # the bindings in the way"
)]
pub struct DeleteArgs {
    /// The team (case-insensitive)
    #[arg(value_name = "NAME", add = crate::complete::teams())]
    name: String,
}

pub async fn run(args: &DeleteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = args.name.trim();
    let api = ctx.api().await?;
    match api.delete_team(&ctx.settings.org.value, name).await {
        Ok(()) => {
            ctx.output().info(&format!("Deleted team {name}"));
            Ok(())
        }
        Err(e) if e.code() == Some(ProblemCode::TeamInUse) => Err(CliError::from(e).with_hint(
            "see `accessctl --project PROJECT roles list-bindings --principal-type team` \
             and delete them with `accessctl roles delete-binding ID`",
        )),
        Err(e) => Err(common::team_error(api, &ctx.settings.org.value, e, name, None).await),
    }
}
