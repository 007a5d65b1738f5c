//! Test support for this crate's tests, benches and fuzz target: a real server on
//! 127.0.0.1:0 over a fresh database, bootstrapped, with a movable clock. The CLI's
//! suite starts its own servers and uses only the SMTP sink and mail helpers here.
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

/// A fresh, empty database that is removed when dropped: a SQLite file in a
/// temporary directory, or a PostgreSQL database `test_<uuid>` created through
/// an admin URL and dropped `WITH (FORCE)`.
pub struct TestDatabase {
    /// `sqlite://…` or `postgres://…/test_<uuid>`.
    pub url: String,
    cleanup: Option<Cleanup>,
}

impl TestDatabase {
    /// PostgreSQL when `ACCESSD_TEST_DATABASE_URL` is set, SQLite otherwise.
    pub async fn fresh() -> TestDatabase {
        match postgres_admin_url() {
            Some(admin_url) => Self::postgres(&admin_url).await,
            None => Self::sqlite(),
        }
    }

    /// A new SQLite file in a new temporary directory.
    pub fn sqlite() -> TestDatabase {
        let dir = std::env::temp_dir().join(format!("accessd-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TestDatabase {
            url: format!("sqlite://{}", dir.join("accessd.db").display()),
            cleanup: Some(Cleanup::Dir(dir)),
        }
    }

    /// A new database on the PostgreSQL server of `admin_url`.
    pub async fn postgres(admin_url: &str) -> TestDatabase {
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        sqlx::any::install_default_drivers();
        let mut last = None;
        for _ in 0..5 {
            match create_pg_database(admin_url, &name).await {
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
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
        TestDatabase {
            url: format!("{base}/{name}"),
            cleanup: Some(Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            }),
        }
    }
}

/// `ACCESSD_TEST_DATABASE_URL` when set and not empty.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var(TEST_DATABASE_ENV).ok().filter(|u| !u.is_empty())
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self.cleanup.take() {
            Some(Cleanup::Dir(dir)) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Some(Cleanup::Postgres { admin_url, name }) => {
                // Drop may run inside a runtime: do the async work on a
                // thread with its own. FORCE ends the pools' open connections.
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

async fn create_pg_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut c = sqlx::AnyConnection::connect(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut c)
        .await?;
    // A test database need not survive a crash: commits skip the WAL flush
    // wait (isolation and locking are unchanged).
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{name}\" SET synchronous_commit = off"
    )))
    .execute(&mut c)
    .await?;
    c.close().await
}

/// One more server over an existing database (another replica): its own pool,
/// its own port, the system clock, no bootstrap. Stops when dropped.
pub struct Replica {
    /// `http://127.0.0.1:<port>`
    pub url: String,
    pub app: App,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Replica {
    /// Opens (and migrates) `config.database_url` and serves it on 127.0.0.1:0.
    pub async fn start(config: Config) -> Result<Replica, crate::Error> {
        let app = App::open(config).await?;
        let (url, shutdown) = serve_on_loopback(app.clone()).await;
        Ok(Replica {
            url,
            app,
            shutdown: Some(shutdown),
        })
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn serve_on_loopback(app: App) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = crate::serve(app, listener, async move {
            let _ = rx.await;
        })
        .await;
    });
    (format!("http://{addr}"), tx)
}

/// A running, bootstrapped server. Dropping it stops the server and removes
/// its database. Rate limits are off unless the config sets other limits than
/// the default ones.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`
    pub url: String,
    pub app: App,
    /// The bootstrap administrator's token (user `admin`, `admin@example.com`).
    pub admin_token: String,
    offset: Arc<AtomicI64>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    /// Dropped after the server stops.
    database: TestDatabase,
}

impl TestServer {
    /// Default config, bootstrapped.
    pub async fn start() -> TestServer {
        Self::start_with(Config::default()).await
    }

    /// `config.database_url` is replaced by a fresh database.
    pub async fn start_with(config: Config) -> TestServer {
        Self::start_on(config, TestDatabase::fresh().await).await
    }

    /// Like [`TestServer::start_with`] on a given fresh database.
    pub async fn start_on(mut config: Config, database: TestDatabase) -> TestServer {
        config.database_url = database.url.clone();
        if config.max_connections == Config::default().max_connections {
            config.max_connections = 5;
        }
        // Every test client is 127.0.0.1: the production limits would make
        // tests of races and batches fail on their own traffic. A test of the
        // limits sets its own (anything but the default).
        if config.rate_limits == crate::limits::RateLimits::default() {
            config.rate_limits = crate::limits::RateLimits::off();
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
        let (url, tx) = serve_on_loopback(app.clone()).await;
        TestServer {
            url,
            app,
            admin_token: boot.token.token,
            offset,
            shutdown: Some(tx),
            database,
        }
    }

    /// Moves the server's clock forward (or back) by `ms` milliseconds.
    pub fn advance_ms(&self, ms: i64) {
        self.offset.fetch_add(ms, Ordering::SeqCst);
    }

    /// The database URL (for more replicas over the same database).
    pub fn database_url(&self) -> &str {
        &self.database.url
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
        ids: Default::default(),
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

/// A mail received by [`smtp_sink`]: the recipients and the DATA.
pub type SinkedMail = (Vec<String>, String);

/// A tiny SMTP server on 127.0.0.1:0 for tests: accepts every session and
/// sends each message's (recipients, data) to the channel. Returns its
/// `smtp://127.0.0.1:<port>` URL. Runs on the current tokio runtime.
pub async fn smtp_sink() -> (String, tokio::sync::mpsc::UnboundedReceiver<SinkedMail>) {
    let (url, rx, _) = smtp_sink_counting_sessions().await;
    (url, rx)
}

/// [`smtp_sink`], also counting the SMTP sessions (TCP connections) it accepted.
pub async fn smtp_sink_counting_sessions() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<SinkedMail>,
    Arc<std::sync::atomic::AtomicUsize>,
) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let sessions = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = sessions.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        let _ = w.write_all(b"354 go on\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            // RFC 5321 4.5.2: a leading dot was doubled.
                            data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            data.push('\n');
                        }
                        let _ = tx.send((std::mem::take(&mut rcpt), data));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (format!("smtp://{addr}"), rx, sessions)
}

/// `data` with quoted-printable soft line breaks and `=XX` escapes undone
/// (the mail's parts are 7bit or quoted-printable for ASCII text), so that a
/// long line such as the mailed accept command can be read back whole.
pub fn unfold_quoted_printable(data: &str) -> String {
    let joined = data.replace("=\r\n", "").replace("=\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'='
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The 8-digit login code in a mail from `POST /v1/auth/email-code`.
pub fn mailed_login_code(data: &str) -> Option<String> {
    let body = &data[data.find("login code:")?..];
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 8)
        .map(str::to_owned)
}
