//! Login by emailed code: `POST /v1/auth/email-code` and `/verify`, through the
//! in-test SMTP sink; the server's clock is moved, never slept on.

use std::time::Duration;

use accessd::limits::{Limit, RateLimits};
use accessd::testing::{SinkedMail, mailed_login_code, smtp_sink};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::support::{Client, World};

pub async fn mailing_world(rate_limits: RateLimits) -> (World, UnboundedReceiver<SinkedMail>) {
    let (url, rx) = smtp_sink().await;
    let w = World::with(accessd::Config {
        smtp_url: Some(url),
        rate_limits,
        ..Default::default()
    })
    .await;
    (w, rx)
}

pub async fn next_mail(rx: &mut UnboundedReceiver<SinkedMail>) -> SinkedMail {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("no mail within 20 s")
        .expect("sink closed")
}

/// Asks for a code for `email` (202) and returns the answer's body.
pub async fn ask(w: &World, email: &str) -> Value {
    w.anon()
        .post("/v1/auth/email-code", json!({"email": email}))
        .await
        .expect(202)
}

/// Asks for a code for `email` and returns the mailed code.
pub async fn code_for(w: &World, rx: &mut UnboundedReceiver<SinkedMail>, email: &str) -> String {
    ask(w, email).await;
    let (to, data) = next_mail(rx).await;
    assert_eq!(to, [email]);
    mailed_login_code(&data).expect("a code in the mail")
}

pub async fn verify(w: &World, email: &str, code: &str) -> crate::support::Resp {
    w.anon()
        .post(
            "/v1/auth/email-code/verify",
            json!({"email": email, "code": code}),
        )
        .await
}

fn wrong(code: &str) -> String {
    format!("{:08}", (code.parse::<u32>().unwrap() + 1) % 100_000_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailed_code_gives_a_token_once() {
    let (w, mut rx) = mailing_world(RateLimits::off()).await;
    w.user("dana").await;
    let sent = ask(&w, "Dana@Example.com").await;
    assert_eq!(sent, json!({"expires_in_seconds": 600}));
    let (to, data) = next_mail(&mut rx).await;
    assert_eq!(to, ["dana@example.com"]);
    assert!(data.contains("Subject: Your accessd login code"), "{data}");
    assert!(data.contains("valid for 10 minutes and works once"), "{data}");
    let code = mailed_login_code(&data).unwrap();
    assert_eq!(code.len(), 8);

    let t = verify(&w, "dana@example.com", &code).await.expect(200);
    let token = t["token"].as_str().unwrap();
    assert!(token.starts_with("acc_"));
    assert_eq!(t["name"], "email login");
    assert!(t["expires_at"].is_string(), "{t}");
    let me = Client::new(&w.srv.url, Some(token))
        .get("/v1/users/me")
        .await
        .expect(200);
    assert_eq!(me["username"], "dana");
    // Single use.
    verify(&w, "dana@example.com", &code)
        .await
        .problem(401, "unauthenticated");
    // The audit log names the login, never the code.
    let events = w
        .admin
        .get("/v1/audit-events?action=auth.email-login")
        .await
        .expect(200);
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
    assert!(!events.to_string().contains(&code));
    // A malformed code is a validation error (no try is counted for it).
    w.anon()
        .post(
            "/v1/auth/email-code/verify",
            json!({"email": "dana@example.com", "code": "12ab"}),
        )
        .await
        .problem(422, "validation-failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_tries_burn_the_code() {
    let (w, mut rx) = mailing_world(RateLimits::off()).await;
    w.user("eli").await;
    // Four wrong tries leave the code usable...
    let code = code_for(&w, &mut rx, "eli@example.com").await;
    for _ in 0..4 {
        verify(&w, "eli@example.com", &wrong(&code))
            .await
            .problem(401, "unauthenticated");
    }
    verify(&w, "eli@example.com", &code).await.expect(200);
    // ...the fifth burns it: the right code no longer works.
    let code = code_for(&w, &mut rx, "eli@example.com").await;
    for _ in 0..5 {
        verify(&w, "eli@example.com", &wrong(&code))
            .await
            .problem(401, "unauthenticated");
    }
    let r = verify(&w, "eli@example.com", &code).await;
    let body = r.problem(401, "unauthenticated");
    assert!(
        body["detail"].as_str().unwrap().contains("ask for a new one"),
        "{body}"
    );
    // A new request replaces the old code.
    let old = code_for(&w, &mut rx, "eli@example.com").await;
    let new = code_for(&w, &mut rx, "eli@example.com").await;
    if old != new {
        verify(&w, "eli@example.com", &old)
            .await
            .problem(401, "unauthenticated");
    }
    verify(&w, "eli@example.com", &new).await.expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_expires_after_ten_minutes() {
    let (w, mut rx) = mailing_world(RateLimits::off()).await;
    w.user("fay").await;
    let code = code_for(&w, &mut rx, "fay@example.com").await;
    w.srv.advance_ms(10 * 60 * 1000 - 1000);
    verify(&w, "fay@example.com", &code).await.expect(200);
    let code = code_for(&w, &mut rx, "fay@example.com").await;
    w.srv.advance_ms(10 * 60 * 1000);
    verify(&w, "fay@example.com", &code)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_disabled_email_gets_the_same_answer() {
    let (w, mut rx) = mailing_world(RateLimits::off()).await;
    let (gus, _) = w.user("gus").await;
    let (hal, _) = w.user("hal").await;
    w.admin
        .patch(
            &format!("/v1/users/{}", hal["id"].as_str().unwrap()),
            json!({"disabled": true}),
        )
        .await
        .expect(200);
    let known = w
        .anon()
        .post("/v1/auth/email-code", json!({"email": "gus@example.com"}))
        .await;
    let unknown = w
        .anon()
        .post("/v1/auth/email-code", json!({"email": "nobody@example.com"}))
        .await;
    let disabled = w
        .anon()
        .post("/v1/auth/email-code", json!({"email": "hal@example.com"}))
        .await;
    for r in [&known, &unknown, &disabled] {
        assert_eq!(r.status.as_u16(), 202);
        assert_eq!(r.body, known.body);
        assert_eq!(r.header("content-type"), known.header("content-type"));
    }
    // The same work: a stored code for each address (and mail only for gus).
    let db = &w.srv.app.service().db;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_codes")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 3);
    let (to, _) = next_mail(&mut rx).await;
    assert_eq!(to, [gus["email"].as_str().unwrap()]);
    // The next mail is gus's again: nothing went to the others meanwhile.
    code_for(&w, &mut rx, "gus@example.com").await;
    // Verifying for them is the answer to any wrong code.
    for email in ["nobody@example.com", "hal@example.com"] {
        verify(&w, email, "12345678")
            .await
            .problem(401, "unauthenticated");
    }
    // No code is stored in the clear.
    let hashes: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM login_codes")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(hashes.iter().all(|h| h.len() == 64), "{hashes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_mail_delivery_the_login_is_refused() {
    let w = World::new().await;
    w.user("ida").await;
    let body = w
        .anon()
        .post("/v1/auth/email-code", json!({"email": "ida@example.com"}))
        .await
        .problem(501, "mail-not-configured");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("administrator can issue a token"),
        "{body}"
    );
    verify(&w, "ida@example.com", "12345678")
        .await
        .problem(501, "mail-not-configured");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_requests_are_rate_limited_per_email_and_per_address() {
    let hour = Duration::from_secs(3600);
    let (w, _rx) = mailing_world(RateLimits {
        login_email: Limit::new(2, hour),
        ..RateLimits::off()
    })
    .await;
    for _ in 0..2 {
        ask(&w, "jo@example.com").await;
    }
    let r = w
        .anon()
        .post("/v1/auth/email-code", json!({"email": "JO@example.com"}))
        .await;
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry));
    let body = r.problem(429, "rate-limited");
    assert!(
        body["detail"].as_str().unwrap().contains("this email address"),
        "{body}"
    );
    // Another address is not held back by jo's.
    ask(&w, "kai@example.com").await;

    let (w, _rx) = mailing_world(RateLimits {
        login: Limit::new(3, hour),
        ..RateLimits::off()
    })
    .await;
    ask(&w, "a@example.com").await;
    ask(&w, "b@example.com").await;
    verify(&w, "a@example.com", "12345678")
        .await
        .problem(401, "unauthenticated");
    // The fourth attempt from this address, of either kind.
    verify(&w, "a@example.com", "12345678")
        .await
        .problem(429, "rate-limited");
    w.anon()
        .post("/v1/auth/email-code", json!({"email": "c@example.com"}))
        .await
        .problem(429, "rate-limited");
}
