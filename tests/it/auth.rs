//! `auth login | logout | status | token` and `auth tokens create | list | revoke`.

use crate::harness::{Home, Server, cells};

#[test]
fn login_verifies_saves_and_makes_the_context_current() {
    let server = Server::start();
    let home = Home::new();
    let r = home.login(&server, &server.admin_token);
    r.stderr_has(&format!("Logged in to {} as admin (context test)", server.url));
    r.stderr_has("warning: no OS keyring available; token saved to");
    assert_eq!(home.run(&["config", "contexts", "current"]).stdout, "test\n");

    let config = std::fs::read_to_string(home.config_path()).unwrap();
    assert!(!config.contains(&server.admin_token), "no token in config.toml");
    let creds = home.config_path().with_file_name("credentials.toml");
    assert!(
        std::fs::read_to_string(&creds)
            .unwrap()
            .contains(&server.admin_token)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let status = home.run(&["auth", "status"]);
    status.ok();
    assert!(!status.stdout.contains(&server.admin_token) && !status.stderr.contains(&server.admin_token));
    assert_eq!(cells(status.lines()[2]), ["USER", "admin"]);
    assert!(status.stdout.contains("credentials.toml"));

    let token = home.run(&["auth", "token"]);
    token.ok();
    assert_eq!(token.stdout, format!("{}\n", server.admin_token));
    assert_eq!(token.stderr, "");

    let list = home.run(&["config", "list"]);
    assert!(!list.stdout.contains(&server.admin_token));

    home.run(&["auth", "logout"])
        .ok()
        .stderr_has("Logged out of context test");
    home.run(&["auth", "status"])
        .fails(4)
        .stderr_has(&format!("error: not logged in to {}", server.url))
        .stderr_has(&format!("hint: accessctl auth login --server {}", server.url));
    home.run(&["auth", "token"]).fails(4);
    home.run(&["auth", "logout"]).ok().stderr_has("Not logged in");
}

#[test]
fn login_rejects_a_bad_token_and_saves_nothing() {
    let server = Server::start();
    let home = Home::new();
    let r = home.run_stdin(
        &["auth", "login", "--server", &server.url, "--with-token"],
        Some("acc_wrong\n"),
    );
    r.fails(4).stderr_has("the server rejected the token");
    assert!(!home.config_path().exists());
    home.run(&["auth", "login", "--server", &server.url])
        .fails(2)
        .stderr_has("--with-token");
    home.run_stdin(
        &["auth", "login", "--server", &server.url, "--with-token"],
        Some("\n"),
    )
    .fails(2);
    home.run(&["auth", "login"]).fails(2).stderr_has("pass --server");
}

#[test]
fn context_defaults_to_the_host_and_env_token_needs_no_config() {
    let server = Server::start();
    let home = Home::new();
    home.run_stdin(
        &["auth", "login", "--server", &server.url, "--with-token"],
        Some(&server.admin_token),
    )
    .ok();
    let host = server.url.trim_start_matches("http://").replace(':', "-");
    assert_eq!(
        home.run(&["config", "contexts", "current"]).stdout,
        format!("{host}\n")
    );

    let ci = Home::new()
        .env("ACCESSCTL_TOKEN", &server.admin_token)
        .env("ACCESSCTL_SERVER", &server.url);
    let r = ci.run(&["auth", "status"]);
    r.ok().stdout_has("env ACCESSCTL_TOKEN");
    ci.run(&["projects", "new", "ci-project"]).ok();
    assert!(!ci.config_path().exists(), "CI needs no config file");
}

#[test]
fn tokens_create_list_revoke() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token);
    let created = home.run(&["auth", "tokens", "create", "ci", "--expires-in-days", "30"]);
    created.ok().stderr_has("shown only once");
    let token = created.stdout.lines().nth(1).unwrap().trim().to_owned();
    assert!(token.starts_with("acc_"), "{}", created.stdout);

    let json = home.run(&["-o", "json", "auth", "tokens", "list"]).json();
    let ci = json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "ci")
        .unwrap()
        .clone();
    assert!(ci.get("token").is_none(), "list never shows tokens");
    let r = home.run(&["auth", "tokens", "list"]);
    assert_eq!(
        cells(r.lines()[0]),
        ["ID", "NAME", "CREATED", "EXPIRES", "LAST USED"]
    );

    let other = Home::new()
        .env("ACCESSCTL_TOKEN", &token)
        .env("ACCESSCTL_SERVER", &server.url);
    other.run(&["auth", "status"]).ok();
    home.run(&["auth", "tokens", "revoke", ci["id"].as_str().unwrap()])
        .ok()
        .stderr_has("Revoked token");
    other.run(&["auth", "status"]).fails(4);
    home.run(&["auth", "tokens", "revoke", ci["id"].as_str().unwrap()])
        .fails(3);
    home.run(&["auth", "tokens", "create", " "]).fails(2);
}

#[test]
fn env_token_overrides_are_pointed_out() {
    let server = Server::start();
    let home = Home::new().env("ACCESSCTL_TOKEN", "acc_from_env_not_valid");
    let r = home.run_stdin(
        &[
            "auth",
            "login",
            "--server",
            &server.url,
            "--context",
            "t",
            "--with-token",
        ],
        Some(&server.admin_token),
    );
    r.ok()
        .stderr_has("warning: ACCESSCTL_TOKEN is set and wins over the saved token");
    home.run(&["auth", "status"]).fails(4);
    home.run(&["auth", "logout"])
        .ok()
        .stderr_has("warning: ACCESSCTL_TOKEN is set");
}
