//! `accessctl roles add-binding`: POST /v1/projects/{p}/role-bindings.

use access_api::{CreateRoleBinding, PrincipalSelector, ProblemCode};

use crate::api::ApiError;
use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::timeparse::{self, Direction};

/// Grant a role to a user, a team or all users
#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("principal").required(true).multiple(false))]
#[command(
    after_help = "Examples:\n  accessctl roles add-binding --email bob@example.com --role developer\n  accessctl roles add-binding --username bob --role admin\n  accessctl roles add-binding --team backend --role developer\n  accessctl roles add-binding --all-users --role viewer --expires-at 30d"
)]
pub struct AddBindingArgs {
    /// The user with this email
    #[arg(long, group = "principal", value_name = "EMAIL", add = crate::complete::members())]
    email: Option<String>,
    /// The user with this username
    #[arg(long, group = "principal", value_name = "USERNAME")]
    username: Option<String>,
    /// The user with this id
    #[arg(long, group = "principal", value_name = "ID")]
    user_id: Option<String>,
    /// The team with this name (see `accessctl teams list`)
    #[arg(long, group = "principal", value_name = "TEAM", add = crate::complete::teams())]
    team: Option<String>,
    /// Every active user of the organization (use with caution)
    #[arg(long, group = "principal")]
    all_users: bool,
    /// Role to grant (case-insensitive)
    #[arg(long, value_name = "ROLE", add = crate::complete::roles())]
    role: String,
    /// When the binding ends: RFC 3339, a date, or a duration from now (30d)
    #[arg(long, value_name = "TIME")]
    expires_at: Option<String>,
}

pub async fn run(args: &AddBindingArgs, ctx: &Ctx) -> Result<(), CliError> {
    let principal = selector(args)?;
    let expires_at = args
        .expires_at
        .as_deref()
        .map(|t| timeparse::parse(t, Direction::Future, timeparse::now()).map_err(CliError::usage))
        .transpose()?;
    let role = common::role(&args.role);
    let project = ctx.project().await?;
    let req = CreateRoleBinding {
        role: role.clone(),
        principal,
        expires_at,
    };
    match ctx.api().await?.create_role_binding(&project, &req).await {
        Ok(binding) => {
            // Only once it is granted: a refused grant warns of nothing.
            if args.all_users {
                ctx.output().warn(&format!(
                    "this grants '{}' to every active user of the organization",
                    binding.role.name
                ));
            }
            ctx.output().info(&format!(
                "Granted role {} in project {project}",
                binding.role.name
            ));
            ctx.output().row(&binding)
        }
        Err(ApiError::Problem { problem, .. }) if problem.code == ProblemCode::BindingExists => {
            let id = problem.existing_id.clone().unwrap_or_default();
            ctx.output().info(&format!(
                "already bound: that principal already has role {role} (binding {id})"
            ));
            if ctx.output().is_quiet() && !id.is_empty() {
                ctx.output().value(&id)?;
            }
            Ok(())
        }
        Err(e) => match &args.team {
            Some(team) => {
                // The team is looked for in the project's org (on this error path only).
                let api = ctx.api().await?;
                let org = match api.get_project(&project).await {
                    Ok(p) => p.org.name,
                    Err(_) => ctx.settings.org.value.clone(),
                };
                Err(common::team_error(api, &org, e, team, None).await)
            }
            None => Err(e.into()),
        },
    }
}

fn selector(args: &AddBindingArgs) -> Result<PrincipalSelector, CliError> {
    let user = |id, username, email| PrincipalSelector::User { id, username, email };
    Ok(if let Some(e) = &args.email {
        user(None, None, Some(common::email(e)?))
    } else if let Some(u) = &args.username {
        user(None, Some(u.trim().to_owned()), None)
    } else if let Some(id) = &args.user_id {
        user(Some(id.trim().to_owned()), None, None)
    } else if let Some(t) = &args.team {
        PrincipalSelector::Team {
            id: None,
            name: Some(t.trim().to_owned()),
        }
    } else {
        PrincipalSelector::AllUsers
    })
}
