//! The one interface both transports implement: a request in, a response out.
//! Command code and the client never know which one they are on.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::ApiError;

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One request: method, path with query (`/v1/...`), JSON body.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub body: Option<Vec<u8>>,
    pub idempotency_key: Option<String>,
    /// `If-Match`: the write happens only if the project's ETag is still this.
    pub if_match: Option<String>,
}

/// One response.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<Duration>,
    pub request_id: Option<String>,
    /// `ETag`: the project's policy version the answer reflects.
    pub etag: Option<String>,
    pub body: Vec<u8>,
}

impl ApiResponse {
    /// A response's status and the headers the client uses, before its body.
    pub fn head(status: u16, headers: &reqwest::header::HeaderMap) -> ApiResponse {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        ApiResponse {
            status,
            content_type: header("content-type"),
            retry_after: parse_retry_after(header("retry-after").as_deref()),
            request_id: header("x-request-id"),
            etag: header("etag"),
            body: Vec::new(),
        }
    }
}

/// A boxed future (object-safe async).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends requests somewhere: a remote `accessd` or the in-process one.
pub trait Transport: Send + Sync {
    fn send<'a>(&'a self, req: &'a ApiRequest) -> BoxFuture<'a, Result<ApiResponse, ApiError>>;
    /// Where requests go, for traces and `auth status` (`https://…` or `embedded`).
    fn describe(&self) -> String;
    /// Whether requests carry a token (traces say `Authorization: Bearer ***` only
    /// then; `auth login --email` asks without one).
    fn sends_token(&self) -> bool {
        true
    }
}

/// Largest response body read (a huge body is an error, not an OOM).
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// Parses `Retry-After` seconds.
fn parse_retry_after(v: Option<&str>) -> Option<Duration> {
    v.and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}
