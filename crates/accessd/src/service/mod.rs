//! The service layer: every rule of the access model. Each mutation is one
//! transaction that starts with a write (see [`Service::begin_project`]), is
//! retried as a whole when it loses a race, and writes its audit event.

pub mod accept;
pub mod audit;
pub mod auth;
pub mod bindings;
pub mod convert;
pub mod invitations;
pub mod login;
pub mod mfa;
pub mod members;
pub mod policy;
pub mod projects;
pub mod recover;
pub mod roles;
pub mod rules;
pub mod teams;
pub mod users;

use std::collections::BTreeSet;
use std::sync::Arc;

use access_api::ProblemCode;
use sqlx::{Any, Transaction};

use crate::Config;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, BindingRow, Conn, ProjectRow, RoleRow, UserRow};

/// Shared state of the service. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    pub db: Db,
    pub clock: Clock,
    pub config: Arc<Config>,
    /// Per-client-address rate limits (see [`crate::limits`]).
    pub limiters: Arc<crate::limits::Limiters>,
    /// Set when the server is shutting down: `/readyz` answers 503 so that load
    /// balancers stop sending new requests while in-flight ones finish.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRow,
    pub request_id: Option<String>,
}

/// The caller's standing in one project.
#[derive(Debug, Clone)]
pub struct Access {
    pub project: ProjectRow,
    pub roles: Vec<RoleRow>,
    /// The caller's active bindings that apply (direct and all-users).
    pub bindings: Vec<BindingRow>,
    pub org_role: Option<String>,
    /// Effective permissions: bindings ∪ org role grants.
    pub perms: BTreeSet<String>,
}

impl Access {
    pub fn has(&self, perm: &str) -> bool {
        self.perms.contains(perm)
    }

    /// 403 unless the caller holds `perm` (visibility is checked before).
    pub fn require(&self, perm: &str) -> ApiResult<()> {
        if self.has(perm) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "you need the '{perm}' permission in project '{}'",
                self.project.name
            )))
        }
    }

    /// A role of the project by id or case-insensitive name; 422 listing the
    /// valid roles otherwise.
    pub fn role(&self, key: &str) -> ApiResult<&RoleRow> {
        self.roles
            .iter()
            .find(|r| r.id == key || r.name.eq_ignore_ascii_case(key.trim()))
            .ok_or_else(|| self.unknown_role(key))
    }

    pub fn unknown_role(&self, key: &str) -> ApiError {
        let names: Vec<String> = self.roles.iter().map(|r| r.name.clone()).collect();
        let p = access_api::Problem::new(
            ProblemCode::ValidationFailed,
            format!(
                "unknown role '{key}' in project '{}'; valid roles: {}",
                self.project.name,
                names.join(", ")
            ),
        )
        .with_errors(vec![access_api::FieldError {
            field: "role".into(),
            message: format!("unknown role '{key}'"),
        }])
        .with_valid_roles(names);
        p.into()
    }

    pub fn role_by_id(&self, id: &str) -> ApiResult<&RoleRow> {
        self.roles
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| ApiError::not_found("role"))
    }

    /// Names of the caller's roles, most powerful first, without repeats.
    pub fn my_roles(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for b in &self.bindings {
            if !out.contains(&b.role_name) {
                out.push(b.role_name.clone());
            }
        }
        out
    }
}

pub fn role_view(r: &RoleRow) -> rules::RoleView<'_> {
    rules::RoleView {
        name: &r.name,
        owner_grade: r.owner_grade,
        permissions: &r.permissions,
    }
}

/// Parses an `If-Match` value: `"5"`, `W/"5"`, `5`, or `*` (= any).
pub fn parse_if_match(v: &str) -> Option<Option<i64>> {
    let v = v.trim();
    if v == "*" {
        return Some(None);
    }
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    v.parse().ok().map(Some)
}

impl Service {
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    pub async fn conn(&self) -> ApiResult<sqlx::pool::PoolConnection<Any>> {
        Ok(self.db.pool.acquire().await?)
    }

    pub async fn begin(&self) -> ApiResult<Transaction<'static, Any>> {
        Ok(self.db.begin().await?)
    }

    /// The caller's access to a project, loaded over `c`.
    pub async fn access(&self, c: &mut Conn, project: ProjectRow, caller: &Caller) -> ApiResult<Access> {
        let org_role = store::users::org_role(c, &project.org_id, &caller.user.id).await?;
        let mut acc = self.access_with(c, project, org_role, caller).await?;
        acc.roles = store::projects::list_roles(c, &acc.project.id).await?;
        Ok(acc)
    }

    /// The caller's access without the project's roles (`roles` is empty):
    /// the bindings carry their roles' permissions. One statement.
    async fn access_with(
        &self,
        c: &mut Conn,
        project: ProjectRow,
        org_role: Option<String>,
        caller: &Caller,
    ) -> ApiResult<Access> {
        let now = self.now();
        let bindings =
            store::bindings::effective_bindings(c, &project.id, &project.org_id, &caller.user.id, now)
                .await?;
        let mut perms = org_role
            .as_deref()
            .map(rules::org_role_grants)
            .unwrap_or_default();
        for b in &bindings {
            perms.extend(rules::expand(b.role_permissions.iter().map(String::as_str)));
        }
        Ok(Access {
            project,
            roles: Vec::new(),
            bindings,
            org_role,
            perms,
        })
    }

    /// Read path: the project by id or name, 404 unless the caller may see it.
    pub async fn view(&self, caller: &Caller, key: &str) -> ApiResult<Access> {
        let mut c = self.conn().await?;
        let mut acc = self.view_light_on(&mut c, caller, key).await?;
        acc.roles = store::projects::list_roles(&mut c, &acc.project.id).await?;
        Ok(acc)
    }

    /// [`Service::view`] without the project's roles (`roles` is empty; each
    /// binding carries its role's permissions): two statements, for checks.
    pub async fn view_light(&self, caller: &Caller, key: &str) -> ApiResult<Access> {
        let mut c = self.conn().await?;
        self.view_light_on(&mut c, caller, key).await
    }

    async fn view_light_on(&self, c: &mut Conn, caller: &Caller, key: &str) -> ApiResult<Access> {
        let (project, org_role) = store::projects::find_project_for(c, key, &caller.user.id)
            .await?
            .ok_or_else(|| project_not_found(key))?;
        let acc = self.access_with(c, project, org_role, caller).await?;
        if !acc.has("project.view") {
            return Err(project_not_found(key));
        }
        Ok(acc)
    }

    /// Write path, first statements of the transaction: bump the project's
    /// `policy_version` (the write lock), load the caller's access, hide the
    /// project without `project.view`, and check `If-Match` against the
    /// version before the bump.
    pub async fn begin_project(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<&str>,
    ) -> ApiResult<(Transaction<'static, Any>, Access)> {
        let project = {
            let mut c = self.conn().await?;
            store::projects::find_project(&mut c, key).await?
        }
        .ok_or_else(|| project_not_found(key))?;
        let mut tx = self.begin().await?;
        let version = store::projects::lock_project(&mut tx, &project.id)
            .await?
            .ok_or_else(|| project_not_found(key))?;
        let project = ProjectRow {
            policy_version: version,
            ..project
        };
        let acc = self.access(&mut tx, project, caller).await?;
        if !acc.has("project.view") {
            return Err(project_not_found(key));
        }
        check_if_match(&acc, if_match)?;
        Ok((tx, acc))
    }

    /// Writes the audit event of a mutation, inside its transaction.
    pub async fn audit(
        &self,
        tx: &mut Conn,
        caller: Option<&Caller>,
        action: &str,
        project: Option<&ProjectRow>,
        target: Option<&str>,
        details: serde_json::Value,
    ) -> ApiResult<()> {
        let org_id = project.map(|p| p.org_id.as_str());
        self.audit_event(tx, caller, action, project, org_id, target, details)
            .await
    }

    /// [`Service::audit`] for an org-level event with no project (teams).
    pub async fn audit_in_org(
        &self,
        tx: &mut Conn,
        caller: Option<&Caller>,
        action: &str,
        org_id: &str,
        target: Option<&str>,
        details: serde_json::Value,
    ) -> ApiResult<()> {
        self.audit_event(tx, caller, action, None, Some(org_id), target, details)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_event(
        &self,
        tx: &mut Conn,
        caller: Option<&Caller>,
        action: &str,
        project: Option<&ProjectRow>,
        org_id: Option<&str>,
        target: Option<&str>,
        details: serde_json::Value,
    ) -> ApiResult<()> {
        debug_assert!(
            access_api::audit::is_action(action),
            "audit action '{action}' is missing from access_api::audit::ACTIONS"
        );
        let ev = store::audit::NewEvent {
            action,
            actor: caller.map(|c| c.user.username.as_str()),
            project: project.map(|p| (p.id.as_str(), p.name.as_str())),
            org_id,
            target,
            details,
            request_id: caller.and_then(|c| c.request_id.as_deref()),
        };
        store::audit::insert(tx, &ev, self.now()).await?;
        Ok(())
    }
}

/// `If-Match` against the version the project had before this transaction bumped
/// it (`acc` comes from [`Service::begin_project`]); 412 when it does not match.
pub fn check_if_match(acc: &Access, if_match: Option<&str>) -> ApiResult<()> {
    let version = acc.project.policy_version;
    if let Some(v) = if_match {
        match parse_if_match(v) {
            Some(None) => {}
            Some(Some(expected)) if expected == version - 1 => {}
            _ => {
                return Err(ApiError::new(
                    ProblemCode::PreconditionFailed,
                    format!(
                        "project '{}' changed since version {v} was read; its current version is \"{}\"",
                        acc.project.name,
                        version - 1
                    ),
                ));
            }
        }
    }
    Ok(())
}

pub fn project_not_found(key: &str) -> ApiError {
    ApiError::new(ProblemCode::NotFound, format!("project '{key}' not found"))
}
