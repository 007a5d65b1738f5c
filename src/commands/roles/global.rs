//! `roles create | update | delete --global`: server-wide project roles (Loft),
//! defined by a server administrator for every project of the organization
//! (`--org`): POST/PUT/DELETE /v1/orgs/{org}/project-roles. And `roles update` of
//! a preset's default role by a server administrator: PUT
//! /v1/presets/{preset}/roles/{role}, for every project of the preset.
//!
//! Changes that reach every project are confirmed like `roles apply` shows what
//! it will do: the plan first (one `+`/`-` line per permission, on stderr), then
//! `Ctx::confirm` (a prompt on a terminal; `--yes` otherwise, else exit 2).

use access_api::{CreateServerRole, ProblemCode, Role, ServerRole, UpdatePresetRole, presets};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

fn done(ctx: &Ctx, verb: &str, role: &ServerRole) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    ctx.output().info(&format!(
        "{verb} server-wide role {} in every project of organization {org}",
        role.name
    ));
    ctx.output().one(role)
}

pub async fn create(
    ctx: &Ctx,
    name: &str,
    permissions: &[String],
    from: Option<&str>,
    description: Option<&str>,
) -> Result<(), CliError> {
    let api = ctx.api().await?;
    let org = &ctx.settings.org.value;
    // Asking a non-administrator to confirm what the server refuses helps nobody.
    if !api.me().await?.is_admin {
        return Err(
            CliError::auth("only server administrators define server-wide roles")
                .with_hint("a custom role for one project is `accessctl roles create` without --global"),
        );
    }
    let req = CreateServerRole {
        name: name.to_owned(),
        description: description.map(str::to_owned),
        permissions: if permissions.is_empty() {
            Vec::new()
        } else {
            common::permissions(api, permissions).await?
        },
        from: from.map(|f| f.trim().to_owned()),
    };
    // The plan: the permissions the server will give the role (--from's copy
    // as the server makes it, plus the listed ones).
    let mut planned = req.permissions.clone();
    if let Some(f) = &req.from {
        planned.extend(copied(api, org, f).await?);
    }
    planned.sort();
    planned.dedup();
    let from_note = req
        .from
        .as_ref()
        .map(|f| format!(" (from {f})"))
        .unwrap_or_default();
    show_plan(
        ctx,
        &format!(
            "Plan: create server-wide role {name}{from_note} in every project of organization {org}, now and later:"
        ),
        &planned,
        &[],
    );
    ctx.confirm(&format!(
        "create role {name} in every project of organization {org}"
    ))?;
    let role = api
        .create_server_role(&ctx.settings.org.value, &req)
        .await
        .map_err(hint_admin)?;
    done(ctx, "Created", &role)
}

/// Adds and removes permissions of the definition (read, then written back).
pub async fn update(
    ctx: &Ctx,
    name: &str,
    add: &[String],
    remove: &[String],
    description: Option<&str>,
) -> Result<(), CliError> {
    let api = ctx.api().await?;
    let org = &ctx.settings.org.value;
    let current = api
        .list_server_roles(org)
        .await?
        .into_iter()
        .find(|r| r.name.eq_ignore_ascii_case(name) || r.id == name)
        .ok_or_else(|| {
            CliError::not_found(format!("no server-wide role '{name}' in organization {org}"))
                .with_hint("see `accessctl orgs roles list` and `accessctl roles list`")
        })?;
    let add = common::permissions(api, add).await?;
    let remove = common::permissions(api, remove).await?;
    let mut perms: Vec<String> = current
        .permissions
        .iter()
        .filter(|p| !remove.contains(p))
        .cloned()
        .collect();
    perms.extend(add);
    let req = CreateServerRole {
        name: current.name.clone(),
        description: description.map(str::to_owned),
        permissions: perms,
        from: None,
    };
    let role = api
        .update_server_role(org, &current.name, &req)
        .await
        .map_err(hint_admin)?;
    done(ctx, "Updated", &role)
}

pub async fn delete(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let org = &ctx.settings.org.value;
    ctx.api()
        .await?
        .delete_server_role(org, name)
        .await
        .map_err(|e| {
            let in_use = e.code() == Some(ProblemCode::RoleInUse);
            let err = hint_admin(e);
            if in_use {
                err.with_hint(format!(
                    "delete its bindings first (`accessctl --project P roles list-bindings --role {name}`)"
                ))
            } else {
                err
            }
        })?;
    ctx.output().info(&format!(
        "Deleted server-wide role {name} from every project of organization {org}"
    ));
    Ok(())
}

fn hint_admin(e: crate::api::ApiError) -> CliError {
    let forbidden = e.code() == Some(ProblemCode::Forbidden);
    let err = CliError::from(e);
    if forbidden {
        err.with_hint("server-wide roles are defined by server administrators")
    } else {
        err
    }
}

/// The permissions the server copies for `--from ROLE`: a server-wide role of
/// the org, else a preset role (without `owners.manage`: never owner-grade).
async fn copied(api: &crate::api::ApiClient, org: &str, from: &str) -> Result<Vec<String>, CliError> {
    if let Some(r) = api
        .list_server_roles(org)
        .await?
        .into_iter()
        .find(|r| r.name.eq_ignore_ascii_case(from))
    {
        return Ok(r.permissions);
    }
    let from = common::role(from);
    presets::PRESETS
        .iter()
        .find_map(|p| p.roles.iter().find(|r| r.name == from))
        .map(|r| {
            r.permissions
                .iter()
                .filter(|p| **p != "owners.manage")
                .map(|p| p.to_string())
                .collect()
        })
        .ok_or_else(|| {
            CliError::usage(format!("no role '{from}' to start from"))
                .with_hint("--from takes a preset role (`accessctl roles list`) or a server-wide role")
        })
}

/// The plan on stderr: a title, then `+ P` / `- P` per permission.
fn show_plan(ctx: &Ctx, title: &str, add: &[String], remove: &[String]) {
    let out = ctx.output();
    out.info(title);
    for p in add {
        out.info(&format!("  + {p}"));
    }
    for p in remove {
        out.info(&format!("  - {p}"));
    }
}

/// `roles update` of a preset's default role by a server administrator: the
/// role's new permissions in every project of the preset on this server.
pub async fn update_default(
    ctx: &Ctx,
    project: &str,
    current: &Role,
    add: &[String],
    remove: &[String],
) -> Result<(), CliError> {
    let api = ctx.api().await?;
    let preset = api.get_project(project).await?.role_preset;
    let added: Vec<String> = add
        .iter()
        .filter(|p| !current.permissions.contains(p))
        .cloned()
        .collect();
    let removed: Vec<String> = remove
        .iter()
        .filter(|p| current.permissions.contains(p))
        .cloned()
        .collect();
    if added.is_empty() && removed.is_empty() {
        ctx.output().info(&format!("No changes to role {}", current.name));
        return super::show::print(current, ctx);
    }
    let mut perms: Vec<String> = current
        .permissions
        .iter()
        .filter(|p| !removed.contains(p))
        .cloned()
        .collect();
    perms.extend(added.iter().cloned());
    show_plan(
        ctx,
        &format!(
            "Plan: change built-in role {} of preset {preset} in every {preset} project on this server, now and later:",
            current.name
        ),
        &added,
        &removed,
    );
    ctx.confirm(&format!(
        "change role {} in every {preset} project on this server",
        current.name
    ))?;
    let info = api
        .update_preset_role(&preset, &current.name, &UpdatePresetRole { permissions: perms })
        .await
        .map_err(hint_admin)?;
    let state = if info.modified {
        "modified"
    } else {
        "back to the preset's permissions"
    };
    ctx.output().info(&format!(
        "Updated role {} of preset {preset} in {} project(s) ({state})",
        info.name,
        info.projects.unwrap_or_default()
    ));
    let role = api.get_role(project, &current.name).await?;
    super::show::print(&role, ctx)
}
