//! `accessctl project users update --email E --role R`:
//! PUT /v1/projects/{p}/members/{email}.

use access_api::SetMemberRole;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Give a member exactly one role (replacing all the roles they hold)
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl project users update --email a@x.com --role admin")]
pub struct UpdateArgs {
    /// Email of the member
    #[arg(long, value_name = "EMAIL", add = crate::complete::members())]
    email: String,
    /// The one role the member ends with (case-insensitive)
    #[arg(long, value_name = "ROLE", add = crate::complete::roles())]
    role: String,
}

pub async fn run(args: &UpdateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let email = common::email(&args.email)?;
    let project = ctx.project().await?;
    let req = SetMemberRole {
        role: common::role(&args.role),
    };
    let member = ctx
        .api()
        .await?
        .set_member_role(&project, &email, &req)
        .await
        .map_err(|e| common::not_a_member(e, &email, &project))?;
    let out = ctx.output();
    out.info(&format!("{email} now has role {} in project {project}", req.role));
    out.row(&member)
}
