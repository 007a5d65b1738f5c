//! The in-process transport: the embedded `accessd` router called as a
//! `tower::Service`, no socket. Requests are authenticated by the
//! `accessd::InProcessUser` extension, which nothing arriving over HTTP can carry.

use std::time::Duration;

use axum::body::Body;
use tower::ServiceExt;

use super::ApiError;
use super::transport::{ApiRequest, ApiResponse, BoxFuture, MAX_BODY, Method, Transport};

/// Calls an in-process `accessd` as one user.
pub struct InProcessTransport {
    router: axum::Router,
    user: String,
    timeout: Duration,
}

impl InProcessTransport {
    pub fn new(router: axum::Router, user: String, timeout: Duration) -> Self {
        InProcessTransport {
            router,
            user,
            timeout,
        }
    }

    async fn send_inner(&self, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let method = match req.method {
            Method::Get => axum::http::Method::GET,
            Method::Post => axum::http::Method::POST,
            Method::Put => axum::http::Method::PUT,
            Method::Patch => axum::http::Method::PATCH,
            Method::Delete => axum::http::Method::DELETE,
        };
        let mut builder = axum::http::Request::builder()
            .method(method)
            .uri(&req.path)
            .header("accept", "application/json");
        if let Some(key) = &req.idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        if let Some(etag) = &req.if_match {
            builder = builder.header("if-match", etag);
        }
        let body = match &req.body {
            Some(b) => {
                builder = builder.header("content-type", "application/json");
                Body::from(b.clone())
            }
            None => Body::empty(),
        };
        let mut request = builder
            .body(body)
            .map_err(|e| ApiError::Transport(format!("bad request: {e}")))?;
        request
            .extensions_mut()
            .insert(accessd::InProcessUser(self.user.clone()));
        let call = self.router.clone().oneshot(request);
        let response = match tokio::time::timeout(self.timeout, call).await {
            Err(_) => return Err(ApiError::Timeout(self.timeout)),
            Ok(Err(never)) => match never {},
            Ok(Ok(r)) => r,
        };
        let mut out = ApiResponse::head(response.status().as_u16(), response.headers());
        out.body = axum::body::to_bytes(response.into_body(), MAX_BODY)
            .await
            .map_err(|e| ApiError::Decode(e.to_string()))?
            .to_vec();
        Ok(out)
    }
}

impl Transport for InProcessTransport {
    fn send<'a>(&'a self, req: &'a ApiRequest) -> BoxFuture<'a, Result<ApiResponse, ApiError>> {
        Box::pin(self.send_inner(req))
    }

    fn describe(&self) -> String {
        "embedded".to_owned()
    }
}
