//! `roles list | show | permissions | list-bindings | add-binding | delete-binding`
//! against a real accessd, including the Kalix/Akka doc examples verbatim.

use crate::harness::{Home, admin_with_project, cells};

#[test]
fn akka_doc_examples_work_verbatim() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    server.user_with_token("carol", "carol@example.com", "Carol Cook");

    let r = home.run(&[
        "roles",
        "add-binding",
        "--email",
        "bob@example.com",
        "--role",
        "developer",
    ]);
    r.ok().stderr_has("Granted role developer in project shop");
    assert_eq!(cells(r.lines()[1])[1], "developer");
    home.run(&["roles", "add-binding", "--username", "carol", "--role", "admin"])
        .ok();

    let r = home.run(&["roles", "list-bindings"]);
    r.ok();
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    // The Akka layout; `-o wide` adds the Kalix columns.
    assert_eq!(rows[0], ["ROLE BINDING ID", "ROLE", "PRINCIPAL", "MFA"]);
    let wide = home.run(&["-o", "wide", "roles", "list-bindings"]);
    assert_eq!(
        cells(wide.lines()[0]),
        [
            "ROLE BINDING ID",
            "ROLE",
            "PRINCIPAL",
            "USERNAME",
            "EMAIL",
            "NAME",
            "MFA",
            "CREATED"
        ]
    );
    // Sorted by role rank, then principal.
    let summary: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[1].as_str(), r[2].as_str())).collect();
    assert_eq!(
        summary,
        [
            ("admin", "Ada Admin <admin@example.com>"),
            ("admin", "Carol Cook <carol@example.com>"),
            ("developer", "Bob Builder <bob@example.com>"),
        ]
    );
    let bob_binding = rows[3][0].clone();
    home.run(&["roles", "delete-binding", &bob_binding])
        .ok()
        .stderr_has("Deleted role binding");
    let r = home.run(&["-q", "roles", "list-bindings"]);
    assert_eq!(r.lines().len(), 2);
    assert!(!r.stdout.contains(&bob_binding));
}

#[test]
fn roles_are_case_insensitive_and_unknown_roles_name_the_valid_ones() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.bind(&[], "BOB@Example.com", "Developer");
    home.run(&[
        "roles",
        "add-binding",
        "--email",
        "bob@example.com",
        "--role",
        "wizard",
    ])
    .fails(2)
    .stderr_has("error: unknown role 'wizard' in project 'shop'\n")
    .stderr_has("hint: valid roles: admin, developer, viewer, backoffice");
    home.run(&["roles", "show", "wizard"])
        .fails(3)
        .stderr_has("no role 'wizard'")
        .stderr_has("hint: valid roles:");
}

#[test]
fn duplicate_binding_is_already_there_and_exit_0() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    let first = home.run(&[
        "-q",
        "roles",
        "add-binding",
        "--username",
        "bob",
        "--role",
        "viewer",
    ]);
    first.ok();
    let again = home.run(&["roles", "add-binding", "--username", "bob", "--role", "viewer"]);
    again.ok().stderr_has("already");
    assert_eq!(again.stdout, "");
    let quiet = home.run(&[
        "-q",
        "roles",
        "add-binding",
        "--username",
        "bob",
        "--role",
        "VIEWER",
    ]);
    quiet.ok();
    assert_eq!(quiet.stdout, first.stdout, "-q prints the existing binding id");
}

#[test]
fn unknown_binding_and_unknown_user() {
    let (_server, home) = admin_with_project();
    home.run(&["roles", "delete-binding", "01900000-0000-7000-8000-000000000000"])
        .fails(3)
        .stderr_has("no role binding")
        .stderr_has("hint: see `accessctl roles list-bindings`");
    // Several: a line per missing binding, one error line (the summary).
    home.run(&[
        "roles",
        "delete-binding",
        "01900000-0000-7000-8000-000000000001",
        "01900000-0000-7000-8000-000000000002",
    ])
    .fails(3)
    .stderr_has("01900000-0000-7000-8000-000000000001: no role binding")
    .stderr_has("01900000-0000-7000-8000-000000000002: no role binding")
    .stderr_has("error: 2 of 2 failed\nhint: see `accessctl roles list-bindings`");
    home.run(&[
        "roles",
        "add-binding",
        "--email",
        "nobody@example.com",
        "--role",
        "viewer",
    ])
    .fails(3)
    .stderr_has("hint: invite them");
}

#[test]
fn last_owner_cannot_be_removed() {
    let (_server, home) = admin_with_project();
    let id = home
        .run(&["-q", "roles", "list-bindings"])
        .stdout
        .trim()
        .to_owned();
    home.run(&["roles", "delete-binding", &id])
        .fails(5)
        .stderr_has("hint: grant the owner role");
    assert_eq!(home.run(&["-q", "roles", "list-bindings"]).stdout.trim(), id);
}

#[test]
fn without_permission_is_exit_4() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    server.user_with_token("carol", "carol@example.com", "Carol");
    home.bind(&[], "bob@example.com", "developer");
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run(&["--project", "shop", "roles", "list-bindings"]).ok();
    bob.run(&[
        "--project",
        "shop",
        "roles",
        "add-binding",
        "--email",
        "carol@example.com",
        "--role",
        "viewer",
    ])
    .fails(4);
    let id = bob
        .run(&["--project", "shop", "-q", "roles", "list-bindings"])
        .lines()[0]
        .to_owned();
    bob.run(&["--project", "shop", "roles", "delete-binding", &id])
        .fails(4);
}

#[test]
fn not_logged_in_is_exit_4_with_login_hint() {
    let (server, _home) = admin_with_project();
    let stranger = Home::new();
    stranger
        .run(&[
            "--server",
            &server.url,
            "--project",
            "shop",
            "roles",
            "list-bindings",
        ])
        .fails(4)
        .stderr_has(&format!("error: not logged in to {}", server.url))
        .stderr_has(&format!("hint: accessctl auth login --server {}", server.url));
}

#[test]
fn filters_all_users_and_formats() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.bind(&[], "bob@example.com", "viewer");
    let r = home.run(&["roles", "add-binding", "--all-users", "--role", "viewer"]);
    r.ok()
        .stderr_has("warning: this grants 'viewer' to every active user");
    assert!(r.stdout.contains("All Users"));

    let r = home.run(&["roles", "list-bindings", "--principal-type", "all-users"]);
    assert_eq!(r.lines().len(), 2);
    assert_eq!(cells(r.lines()[1])[1..], ["viewer", "All Users"]);
    let r = home.run(&["-o", "json", "roles", "list-bindings", "--role", "VIEWER"]);
    let rows = r.json();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["principal"]["type"], "all-users");
    assert_eq!(rows[1]["principal"]["email"], "bob@example.com");

    let r = home.run(&["-o", "csv", "roles", "list-bindings", "--role", "viewer"]);
    assert_eq!(
        r.lines()[0],
        "ROLE BINDING ID,ROLE,PRINCIPAL,USERNAME,EMAIL,NAME,MFA,EXPIRES,CREATED"
    );
    let r = home.run(&["-o", "tsv", "roles", "list-bindings", "--role", "viewer"]);
    assert_eq!(r.lines()[0].split('\t').count(), 9);
    let r = home.run(&["-o", "yaml", "roles", "list-bindings", "--role", "viewer"]);
    let yaml: serde_json::Value = yaml_serde::from_str(&r.stdout).unwrap();
    assert_eq!(yaml.as_array().unwrap().len(), 2);
    let r = home.run(&["-o", "json-compact", "roles", "list-bindings"]);
    assert_eq!(r.stdout.lines().count(), 1);
    home.run(&["roles", "list-bindings", "--principal-type", "robot"])
        .code(2);
}

#[test]
fn list_show_and_permissions() {
    let (_server, home) = admin_with_project();
    let r = home.run(&["roles", "list"]);
    r.ok();
    assert_eq!(cells(r.lines()[0]), ["NAME", "DESCRIPTION", "BUILT-IN"]);
    let names: Vec<String> = r.lines()[1..].iter().map(|l| cells(l)[0].clone()).collect();
    assert_eq!(names, ["admin", "developer", "viewer", "backoffice"]);

    let r = home.run(&["roles", "show", "BACKOFFICE"]);
    r.ok().stderr_has("Role backoffice (built-in)");
    assert_eq!(cells(r.lines()[0]), ["PERMISSION", "DESCRIPTION"]);
    let perms: Vec<String> = r.lines()[1..].iter().map(|l| cells(l)[0].clone()).collect();
    assert!(
        perms.contains(&"backoffice.use".to_owned()) && perms.contains(&"project.view".to_owned()),
        "{perms:?}"
    );
    assert_eq!(
        home.run(&["-o", "json", "roles", "show", "admin"]).json()["owner_grade"],
        true
    );

    let r = home.run(&["roles", "permissions"]);
    r.ok()
        .stdout_has("project.view")
        .stdout_has("env.production.manage");
    let r = home.run(&["roles", "permissions", "--matrix"]);
    assert_eq!(
        cells(r.lines()[0]),
        ["PERMISSION", "admin", "developer", "viewer", "backoffice"]
    );
    let backoffice = r
        .lines()
        .into_iter()
        .find(|l| l.starts_with("backoffice.use"))
        .unwrap()
        .to_owned();
    assert_eq!(cells(&backoffice), ["backoffice.use", "✓", "✓"]);
}

#[test]
fn add_binding_json_is_one_object_and_version_works_anywhere() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    let r = home.run(&[
        "roles",
        "add-binding",
        "--email",
        "bob@example.com",
        "--role",
        "viewer",
        "-o",
        "json",
    ]);
    let binding = r.json();
    assert_eq!(binding["role"]["name"], "viewer");
    assert_eq!(binding["principal"]["username"], "bob");
    home.run(&["roles", "list", "-V"]).ok().stdout_has("accessctl ");
}

#[test]
fn user_id_and_team_selectors() {
    let (server, home) = admin_with_project();
    server.user_with_token("zed", "zed@example.com", "Zed");
    let users = home.run(&["-o", "json", "users", "list"]).json();
    let zed = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "zed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = home.run(&[
        "-o",
        "json",
        "roles",
        "add-binding",
        "--user-id",
        &zed,
        "--role",
        "viewer",
    ]);
    r.ok();
    assert_eq!(r.json()["principal"]["id"], zed.as_str());
    // A team that does not exist is not found (exit 3), pointing to `teams list`.
    home.run(&["roles", "add-binding", "--team", "ops", "--role", "viewer"])
        .fails(3)
        .stderr_has("error: no team 'ops'")
        .stderr_has("hint: see `accessctl teams list`");
}
