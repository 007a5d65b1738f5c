//! Several `accessd` servers (replicas: own pool, own port) over ONE PostgreSQL
//! database, requests spread across them: the concurrency guarantees of a
//! single server still hold exactly. Skipped, with a message, without
//! ACCESSD_TEST_DATABASE_URL (SQLite is one machine).

use std::collections::{BTreeMap, BTreeSet};

use accessd::testing::{Replica, TestDatabase};
use serde_json::json;
use sqlx::Row;

use crate::support::{Client, owners, postgres, race_demotions};

/// Replicas over one fresh PostgreSQL database, started (and so migrated)
/// concurrently, then bootstrapped through the first.
struct Cluster {
    replicas: Vec<Replica>,
    token: String,
    _db: TestDatabase,
}

impl Cluster {
    async fn start(test: &str, n: usize) -> Cluster {
        let admin = postgres(test);
        let db = TestDatabase::postgres(&admin).await;
        let config = accessd::Config {
            database_url: db.url.clone(),
            max_connections: 4,
            ..accessd::Config::default()
        };
        let handles: Vec<_> = (0..n)
            .map(|_| tokio::spawn(Replica::start(config.clone())))
            .collect();
        let mut replicas = Vec::new();
        for h in handles {
            replicas.push(h.await.unwrap().expect("every replica migrates and starts"));
        }
        let applied: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
            .fetch_one(&replicas[0].app.service().db.pool)
            .await
            .unwrap()
            .get("n");
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .count();
        assert_eq!(applied as usize, files, "concurrent migrations applied once");
        let boot = replicas[0]
            .app
            .bootstrap(access_api::CreateUser {
                username: "admin".into(),
                email: "admin@example.com".into(),
                name: None,
            })
            .await
            .unwrap();
        Cluster {
            replicas,
            token: boot.token.token,
            _db: db,
        }
    }

    /// The same token against replica `i % n`.
    fn client(&self, i: usize, token: Option<&str>) -> Client {
        Client::new(&self.replicas[i % self.replicas.len()].url, token)
    }

    fn admin(&self, i: usize) -> Client {
        self.client(i, Some(&self.token))
    }

    /// A user (through replica `i`) and their token.
    async fn user(&self, i: usize, name: &str) -> String {
        let admin = self.admin(i);
        let u = admin
            .post(
                "/v1/users",
                json!({"username": name, "email": format!("{name}@example.com")}),
            )
            .await
            .expect(201);
        let id = u["id"].as_str().unwrap();
        let t = admin
            .post(&format!("/v1/users/{id}/tokens"), json!({"name": "t"}))
            .await
            .expect(201);
        t["token"].as_str().unwrap().to_owned()
    }

    /// Server-wide audit events (read through replica `i`).
    async fn audit_count(&self, i: usize) -> usize {
        let admin = self.admin(i);
        let mut n = 0;
        let mut path = "/v1/audit-events?limit=500".to_owned();
        for _ in 0..1000 {
            let page = admin.get(&path).await.expect(200);
            n += page["items"].as_array().unwrap().len();
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/v1/audit-events?limit=500&cursor={c}"),
                None => return n,
            }
        }
        panic!("audit log does not end");
    }
}

const ROUNDS: usize = 30;

#[ignore = "needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL and pass --include-ignored (.ci/run does)"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_owner_demotions_across_replicas() {
    let cl = Cluster::start("last_owner_demotions_across_replicas", 3).await;
    let ta = cl.user(0, "a").await;
    let tb = cl.user(1, "b").await;
    // Every round's project: owners a and b only (set up concurrently).
    let setup: Vec<_> = (0..ROUNDS)
        .map(|round| {
            let (admin, p) = (cl.admin(round), format!("race-{round}"));
            tokio::spawn(async move {
                admin
                    .post("/v1/projects", json!({"name": p, "role_preset": "akka"}))
                    .await
                    .expect(201);
                for u in ["a", "b"] {
                    admin
                        .post(
                            &format!("/v1/projects/{p}/role-bindings"),
                            json!({"role": "admin", "principal": {"type": "user", "username": u}}),
                        )
                        .await
                        .expect(201);
                }
                admin
                    .delete(&format!("/v1/projects/{p}/members/me"))
                    .await
                    .expect(204);
            })
        })
        .collect();
    for h in setup {
        h.await.unwrap();
    }
    for round in 0..ROUNDS {
        let p = format!("race-{round}");
        // a and b on two different replicas.
        let a = cl.client(round, Some(&ta));
        let b = cl.client(round + 1, Some(&tb));
        race_demotions(&a, &b, &p, round).await;
        assert_eq!(owners(&cl.admin(round + 2), &p).await.len(), 1, "round {round}");
    }
}

#[ignore = "needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL and pass --include-ignored (.ci/run does)"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_invites_and_accept_races_across_replicas() {
    let cl = Cluster::start("duplicate_invites_and_accept_races_across_replicas", 3).await;
    cl.admin(0)
        .post("/v1/projects", json!({"name": "p"}))
        .await
        .expect(201);
    let before = cl.audit_count(0).await;
    for round in 0..5 {
        let email = format!("dup{round}@example.com");
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let c = cl.admin(i);
                let body = json!({"emails": [email], "role": "viewer"});
                tokio::spawn(async move { c.post("/v1/projects/p/invitations", body).await })
            })
            .collect();
        let mut statuses = Vec::new();
        for h in handles {
            let r = h.await.unwrap();
            assert!(r.status.is_success(), "{}", r.body);
            statuses.push(r.body["results"][0]["status"].as_str().unwrap().to_owned());
        }
        let invited = statuses.iter().filter(|s| *s == "invited").count();
        let already = statuses.iter().filter(|s| *s == "already-invited").count();
        assert_eq!((invited, already), (1, 5), "round {round}: {statuses:?}");
    }
    assert_eq!(
        cl.audit_count(1).await - before,
        5,
        "one event per created invitation"
    );

    for round in 0..15 {
        let r = cl
            .admin(round)
            .post(
                "/v1/projects/p/invitations",
                json!({"emails": [format!("racer{round}@example.com")], "role": "viewer"}),
            )
            .await
            .expect(201);
        let code = r["results"][0]["invitation"]["code"].as_str().unwrap().to_owned();
        let body = json!({"code": code});
        let (a, b, c) = (cl.client(0, None), cl.client(1, None), cl.client(2, None));
        let (ra, rb, rc) = tokio::join!(
            a.post("/v1/invitations/accept", body.clone()),
            b.post("/v1/invitations/accept", body.clone()),
            c.post("/v1/invitations/accept", body.clone())
        );
        let mut s = [ra.status.as_u16(), rb.status.as_u16(), rc.status.as_u16()];
        s.sort_unstable();
        assert_eq!(
            s,
            [200, 404, 404],
            "round {round}: {} / {} / {}",
            ra.body,
            rb.body,
            rc.body
        );
    }
    let users = cl.admin(2).get("/v1/users?limit=500").await.expect(200);
    assert_eq!(
        users["items"].as_array().unwrap().len(),
        1 + 15,
        "one account per code"
    );
}

const CLIENTS: usize = 16;
const OPS: usize = 60;
const TARGETS: usize = 3;
/// Clients share projects: four clients (on different replicas) per project.
const PROJECTS: usize = 4;
const ROLES: [&str; 4] = ["admin", "developer", "viewer", "backoffice"];

fn project(client: usize) -> String {
    format!("p{}", client % PROJECTS)
}

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

/// What one client's own targets look like: username → roles, invited emails.
#[derive(Default, Debug, PartialEq)]
struct Model {
    roles: BTreeMap<String, BTreeSet<String>>,
    invited: BTreeSet<String>,
}

/// One client: its own targets (so every answer is predictable), requests
/// round-robin over the replicas. Returns its model and the 2xx mutations and
/// audit events the answers imply.
async fn worker(clients: Vec<Client>, id: usize) -> (Model, usize, usize) {
    let mut rng = Lcg(id as u64 * 7919 + 1);
    let p = project(id);
    let mut m = Model::default();
    let (mut ok, mut events) = (0, 0);
    for op in 0..OPS {
        let c = &clients[(id + op) % clients.len()];
        let target = format!("t{id}x{}", rng.next(TARGETS));
        let role = ROLES[rng.next(ROLES.len())];
        let email = format!("inv{id}x{}@example.com", rng.next(3));
        let held = m.roles.entry(target.clone()).or_default();
        let (r, expect_ok) = match rng.next(5) {
            0 => {
                let r = c
                    .post(
                        &format!("/v1/projects/{p}/role-bindings"),
                        json!({"role": role, "principal": {"type": "user", "username": target}}),
                    )
                    .await;
                let fresh = held.insert(role.to_owned());
                if !fresh {
                    assert_eq!(r.code(), "binding-exists", "{}", r.body);
                }
                (r, fresh)
            }
            1 => {
                let r = c
                    .put(
                        &format!("/v1/projects/{p}/members/{target}"),
                        json!({"role": role}),
                    )
                    .await;
                *held = BTreeSet::from([role.to_owned()]);
                (r, true)
            }
            2 => {
                let r = c.delete(&format!("/v1/projects/{p}/members/{target}")).await;
                let had = !held.is_empty();
                held.clear();
                (r, had)
            }
            3 => {
                let r = c
                    .post(
                        &format!("/v1/projects/{p}/invitations"),
                        json!({"emails": [email], "role": "viewer"}),
                    )
                    .await;
                let fresh = m.invited.insert(email.clone());
                let want = if fresh { "invited" } else { "already-invited" };
                assert_eq!(r.body["results"][0]["status"], want, "op {op}: {}", r.body);
                if fresh {
                    events += 1;
                }
                (r, true)
            }
            _ => {
                let r = c.delete(&format!("/v1/projects/{p}/invitations/{email}")).await;
                (r, m.invited.remove(&email))
            }
        };
        assert!(r.status.as_u16() < 500, "op {op}: {} {}", r.status, r.body);
        assert_eq!(
            r.status.is_success(),
            expect_ok,
            "client {id} op {op}: {} {}",
            r.status,
            r.body
        );
        if r.status.is_success() {
            ok += 1;
            if r.body["results"].is_null() {
                events += 1;
            }
        }
    }
    m.roles.retain(|_, r| !r.is_empty());
    (m, ok, events)
}

#[ignore = "needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL and pass --include-ignored (.ci/run does)"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_clients_across_replicas_stay_consistent() {
    let cl = Cluster::start("sixteen_clients_across_replicas_stay_consistent", 3).await;
    for p in 0..PROJECTS {
        cl.admin(p)
            .post("/v1/projects", json!({"name": project(p), "role_preset": "akka"}))
            .await
            .expect(201);
    }
    // Set up concurrently: one task per client creates it and its targets.
    let setup: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (admin, url) = (cl.admin(i), cl.replicas[(i + 1) % cl.replicas.len()].url.clone());
            tokio::spawn(async move {
                let mut token = String::new();
                for (k, name) in std::iter::once(format!("u{i}"))
                    .chain((0..TARGETS).map(|t| format!("t{i}x{t}")))
                    .enumerate()
                {
                    let u = admin
                        .post(
                            "/v1/users",
                            json!({"username": name, "email": format!("{name}@example.com")}),
                        )
                        .await
                        .expect(201);
                    if k == 0 {
                        let id = u["id"].as_str().unwrap();
                        let t = admin
                            .post(&format!("/v1/users/{id}/tokens"), json!({"name": "t"}))
                            .await
                            .expect(201);
                        token = t["token"].as_str().unwrap().to_owned();
                        Client::new(&url, Some(&token))
                            .get("/v1/users/me")
                            .await
                            .expect(200);
                    }
                }
                admin
                    .post(
                        &format!("/v1/projects/{}/role-bindings", project(i)),
                        json!({"role": "admin", "principal": {"type": "user", "username": format!("u{i}")}}),
                    )
                    .await
                    .expect(201);
                token
            })
        })
        .collect();
    let mut tokens = Vec::new();
    for h in setup {
        tokens.push(h.await.unwrap());
    }
    let versions = || async {
        let mut sum = 0;
        for p in 0..PROJECTS {
            let r = cl.admin(p + 1).get(&format!("/v1/projects/{}", project(p))).await;
            sum += r
                .header("etag")
                .unwrap()
                .trim_matches('"')
                .parse::<u64>()
                .unwrap();
        }
        sum
    };
    let versions_before = versions().await;
    let before = cl.audit_count(0).await;
    let handles: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let clients = (0..cl.replicas.len()).map(|r| cl.client(r, Some(t))).collect();
            tokio::spawn(worker(clients, i))
        })
        .collect();
    let (mut ok, mut events) = (0, 0);
    let mut want = Model::default();
    for (i, h) in handles.into_iter().enumerate() {
        let (m, o, e) = h.await.unwrap();
        ok += o;
        events += e;
        let p = project(i);
        want.roles
            .extend(m.roles.into_iter().map(|(u, r)| (format!("{p}/{u}"), r)));
        want.invited
            .extend(m.invited.into_iter().map(|e| format!("{p}/{e}")));
    }
    assert!(ok > CLIENTS * OPS / 3, "too few successes: {ok}");
    // Exactly one audit event per 2xx mutation (per created invitation), none for the rest.
    assert_eq!(cl.audit_count(1).await - before, events);
    // Every 2xx mutation moved its project's version once.
    assert_eq!(versions().await - versions_before, ok as u64);
    // The final state is what the answers imply.
    let mut got = Model::default();
    for p in (0..PROJECTS).map(project) {
        let members = cl
            .admin(1)
            .get(&format!("/v1/projects/{p}/members"))
            .await
            .expect(200);
        for m in members["items"].as_array().unwrap() {
            let roles: BTreeSet<String> = m["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_owned())
                .collect();
            match m["status"].as_str().unwrap() {
                "member" => {
                    let u = m["username"].as_str().unwrap();
                    if u.starts_with('t') {
                        got.roles.insert(format!("{p}/{u}"), roles);
                    } else {
                        assert!(u == "admin" || roles.contains("admin"), "{m}");
                    }
                }
                _ => {
                    got.invited
                        .insert(format!("{p}/{}", m["email"].as_str().unwrap()));
                }
            }
        }
    }
    assert_eq!(got, want);
}
