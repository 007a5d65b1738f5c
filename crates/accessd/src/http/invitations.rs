//! `projects/{p}/invitations…`, `invitations/accept`, `invitations/decline`.

use access_api::{self as api, InviteStatus};
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::extract::{ApiJson, Auth, IfMatch, MaybeAuth};
use super::respond::{json, no_content, whole_list};
use crate::error::ApiError;
use crate::service::{RequestIds, Service};

type R = Result<Response, ApiError>;

pub async fn create(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(p): Path<String>,
    im: IfMatch,
    ApiJson(req): ApiJson<api::CreateInvitations>,
) -> R {
    let (resp, v) = svc.create_invitations(&c, &p, im.get(), &req).await?;
    let status = if resp.results.iter().any(|r| r.status == InviteStatus::Invited) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(status, &resp, Some(v)))
}

pub async fn list(State(svc): State<Service>, Auth(c): Auth, Path(p): Path<String>) -> R {
    let (items, v) = svc.list_invitations(&c, &p).await?;
    Ok(whole_list(items, Some(v)))
}

pub async fn get(State(svc): State<Service>, Auth(c): Auth, Path((p, i)): Path<(String, String)>) -> R {
    let (inv, v) = svc.get_invitation(&c, &p, &i).await?;
    Ok(json(StatusCode::OK, &inv, Some(v)))
}

pub async fn delete(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, i)): Path<(String, String)>,
    im: IfMatch,
) -> R {
    let v = svc.delete_invitation(&c, &p, &i, im.get()).await?;
    Ok(no_content(Some(v)))
}

pub async fn resend(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path((p, i)): Path<(String, String)>,
    im: IfMatch,
) -> R {
    let (inv, v) = svc.resend_invitation(&c, &p, &i, im.get()).await?;
    Ok(json(StatusCode::OK, &inv, Some(v)))
}

pub async fn accept(
    State(svc): State<Service>,
    MaybeAuth(c): MaybeAuth,
    ids: Option<Extension<RequestIds>>,
    ApiJson(req): ApiJson<api::AcceptInvitation>,
) -> R {
    let ids = ids.map(|e| e.0).unwrap_or_default();
    let resp = svc.accept_invitation(c.as_ref(), &ids, &req.code).await?;
    Ok(json(StatusCode::OK, &resp, None))
}

pub async fn decline(
    State(svc): State<Service>,
    MaybeAuth(c): MaybeAuth,
    ids: Option<Extension<RequestIds>>,
    ApiJson(req): ApiJson<api::AcceptInvitation>,
) -> R {
    let ids = ids.map(|e| e.0).unwrap_or_default();
    svc.decline_invitation(c.as_ref(), &ids, &req.code).await?;
    Ok(no_content(None))
}
