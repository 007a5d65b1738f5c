//! Reading the audit log (project: `audit.view`; org: its owners and admins;
//! server-wide: administrators).

use access_api::{self as api, ProblemCode};

use super::{Caller, Service, users::require_admin};
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, audit::EventFilter, audit::EventRow};

pub fn event(e: &EventRow) -> api::AuditEvent {
    api::AuditEvent {
        id: e.id.clone(),
        created_at: rfc3339(e.created_at),
        action: e.action.clone(),
        actor: e.actor.clone(),
        project: match (&e.project_id, &e.project_name) {
            (Some(id), Some(name)) => Some(api::Ref {
                id: id.clone(),
                name: name.clone(),
            }),
            _ => None,
        },
        target: e.target.clone(),
        details: serde_json::from_str(&e.details).unwrap_or_default(),
        request_id: e.request_id.clone(),
        client_request_id: e.client_request_id.clone(),
    }
}

/// Whose audit log.
#[derive(Clone, Copy)]
pub enum AuditScope<'a> {
    /// A project (id or name): needs `audit.view` there.
    Project(&'a str),
    /// An org (id or name): its owners and admins, and server administrators. Its
    /// teams' events and every event of its projects.
    Org(&'a str),
    /// Everything: server administrators only.
    Server,
}

impl Service {
    pub async fn list_audit(
        &self,
        caller: &Caller,
        scope: AuditScope<'_>,
        filter: EventFilter<'_>,
    ) -> ApiResult<(Vec<((i64, String), api::AuditEvent)>, Option<i64>)> {
        let mut c = self.conn().await?;
        let (project_id, org_id, version) = match scope {
            AuditScope::Project(key) => {
                let acc = self.view(caller, key).await?;
                acc.require("audit.view")?;
                (
                    Some(acc.project.id.clone()),
                    None,
                    Some(acc.project.policy_version),
                )
            }
            AuditScope::Org(key) => {
                let not_found = || ApiError::new(ProblemCode::NotFound, format!("org '{key}' not found"));
                let org = store::users::find_org(&mut c, key).await?.ok_or_else(not_found)?;
                let role = store::users::org_role(&mut c, &org.id, &caller.user.id).await?;
                if !caller.user.is_admin {
                    match role.as_deref() {
                        None => return Err(not_found()),
                        Some("owner" | "admin") => {}
                        Some(_) => {
                            return Err(ApiError::forbidden(format!(
                                "only an owner or admin of org '{}' can read its audit log",
                                org.name
                            )));
                        }
                    }
                }
                (None, Some(org.id), None)
            }
            AuditScope::Server => {
                require_admin(caller)?;
                (None, None, None)
            }
        };
        let f = EventFilter {
            project_id: project_id.as_deref(),
            org_id: org_id.as_deref(),
            ..filter
        };
        let rows = store::audit::list(&mut c, &f).await?;
        Ok((
            rows.iter()
                .map(|e| ((e.created_at, e.id.clone()), event(e)))
                .collect(),
            version,
        ))
    }
}
