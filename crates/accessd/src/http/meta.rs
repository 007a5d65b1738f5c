//! `/healthz`, `/readyz`, `/v1/meta`, `POST /v1/bootstrap`, `GET /v1/permissions`.

use access_api::{self as api, ProblemCode};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::extract::ApiJson;
use super::respond::{json, whole_list};
use crate::error::ApiError;
use crate::service::Service;

pub async fn healthz() -> Response {
    json(StatusCode::OK, &serde_json::json!({"status": "ok"}), None)
}

pub async fn readyz(State(svc): State<Service>) -> Response {
    if svc.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return ApiError::new(ProblemCode::Unavailable, "draining: this server is shutting down")
            .into_response();
    }
    match sqlx::query("SELECT 1").execute(&svc.db.pool).await {
        Ok(_) => json(StatusCode::OK, &serde_json::json!({"status": "ready"}), None),
        Err(_) => ApiError::new(ProblemCode::Unavailable, "the database is not reachable").into_response(),
    }
}

pub async fn meta(State(svc): State<Service>) -> Result<Response, ApiError> {
    let m = api::Meta {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        api_version: api::API_VERSION.to_owned(),
        database: svc.db.kind.as_str().to_owned(),
        bootstrapped: svc.is_bootstrapped().await?,
    };
    Ok(json(StatusCode::OK, &m, None))
}

fn same_secret(a: &str, b: &str) -> bool {
    // Compare hashes, so the time taken does not depend on where they differ.
    crate::service::auth::hash_secret(a) == crate::service::auth::hash_secret(b)
}

pub async fn bootstrap(
    State(svc): State<Service>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<api::CreateUser>,
) -> Result<Response, ApiError> {
    if let Some(secret) = &svc.config.bootstrap_secret {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same_secret(given, secret) {
            return Err(ApiError::new(
                ProblemCode::Unauthenticated,
                "bootstrapping this server needs Authorization: Bearer <ACCESSD_BOOTSTRAP_SECRET>",
            ));
        }
    }
    let resp = svc.bootstrap(&req).await?;
    Ok(json(StatusCode::CREATED, &resp, None))
}

pub async fn permissions() -> Response {
    let items: Vec<api::PermissionInfo> = api::permissions::all()
        .map(|p| api::PermissionInfo {
            name: p.name.to_owned(),
            description: p.description.to_owned(),
        })
        .collect();
    whole_list(items, None)
}
