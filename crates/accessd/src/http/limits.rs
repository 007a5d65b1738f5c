//! The client address of a request and the rate-limit middleware in front of
//! the unauthenticated endpoints that take a secret (invitation accept/decline,
//! bootstrap, login codes) and the TOTP checks of `users/me/mfa`. Failed authentication is counted in [`super::layers::auth`].

use std::net::{IpAddr, SocketAddr};

use access_api::{Problem, ProblemCode};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use super::respond::problem_response;
use crate::limits::Class;
use crate::service::Service;

/// The address the rate limits key on; none for an in-process request (the
/// CLI's local context has no socket), which is never limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

/// The peer's address, or with `trust_proxy_headers` the last entry of
/// `X-Forwarded-For` (the one the load balancer appended; entries before it
/// come from the client). No socket address → none, whatever the headers say.
pub fn client_addr(req: &Request, trust_proxy_headers: bool) -> Option<IpAddr> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    if trust_proxy_headers && let Some(ip) = last_forwarded_for(req.headers()) {
        return Some(ip);
    }
    Some(peer)
}

fn last_forwarded_for(h: &HeaderMap) -> Option<IpAddr> {
    // Several headers are one list, in order.
    let last = h
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|s| !s.is_empty())?;
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// 429 `rate-limited` with `Retry-After: <seconds>`.
pub fn rate_limited(class: Class, retry_after: u64) -> Response {
    let what = match class {
        Class::FailedAuth => "failed authentication attempts",
        Class::Accept => "invitation accept/decline attempts",
        Class::Bootstrap => "bootstrap attempts",
        Class::Login => "login code or TOTP attempts",
        Class::LoginEmail => {
            return with_retry_after(
                Problem::new(
                    ProblemCode::RateLimited,
                    format!("too many login codes asked for this email address; retry in {retry_after} s"),
                ),
                retry_after,
            );
        }
    };
    let p = Problem::new(
        ProblemCode::RateLimited,
        format!("too many {what} from this address; retry in {retry_after} s"),
    );
    with_retry_after(p, retry_after)
}

fn with_retry_after(p: Problem, retry_after: u64) -> Response {
    let mut resp = problem_response(&p);
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// Records the client address ([`ClientAddr`]) and refuses accept/decline and
/// bootstrap attempts over their limit before they run.
pub async fn guard(State(svc): State<Service>, mut req: Request, next: Next) -> Response {
    let addr = client_addr(&req, svc.config.trust_proxy_headers);
    req.extensions_mut().insert(ClientAddr(addr));
    let class = match (req.method(), req.uri().path()) {
        (&Method::POST, "/v1/invitations/accept" | "/v1/invitations/decline") => Some(Class::Accept),
        (&Method::POST, "/v1/bootstrap") => Some(Class::Bootstrap),
        (
            &Method::POST,
            "/v1/auth/email-code" | "/v1/auth/email-code/verify" | "/v1/users/me/mfa/confirm",
        )
        | (&Method::DELETE, "/v1/users/me/mfa") => Some(Class::Login),
        _ => None,
    };
    if let (Some(class), Some(addr)) = (class, addr)
        && let Err(secs) = svc.limiters.check(class, addr)
    {
        tracing::debug!(class = class.as_str(), client = %addr, "rate limited");
        return rate_limited(class, secs);
    }
    next.run(req).await
}
