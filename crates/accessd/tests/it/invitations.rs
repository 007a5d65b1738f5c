//! Invitations: per-email results, expiry at the boundary, accept, resend,
//! revoke, and races.

use serde_json::{Value, json};

use crate::support::{Client, World};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

async fn invite(c: &Client, p: &str, emails: &[&str], role: &str) -> Value {
    let r = c
        .post(
            &format!("/v1/projects/{p}/invitations"),
            json!({"emails": emails, "role": role}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    r.body
}

fn code(results: &Value, i: usize) -> String {
    results["results"][i]["invitation"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_boundary_with_the_injected_clock() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let r = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["a@example.com", "b@example.com"], "role": "viewer", "ttl_days": 1}),
        )
        .await
        .expect(201);
    let (ca, cb) = (code(&r, 0), code(&r, 1));
    w.srv.advance_ms(DAY_MS - 1000);
    let ok = w
        .anon()
        .post("/v1/invitations/accept", json!({"code": ca}))
        .await
        .expect(200);
    assert_eq!(ok["binding"]["role"]["name"], "viewer");
    w.srv.advance_ms(2000);
    w.anon()
        .post("/v1/invitations/accept", json!({"code": cb}))
        .await
        .problem(410, "invitation-expired");
    let list = w.admin.get("/v1/projects/p/invitations").await.expect(200);
    assert_eq!(list["items"][0]["status"], "expired");
    let members = w.admin.get("/v1/projects/p/members").await.expect(200);
    assert!(
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["email"] == "b@example.com" && m["status"] == "expired")
    );
    // Inviting again replaces the expired invitation; its old code is gone.
    let again = invite(&w.admin, "p", &["B@Example.com"], "viewer").await;
    assert_eq!(again["results"][0]["status"], "invited");
    w.anon()
        .post("/v1/invitations/accept", json!({"code": cb}))
        .await
        .problem(404, "not-found");
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code(&again, 0)}))
        .await
        .expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_results_per_email() {
    let w = World::new().await;
    w.project("p", "goldsky").await;
    w.user("bob").await;
    w.bind("p", "bob", "editor").await;
    invite(&w.admin, "p", &["pending@example.com"], "viewer").await;
    let r = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["new@example.com", "pending@example.com", "bob@example.com", "not-an-email", "ſam@example.com"], "role": "viewer"}),
        )
        .await
        .expect(201);
    let statuses: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["invited", "already-invited", "conflict", "invalid", "invalid"]
    );
    assert!(
        r["results"][1]["invitation"].get("code").is_none(),
        "no new code for already-invited"
    );
    assert_eq!(r["results"][2]["problem"], "already-member");
    let r = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["pending@example.com", "bob@example.com"], "role": "editor"}),
        )
        .await
        .expect(200);
    assert_eq!(r["results"][0]["status"], "conflict");
    assert_eq!(r["results"][0]["problem"], "invitation-exists");
    assert_eq!(r["results"][1]["status"], "already-member");

    for bad in [
        json!({"emails": [], "role": "viewer"}),
        json!({"emails": ["a@example.com"], "role": "viewer", "ttl_days": 31}),
        json!({"emails": ["a@example.com"], "role": "viewer", "ttl_days": 0}),
    ] {
        w.admin
            .post("/v1/projects/p/invitations", bad)
            .await
            .problem(422, "validation-failed");
    }
    let many: Vec<String> = (0..101).map(|i| format!("u{i}@example.com")).collect();
    w.admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": many, "role": "viewer"}),
        )
        .await
        .problem(422, "validation-failed");
    let bad_role = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["z@example.com"], "role": "boss"}),
        )
        .await
        .problem(422, "validation-failed");
    assert_eq!(
        bad_role["valid_roles"],
        json!(["owner", "admin", "editor", "viewer"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_resend_revoke_decline() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let (_, bob) = w.user("bob").await;
    // A new person: accepting creates the user and returns a first token.
    let r = invite(&w.admin, "p", &["Carol.Smith@Example.com"], "developer").await;
    let c1 = code(&r, 0);
    bob.post("/v1/invitations/accept", json!({"code": c1}))
        .await
        .problem(403, "email-mismatch");
    // Resend: new code, the old one no longer works.
    let resent = w
        .admin
        .post(
            "/v1/projects/p/invitations/carol.smith@example.com/resend",
            json!({}),
        )
        .await
        .expect(200);
    let c2 = resent["code"].as_str().unwrap().to_owned();
    assert_ne!(c1, c2);
    w.anon()
        .post("/v1/invitations/accept", json!({"code": c1}))
        .await
        .problem(404, "not-found");
    let acc = w
        .anon()
        .post("/v1/invitations/accept", json!({"code": c2}))
        .await
        .expect(200);
    assert_eq!(acc["user"]["username"], "carol.smith");
    let token = acc["token"]["token"].as_str().unwrap();
    let carol = Client::new(&w.srv.url, Some(token));
    assert_eq!(
        carol.get("/v1/projects/p/permissions/me").await.expect(200)["roles"],
        json!(["developer"])
    );
    w.anon()
        .post("/v1/invitations/accept", json!({"code": c2}))
        .await
        .problem(404, "not-found");

    // An existing user accepts while logged in: no new token.
    let (_, dave) = w.user("dave").await;
    let r = invite(&w.admin, "p", &["dave@example.com"], "viewer").await;
    let mine = dave.get("/v1/users/me/invitations").await.expect(200);
    assert_eq!(mine["items"][0]["project"]["name"], "p");
    let acc = dave
        .post("/v1/invitations/accept", json!({"code": code(&r, 0)}))
        .await
        .expect(200);
    assert!(acc.get("token").is_none());

    // Revoke by id and by email; decline.
    let r = invite(
        &w.admin,
        "p",
        &["e1@example.com", "e2@example.com", "e3@example.com"],
        "viewer",
    )
    .await;
    let id = r["results"][0]["invitation"]["id"].as_str().unwrap();
    w.admin
        .get(&format!("/v1/projects/p/invitations/{id}"))
        .await
        .expect(200);
    w.admin
        .delete(&format!("/v1/projects/p/invitations/{id}"))
        .await
        .expect(204);
    w.admin
        .delete("/v1/projects/p/invitations/E2@example.com")
        .await
        .expect(204);
    w.admin
        .delete("/v1/projects/p/invitations/e2@example.com")
        .await
        .problem(404, "not-found");
    w.anon()
        .post("/v1/invitations/decline", json!({"code": code(&r, 2)}))
        .await
        .expect(204);
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code(&r, 2)}))
        .await
        .problem(404, "not-found");
    assert_eq!(
        w.admin.get("/v1/projects/p/invitations").await.expect(200)["items"],
        json!([])
    );
    w.anon()
        .post("/v1/invitations/accept", json!({"code": "inv_nonsense"}))
        .await
        .problem(404, "not-found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicate_invites_create_one() {
    let w = World::new().await;
    w.project("p", "akka").await;
    for round in 0..5 {
        let email = format!("dup{round}@example.com");
        let futs: Vec<_> = (0..8)
            .map(|_| {
                let (c, e) = (w.admin.clone(), email.clone());
                async move { invite(&c, "p", &[&e], "viewer").await }
            })
            .collect();
        let all = futures_join_all(futs).await;
        let invited = all
            .iter()
            .filter(|r| r["results"][0]["status"] == "invited")
            .count();
        let already = all
            .iter()
            .filter(|r| r["results"][0]["status"] == "already-invited")
            .count();
        assert_eq!((invited, already), (1, 7), "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_accepts_of_one_code_succeed_once() {
    let w = World::new().await;
    w.project("p", "akka").await;
    for round in 0..20 {
        let r = invite(&w.admin, "p", &[&format!("racer{round}@example.com")], "viewer").await;
        let c = code(&r, 0);
        let (a, b) = (w.anon(), w.anon());
        let body = json!({"code": c});
        let (ra, rb) = tokio::join!(
            a.post("/v1/invitations/accept", body.clone()),
            b.post("/v1/invitations/accept", body.clone())
        );
        let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 404], "round {round}: {} / {}", ra.body, rb.body);
    }
    let users = w.admin.get("/v1/users?limit=500").await.expect(200);
    assert_eq!(users["items"].as_array().unwrap().len(), 21);
}

async fn futures_join_all<F: std::future::Future<Output = Value> + Send + 'static>(
    futs: Vec<F>,
) -> Vec<Value> {
    let handles: Vec<_> = futs.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
