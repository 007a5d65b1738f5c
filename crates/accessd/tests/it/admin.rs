//! Server administration: users, orgs, project rename/delete, timeouts.

use std::time::Duration;

use serde_json::json;

use crate::support::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_managed_by_administrators() {
    let w = World::new().await;
    let (bob_u, bob) = w.user("bob").await;
    w.user("carol").await;
    let bob_id = bob_u["id"].as_str().unwrap();

    // keyset pages of users
    let p1 = w.admin.get("/v1/users?limit=2").await.expect(200);
    let names: Vec<&str> = p1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "bob"]);
    let c = p1["next_cursor"].as_str().unwrap();
    let p2 = w
        .admin
        .get(&format!("/v1/users?limit=2&cursor={c}"))
        .await
        .expect(200);
    assert_eq!(p2["items"][0]["username"], "carol");
    assert!(p2["next_cursor"].is_null());

    assert_eq!(
        w.admin.get("/v1/users/BOB@example.com").await.expect(200)["id"],
        bob_id
    );
    bob.patch("/v1/users/me", json!({"name": "Bob B."}))
        .await
        .expect(200);
    bob.patch("/v1/users/me", json!({"is_admin": true}))
        .await
        .problem(403, "forbidden");
    bob.patch(&format!("/v1/users/{bob_id}"), json!({"name": "x"}))
        .await
        .problem(403, "forbidden");
    assert_eq!(bob.get("/v1/users/me").await.expect(200)["name"], "Bob B.");

    // disable → the token stops working; enable → it works again
    w.admin
        .patch(&format!("/v1/users/{bob_id}"), json!({"disabled": true}))
        .await
        .expect(200);
    bob.get("/v1/users/me").await.problem(401, "unauthenticated");
    w.admin
        .patch("/v1/users/bob", json!({"disabled": false}))
        .await
        .expect(200);
    bob.get("/v1/users/me").await.expect(200);

    // delete removes the user and their bindings
    w.project("p", "akka").await;
    w.bind("p", "bob", "viewer").await;
    w.admin.delete("/v1/users/bob").await.expect(204);
    w.admin.get("/v1/users/bob").await.problem(404, "not-found");
    let b = w.admin.get("/v1/projects/p/role-bindings").await.expect(200);
    assert_eq!(b["items"].as_array().unwrap().len(), 1);
    bob.get("/v1/users/me").await.problem(401, "unauthenticated");
    w.admin.delete("/v1/users/admin").await.problem(403, "forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orgs_and_project_lifecycle() {
    let w = World::new().await;
    let orgs = w.admin.get("/v1/orgs").await.expect(200);
    assert_eq!(orgs["items"][0]["name"], "default");
    w.admin.get("/v1/orgs/default").await.expect(200);
    w.admin.get("/v1/orgs/elsewhere").await.problem(404, "not-found");
    let (_, bob) = w.user("bob").await;
    assert_eq!(
        bob.get("/v1/orgs").await.expect(200)["items"][0]["name"],
        "default"
    );
    w.admin
        .post("/v1/projects", json!({"name": "p", "org": "elsewhere"}))
        .await
        .problem(404, "not-found");

    w.project("alpha", "loft").await;
    w.project("beta", "akka").await;
    w.admin
        .patch("/v1/projects/alpha", json!({"name": "Beta"}))
        .await
        .problem(409, "name-taken");
    let r = w
        .admin
        .patch(
            "/v1/projects/alpha",
            json!({"name": "gamma", "description": "third"}),
        )
        .await
        .expect(200);
    assert_eq!(
        (r["name"].as_str(), r["description"].as_str()),
        (Some("gamma"), Some("third"))
    );
    w.admin.get("/v1/projects/alpha").await.problem(404, "not-found");
    let id = w.admin.get("/v1/projects/GAMMA").await.expect(200)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        w.admin.get(&format!("/v1/projects/{id}")).await.expect(200)["name"],
        "gamma"
    );
    // bob (org member, no binding) may create projects and owns them
    let mine = bob
        .post("/v1/projects", json!({"name": "bobs"}))
        .await
        .expect(201);
    assert_eq!(mine["my_roles"], json!(["admin"]));
    bob.delete("/v1/projects/gamma").await.problem(404, "not-found");
    w.admin.delete("/v1/projects/gamma").await.expect(204);
    w.admin.get("/v1/projects/gamma").await.problem(404, "not-found");
    let list = w.admin.get("/v1/projects").await.expect(200);
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["beta", "bobs"], "org owner sees every project of the org");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_answer_503_with_retry_after() {
    let w = World::with(accessd::Config {
        request_timeout: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    w.project("p", "akka").await;
    // Hold the project's write lock, so the next change cannot finish in time.
    let pool = &w.srv.app.service().db.pool;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("UPDATE projects SET policy_version = policy_version + 1 WHERE name_norm = 'p'")
        .execute(&mut *tx)
        .await
        .unwrap();
    let r = w
        .admin
        .patch("/v1/projects/p", json!({"description": "slow"}))
        .await;
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    r.problem(503, "unavailable");
    tx.rollback().await.unwrap();
    // Released: the same change goes through, and the timed-out one left nothing behind.
    let p = w.admin.get("/v1/projects/p").await.expect(200);
    assert!(p["description"].is_null());
    w.admin
        .patch("/v1/projects/p", json!({"description": "fast"}))
        .await
        .expect(200);
}
