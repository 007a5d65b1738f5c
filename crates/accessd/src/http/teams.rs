//! `teams…`: an org's teams and their members (`?org=` names the org; default `default`).

use access_api as api;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::extract::{ApiJson, Auth};
use super::respond::{json, no_content, whole_list};
use crate::error::ApiError;
use crate::service::Service;

type R = Result<Response, ApiError>;

#[derive(Debug, Default, serde::Deserialize)]
pub struct OrgQuery {
    org: Option<String>,
}

pub async fn list(State(svc): State<Service>, Auth(c): Auth, Query(q): Query<OrgQuery>) -> R {
    let items = svc.list_teams(&c, q.org.as_deref()).await?;
    Ok(whole_list(items, None))
}

pub async fn create(State(svc): State<Service>, Auth(c): Auth, ApiJson(req): ApiJson<api::CreateTeam>) -> R {
    Ok(json(StatusCode::CREATED, &svc.create_team(&c, &req).await?, None))
}

pub async fn get(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(t): Path<String>,
    Query(q): Query<OrgQuery>,
) -> R {
    Ok(json(
        StatusCode::OK,
        &svc.get_team(&c, q.org.as_deref(), &t).await?,
        None,
    ))
}

pub async fn delete(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(t): Path<String>,
    Query(q): Query<OrgQuery>,
) -> R {
    svc.delete_team(&c, q.org.as_deref(), &t).await?;
    Ok(no_content(None))
}

pub async fn members(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(t): Path<String>,
    Query(q): Query<OrgQuery>,
) -> R {
    let items = svc.list_team_members(&c, q.org.as_deref(), &t).await?;
    Ok(whole_list(items, None))
}

/// 201 with the member when added, 200 when they already were one.
pub async fn add_member(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((t, u)): Path<(String, String)>,
    Query(q): Query<OrgQuery>,
) -> R {
    let (m, added) = svc.add_team_member(&c, q.org.as_deref(), &t, &u).await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(status, &m, None))
}

pub async fn remove_member(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((t, u)): Path<(String, String)>,
    Query(q): Query<OrgQuery>,
) -> R {
    svc.remove_team_member(&c, q.org.as_deref(), &t, &u).await?;
    Ok(no_content(None))
}
