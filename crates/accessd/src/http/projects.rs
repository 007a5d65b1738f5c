//! `projects…`, `projects/{p}/roles…`, `projects/{p}/permissions…`.

use access_api as api;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::extract::{ApiJson, Auth, IfMatch};
use super::respond::{PageQuery, json, no_content, page, whole_list};
use crate::error::ApiError;
use crate::service::Service;

type R = Result<Response, ApiError>;

pub async fn list(
    State(svc): State<Service>,
    Auth(c): Auth,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<PageQuery>,
) -> R {
    let limit = q.limit()?;
    let after: Option<(String, String)> = q.after()?;
    let rows = svc
        .list_projects(
            &c,
            after.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
            limit + 1,
        )
        .await?;
    Ok(page(&uri, rows, limit, None))
}

pub async fn create(
    State(svc): State<Service>,
    Auth(c): Auth,
    ApiJson(req): ApiJson<api::CreateProject>,
) -> R {
    let p = svc.create_project(&c, &req).await?;
    let v = p.policy_version;
    Ok(json(StatusCode::CREATED, &p, Some(v)))
}

pub async fn get(State(svc): State<Service>, Auth(c): Auth, Path(p): Path<String>) -> R {
    let (project, v) = svc.get_project(&c, &p).await?;
    Ok(json(StatusCode::OK, &project, Some(v)))
}

pub async fn patch(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    im: IfMatch,
    ApiJson(req): ApiJson<api::UpdateProject>,
) -> R {
    let (project, v) = svc.update_project(&c, &p, im.get(), &req).await?;
    Ok(json(StatusCode::OK, &project, Some(v)))
}

pub async fn delete(State(svc): State<Service>, Auth(c): Auth, Path(p): Path<String>, im: IfMatch) -> R {
    svc.delete_project(&c, &p, im.get()).await?;
    Ok(no_content(None))
}

pub async fn list_roles(State(svc): State<Service>, Auth(c): Auth, Path(p): Path<String>) -> R {
    let (items, version) = svc.list_roles(&c, &p).await?;
    Ok(whole_list(items, Some(version)))
}

pub async fn get_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, role)): Path<(String, String)>,
) -> R {
    let (r, version) = svc.get_role(&c, &p, &role).await?;
    Ok(json(StatusCode::OK, &r, Some(version)))
}

pub async fn create_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    im: IfMatch,
    ApiJson(req): ApiJson<api::CreateRole>,
) -> R {
    let (role, v) = svc.create_role(&c, &p, im.get(), &req).await?;
    Ok(json(StatusCode::CREATED, &role, Some(v)))
}

pub async fn update_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, role)): Path<(String, String)>,
    im: IfMatch,
    ApiJson(req): ApiJson<api::UpdateRole>,
) -> R {
    let (role, v) = svc.update_role(&c, &p, &role, im.get(), &req).await?;
    Ok(json(StatusCode::OK, &role, Some(v)))
}

pub async fn delete_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, role)): Path<(String, String)>,
    im: IfMatch,
) -> R {
    let v = svc.delete_role(&c, &p, &role, im.get()).await?;
    Ok(no_content(Some(v)))
}

pub async fn my_permissions(State(svc): State<Service>, Auth(c): Auth, Path(p): Path<String>) -> R {
    let (body, v) = svc.my_permissions(&c, &p).await?;
    Ok(json(StatusCode::OK, &body, Some(v)))
}

pub async fn check(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    ApiJson(req): ApiJson<api::PermissionCheckRequest>,
) -> R {
    Ok(json(
        StatusCode::OK,
        &svc.check_permissions(&c, &p, &req).await?,
        None,
    ))
}
