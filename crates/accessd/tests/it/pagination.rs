//! Keyset pagination over 10,000 bindings: no row lost or repeated, stable order.

use std::collections::HashSet;

use serde_json::Value;
use sqlx::Row;

use crate::support::World;

const N: i64 = 10_000;

async fn seed(w: &World, project_id: &str) {
    let pool = &w.srv.app.service().db.pool;
    let roles = sqlx::query("SELECT id, rank FROM roles WHERE project_id = $1 ORDER BY rank")
        .bind(project_id)
        .fetch_all(pool)
        .await
        .unwrap();
    let role =
        |i: usize| -> (String, i64) { (roles[i].try_get("id").unwrap(), roles[i].try_get("rank").unwrap()) };
    let ((r0, k0), (r1, k1), (r2, k2)) = (role(1), role(2), role(3));
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO users (id, username, username_norm, email, email_norm, name, is_admin, disabled, mfa_enabled, created_at) \
         SELECT 'seed-' || CAST(i AS TEXT), 'seed' || CAST(i AS TEXT), 'seed' || CAST(i AS TEXT), \
                'seed' || CAST(i AS TEXT) || '@example.com', 'seed' || CAST(i AS TEXT) || '@example.com', NULL, 0, 0, 0, 0 FROM n",
    )
    .bind(N)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO role_bindings (id, project_id, role_id, role_rank, principal_type, principal_id, principal_key, \
            principal_sort, expires_at, created_at, created_by) \
         SELECT 'b-' || CAST(i AS TEXT), $2, \
                CASE WHEN i % 3 = 0 THEN $3 WHEN i % 3 = 1 THEN $4 ELSE $5 END, \
                CASE WHEN i % 3 = 0 THEN $6 WHEN i % 3 = 1 THEN $7 ELSE $8 END, \
                'user', 'seed-' || CAST(i AS TEXT), 'user:seed-' || CAST(i AS TEXT), 'seed' || CAST(i AS TEXT), \
                NULL, 0, 'seeder' FROM n",
    )
    .bind(N)
    .bind(project_id)
    .bind(r0)
    .bind(r1)
    .bind(r2)
    .bind(k0)
    .bind(k1)
    .bind(k2)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn walk(w: &World, limit: usize, filter: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut path = format!("/v1/projects/p/role-bindings?limit={limit}{filter}");
    let mut pages = 0;
    loop {
        let r = w.admin.get(&path).await;
        let link = r.header("link");
        let page = r.expect(200);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        out.extend(items.iter().cloned());
        pages += 1;
        assert!(pages <= N as usize / limit + 2, "endless pagination");
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(items.len(), limit, "a short page before the end");
                let link = link.expect("Link header on a page with a next one");
                assert!(
                    link.contains(&format!("cursor={c}")) && link.ends_with("rel=\"next\""),
                    "{link}"
                );
                path = format!("/v1/projects/p/role-bindings?limit={limit}{filter}&cursor={c}");
            }
            None => {
                assert!(link.is_none());
                return out;
            }
        }
    }
}

fn key(b: &Value, ranks: &[(&str, i64)]) -> (i64, String, String) {
    let role = b["role"]["name"].as_str().unwrap();
    let rank = ranks.iter().find(|(n, _)| *n == role).unwrap().1;
    (
        rank,
        b["principal"]["username"].as_str().unwrap().to_owned(),
        b["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_bindings_page_without_loss_or_repeat() {
    let w = World::new().await;
    let p = w.project("p", "akka").await;
    seed(&w, p["id"].as_str().unwrap()).await;
    let ranks = [("admin", 0), ("developer", 1), ("viewer", 2), ("backoffice", 3)];
    let total = N as usize + 1; // + the creator's admin binding
    let mut first: Option<Vec<String>> = None;
    for limit in [50, 500] {
        let all = walk(&w, limit, "").await;
        let ids: Vec<String> = all.iter().map(|b| b["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids.len(), total, "limit {limit}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            total,
            "repeated rows at limit {limit}"
        );
        let keys: Vec<_> = all.iter().map(|b| key(b, &ranks)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "order at limit {limit}");
        if let Some(f) = &first {
            assert_eq!(f, &ids, "order differs between page sizes");
        }
        first = Some(ids);
    }
    let viewers = walk(&w, 500, "&role=Viewer").await;
    assert_eq!(viewers.len(), (1..=N).filter(|i| i % 3 == 1).count());
    assert!(viewers.iter().all(|b| b["role"]["name"] == "viewer"));

    let capped = w
        .admin
        .get("/v1/projects/p/role-bindings?limit=100000")
        .await
        .expect(200);
    assert_eq!(capped["items"].as_array().unwrap().len(), 500);
    for bad in [
        "cursor=%%%",
        "cursor=bm9wZQ",
        "limit=abc",
        "limit=0",
        "principal_type=robot",
    ] {
        w.admin
            .get(&format!("/v1/projects/p/role-bindings?{bad}"))
            .await
            .problem(400, "invalid-request");
    }
}

/// `id_prefix=` (the CLI's short ids): only bindings whose id starts with it, case
/// insensitive, paged like the rest; anything but hex digits and dashes is a 400.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bindings_filter_by_id_prefix() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let mut ids = Vec::new();
    for name in ["pa", "pb", "pc", "pd"] {
        w.user(name).await;
        ids.push(w.bind("p", name, "viewer").await);
    }
    let list = |q: String| {
        let admin = &w.admin;
        async move {
            let page = admin
                .get(&format!("/v1/projects/p/role-bindings?{q}"))
                .await
                .expect(200);
            let items = page["items"].as_array().unwrap().clone();
            items
                .iter()
                .map(|b| b["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    for id in &ids {
        assert_eq!(
            list(format!("id_prefix={}", &id[..id.len() - 1])).await,
            std::slice::from_ref(id)
        );
        assert_eq!(
            list(format!("id_prefix={}", id.to_uppercase())).await,
            std::slice::from_ref(id)
        );
    }
    // UUIDv7s made within a minute share their first 8 characters: the filter
    // returns exactly the ones of the whole list that start with them.
    let shared = &ids[0][..8];
    let expected: Vec<String> = list(String::new())
        .await
        .into_iter()
        .filter(|i| i.starts_with(shared))
        .collect();
    assert_eq!(list(format!("id_prefix={shared}")).await, expected);
    assert_eq!(list(format!("id_prefix={shared}&limit=1")).await, expected[..1]);
    assert!(list("id_prefix=ffffffff-ffff".into()).await.is_empty());
    for bad in ["id_prefix=", "id_prefix=zz", "id_prefix=ab%27%20OR%201%3D1"] {
        w.admin
            .get(&format!("/v1/projects/p/role-bindings?{bad}"))
            .await
            .problem(400, "invalid-request");
    }
}

/// What clients show for a principal (accessctl's `principal_label`).
fn label(p: &Value) -> String {
    match p["type"].as_str().unwrap() {
        "user" => {
            let shown = p["name"]
                .as_str()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| p["username"].as_str().unwrap());
            format!("{shown} <{}>", p["email"].as_str().unwrap())
        }
        "team" => format!("team:{}", p["name"].as_str().unwrap()),
        _ => "All Users".to_owned(),
    }
}

/// The documented order (role rank, principal label lower-cased, id) holds across
/// pages with names in mixed case, a rename, all-users, and a binding inserted
/// after every page: each binding that existed before the walk comes exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_come_in_label_order_with_role_rank_under_inserts() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let roles = w.admin.get("/v1/projects/p/roles").await.expect(200);
    let rank_of = |name: &str| -> i64 {
        roles["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["rank"]
            .as_i64()
            .unwrap()
    };
    for (i, name) in ["Zed", "alice", "Bob", "", "Émile", "carol", "ZED"]
        .iter()
        .enumerate()
    {
        let (u, _) = w.user(&format!("u{i}")).await;
        w.bind("p", &format!("u{i}"), ["viewer", "developer"][i % 2])
            .await;
        if !name.is_empty() {
            // Renamed after binding: the sort key follows the name.
            let id = u["id"].as_str().unwrap();
            w.admin
                .patch(&format!("/v1/users/{id}"), serde_json::json!({"name": name}))
                .await
                .expect(200);
        }
    }
    w.admin
        .post(
            "/v1/projects/p/role-bindings",
            serde_json::json!({"role": "viewer", "principal": {"type": "all-users"}}),
        )
        .await
        .expect(201);
    let before: HashSet<String> = walk(&w, 500, "")
        .await
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    let mut seen = Vec::new();
    let mut path = "/v1/projects/p/role-bindings?limit=2".to_owned();
    for n in 0.. {
        let page = w.admin.get(&path).await.expect(200);
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        // A concurrent change between pages.
        let name = format!("late{n}");
        w.user(&name).await;
        w.bind("p", &name, "viewer").await;
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/projects/p/role-bindings?limit=2&cursor={c}"),
            None => break,
        }
        assert!(n < 100, "endless pagination");
    }
    let ids: Vec<String> = seen
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "a binding came twice"
    );
    for id in &before {
        assert!(ids.contains(id), "binding {id} lost");
    }
    let keys: Vec<(i64, String, String)> = seen
        .iter()
        .map(|b| {
            assert_eq!(
                b["role_rank"].as_i64().unwrap(),
                rank_of(b["role"]["name"].as_str().unwrap())
            );
            (
                b["role_rank"].as_i64().unwrap(),
                label(&b["principal"]).to_lowercase(),
                b["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let labels: Vec<&str> = keys.iter().map(|k| k.1.as_str()).collect();
    assert!(labels.contains(&"all users"), "{labels:?}");
}
