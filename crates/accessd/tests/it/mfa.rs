//! TOTP MFA: enrol, confirm, the login that then needs a code, disable. The codes
//! come from the server's own clock (moved, never slept on).

use accessd::limits::RateLimits;
use accessd::mfa::code_at;
use serde_json::{Value, json};

use crate::login::{code_for, mailing_world, verify};
use crate::support::{Client, World};

const STEP: i64 = 30_000;

/// Moves the server's clock to one second into a step, so that a code computed
/// now stays in its step for the next 29 s whatever the test's speed.
fn align(w: &World) {
    let into = w.srv.now_ms().rem_euclid(STEP);
    w.srv.advance_ms(STEP - into + 1000);
}

fn now_code(w: &World, secret: &str, steps: i64) -> String {
    code_at(secret, w.srv.now_ms() + steps * STEP).unwrap()
}

async fn enrolled(w: &World, c: &Client) -> String {
    let e = c.post("/v1/users/me/mfa", json!({})).await.expect(201);
    let secret = e["secret"].as_str().unwrap().to_owned();
    let uri = e["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/accessd:") && uri.contains(&secret),
        "{uri}"
    );
    align(w);
    let u = c
        .post(
            "/v1/users/me/mfa/confirm",
            json!({"code": now_code(w, &secret, 0)}),
        )
        .await
        .expect(200);
    assert_eq!(u["mfa_enabled"], true);
    secret
}

async fn verify_totp(w: &World, email: &str, code: &str, totp: &str) -> crate::support::Resp {
    w.anon()
        .post(
            "/v1/auth/email-code/verify",
            json!({"email": email, "code": code, "totp": totp}),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_is_confirmed_by_a_code_and_shows_everywhere() {
    let w = World::new().await;
    let (lin, c) = w.user("lin").await;
    assert_eq!(lin["mfa_enabled"], false);
    // Not on until confirmed; a wrong code leaves it off.
    let e = c.post("/v1/users/me/mfa", json!({})).await.expect(201);
    let secret = e["secret"].as_str().unwrap().to_owned();
    align(&w);
    c.post(
        "/v1/users/me/mfa/confirm",
        json!({"code": now_code(&w, &secret, 3)}),
    )
    .await
    .problem(401, "totp-required");
    assert_eq!(c.get("/v1/users/me").await.expect(200)["mfa_enabled"], false);
    // A new enrolment replaces the unconfirmed secret.
    let secret = enrolled(&w, &c).await;
    assert_ne!(e["secret"].as_str().unwrap(), secret);
    let me = c.get("/v1/users/me").await.expect(200);
    assert_eq!(me["mfa_enabled"], true);
    // The secret is never shown again: not by the user, the admin or the audit log.
    let id = me["id"].as_str().unwrap();
    let seen = [
        me.to_string(),
        w.admin
            .get(&format!("/v1/users/{id}"))
            .await
            .expect(200)
            .to_string(),
        w.admin.get("/v1/users").await.expect(200).to_string(),
        w.admin.get("/v1/audit-events").await.expect(200).to_string(),
    ];
    for text in &seen {
        assert!(!text.contains(&secret), "{text}");
    }
    assert!(seen[1].contains("\"mfa_enabled\":true"));
    // The MFA column of role bindings is the real state.
    w.project("p", "akka").await;
    w.bind("p", "lin", "developer").await;
    let b = w.admin.get("/v1/projects/p/role-bindings").await.expect(200);
    let mfa: Vec<(Value, Value)> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["principal"]["username"].clone(),
                b["principal"]["mfa_enabled"].clone(),
            )
        })
        .collect();
    assert!(mfa.contains(&(json!("lin"), json!(true))), "{mfa:?}");
    assert!(mfa.contains(&(json!("admin"), json!(false))), "{mfa:?}");
    // Nor does the idempotency store keep it: a replayed enrolment has no secret.
    let (_, kim) = w.user("kim").await;
    let first = kim
        .send(
            reqwest::Method::POST,
            "/v1/users/me/mfa",
            Some(&json!({})),
            &[("idempotency-key", "k1")],
        )
        .await
        .expect(201);
    let kim_secret = first["secret"].as_str().unwrap().to_owned();
    let replay = kim
        .send(
            reqwest::Method::POST,
            "/v1/users/me/mfa",
            Some(&json!({})),
            &[("idempotency-key", "k1")],
        )
        .await
        .expect(201);
    assert_eq!(
        (replay["secret"].clone(), replay["otpauth_uri"].clone()),
        (Value::Null, Value::Null)
    );
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM idempotency_keys")
        .fetch_all(&w.srv.app.service().db.pool)
        .await
        .unwrap();
    assert!(
        !bodies.is_empty() && bodies.iter().all(|b| !b.contains(&kim_secret)),
        "{bodies:?}"
    );
    // Enrolling twice: 409; confirming with nothing pending: 409.
    c.post("/v1/users/me/mfa", json!({}))
        .await
        .problem(409, "mfa-enabled");
    let (_, other) = w.user("max").await;
    other
        .post("/v1/users/me/mfa/confirm", json!({"code": "123456"}))
        .await
        .problem(409, "mfa-not-enabled");
    other
        .send(
            reqwest::Method::DELETE,
            "/v1/users/me/mfa",
            Some(&json!({"code": "123456"})),
            &[],
        )
        .await
        .problem(409, "mfa-not-enabled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_needs_a_current_unused_code() {
    let w = World::new().await;
    let (_, c) = w.user("mia").await;
    let secret = enrolled(&w, &c).await;
    let delete = |code: String| {
        let c = c.clone();
        async move {
            c.send(
                reqwest::Method::DELETE,
                "/v1/users/me/mfa",
                Some(&json!({"code": code})),
                &[],
            )
            .await
        }
    };
    // The code that confirmed is used up; two steps away is too far.
    delete(now_code(&w, &secret, 0))
        .await
        .problem(401, "totp-required");
    // A step later, the previous step's code is the used one.
    w.srv.advance_ms(STEP);
    delete(now_code(&w, &secret, -1))
        .await
        .problem(401, "totp-required");
    w.srv.advance_ms(STEP);
    delete(now_code(&w, &secret, 2))
        .await
        .problem(401, "totp-required");
    delete(now_code(&w, &secret, -2))
        .await
        .problem(401, "totp-required");
    delete("12345".into()).await.problem(401, "totp-required");
    assert_eq!(c.get("/v1/users/me").await.expect(200)["mfa_enabled"], true);
    // One step of skew either way is accepted.
    let u = delete(now_code(&w, &secret, -1)).await.expect(200);
    assert_eq!(u["mfa_enabled"], false);
    assert_eq!(c.get("/v1/users/me").await.expect(200)["mfa_enabled"], false);
    let events = w.admin.get("/v1/audit-events").await.expect(200).to_string();
    assert!(events.contains("user.mfa-enable") && events.contains("user.mfa-disable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_mfa_the_email_login_needs_a_totp_code() {
    let (w, mut rx) = mailing_world(RateLimits::off()).await;
    let (_, c) = w.user("ned").await;
    let secret = enrolled(&w, &c).await;
    let email = "ned@example.com";

    // A wrong email code says nothing about MFA, whatever the TOTP code.
    let code = code_for(&w, &mut rx, email).await;
    let bad = format!("{:08}", (code.parse::<u32>().unwrap() + 1) % 100_000_000);
    w.srv.advance_ms(STEP);
    verify_totp(&w, email, &bad, &now_code(&w, &secret, 0))
        .await
        .problem(401, "unauthenticated");
    // A right one without a TOTP code: totp-required, and the code stays usable.
    let body = verify(&w, email, &code).await.problem(401, "totp-required");
    assert!(body["detail"].as_str().unwrap().contains("TOTP"), "{body}");
    // A wrong TOTP code: totp-required (a try of the email code).
    verify_totp(&w, email, &code, &now_code(&w, &secret, 2))
        .await
        .problem(401, "totp-required");
    let totp = now_code(&w, &secret, 0);
    let t = verify_totp(&w, email, &code, &totp).await.expect(200);
    let me = Client::new(&w.srv.url, t["token"].as_str())
        .get("/v1/users/me")
        .await
        .expect(200);
    assert_eq!(me["username"], "ned");
    // The same TOTP code does not work twice, not even with a new email code.
    let code = code_for(&w, &mut rx, email).await;
    verify_totp(&w, email, &code, &totp)
        .await
        .problem(401, "totp-required");
    w.srv.advance_ms(STEP);
    verify_totp(&w, email, &code, &now_code(&w, &secret, 0))
        .await
        .expect(200);

    // Wrong TOTP codes count towards the email code's 5 tries.
    let code = code_for(&w, &mut rx, email).await;
    for _ in 0..5 {
        verify_totp(&w, email, &code, "000000").await;
    }
    w.srv.advance_ms(STEP);
    verify_totp(&w, email, &code, &now_code(&w, &secret, 0))
        .await
        .problem(401, "unauthenticated");
}

/// The binding of `username` in `p` as listed: (principal's mfa_enabled, mfa_required).
async fn listed(w: &World, p: &str, username: &str) -> Vec<(Value, Value, Value)> {
    let b = w
        .admin
        .get(&format!("/v1/projects/{p}/role-bindings"))
        .await
        .expect(200);
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["principal"]["username"] == username)
        .map(|b| {
            (
                b["role"]["name"].clone(),
                b["principal"]["mfa_enabled"].clone(),
                b.get("mfa_required").cloned().unwrap_or(json!(false)),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_requiring_mfa_refuses_covered_grants_to_users_without_it() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let (_, ann) = w.user("ann").await;
    enrolled(&w, &ann).await;
    w.user("bob").await;
    w.bind("p", "bob", "developer").await;
    w.admin
        .post("/v1/teams", json!({"name": "ops"}))
        .await
        .expect(201);

    // Only an owner-grade role may change the policy.
    let (_, dev) = w.user("dev").await;
    w.bind("p", "dev", "developer").await;
    dev.patch("/v1/projects/p", json!({"require_mfa": "all"}))
        .await
        .problem(403, "forbidden");
    let p = w
        .admin
        .patch("/v1/projects/p", json!({"require_mfa": "owner-grade"}))
        .await
        .expect(200);
    assert_eq!(p["require_mfa"], "owner-grade");
    assert_eq!(
        w.admin.get("/v1/projects/p").await.expect(200)["require_mfa"],
        "owner-grade"
    );
    w.admin
        .patch("/v1/projects/p", json!({"require_mfa": "some"}))
        .await
        .problem(422, "validation-failed");

    let grant = |principal: Value, role: &str| {
        let body = json!({"role": role, "principal": principal});
        let c = w.admin.clone();
        async move { c.post("/v1/projects/p/role-bindings", body).await }
    };
    let body = grant(json!({"type": "user", "username": "bob"}), "admin")
        .await
        .problem(409, "mfa-required");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("bob has not enabled two-factor"),
        "{body}"
    );
    grant(json!({"type": "team", "name": "ops"}), "admin")
        .await
        .problem(409, "mfa-required");
    grant(json!({"type": "all-users"}), "admin")
        .await
        .problem(409, "mfa-required");
    grant(json!({"type": "user", "username": "ann"}), "admin")
        .await
        .expect(201);
    grant(json!({"type": "user", "username": "bob"}), "viewer")
        .await
        .expect(201);
    w.admin
        .put("/v1/projects/p/members/bob", json!({"role": "admin"}))
        .await
        .problem(409, "mfa-required");
    // A policy document that adds the grant is refused too.
    let mut doc = w.admin.get("/v1/projects/p/policy").await.expect(200);
    doc["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"role": "admin", "principal": {"type": "user", "username": "bob"}}));
    w.admin
        .put("/v1/projects/p/policy", doc)
        .await
        .problem(409, "mfa-required");

    // Invitations: an account without MFA, or no account, cannot be invited to a
    // covered role; other roles can.
    w.user("eve").await;
    let r = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["eve@example.com", "new@example.com"], "role": "admin"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = r.body;
    for res in r["results"].as_array().unwrap() {
        assert_eq!(
            (res["status"].as_str(), res["problem"].as_str()),
            (Some("conflict"), Some("mfa-required")),
            "{r}"
        );
    }
    let r = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["carol@example.com"], "role": "developer"}),
        )
        .await
        .expect(201);
    let code = r["results"][0]["invitation"]["code"].as_str().unwrap().to_owned();

    // Existing bindings stay and are marked: the admin's own owner-grade binding
    // (no MFA) is listed as required, ann's complies, bob's developer is not covered.
    assert_eq!(
        listed(&w, "p", "admin").await,
        [(json!("admin"), json!(false), json!(true))]
    );
    assert!(
        listed(&w, "p", "ann")
            .await
            .contains(&(json!("admin"), json!(true), json!(true)))
    );
    assert!(
        listed(&w, "p", "bob")
            .await
            .contains(&(json!("developer"), json!(false), json!(false)))
    );

    // `all`: every role; the pending invitation cannot be accepted without MFA (it
    // stays open), and can after the policy is relaxed.
    w.admin
        .patch("/v1/projects/p", json!({"require_mfa": "all"}))
        .await
        .expect(200);
    assert!(
        listed(&w, "p", "bob")
            .await
            .contains(&(json!("developer"), json!(false), json!(true)))
    );
    grant(json!({"type": "user", "username": "dev"}), "viewer")
        .await
        .problem(409, "mfa-required");
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .problem(409, "mfa-required");
    w.admin
        .patch("/v1/projects/p", json!({"require_mfa": "none"}))
        .await
        .expect(200);
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .expect(200);
    assert_eq!(
        listed(&w, "p", "admin").await,
        [(json!("admin"), json!(false), json!(false))]
    );
}

/// A lost device: a server administrator resets the user's MFA
/// (`DELETE /v1/users/{id}/mfa`), audited; the user logs in by emailed code
/// alone again and can enrol anew. Nobody else can reset it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_resets_the_mfa_of_a_user_who_lost_their_device() {
    let (w, mut rx) = mailing_world(RateLimits::off()).await;
    let (mo, c) = w.user("mo").await;
    let (_, other) = w.user("nell").await;
    let id = mo["id"].as_str().unwrap();
    enrolled(&w, &c).await;
    let code = code_for(&w, &mut rx, "mo@example.com").await;
    verify(&w, "mo@example.com", &code)
        .await
        .problem(401, "totp-required");

    // Not the user themselves without a code, nor another user.
    other
        .delete(&format!("/v1/users/{id}/mfa"))
        .await
        .problem(403, "forbidden");
    c.delete(&format!("/v1/users/{id}/mfa"))
        .await
        .problem(403, "forbidden");
    w.admin
        .delete("/v1/users/nobody/mfa")
        .await
        .problem(404, "not-found");
    assert_eq!(
        w.admin.get(&format!("/v1/users/{id}")).await.expect(200)["mfa_enabled"],
        true
    );

    let u = w.admin.delete("/v1/users/mo/mfa").await.expect(200);
    assert_eq!(u["mfa_enabled"], false);
    assert_eq!(u["id"], mo["id"]);
    let events = w
        .admin
        .get("/v1/audit-events?action=user.mfa-reset")
        .await
        .expect(200);
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{events}");
    assert_eq!(items[0]["actor"], "admin");
    assert_eq!(items[0]["target"], mo["id"]);
    // Again: nothing to reset, no second event.
    w.admin.delete(&format!("/v1/users/{id}/mfa")).await.expect(200);
    let events = w
        .admin
        .get("/v1/audit-events?action=user.mfa-reset")
        .await
        .expect(200);
    assert_eq!(events["items"].as_array().unwrap().len(), 1);

    // The emailed code alone logs in again, and a new enrolment works.
    let code = code_for(&w, &mut rx, "mo@example.com").await;
    verify(&w, "mo@example.com", &code).await.expect(200);
    enrolled(&w, &c).await;
}
