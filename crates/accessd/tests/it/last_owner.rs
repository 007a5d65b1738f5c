//! Invariant 2 through every path, and concurrent demotions of the last two owners.

use serde_json::json;

use crate::support::{Client, World, owners, race_demotions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_path_refuses_to_remove_the_last_owner() {
    let w = World::new().await;
    let (u, alice) = w.user("alice").await;
    // alice creates the project: she is its only owner.
    alice
        .post("/v1/projects", json!({"name": "solo", "role_preset": "goldsky"}))
        .await
        .expect(201);
    let before = w.audit_count().await;
    let b = alice.get("/v1/projects/solo/role-bindings").await.expect(200);
    let id = b["items"][0]["id"].as_str().unwrap().to_owned();
    let version = alice.get("/v1/projects/solo").await.header("etag").unwrap();

    alice
        .delete(&format!("/v1/projects/solo/role-bindings/{id}"))
        .await
        .problem(409, "last-owner");
    alice
        .put("/v1/projects/solo/members/alice", json!({"role": "admin"}))
        .await
        .problem(409, "last-owner");
    alice
        .put("/v1/projects/solo/members/me", json!({"role": "viewer"}))
        .await
        .problem(409, "last-owner");
    alice
        .delete("/v1/projects/solo/members/alice")
        .await
        .problem(409, "last-owner");
    alice
        .delete("/v1/projects/solo/members/me")
        .await
        .problem(409, "last-owner");
    // The org owner (admin) holds every permission, but still cannot remove the last owner.
    w.admin
        .delete(&format!("/v1/projects/solo/role-bindings/{id}"))
        .await
        .problem(409, "last-owner");
    w.admin
        .delete("/v1/projects/solo/members/alice")
        .await
        .problem(409, "last-owner");
    let uid = u["id"].as_str().unwrap();
    w.admin
        .patch(&format!("/v1/users/{uid}"), json!({"disabled": true}))
        .await
        .problem(409, "last-owner");
    w.admin
        .delete(&format!("/v1/users/{uid}"))
        .await
        .problem(409, "last-owner");

    // Nothing changed: same owner, same ETag, no audit event.
    assert_eq!(owners(&w.admin, "solo").await, vec!["alice"]);
    assert_eq!(
        alice.get("/v1/projects/solo").await.header("etag").unwrap(),
        version
    );
    assert_eq!(w.audit_count().await, before);
    assert_eq!(alice.get("/v1/users/me").await.expect(200)["disabled"], false);

    // With a second owner every path works again.
    w.bind("solo", "admin", "owner").await;
    alice.delete("/v1/projects/solo/members/me").await.expect(204);
    assert_eq!(owners(&w.admin, "solo").await, vec!["admin"]);
    assert_eq!(w.audit_count().await, before + 2);
}

async fn two_owner_project(w: &World, name: &str) {
    w.project(name, "akka").await;
    w.bind(name, "a", "admin").await;
    w.bind(name, "b", "admin").await;
    w.admin
        .delete(&format!("/v1/projects/{name}/members/me"))
        .await
        .expect(204);
}

async fn demotion_race(w: &World, a: &Client, b: &Client, rounds: usize) {
    for i in 0..rounds {
        let name = format!("race-{i}");
        two_owner_project(w, &name).await;
        race_demotions(a, b, &name, i).await;
        assert_eq!(owners(&w.admin, &name).await.len(), 1, "round {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_demotions_of_the_last_two_owners() {
    let w = World::new().await;
    let (_, a) = w.user("a").await;
    let (_, b) = w.user("b").await;
    demotion_race(&w, &a, &b, 50).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "stress: 1,000 rounds"]
async fn concurrent_demotions_stress() {
    let w = World::new().await;
    let (_, a) = w.user("a").await;
    let (_, b) = w.user("b").await;
    demotion_race(&w, &a, &b, 1000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_owner_does_not_count_as_the_last_owner() {
    let w = World::new().await;
    let (_, alice) = w.user("alice").await;
    w.user("bob").await;
    alice
        .post("/v1/projects", json!({"name": "temp", "role_preset": "goldsky"}))
        .await
        .expect(201);
    // bob becomes an owner for one day.
    let tomorrow = {
        let ms = w.srv.now_ms() + 86_400_000;
        let t = time_rfc3339(ms);
        alice
            .post(
                "/v1/projects/temp/role-bindings",
                json!({"role": "owner", "principal": {"type": "user", "username": "bob"}, "expires_at": t}),
            )
            .await
            .expect(201);
        t
    };
    assert!(!tomorrow.is_empty());
    // alice cannot hand the project over to an owner whose binding will expire.
    alice
        .put("/v1/projects/temp/members/me", json!({"role": "viewer"}))
        .await
        .problem(409, "last-owner");
    alice
        .delete("/v1/projects/temp/members/me")
        .await
        .problem(409, "last-owner");
    // After bob's day, alice still owns it and can manage it; bob's expired
    // binding makes him no member at all.
    assert_eq!(owners(&w.admin, "temp").await, ["alice", "bob"]);
    w.srv.advance_ms(2 * 86_400_000);
    assert_eq!(owners(&w.admin, "temp").await, ["alice"]);
    alice
        .patch("/v1/projects/temp", json!({"description": "still mine"}))
        .await
        .expect(200);
}

/// `ms` (unix milliseconds) as RFC 3339 UTC.
fn time_rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}
