//! PostgreSQL specifics on a real server (skipped, with a message, without
//! ACCESSD_TEST_DATABASE_URL): the retry classifier on errors PostgreSQL really
//! raises (40001, 40P01), the per-connection statement timeout, and the binary's
//! `migrate` / `bootstrap` / `serve` / `export` / `import` through
//! ACCESSD_DATABASE_URL.

use std::process::Stdio;
use std::time::Duration;

use accessd::db::{self, PoolSettings};
use accessd::testing::TestDatabase;
use serde_json::json;
use sqlx::{Executor, Row};

use crate::support::{Client, Served, accessd, postgres};

async fn pool(url: &str, statement_timeout: Option<Duration>) -> db::Db {
    db::connect(
        url,
        PoolSettings {
            max_connections: 4,
            statement_timeout,
            ..PoolSettings::default()
        },
    )
    .await
    .expect("connect")
}

#[ignore = "needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL and pass --include-ignored (.ci/run does)"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serialization_failures_and_deadlocks_are_classified_retryable() {
    let admin = postgres("serialization_failures_and_deadlocks_are_classified_retryable");
    let tdb = TestDatabase::postgres(&admin).await;
    let db = pool(&tdb.url, None).await;
    db.pool
        .execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        .await
        .unwrap();
    db.pool
        .execute("INSERT INTO t VALUES (1, 0), (2, 0)")
        .await
        .unwrap();

    // 40001: two SERIALIZABLE transactions read both rows, each writes one
    // (write skew); the second to commit must fail.
    let mut a = db.pool.begin().await.unwrap();
    let mut b = db.pool.begin().await.unwrap();
    for tx in [&mut a, &mut b] {
        tx.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
            .await
            .unwrap();
        let n: i64 = sqlx::query("SELECT CAST(SUM(v) AS BIGINT) AS s FROM t")
            .fetch_one(&mut **tx)
            .await
            .unwrap()
            .get("s");
        assert_eq!(n, 0);
    }
    a.execute("UPDATE t SET v = 1 WHERE id = 1").await.unwrap();
    b.execute("UPDATE t SET v = 1 WHERE id = 2").await.unwrap();
    a.commit().await.unwrap();
    let err = match b.execute("SELECT 1").await {
        Err(e) => e,
        Ok(_) => b
            .commit()
            .await
            .expect_err("write skew must fail at SERIALIZABLE"),
    };
    let state = err
        .as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned());
    assert_eq!(state.as_deref(), Some("40001"), "{err}");
    assert!(db::is_retryable(&err) && db::is_busy(&err));

    // 40P01: two transactions lock the rows in opposite order.
    let mut a = db.pool.begin().await.unwrap();
    let mut b = db.pool.begin().await.unwrap();
    a.execute("UPDATE t SET v = v + 1 WHERE id = 1").await.unwrap();
    b.execute("UPDATE t SET v = v + 1 WHERE id = 2").await.unwrap();
    let (ra, rb) = tokio::join!(
        a.execute("UPDATE t SET v = v + 1 WHERE id = 2"),
        b.execute("UPDATE t SET v = v + 1 WHERE id = 1"),
    );
    // PostgreSQL aborts exactly one of them after deadlock_timeout (1 s).
    let errs: Vec<sqlx::Error> = [ra.err(), rb.err()].into_iter().flatten().collect();
    assert_eq!(errs.len(), 1, "exactly one side of a deadlock is aborted");
    let state = errs[0]
        .as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned());
    assert_eq!(state.as_deref(), Some("40P01"), "{}", errs[0]);
    assert!(db::is_retryable(&errs[0]));
    drop((a, b));

    // Not retryable: a unique violation is its own case, a syntax error is a bug.
    let dup = db.pool.execute("INSERT INTO t VALUES (1, 0)").await.unwrap_err();
    assert!(!db::is_retryable(&dup) && db::is_unique_violation(&dup));
    let bad = db.pool.execute("SELEC 1").await.unwrap_err();
    assert!(!db::is_retryable(&bad) && !db::is_busy(&bad));
    db.pool.close().await;
}

/// `db::retry` runs a transaction that hit a real 40001 again, and the second
/// attempt commits.
#[ignore = "needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL and pass --include-ignored (.ci/run does)"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_reruns_a_real_serialization_failure() {
    let admin = postgres("retry_reruns_a_real_serialization_failure");
    let tdb = TestDatabase::postgres(&admin).await;
    let db = pool(&tdb.url, None).await;
    db.pool
        .execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)")
        .await
        .unwrap();
    db.pool
        .execute("INSERT INTO t VALUES (1, 0), (2, 0)")
        .await
        .unwrap();
    let attempts = std::sync::atomic::AtomicUsize::new(0);
    let serializable = "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE";
    let sum = "SELECT CAST(SUM(v) AS BIGINT) AS s FROM t";
    let result = db::retry(|| async {
        let n = attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut tx = db.pool.begin().await?;
        tx.execute(serializable).await?;
        let s: i64 = sqlx::query(sum).fetch_one(&mut *tx).await?.get("s");
        if n == 0 {
            // Another transaction reads the same rows, writes the other one and commits first.
            let mut other = db.pool.begin().await?;
            other.execute(serializable).await?;
            sqlx::query(sum).fetch_one(&mut *other).await?;
            other.execute("UPDATE t SET v = v + 1 WHERE id = 2").await?;
            other.commit().await?;
        }
        sqlx::query("UPDATE t SET v = $1 WHERE id = 1")
            .bind(s + 10)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(s)
    })
    .await;
    assert_eq!(
        result.ok(),
        Some(1),
        "the retry saw the other transaction's write"
    );
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 2);
    let total: i64 = sqlx::query(sum).fetch_one(&db.pool).await.unwrap().get("s");
    assert_eq!(total, 12);
    db.pool.close().await;
}

#[ignore = "needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL and pass --include-ignored (.ci/run does)"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_is_set_on_every_connection() {
    let admin = postgres("statement_timeout_is_set_on_every_connection");
    let tdb = TestDatabase::postgres(&admin).await;
    let db = pool(&tdb.url, Some(Duration::from_millis(250))).await;
    // Every pooled connection carries it, not only the first.
    let mut conns = Vec::new();
    for _ in 0..3 {
        let mut c = db.pool.acquire().await.unwrap();
        let v: String = sqlx::query("SELECT current_setting('statement_timeout') AS t")
            .fetch_one(&mut *c)
            .await
            .unwrap()
            .get("t");
        assert_eq!(v, "250ms");
        conns.push(c);
    }
    drop(conns);
    let err = db.pool.execute("SELECT pg_sleep(5)").await.unwrap_err();
    let state = err
        .as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned());
    assert_eq!(state.as_deref(), Some("57014"), "{err}");
    // Answered 503 (busy), but not retried: the same statement would time out again.
    assert!(db::is_busy(&err) && !db::is_retryable(&err));
    db.pool.close().await;

    // Without the setting the server default (0 = none) stays.
    let db = pool(&tdb.url, None).await;
    let v: String = sqlx::query("SELECT current_setting('statement_timeout') AS t")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get("t");
    assert_eq!(v, "0");
    db.pool.close().await;
}

#[ignore = "needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL and pass --include-ignored (.ci/run does)"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_on_postgres() {
    let admin = postgres("binary_on_postgres");
    let tdb = TestDatabase::postgres(&admin).await;

    // Three processes migrate one new database at once: all succeed, the
    // schema is applied once.
    let children: Vec<_> = (0..3)
        .map(|_| {
            accessd()
                .arg("migrate")
                .env("ACCESSD_DATABASE_URL", &tdb.url)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let db = pool(&tdb.url, None).await;
    let applied: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get("n");
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count();
    assert_eq!(applied as usize, files, "each migration recorded once");
    db.pool.close().await;

    let out = accessd()
        .args(["bootstrap", "--username", "root", "--email", "root@example.com"])
        .env("ACCESSD_DATABASE_URL", &tdb.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("acc_"), "{token}");

    let mut serve = accessd();
    serve
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("ACCESSD_DATABASE_URL", &tdb.url)
        .env("ACCESSD_MAX_CONNECTIONS", "3")
        .env("ACCESSD_STATEMENT_TIMEOUT", "5s")
        .env("ACCESSD_ACQUIRE_TIMEOUT", "2s");
    let served = Served::start(serve);
    assert_eq!(served.listening["database"], "postgres");
    let base = served.url();
    let c = Client::new(&base, Some(&token));
    Client::new(&base, None).get("/readyz").await.expect(200);
    // Break-glass over PostgreSQL too: a second, working admin token.
    let out = accessd()
        .args(["admin", "recover", "--username", "root"])
        .env("ACCESSD_DATABASE_URL", &tdb.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let recovered = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(recovered.starts_with("acc_") && recovered != token, "{recovered}");
    Client::new(&base, Some(&recovered))
        .get("/v1/users")
        .await
        .expect(200);
    c.post("/v1/projects", json!({"name": "p"})).await.expect(201);
    c.post(
        "/v1/projects/p/invitations",
        json!({"emails": ["q@example.com"], "role": "viewer"}),
    )
    .await
    .expect(201);
    served.terminate();
    assert!(served.wait().0.success());

    // export → file; import into a second new database; a second import is refused.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    let out = accessd()
        .args(["export", "--output"])
        .arg(&file)
        .env("ACCESSD_DATABASE_URL", &tdb.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "--output writes nothing to stdout");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(doc["source"], "postgres");
    assert_eq!(doc["tables"]["projects"].as_array().unwrap().len(), 1);

    let target = TestDatabase::postgres(&admin).await;
    let import = || {
        accessd()
            .arg("import")
            .arg(&file)
            .env("ACCESSD_DATABASE_URL", &target.url)
            .output()
            .unwrap()
    };
    let out = import();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = import();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: ") && err.contains("not empty") && err.lines().count() == 1,
        "{err}"
    );
    // The imported database answers for the same token.
    let app = accessd::App::open(accessd::Config {
        database_url: target.url.clone(),
        max_connections: 2,
        ..accessd::Config::default()
    })
    .await
    .unwrap();
    let back = app.export().await.unwrap();
    assert_eq!(
        serde_json::to_value(&back.tables).unwrap(),
        doc["tables"],
        "import → export gives the same rows"
    );
    app.close().await;
}
