//! A cheap in-suite fuzz: random JSON bodies to every write operation and
//! random cursors/limits to every list. Nothing may answer 5xx, and every
//! error is problem+json (checked by the client).

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::World;

struct Lcg(u64);
impl Lcg {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const WORDS: &[&str] = &[
    "viewer",
    "admin",
    "owner",
    "p",
    "user",
    "all-users",
    "team",
    "a@example.com",
    "",
    " ",
    "\u{0}",
    "ſ",
    "😀",
    "acc_x",
    "inv_x",
    "../..",
    "%00",
    "-1",
    "99999999999999999999",
    "null",
    "{}",
    "\u{202e}",
];
const KEYS: &[&str] = &[
    "name",
    "role",
    "emails",
    "principal",
    "type",
    "username",
    "email",
    "id",
    "code",
    "permissions",
    "description",
    "expires_at",
    "ttl_days",
    "bindings",
    "etag",
    "disabled",
    "is_admin",
    "expires_in_days",
    "role_preset",
    "org",
];

fn value(rng: &mut Lcg, depth: usize) -> Value {
    match rng.pick(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.pick(2) == 0),
        2 => json!(rng.pick(100) as i64 - 50),
        3 | 4 => json!(WORDS[rng.pick(WORDS.len())]),
        5 => Value::Array((0..rng.pick(4)).map(|_| value(rng, depth + 1)).collect()),
        _ => object(rng, depth + 1),
    }
}

fn object(rng: &mut Lcg, depth: usize) -> Value {
    let mut m = serde_json::Map::new();
    for _ in 0..rng.pick(5) {
        m.insert(KEYS[rng.pick(KEYS.len())].to_owned(), value(rng, depth));
    }
    Value::Object(m)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bodies_and_cursors_never_answer_5xx() {
    let w = World::new().await;
    w.project("p", "goldsky").await;
    w.user("bob").await;
    let writes: &[(Method, &str)] = &[
        (Method::POST, "/v1/projects"),
        (Method::PATCH, "/v1/projects/p"),
        (Method::POST, "/v1/projects/p/role-bindings"),
        (Method::PUT, "/v1/projects/p/members/bob"),
        (Method::POST, "/v1/projects/p/invitations"),
        (Method::POST, "/v1/projects/p/roles"),
        (Method::POST, "/v1/projects/p/permissions:check"),
        (Method::PUT, "/v1/projects/p/policy"),
        (Method::POST, "/v1/users"),
        (Method::PATCH, "/v1/users/bob"),
        (Method::POST, "/v1/users/me/tokens"),
        (Method::POST, "/v1/invitations/accept"),
        (Method::POST, "/v1/bootstrap"),
    ];
    let mut rng = Lcg(42);
    for (method, path) in writes {
        for _ in 0..60 {
            let body = object(&mut rng, 0);
            let r = w.admin.send(method.clone(), path, Some(&body), &[]).await;
            assert!(r.status.as_u16() < 500, "{method} {path} {body}: {}", r.body);
        }
    }
    for path in [
        "/v1/projects/p/role-bindings",
        "/v1/projects/p/audit-events",
        "/v1/users",
        "/v1/projects",
        "/v1/audit-events",
    ] {
        for _ in 0..30 {
            let junk: String = (0..rng.pick(40))
                .map(|_| char::from(b"AZaz09-_=%.~+/"[rng.pick(14)]))
                .collect();
            let limit = WORDS[rng.pick(WORDS.len())];
            let r = w.admin.get(&format!("{path}?cursor={junk}&limit={limit}")).await;
            assert!(r.status.as_u16() < 500, "{path} cursor {junk}: {}", r.body);
        }
    }
}

/// PostgreSQL refuses NUL in text; such input answers 400/422 on every database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_bytes_answer_4xx() {
    let w = World::new().await;
    w.project("p", "akka").await;
    for path in [
        "/v1/projects/a%00b",
        "/v1/users/a%00b",
        "/v1/orgs/a%00b",
        "/v1/projects/p/role-bindings/a%00b",
        "/v1/audit-events?actor=a%00b",
        "/v1/projects/p/role-bindings?role=a%00b",
    ] {
        w.admin.get(path).await.problem(400, "invalid-request");
    }
    w.admin
        .delete("/v1/projects/p/invitations/a%00b")
        .await
        .problem(400, "invalid-request");
    let e = w
        .admin
        .post(
            "/v1/projects/p/role-bindings",
            json!({"role": "viewer", "principal": {"type": "user", "username": "a\u{0}b"}}),
        )
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "principal.username");
    let e = w
        .admin
        .post("/v1/invitations/accept", json!({"code": "inv_\u{0}"}))
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "code");
    let e = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["a@b.co", "\u{0}"], "role": "viewer"}),
        )
        .await
        .problem(422, "validation-failed");
    assert_eq!(e["errors"][0]["field"], "emails[1]");
}

/// Replays the committed corpus of the `request` fuzz target (`fuzz/`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_corpus_replays_without_5xx() {
    let dir = tempfile::tempdir().unwrap();
    let app = accessd::testing::fuzz_app(dir.path()).await.unwrap();
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/request");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 100, "corpus at {}", corpus.display());
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let (status, ct) = accessd::testing::fuzz_request(&app, &data).await;
        assert!(status < 500, "{}: {status}", f.display());
        if status >= 400 {
            assert!(
                ct.starts_with("application/problem+json"),
                "{}: {status} {ct}",
                f.display()
            );
        }
    }
}
