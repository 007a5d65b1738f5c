//! `orgs…`: organizations and their members.

use access_api as api;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::extract::{ApiJson, Auth};
use super::respond::{json, no_content, whole_list};
use crate::error::ApiError;
use crate::service::Service;

type R = Result<Response, ApiError>;

pub async fn list(State(svc): State<Service>, Auth(c): Auth) -> R {
    let items = svc.list_orgs(&c).await?;
    Ok(whole_list(items, None))
}

pub async fn create(State(svc): State<Service>, Auth(c): Auth, ApiJson(req): ApiJson<api::CreateOrg>) -> R {
    Ok(json(StatusCode::CREATED, &svc.create_org(&c, &req).await?, None))
}

pub async fn get(State(svc): State<Service>, Auth(c): Auth, Path(org): Path<String>) -> R {
    Ok(json(StatusCode::OK, &svc.get_org(&c, &org).await?, None))
}

pub async fn update(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(org): Path<String>,
    ApiJson(req): ApiJson<api::UpdateOrg>,
) -> R {
    Ok(json(StatusCode::OK, &svc.update_org(&c, &org, &req).await?, None))
}

pub async fn members(State(svc): State<Service>, Auth(c): Auth, Path(org): Path<String>) -> R {
    let items = svc.list_org_members(&c, &org).await?;
    Ok(whole_list(items, None))
}

/// 201 with the member when added, 200 when their role changed or already was that.
pub async fn set_member(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, user)): Path<(String, String)>,
    ApiJson(req): ApiJson<api::SetOrgMember>,
) -> R {
    let (m, added) = svc.set_org_member(&c, &org, &user, &req).await?;
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
    Path((org, user)): Path<(String, String)>,
) -> R {
    svc.remove_org_member(&c, &org, &user).await?;
    Ok(no_content(None))
}
