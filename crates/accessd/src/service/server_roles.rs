//! Server-wide project roles (Loft): a server administrator defines a role once for
//! an org, and it exists in every project of the org, now and later. Defining a
//! role grants nothing (binding it is for each project's managers, under the
//! escalation rule), which is why the server flag suffices here though it gives no
//! project permissions. In a project the copy cannot be changed or deleted; it
//! changes everywhere at once, and is deleted only while no project binds it.

use access_api::{self as api, ProblemCode, presets, validate};

use super::users::require_admin;
use super::{Caller, Service, rules};
use crate::clock::rfc3339;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::server_roles::ServerRoleRow;
use crate::store::{self, Conn};

fn view(r: &ServerRoleRow) -> api::ServerRole {
    api::ServerRole {
        id: r.id.clone(),
        name: r.name.clone(),
        description: r.description.clone(),
        permissions: r.permissions.clone(),
        created_at: rfc3339(r.created_at),
    }
}

/// Known, normalized, sorted permissions; never owner-grade.
fn check_permissions(perms: &[String]) -> ApiResult<Vec<String>> {
    let mut out: Vec<String> = perms.iter().map(|p| validate::normalize(p)).collect();
    out.sort();
    out.dedup();
    // Everything is "held" for this check: the server flag defines, it does not grant.
    let all = access_api::permissions::all()
        .map(|p| p.name.to_owned())
        .collect();
    rules::check_custom_role_permissions(&all, &out)?;
    Ok(out)
}

impl Service {
    /// The org's server-wide roles (everyone in the org).
    pub async fn list_server_roles(&self, caller: &Caller, org: &str) -> ApiResult<Vec<api::ServerRole>> {
        let mut c = self.conn().await?;
        let (org, _) = self.org_for(&mut c, caller, org).await?;
        let rows = store::server_roles::list(&mut c, &org.id).await?;
        Ok(rows.iter().map(view).collect())
    }

    /// The permissions `from` names: a server-wide role of the org, else a role of
    /// one of the presets (akka, goldsky, loft, in that order).
    async fn permissions_to_copy(&self, c: &mut Conn, org_id: &str, from: &str) -> ApiResult<Vec<String>> {
        if let Some(r) = store::server_roles::find(c, org_id, from).await? {
            return Ok(r.permissions);
        }
        let norm = validate::normalize(from);
        for p in presets::PRESETS {
            if let Some(r) = p.roles.iter().find(|r| r.name == norm) {
                // An owner-grade role's copy drops owners.manage (never owner-grade).
                return Ok(r
                    .permissions
                    .iter()
                    .filter(|p| **p != "owners.manage")
                    .map(|p| p.to_string())
                    .collect());
            }
        }
        Err(ApiError::field(
            "from",
            format!("no role '{from}' to start from (a preset role or a server-wide role)"),
        ))
    }

    pub async fn create_server_role(
        &self,
        caller: &Caller,
        org: &str,
        req: &api::CreateServerRole,
    ) -> ApiResult<api::ServerRole> {
        require_admin(caller)?;
        let name = req.name.trim();
        validate::name("role name", name).map_err(|m| ApiError::field("name", m))?;
        if let Some(d) = &req.description {
            validate::text("description", d).map_err(|m| ApiError::field("description", m))?;
        }
        retry(|| async {
            let mut tx = self.begin().await?;
            let (org, _) = self.org_for(&mut tx, caller, org).await?;
            store::orgs::lock_org(&mut tx, &org.id).await?;
            let mut perms = req.permissions.clone();
            if let Some(from) = &req.from {
                perms.extend(self.permissions_to_copy(&mut tx, &org.id, from).await?);
            }
            let perms = check_permissions(&perms)?;
            if presets::PRESETS
                .iter()
                .any(|p| p.roles.iter().any(|r| r.name.eq_ignore_ascii_case(name)))
            {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("'{name}' is a preset role's name; choose another"),
                ));
            }
            if store::server_roles::find(&mut tx, &org.id, name).await?.is_some() {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("org '{}' has a server-wide role '{name}'", org.name),
                ));
            }
            let clash = store::server_roles::projects_with_role_name(&mut tx, &org.id, name).await?;
            if !clash.is_empty() {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("a role named '{name}' exists in project(s) {}", clash.join(", ")),
                ));
            }
            let now = self.now();
            let role = store::server_roles::insert(
                &mut tx,
                &org.id,
                name,
                req.description.as_deref(),
                &perms,
                &caller.user.username,
                now,
            )
            .await?;
            store::orgs::bump_projects(&mut tx, &org.id).await?;
            for p in store::server_roles::org_projects(&mut tx, &org.id).await? {
                store::server_roles::materialize(&mut tx, &role, &p, now).await?;
            }
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "server_role.create",
                &org.id,
                Some(&role.name),
                serde_json::json!({"permissions": role.permissions, "from": req.from}),
            )
            .await?;
            tx.commit().await?;
            Ok(view(&role))
        })
        .await
    }

    /// New permissions (and description) for the role in every project at once.
    pub async fn update_server_role(
        &self,
        caller: &Caller,
        org: &str,
        key: &str,
        req: &api::CreateServerRole,
    ) -> ApiResult<api::ServerRole> {
        require_admin(caller)?;
        let perms = check_permissions(&req.permissions)?;
        retry(|| async {
            let mut tx = self.begin().await?;
            let (org, _) = self.org_for(&mut tx, caller, org).await?;
            store::orgs::lock_org(&mut tx, &org.id).await?;
            let role = store::server_roles::find(&mut tx, &org.id, key)
                .await?
                .ok_or_else(|| not_found(key, &org.name))?;
            if !role.name.eq_ignore_ascii_case(req.name.trim()) {
                return Err(ApiError::field("name", "a server-wide role keeps its name"));
            }
            let description = req.description.clone().or(role.description.clone());
            store::orgs::bump_projects(&mut tx, &org.id).await?;
            store::server_roles::update(&mut tx, &role.id, description.as_deref(), &perms).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "server_role.update",
                &org.id,
                Some(&role.name),
                serde_json::json!({"permissions": perms, "previous": role.permissions}),
            )
            .await?;
            let role = store::server_roles::find(&mut tx, &org.id, &role.id)
                .await?
                .ok_or_else(|| not_found(key, &org.name))?;
            tx.commit().await?;
            Ok(view(&role))
        })
        .await
    }

    /// Deletes the role and its copies, unless a project binds it (409
    /// `role-in-use` naming those projects).
    pub async fn delete_server_role(&self, caller: &Caller, org: &str, key: &str) -> ApiResult<()> {
        require_admin(caller)?;
        retry(|| async {
            let mut tx = self.begin().await?;
            let (org, _) = self.org_for(&mut tx, caller, org).await?;
            store::orgs::lock_org(&mut tx, &org.id).await?;
            let role = store::server_roles::find(&mut tx, &org.id, key)
                .await?
                .ok_or_else(|| not_found(key, &org.name))?;
            store::orgs::bump_projects(&mut tx, &org.id).await?;
            let used = store::server_roles::projects_binding(&mut tx, &role.id).await?;
            if !used.is_empty() {
                return Err(ApiError::new(
                    ProblemCode::RoleInUse,
                    format!(
                        "server-wide role '{}' is bound in project(s) {}; delete those bindings first",
                        role.name,
                        used.join(", ")
                    ),
                ));
            }
            store::server_roles::delete(&mut tx, &role.id).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "server_role.delete",
                &org.id,
                Some(&role.name),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Copies the org's server-wide roles into a new project (inside its creation).
    pub async fn add_server_roles(
        &self,
        tx: &mut Conn,
        org_id: &str,
        project_id: &str,
        now: i64,
    ) -> ApiResult<()> {
        for r in store::server_roles::list(tx, org_id).await? {
            store::server_roles::materialize(tx, &r, project_id, now).await?;
        }
        Ok(())
    }
}

fn not_found(key: &str, org: &str) -> ApiError {
    ApiError::new(
        ProblemCode::NotFound,
        format!("no server-wide role '{key}' in org '{org}'"),
    )
}
