//! Concurrent mixed mutations: no 5xx, one audit event per 2xx mutation, and
//! the project keeps an owner.

use serde_json::json;

use crate::support::{Client, World};

const CLIENTS: usize = 8;
const OPS: usize = 40;
const ROLES: [&str; 4] = ["admin", "developer", "viewer", "backoffice"];

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Runs one client's operations; returns (2xx mutations, audit events they imply).
async fn worker(c: Client, seed: u64) -> (usize, usize) {
    let mut rng = Lcg(seed);
    let (mut ok, mut events) = (0, 0);
    for i in 0..OPS {
        let target = format!("t{}", rng.next(6));
        let role = ROLES[rng.next(ROLES.len())];
        let r = match rng.next(5) {
            0 => {
                c.post(
                    "/v1/projects/p/role-bindings",
                    json!({"role": role, "principal": {"type": "user", "username": target}}),
                )
                .await
            }
            1 => {
                c.put(&format!("/v1/projects/p/members/{target}"), json!({"role": role}))
                    .await
            }
            2 => c.delete(&format!("/v1/projects/p/members/{target}")).await,
            3 => {
                let email = format!("inv{}@example.com", rng.next(8));
                c.post(
                    "/v1/projects/p/invitations",
                    json!({"emails": [email], "role": role}),
                )
                .await
            }
            _ => {
                c.delete(&format!(
                    "/v1/projects/p/invitations/inv{}@example.com",
                    rng.next(8)
                ))
                .await
            }
        };
        assert!(r.status.as_u16() < 500, "op {i}: {} {}", r.status, r.body);
        if r.status.is_success() {
            ok += 1;
            events += match r.body["results"].as_array() {
                Some(results) => results.iter().filter(|x| x["status"] == "invited").count(),
                None => 1,
            };
        } else {
            assert!(
                ["binding-exists", "not-found", "user-not-found"].contains(&r.code()),
                "op {i}: unexpected {}",
                r.body
            );
        }
    }
    (ok, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_mixed_mutations_stay_consistent() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let name = format!("u{i}");
        let (_, c) = w.user(&name).await;
        w.bind("p", &name, "admin").await;
        clients.push(c);
    }
    for i in 0..6 {
        w.user(&format!("t{i}")).await;
    }
    let before = w.audit_count().await;
    let handles: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, c)| tokio::spawn(worker(c, i as u64 + 1)))
        .collect();
    let (mut ok, mut events) = (0, 0);
    for h in handles {
        let (o, e) = h.await.unwrap();
        ok += o;
        events += e;
    }
    assert!(ok > CLIENTS * OPS / 4, "too few successes: {ok}");
    assert_eq!(w.audit_count().await - before, events);
    let members = w.admin.get("/v1/projects/p/members").await.expect(200);
    let owners = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["roles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["name"] == "admin")
        })
        .count();
    assert!(owners >= CLIENTS, "the u* owners were never touched");
    // Every t* ends with at most one binding per role, and the ETag counts the successes.
    let etag: i64 = w
        .admin
        .get("/v1/projects/p")
        .await
        .header("etag")
        .unwrap()
        .trim_matches('"')
        .parse()
        .unwrap();
    assert_eq!(etag as usize, 1 + CLIENTS + ok);
}
