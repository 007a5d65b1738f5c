//! A small load benchmark on loopback: N clients against 1..R replicas of
//! accessd over one fresh database (SQLite file, or PostgreSQL through
//! ACCESSD_TEST_DATABASE_URL), a bounded number of requests, req/s and
//! latency percentiles. Clients and servers share this process and its cores.
//!
//! ```text
//! cargo run --release -p accessd --example bench -- sqlite 1 16 4000
//! ACCESSD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!   cargo run --release -p accessd --example bench -- postgres 2 16 4000
//! ```
//!
//! Arguments: backend (`sqlite` | `postgres`), replicas, clients, requests.
//! Two mixes run: `read-mostly` (4 of 5 requests list bindings or check a
//! permission, 1 of 5 sets a member's role) and `writes` (every request sets a
//! member's role; writes to one project serialize on its row).

use std::io::Write;
use std::time::{Duration, Instant};

use accessd::testing::{Replica, TestDatabase};
use serde_json::json;

const PROJECTS: usize = 4;

#[derive(Clone, Copy)]
enum Mix {
    ReadMostly,
    Writes,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn client(
    http: reqwest::Client,
    urls: Vec<String>,
    token: String,
    id: usize,
    n: usize,
    mix: Mix,
) -> Result<Vec<Duration>, String> {
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let base = &urls[(id + i) % urls.len()];
        let p = format!("p{}", (id + i) % PROJECTS);
        let write = match mix {
            Mix::Writes => true,
            Mix::ReadMostly => i % 5 == 0,
        };
        let start = Instant::now();
        let req = if write {
            let role = if i % 2 == 0 { "viewer" } else { "developer" };
            http.put(format!("{base}/v1/projects/{p}/members/t{id}"))
                .json(&json!({"role": role}))
        } else if i % 2 == 0 {
            http.get(format!("{base}/v1/projects/{p}/role-bindings?limit=50"))
        } else {
            http.post(format!("{base}/v1/projects/{p}/permissions:check"))
                .json(&json!({"permissions": ["project.view", "members.manage"]}))
        };
        let resp = req.bearer_auth(&token).send().await.map_err(|e| e.to_string())?;
        let status = resp.status();
        let _ = resp.bytes().await.map_err(|e| e.to_string())?;
        lat.push(start.elapsed());
        if !status.is_success() {
            return Err(format!("client {id} request {i}: {status}"));
        }
    }
    Ok(lat)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = args.first().map(String::as_str).unwrap_or("sqlite");
    let replicas: usize = args.get(1).map_or(Ok(1), |s| s.parse())?;
    let clients: usize = args.get(2).map_or(Ok(16), |s| s.parse())?;
    let requests: usize = args.get(3).map_or(Ok(4000), |s| s.parse())?;
    let db = match backend {
        "sqlite" => TestDatabase::sqlite(),
        "postgres" => {
            let admin = accessd::testing::postgres_admin_url()
                .ok_or("set ACCESSD_TEST_DATABASE_URL for the postgres backend")?;
            let db = TestDatabase::postgres(&admin).await;
            // Test databases skip the commit flush; measure with it, as in production.
            let name = db.url.rsplit('/').next().unwrap_or_default().to_owned();
            let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await?;
            let sql = format!("ALTER DATABASE \"{name}\" SET synchronous_commit = on");
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await?;
            db
        }
        other => return Err(format!("unknown backend {other}").into()),
    };
    let config = accessd::Config {
        database_url: db.url.clone(),
        max_connections: 8,
        ..accessd::Config::default()
    };
    let mut servers = Vec::new();
    for _ in 0..replicas {
        servers.push(Replica::start(config.clone()).await?);
    }
    let boot = servers[0]
        .app
        .bootstrap(access_api::CreateUser {
            username: "admin".into(),
            email: "admin@example.com".into(),
            name: None,
        })
        .await?;
    let token = boot.token.token;
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();
    let http = reqwest::Client::new();
    let base = &urls[0];
    for p in 0..PROJECTS {
        http.post(format!("{base}/v1/projects"))
            .bearer_auth(&token)
            .json(&json!({"name": format!("p{p}"), "role_preset": "akka"}))
            .send()
            .await?
            .error_for_status()?;
    }
    for c in 0..clients {
        http.post(format!("{base}/v1/users"))
            .bearer_auth(&token)
            .json(&json!({"username": format!("t{c}"), "email": format!("t{c}@example.com")}))
            .send()
            .await?
            .error_for_status()?;
    }
    let mut out = std::io::stdout();
    for (name, mix) in [("read-mostly", Mix::ReadMostly), ("writes", Mix::Writes)] {
        let per = requests / clients;
        let start = Instant::now();
        let handles: Vec<_> = (0..clients)
            .map(|id| tokio::spawn(client(http.clone(), urls.clone(), token.clone(), id, per, mix)))
            .collect();
        let mut lat = Vec::new();
        for h in handles {
            lat.extend(h.await??);
        }
        let wall = start.elapsed();
        lat.sort_unstable();
        writeln!(
            out,
            "{backend:8} replicas={replicas} clients={clients:2} mix={name:11} requests={:5} \
             {:7.0} req/s  p50={:6.1} ms  p99={:6.1} ms",
            lat.len(),
            lat.len() as f64 / wall.as_secs_f64(),
            percentile(&lat, 0.50).as_secs_f64() * 1000.0,
            percentile(&lat, 0.99).as_secs_f64() * 1000.0,
        )?;
    }
    drop(servers);
    drop(db);
    Ok(())
}
