//! Test support, for this crate's tests and the CLI's: a real server on
//! 127.0.0.1:0 over a fresh database, bootstrapped, with a movable clock.
//!
//! The database is SQLite in a temporary directory, or — when
//! `ACCESSD_TEST_DATABASE_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432/test`)
//! — a fresh PostgreSQL database `test_<uuid>` created through that URL and
//! dropped when the server is dropped.
//!
//! ```no_run
//! # async fn demo() {
//! let srv = accessd::testing::TestServer::start().await;
//! // srv.url = "http://127.0.0.1:<port>", srv.admin_token = "acc_…"
//! # }
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::{App, Config, clock};

/// Env var naming the PostgreSQL admin URL for tests.
pub const TEST_DATABASE_ENV: &str = "ACCESSD_TEST_DATABASE_URL";

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// A running, bootstrapped server. Dropping it stops the server and removes
/// its database.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`
    pub url: String,
    pub app: App,
    /// The bootstrap administrator's token (user `admin`, `admin@example.com`).
    pub admin_token: String,
    offset: Arc<AtomicI64>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    cleanup: Option<Cleanup>,
}

/// A fresh database URL and how to remove it.
async fn fresh_database() -> (String, Cleanup) {
    match std::env::var(TEST_DATABASE_ENV) {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("test_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let mut last = None;
            for _ in 0..5 {
                match create_pg_database(&admin_url, &name).await {
                    Ok(()) => {
                        last = None;
                        break;
                    }
                    Err(e) => last = Some(e),
                }
            }
            if let Some(e) = last {
                panic!("cannot create test database {name}: {e}");
            }
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
            (format!("{base}/{name}"), Cleanup::Postgres { admin_url, name })
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("accessd-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).expect("create temp dir");
            (
                format!("sqlite://{}", dir.join("accessd.db").display()),
                Cleanup::Dir(dir),
            )
        }
    }
}

async fn create_pg_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut c = sqlx::AnyConnection::connect(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut c)
        .await?;
    c.close().await
}

impl TestServer {
    /// Default config, bootstrapped.
    pub async fn start() -> TestServer {
        Self::start_with(Config::default()).await
    }

    /// `config.database_url` is replaced by a fresh database.
    pub async fn start_with(mut config: Config) -> TestServer {
        let (url, cleanup) = fresh_database().await;
        config.database_url = url;
        if config.max_connections == Config::default().max_connections {
            config.max_connections = 5;
        }
        let offset = Arc::new(AtomicI64::new(0));
        let system = clock::system();
        let off = offset.clone();
        let clock: clock::Clock = Arc::new(move || system() + off.load(Ordering::SeqCst));
        let app = App::with_clock(config, clock).await.expect("open test database");
        let boot = app
            .bootstrap(access_api::CreateUser {
                username: "admin".into(),
                email: "admin@example.com".into(),
                name: Some("Admin".into()),
            })
            .await
            .expect("bootstrap");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = app.clone();
        tokio::spawn(async move {
            let _ = crate::serve(served, listener, async move {
                let _ = rx.await;
            })
            .await;
        });
        TestServer {
            url: format!("http://{addr}"),
            app,
            admin_token: boot.token.token,
            offset,
            shutdown: Some(tx),
            cleanup: Some(cleanup),
        }
    }

    /// Moves the server's clock forward (or back) by `ms` milliseconds.
    pub fn advance_ms(&self, ms: i64) {
        self.offset.fetch_add(ms, Ordering::SeqCst);
    }

    /// The server's current time (unix ms).
    pub fn now_ms(&self) -> i64 {
        (self.app.service().clock)()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.cleanup.take() {
            Some(Cleanup::Dir(dir)) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Some(Cleanup::Postgres { admin_url, name }) => {
                // Drop runs inside the test's runtime: do the async work on a
                // thread with its own. FORCE ends the pool's open connections.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    rt.block_on(async move {
                        use sqlx::Connection;
                        if let Ok(mut c) = sqlx::AnyConnection::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                            let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
                            let _ = c.close().await;
                        }
                    });
                })
                .join();
            }
            None => {}
        }
    }
}

/// Fuzzing support: turns arbitrary bytes into one in-process request as the
/// bootstrap administrator (`admin`) and returns the status and content type.
/// The first byte picks a documented operation (path parameters become `p`,
/// a project the caller should create first), the second how the body is
/// labelled, the rest is the body. Used by `fuzz/` and replayed by the tests.
pub async fn fuzz_request(app: &App, data: &[u8]) -> (u16, String) {
    use tower::ServiceExt;
    let ops = crate::http::openapi::operations();
    let (Some(&pick), Some(&label)) = (data.first(), data.get(1)) else {
        return (200, String::new());
    };
    let (method, path) = &ops[usize::from(pick) % ops.len()];
    let path: String = path
        .split('/')
        .map(|s| if s.starts_with('{') { "p" } else { s })
        .collect::<Vec<_>>()
        .join("/");
    let content_type = match label % 4 {
        0 => "application/json",
        1 => "application/problem+json",
        2 => "text/plain",
        _ => "application/json; charset=utf-8",
    };
    let Ok(method) = axum::http::Method::from_bytes(method.as_bytes()) else {
        return (200, String::new());
    };
    let req = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(axum::body::Body::from(data[2..].to_vec()));
    let Ok(mut req) = req else {
        return (200, String::new());
    };
    req.extensions_mut().insert(crate::InProcessUser("admin".into()));
    match app.router().oneshot(req).await {
        Ok(resp) => {
            let ct = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            (resp.status().as_u16(), ct)
        }
        Err(never) => match never {},
    }
}

/// Fuzzing support: a bootstrapped app over SQLite in `dir` with a project `p`.
pub async fn fuzz_app(dir: &std::path::Path) -> Result<App, crate::Error> {
    let app = App::open(Config {
        database_url: format!("sqlite://{}", dir.join("fuzz.db").display()),
        ..Config::default()
    })
    .await?;
    let boot = app
        .bootstrap(access_api::CreateUser {
            username: "admin".into(),
            email: "admin@example.com".into(),
            name: None,
        })
        .await?;
    let caller = crate::service::Caller {
        user: crate::store::UserRow {
            id: boot.user.id,
            username: boot.user.username,
            email: boot.user.email,
            name: None,
            is_admin: true,
            disabled: false,
            mfa_enabled: false,
            created_at: 0,
        },
        request_id: None,
    };
    let req = access_api::CreateProject {
        name: "p".into(),
        description: None,
        role_preset: None,
        org: None,
    };
    app.service().create_project(&caller, &req).await?;
    Ok(app)
}
