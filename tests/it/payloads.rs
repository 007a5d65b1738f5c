//! Terminal escape injection: hostile strings in server responses never reach the
//! terminal raw (text tables, -q, csv/tsv, errors), and machine formats escape them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use crate::harness::{Home, admin_with_project};

fn payloads() -> Vec<(String, String)> {
    let corpus: serde_json::Value =
        serde_json::from_str(include_str!("../data/terminal-payloads.json")).unwrap();
    corpus["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn is_unsafe(c: char) -> bool {
    accessctl::output::sanitize::is_unsafe(c)
}

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|c| *c != '\n' && is_unsafe(*c)).collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in {text:?}");
}

/// A server whose every list answers one item per payload, every string field of
/// item `i` being payload `i`; a single object (`/users/me`, `/projects/p`, the
/// problem document) has every payload in each field, one after another.
fn hostile_server(values: &[String]) -> String {
    let all = serde_json::Value::String(values.join(" "));
    let items = |make: &dyn Fn(&serde_json::Value) -> serde_json::Value| {
        let items: Vec<serde_json::Value> = values
            .iter()
            .map(|v| make(&serde_json::Value::String(v.clone())))
            .collect();
        serde_json::json!({"items": items, "next_cursor": null}).to_string()
    };
    let user = |v: &serde_json::Value| serde_json::json!({"type": "user", "id": v, "username": v, "email": v, "name": v, "mfa_enabled": false});
    let binding = |v: &serde_json::Value| {
        serde_json::json!({"id": v, "role": {"id": "r1", "name": v}, "principal": user(v),
        "expires_at": v, "created_at": v, "created_by": v})
    };
    let role = |v: &serde_json::Value| {
        serde_json::json!({"id": "r1", "name": v, "description": v, "built_in": true, "owner_grade": true,
        "rank": 0, "permissions": [v]})
    };
    let invitation = |v: &serde_json::Value| {
        serde_json::json!({"id": v, "project": {"id": v, "name": v}, "email": v, "role": {"id": v, "name": v},
        "invited_by": v, "created_at": v, "expires_at": v, "status": "pending"})
    };
    let account = |v: &serde_json::Value| {
        serde_json::json!({"id": v, "username": v, "email": v, "name": v, "is_admin": true,
        "disabled": false, "mfa_enabled": false, "created_at": v})
    };
    let project = |v: &serde_json::Value| {
        serde_json::json!({"id": v, "name": v, "description": v, "org": {"id": v, "name": v},
        "role_preset": v, "policy_version": 1, "created_at": v, "my_roles": [v]})
    };
    let token = |v: &serde_json::Value| serde_json::json!({"id": v, "name": v, "created_at": v, "expires_at": v, "last_used_at": v});
    let event = |v: &serde_json::Value| {
        serde_json::json!({"id": v, "created_at": v, "action": v, "actor": v,
        "project": {"id": v, "name": v}, "target": v, "details": {"k": v}, "request_id": v})
    };
    let permission = |v: &serde_json::Value| serde_json::json!({"name": v, "description": v});
    let member = |v: &serde_json::Value| {
        serde_json::json!({"email": v, "user_id": v, "username": v, "name": v,
        "roles": [{"id": v, "name": v}], "status": "member", "invitation_id": null})
    };
    let problem = serde_json::json!({"title": all, "status": 404, "code": "not-found", "detail": all});
    let routes = [
        ("/role-bindings", ("200 OK", "application/json", items(&binding))),
        ("/members", ("200 OK", "application/json", items(&member))),
        ("/roles", ("200 OK", "application/json", items(&role))),
        ("/invitations", ("200 OK", "application/json", items(&invitation))),
        ("/users/me/tokens", ("200 OK", "application/json", items(&token))),
        (
            "/users/me",
            ("200 OK", "application/json", account(&all).to_string()),
        ),
        ("/users", ("200 OK", "application/json", items(&account))),
        (
            "/projects/p",
            ("200 OK", "application/json", project(&all).to_string()),
        ),
        ("/projects", ("200 OK", "application/json", items(&project))),
        ("/audit-events", ("200 OK", "application/json", items(&event))),
        ("/permissions", ("200 OK", "application/json", items(&permission))),
        (
            "",
            ("404 Not Found", "application/problem+json", problem.to_string()),
        ),
    ];
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut len = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .split('?')
                .next()
                .unwrap_or("")
                .to_owned();
            let (_, (status, ct, body)) = routes.iter().find(|(suffix, _)| path.ends_with(suffix)).unwrap();
            let resp = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {ct}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(resp.as_bytes());
        }
    });
    url
}

/// The `email` of every item of a JSON array, sorted (the CLI may sort the list).
fn emails_of(items: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn sorted(values: &[String]) -> Vec<String> {
    let mut v = values.to_vec();
    v.sort();
    v
}

/// Every command that prints server strings, once, over every payload at once.
fn check_payloads(values: &[String]) {
    let name = "corpus";
    let url = hostile_server(values);
    let home = Home::new()
        .env("ACCESSCTL_SERVER", &url)
        .env("ACCESSCTL_TOKEN", "acc_x")
        .env("ACCESSCTL_PROJECT", "p");
    for args in [
        &["roles", "list-bindings"][..],
        &["-q", "roles", "list-bindings"],
        &["-o", "csv", "roles", "list-bindings"],
        &["-o", "tsv", "roles", "list-bindings"],
        &["roles", "list"],
        &["roles", "permissions"],
        &["roles", "permissions", "--matrix"],
        &["roles", "invitations", "list"],
        &["-o", "json", "roles", "invitations", "list"],
        &["-o", "yaml", "roles", "invitations", "list"],
        &["projects", "list"],
        &["projects", "get"],
        &["users", "list"],
        &["auth", "status"],
        &["auth", "tokens", "list"],
        &["audit", "list"],
        &["project", "users", "list"],
        &["-q", "project", "users", "list"],
    ] {
        let r = home.run(args);
        let what = format!("{name} {args:?}");
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        if args.contains(&"json") {
            // JSON escapes instead, and round-trips exactly.
            assert!(
                !r.stdout.chars().any(|c| c.is_control() && c != '\n' && c != ' '),
                "{what}"
            );
            assert_eq!(emails_of(&r.json()), sorted(values), "{what}");
        } else if args.contains(&"yaml") {
            assert_clean(&what, &r.stdout);
            let back: serde_json::Value = yaml_serde::from_str(&r.stdout).unwrap();
            assert_eq!(emails_of(&back), sorted(values), "{what}: round-trips");
        } else if args.contains(&"tsv") {
            // Tabs separate cells; no cell holds one.
            assert_eq!(r.lines().len(), values.len() + 1, "{what}");
            for line in r.lines() {
                assert_eq!(line.split('\t').count(), 9, "{what}");
                assert_clean(&what, &line.replace('\t', " "));
            }
        } else {
            assert_clean(&what, &r.stdout);
        }
        assert_clean(&what, &r.stderr);
    }
    // --jq string results (which keep TABs for @tsv) and --template output.
    for args in [
        &["roles", "list-bindings", "--jq", ".[].principal.name"][..],
        &["roles", "list-bindings", "--jq", ".[] | [.id, .role.name] | @tsv"],
        &[
            "roles",
            "invitations",
            "list",
            "--jq",
            ".[] | \"\\(.email) \\(.status)\"",
        ],
        &["users", "list", "--template", "{{ username }} <{{ email }}>"],
        &[
            "roles",
            "list-bindings",
            "--template",
            "{{ principal.name }}\t{{ role.name }}",
        ],
    ] {
        let r = home.run(args);
        let what = format!("{name} {args:?}");
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        assert!(!r.stdout.is_empty(), "{what}");
        assert_clean(&what, &r.stdout.replace('\t', " "));
    }
    // Problem documents (errors, and the valid-roles hint) are sanitized too.
    for args in [&["projects", "get", "x"][..], &["roles", "show", "x"]] {
        let r = home.run(args);
        assert_eq!(r.code, 3, "{name} {args:?}");
        assert_clean(name, &r.stderr);
    }
}

#[test]
fn corpus_payloads_in_every_field_never_reach_the_terminal_raw() {
    let payloads = payloads();
    assert!(payloads.len() >= 40);
    // Each command once over every payload (one item per payload): a raw
    // character is reported with the text around it.
    let values: Vec<String> = payloads.into_iter().map(|(_, v)| v).collect();
    check_payloads(&values);
}

#[test]
fn display_names_through_the_real_server_are_sanitized() {
    // The server rejects control characters in names, but bidi and zero-width
    // characters are not controls: they reach responses and must be escaped.
    let (server, home) = admin_with_project();
    for (i, name) in [
        "Eve\u{202e}gnp.exe",
        "ad\u{200b}min",
        "\u{2066}Mallory\u{2069}",
        "\u{feff}Bom",
    ]
    .iter()
    .enumerate()
    {
        let username = format!("p{i}");
        let email = format!("p{i}@example.com");
        server.user_with_token(&username, &email, name);
        home.bind(&[], &email, "viewer");
    }
    let r = home.run(&["roles", "list-bindings"]);
    r.ok();
    assert_clean("list-bindings", &r.stdout);
    assert!(r.stdout.contains("Eve\\u{202e}gnp.exe"), "{}", r.stdout);
    let json = home.run(&["-o", "json", "roles", "list-bindings"]);
    assert!(json.stdout.contains("Eve\\u202egnp.exe"));
    let names: Vec<String> = json
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["principal"]["name"].as_str().map(str::to_owned))
        .collect();
    assert!(
        names.contains(&"ad\u{200b}min".to_owned()),
        "round-trips exactly: {names:?}"
    );
}
