//! `projects/{p}/role-bindings…` and `projects/{p}/members…`.

use access_api as api;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::extract::{ApiJson, Auth, IfMatch};
use super::respond::{PageQuery, json, no_content, page, whole_list};
use crate::error::ApiError;
use crate::service::Service;

type R = Result<Response, ApiError>;

#[derive(serde::Deserialize)]
pub struct BindingQuery {
    role: Option<String>,
    principal_type: Option<String>,
    /// Only bindings whose id starts with this (the CLI's short ids).
    id_prefix: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

pub async fn list_bindings(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<BindingQuery>,
) -> R {
    let limit = q.page.limit()?;
    let after: Option<(i64, String, String)> = q.page.after()?;
    let (rows, v) = svc
        .list_bindings(
            &c,
            &p,
            q.role.as_deref(),
            q.principal_type.as_deref(),
            q.id_prefix.as_deref(),
            after,
            limit + 1,
        )
        .await?;
    Ok(page(&uri, rows, limit, Some(v)))
}

pub async fn create_binding(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    im: IfMatch,
    ApiJson(req): ApiJson<api::CreateRoleBinding>,
) -> R {
    let (b, v) = svc.create_binding(&c, &p, im.get(), &req).await?;
    Ok(json(StatusCode::CREATED, &b, Some(v)))
}

pub async fn get_binding(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, id)): Path<(String, String)>,
) -> R {
    let (b, v) = svc.get_binding(&c, &p, &id).await?;
    Ok(json(StatusCode::OK, &b, Some(v)))
}

pub async fn delete_binding(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, id)): Path<(String, String)>,
    im: IfMatch,
) -> R {
    let v = svc.delete_binding(&c, &p, &id, im.get()).await?;
    Ok(no_content(Some(v)))
}

pub async fn list_members(State(svc): State<Service>, Auth(c): Auth, Path(p): Path<String>) -> R {
    let (items, v) = svc.list_members(&c, &p).await?;
    Ok(whole_list(items, Some(v)))
}

pub async fn set_member(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, m)): Path<(String, String)>,
    im: IfMatch,
    ApiJson(req): ApiJson<api::SetMemberRole>,
) -> R {
    let (member, v) = svc.set_member_role(&c, &p, &m, im.get(), &req).await?;
    Ok(json(StatusCode::OK, &member, Some(v)))
}

pub async fn remove_member(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, m)): Path<(String, String)>,
    im: IfMatch,
) -> R {
    let v = svc.remove_member(&c, &p, &m, im.get()).await?;
    Ok(no_content(Some(v)))
}

pub async fn get_policy(State(svc): State<Service>, Auth(c): Auth, Path(p): Path<String>) -> R {
    let (doc, v) = svc.get_policy(&c, &p).await?;
    Ok(json(StatusCode::OK, &doc, Some(v)))
}

pub async fn put_policy(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    im: IfMatch,
    ApiJson(doc): ApiJson<api::PolicyDocument>,
) -> R {
    let (doc, v) = svc.apply_policy(&c, &p, im.get(), &doc).await?;
    Ok(json(StatusCode::OK, &doc, Some(v)))
}
