//! `accessctl roles check PERMISSION... [--user EMAIL|USERNAME]`:
//! POST /v1/projects/{p}/permissions:check. Exit 0 when all are allowed, 6 otherwise.

use access_api::{Grant, PermissionCheckRequest, Principal, PrincipalSelector, ProblemCode};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;
use crate::output::table::Fit;
use crate::output::views::principal_label;

/// Check permissions in the project: allowed or denied, and which bindings grant them
///
/// Without --user, your own permissions. Exit 0 when every permission is allowed, 6
/// when any is denied (the table is printed either way). GRANTED BY explains each
/// path: the role, the principal the binding is for when it is not the user
/// (`developer via team:backend (binding ID)`, `viewer via All Users (binding ID)`),
/// and the granted permission when it implies the one asked
/// (`env.staging.deploy ⇒ env.staging.view`); `org role` when only the user's
/// organization role grants it.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles check services.deploy\n  accessctl roles check members.manage owners.manage --user bob@example.com\n  accessctl -q roles check secrets.view secrets.manage --user bob   # prints the denied ones\n  if accessctl roles check services.deploy >/dev/null 2>&1; then deploy; fi"
)]
pub struct CheckArgs {
    /// Permissions to check (see `accessctl roles permissions`)
    #[arg(required = true, value_name = "PERMISSION", add = crate::complete::permissions())]
    permissions: Vec<String>,
    /// Whose permissions: a user's email or username [default: you]
    #[arg(long, value_name = "EMAIL|USERNAME", add = crate::complete::members())]
    user: Option<String>,
}

pub async fn run(args: &CheckArgs, ctx: &Ctx) -> Result<(), CliError> {
    let principal = match args.user.as_deref().map(str::trim) {
        None => None,
        Some(u) if u.contains('@') => Some(PrincipalSelector::User {
            id: None,
            username: None,
            email: Some(common::email(u)?),
        }),
        Some("") => return Err(CliError::usage("--user needs an email or a username")),
        Some(u) => Some(PrincipalSelector::User {
            id: None,
            username: Some(u.to_owned()),
            email: None,
        }),
    };
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let (clusters, catalogued): (Vec<String>, Vec<String>) = args
        .permissions
        .iter()
        .cloned()
        .partition(|p| p.trim().starts_with("clusters."));
    let mut permissions = common::permissions(api, &catalogued).await?;
    for c in clusters {
        permissions.push(cluster_permission(&c)?);
    }
    let req = PermissionCheckRequest {
        principal,
        permissions,
    };
    let checks = match api.check_permissions(&project, &req).await {
        Ok(r) => r.results,
        Err(e) if e.code() == Some(ProblemCode::UserNotFound) => {
            let user = args.user.as_deref().unwrap_or_default().trim();
            return Err(CliError::not_found(format!("no user '{user}'"))
                .with_hint("see `accessctl project users list`"));
        }
        Err(e) => return Err(e.into()),
    };
    // GRANTED BY (the paths) is cut on a narrow terminal; a pipe shows it whole.
    let mut table =
        Table::new(&["PERMISSION", "ALLOWED", "GRANTED BY"]).with_fits(&[Fit::KEEP, Fit::KEEP, Fit::cut(1)]);
    for c in &checks {
        let allowed = if c.allowed { "yes" } else { "no" };
        table.push(
            c.permission.clone(),
            vec![
                c.permission.clone(),
                allowed.to_owned(),
                granted_by(&c.permission, c.allowed, &c.granted_by, c.org_role.as_deref()),
            ],
        );
    }
    let denied: Vec<String> = checks
        .iter()
        .filter(|c| !c.allowed)
        .map(|c| c.permission.clone())
        .collect();
    // `-q` prints what is missing.
    table.ids = denied.clone();
    ctx.output().print(&checks, &table)?;
    if denied.is_empty() {
        return Ok(());
    }
    let who = match args.user.as_deref() {
        Some(u) => format!("{} lacks", u.trim()),
        None => "you lack".to_owned(),
    };
    Err(
        CliError::denied(format!("{who} {} in project '{project}'", denied.join(", ")))
            .with_hint("`accessctl roles permissions --matrix` shows which roles grant what"),
    )
}

/// `clusters.<name>.<level>`: what an org role grants on an organization's cluster,
/// `level` one of `viewer`, `env-creator`, `admin` (each implies the ones before).
fn cluster_permission(p: &str) -> Result<String, CliError> {
    let p = p.trim().to_ascii_lowercase();
    let level = p.rsplit_once('.').map(|(_, l)| l).unwrap_or("");
    let name_ok = p
        .strip_prefix("clusters.")
        .and_then(|r| r.rsplit_once('.'))
        .is_some_and(|(name, _)| !name.is_empty());
    if name_ok && access_api::permissions::CLUSTER_LEVELS.contains(&level) {
        Ok(p)
    } else {
        Err(
            CliError::usage(format!("invalid cluster permission '{p}'")).with_hint(
                "cluster permissions are clusters.NAME.LEVEL, LEVEL one of viewer, env-creator, admin",
            ),
        )
    }
}

fn granted_by(permission: &str, allowed: bool, grants: &[Grant], org_role: Option<&str>) -> String {
    let mut paths: Vec<String> = grants.iter().map(|g| explain(permission, g)).collect();
    match org_role {
        Some(r) => paths.push(format!("org role {r}")),
        // An older server that does not name it.
        None if paths.is_empty() && allowed => paths.push("org role".into()),
        None => {}
    }
    paths.join("; ")
}

/// `developer via team:backend (binding ID)`, `viewer via All Users (binding ID)`,
/// `admin (binding ID)` for the user's own binding; then `, GRANTED ⇒ ASKED` when
/// the role grants a permission that implies the one asked.
fn explain(permission: &str, g: &Grant) -> String {
    let via = match &g.principal {
        Principal::User { .. } => String::new(),
        other => format!(" via {}", principal_label(other)),
    };
    let mut s = format!("{}{via} (binding {})", g.role, g.binding_id);
    if !g.permission.is_empty() && g.permission != permission {
        s.push_str(&format!(", {} ⇒ {permission}", g.permission));
    }
    s
}
