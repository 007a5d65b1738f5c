//! `users list | create | update | disable | enable | delete | tokens create` and
//! `audit list`.

use insta::assert_snapshot;

use crate::harness::{Home, admin_with_project, cells};

#[test]
fn users_create_list_disable() {
    let (server, home) = admin_with_project();
    assert_snapshot!(home.run("users create --username hank --email hank@example.com --name 'Hank Hill'"), @"
    USERNAME  hank
    EMAIL     hank@example.com
    NAME      Hank Hill
    ADMIN     no
    DISABLED  no
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created user hank
    ");
    assert_snapshot!(home.session(&["users list", "-o wide users list", "-q users list"]), @"
    $ accessctl users list
    USERNAME  EMAIL              NAME       ADMIN  DISABLED
    admin     admin@example.com  Ada Admin  yes    no
    hank      hank@example.com   Hank Hill  no     no
    $ accessctl -o wide users list
    USERNAME  EMAIL              NAME       ADMIN  DISABLED  ID
    admin     admin@example.com  Ada Admin  yes    no        00000000-0000-0000-0000-000000000001
    hank      hank@example.com   Hank Hill  no     no        00000000-0000-0000-0000-000000000002
    $ accessctl -q users list
    admin
    hank
    ");

    assert_snapshot!(home.session(&[
        "users create --username hank --email hank2@example.com",
        "users create --username ivy --email ivy@",
        "users create --username -ivy --email ivy@example.com",
    ]), @"
    $ accessctl users create --username hank --email hank2@example.com
    ----- stderr -----
    error: username 'hank' is taken
    ----- exit 5 -----
    $ accessctl users create --username ivy --email ivy@
    ----- stderr -----
    error: invalid email 'ivy@': email's domain needs a dot (like example.com)
    ----- exit 2 -----
    $ accessctl users create --username -ivy --email ivy@example.com
    ----- stderr -----
    error: unexpected argument '-i' found

    Usage: accessctl users create [OPTIONS] --username <USERNAME> --email <EMAIL>

    For more information, try '--help'.
    ----- exit 2 -----
    ");

    assert_snapshot!(home.session(&[
        "-o json users disable HANK@example.com",
        "users disable nobody",
    ]), @r#"
    $ accessctl -o json users disable HANK@example.com
    {
      "id": "00000000-0000-0000-0000-000000000001",
      "username": "hank",
      "email": "hank@example.com",
      "name": "Hank Hill",
      "is_admin": false,
      "disabled": true,
      "mfa_enabled": false,
      "created_at": "[TIME]"
    }
    ----- stderr -----
    Disabled user hank
    $ accessctl users disable nobody
    ----- stderr -----
    error: no user 'nobody'
    hint: see `accessctl users list`
    ----- exit 3 -----
    "#);

    let jo = server.user_with_token("jo", "jo@example.com", "Jo");
    let jo_home = Home::new()
        .env("ACCESSCTL_TOKEN", &jo)
        .env("ACCESSCTL_SERVER", &server.url);
    assert_snapshot!(jo_home.run("users list"), @"
    ----- stderr -----
    error: only a server administrator can do that
    ----- exit 4 -----
    ");
}

#[test]
fn users_tokens_create_issues_a_working_token_once() {
    let (server, home) = admin_with_project();
    home.run("users create --username lee --email lee@example.com")
        .ok();
    let id = home.run("-o json users list").json()[1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // -q: only the token, on stdout; the note goes nowhere.
    let r = home.run("-q users tokens create LEE laptop");
    assert_snapshot!(r, @"acc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    let token = r.stdout.trim().to_owned();
    let lee = Home::new();
    let login = &[
        "auth",
        "login",
        "--server",
        &server.url,
        "--context",
        "test",
        "--with-token",
    ];
    assert_snapshot!(lee.run_stdin(login, Some(&token)), @"
    ----- stderr -----
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Logged in to [SERVER] as lee (context test)
    ");
    // Without -q: a note on stderr, the token once on stdout; by id prefix and
    // with an expiry.
    let r = home.run(&[
        "-v",
        "users",
        "tokens",
        "create",
        &id[..13],
        "ci",
        "--expires-in-days",
        "30",
    ]);
    let token2 = cells(r.lines()[1])[0].clone();
    assert!(!r.stderr.contains(&token2), "the token reached the -v trace");
    assert_snapshot!(r, @"
    TOKEN
    acc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    > GET [SERVER]/v1/users?limit=500 (Authorization: Bearer ***)
    < 200 GET in [N]ms (request id 00000000-0000-0000-0000-000000000001)
    > POST [SERVER]/v1/users/00000000-0000-0000-0000-000000000002/tokens (Authorization: Bearer ***)
    < 201 POST in [N]ms (request id 00000000-0000-0000-0000-000000000003)
    Created token ci (00000000-0000-0000-0000-000000000004) for lee. Copy it now: it is shown only once.
    ");
    let (status, tokens) = server.api(&token2, "GET", "/v1/users/me/tokens", None);
    assert_eq!(status, 200);
    let ci = tokens["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "ci")
        .unwrap();
    assert!(ci["expires_at"].is_string(), "{ci}");
    assert_snapshot!(home.session(&[
        "users tokens create nobody x",
        "users tokens create lee ' '",
        "users tokens create lee x --expires-in-days 0",
    ]), @"
    $ accessctl users tokens create nobody x
    ----- stderr -----
    error: no user 'nobody'
    hint: see `accessctl users list`
    ----- exit 3 -----
    $ accessctl users tokens create lee ' '
    ----- stderr -----
    error: the token name is empty
    ----- exit 2 -----
    $ accessctl users tokens create lee x --expires-in-days 0
    ----- stderr -----
    error: invalid value '0' for '--expires-in-days <N>': 0 is not in 1..=3650

    For more information, try '--help'.
    ----- exit 2 -----
    ");
}

#[test]
fn users_update_enable_delete_and_the_last_admin() {
    let (server, home) = admin_with_project();
    let mo = server.user_with_token("mo", "mo@example.com", "Mo");
    assert_snapshot!(home.session(&[
        "-o json users update mo --name 'Mo Mowgli' --admin",
        "-o json users update mo@example.com --no-admin",
        "users update mo",
        "users update mo --admin --no-admin",
    ]), @r#"
    $ accessctl -o json users update mo --name 'Mo Mowgli' --admin
    {
      "id": "00000000-0000-0000-0000-000000000001",
      "username": "mo",
      "email": "mo@example.com",
      "name": "Mo Mowgli",
      "is_admin": true,
      "disabled": false,
      "mfa_enabled": false,
      "created_at": "[TIME]"
    }
    ----- stderr -----
    Updated user mo
    $ accessctl -o json users update mo@example.com --no-admin
    {
      "id": "00000000-0000-0000-0000-000000000001",
      "username": "mo",
      "email": "mo@example.com",
      "name": "Mo Mowgli",
      "is_admin": false,
      "disabled": false,
      "mfa_enabled": false,
      "created_at": "[TIME]"
    }
    ----- stderr -----
    Updated user mo
    $ accessctl users update mo
    ----- stderr -----
    error: the following required arguments were not provided:
      <--name <NAME>|--admin|--no-admin|--reset-mfa>

    Usage: accessctl users update <--name <NAME>|--admin|--no-admin|--reset-mfa> <USER>

    For more information, try '--help'.
    ----- exit 2 -----
    $ accessctl users update mo --admin --no-admin
    ----- stderr -----
    error: the argument '--admin' cannot be used with '--no-admin'

    Usage: accessctl users update <--name <NAME>|--admin|--no-admin|--reset-mfa> <USER>

    For more information, try '--help'.
    ----- exit 2 -----
    "#);

    // Disabled, the token stops working; enabled, it works again.
    assert_snapshot!(home.run("users disable mo"), @"
    USERNAME  mo
    EMAIL     mo@example.com
    NAME      Mo Mowgli
    ADMIN     no
    DISABLED  yes
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Disabled user mo
    ");
    assert_eq!(server.api(&mo, "GET", "/v1/users/me", None).0, 401);
    assert_snapshot!(home.run("-o json users enable mo"), @r#"
    {
      "id": "00000000-0000-0000-0000-000000000001",
      "username": "mo",
      "email": "mo@example.com",
      "name": "Mo Mowgli",
      "is_admin": false,
      "disabled": false,
      "mfa_enabled": false,
      "created_at": "[TIME]"
    }
    ----- stderr -----
    Enabled user mo
    "#);
    assert_eq!(server.api(&mo, "GET", "/v1/users/me", None).0, 200);

    // The last administrator: demoting or deleting is a conflict with a hint.
    assert_snapshot!(home.session(&[
        "users update admin --no-admin",
        "users delete admin --yes",
    ]), @"
    $ accessctl users update admin --no-admin
    ----- stderr -----
    error: 'admin' is the last active server administrator
    hint: make another user an administrator first: accessctl users update USER --admin
    ----- exit 5 -----
    $ accessctl users delete admin --yes
    ----- stderr -----
    error: you cannot delete yourself
    ----- exit 4 -----
    ");
    // The last owner of a project is kept too.
    home.run("users update mo --admin").ok();
    let mo_home = Home::new();
    mo_home.login(&server, &mo);
    assert_snapshot!(mo_home.run("users delete admin --yes"), @"
    ----- stderr -----
    error: that would leave project 'shop' without an owner; make someone else an owner first
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    ");
    // Deleting asks first (no terminal: --yes is needed) and removes the user.
    mo_home
        .run("users create --username ned --email ned@example.com")
        .ok();
    assert_snapshot!(mo_home.session(&[
        "users delete ned",
        "users delete ned --yes",
        "users delete ned --yes",
        "-q users list",
    ]), @"
    $ accessctl users delete ned
    ----- stderr -----
    error: refusing to delete user 'ned' <ned@example.com> without confirmation
    hint: pass --yes to confirm without a prompt
    ----- exit 2 -----
    $ accessctl users delete ned --yes
    ----- stderr -----
    Deleted user ned
    $ accessctl users delete ned --yes
    ----- stderr -----
    error: no user 'ned'
    hint: see `accessctl users list`
    ----- exit 3 -----
    $ accessctl -q users list
    admin
    mo
    ");
}

#[test]
fn audit_lists_changes_with_filters() {
    let (server, home) = admin_with_project();
    server.user_with_token("kim", "kim@example.com", "Kim");
    home.bind(&[], "kim@example.com", "viewer");
    let r = home.run(&["audit", "list"]);
    r.ok();
    assert_eq!(
        cells(r.lines()[0]),
        ["TIME", "ACTION", "ACTOR", "PROJECT", "TARGET"]
    );
    let all = home.run(&["-o", "json", "audit", "list"]).json();
    let actions: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.len() >= 2, "{actions:?}");
    let first = actions[0].to_owned();
    let filtered = home
        .run(&[
            "-o", "json", "audit", "list", "--action", &first, "--actor", "admin", "--since", "1h",
        ])
        .json();
    assert!(!filtered.as_array().unwrap().is_empty());
    assert!(
        filtered
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] == first.as_str())
    );
    let future = home
        .run(&["-o", "json", "audit", "list", "--since", "2999-01-01"])
        .json();
    assert_eq!(future.as_array().unwrap().len(), 0);
    assert_snapshot!(home.run("audit list --since 'last tuesday'"), @"
    ----- stderr -----
    error: invalid time 'last tuesday': use RFC 3339 ([TIME]), a date (2026-01-31) or a duration (24h, 7d, 1d12h)
    ----- exit 2 -----
    ");
}

#[test]
fn lists_follow_pagination_across_pages() {
    let (server, home) = admin_with_project();
    // 600 users: more than one page of the largest page size (500).
    let client = server.http().clone();
    server.block_on(async {
        for i in 0..600 {
            let resp = client
                .post(format!("{}/v1/users", server.url))
                .bearer_auth(&server.admin_token)
                .json(&serde_json::json!({"username": format!("u{i:03}"), "email": format!("u{i:03}@example.com")}))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status().as_u16(), 201);
        }
    });
    let r = home.run(&["-q", "users", "list"]);
    r.ok();
    let mut names: Vec<&str> = r.lines();
    assert_eq!(names.len(), 601);
    names.dedup();
    assert_eq!(names.len(), 601, "no user repeated");
    assert_eq!(
        home.run(&["-o", "json", "users", "list"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        601
    );
}
