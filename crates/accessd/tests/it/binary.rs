//! The `accessd` binary: migrate, offline bootstrap, serve on port 0, graceful
//! SIGTERM, one-line errors, and no secret in trace-level logs.

use std::process::Stdio;

use serde_json::json;

use crate::support::{Client, Served, accessd};

/// `accessd bootstrap` of user `root` on `db`; returns the printed token.
fn bootstrap(db: &str) -> String {
    let out = accessd()
        .args(["bootstrap", "--username", "root", "--email", "root@example.com"])
        .env("ACCESSD_DATABASE_URL", db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("a.db").display());

    // Several processes migrating one new database at once all succeed.
    let children: Vec<_> = (0..4)
        .map(|_| {
            accessd()
                .args(["migrate", "--database-url", &db])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    let token = bootstrap(&db);
    assert!(token.starts_with("acc_") && token.len() == 47, "{token}");

    let out = accessd()
        .args([
            "bootstrap",
            "--database-url",
            &db,
            "--username",
            "x",
            "--email",
            "x@example.com",
        ])
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("already-bootstrapped"),
        "{err}"
    );

    let out = accessd()
        .args(["migrate", "--database-url", "mysql://nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: ") && err.lines().count() == 1, "{err}");
    assert_eq!(
        err.matches("must start with").count(),
        1,
        "each cause once: {err}"
    );

    // serve on port 0 with trace-level JSON logs
    let mut serve = accessd();
    serve
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &db])
        .env("RUST_LOG", "trace");
    let served = Served::start(serve);
    let addr = served.addr.clone();
    let c = Client::new(&format!("http://{addr}"), Some(&token));
    c.post("/v1/projects", json!({"name": "p"})).await.expect(201);
    let inv = c
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["q@example.com"], "role": "viewer"}),
        )
        .await
        .expect(201);
    let code = inv["results"][0]["invitation"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let acc = Client::new(&format!("http://{addr}"), None)
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .expect(200);
    let first = acc["token"]["token"].as_str().unwrap().to_owned();
    Client::new(&format!("http://{addr}"), Some(&first))
        .get("/v1/users/me")
        .await
        .expect(200);

    served.terminate();
    let (exit, logs) = served.wait();
    assert!(exit.success(), "graceful shutdown exits 0: {exit:?}");
    let logs = logs.join("\n");
    assert!(logs.contains("shutting down"));
    assert!(logs.contains("/v1/projects/p/invitations"), "requests are logged");
    for secret in [&token, &code, &first] {
        assert!(!logs.contains(&secret[4..]), "a secret reached the logs");
    }
}

/// `export` to stdout and `import -` from stdin between two SQLite files; a
/// second import into the same file is refused with one error line.
#[test]
fn export_and_import_through_the_binary() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let b = format!("sqlite://{}", dir.path().join("b.db").display());
    let out = accessd()
        .args(["bootstrap", "--username", "root", "--email", "root@example.com"])
        .env("ACCESSD_DATABASE_URL", &a)
        .output()
        .unwrap();
    assert!(out.status.success());
    let export = |url: &str| {
        let out = accessd()
            .arg("export")
            .env("ACCESSD_DATABASE_URL", url)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let doc = export(&a);
    assert_eq!(doc["format"], "accessd-export");
    assert_eq!(doc["tables"]["users"][0]["username"], "root");
    let import = || {
        let mut child = accessd()
            .args(["import", "-"])
            .env("ACCESSD_DATABASE_URL", &b)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(doc.to_string().as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = import();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(export(&b)["tables"], doc["tables"]);
    let out = import();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: ") && err.contains("not empty") && err.lines().count() == 1,
        "{err}"
    );
}

/// SIGTERM with `--drain-delay`: /readyz turns 503 at once while requests are
/// still served; the listener closes after the delay and the exit is clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_before_closing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("d.db").display());
    let token = bootstrap(&db);
    let mut serve = accessd();
    serve
        .args(["serve", "--listen", "127.0.0.1:0", "--drain-delay", "2"])
        .env("ACCESSD_DATABASE_URL", &db);
    let served = Served::start(serve);
    let anon = Client::new(&served.url(), None);
    anon.get("/readyz").await.expect(200);

    served.terminate();
    served.wait_for_log("draining");
    let r = anon.get("/readyz").await;
    assert_eq!(
        r.problem(503, "unavailable")["detail"],
        "draining: this server is shutting down"
    );
    anon.get("/healthz").await.expect(200);
    Client::new(&served.url(), Some(&token))
        .post("/v1/projects", json!({"name": "late"}))
        .await
        .expect(201);
    let (exit, logs) = served.wait();
    assert!(exit.success(), "{exit:?}");
    assert!(logs.iter().any(|l| l.contains("shutting down")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draining_app_is_not_ready_but_serves() {
    let w = crate::support::World::new().await;
    w.anon().get("/readyz").await.expect(200);
    w.srv.app.drain();
    w.anon().get("/readyz").await.problem(503, "unavailable");
    w.anon().get("/healthz").await.expect(200);
    w.admin.get("/v1/projects").await.expect(200);
}

/// `accessd admin recover` on `db`: (exit code, stdout, stderr).
fn recover(db: &str, username: &str) -> (Option<i32>, String, String) {
    let out = accessd()
        .args(["admin", "recover", "--username", username])
        .env("ACCESSD_DATABASE_URL", db)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Break-glass: every administrator token is gone (the only admin's account
/// disabled, the other admin's last token revoked); `accessd admin recover`
/// over the database URL makes root an active admin again and prints a fresh
/// token, alone on stdout; the server audit log records it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_recover_restores_an_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("r.db").display());
    let root_token = bootstrap(&db);
    let mut serve = accessd();
    serve
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("ACCESSD_DATABASE_URL", &db);
    let served = Served::start(serve);
    let root = Client::new(&served.url(), Some(&root_token));
    let me = root.get("/v1/users/me").await.expect(200);
    let root_path = format!("/v1/users/{}", me["id"].as_str().unwrap());
    let bob = root
        .post(
            "/v1/users",
            json!({"username": "bob", "email": "bob@example.com"}),
        )
        .await
        .expect(201);
    let bob_path = format!("/v1/users/{}", bob["id"].as_str().unwrap());
    root.patch(&bob_path, json!({"is_admin": true})).await.expect(200);
    let t = root
        .post(&format!("{bob_path}/tokens"), json!({"name": "t"}))
        .await
        .expect(201);
    let bob = Client::new(&served.url(), t["token"].as_str());
    bob.patch(&root_path, json!({"disabled": true})).await.expect(200);
    bob.delete(&format!("/v1/users/me/tokens/{}", t["id"].as_str().unwrap()))
        .await
        .expect(204);
    root.get("/v1/users").await.problem(401, "unauthenticated");
    bob.get("/v1/users").await.problem(401, "unauthenticated");

    let (code, stdout, stderr) = recover(&db, "root");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "only the token on stdout: {stdout}");
    let token = stdout.trim();
    assert!(token.starts_with("acc_") && token.len() == 47, "{token}");
    assert!(!stderr.contains(&token[4..]), "the token reached stderr");
    let root = Client::new(&served.url(), Some(token));
    let me = root.get("/v1/users/me").await.expect(200);
    assert_eq!((&me["is_admin"], &me["disabled"]), (&json!(true), &json!(false)));
    root.get("/v1/users").await.expect(200);
    let events = root
        .get("/v1/audit-events?action=server.admin-recover")
        .await
        .expect(200);
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{events}");
    assert_eq!(items[0]["actor"], json!(null));
    assert_eq!(items[0]["details"]["username"], "root");
    assert_eq!(items[0]["details"]["was_disabled"], true);
    assert_eq!(items[0]["details"]["was_admin"], true);

    // A non-admin becomes one; an unknown username is one error line.
    root.post(
        "/v1/users",
        json!({"username": "carol", "email": "carol@example.com"}),
    )
    .await
    .expect(201);
    let (code, stdout, stderr) = recover(&db, "carol");
    assert_eq!(code, Some(0), "{stderr}");
    let carol = Client::new(&served.url(), Some(stdout.trim()));
    assert_eq!(carol.get("/v1/users/me").await.expect(200)["is_admin"], true);
    let (code, stdout, stderr) = recover(&db, "nobody");
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("no user has the username 'nobody'"),
        "{stderr}"
    );

    served.terminate();
    let (exit, _) = served.wait();
    assert!(exit.success(), "{exit:?}");
}
