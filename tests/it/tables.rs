//! Text tables and lists beyond the terminal: id prefixes (like git and jj),
//! `--limit`, expired and disabled bindings, `-o wide`.

use insta::assert_snapshot;

use crate::harness::admin_with_project;

/// The shortest prefix (at least 8) of `id` that no other of `ids` starts with.
fn unique_prefix<'a>(id: &'a str, ids: &[String]) -> &'a str {
    let n = (8..=36)
        .find(|&n| ids.iter().all(|o| o == id || !o.starts_with(&id[..n])))
        .unwrap();
    &id[..n]
}

#[test]
fn binding_ids_take_unique_prefixes_and_ambiguous_ones_list_the_candidates() {
    let (server, home) = admin_with_project();
    for user in ["bob", "carol", "dan"] {
        server.user_with_token(user, &format!("{user}@example.com"), user);
        home.bind(&[], &format!("{user}@example.com"), "viewer");
    }
    let json = home.run(&["-o", "json", "roles", "list-bindings"]).json();
    let ids: Vec<String> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    // Two ids sharing at least 8 characters (UUIDv7s of the same minute share 8;
    // the four bindings here were made within seconds).
    let (a, b) = ids
        .iter()
        .enumerate()
        .flat_map(|(i, a)| ids[i + 1..].iter().map(move |b| (a, b)))
        .max_by_key(|(a, b)| a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count())
        .unwrap();
    let shared = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    assert!(shared >= 8, "{a} {b}");
    let ambiguous = &a[..shared];
    let r = home.run(&["roles", "delete-binding", ambiguous]);
    r.fails(2)
        .stderr_has(&format!("error: '{ambiguous}' is ambiguous"))
        .stderr_has(a)
        .stderr_has(b);
    assert_eq!(
        home.run(&["-q", "roles", "list-bindings"]).lines().len(),
        ids.len()
    );

    let bob = json
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["principal"]["username"] == "bob")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let prefix = unique_prefix(&bob, &ids);
    home.run(&["roles", "delete-binding", &prefix.to_uppercase()])
        .ok()
        .stderr_has(&format!("Deleted role binding {bob}"));
    let left = home.run(&["-q", "roles", "list-bindings"]);
    assert_eq!(left.lines().len(), ids.len() - 1);
    assert!(!left.stdout.contains(&bob));
    home.run(&["roles", "delete-binding", prefix])
        .fails(3)
        .stderr_has(&format!("no role binding id starts with '{prefix}'"));
    // Shorter than 8: taken as a whole id.
    home.run(&["roles", "delete-binding", &bob[..7]]).fails(3);
}

#[test]
fn every_list_takes_limit_and_fetches_no_more_pages_than_needed() {
    let (server, home) = admin_with_project();
    for user in ["bob", "carol", "dan", "erin"] {
        server.user_with_token(user, &format!("{user}@example.com"), user);
        home.bind(&[], &format!("{user}@example.com"), "viewer");
    }
    for (args, n) in [
        (&["roles", "list-bindings"][..], 2),
        (&["users", "list"], 3),
        (&["audit", "list"], 4),
        (&["roles", "list"], 1),
        (&["roles", "permissions"], 2),
        (&["project", "users", "list"], 2),
        (&["config", "contexts", "list"], 1),
    ] {
        let n_s = n.to_string();
        let mut argv = vec!["-o", "json"];
        argv.extend(args);
        argv.extend(["--limit", &n_s]);
        let r = home.run(&argv);
        assert_eq!(r.json().as_array().unwrap().len(), n, "{args:?}");
        let mut text: Vec<&str> = args.to_vec();
        text.extend(["--limit", &n_s]);
        assert_eq!(home.run(&text).lines().len(), n + 1, "{args:?}");
    }
    // Only the pages needed: --limit 2 is one request for two items.
    let traced = home.run(&["-v", "audit", "list", "--limit", "2"]);
    let gets: Vec<&str> = traced.stderr.lines().filter(|l| l.starts_with("> GET")).collect();
    assert_eq!(
        gets.iter().filter(|l| l.contains("audit-events")).count(),
        1,
        "{gets:?}"
    );
    assert!(gets.iter().any(|l| l.contains("limit=2")), "{gets:?}");
    home.run(&["audit", "list", "--limit", "0"]).fails(2);
}

#[test]
fn expired_bindings_are_hidden_unless_all_and_disabled_users_are_marked() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    server.user_with_token("eve", "eve@example.com", "Eve");
    server.bind_expired(&home, "bob@example.com", "viewer");
    home.run(&[
        "roles",
        "add-binding",
        "--email",
        "bob@example.com",
        "--role",
        "developer",
        "--expires-at",
        "1h",
    ])
    .ok();
    home.bind(&[], "eve@example.com", "developer");
    // bob's developer binding ends in 59 minutes; the expired viewer one is left out.
    assert_snapshot!(home.run("roles list-bindings"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA  EXPIRES
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  Bob Builder <bob@example.com>  no   in 59m
    00000000-0000-0000-0000-000000000003  developer  Eve <eve@example.com>          no
    ----- stderr -----
    1 expired binding not shown (--all shows them)
    ");
    let json = home.run(&["-o", "json", "roles", "list-bindings"]).json();
    assert_eq!(json.as_array().unwrap().len(), 3, "json leaves them out too");
    // Wide shows when it expired (times of varying width: a cell check).
    let wide = home.run("-o wide roles list-bindings --all");
    assert!(wide.stdout.contains("Z (expired)"), "{wide}");
    assert_snapshot!(home.session(&[
        "roles list-bindings --all",
        "users disable eve",
        "roles list-bindings",
    ]), @"
    $ accessctl roles list-bindings --all
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA  EXPIRES
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  Bob Builder <bob@example.com>  no   in 59m
    00000000-0000-0000-0000-000000000003  developer  Eve <eve@example.com>          no
    00000000-0000-0000-0000-000000000004  viewer     Bob Builder <bob@example.com>  no   expired
    $ accessctl users disable eve
    USERNAME  eve
    EMAIL     eve@example.com
    NAME      Eve
    ADMIN     no
    DISABLED  yes
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Disabled user eve
    $ accessctl roles list-bindings
    ROLE BINDING ID                       ROLE       PRINCIPAL                         MFA  EXPIRES
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>     no
    00000000-0000-0000-0000-000000000002  developer  Bob Builder <bob@example.com>     no   in 59m
    00000000-0000-0000-0000-000000000003  developer  Eve <eve@example.com> (disabled)  no
    ----- stderr -----
    1 expired binding not shown (--all shows them)
    ");
    let json = home.run(&["-o", "json", "roles", "list-bindings"]).json();
    let eve = json
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["principal"]["username"] == "eve")
        .unwrap();
    assert_eq!(eve["principal"]["disabled"], true);
    let admin = json
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["principal"]["username"] == "admin")
        .unwrap();
    assert!(admin["principal"].get("disabled").is_none(), "absent when false");
}
