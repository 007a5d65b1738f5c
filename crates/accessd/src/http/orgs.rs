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

pub async fn roles(State(svc): State<Service>, Auth(c): Auth, Path(org): Path<String>) -> R {
    Ok(whole_list(svc.list_org_roles(&c, &org).await?, None))
}

pub async fn create_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(org): Path<String>,
    ApiJson(doc): ApiJson<api::OrgRole>,
) -> R {
    Ok(json(
        StatusCode::CREATED,
        &svc.create_org_role(&c, &org, &doc).await?,
        None,
    ))
}

pub async fn get_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, role)): Path<(String, String)>,
) -> R {
    Ok(json(
        StatusCode::OK,
        &svc.get_org_role(&c, &org, &role).await?,
        None,
    ))
}

pub async fn update_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, role)): Path<(String, String)>,
    ApiJson(doc): ApiJson<api::OrgRole>,
) -> R {
    Ok(json(
        StatusCode::OK,
        &svc.update_org_role(&c, &org, &role, &doc).await?,
        None,
    ))
}

pub async fn delete_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, role)): Path<(String, String)>,
) -> R {
    svc.delete_org_role(&c, &org, &role).await?;
    Ok(no_content(None))
}

pub async fn clusters(State(svc): State<Service>, Auth(c): Auth, Path(org): Path<String>) -> R {
    Ok(whole_list(svc.list_clusters(&c, &org).await?, None))
}

pub async fn create_cluster(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(org): Path<String>,
    ApiJson(req): ApiJson<api::CreateCluster>,
) -> R {
    Ok(json(
        StatusCode::CREATED,
        &svc.create_cluster(&c, &org, &req).await?,
        None,
    ))
}

pub async fn delete_cluster(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, cluster)): Path<(String, String)>,
) -> R {
    svc.delete_cluster(&c, &org, &cluster).await?;
    Ok(no_content(None))
}

pub async fn server_roles(State(svc): State<Service>, Auth(c): Auth, Path(org): Path<String>) -> R {
    Ok(whole_list(svc.list_server_roles(&c, &org).await?, None))
}

pub async fn create_server_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(org): Path<String>,
    ApiJson(req): ApiJson<api::CreateServerRole>,
) -> R {
    Ok(json(
        StatusCode::CREATED,
        &svc.create_server_role(&c, &org, &req).await?,
        None,
    ))
}

pub async fn update_server_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, role)): Path<(String, String)>,
    ApiJson(req): ApiJson<api::CreateServerRole>,
) -> R {
    Ok(json(
        StatusCode::OK,
        &svc.update_server_role(&c, &org, &role, &req).await?,
        None,
    ))
}

pub async fn delete_server_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, role)): Path<(String, String)>,
) -> R {
    svc.delete_server_role(&c, &org, &role).await?;
    Ok(no_content(None))
}

/// 201 when some email was invited, 200 when none was (already invited, members…).
pub async fn invite(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(org): Path<String>,
    ApiJson(req): ApiJson<api::CreateOrgInvitations>,
) -> R {
    let resp = svc.create_org_invitations(&c, &org, &req).await?;
    let status = if resp
        .results
        .iter()
        .any(|r| r.status == api::InviteStatus::Invited)
    {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(status, &resp, None))
}

pub async fn invitations(State(svc): State<Service>, Auth(c): Auth, Path(org): Path<String>) -> R {
    Ok(whole_list(svc.list_org_invitations(&c, &org).await?, None))
}

pub async fn delete_invitation(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((org, inv)): Path<(String, String)>,
) -> R {
    svc.delete_org_invitation(&c, &org, &inv).await?;
    Ok(no_content(None))
}

pub async fn preset_roles(State(svc): State<Service>, Auth(c): Auth, Path(preset): Path<String>) -> R {
    Ok(whole_list(svc.list_preset_roles(&c, &preset).await?, None))
}

pub async fn update_preset_role(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((preset, role)): Path<(String, String)>,
    ApiJson(req): ApiJson<api::UpdatePresetRole>,
) -> R {
    Ok(json(
        StatusCode::OK,
        &svc.update_preset_role(&c, &preset, &role, &req).await?,
        None,
    ))
}
