//! The HTTP layer: thin axum handlers (one file per area) over the service.

pub mod access;
pub mod audit;
pub mod extract;
pub mod invitations;
pub mod layers;
pub mod limits;
pub mod me;
pub mod meta;
pub mod openapi;
pub mod projects;
pub mod respond;
pub mod teams;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post, put};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::service::Service;

/// Request bodies above this answer 413.
pub const BODY_LIMIT: usize = 1 << 20;

fn span(req: &Request) -> tracing::Span {
    // Only method, path and request id: never headers (Authorization) or the
    // query string.
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

pub fn router(svc: Service, timeout: Duration) -> Router {
    let v1 = Router::new()
        .route("/meta", get(meta::meta))
        .route("/openapi.json", get(openapi::serve_document))
        .route("/bootstrap", post(meta::bootstrap))
        .route("/permissions", get(meta::permissions))
        .route("/users/me", get(me::get_me).patch(me::patch_me))
        .route(
            "/users/me/tokens",
            get(me::list_my_tokens).post(me::create_my_token),
        )
        .route(
            "/users/me/tokens/{id}",
            axum::routing::delete(me::delete_my_token),
        )
        .route("/users/me/invitations", get(me::my_invitations))
        .route("/users", get(me::list_users).post(me::create_user))
        .route(
            "/users/{id}",
            get(me::get_user).patch(me::patch_user).delete(me::delete_user),
        )
        .route("/users/{id}/tokens", post(me::create_user_token))
        .route("/orgs", get(me::list_orgs))
        .route("/orgs/{org}", get(me::get_org))
        .route("/teams", get(teams::list).post(teams::create))
        .route("/teams/{team}", get(teams::get).delete(teams::delete))
        .route("/teams/{team}/members", get(teams::members))
        .route(
            "/teams/{team}/members/{user}",
            put(teams::add_member).delete(teams::remove_member),
        )
        .route("/projects", get(projects::list).post(projects::create))
        .route(
            "/projects/{p}",
            get(projects::get).patch(projects::patch).delete(projects::delete),
        )
        .route(
            "/projects/{p}/roles",
            get(projects::list_roles).post(projects::create_role),
        )
        .route(
            "/projects/{p}/roles/{role}",
            get(projects::get_role)
                .put(projects::update_role)
                .delete(projects::delete_role),
        )
        .route("/projects/{p}/permissions/me", get(projects::my_permissions))
        .route("/projects/{p}/permissions:check", post(projects::check))
        .route(
            "/projects/{p}/role-bindings",
            get(access::list_bindings).post(access::create_binding),
        )
        .route(
            "/projects/{p}/role-bindings/{id}",
            get(access::get_binding).delete(access::delete_binding),
        )
        .route("/projects/{p}/members", get(access::list_members))
        .route(
            "/projects/{p}/policy",
            get(access::get_policy).put(access::put_policy),
        )
        .route(
            "/projects/{p}/members/{member}",
            put(access::set_member).delete(access::remove_member),
        )
        .route(
            "/projects/{p}/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route(
            "/projects/{p}/invitations/{inv}",
            get(invitations::get).delete(invitations::delete),
        )
        .route(
            "/projects/{p}/invitations/{inv}/resend",
            post(invitations::resend),
        )
        .route("/invitations/accept", post(invitations::accept))
        .route("/invitations/decline", post(invitations::decline))
        .route("/projects/{p}/audit-events", get(audit::project_events))
        .route("/audit-events", get(audit::all_events));

    Router::new()
        .route("/healthz", get(meta::healthz))
        .route("/readyz", get(meta::readyz))
        .nest("/v1", v1)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(span)
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(from_fn(layers::problems))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    timeout,
                ))
                .layer(from_fn_with_state(svc.clone(), limits::guard))
                .layer(from_fn_with_state(svc.clone(), layers::auth))
                .layer(from_fn_with_state(svc.clone(), layers::idempotency)),
        )
        .with_state(svc)
}
