//! `roles create | update | delete --global`: server-wide project roles (Loft),
//! defined by a server administrator for every project of the organization
//! (`--org`): POST/PUT/DELETE /v1/orgs/{org}/project-roles.

use access_api::{CreateServerRole, ProblemCode, ServerRole};

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
