//! `auth/email-code…` (login by emailed code, no token needed) and
//! `users/me/mfa…` (TOTP of one's own account).

use access_api as api;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::extract::{ApiJson, Auth};
use super::limits::rate_limited;
use super::respond::json;
use crate::error::ApiError;
use crate::limits::Class;
use crate::service::login::{login_email, mail_not_configured};
use crate::service::{RequestIds, Service};

type R = Result<Response, ApiError>;

/// 202 whether or not the email has an account; 429 past the per-email limit.
pub async fn email_code(State(svc): State<Service>, ApiJson(req): ApiJson<api::EmailCodeRequest>) -> R {
    if svc.config.smtp_url.is_none() {
        return Err(mail_not_configured());
    }
    let email = login_email(&req.email)?;
    if let Err(secs) = svc.limiters.check_email(&email) {
        return Ok(rate_limited(Class::LoginEmail, secs));
    }
    Ok(json(
        StatusCode::ACCEPTED,
        &svc.request_email_code(&req).await?,
        None,
    ))
}

pub async fn verify(
    State(svc): State<Service>,
    ids: Option<Extension<RequestIds>>,
    ApiJson(req): ApiJson<api::EmailCodeVerify>,
) -> R {
    let ids = ids.map(|e| e.0).unwrap_or_default();
    Ok(json(
        StatusCode::OK,
        &svc.verify_email_code(&req, &ids).await?,
        None,
    ))
}

pub async fn enroll(State(svc): State<Service>, Auth(c): Auth) -> R {
    Ok(json(StatusCode::CREATED, &svc.enroll_mfa(&c).await?, None))
}

pub async fn confirm(State(svc): State<Service>, Auth(c): Auth, ApiJson(req): ApiJson<api::TotpCode>) -> R {
    Ok(json(StatusCode::OK, &svc.confirm_mfa(&c, &req).await?, None))
}

/// A server administrator resets another user's MFA (a lost device).
pub async fn reset(
    State(svc): State<Service>,
    Auth(c): Auth,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> R {
    Ok(json(StatusCode::OK, &svc.reset_mfa(&c, &id).await?, None))
}

pub async fn disable(State(svc): State<Service>, Auth(c): Auth, ApiJson(req): ApiJson<api::TotpCode>) -> R {
    Ok(json(StatusCode::OK, &svc.disable_mfa(&c, &req).await?, None))
}
