//! `projects/{p}/audit-events`, `orgs/{org}/audit-events` (org owners and admins)
//! and (administrators) `audit-events`.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::Uri;
use axum::response::Response;

use super::extract::Auth;
use super::respond::{PageQuery, page};
use crate::clock::parse_rfc3339;
use crate::error::ApiError;
use crate::service::audit::AuditScope;
use crate::service::{Caller, Service};
use crate::store::audit::EventFilter;

type R = Result<Response, ApiError>;

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    since: Option<String>,
    until: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

fn time(field: &str, v: &Option<String>) -> Result<Option<i64>, ApiError> {
    match v {
        None => Ok(None),
        Some(s) => parse_rfc3339(s)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("{field} must be an RFC 3339 time"))),
    }
}

async fn list(svc: &Service, c: &Caller, scope: AuditScope<'_>, uri: &Uri, q: &AuditQuery) -> R {
    let limit = q.page.limit()?;
    let before: Option<(i64, String)> = q.page.after()?;
    let f = EventFilter {
        project_id: None,
        org_id: None,
        action: q.action.as_deref(),
        actor: q.actor.as_deref(),
        since: time("since", &q.since)?,
        until: time("until", &q.until)?,
        before,
        limit: limit + 1,
    };
    let (rows, v) = svc.list_audit(c, scope, f).await?;
    Ok(page(uri, rows, limit, v))
}

pub async fn project_events(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<AuditQuery>,
) -> R {
    list(&svc, &c, AuditScope::Project(&p), &uri, &q).await
}

pub async fn all_events(
    State(svc): State<Service>,
    Auth(c): Auth,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<AuditQuery>,
) -> R {
    list(&svc, &c, AuditScope::Server, &uri, &q).await
}

pub async fn org_events(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(org): Path<String>,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<AuditQuery>,
) -> R {
    list(&svc, &c, AuditScope::Org(&org), &uri, &q).await
}
