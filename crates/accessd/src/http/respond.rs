//! Building responses: problem+json errors, JSON bodies with ETags, pages.

use access_api::problem::PROBLEM_CONTENT_TYPE;
use access_api::{Page, Problem, ProblemCode};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Serialize;

use crate::error::ApiError;

/// A problem document as a response (401 gets `WWW-Authenticate`, 503 and
/// 429 get `Retry-After`).
pub fn problem_response(p: &Problem) -> Response {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(p).unwrap_or_default();
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
    );
    match p.code {
        ProblemCode::Unauthenticated => {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        ProblemCode::Unavailable | ProblemCode::RateLimited => {
            h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        _ => {}
    }
    resp
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Db(e) = &self
            && self.code() == ProblemCode::Internal
        {
            tracing::error!(error = %e, "database error");
        }
        match self {
            ApiError::Problem(p) => problem_response(&p),
            db => problem_response(&db.problem()),
        }
    }
}

/// JSON body with an optional `ETag: "<policy_version>"`.
pub fn json<T: Serialize>(status: StatusCode, body: &T, etag: Option<i64>) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    if let Some(v) = etag
        && let Ok(val) = HeaderValue::from_str(&format!("\"{v}\""))
    {
        resp.headers_mut().insert(header::ETAG, val);
    }
    resp
}

/// 200 with a list returned whole (`next_cursor: null`): members, roles, tokens,
/// invitations, teams and the like are small.
pub fn whole_list<T: Serialize>(items: Vec<T>, etag: Option<i64>) -> Response {
    json(
        StatusCode::OK,
        &access_api::Page {
            items,
            next_cursor: None,
        },
        etag,
    )
}

/// 204 with an optional ETag.
pub fn no_content(etag: Option<i64>) -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Some(v) = etag
        && let Ok(val) = HeaderValue::from_str(&format!("\"{v}\""))
    {
        resp.headers_mut().insert(header::ETAG, val);
    }
    resp
}

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// `?limit=&cursor=` of a list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size (default 50, capped at 500); 400 when not a number.
    pub fn limit(&self) -> Result<i64, ApiError> {
        match &self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .map(|n| n.min(MAX_LIMIT))
                .ok_or_else(|| ApiError::invalid("limit must be a positive integer")),
        }
    }

    /// The decoded keyset of `cursor`; 400 when garbled.
    pub fn after<K: serde::de::DeserializeOwned>(&self) -> Result<Option<K>, ApiError> {
        let Some(c) = &self.cursor else { return Ok(None) };
        let bad = || ApiError::invalid("cursor is not valid (use next_cursor from the previous page)");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(c)
            .map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map(Some).map_err(|_| bad())
    }
}

/// Opaque cursor: base64url of the JSON sort tuple.
pub fn cursor<K: Serialize>(key: &K) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// A page body plus `Link: <…>; rel="next"`. `rows` are the service's
/// (keyset, API item) pairs, up to limit+1; the extra one only says that there
/// is a next page, whose cursor is the last shown row's keyset.
pub fn page<T: Serialize, K: Serialize>(
    uri: &Uri,
    mut rows: Vec<(K, T)>,
    limit: i64,
    etag: Option<i64>,
) -> Response {
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more {
        rows.last().map(|(k, _)| cursor(k))
    } else {
        None
    };
    let body = Page {
        items: rows.into_iter().map(|(_, t)| t).collect::<Vec<T>>(),
        next_cursor: next.clone(),
    };
    let mut resp = json(StatusCode::OK, &body, etag);
    if let Some(c) = next {
        let mut query: Vec<&str> = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("cursor="))
            .collect();
        let cur = format!("cursor={c}");
        query.push(&cur);
        let link = format!("<{}?{}>; rel=\"next\"", uri.path(), query.join("&"));
        if let Ok(v) = HeaderValue::from_str(&link) {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    resp
}
