//! `users list | create | update | disable | enable | delete | tokens create` and
//! `audit list`.

use crate::harness::{Home, admin_with_project, cells};

#[test]
fn users_create_list_disable() {
    let (server, home) = admin_with_project();
    let r = home.run(&[
        "users",
        "create",
        "--username",
        "hank",
        "--email",
        "hank@example.com",
        "--name",
        "Hank Hill",
    ]);
    r.ok().stderr_has("Created user hank");
    assert_eq!(cells(r.lines()[0]), ["USERNAME", "hank"]);
    let r = home.run(&["users", "list"]);
    assert_eq!(
        cells(r.lines()[0]),
        ["USERNAME", "EMAIL", "NAME", "ADMIN", "DISABLED"]
    );
    let r = home.run(&["-o", "wide", "users", "list"]);
    assert_eq!(
        cells(r.lines()[0]),
        ["USERNAME", "EMAIL", "NAME", "ADMIN", "DISABLED", "ID"]
    );
    assert_eq!(home.run(&["-q", "users", "list"]).stdout, "admin\nhank\n");

    home.run(&[
        "users",
        "create",
        "--username",
        "hank",
        "--email",
        "hank2@example.com",
    ])
    .fails(5);
    home.run(&["users", "create", "--username", "ivy", "--email", "ivy@"])
        .fails(2)
        .stderr_has("invalid email");
    home.run(&[
        "users",
        "create",
        "--username",
        "-ivy",
        "--email",
        "ivy@example.com",
    ])
    .fails(2);

    let json = home
        .run(&["-o", "json", "users", "disable", "HANK@example.com"])
        .json();
    assert_eq!(json["disabled"], true);
    home.run(&["users", "disable", "nobody"]).fails(3);

    let jo = server.user_with_token("jo", "jo@example.com", "Jo");
    let jo_home = Home::new()
        .env("ACCESSCTL_TOKEN", &jo)
        .env("ACCESSCTL_SERVER", &server.url);
    jo_home.run(&["users", "list"]).fails(4);
}

#[test]
fn users_tokens_create_issues_a_working_token_once() {
    let (server, home) = admin_with_project();
    home.run(&[
        "users",
        "create",
        "--username",
        "lee",
        "--email",
        "lee@example.com",
    ])
    .ok();
    let id = home.run(&["-o", "json", "users", "list"]).json()[1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // -q: only the token, on stdout; the note goes nowhere.
    let r = home.run(&["-q", "users", "tokens", "create", "LEE", "laptop"]);
    r.ok();
    let token = r.stdout.trim().to_owned();
    assert!(
        token.starts_with("acc_") && r.stdout.lines().count() == 1,
        "{r:?}"
    );
    assert!(r.stderr.is_empty(), "{r:?}");
    let lee = Home::new();
    lee.login(&server, &token).stderr_has("as lee (context test)");
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
    r.ok()
        .stderr_has("Created token ci (")
        .stderr_has("for lee. Copy it now");
    let token2 = cells(r.lines()[1])[0].clone();
    assert!(token2.starts_with("acc_"), "{r:?}");
    assert!(!r.stderr.contains(&token2), "the token reached the -v trace");
    let (status, tokens) = server.api(&token2, "GET", "/v1/users/me/tokens", None);
    assert_eq!(status, 200);
    let ci = tokens["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "ci")
        .unwrap();
    assert!(ci["expires_at"].is_string(), "{ci}");
    home.run(&["users", "tokens", "create", "nobody", "x"]).fails(3);
    home.run(&["users", "tokens", "create", "lee", " "])
        .fails(2)
        .stderr_has("the token name is empty");
    home.run(&["users", "tokens", "create", "lee", "x", "--expires-in-days", "0"])
        .fails(2);
}

#[test]
fn users_update_enable_delete_and_the_last_admin() {
    let (server, home) = admin_with_project();
    let mo = server.user_with_token("mo", "mo@example.com", "Mo");
    let r = home.run(&[
        "-o",
        "json",
        "users",
        "update",
        "mo",
        "--name",
        "Mo Mowgli",
        "--admin",
    ]);
    let u = r.ok().json();
    assert_eq!(
        (u["name"].as_str(), u["is_admin"].as_bool()),
        (Some("Mo Mowgli"), Some(true))
    );
    let u = home
        .run(&["-o", "json", "users", "update", "mo@example.com", "--no-admin"])
        .json();
    assert_eq!(u["is_admin"], false);
    home.run(&["users", "update", "mo"]).fails(2).stderr_has("--name");
    home.run(&["users", "update", "mo", "--admin", "--no-admin"])
        .fails(2);

    // Disabled, the token stops working; enabled, it works again.
    home.run(&["users", "disable", "mo"]).ok();
    assert_eq!(server.api(&mo, "GET", "/v1/users/me", None).0, 401);
    let u = home.run(&["-o", "json", "users", "enable", "mo"]).ok().json();
    assert_eq!(u["disabled"], false);
    assert_eq!(server.api(&mo, "GET", "/v1/users/me", None).0, 200);

    // The last administrator: demoting or deleting is a conflict with a hint.
    let r = home.run(&["users", "update", "admin", "--no-admin"]);
    r.fails(5)
        .one_error()
        .stderr_has("error: 'admin' is the last active server administrator")
        .stderr_has("hint: make another user an administrator first");
    home.run(&["users", "delete", "admin", "--yes"])
        .fails(4)
        .stderr_has("cannot delete yourself");
    // The last owner of a project is kept too.
    home.run(&["users", "update", "mo", "--admin"]).ok();
    let mo_home = Home::new();
    mo_home.login(&server, &mo);
    mo_home
        .run(&["users", "delete", "admin", "--yes"])
        .fails(5)
        .stderr_has("without an owner");
    // Deleting asks first (no terminal: --yes is needed) and removes the user.
    mo_home
        .run(&[
            "users",
            "create",
            "--username",
            "ned",
            "--email",
            "ned@example.com",
        ])
        .ok();
    mo_home
        .run(&["users", "delete", "ned"])
        .fails(2)
        .stderr_has("hint: pass --yes");
    mo_home.run(&["users", "delete", "ned", "--yes"]).ok();
    mo_home.run(&["users", "delete", "ned", "--yes"]).fails(3);
    let names: Vec<String> = mo_home
        .run(&["-q", "users", "list"])
        .stdout
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(names, ["admin", "mo"]);
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
    home.run(&["audit", "list", "--since", "last tuesday"])
        .fails(2)
        .stderr_has("invalid time");
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
