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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_uses_of_one_key_run_the_request_once() {
    let w = World::new().await;
    for round in 0..5 {
        let key = format!("race-{round}");
        let body = json!({"name": format!("race{round}")});
        let mut racers = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let (admin, body, key) = (w.admin.clone(), body.clone(), key.clone());
            racers.spawn(async move {
                admin
                    .send(
                        Method::POST,
                        "/v1/projects",
                        Some(&body),
                        &[("idempotency-key", key.as_str())],
                    )
                    .await
            });
        }
        let mut created = Vec::new();
        for a in racers.join_all().await {
            match a.status.as_u16() {
                201 => created.push(a.body),
                // Still running elsewhere: a retry replays it.
                503 => {
                    assert_eq!(a.code(), "unavailable", "{}", a.body);
                    assert_eq!(a.header("retry-after").as_deref(), Some("1"));
                    assert!(a.body["detail"].as_str().unwrap().contains("in progress"));
                }
                // Without the claim, a second run finds the name taken.
                _ => panic!("round {round}: {} {}", a.status, a.body),
            }
        }
        assert!(!created.is_empty(), "round {round}: someone got the project");
        assert!(created.iter().all(|c| c == &created[0]), "one project, replayed");
        let r = w
            .admin
            .send(
                Method::POST,
                "/v1/projects",
                Some(&body),
                &[("idempotency-key", key.as_str())],
            )
            .await;
        assert_eq!(r.header("idempotent-replayed").as_deref(), Some("true"));
        assert_eq!(r.expect(201), created[0]);
    }
    let projects = w.admin.get("/v1/projects").await.expect(200);
    assert_eq!(projects["items"].as_array().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_first_use_is_replayed_too() {
    let w = World::new().await;
    // A 422 is stored like any answer a retry would only repeat.
    w.admin
        .send(
            Method::POST,
            "/v1/projects",
            Some(&json!({"name": ""})),
            &[("idempotency-key", "k1")],
        )
        .await
        .problem(422, "validation-failed");
    let again = w
        .admin
        .send(
            Method::POST,
            "/v1/projects",
            Some(&json!({"name": ""})),
            &[("idempotency-key", "k1")],
        )
        .await;
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    again.problem(422, "validation-failed");
}
