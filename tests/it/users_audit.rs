//! `users list | create | disable` and `audit list`.

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
    server.block_on(async {
        let client = reqwest::Client::new();
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
