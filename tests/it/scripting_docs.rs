//! docs/scripting.md runs as written: every `bash` block, in order, in bash with
//! `accessctl` on PATH, against a real accessd; each recipe's effect is checked on
//! the server.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::{BIN, Home, Server, admin_with_project};

const PAGE: &str = include_str!("../../docs/scripting.md");

/// The page's fenced blocks: (info string, body).
fn blocks() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = PAGE.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push((info.trim().to_owned(), body));
    }
    out
}

/// Runs one recipe in bash, with `accessctl` on PATH and the test's HOME.
fn bash(home: &Home, cwd: &Path, script: &str) -> String {
    let bin_dir = cwd.join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let link = bin_dir.join("accessctl");
    if !link.exists() {
        std::os::unix::fs::symlink(BIN, &link).unwrap();
    }
    let out = Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", script])
        .current_dir(cwd)
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("HOME", home.path())
        .env("USER", "tester")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "recipe failed ({}):\n{script}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stdout
}

fn json(home: &Home, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["-o", "json"];
    all.extend_from_slice(args);
    let r = home.run(&all);
    r.ok();
    r.json().as_array().unwrap().clone()
}

fn invitation_roles(home: &Home) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = json(home, &["roles", "invitations", "list"])
        .iter()
        .map(|i| {
            (
                i["email"].as_str().unwrap().to_owned(),
                i["role"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn binding_roles(home: &Home, project: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = json(home, &["--project", project, "roles", "list-bindings"])
        .iter()
        .map(|b| {
            (
                b["role"]["name"].as_str().unwrap().to_owned(),
                b["principal"]["email"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Project `shop` (selected) with bob as developer, carol as viewer and one pending
/// invitation made ten days ago; `staging` and `production` that differ by one binding.
fn fixture() -> (Server, Home) {
    let (server, home) = admin_with_project();
    for (user, role) in [("bob", "developer"), ("carol", "viewer"), ("dora", "admin")] {
        let email = format!("{user}@example.com");
        server.user_with_token(user, &email, user);
        home.bind(&[], &email, role);
    }
    const DAY_MS: i64 = 86_400_000;
    server.advance_clock(-10 * DAY_MS);
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "old@example.com",
        "--role",
        "viewer",
        "--ttl-days",
        "30",
    ])
    .ok();
    server.advance_clock(10 * DAY_MS);
    for p in ["staging", "production"] {
        home.run(&["projects", "new", p]).ok();
        home.bind(&["--project", p], "dora@example.com", "developer");
    }
    home.bind(&["--project", "staging"], "bob@example.com", "viewer");
    (server, home)
}

#[test]
fn every_recipe_runs_as_written() {
    let (_server, home) = fixture();
    let cwd = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (info, body) in blocks() {
        if let Some(file) = info.split_whitespace().find_map(|w| w.strip_prefix("file=")) {
            std::fs::write(cwd.path().join(file), &body).unwrap();
        } else if info == "bash" {
            outputs.push((body.clone(), bash(&home, cwd.path(), &body)));
        }
    }
    let recipe = |needle: &str| -> &str {
        let found: Vec<&(String, String)> = outputs.iter().filter(|(b, _)| b.contains(needle)).collect();
        assert_eq!(found.len(), 1, "one recipe contains {needle:?}");
        &found[0].1
    };

    // Invite from a CSV: the row's role wins; a row without one gets --role.
    recipe("--from-file people.csv");
    recipe("--from-file - --role developer");
    let invited = invitation_roles(&home);
    for expected in [
        ("ada@example.com", "admin"),
        ("grace@example.com", "developer"),
        ("linus@example.com", "viewer"),
        ("dev1@example.com", "developer"),
        ("dev2@example.com", "developer"),
        ("old@example.com", "viewer"),
    ] {
        assert!(
            invited.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {invited:?}"
        );
    }
    assert_eq!(invited.len(), 6, "{invited:?}");

    // Remove everyone with a role: bob (developer) and carol (viewer) are gone.
    recipe("list-bindings --role developer -q");
    recipe("project users remove --email");
    let left = binding_roles(&home, "shop");
    assert!(left.iter().all(|(role, _)| role == "admin"), "{left:?}");
    assert!(
        left.contains(&("admin".into(), "dora@example.com".into())),
        "{left:?}"
    );

    // Pending invitations older than 7 days: only the one made ten days ago.
    let old = outputs
        .iter()
        .find(|(b, _)| b.contains("now - $DAYS * 86400) | .email\"\n"))
        .map(|(_, out)| out.as_str())
        .expect("the listing recipe");
    assert_eq!(old, "old@example.com\n");
    // ...and resending gives it a new expiry, 7 days from now instead of 20.
    let expires: Vec<String> = json(&home, &["roles", "invitations", "list"])
        .iter()
        .filter(|i| i["email"] == "old@example.com")
        .map(|i| i["expires_at"].as_str().unwrap().to_owned())
        .collect();
    let fresh = json(&home, &["roles", "invitations", "list"])
        .iter()
        .find(|i| i["email"] == "ada@example.com")
        .map(|i| i["expires_at"].as_str().unwrap()[..10].to_owned())
        .unwrap();
    assert_eq!(expires.len(), 1);
    assert_eq!(
        &expires[0][..10],
        fresh,
        "resent: same expiry day as a new invitation"
    );

    // Diff: staging has bob as viewer, production does not.
    let diff = recipe("diff <(bindings staging) <(bindings production)");
    assert!(diff.contains("< viewer\tbob@example.com\n"), "{diff}");
    assert!(
        !diff.contains("dora@example.com"),
        "common bindings are not a difference: {diff}"
    );
    assert_eq!(
        diff.lines().filter(|l| l.starts_with(['<', '>'])).count(),
        1,
        "{diff}"
    );

    // Copy: production now has exactly staging's bindings (bob as viewer added).
    let plans = recipe("roles apply -f staging-bindings.yaml --dry-run\n");
    assert!(plans.contains("add"), "the plan names the addition: {plans}");
    let copied = binding_roles(&home, "production");
    assert!(
        copied.contains(&("viewer".into(), "bob@example.com".into())),
        "{copied:?}"
    );
    assert_eq!(binding_roles(&home, "staging"), copied);

    // Audit: a CSV file with a header, and one templated line per binding.
    let csv = std::fs::read_to_string(cwd.path().join("audit.csv")).unwrap();
    assert!(csv.lines().count() > 5, "{csv}");
    let lines = recipe("--since 24h -o csv > audit.csv");
    assert!(lines.contains("admin: user dora@example.com\n"), "{lines}");
}
