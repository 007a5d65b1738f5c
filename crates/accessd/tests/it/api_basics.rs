use serde_json::json;

use crate::support::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_meta_and_project_flow() {
    let w = World::new().await;
    let meta = w.anon().get("/v1/meta").await.expect(200);
    assert_eq!(meta["bootstrapped"], true);
    w.anon()
        .post(
            "/v1/bootstrap",
            json!({"username": "x", "email": "x@example.com"}),
        )
        .await
        .problem(409, "already-bootstrapped");
    w.anon().get("/healthz").await.expect(200);
    w.anon().get("/readyz").await.expect(200);
    let r = w.anon().get("/v1/projects").await;
    assert_eq!(r.header("www-authenticate").as_deref(), Some("Bearer"));
    r.problem(401, "unauthenticated");

    let p = w.project("web", "akka").await;
    assert_eq!(p["my_roles"], json!(["admin"]));
    let (_, bob) = w.user("bob").await;
    let id = w.bind("web", "bob", "Developer").await;
    let me = bob.get("/v1/projects/web/permissions/me").await.expect(200);
    assert_eq!(me["roles"], json!(["developer"]));
    let mine = bob.get("/v1/projects").await.expect(200);
    assert_eq!(mine["items"][0]["name"], "web");
    assert_eq!(mine["items"][0]["my_roles"], json!(["developer"]));
    let list = w.admin.get("/v1/projects/web/role-bindings").await.expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    w.admin
        .delete(&format!("/v1/projects/web/role-bindings/{id}"))
        .await
        .expect(204);
    bob.get("/v1/projects/web").await.problem(404, "not-found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_user_is_honoured_only_as_an_extension() {
    use axum::body::Body;
    use tower::ServiceExt;
    let w = World::new().await;
    let router = w.srv.app.router();
    let mut req = axum::http::Request::get("/v1/users/me")
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(accessd::InProcessUser("admin".into()));
    let resp = router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
    let me: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(me["username"], "admin");
    // Over HTTP there is no way to set it: a header of that name does nothing.
    let r = w
        .anon()
        .send(
            reqwest::Method::GET,
            "/v1/users/me",
            None,
            &[("inprocessuser", "admin")],
        )
        .await;
    r.problem(401, "unauthenticated");
    // An unknown in-process user is not authenticated.
    let mut req = axum::http::Request::get("/v1/users/me")
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(accessd::InProcessUser("ghost".into()));
    assert_eq!(router.oneshot(req).await.unwrap().status(), 401);
}
