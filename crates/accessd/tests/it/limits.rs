//! Rate limits per client address: failed authentication, invitation
//! accept/decline, bootstrap; `X-Forwarded-For` only with trust_proxy_headers;
//! in-process requests are never limited. Periods are an hour, so the 429
//! comes after exactly `burst` attempts whatever the machine's speed.

use std::time::Duration;

use accessd::limits::{Limit, RateLimits};
use serde_json::json;

use crate::support::{Client, Resp, World, accessd};

const HOUR: Duration = Duration::from_secs(3600);

fn limits(failed_auth: u32, accept: u32, bootstrap: u32) -> RateLimits {
    RateLimits {
        failed_auth: Limit::new(failed_auth, HOUR),
        accept: Limit::new(accept, HOUR),
        bootstrap: Limit::new(bootstrap, HOUR),
        ..RateLimits::off()
    }
}

async fn world(limits: RateLimits, trust_proxy_headers: bool) -> World {
    World::with(accessd::Config {
        rate_limits: limits,
        trust_proxy_headers,
        ..accessd::Config::default()
    })
    .await
}

/// 429 `rate-limited` with a whole-second `Retry-After` within the period.
#[track_caller]
fn assert_limited(r: Resp) {
    let retry = r.header("retry-after").expect("Retry-After");
    let secs: u64 = retry.parse().unwrap_or_else(|_| panic!("Retry-After {retry:?}"));
    assert!((1..=3600).contains(&secs), "Retry-After {secs}");
    let body = r.problem(429, "rate-limited");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("retry in {secs} s")),
        "{body}"
    );
}

fn wrong(w: &World) -> Client {
    Client::new(&w.srv.url, Some("acc_wrongwrongwrongwrongwrongwrongwrongwrong1"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_tokens_are_refused_429_after_the_burst_valid_ones_still_served() {
    let w = world(limits(3, 0, 0), false).await;
    // Successful traffic does not count.
    for _ in 0..20 {
        w.admin.get("/v1/users/me").await.expect(200);
    }
    let bad = wrong(&w);
    for _ in 0..3 {
        bad.get("/v1/users/me").await.problem(401, "unauthenticated");
    }
    assert_limited(bad.get("/v1/users/me").await);
    // A malformed Authorization header is a failed authentication too.
    let r = Client::new(&w.srv.url, None)
        .send(
            reqwest::Method::GET,
            "/v1/projects",
            None,
            &[("authorization", "Basic eDp5")],
        )
        .await;
    assert_limited(r);
    // A valid token from the same (limited) address is not slowed.
    w.admin.get("/v1/users/me").await.expect(200);
    w.admin
        .post("/v1/projects", json!({"name": "p"}))
        .await
        .expect(201);
    // An expired or revoked token counts like an unknown one.
    let (u, bob) = w.user("bob").await;
    bob.get("/v1/users/me").await.expect(200);
    w.admin
        .patch(
            &format!("/v1/users/{}", u["id"].as_str().unwrap()),
            json!({"disabled": true}),
        )
        .await
        .expect(200);
    assert_limited(bob.get("/v1/users/me").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_and_decline_share_one_limit_checked_before_the_code() {
    let w = world(limits(0, 3, 0), false).await;
    w.project("p", "akka").await;
    let inv = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["carol@example.com"], "role": "viewer"}),
        )
        .await
        .expect(201);
    let code = inv["results"][0]["invitation"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let anon = w.anon();
    for i in 0..2 {
        anon.post("/v1/invitations/accept", json!({"code": format!("inv_guess{i}")}))
            .await
            .problem(404, "not-found");
    }
    anon.post("/v1/invitations/decline", json!({"code": "inv_guess"}))
        .await
        .problem(404, "not-found");
    // Over the limit even the right code is refused, before it is looked up.
    assert_limited(anon.post("/v1/invitations/accept", json!({"code": code})).await);
    assert_limited(anon.post("/v1/invitations/decline", json!({"code": code})).await);
    // The invitation is untouched.
    let list = w.admin.get("/v1/projects/p/invitations").await.expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    // Authenticated traffic of another kind is not affected.
    w.admin.get("/v1/projects/p").await.expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_attempts_are_limited() {
    let w = world(limits(0, 0, 2), false).await;
    let body = json!({"username": "eve", "email": "eve@example.com"});
    for _ in 0..2 {
        w.anon()
            .post("/v1/bootstrap", body.clone())
            .await
            .problem(409, "already-bootstrapped");
    }
    assert_limited(w.anon().post("/v1/bootstrap", body).await);
    w.anon().get("/v1/meta").await.expect(200);
}

async fn wrong_from(w: &World, forwarded_for: &str) -> Resp {
    wrong(w)
        .send(
            reqwest::Method::GET,
            "/v1/users/me",
            None,
            &[("x-forwarded-for", forwarded_for)],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_forwarded_for_is_ignored_unless_trusted() {
    let w = world(limits(2, 0, 0), false).await;
    wrong_from(&w, "198.51.100.1")
        .await
        .problem(401, "unauthenticated");
    wrong_from(&w, "198.51.100.2")
        .await
        .problem(401, "unauthenticated");
    // A new forged address each time does not get a new bucket.
    assert_limited(wrong_from(&w, "198.51.100.3").await);
    assert_limited(wrong(&w).get("/v1/users/me").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_x_forwarded_for_keys_on_the_address_the_proxy_appended() {
    let w = world(limits(2, 0, 0), true).await;
    // The proxy appends the client it saw; what the client sent comes first.
    wrong_from(&w, "1.1.1.1, 198.51.100.7")
        .await
        .problem(401, "unauthenticated");
    wrong_from(&w, "2.2.2.2, 198.51.100.7")
        .await
        .problem(401, "unauthenticated");
    assert_limited(wrong_from(&w, "3.3.3.3, 198.51.100.7").await);
    // Another client behind the same proxy has its own bucket...
    wrong_from(&w, "198.51.100.8")
        .await
        .problem(401, "unauthenticated");
    // ...and so has the proxy's own address (no header).
    wrong(&w)
        .get("/v1/users/me")
        .await
        .problem(401, "unauthenticated");
    // An unparsable entry falls back to the socket address.
    wrong_from(&w, "not-an-address")
        .await
        .problem(401, "unauthenticated");
    assert_limited(wrong(&w).get("/v1/users/me").await);
}

/// The CLI's local context calls the router in-process: no socket, no address,
/// never limited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_requests_are_not_limited() {
    use tower::ServiceExt;
    let w = world(limits(1, 1, 1), true).await;
    let router = w.srv.app.router();
    for i in 0..5 {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/v1/invitations/accept")
            .header("content-type", "application/json")
            .header("x-forwarded-for", "198.51.100.1")
            .body(axum::body::Body::from(format!(r#"{{"code":"inv_guess{i}"}}"#)))
            .unwrap();
        let mut req = req;
        req.extensions_mut()
            .insert(accessd::InProcessUser("admin".into()));
        let resp = router.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), 404, "attempt {i}");
    }
    // Over HTTP the same limits apply.
    let anon = w.anon();
    anon.post("/v1/invitations/accept", json!({"code": "inv_x"}))
        .await
        .problem(404, "not-found");
    assert_limited(
        anon.post("/v1/invitations/accept", json!({"code": "inv_y"}))
            .await,
    );
}

/// The real binary: the env settings reach the server and the peer address is
/// known (`serve` passes `ConnectInfo`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_reads_the_rate_limit_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("d.db").display());
    let mut serve = accessd();
    serve
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &db])
        .args(["--rate-limit-bootstrap-burst", "1"])
        .env("ACCESSD_RATE_LIMIT_AUTH_BURST", "1")
        .env("ACCESSD_RATE_LIMIT_AUTH_PERIOD", "1m");
    let served = crate::support::Served::start(serve);
    let bad = Client::new(&served.url(), Some("acc_wrong"));
    bad.get("/v1/users/me").await.problem(401, "unauthenticated");
    let r = bad.get("/v1/users/me").await;
    let secs: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    r.problem(429, "rate-limited");
    let anon = Client::new(&served.url(), None);
    let body = json!({"username": "admin", "email": "admin@example.com"});
    anon.post("/v1/bootstrap", body.clone()).await.expect(201);
    assert_limited(anon.post("/v1/bootstrap", body).await);
    served.terminate();
    let (exit, _) = served.wait();
    assert!(exit.success(), "{exit:?}");
}
