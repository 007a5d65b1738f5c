//! Middleware: authentication, `Idempotency-Key` replay, and the catch-all
//! that turns any bare error response into problem+json.

use access_api::{Problem, ProblemCode};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::extract::Authed;
use super::limits::{ClientAddr, rate_limited};
use super::respond::problem_response;
use crate::InProcessUser;
use crate::error::ApiError;
use crate::limits::Class;
use crate::service::Service;
use crate::store;

const PUBLIC: &[&str] = &[
    "/healthz",
    "/readyz",
    "/v1/meta",
    "/v1/bootstrap",
    "/v1/openapi.json",
];

fn request_id(h: &HeaderMap) -> Option<String> {
    h.get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Resolves the caller (in-process extension or bearer token). Bad
/// credentials → 401 right away; none → the route decides.
pub async fn auth(State(svc): State<Service>, mut req: Request, next: Next) -> Response {
    if PUBLIC.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let rid = request_id(req.headers());
    let caller = if let Some(InProcessUser(name)) = req.extensions().get::<InProcessUser>().cloned() {
        match svc.authenticate_username(&name).await {
            Ok(c) => Some(c),
            Err(e) => return e.into_response(),
        }
    } else if let Some(v) = req.headers().get(header::AUTHORIZATION) {
        let token = v
            .to_str()
            .ok()
            .and_then(|s| s.strip_prefix("Bearer ").or_else(|| s.strip_prefix("bearer ")))
            .map(str::trim);
        let result = match token {
            Some(token) => svc.authenticate(token).await,
            None => Err(ApiError::unauthenticated()),
        };
        match result {
            Ok(c) => Some(c),
            Err(e) if e.code() == ProblemCode::Unauthenticated => return failed_auth(&svc, &req, e),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let caller = caller.map(|mut c| {
        c.request_id = rid;
        c
    });
    req.extensions_mut().insert(Authed(caller));
    next.run(req).await
}

/// A wrong, unknown, revoked or expired token: 401, or 429 once the client
/// address is over its failed-authentication limit. Only failures count, and a
/// valid token is served whatever the address's count (see the README).
fn failed_auth(svc: &Service, req: &Request, e: ApiError) -> Response {
    let addr = req.extensions().get::<ClientAddr>().and_then(|a| a.0);
    if let Some(addr) = addr
        && let Err(secs) = svc.limiters.check(Class::FailedAuth, addr)
    {
        tracing::debug!(client = %addr, "rate limited: failed authentication");
        return rate_limited(Class::FailedAuth, secs);
    }
    e.into_response()
}

/// Strings that are secrets (tokens, invitation codes) are never stored.
fn strip_secrets(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.starts_with("acc_") || s.starts_with("inv_") => {
            *v = serde_json::Value::Null;
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_secrets),
        serde_json::Value::Object(o) => o.values_mut().for_each(strip_secrets),
        _ => {}
    }
}

const REPLAYED_HEADERS: &[header::HeaderName] = &[header::CONTENT_TYPE, header::ETAG, header::LOCATION];

/// A POST with `Idempotency-Key` from the same user to the same path gets the
/// first response again (secrets in it are not stored, so they come back null).
///
/// The key is claimed before the request runs, so of several concurrent first uses
/// exactly one runs; the others get 503 `unavailable` with `Retry-After` (a retry
/// then replays the response). A failure worth retrying (5xx, 401, 429) gives the
/// key back. A claim whose request never finished (the server stopped mid-request)
/// is taken over once it is older than twice the request timeout.
pub async fn idempotency(State(svc): State<Service>, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let user = req
        .extensions()
        .get::<Authed>()
        .and_then(|a| a.0.as_ref())
        .map(|c| c.user.id.clone());
    let (Some(key), Some(user), true) = (key, user, req.method() == Method::POST) else {
        return next.run(req).await;
    };
    if key.len() > 200 {
        return ApiError::invalid("Idempotency-Key is longer than 200 characters").into_response();
    }
    let path = req.uri().path().to_owned();
    match claim(&svc, &user, &key, &path).await {
        // The database is unreachable: run the request as if it had no key; it
        // fails on its own if the database is really gone.
        Err(e) => {
            tracing::warn!(error = %e, "could not claim the idempotency key");
            next.run(req).await
        }
        Ok(Claim::Replay(stored)) => replay(stored),
        Ok(Claim::InProgress) => ApiError::Problem(Box::new(Problem::new(
            ProblemCode::Unavailable,
            "a request with this Idempotency-Key is still in progress; retry it to get its response",
        )))
        .into_response(),
        Ok(Claim::Owned) => {
            // Cut off mid-request (the request timeout drops this future), the key
            // is given back so that a retry can run.
            let mut guard = ReleaseOnDrop(Some((svc.clone(), user.clone(), key.clone(), path.clone())));
            let resp = next.run(req).await;
            guard.0 = None;
            finish(&svc, &user, &key, &path, resp).await
        }
    }
}

struct ReleaseOnDrop(Option<(Service, String, String, String)>);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        let Some((svc, user, key, path)) = self.0.take() else {
            return;
        };
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Ok(mut c) = svc.db.write_conn().await {
                    let _ = store::audit::idem_release(&mut c, &user, &key, &path).await;
                }
            });
        }
    }
}

enum Claim {
    Owned,
    InProgress,
    Replay(store::audit::StoredResponse),
}

async fn claim(svc: &Service, user: &str, key: &str, path: &str) -> Result<Claim, sqlx::Error> {
    let mut c = svc.db.write_conn().await?;
    let now = svc.now();
    if store::audit::idem_claim(&mut c, user, key, path, now).await? {
        return Ok(Claim::Owned);
    }
    let Some(stored) = store::audit::idem_get(&mut c, user, key, path).await? else {
        // Given back between our claim and our read: the next try claims it.
        return Ok(Claim::InProgress);
    };
    if !stored.in_progress() {
        return Ok(Claim::Replay(stored.response));
    }
    let abandoned = i64::try_from(svc.config.request_timeout.as_millis() * 2).unwrap_or(i64::MAX);
    if now.saturating_sub(stored.created_at) > abandoned
        && store::audit::idem_take_over(&mut c, user, key, path, stored.created_at, now).await?
    {
        return Ok(Claim::Owned);
    }
    Ok(Claim::InProgress)
}

fn replay(stored: store::audit::StoredResponse) -> Response {
    let status = StatusCode::from_u16(u16::try_from(stored.status).unwrap_or(500)).unwrap_or(StatusCode::OK);
    let mut resp = (status, stored.body).into_response();
    let headers: Vec<(String, String)> = serde_json::from_str(&stored.headers).unwrap_or_default();
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (header::HeaderName::try_from(k), HeaderValue::try_from(v)) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}

/// Stores the first response of an owned key, or gives the key back.
async fn finish(svc: &Service, user: &str, key: &str, path: &str, resp: Response) -> Response {
    let status = resp.status();
    if status.is_server_error()
        || status == StatusCode::UNAUTHORIZED
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        let released = async {
            let mut c = svc.db.write_conn().await?;
            store::audit::idem_release(&mut c, user, key, path).await
        };
        if let Err(e) = released.await {
            tracing::warn!(error = %e, "could not give back the idempotency key");
        }
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 << 20).await else {
        return ApiError::new(ProblemCode::Internal, "internal error").into_response();
    };
    let mut stored_body = String::from_utf8_lossy(&bytes).into_owned();
    if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        strip_secrets(&mut v);
        stored_body = v.to_string();
    }
    let headers: Vec<(String, String)> = REPLAYED_HEADERS
        .iter()
        .filter_map(|h| {
            parts
                .headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(|v| (h.to_string(), v.to_owned()))
        })
        .collect();
    let stored = store::audit::StoredResponse {
        status: i64::from(status.as_u16()),
        headers: serde_json::to_string(&headers).unwrap_or_default(),
        body: stored_body,
    };
    let saved = async {
        let mut c = svc.db.write_conn().await?;
        store::audit::idem_finish(&mut c, user, key, path, &stored).await
    };
    if let Err(e) = saved.await {
        tracing::warn!(error = %e, "could not store the idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Every non-2xx answer is problem+json with a `code`, including the ones
/// axum and tower-http produce themselves (404 route, 405, 408/timeout, 413).
pub async fn problems(req: Request, next: Next) -> Response {
    let rid = request_id(req.headers());
    // A NUL character in the path or query is never meaningful (and PostgreSQL
    // cannot store one): refuse it up front, the same on every database.
    let raw = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    if raw.to_ascii_lowercase().contains("%00") {
        let mut p = Problem::new(ProblemCode::InvalidRequest, "the URL holds a NUL character");
        p.request_id = rid;
        return problem_response(&p);
    }
    let resp = next.run(req).await;
    let status = resp.status();
    if status.is_success() || status.is_redirection() || status.is_informational() {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if is_problem {
        return with_request_id(resp, rid).await;
    }
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => (ProblemCode::NotFound, "no such resource"),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ProblemCode::PayloadTooLarge,
            "the request body is larger than 1 MiB",
        ),
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
            (ProblemCode::Unavailable, "the request took too long; retry")
        }
        StatusCode::UNAUTHORIZED => (ProblemCode::Unauthenticated, "a valid bearer token is required"),
        StatusCode::UNPROCESSABLE_ENTITY => (ProblemCode::ValidationFailed, "the request is not valid"),
        s if s.is_server_error() => (ProblemCode::Internal, "internal error"),
        _ => (ProblemCode::InvalidRequest, "the request is not valid"),
    };
    let mut p = Problem::new(code, detail);
    if matches!(
        status,
        StatusCode::METHOD_NOT_ALLOWED | StatusCode::UNSUPPORTED_MEDIA_TYPE
    ) {
        p.status = status.as_u16();
        p.detail = Some(status.canonical_reason().unwrap_or("invalid request").to_owned());
    }
    if code == ProblemCode::Unavailable {
        p.status = 503;
    }
    p.request_id = rid;
    problem_response(&p)
}

/// Puts the request id into a problem body, so a report quoting the body
/// can be found in the logs.
async fn with_request_id(resp: Response, rid: Option<String>) -> Response {
    let Some(rid) = rid else { return resp };
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return ApiError::new(ProblemCode::Internal, "internal error").into_response();
    };
    let body = match serde_json::from_slice::<Problem>(&bytes) {
        Ok(mut p) => {
            p.request_id = Some(rid);
            serde_json::to_vec(&p)
                .map(Body::from)
                .unwrap_or_else(|_| Body::from(bytes))
        }
        Err(_) => Body::from(bytes),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}
