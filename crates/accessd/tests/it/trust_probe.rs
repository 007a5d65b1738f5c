//! The smaller defects of the Trust probe (issue 12 §5): whose request id the audit
//! log keeps, no-op PATCHes, the audit trail of a deleted user, and an
//! Idempotency-Key reused for another request.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Client, World};

/// Every event of a log (`path` without a query), oldest first.
async fn events(c: &Client, path: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut url = format!("{path}?limit=500");
    loop {
        let page = c.get(&url).await.expect(200);
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cur) => url = format!("{path}?limit=500&cursor={cur}"),
            None => break,
        }
    }
    all.reverse();
    all
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_keeps_the_servers_request_id_and_the_clients_apart() {
    let w = World::new().await;
    let client_id = format!("forged id {}", "x".repeat(200));
    let r = w
        .admin
        .send(
            Method::POST,
            "/v1/projects",
            Some(&json!({"name": "p", "role_preset": "akka"})),
            &[("x-request-id", &client_id)],
        )
        .await;
    let server_id = r.header("x-request-id").unwrap();
    r.expect(201);
    assert_ne!(server_id, client_id);
    assert!(is_uuid(&server_id), "not a server-generated id: {server_id}");

    let log = events(&w.admin, "/v1/projects/p/audit-events").await;
    let created = log.iter().find(|e| e["action"] == "project.create").unwrap();
    assert_eq!(created["request_id"], server_id.as_str());
    // Printable ASCII only (the space is dropped), at most 64 characters.
    let kept: String = client_id.chars().filter(|c| *c != ' ').take(64).collect();
    assert_eq!(created["client_request_id"], kept.as_str(), "{created}");

    // A problem answer names the server's id too (the support client checks
    // that body and header agree), never the client's.
    let r = w
        .admin
        .send(
            Method::GET,
            "/v1/projects/nope",
            None,
            &[("x-request-id", "mine")],
        )
        .await;
    assert_ne!(r.header("x-request-id").as_deref(), Some("mine"));
    let body = r.problem(404, "not-found");
    assert!(is_uuid(body["request_id"].as_str().unwrap()), "{body}");

    // Without a client id there is none in the event.
    w.admin
        .patch("/v1/projects/p", json!({"description": "d"}))
        .await
        .expect(200);
    let log = events(&w.admin, "/v1/projects/p/audit-events").await;
    let updated = log.iter().find(|e| e["action"] == "project.update").unwrap();
    assert!(updated.get("client_request_id").is_none(), "{updated}");
    assert!(is_uuid(updated["request_id"].as_str().unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_that_changes_nothing_writes_nothing() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let etag = |r: &crate::support::Resp| r.header("etag").unwrap();
    let before = etag(&w.admin.get("/v1/projects/p").await);
    let events_before = w.audit_count().await;

    for body in [json!({}), json!({"name": "p"})] {
        let r = w.admin.patch("/v1/projects/p", body).await;
        assert_eq!(etag(&r), before, "a no-op PATCH moved the ETag");
        assert_eq!(r.expect(200)["name"], "p");
    }
    // The unchanged ETag still works as If-Match for a real change.
    let r = w
        .admin
        .send(
            Method::PATCH,
            "/v1/projects/p",
            Some(&json!({})),
            &[("if-match", &before)],
        )
        .await;
    r.expect(200);
    assert_eq!(etag(&w.admin.get("/v1/projects/p").await), before);

    let (bob, _) = w.user("bob").await;
    let bob_path = format!("/v1/users/{}", bob["id"].as_str().unwrap());
    let events_before = events_before + 2; // user.create, token.create
    w.admin.patch("/v1/users/me", json!({})).await.expect(200);
    w.admin
        .patch(&bob_path, json!({"is_admin": false, "disabled": false}))
        .await
        .expect(200);
    assert_eq!(
        w.audit_count().await,
        events_before,
        "a no-op PATCH wrote an audit event"
    );

    // A real change is still a change.
    let r = w
        .admin
        .patch("/v1/projects/p", json!({"description": "new"}))
        .await;
    assert_ne!(etag(&r), before);
    w.admin.patch(&bob_path, json!({"name": "Bob"})).await.expect(200);
    assert_eq!(w.audit_count().await, events_before + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_user_is_recorded_in_every_project_and_team_they_leave() {
    let w = World::new().await;
    w.user("bob").await;
    w.project("p1", "akka").await;
    w.project("p2", "akka").await;
    w.project("p3", "akka").await;
    let b1 = w.bind("p1", "bob", "developer").await;
    let b2a = w.bind("p2", "bob", "viewer").await;
    let b2b = w.bind("p2", "bob", "developer").await;
    w.admin
        .post("/v1/teams", json!({"name": "devs"}))
        .await
        .expect(201);
    w.admin
        .send(Method::PUT, "/v1/teams/devs/members/bob", None, &[])
        .await
        .expect(201);

    w.admin.delete("/v1/users/bob").await.expect(204);

    let removal = |log: &[Value]| {
        log.iter()
            .filter(|e| e["action"] == "member.remove" && e["target"] == "bob")
            .cloned()
            .collect::<Vec<_>>()
    };
    let p1 = removal(&events(&w.admin, "/v1/projects/p1/audit-events").await);
    assert_eq!(p1.len(), 1, "{p1:?}");
    assert_eq!(p1[0]["details"]["reason"], "user deleted");
    assert_eq!(
        p1[0]["details"]["bindings"],
        json!([{"id": b1, "role": "developer"}])
    );
    assert_eq!(p1[0]["actor"], "admin");

    let p2 = removal(&events(&w.admin, "/v1/projects/p2/audit-events").await);
    assert_eq!(p2.len(), 1, "{p2:?}");
    let mut ids: Vec<_> = p2[0]["details"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut want = vec![b2a, b2b];
    want.sort();
    assert_eq!(ids, want);

    assert!(removal(&events(&w.admin, "/v1/projects/p3/audit-events").await).is_empty());

    let org = events(&w.admin, "/v1/orgs/default/audit-events").await;
    let left = org
        .iter()
        .find(|e| e["action"] == "team.member.remove")
        .expect("no team.member.remove event");
    assert_eq!(left["details"]["user"], "bob");
    assert_eq!(left["details"]["team"], "devs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_reused_for_another_request_is_refused() {
    let w = World::new().await;
    let post = |body: Value, key: &'static str| {
        let c = w.admin.clone();
        async move {
            c.send(
                Method::POST,
                "/v1/projects",
                Some(&body),
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    let first = post(json!({"name": "a", "role_preset": "akka"}), "k1")
        .await
        .expect(201);
    let again = post(json!({"name": "a", "role_preset": "akka"}), "k1").await;
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.expect(201)["id"], first["id"]);

    let other = post(json!({"name": "b", "role_preset": "akka"}), "k1")
        .await
        .problem(422, "idempotency-key-reused");
    assert!(
        other["detail"].as_str().unwrap().contains("different request"),
        "{other}"
    );
    w.admin.get("/v1/projects/b").await.problem(404, "not-found");

    // The same body with a different query is another request as well.
    let r = w
        .admin
        .send(
            Method::POST,
            "/v1/projects?x=1",
            Some(&json!({"name": "a", "role_preset": "akka"})),
            &[("idempotency-key", "k1")],
        )
        .await;
    r.problem(422, "idempotency-key-reused");

    // A new key runs the new request.
    post(json!({"name": "b", "role_preset": "akka"}), "k2")
        .await
        .expect(201);
}
