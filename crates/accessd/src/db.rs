//! Connecting (SQLite or PostgreSQL through sqlx's `Any` driver), migrating, and
//! retrying transactions that lost a race.

use std::future::Future;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::error::ApiError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database the URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

/// The connection pools.
///
/// On SQLite, reads go through `pool` and every write through `writer`, a pool
/// of one connection: writers queue inside the process (sqlx's pool hands the
/// connection out in FIFO order) instead of meeting as `SQLITE_BUSY` and
/// sleeping between retries, and each write transaction starts with
/// `BEGIN IMMEDIATE`, so it holds the write lock from its first statement. On
/// PostgreSQL both are the same pool (row locks serialize writers there).
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub writer: AnyPool,
    pub kind: DbKind,
}

impl Db {
    /// A write transaction (see [`Db`]).
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.kind {
            DbKind::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            DbKind::Postgres => self.writer.begin().await,
        }
    }

    /// A connection for a single write statement outside a transaction.
    pub async fn write_conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.writer.acquire().await
    }

    /// Refreshes the planner's statistics: `PRAGMA optimize` on SQLite (analyzes
    /// only the tables whose statistics are missing or stale), `ANALYZE` on
    /// PostgreSQL. Run after migrating, after an import, and every hour by `serve`.
    pub async fn optimize(&self) -> Result<(), sqlx::Error> {
        let sql = match self.kind {
            DbKind::Sqlite => "PRAGMA optimize = 0x10002",
            DbKind::Postgres => "ANALYZE",
        };
        let mut c = self.write_conn().await?;
        c.execute(sql).await?;
        Ok(())
    }
}

/// `sqlite://x.db` → `sqlite://x.db?mode=rwc` (create the file when missing).
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The database file of a `sqlite://PATH` URL that SQLite would create: made empty
/// and 0600 first, because SQLite creates the file (and later its `-wal`/`-shm`,
/// which take the database's mode) with 0644 under the usual umask, and the file
/// holds every token hash and invitation of the installation. An existing file, an
/// in-memory database or an explicit `mode=` is left as it is.
fn create_private_sqlite_file(url: &str) -> std::io::Result<()> {
    if url.contains("mode=") || url.contains(":memory:") {
        return Ok(());
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let raw = rest.split('?').next().unwrap_or(rest);
    let path = raw.replace("%3F", "?").replace("%23", "#").replace("%25", "%");
    if path.is_empty() {
        return Ok(());
    }
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    match open.open(&path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A missing directory and the like: SQLite's own open reports it.
        Err(_) => Ok(()),
    }
}

/// Connection pool settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections per process (per replica).
    pub max_connections: u32,
    /// How long a request waits for a pooled connection before it answers 503.
    pub acquire_timeout: Duration,
    /// PostgreSQL only: `SET statement_timeout` on every new connection
    /// (none = the server's default). A statement over it fails with 57014,
    /// answered as 503.
    pub statement_timeout: Option<Duration>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: None,
        }
    }
}

/// Connects; does not migrate.
pub async fn connect(url: &str, settings: PoolSettings) -> Result<Db, sqlx::Error> {
    install_default_drivers();
    let kind = if url.starts_with("sqlite:") {
        DbKind::Sqlite
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        DbKind::Postgres
    } else {
        return Err(sqlx::Error::Configuration(
            "database URL must start with sqlite:// or postgres://".into(),
        ));
    };
    // No ping before every acquire: a broken connection fails its statement
    // and is closed by the pool; the ping would double a check's round trips.
    let mut opts = AnyPoolOptions::new()
        .max_connections(settings.max_connections.max(1))
        .acquire_timeout(settings.acquire_timeout)
        .test_before_acquire(false);
    let url = match kind {
        DbKind::Sqlite => {
            opts = opts.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
            create_private_sqlite_file(url).map_err(sqlx::Error::Io)?;
            sqlite_url(url)
        }
        DbKind::Postgres => {
            if let Some(t) = settings.statement_timeout {
                let ms = t.as_millis().max(1);
                opts = opts.after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        // A plain integer is milliseconds; SET takes no bind parameters.
                        let sql = format!("SET statement_timeout = {ms}");
                        conn.execute(sqlx::AssertSqlSafe(sql)).await?;
                        Ok(())
                    })
                });
            }
            url.to_owned()
        }
    };
    let writer_opts = opts.clone().max_connections(1);
    let pool = opts.connect(&url).await?;
    // The writer connects on the first write: a process that only reads (most
    // local-context commands) opens one connection, not two.
    let writer = if kind == DbKind::Sqlite && !url.contains(":memory:") {
        writer_opts.connect_lazy(&url)?
    } else {
        pool.clone()
    };
    Ok(Db { pool, writer, kind })
}

/// What [`migrate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrated {
    /// Migrations that were pending when `migrate` looked (0: the schema was
    /// up to date and nothing ran).
    pub applied: usize,
    /// Whether the planner's statistics were refreshed: only after applying
    /// migrations (a new schema or new indexes), so opening an up-to-date
    /// database (every local-context command, every replica start) does not
    /// pay for it. `serve` refreshes them every hour, `import` after loading.
    pub optimized: bool,
}

/// The migrations of this build that the database has not applied yet, or
/// `None` when its migration table is dirty, records a migration this build
/// does not know, or differs in a checksum: then the migrator runs and reports it.
async fn pending(db: &Db) -> Result<Option<usize>, sqlx::migrate::MigrateError> {
    use sqlx::migrate::Migrate;
    const TABLE: &str = "_sqlx_migrations";
    // Read-only, on the read pool: a command that only reads never opens the
    // writer connection. A missing table is an error here: the migrator creates it.
    let mut conn = db.pool.acquire().await?;
    if conn.dirty_version(TABLE).await?.is_some() {
        return Ok(None);
    }
    let applied = conn.list_applied_migrations(TABLE).await?;
    let ours: Vec<_> = MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    let mut missing = 0;
    for m in &ours {
        match applied.iter().find(|a| a.version == m.version) {
            Some(a) if a.checksum != m.checksum => return Ok(None),
            Some(_) => {}
            None => missing += 1,
        }
    }
    if applied
        .iter()
        .any(|a| !ours.iter().any(|m| m.version == a.version))
    {
        return Ok(None);
    }
    Ok(Some(missing))
}

/// Applies pending migrations (safe with several replicas: the PostgreSQL
/// migrator holds its own lock), then refreshes the planner's statistics if
/// any was applied.
pub async fn migrate(db: &Db) -> Result<Migrated, sqlx::migrate::MigrateError> {
    // Up to date (the usual case): two small reads, no lock, no write, no ANALYZE.
    let pending = match pending(db).await {
        Ok(Some(0)) => {
            return Ok(Migrated {
                applied: 0,
                optimized: false,
            });
        }
        Ok(Some(n)) => n,
        // Let the migrator run and name the problem (or win a race that the
        // check lost, e.g. two processes creating the table at once).
        Ok(None) | Err(_) => MIGRATOR.iter().count(),
    };
    // SQLite's migrator takes no lock: when two processes migrate one new file
    // at once, the loser fails on "table … already exists" after the winner
    // commits. Running again then finds the migrations applied.
    let mut attempt: u64 = 0;
    loop {
        match MIGRATOR.run(&db.writer).await {
            Err(
                sqlx::migrate::MigrateError::Execute(_) | sqlx::migrate::MigrateError::ExecuteMigration(..),
            ) if db.kind == DbKind::Sqlite && attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
            }
            Ok(()) => {
                let optimized = match db.optimize().await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not refresh the planner's statistics");
                        false
                    }
                };
                return Ok(Migrated {
                    applied: pending,
                    optimized,
                });
            }
            Err(e) => return Err(e),
        }
    }
}

/// The SQLite result code (extended) of a SQLite error.
fn sqlite_code(e: &sqlx::Error) -> Option<i64> {
    let d = e.as_database_error()?;
    d.try_downcast_ref::<sqlx::sqlite::SqliteError>()?;
    d.code()?.parse().ok()
}

/// The SQLSTATE of a PostgreSQL error.
fn pg_state(e: &sqlx::Error) -> Option<String> {
    let d = e.as_database_error()?;
    d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
    d.code().map(|c| c.into_owned())
}

/// SQLITE_BUSY / SQLITE_LOCKED (and their extended codes), PostgreSQL
/// serialization failure or deadlock: running the transaction again can succeed.
pub fn is_retryable(e: &sqlx::Error) -> bool {
    if let Some(code) = sqlite_code(e) {
        return matches!(code & 0xff, 5 | 6);
    }
    pg_state(e).is_some_and(|s| matches!(s.as_str(), "40001" | "40P01"))
}

/// [`is_retryable`], a PostgreSQL statement timeout (57014, query canceled), or
/// no pooled connection in time: the database is overloaded, answered 503.
pub fn is_busy(e: &sqlx::Error) -> bool {
    is_retryable(e) || pg_state(e).is_some_and(|s| s == "57014") || matches!(e, sqlx::Error::PoolTimedOut)
}

/// PostgreSQL "data exception" (class 22): a value it cannot store, such as a
/// NUL character in text. The request is at fault, not the server.
pub fn is_bad_data(e: &sqlx::Error) -> bool {
    pg_state(e).is_some_and(|s| s.starts_with("22"))
}

/// A unique violation: a concurrent transaction inserted the same key first.
/// Retrying lets the pre-checks answer with the proper 409.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .map(|d| d.is_unique_violation())
        .unwrap_or(false)
}

const MAX_ATTEMPTS: u32 = 10;

/// Runs a whole transaction again when it lost a race (busy, serialization
/// failure, deadlock, unique violation), with jittered exponential backoff.
pub async fn retry<T, F, Fut>(mut attempt: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut n = 0;
    loop {
        match attempt().await {
            Err(ApiError::Db(e)) if n + 1 < MAX_ATTEMPTS && (is_retryable(&e) || is_unique_violation(&e)) => {
                n += 1;
                let base = 5u64 << n.min(6);
                let jitter = rand::random::<u64>() % (base + 1);
                tokio::time::sleep(Duration::from_millis(base / 2 + jitter)).await;
            }
            Err(ApiError::Db(e)) if is_unique_violation(&e) => {
                // Residual conflict after every retry: answer like a busy database.
                return Err(ApiError::new(
                    access_api::ProblemCode::Unavailable,
                    "the database is busy; retry",
                ));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[tokio::test]
    async fn a_new_sqlite_database_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accessd.db");
        let db = super::connect(
            &format!("sqlite://{}", path.display()),
            super::PoolSettings::default(),
        )
        .await
        .unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&db.writer)
            .await
            .unwrap();
        for name in ["accessd.db", "accessd.db-wal", "accessd.db-shm"] {
            let mode = std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
        }
    }

    /// The planner's statistics are refreshed when migrations were applied, and
    /// opening an up-to-date database neither migrates nor optimizes.
    #[tokio::test]
    async fn optimize_runs_only_after_applying_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("a.db").display());
        let db = super::connect(&url, super::PoolSettings::default())
            .await
            .unwrap();
        let first = super::migrate(&db).await.unwrap();
        let all = super::MIGRATOR.iter().count();
        assert!(all > 0);
        assert_eq!(
            first,
            super::Migrated {
                applied: all,
                optimized: true
            }
        );
        let again = super::migrate(&db).await.unwrap();
        assert_eq!(
            again,
            super::Migrated {
                applied: 0,
                optimized: false
            }
        );
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        assert_eq!(super::sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            super::sqlite_url("sqlite://a.db?x=1"),
            "sqlite://a.db?x=1&mode=rwc"
        );
        assert_eq!(
            super::sqlite_url("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }
}
