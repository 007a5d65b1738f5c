//! Lists stream: each page reaches stdout before the next is asked for (a gate
//! holds the second page's request), in the server's order, as one valid document
//! at the end; plain http reads no certificate store.

use std::io::Read;
use std::process::Stdio;
use std::sync::mpsc;

use serde_json::{Value, json};

use crate::harness::{Gate, Home, Server, admin_with_project, admin_with_project_on};

/// More bindings than one page holds (the CLI asks for 500 per page).
const BINDINGS: usize = 520;

/// `shop` gets `BINDINGS` user bindings (plus the admin's owner binding), straight
/// through the API.
fn many_bindings(server: &Server) {
    let (url, token) = (server.url.clone(), server.admin_token.clone());
    let http = server.http().clone();
    server.block_on(async move {
        // Eight at a time: each user is created, then bound.
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..BINDINGS {
            if tasks.len() == 8 {
                tasks.join_next().await.unwrap().unwrap();
            }
            let (http, url, token) = (http.clone(), url.clone(), token.clone());
            tasks.spawn(async move {
                let user = format!("m{i:04}");
                let created = http
                    .post(format!("{url}/v1/users"))
                    .bearer_auth(&token)
                    .json(&json!({"username": user, "email": format!("{user}@example.com")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(created.status(), 201);
                let role = ["viewer", "developer", "admin"][i % 3];
                let bound = http
                    .put(format!("{url}/v1/projects/shop/members/{user}"))
                    .bearer_auth(&token)
                    .json(&json!({ "role": role }))
                    .send()
                    .await
                    .unwrap();
                assert!(bound.status().is_success(), "{}", bound.status());
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
    });
}

/// Runs `roles list-bindings` with `format` while the gate holds page 2, and
/// returns what stdout had received by then (once `seen` says it is enough) and
/// the whole output after the gate opens.
fn first_page_then_rest(
    home: &Home,
    server: &Server,
    gate: &Gate,
    format: &[&str],
    seen: impl Fn(&str) -> bool + Send + 'static,
) -> (String, String) {
    let mut args = format.to_vec();
    args.extend(["roles", "list-bindings"]);
    first_page_then_rest_of(home, server, gate, &args, seen)
}

/// [`first_page_then_rest`] for any command line.
fn first_page_then_rest_of(
    home: &Home,
    server: &Server,
    gate: &Gate,
    args: &[&str],
    seen: impl Fn(&str) -> bool + Send + 'static,
) -> (String, String) {
    let held_before = gate.held();
    gate.close();
    let mut child = home
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    // Reads stdout as it arrives; tells the test when `seen` holds.
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        let mut told = false;
        loop {
            let n = stdout.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
            if !told && seen(&String::from_utf8_lossy(&got)) {
                told = true;
                let _ = tx.send(String::from_utf8_lossy(&got).into_owned());
            }
        }
        String::from_utf8(got).unwrap()
    });
    // The CLI has asked for page 2, which the gate holds.
    gate.wait_held(server, held_before + 1);
    // Page 1 must be on stdout now; nothing more can come until the gate opens.
    // (The timeout only turns a broken CLI into a failure instead of a hang.)
    let early = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the first page never reached stdout while the second was held");
    gate.open();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    (early, reader.join().unwrap())
}

#[test]
fn the_first_page_is_printed_before_the_second_is_fetched() {
    let gate = Gate::later_pages();
    let (server, home) = admin_with_project_on(Server::start_gated(&gate));
    many_bindings(&server);
    for (format, first_rows) in [
        (&["-q"][..], 500),
        (&["-o", "json-compact"][..], 500),
        (&["-o", "csv"][..], 501),
    ] {
        let lines = |s: &str| s.matches('\n').count();
        let (early, all) = if format.contains(&"json-compact") {
            first_page_then_rest(&home, &server, &gate, format, |s| {
                s.matches("\"role\":").count() >= 500
            })
        } else {
            first_page_then_rest(&home, &server, &gate, format, move |s| {
                s.matches('\n').count() >= first_rows
            })
        };
        match format.get(1) {
            Some(&"json-compact") => {
                // 500 items out, the array still open: no `]` before the rest.
                assert!(early.starts_with("[{"), "{early}");
                assert!(!early.contains("}]"), "the array was closed early");
                let v: Value = serde_json::from_str(&all).unwrap();
                assert_eq!(v.as_array().unwrap().len(), BINDINGS + 1);
            }
            _ => {
                assert_eq!(lines(&early), first_rows, "{format:?}");
                assert!(lines(&all) > lines(&early), "{format:?}");
                assert_eq!(lines(&all), first_rows - 500 + BINDINGS + 1, "{format:?}");
            }
        }
    }
}

/// Role rank (owner first), then the principal's label case-insensitively, then id:
/// the server's order across pages, printed as it comes, no request for roles.
#[test]
fn bindings_come_in_the_documented_order_with_one_request_per_page() {
    let (server, home) = admin_with_project();
    many_bindings(&server);
    let run = home.run(&["-v", "-o", "json", "roles", "list-bindings"]);
    run.ok();
    let items: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(items.len(), BINDINGS + 1);
    let roles = home.run(&["-o", "json", "roles", "list"]).json();
    let rank = |name: &str| {
        roles
            .as_array()
            .unwrap()
            .iter()
            .position(|r| r["name"] == name)
            .unwrap()
    };
    let key = |b: &Value| {
        let label = match b["principal"]["name"].as_str().filter(|n| !n.is_empty()) {
            Some(n) => format!("{n} <{}>", b["principal"]["email"].as_str().unwrap()),
            None => format!(
                "{} <{}>",
                b["principal"]["username"].as_str().unwrap(),
                b["principal"]["email"].as_str().unwrap()
            ),
        };
        (
            rank(b["role"]["name"].as_str().unwrap()),
            label.to_lowercase(),
            b["id"].as_str().unwrap().to_owned(),
        )
    };
    let keys: Vec<_> = items.iter().map(key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert!(keys == sorted, "not in the documented order");
    let requests: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("> GET")).collect();
    assert_eq!(requests.len(), 2, "{}", run.stderr);
    assert!(
        requests.iter().all(|r| r.contains("/role-bindings")),
        "{}",
        run.stderr
    );
}

/// `users list`, `audit list` and `projects list` print each page before they ask
/// for the next, in the server's order, and lose nothing across pages.
#[test]
fn the_other_paginated_lists_stream_without_loss() {
    let gate = Gate::later_pages();
    let (server, home) = admin_with_project_on(Server::start_gated(&gate));
    many_bindings(&server);

    // Users: the admin and the BINDINGS members, by username.
    let (early, all) = first_page_then_rest_of(&home, &server, &gate, &["-q", "users", "list"], |s| {
        s.matches('\n').count() >= 500
    });
    assert_eq!(early.lines().count(), 500, "{early}");
    let ids: Vec<&str> = all.lines().collect();
    assert_eq!(ids.len(), BINDINGS + 1);
    let users = home.run(&["-o", "json", "users", "list"]).json();
    let names: Vec<String> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert!(names == sorted, "users not by username, or repeated");
    assert_eq!(names.len(), BINDINGS + 1);
    for i in 0..BINDINGS {
        assert!(names.contains(&format!("m{i:04}")), "m{i:04} is missing");
    }

    // The project's audit log: one event per member added (and the project's own),
    // newest first, the array left open while page 2 is held.
    let (early, all) = first_page_then_rest_of(
        &home,
        &server,
        &gate,
        &["-o", "json-compact", "audit", "list"],
        |s| s.matches("\"action\":").count() >= 500,
    );
    assert!(early.starts_with("[{"), "{early}");
    assert!(!early.contains("}]"), "the array was closed early");
    let events: Vec<Value> = serde_json::from_str(&all).unwrap();
    assert!(events.len() > BINDINGS, "{}", events.len());
    let mut ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let times: Vec<&str> = events.iter().map(|e| e["created_at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "not newest first");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), events.len(), "an event came twice");

    // Projects: more than a page of them, by name.
    let (url, token) = (server.url.clone(), server.admin_token.clone());
    let http = server.http().clone();
    server.block_on(async move {
        for i in 0..500 {
            let created = http
                .post(format!("{url}/v1/projects"))
                .bearer_auth(&token)
                .json(&json!({ "name": format!("p{i:04}") }))
                .send()
                .await
                .unwrap();
            assert_eq!(created.status(), 201);
        }
    });
    let (early, all) =
        first_page_then_rest_of(&home, &server, &gate, &["-o", "csv", "projects", "list"], |s| {
            s.matches('\n').count() >= 501
        });
    assert_eq!(early.lines().count(), 501, "{early}");
    let names: Vec<&str> = all
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(names.len(), 501, "{all}");
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert!(names == sorted, "projects not by name, or repeated");
    assert!(names.contains(&"shop") && names.contains(&"p0499"));
}

/// An http:// server needs no certificate: a broken certificate store does not
/// matter (the client used to load the system's roots for every command).
#[test]
fn plain_http_reads_no_certificate_store() {
    let (server, _admin) = admin_with_project();
    let home = Home::new()
        .env("SSL_CERT_FILE", "/nonexistent/certs.pem")
        .env("SSL_CERT_DIR", "/nonexistent/certs");
    home.login(&server, &server.admin_token.clone());
    home.run(&["-o", "json", "projects", "list"])
        .ok()
        .stdout_has("shop");
    drop(home);
}
