//! `accessctl orgs members add --email E [--role R]`: PUT /v1/orgs/{org}/members/{user}.

use access_api::SetOrgMember;

use crate::context::Ctx;
use crate::error::CliError;

/// Add an existing user to the organization (its owners and admins; a server
/// administrator adds plain members)
///
/// The org role applies in every project of the organization: `owner` and `admin`
/// hold every permission there, `devops` manages environments, `viewer` sees,
/// `billing-manager` manages billing, `member` (the default) grants nothing by itself.
/// Adding someone who already is a member with that role changes nothing (exit 0).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl orgs members add --email bob@example.com\n  accessctl --org acme orgs members add --email carol@example.com --role admin"
)]
pub struct AddArgs {
    /// Email (or username) of the user to add
    #[arg(long, value_name = "EMAIL")]
    email: String,
    /// Their org role (default `member`)
    #[arg(long, value_name = "ROLE", add = crate::complete::org_roles())]
    role: Option<String>,
}

pub async fn run(args: &AddArgs, ctx: &Ctx) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    let user = args.email.trim();
    let req = SetOrgMember {
        role: args.role.clone(),
    };
    let (m, added) = ctx
        .api()
        .await?
        .set_org_member(org, user, &req)
        .await
        .map_err(|e| super::super::member_error(e, user))?;
    if added {
        ctx.output()
            .info(&format!("Added {} to organization {org} as {}", m.email, m.role));
    } else {
        ctx.output().info(&format!(
            "{} is a member of organization {org} as {}",
            m.email, m.role
        ));
    }
    ctx.output().one(&m)
}
