//! The HTTP transport (reqwest, rustls): timeouts, no cross-origin redirects, and no
//! token over plain http to a non-loopback host.

use std::time::Duration;

use reqwest::{Url, redirect};

use super::ApiError;
use super::transport::{ApiRequest, ApiResponse, BoxFuture, MAX_BODY, Method, Transport};
use crate::credentials::Secret;

/// Talks to a remote `accessd`.
pub struct HttpTransport {
    client: reqwest::Client,
    base: Url,
    token: Option<Secret>,
    timeout: Duration,
}

impl HttpTransport {
    /// `base` is the server URL (`https://host[:port]`).
    pub fn new(
        base: &str,
        token: Option<Secret>,
        timeout: Duration,
        insecure_http: bool,
    ) -> Result<Self, ApiError> {
        let base = Url::parse(base.trim_end_matches('/'))
            .map_err(|e| ApiError::Transport(format!("invalid server URL '{base}': {e}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(ApiError::Transport(format!(
                "server URL must start with https:// (got '{base}')"
            )));
        }
        if token.is_some() && base.scheme() == "http" && !insecure_http && !is_loopback(&base) {
            return Err(ApiError::InsecureHttp(base.to_string()));
        }
        let policy = redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .first()
                .is_none_or(|first| first.origin() == attempt.url().origin());
            if !same_origin {
                let to = attempt.url().origin().ascii_serialization();
                attempt.error(format!("redirect to another origin ({to})"))
            } else if attempt.previous().len() > 5 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .redirect(policy)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .user_agent(concat!("accessctl/", env!("CARGO_PKG_VERSION")));
        if base.scheme() == "http" {
            // Plain http never verifies a certificate: an empty root store instead
            // of the system's ~150 roots, read and parsed on every command (~3 ms).
            // Redirects cannot lead to https (same origin only).
            builder = builder.tls_certs_only([]);
        }
        let client = builder
            .build()
            .map_err(|e| ApiError::Transport(format!("cannot set up HTTP: {e}")))?;
        Ok(HttpTransport {
            client,
            base,
            token,
            timeout,
        })
    }

    async fn send_inner(&self, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let url = format!("{}{}", self.base.as_str().trim_end_matches('/'), req.path);
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .client
            .request(method, url)
            .header("accept", "application/json");
        if let Some(token) = &self.token {
            builder = builder.bearer_auth(token.expose());
        }
        if let Some(key) = &req.idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        if let Some(etag) = &req.if_match {
            builder = builder.header("if-match", etag);
        }
        if let Some(body) = &req.body {
            builder = builder
                .header("content-type", "application/json")
                .body(body.clone());
        }
        let mut resp = builder.send().await.map_err(|e| self.map_err(e))?;
        let mut out = ApiResponse::head(resp.status().as_u16(), resp.headers());
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_err(e))? {
            out.body.extend_from_slice(&chunk);
            if out.body.len() > MAX_BODY {
                return Err(ApiError::Decode(format!("response larger than {MAX_BODY} bytes")));
            }
        }
        Ok(out)
    }

    fn map_err(&self, e: reqwest::Error) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout(self.timeout)
        } else if e.is_redirect() {
            ApiError::Redirect(source_chain(&e))
        } else if e.is_connect() {
            ApiError::Connect(source_chain(&e))
        } else if e.is_body() || e.is_decode() {
            ApiError::Decode(source_chain(&e))
        } else {
            ApiError::Transport(source_chain(&e))
        }
    }
}

impl Transport for HttpTransport {
    fn send<'a>(&'a self, req: &'a ApiRequest) -> BoxFuture<'a, Result<ApiResponse, ApiError>> {
        Box::pin(self.send_inner(req))
    }

    fn describe(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    fn sends_token(&self) -> bool {
        self.token.is_some()
    }
}

/// The innermost cause, which says what actually happened ("Connection refused").
fn source_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        last = s.to_string();
        cur = s.source();
    }
    last
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_with_token_only_to_loopback() {
        let t = Some(Secret::new("acc_x"));
        let d = Duration::from_secs(1);
        assert!(HttpTransport::new("http://127.0.0.1:8080", t.clone(), d, false).is_ok());
        assert!(HttpTransport::new("http://localhost:8080", t.clone(), d, false).is_ok());
        assert!(HttpTransport::new("http://[::1]:8080", t.clone(), d, false).is_ok());
        assert!(matches!(
            HttpTransport::new("http://example.com", t.clone(), d, false),
            Err(ApiError::InsecureHttp(_))
        ));
        assert!(HttpTransport::new("http://example.com", t.clone(), d, true).is_ok());
        assert!(HttpTransport::new("https://example.com", t, d, false).is_ok());
        assert!(HttpTransport::new("http://example.com", None, d, false).is_ok());
        assert!(HttpTransport::new("ftp://example.com", None, d, false).is_err());
    }
}
