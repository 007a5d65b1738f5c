//! Extractors: JSON bodies whose every rejection is a problem document,
//! the authenticated caller, `If-Match`.

use access_api::{FieldError, ProblemCode};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::service::Caller;

/// Set by the auth middleware: the caller, when the request carried credentials.
#[derive(Clone, Debug)]
pub struct Authed(pub Option<Caller>);

/// The authenticated caller (401 otherwise).
pub struct Auth(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Authed>()
            .and_then(|a| a.0.clone())
            .map(Auth)
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// The caller if any.
pub struct MaybeAuth(pub Option<Caller>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeAuth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(MaybeAuth(
            parts.extensions.get::<Authed>().and_then(|a| a.0.clone()),
        ))
    }
}

/// The raw `If-Match` header.
pub struct IfMatch(pub Option<String>);

impl IfMatch {
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let v = match parts.headers.get(header::IF_MATCH) {
            None => None,
            Some(v) => Some(
                v.to_str()
                    .map_err(|_| ApiError::invalid("If-Match is not valid"))?
                    .to_owned(),
            ),
        };
        Ok(IfMatch(v))
    }
}

/// A JSON body: wrong content type → 400, malformed JSON → 400, unknown
/// fields / wrong types / missing fields → 422 with per-field `errors`,
/// over the body limit → 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or("").trim().to_owned();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::invalid(
                "the body must be JSON (Content-Type: application/json)",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ProblemCode::PayloadTooLarge,
                    "the request body is larger than 1 MiB",
                )
            } else {
                ApiError::invalid("could not read the request body")
            }
        })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::invalid(format!("the body is not valid JSON: {e}")))?;
        if !value.is_object() {
            // serde would also take a struct from an array: refuse it.
            return Err(ApiError::field("body", "must be a JSON object"));
        }
        if let Some(path) = nul_path(&value, String::new()) {
            return Err(ApiError::field(&path, "contains a NUL character"));
        }
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) => Err(json_error(&e)),
        }
    }
}

/// The JSON path of the first string (or key) holding a NUL character.
fn nul_path(v: &serde_json::Value, here: String) -> Option<String> {
    let at = |here: &str| {
        if here.is_empty() {
            "body".to_owned()
        } else {
            here.to_owned()
        }
    };
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(at(&here)),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| nul_path(x, format!("{here}[{i}]"))),
        serde_json::Value::Object(o) => o.iter().find_map(|(k, x)| {
            let p = if here.is_empty() {
                k.clone()
            } else {
                format!("{here}.{k}")
            };
            if k.contains('\0') {
                Some(at(&here))
            } else {
                nul_path(x, p)
            }
        }),
        _ => None,
    }
}

fn backticked(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

fn json_error(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_json::error::Category;
    let inner = e.inner();
    if matches!(inner.classify(), Category::Syntax | Category::Eof | Category::Io) {
        return ApiError::invalid(format!("the body is not valid JSON: {inner}"));
    }
    let path = e.path().to_string();
    let prefix = if path == "." {
        String::new()
    } else {
        format!("{path}.")
    };
    let msg = inner.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    let field = if msg.starts_with("unknown field") || msg.starts_with("missing field") {
        match backticked(&msg) {
            // Some paths already end in the field (structs), some do not (tagged enums).
            Some(f) if path == f || path.ends_with(&format!(".{f}")) => path.clone(),
            Some(f) => format!("{prefix}{f}"),
            None => path.clone(),
        }
    } else if path == "." {
        "body".to_owned()
    } else {
        path
    };
    ApiError::fields(vec![FieldError { field, message: msg }])
}
