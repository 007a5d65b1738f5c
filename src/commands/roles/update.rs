//! `accessctl roles update ROLE [--add-permission P...] [--remove-permission P...]
//! [--description D]`: GET then PUT /v1/projects/{p}/roles/{role} with `If-Match`.

use access_api::{ProblemCode, UpdateRole, validate};

use crate::commands::common;
use crate::commands::roles::show;
use crate::context::Ctx;
use crate::error::CliError;

/// Reads of the role before giving up when the project keeps changing under us.
const ATTEMPTS: usize = 3;

/// Change a custom role: add or remove permissions, set its description
///
/// The change applies to everyone bound to the role. The role is read and written
/// back with `If-Match`, so a concurrent change is never overwritten. Built-in
/// roles (the preset's) cannot be changed in one project; a server administrator
/// changes a preset's default role (not the owner-grade one) for every project of
/// the preset on the server, now and later: the plan is shown and confirmed (a
/// prompt on a terminal, else `--yes`), and `roles list` marks the role `modified`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles update deployer --add-permission routes.view routes.manage\n  accessctl roles update deployer --remove-permission services.deploy\n  accessctl roles update auditor --description \"Reads the audit log\""
)]
pub struct UpdateArgs {
    /// The custom role to change (case-insensitive)
    #[arg(value_name = "ROLE", add = crate::complete::custom_roles())]
    role: String,
    /// Permissions to add
    #[arg(
        long = "add-permission",
        value_name = "PERMISSION",
        num_args = 1..,
        add = crate::complete::permissions()
    )]
    add: Vec<String>,
    /// Permissions to remove
    #[arg(
        long = "remove-permission",
        value_name = "PERMISSION",
        num_args = 1..,
        add = crate::complete::permissions()
    )]
    remove: Vec<String>,
    /// New description
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// A server-wide role: change it in every project of the organization
    /// (server administrators)
    #[arg(long)]
    global: bool,
}

pub async fn run(args: &UpdateArgs, ctx: &Ctx) -> Result<(), CliError> {
    if args.add.is_empty() && args.remove.is_empty() && args.description.is_none() {
        return Err(CliError::usage("nothing to change")
            .with_hint("pass --add-permission, --remove-permission or --description"));
    }
    let role = common::role(&args.role);
    if args.global {
        return super::global::update(ctx, &role, &args.add, &args.remove, args.description.as_deref()).await;
    }
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let (add, remove) = if args.add.is_empty() && args.remove.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let all: Vec<String> = args.add.iter().chain(&args.remove).cloned().collect();
        common::permissions(api, &all).await?;
        let norm = |v: &[String]| -> Vec<String> { v.iter().map(|p| validate::normalize(p)).collect() };
        (norm(&args.add), norm(&args.remove))
    };
    if let Some(p) = add.iter().find(|p| remove.contains(p)) {
        return Err(CliError::usage(format!("'{p}' is both added and removed")));
    }
    if add.is_empty() && remove.is_empty() {
        // Only the description: nothing to read first.
        let req = UpdateRole {
            description: args.description.clone(),
            permissions: None,
        };
        let updated = match api.update_role(&project, &role, &req, None).await {
            Ok(r) => r,
            Err(e) => return Err(common::role_error(api, e, &project, &args.role).await),
        };
        ctx.output().info(&format!("Updated role {}", updated.name));
        return show::print(&updated, ctx);
    }
    for _ in 0..ATTEMPTS {
        let (current, etag) = match api.get_role_tagged(&project, &role).await {
            Ok(r) => r,
            Err(e) => return Err(common::role_error(api, e, &project, &args.role).await),
        };
        if current.built_in && !current.server_wide && !current.owner_grade && api.me().await?.is_admin {
            return super::global::update_default(ctx, &project, &current, &add, &remove).await;
        }
        if current.built_in {
            return Err(CliError::auth(format!(
                "'{}' is a built-in role of the project's preset and cannot be changed",
                current.name
            ))
            .with_hint("make a custom role with `accessctl roles create`"));
        }
        if current.server_wide {
            // The server refuses it too; said here with the command that does it.
            return Err(CliError::auth(format!(
                "'{}' is a server-wide role of the org; a server administrator changes it for every project",
                current.name
            ))
            .with_hint(format!(
                "a server administrator runs `accessctl roles update {} --global` with the same changes",
                current.name
            )));
        }
        let mut perms = current.permissions.clone();
        for p in &add {
            if perms.contains(p) {
                ctx.output()
                    .info(&format!("role {} already has {p}", current.name));
            } else {
                perms.push(p.clone());
            }
        }
        for p in &remove {
            if !perms.contains(p) {
                ctx.output()
                    .info(&format!("role {} does not have {p}", current.name));
            }
        }
        perms.retain(|p| !remove.contains(p));
        let same_perms =
            perms.len() == current.permissions.len() && perms.iter().all(|p| current.permissions.contains(p));
        let same_description = args.description.is_none() || args.description == current.description;
        if same_perms && same_description {
            ctx.output().info(&format!("No changes to role {}", current.name));
            return show::print(&current, ctx);
        }
        let req = UpdateRole {
            description: args.description.clone(),
            permissions: Some(perms),
        };
        match api
            .update_role(&project, &current.id, &req, etag.as_deref())
            .await
        {
            Ok(updated) => {
                ctx.output().info(&format!("Updated role {}", updated.name));
                return show::print(&updated, ctx);
            }
            // Someone changed the project between our read and our write: read again.
            Err(e) if e.code() == Some(ProblemCode::PreconditionFailed) => continue,
            Err(e) => return Err(common::role_error(api, e, &project, &args.role).await),
        }
    }
    Err(CliError::conflict(format!(
        "project '{project}' kept changing while role '{}' was being updated",
        args.role
    ))
    .with_hint("run the command again"))
}
