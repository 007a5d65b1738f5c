//! The server's permissions for a preset's default roles (Loft: global admins
//! change the default project roles). A server administrator gives a built-in,
//! non-owner-grade role of a preset new permissions for the whole server: every
//! project of the preset gets them at once (marked `modified`), and so does every
//! project created with it later. The role keeps its name and description.
//!
//! Owner-grade roles are not changed (403 `role-immutable`): they are what the
//! last-owner rule counts and what manages owners, so they keep the preset's
//! permissions. The new permissions follow the custom-role rules (known, never
//! `owners.manage`); the server flag suffices, like for server-wide roles — it is
//! the Loft global admin's power — and every change is audited server-wide.

use access_api::{self as api, ProblemCode, presets, validate};

use super::users::require_admin;
use super::{Caller, Service, rules};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store;

fn preset(name: &str) -> ApiResult<&'static presets::Preset> {
    presets::find(&validate::normalize(name)).ok_or_else(|| {
        ApiError::new(
            ProblemCode::NotFound,
            format!("no preset '{name}'; presets: {}", presets::names().join(", ")),
        )
    })
}

fn defaults(r: &presets::PresetRole) -> Vec<String> {
    let mut v: Vec<String> = r.permissions.iter().map(|p| p.to_string()).collect();
    v.sort();
    v
}

fn info(
    p: &presets::Preset,
    r: &presets::PresetRole,
    current: Option<&Vec<String>>,
    projects: Option<u64>,
) -> api::PresetRoleInfo {
    let default_permissions = defaults(r);
    let permissions = current.cloned().unwrap_or_else(|| default_permissions.clone());
    api::PresetRoleInfo {
        preset: p.name.to_owned(),
        name: r.name.to_owned(),
        owner_grade: r.owner_grade,
        modified: permissions != default_permissions,
        permissions,
        default_permissions,
        projects,
    }
}

impl Service {
    /// A preset's roles as this server has them (anyone signed in: presets are
    /// public data).
    pub async fn list_preset_roles(
        &self,
        _caller: &Caller,
        name: &str,
    ) -> ApiResult<Vec<api::PresetRoleInfo>> {
        let p = preset(name)?;
        let mut c = self.conn().await?;
        let overrides = store::preset_roles::overrides(&mut c, p.name).await?;
        Ok(p.roles
            .iter()
            .map(|r| {
                let current = overrides.iter().find(|(n, _)| n == r.name).map(|(_, v)| v);
                info(p, r, current, None)
            })
            .collect())
    }

    /// New permissions for a preset's role on this whole server.
    pub async fn update_preset_role(
        &self,
        caller: &Caller,
        name: &str,
        role: &str,
        req: &api::UpdatePresetRole,
    ) -> ApiResult<api::PresetRoleInfo> {
        require_admin(caller)?;
        let p = preset(name)?;
        let norm = validate::normalize(role);
        let r = p.roles.iter().find(|r| r.name == norm).ok_or_else(|| {
            ApiError::new(
                ProblemCode::NotFound,
                format!(
                    "preset '{}' has no role '{role}'; its roles: {}",
                    p.name,
                    p.roles.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        if r.owner_grade {
            return Err(ApiError::new(
                ProblemCode::RoleImmutable,
                format!(
                    "'{}' is the owner-grade role of preset '{}': it keeps the preset's permissions",
                    r.name, p.name
                ),
            ));
        }
        let mut perms: Vec<String> = req.permissions.iter().map(|p| validate::normalize(p)).collect();
        perms.sort();
        perms.dedup();
        let all = access_api::permissions::all()
            .map(|p| p.name.to_owned())
            .collect();
        rules::check_custom_role_permissions(&all, &perms)?;
        let default_permissions = defaults(r);
        let modified = perms != default_permissions;
        retry(|| async {
            let mut tx = self.begin().await?;
            let now = self.now();
            let before = store::preset_roles::overrides(&mut tx, p.name)
                .await?
                .into_iter()
                .find(|(n, _)| n == r.name)
                .map(|(_, v)| v)
                .unwrap_or_else(|| default_permissions.clone());
            store::preset_roles::set(
                &mut tx,
                p.name,
                r.name,
                modified.then_some(perms.as_slice()),
                &caller.user.username,
                now,
            )
            .await?;
            let projects = store::preset_roles::apply(&mut tx, p.name, r.name, &perms, modified).await?;
            if before != perms {
                self.audit(
                    &mut tx,
                    Some(caller),
                    "preset_role.update",
                    None,
                    Some(&format!("{}/{}", p.name, r.name)),
                    serde_json::json!({
                        "preset": p.name,
                        "role": r.name,
                        "permissions": perms,
                        "previous": before,
                        "modified": modified,
                        "projects": projects,
                    }),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(info(p, r, Some(&perms), Some(projects)))
        })
        .await
    }
}
