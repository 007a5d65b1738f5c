//! Bad input answers the documented status and code, and writes nothing.

use reqwest::Method;
use serde_json::json;

use crate::support::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_errors_are_422_per_field() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let before = w.audit_count().await;

    let e = w
        .admin
        .post(
            "/v1/projects/p/role-bindings",
            json!({"role": "Overlord", "principal": {"type": "user", "username": "admin"}}),
        )
        .await
        .problem(422, "validation-failed");
    assert_eq!(
        e["valid_roles"],
        json!(["admin", "developer", "viewer", "backoffice"])
    );
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .contains("admin, developer, viewer, backoffice")
    );
    assert_eq!(e["errors"][0]["field"], "role");

    let e = w
        .admin
        .post("/v1/users", json!({"username": "ok", "email": "not-an-email"}))
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "email");
    let e = w
        .admin
        .post(
            "/v1/users",
            json!({"username": "x".repeat(64), "email": "bad", "name": "a\u{1b}[31m"}),
        )
        .await
        .problem(422, "validation-failed");
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "email", "name"]);
    let e = w
        .admin
        .post("/v1/projects", json!({"name": "n".repeat(64)}))
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "name");
    let e = w
        .admin
        .post("/v1/projects", json!({"name": "ok", "colour": "red"}))
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "colour");
    let e = w
        .admin
        .post("/v1/projects", json!({"name": 5}))
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "name");
    let e = w
        .admin
        .post("/v1/projects", json!({}))
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "name");
    let e = w
        .admin
        .post("/v1/projects", json!({"name": "ok", "role_preset": "nope"}))
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "role_preset");
    let e = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": "a@example.com", "role": "viewer"}),
        )
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "emails");
    let e = w
        .admin
        .post(
            "/v1/projects/p/role-bindings",
            json!({"role": "viewer", "principal": {"type": "robot"}}),
        )
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "principal.type");
    w.admin
        .post("/v1/projects/p/role-bindings", json!({"role": "viewer", "principal": {"type": "user", "username": "admin"}, "expires_at": "tomorrow"}))
        .await
        .problem(422, "validation-failed");

    // Not JSON / wrong content type / too large.
    w.admin
        .send(
            Method::POST,
            "/v1/projects",
            None,
            &[("content-type", "application/json")],
        )
        .await
        .problem(400, "invalid-request");
    let r = reqwest::Client::new()
        .post(format!("{}/v1/projects", w.srv.url))
        .bearer_auth(&w.srv.admin_token)
        .body("{\"name\": \"x\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let big = json!({"name": "x".repeat(1 << 20)});
    w.admin
        .post("/v1/projects", big)
        .await
        .problem(413, "payload-too-large");
    w.admin.get("/v1/no-such-thing").await.problem(404, "not-found");
    w.admin.send(Method::PUT, "/v1/projects", None, &[]).await;

    // Nothing was written by any of it.
    assert_eq!(w.audit_count().await, before);
    let projects = w.admin.get("/v1/projects").await.expect(200);
    assert_eq!(projects["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_409_and_stale_if_match_412() {
    let w = World::new().await;
    let p = w.project("web", "akka").await;
    let dup = w
        .admin
        .post("/v1/projects", json!({"name": "WEB"}))
        .await
        .problem(409, "name-taken");
    assert_eq!(dup["existing_id"], p["id"]);
    w.user("bob").await;
    let id = w.bind("web", "bob", "viewer").await;
    let dup = w
        .admin
        .post(
            "/v1/projects/web/role-bindings",
            json!({"role": "VIEWER", "principal": {"type": "user", "email": "Bob@Example.com"}}),
        )
        .await
        .problem(409, "binding-exists");
    assert_eq!(dup["existing_id"], id.as_str());

    let etag = w.admin.get("/v1/projects/web").await.header("etag").unwrap();
    let body = json!({"role": "developer", "principal": {"type": "user", "username": "bob"}});
    let stale = "\"1\"";
    assert_ne!(etag, stale);
    w.admin
        .send(
            Method::POST,
            "/v1/projects/web/role-bindings",
            Some(&body),
            &[("if-match", stale)],
        )
        .await
        .problem(412, "precondition-failed");
    assert_eq!(
        w.admin.get("/v1/projects/web").await.header("etag").unwrap(),
        etag,
        "a 412 bumps nothing"
    );
    let bindings = w
        .admin
        .get("/v1/projects/web/role-bindings?role=developer")
        .await
        .expect(200);
    assert_eq!(bindings["items"], json!([]));
    let ok = w
        .admin
        .send(
            Method::POST,
            "/v1/projects/web/role-bindings",
            Some(&body),
            &[("if-match", &etag)],
        )
        .await;
    let new_etag = ok.header("etag").unwrap();
    ok.expect(201);
    assert_ne!(new_etag, etag);
    assert_eq!(
        w.admin
            .get("/v1/projects/web/role-bindings")
            .await
            .header("etag")
            .unwrap(),
        new_etag
    );

    // An unknown user: 404 with the hint to invite.
    let e = w
        .admin
        .post(
            "/v1/projects/web/role-bindings",
            json!({"role": "viewer", "principal": {"type": "user", "email": "ghost@example.com"}}),
        )
        .await
        .problem(404, "user-not-found");
    assert!(e["detail"].as_str().unwrap().contains("invite"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_key_replays_the_first_response() {
    let w = World::new().await;
    let body = json!({"name": "once"});
    let a = w
        .admin
        .send(
            Method::POST,
            "/v1/projects",
            Some(&body),
            &[("idempotency-key", "abc")],
        )
        .await
        .expect(201);
    let r = w
        .admin
        .send(
            Method::POST,
            "/v1/projects",
            Some(&body),
            &[("idempotency-key", "abc")],
        )
        .await;
    assert_eq!(r.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(r.expect(201), a);
    w.admin
        .send(
            Method::POST,
            "/v1/projects",
            Some(&body),
            &[("idempotency-key", "other")],
        )
        .await
        .problem(409, "name-taken");
    assert_eq!(
        w.admin.get("/v1/projects").await.expect(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
