//! README's "Organizations (Qovery)" and "Server-wide roles (Loft)" walkthroughs
//! run as written: each block marked `<!-- walkthrough: NAME … -->` is taken from
//! README.md itself (so an edit there is what runs here), in order, in bash with
//! `accessctl` on PATH and `SERVER` set, against a real accessd, as a server
//! administrator logged in as context `admin`. Their effects are then checked on
//! the server.

use std::path::Path;
use std::process::Command;

use crate::harness::{BIN, Home, Server};

const README: &str = include_str!("../../README.md");

/// The fenced block after each `<!-- walkthrough: NAME` marker: (name, body).
fn walkthroughs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = README.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.trim().strip_prefix("<!-- walkthrough:") else {
            continue;
        };
        let name = rest.split_whitespace().next().unwrap_or_default().to_owned();
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```sh"),
            "walkthrough {name}: no ```sh block after its marker"
        );
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push((name, body));
    }
    out
}

fn bash(home: &Home, cwd: &Path, server: &str, script: &str) -> String {
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
        .env("SERVER", server)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "walkthrough failed ({}):\n{script}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stdout
}

#[test]
fn readme_orgs_and_loft_walkthroughs_run_as_written() {
    let found = walkthroughs();
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["orgs", "loft"], "README's walkthrough markers");

    let server = Server::start();
    let home = Home::new();
    let login = [
        "auth",
        "login",
        "--server",
        &server.url,
        "--context",
        "admin",
        "--with-token",
    ];
    home.run_stdin(&login, Some(&server.admin_token)).ok();
    let cwd = tempfile::tempdir().unwrap();

    // Organizations (Qovery).
    let out = bash(&home, cwd.path(), &server.url, &found[0].1);
    assert!(out.contains("env.production.deploy: denied (exit 6)"), "{out}");
    // `roles check` rows: PERMISSION ALLOWED GRANTED BY.
    let allowed: Vec<&str> = out
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("yes"))
        .collect();
    assert!(
        allowed
            .iter()
            .any(|l| l.starts_with("env.staging.deploy") && l.contains("platform-engineers")),
        "{out}"
    );
    assert!(
        allowed.iter().any(|l| l.starts_with("clusters.eu-1.env-creator")),
        "{out}"
    );
    assert!(allowed.iter().any(|l| l.starts_with("project.delete")), "{out}");
    let (status, members) = server.api(&server.admin_token, "GET", "/v1/orgs/acme/members", None);
    assert_eq!(status, 200);
    assert!(
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["username"] == "bob" && m["role"] == "platform-engineers"),
        "{members}"
    );
    let (_, invitations) = server.api(&server.admin_token, "GET", "/v1/orgs/acme/invitations", None);
    assert_eq!(invitations["items"].as_array().unwrap().len(), 0, "{invitations}");

    // Server-wide roles (Loft), continuing.
    let out = bash(&home, cwd.path(), &server.url, &found[1].1);
    assert!(out.contains("release-manager: still bound (exit 5)"), "{out}");
    assert!(out.lines().any(|l| l == "true"), "{out}");
    assert!(out.lines().any(|l| l == "akka/developer"), "{out}");
    for p in ["api", "web"] {
        let (_, roles) = server.api(
            &server.admin_token,
            "GET",
            &format!("/v1/projects/{p}/roles"),
            None,
        );
        let items = roles["items"].as_array().unwrap();
        let find = |n: &str| items.iter().find(|r| r["name"] == n).cloned().unwrap_or_default();
        assert_eq!(find("release-manager")["server_wide"], true, "{p}: {roles}");
        assert!(
            find("release-manager")["permissions"]
                .to_string()
                .contains("audit.view")
        );
        assert_eq!(find("developer")["modified"], true, "{p}: {roles}");
    }
}
