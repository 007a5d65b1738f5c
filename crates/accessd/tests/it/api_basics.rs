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
    let list = w.admin.get("/v1/projects/web/role-bindings").await.expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    w.admin
        .delete(&format!("/v1/projects/web/role-bindings/{id}"))
        .await
        .expect(204);
    bob.get("/v1/projects/web").await.problem(404, "not-found");
}
