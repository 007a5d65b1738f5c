//! `accessctl orgs members set-role --email E --role R`: PUT /v1/orgs/{org}/members/{user}.

use access_api::SetOrgMember;

use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};

/// Change a member's org role (owners change any role; admins every role but `owner`)
///
/// The organization keeps at least one owner: demoting the last one is refused (exit 5).
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl orgs members set-role --email bob@example.com --role devops")]
pub struct SetRoleArgs {
    /// Email (or username) of the member
    #[arg(long, value_name = "EMAIL")]
    email: String,
    /// The new org role
    #[arg(long, value_name = "ROLE", add = crate::complete::org_roles())]
    role: String,
}

pub async fn run(args: &SetRoleArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let user = args.email.trim();
    let api = ctx.api().await?;
    // Setting a role is for members: look first, so that a typo does not add someone.
    let members = api.list_org_members(org).await?;
    let known = members.iter().any(|m| {
        m.email.eq_ignore_ascii_case(user) || m.username.eq_ignore_ascii_case(user) || m.user_id == user
    });
    if !known {
        return Err(CliError::new(
            ErrorKind::NotFound,
            format!("{user} is not a member of organization {org}"),
        )
        .with_hint(format!(
            "add them with `accessctl orgs members add --email {user} --role {}`",
            args.role
        )));
    }
    let req = SetOrgMember {
        role: Some(args.role.clone()),
    };
    let (m, _) = api
        .set_org_member(org, user, &req)
        .await
        .map_err(|e| super::super::member_error(e, user))?;
    ctx.output()
        .info(&format!("{} is now {} of organization {org}", m.email, m.role));
    ctx.output().one(&m)
}
