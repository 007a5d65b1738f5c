//! Reading the audit log (project: `audit.view`; server-wide: administrators).

use access_api as api;

use super::{Caller, Service, users::require_admin};
use crate::clock::rfc3339;
use crate::error::ApiResult;
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
    }
}

impl Service {
    /// `project`: a project key (needs `audit.view` there), or none for the
    /// server-wide log (administrators only).
    pub async fn list_audit(
        &self,
        caller: &Caller,
        project: Option<&str>,
        filter: EventFilter<'_>,
    ) -> ApiResult<(Vec<EventRow>, Option<i64>)> {
        let (project_id, version) = match project {
            Some(key) => {
                let acc = self.view(caller, key).await?;
                acc.require("audit.view")?;
                (Some(acc.project.id.clone()), Some(acc.project.policy_version))
            }
            None => {
                require_admin(caller)?;
                (None, None)
            }
        };
        let mut c = self.conn().await?;
        let f = EventFilter {
            project_id: project_id.as_deref(),
            ..filter
        };
        Ok((store::audit::list(&mut c, &f).await?, version))
    }
}
