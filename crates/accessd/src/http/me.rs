//! `users/me…`, server-admin `users…` and `orgs…`.

use access_api as api;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::extract::{ApiJson, Auth};
use super::respond::{PageQuery, json, no_content, page, whole_list};
use crate::error::ApiError;
use crate::service::{Service, users::require_admin};

type R = Result<Response, ApiError>;

pub async fn get_me(State(svc): State<Service>, Auth(c): Auth) -> R {
    Ok(json(StatusCode::OK, &svc.me(&c), None))
}

pub async fn patch_me(
    State(svc): State<Service>,
    Auth(c): Auth,
    ApiJson(req): ApiJson<api::UpdateUser>,
) -> R {
    Ok(json(
        StatusCode::OK,
        &svc.update_user(&c, "me", &req).await?,
        None,
    ))
}

pub async fn list_my_tokens(State(svc): State<Service>, Auth(c): Auth) -> R {
    let items = svc.list_tokens(&c).await?;
    Ok(whole_list(items, None))
}

pub async fn create_my_token(
    State(svc): State<Service>,
    Auth(c): Auth,
    ApiJson(req): ApiJson<api::CreateToken>,
) -> R {
    let uid = c.user.id.clone();
    Ok(json(
        StatusCode::CREATED,
        &svc.create_token(&c, &uid, &req).await?,
        None,
    ))
}

pub async fn delete_my_token(State(svc): State<Service>, Auth(c): Auth, Path(id): Path<String>) -> R {
    svc.revoke_token(&c, &id).await?;
    Ok(no_content(None))
}

pub async fn my_invitations(State(svc): State<Service>, Auth(c): Auth) -> R {
    let items = svc.my_invitations(&c).await?;
    Ok(whole_list(items, None))
}

pub async fn list_users(
    State(svc): State<Service>,
    Auth(c): Auth,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<PageQuery>,
) -> R {
    require_admin(&c)?;
    let limit = q.limit()?;
    let after: Option<String> = q.after()?;
    let rows = svc.list_users(&c, after.as_deref(), limit + 1).await?;
    Ok(page(&uri, rows, limit, None))
}

pub async fn create_user(
    State(svc): State<Service>,
    Auth(c): Auth,
    ApiJson(req): ApiJson<api::CreateUser>,
) -> R {
    Ok(json(StatusCode::CREATED, &svc.create_user(&c, &req).await?, None))
}

pub async fn get_user(State(svc): State<Service>, Auth(c): Auth, Path(id): Path<String>) -> R {
    Ok(json(StatusCode::OK, &svc.get_user_admin(&c, &id).await?, None))
}

pub async fn patch_user(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<api::UpdateUser>,
) -> R {
    require_admin(&c)?;
    Ok(json(StatusCode::OK, &svc.update_user(&c, &id, &req).await?, None))
}

pub async fn delete_user(State(svc): State<Service>, Auth(c): Auth, Path(id): Path<String>) -> R {
    svc.delete_user(&c, &id).await?;
    Ok(no_content(None))
}

pub async fn create_user_token(
    State(svc): State<Service>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<api::CreateToken>,
) -> R {
    Ok(json(
        StatusCode::CREATED,
        &svc.create_user_token(&c, &id, &req).await?,
        None,
    ))
}
