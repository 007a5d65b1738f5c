//! `auth login | logout | status | token` and `auth tokens create | list | revoke`.
//! Each step is the command line and its whole transcript as an inline snapshot
//! (tokens show as `acc_xxx…`: where the token's value matters it is compared
//! exactly, and where it must not appear that is checked on the raw output).

use insta::assert_snapshot;

use crate::harness::{Home, Server, cells};

#[test]
fn login_verifies_saves_and_makes_the_context_current() {
    let server = Server::start();
    let home = Home::new();
    let login = format!("auth login --server {} --context test --with-token", server.url);
    let r = home.run_stdin(&login, Some(&server.admin_token));
    assert_snapshot!(r, @"
    ----- stderr -----
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Logged in to [SERVER] as admin (context test)
    ");
    assert!(!r.stdout.contains(&server.admin_token) && !r.stderr.contains(&server.admin_token));
    assert_snapshot!(home.run("config contexts current"), @"test");

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

    let status = home.run("auth status");
    assert_snapshot!(status, @"
    CONTEXT  test
    SERVER   [SERVER]
    USER     admin
    EMAIL    admin@example.com
    TOKEN    [HOME]/.config/accessctl/credentials.toml
    ");
    assert!(!status.stdout.contains(&server.admin_token) && !status.stderr.contains(&server.admin_token));

    // The token itself, exactly (a snapshot would show it as `acc_xxx…`).
    let token = home.run("auth token");
    token.ok();
    assert_eq!(token.stdout, format!("{}\n", server.admin_token));
    assert_eq!(token.stderr, "");

    let list = home.run("config list");
    assert!(!list.stdout.contains(&server.admin_token));

    assert_snapshot!(home.run("auth logout"), @"
    ----- stderr -----
    Logged out of context test
    ");
    assert_snapshot!(home.run("auth status"), @"
    ----- stderr -----
    error: not logged in to [SERVER]
    hint: accessctl auth login --server [SERVER]
    ----- exit 4 -----
    ");
    assert_snapshot!(home.run("auth token"), @"
    ----- stderr -----
    error: not logged in to [SERVER]
    hint: accessctl auth login --server [SERVER]
    ----- exit 4 -----
    ");
    assert_snapshot!(home.run("auth logout"), @"
    ----- stderr -----
    Not logged in to context test; nothing to do
    ");
}

#[test]
fn login_rejects_a_bad_token_and_saves_nothing() {
    let server = Server::start();
    let home = Home::new();
    let login = format!("auth login --server {} --with-token", server.url);
    assert_snapshot!(home.run_stdin(&login, Some("acc_wrong\n")), @"
    ----- stderr -----
    error: the server rejected the token: a valid bearer token is required
    hint: create a token with `accessctl auth tokens create NAME` or `accessd bootstrap`
    ----- exit 4 -----
    ");
    assert!(!home.config_path().exists());
    assert_snapshot!(home.run(&format!("auth login --server {}", server.url)), @r#"
    ----- stderr -----
    error: no terminal to read the token from
    hint: pipe it in: echo "$TOKEN" | accessctl auth login --with-token --server URL
    ----- exit 2 -----
    "#);
    assert_snapshot!(home.run_stdin(&login, Some("\n")), @"
    ----- stderr -----
    error: the token is empty
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("auth login"), @"
    ----- stderr -----
    error: which server? pass --server URL
    hint: e.g. accessctl auth login --server https://access.example.com
    ----- exit 2 -----
    ");
    assert!(!home.config_path().exists());
}

#[test]
fn context_defaults_to_the_host_and_env_token_needs_no_config() {
    let server = Server::start();
    let home = Home::new();
    let login = format!("auth login --server {} --with-token", server.url);
    let r = home.run_stdin(&login, Some(&server.admin_token));
    // The context is named after the host and its (random) port.
    let host = server.url.trim_start_matches("http://").replace(':', "-");
    assert_snapshot!(r, @"
    ----- stderr -----
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Logged in to [SERVER] as admin (context 127.0.0.1-[PORT])
    ");
    assert_eq!(home.run("config contexts current").stdout, format!("{host}\n"));

    let ci = Home::new()
        .env("ACCESSCTL_TOKEN", &server.admin_token)
        .env("ACCESSCTL_SERVER", &server.url);
    assert_snapshot!(ci.run("auth status"), @"
    CONTEXT  local
    SERVER   [SERVER]
    USER     admin
    EMAIL    admin@example.com
    TOKEN    env ACCESSCTL_TOKEN
    ");
    assert_snapshot!(ci.run("projects new ci-project"), @"
    NAME         ci-project
    DESCRIPTION
    PRESET       akka
    MY ROLES     admin
    ID           00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created project ci-project (akka roles)
    Select it with `accessctl config set project ci-project`, or pass --project ci-project to each command
    ");
    assert!(!ci.config_path().exists(), "CI needs no config file");
}

#[test]
fn tokens_create_list_revoke() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token);
    let created = home.run("auth tokens create ci --expires-in-days 30");
    assert_snapshot!(created, @"
    TOKEN
    acc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Created token ci (00000000-0000-0000-0000-000000000001). Copy it now: it is shown only once.
    ");
    let token = created.stdout.lines().nth(1).unwrap().trim().to_owned();
    assert!(token.starts_with("acc_"), "{}", created.stdout);

    let json = home.run("-o json auth tokens list").json();
    let ci = json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "ci")
        .unwrap()
        .clone();
    assert!(ci.get("token").is_none(), "list never shows tokens");
    // The login token's LAST USED (`0s ago`, `1s ago`) and the wide list's widths
    // (from real times) vary: compared cell by cell.
    let r = home.run("auth tokens list");
    assert_eq!(cells(r.lines()[0]), ["ID", "NAME", "EXPIRES", "LAST USED"]);
    let ci_row = r.lines().iter().map(|l| cells(l)).find(|c| c[1] == "ci").unwrap();
    assert_eq!(ci_row[2..], ["in 29d", "never"], "relative times");
    let r = home.run("-o wide auth tokens list");
    assert_eq!(
        cells(r.lines()[0]),
        ["ID", "NAME", "CREATED", "EXPIRES", "LAST USED"]
    );

    let other = Home::new()
        .env("ACCESSCTL_TOKEN", &token)
        .env("ACCESSCTL_SERVER", &server.url);
    other.run("auth status").ok();
    // A unique prefix of at least 8 characters is enough (the other token, the
    // login's, was made earlier: ids are UUIDv7s, so take as much as needed).
    let ci_id = ci["id"].as_str().unwrap();
    let others: Vec<String> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["id"] != ci["id"])
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let len = (8..36)
        .find(|&n| others.iter().all(|o| !o.starts_with(&ci_id[..n])))
        .unwrap();
    let r = home.run(&["auth", "tokens", "revoke", &ci_id[..len]]);
    assert_snapshot!(r, @"
    ----- stderr -----
    Revoked token 00000000-0000-0000-0000-000000000001
    ");
    assert_eq!(r.stderr, format!("Revoked token {ci_id}\n"), "the whole id");
    assert_snapshot!(other.run("auth status"), @"
    ----- stderr -----
    error: a valid bearer token is required
    hint: the server refused the token in ACCESSCTL_TOKEN: set a valid one, or unset it to use the context's login
    ----- exit 4 -----
    ");
    assert_snapshot!(home.run(&["auth", "tokens", "revoke", ci_id]), @"
    ----- stderr -----
    error: no token with id '00000000-0000-0000-0000-000000000001'
    hint: see `accessctl auth tokens list`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("auth tokens create ' '"), @"
    ----- stderr -----
    error: the token name is empty
    ----- exit 2 -----
    ");
}

#[test]
fn env_token_overrides_are_pointed_out() {
    let server = Server::start();
    let home = Home::new().env("ACCESSCTL_TOKEN", "acc_from_env_not_valid");
    let login = format!("auth login --server {} --context t --with-token", server.url);
    assert_snapshot!(home.run_stdin(&login, Some(&server.admin_token)), @"
    ----- stderr -----
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Logged in to [SERVER] as admin (context t)
    warning: ACCESSCTL_TOKEN is set and wins over the saved token until you unset it
    ");
    assert_snapshot!(home.run("auth status"), @"
    ----- stderr -----
    error: a valid bearer token is required
    hint: the server refused the token in ACCESSCTL_TOKEN: set a valid one, or unset it to use the context's login
    ----- exit 4 -----
    ");
    assert_snapshot!(home.run("auth logout"), @"
    ----- stderr -----
    Logged out of context t
    warning: ACCESSCTL_TOKEN is set and is still used until you unset it
    ");
}
