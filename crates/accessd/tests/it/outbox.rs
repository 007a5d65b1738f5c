//! The durable outbox through the real binary: mail written while the SMTP
//! relay refuses survives a kill -9 and goes out exactly once after a restart.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Served, accessd};

/// An SMTP server that refuses every session (421 at the greeting); each
/// connection is reported on the channel.
async fn refusing_sink() -> (String, tokio::sync::mpsc::UnboundedReceiver<()>) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let _ = sock.write_all(b"421 sink is closed\r\n").await;
            let _ = tx.send(());
        }
    });
    (format!("smtp://{addr}"), rx)
}

fn serve(db: &str, smtp: &str) -> Served {
    let mut c = accessd();
    c.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        db,
        "--smtp-url",
        smtp,
    ]);
    Served::start(c)
}

async fn call(client: &reqwest::Client, url: &str, token: &str, body: Value) -> Value {
    let r = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_survives_kill_9_and_sends_each_mail_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("accessd.db").display());
    let out = accessd()
        .args([
            "bootstrap",
            "--username",
            "admin",
            "--email",
            "admin@example.com",
            "--database-url",
            &db,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    // 1. The relay refuses: the invitations are made, their mail waits.
    let (refusing, mut refused) = refusing_sink().await;
    let mut first = serve(&db, &refusing);
    let http = reqwest::Client::new();
    let base = format!("{}/v1", first.url());
    call(&http, &format!("{base}/projects"), &token, json!({"name": "p"})).await;
    let emails: Vec<String> = (0..5).map(|i| format!("user{i}@example.net")).collect();
    let r = call(
        &http,
        &format!("{base}/projects/p/invitations"),
        &token,
        json!({"emails": emails, "role": "developer"}),
    )
    .await;
    assert!(
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] == "invited"),
        "{r}"
    );
    // At least one attempt was made (and failed) before the kill.
    tokio::time::timeout(Duration::from_secs(30), refused.recv())
        .await
        .expect("no delivery attempt within 30 s");
    first.wait_for_log("mail attempt failed");
    first.child.kill().unwrap(); // SIGKILL
    let (_, logs1) = first.wait();

    // 2. Started again with a working relay: every mail arrives.
    let (working, mut rx, sessions) = accessd::testing::smtp_sink_counting_sessions().await;
    let second = serve(&db, &working);
    let mut got = Vec::new();
    for _ in 0..emails.len() {
        let (to, data) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("not every mail within 30 s")
            .unwrap();
        assert!(data.contains("roles invitations accept inv_"), "{data}");
        got.extend(to);
    }
    got.sort();
    assert_eq!(got, emails);
    // All five were due at start-up: one batch, one SMTP connection.
    assert_eq!(sessions.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Each row is deleted (and logged) after the relay's 250.
    for _ in 0..emails.len() {
        second.wait_for_log("outbox: mail sent");
    }
    second.terminate();
    let (status, logs2) = second.wait();
    assert!(status.success());
    // Exactly once: nothing more came, and nothing is left to send.
    assert!(rx.try_recv().is_err(), "a mail was sent twice");
    let app = accessd::App::open(accessd::Config {
        database_url: db.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut c = app.service().db.pool.acquire().await.unwrap();
    assert_eq!(accessd::store::outbox::counts(&mut c).await.unwrap(), (0, 0));
    drop(c);
    app.close().await;

    // Every attempt was logged with the invitation id and the domain, never
    // the address or the code.
    let attempts: Vec<&String> = logs1
        .iter()
        .chain(&logs2)
        .filter(|l| l.contains("outbox: mail"))
        .collect();
    // At least one failed attempt, then one sent line per mail.
    assert!(attempts.len() > emails.len(), "{attempts:?}");
    for l in &attempts {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["fields"]["domain"], "example.net", "{l}");
        assert!(
            v["fields"]["invitation"].as_str().is_some_and(|s| !s.is_empty()),
            "{l}"
        );
    }
    for l in logs1.iter().chain(&logs2) {
        assert!(!l.contains("inv_"), "a code in the logs: {l}");
        assert!(!l.contains("@example.net"), "an address in the logs: {l}");
    }
}

#[test]
fn a_bad_smtp_url_fails_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("accessd.db").display());
    for bad in ["http://mail.example.com", "not a url"] {
        let out = accessd()
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &db,
                "--smtp-url",
                bad,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{err}");
        assert!(
            lines[0].starts_with("error: invalid configuration: invalid SMTP URL"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// A mail the relay refuses at every attempt is retried on the server's clock
/// (each wait of `backoff_ms` crossed by moving the clock, never slept) and
/// after `MAX_ATTEMPTS` stays as `failed`, without its code, never tried again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_refused_at_every_attempt_ends_failed_after_max_attempts() {
    use accessd::mail::outbox::{MAX_ATTEMPTS, backoff_ms};
    use sqlx::Row;

    let (smtp, mut connections) = refusing_sink().await;
    let w = crate::support::World::with(accessd::Config {
        smtp_url: Some(smtp),
        ..Default::default()
    })
    .await;
    let svc = w.srv.app.service();
    let mut recorded = svc.mail.attempts();
    w.project("p", "akka").await;
    w.admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["gus@example.com"], "role": "developer"}),
        )
        .await
        .expect(201);
    let row = || async {
        let r = sqlx::query("SELECT status, attempts, subject, body_text, body_html, last_error FROM outbox")
            .fetch_one(&svc.db.pool)
            .await
            .unwrap();
        (
            r.try_get::<String, _>("status").unwrap(),
            r.try_get::<i64, _>("attempts").unwrap(),
            r.try_get::<String, _>("subject").unwrap(),
            r.try_get::<String, _>("body_text").unwrap(),
            r.try_get::<String, _>("body_html").unwrap(),
            r.try_get::<Option<String>, _>("last_error").unwrap(),
        )
    };
    for n in 1..=MAX_ATTEMPTS {
        tokio::time::timeout(Duration::from_secs(20), recorded.wait_for(|&a| a >= n as u64))
            .await
            .unwrap_or_else(|_| panic!("attempt {n} not recorded within 20 s"))
            .unwrap();
        let (status, attempts, _, body, _, error) = row().await;
        assert_eq!(attempts, n);
        assert!(
            error.unwrap_or_default().contains("421"),
            "the relay's refusal is kept"
        );
        if n < MAX_ATTEMPTS {
            assert_eq!(status, "pending", "after attempt {n}");
            assert!(
                body.contains("inv_"),
                "the code stays while the mail may still go"
            );
            // Not due before its backoff (2 s and up) is over; due once the
            // clock crosses it.
            let mut c = svc.db.pool.acquire().await.unwrap();
            let early = accessd::store::outbox::due(&mut c, w.srv.now_ms(), 10)
                .await
                .unwrap();
            assert!(early.is_empty(), "due before its backoff after attempt {n}");
            drop(c);
            w.srv.advance_ms(backoff_ms(n));
            svc.mail.wake();
        }
    }
    let (status, attempts, subject, body, html, error) = row().await;
    assert_eq!((status.as_str(), attempts), ("failed", MAX_ATTEMPTS));
    assert!(
        subject.is_empty() && body.is_empty() && html.is_empty(),
        "the code is gone"
    );
    assert!(error.is_some());
    let mut c = svc.db.pool.acquire().await.unwrap();
    assert_eq!(accessd::store::outbox::counts(&mut c).await.unwrap(), (0, 1));
    // Never due again, however late.
    let later = accessd::store::outbox::due(&mut c, w.srv.now_ms() + 365 * 86_400_000, 10)
        .await
        .unwrap();
    assert!(later.is_empty());
    let mut seen = 0;
    while connections.try_recv().is_ok() {
        seen += 1;
    }
    assert!(
        seen >= MAX_ATTEMPTS,
        "{seen} connections for {MAX_ATTEMPTS} attempts"
    );
}
