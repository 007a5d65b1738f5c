//! The server keeps an active administrator: the last one cannot be demoted,
//! disabled or deleted (409 `last-admin`), by any path, however the requests race.

use serde_json::{Value, json};

use crate::support::{Client, World};

/// Usernames of the active server administrators.
async fn active_admins(c: &Client) -> Vec<String> {
    let users = c.get("/v1/users?limit=500").await.expect(200);
    users["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["is_admin"] == true && u["disabled"] == false)
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect()
}

fn id(u: &Value) -> String {
    u["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_only_admin_cannot_demote_or_disable_themself() {
    let w = World::new().await;
    let me = w.admin.get("/v1/users/me").await.expect(200);
    let path = format!("/v1/users/{}", id(&me));
    let before = w.audit_count().await;
    w.admin
        .patch(&path, json!({"is_admin": false}))
        .await
        .problem(409, "last-admin");
    w.admin
        .patch(&path, json!({"disabled": true}))
        .await
        .problem(409, "last-admin");
    w.admin
        .patch(&path, json!({"is_admin": false, "disabled": true}))
        .await
        .problem(409, "last-admin");
    // `me` never changes the admin flag, and nobody deletes themself.
    w.admin
        .patch("/v1/users/me", json!({"is_admin": false}))
        .await
        .problem(403, "forbidden");
    w.admin.delete(&path).await.problem(403, "forbidden");
    assert_eq!(active_admins(&w.admin).await, ["admin"]);
    assert_eq!(w.audit_count().await, before, "a refused change writes no event");

    // A disabled administrator does not count: with bob a disabled admin,
    // admin is still the last active one.
    let (bob, bob_client) = w.user("bob").await;
    let bob_path = format!("/v1/users/{}", id(&bob));
    w.admin
        .patch(&bob_path, json!({"is_admin": true, "disabled": true}))
        .await
        .expect(200);
    w.admin
        .patch(&path, json!({"is_admin": false}))
        .await
        .problem(409, "last-admin");
    // Once bob is active, admin may step down, and then bob is the last one.
    w.admin
        .patch(&bob_path, json!({"disabled": false}))
        .await
        .expect(200);
    w.admin.patch(&path, json!({"is_admin": false})).await.expect(200);
    bob_client
        .patch(&bob_path, json!({"is_admin": false}))
        .await
        .problem(409, "last-admin");
    assert_eq!(active_admins(&bob_client).await, ["bob"]);
    // The former admin can no longer administer anything.
    w.admin.get("/v1/users").await.problem(403, "forbidden");
}

/// Two admins (and nobody else) each take the other's (or their own) admin
/// rights away at the same moment, `rounds` times: exactly one succeeds each
/// round, the server always ends with one active admin, and the survivor puts
/// the other back for the next round.
async fn mutual_demotions(rounds: usize) {
    let w = World::new().await;
    let (ua, a) = w.user("a").await;
    let (ub, b) = w.user("b").await;
    let (pa, pb) = (format!("/v1/users/{}", id(&ua)), format!("/v1/users/{}", id(&ub)));
    for p in [&pa, &pb] {
        w.admin.patch(p, json!({"is_admin": true})).await.expect(200);
    }
    let root = w.admin.get("/v1/users/me").await.expect(200);
    w.admin
        .patch(&format!("/v1/users/{}", id(&root)), json!({"is_admin": false}))
        .await
        .expect(200);
    for round in 0..rounds {
        let (change, undo) = if round % 3 == 1 {
            (json!({"disabled": true}), json!({"disabled": false}))
        } else {
            (json!({"is_admin": false}), json!({"is_admin": true}))
        };
        // Rounds 0, 1: each acts on the other; round 2: each on themself.
        let (ta, tb) = if round % 3 == 2 { (&pa, &pb) } else { (&pb, &pa) };
        let (ra, rb) = tokio::join!(a.patch(ta, change.clone()), b.patch(tb, change.clone()));
        let ok: Vec<bool> = [&ra, &rb].iter().map(|r| r.status.as_u16() == 200).collect();
        assert_eq!(
            ok.iter().filter(|x| **x).count(),
            1,
            "round {round}: {} / {}",
            ra.body,
            rb.body
        );
        for r in [&ra, &rb] {
            if r.status.as_u16() != 200 {
                // The loser either finds itself the last admin, or (its own
                // rights taken first) no longer an admin or no longer enabled.
                assert!(
                    ["last-admin", "forbidden", "unauthenticated"].contains(&r.code()),
                    "round {round}: {}",
                    r.body
                );
            }
        }
        let (survivor, demoted) = match (ok[0], round % 3 == 2) {
            (true, false) => (&a, &pb),  // a took b's rights
            (false, false) => (&b, &pa), // b took a's rights
            (true, true) => (&b, &pa),   // a stepped down
            (false, true) => (&a, &pb),  // b stepped down
        };
        assert_eq!(active_admins(survivor).await.len(), 1, "round {round}");
        survivor.patch(demoted, undo).await.expect(200);
    }
    assert_eq!(active_admins(&a).await, ["a", "b"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_mutual_demotions_keep_one_admin() {
    mutual_demotions(200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_mutual_deletions_keep_one_admin() {
    let w = World::new().await;
    let root = w.admin.get("/v1/users/me").await.expect(200);
    // Makes a new admin `name`; returns its path and a client.
    let make = |by: Client, name: String| {
        let url = w.srv.url.clone();
        async move {
            let u = by
                .post(
                    "/v1/users",
                    json!({"username": name, "email": format!("{name}@example.com")}),
                )
                .await
                .expect(201);
            let path = format!("/v1/users/{}", id(&u));
            by.patch(&path, json!({"is_admin": true})).await.expect(200);
            let t = by
                .post(&format!("{path}/tokens"), json!({"name": "t"}))
                .await
                .expect(201);
            (path, Client::new(&url, t["token"].as_str()))
        }
    };
    let mut x = make(w.admin.clone(), "x0".into()).await;
    let mut y = make(w.admin.clone(), "y0".into()).await;
    w.admin
        .patch(&format!("/v1/users/{}", id(&root)), json!({"is_admin": false}))
        .await
        .expect(200);
    for round in 0..20 {
        let (rx, ry) = tokio::join!(x.1.delete(&y.0), y.1.delete(&x.0));
        let ok = [&rx, &ry].iter().filter(|r| r.status.as_u16() == 204).count();
        assert_eq!(ok, 1, "round {round}: {} / {}", rx.body, ry.body);
        for r in [&rx, &ry] {
            if r.status.as_u16() != 204 {
                assert!(
                    ["last-admin", "forbidden", "unauthenticated"].contains(&r.code()),
                    "round {round}: {}",
                    r.body
                );
            }
        }
        if rx.status.as_u16() == 204 {
            assert_eq!(active_admins(&x.1).await.len(), 1, "round {round}");
            y = make(x.1.clone(), format!("y{}", round + 1)).await;
        } else {
            assert_eq!(active_admins(&y.1).await.len(), 1, "round {round}");
            x = make(y.1.clone(), format!("x{}", round + 1)).await;
        }
    }
}
