//! `roles list | show | permissions | list-bindings | add-binding | delete-binding`
//! against a real accessd, including the Kalix/Akka doc examples verbatim. Each
//! step is the command line a user types and the whole transcript it prints
//! (stdout, stderr, exit code) as an inline snapshot: see `harness::Run`'s
//! `Display` for what is normalised.

use insta::assert_snapshot;

use crate::harness::{Home, admin_with_project, cells};

#[test]
fn akka_doc_examples_work_verbatim() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    server.user_with_token("carol", "carol@example.com", "Carol Cook");

    assert_snapshot!(home.run("roles add-binding --email bob@example.com --role developer"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  developer  Bob Builder <bob@example.com>  no
    ----- stderr -----
    Granted role developer in project shop
    ");
    assert_snapshot!(home.run("roles add-binding --username carol --role admin"), @"
    ROLE BINDING ID                       ROLE   PRINCIPAL                       MFA
    00000000-0000-0000-0000-000000000001  admin  Carol Cook <carol@example.com>  no
    ----- stderr -----
    Granted role admin in project shop
    ");
    // The Akka layout, sorted by role rank, then principal.
    let r = home.run("roles list-bindings");
    assert_snapshot!(r, @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                       MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>   no
    00000000-0000-0000-0000-000000000002  admin      Carol Cook <carol@example.com>  no
    00000000-0000-0000-0000-000000000003  developer  Bob Builder <bob@example.com>   no
    ");
    let bob_binding = cells(r.lines()[3])[0].clone();
    assert_snapshot!(home.run(&["roles", "delete-binding", &bob_binding]), @"
    ----- stderr -----
    Deleted role binding 00000000-0000-0000-0000-000000000001
    ");
    assert_snapshot!(home.run("-q roles list-bindings"), @"
    00000000-0000-0000-0000-000000000001
    00000000-0000-0000-0000-000000000002
    ");
}

#[test]
fn wide_adds_the_kalix_columns() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    home.bind(&[], "bob@example.com", "developer");
    let wide = home.run("-o wide roles list-bindings");
    wide.ok();
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
    assert_eq!(wide.lines().len(), 3, "{wide}");
}

#[test]
fn roles_are_case_insensitive_and_unknown_roles_name_the_valid_ones() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    assert_snapshot!(home.run("-q roles add-binding --email BOB@Example.com --role Developer"), @"00000000-0000-0000-0000-000000000001");
    assert_snapshot!(home.run("roles add-binding --email bob@example.com --role wizard"), @"
    ----- stderr -----
    error: unknown role 'wizard' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("roles show wizard"), @"
    ----- stderr -----
    error: no role 'wizard' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 3 -----
    ");
}

#[test]
fn duplicate_binding_is_already_there_and_exit_0() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    let first = home.run("-q roles add-binding --username bob --role viewer");
    first.ok();
    assert_snapshot!(home.run("roles add-binding --username bob --role viewer"), @"
    ----- stderr -----
    already bound: that principal already has role viewer (binding 00000000-0000-0000-0000-000000000001)
    ");
    let quiet = home.run("-q roles add-binding --username bob --role VIEWER");
    quiet.ok();
    assert_eq!(quiet.stdout, first.stdout, "-q prints the existing binding id");
}

#[test]
fn unknown_binding_and_unknown_user() {
    let (_server, home) = admin_with_project();
    assert_snapshot!(home.run("roles delete-binding 01900000-0000-7000-8000-000000000000"), @"
    ----- stderr -----
    error: no role binding '00000000-0000-0000-0000-000000000001' in project 'shop'
    hint: see `accessctl roles list-bindings`
    ----- exit 3 -----
    ");
    // Several: a line per missing binding, one error line (the summary).
    assert_snapshot!(home.run(
        "roles delete-binding 01900000-0000-7000-8000-000000000001 01900000-0000-7000-8000-000000000002"
    ), @"
    ----- stderr -----
    00000000-0000-0000-0000-000000000001: no role binding '00000000-0000-0000-0000-000000000001' in project 'shop'
    00000000-0000-0000-0000-000000000002: no role binding '00000000-0000-0000-0000-000000000002' in project 'shop'
    error: 2 of 2 failed
    hint: see `accessctl roles list-bindings`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("roles add-binding --email nobody@example.com --role viewer"), @"
    ----- stderr -----
    error: no member of project 'shop' or its org matches 'nobody@example.com'; only members can be bound directly: invite them to this project (accepting binds them in this project only), or ask an org owner or admin or a server administrator to add them to the org
    hint: invite them with `accessctl roles invitations invite-user EMAIL --role ROLE`
    ----- exit 3 -----
    ");
}

#[test]
fn last_owner_cannot_be_removed() {
    let (_server, home) = admin_with_project();
    let id = home.run("-q roles list-bindings").stdout.trim().to_owned();
    assert_snapshot!(home.run(&["roles", "delete-binding", &id]), @"
    ----- stderr -----
    error: that would leave project 'shop' without an owner; make someone else an owner first
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    ");
    assert_eq!(home.run("-q roles list-bindings").stdout.trim(), id);
}

#[test]
fn without_permission_is_exit_4() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    server.user_with_token("carol", "carol@example.com", "Carol");
    home.bind(&[], "bob@example.com", "developer");
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run("--project shop roles list-bindings").ok();
    assert_snapshot!(bob.run("--project shop roles add-binding --email carol@example.com --role viewer"), @"
    ----- stderr -----
    error: you need the 'members.manage' permission in this project for that
    ----- exit 4 -----
    ");
    let id = bob.run("--project shop -q roles list-bindings").lines()[0].to_owned();
    assert_snapshot!(bob.run(&["--project", "shop", "roles", "delete-binding", &id]), @"
    ----- stderr -----
    error: you need the 'members.manage' permission in this project for that
    ----- exit 4 -----
    ");
}

#[test]
fn not_logged_in_is_exit_4_with_login_hint() {
    let (server, _home) = admin_with_project();
    let stranger = Home::new();
    assert_snapshot!(stranger.run(&format!("--server {} --project shop roles list-bindings", server.url)), @"
    ----- stderr -----
    error: not logged in to [SERVER]
    hint: accessctl auth login --server [SERVER]
    ----- exit 4 -----
    ");
}

#[test]
fn filters_all_users_and_formats() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.bind(&[], "bob@example.com", "viewer");
    assert_snapshot!(home.run("roles add-binding --all-users --role viewer"), @"
    ROLE BINDING ID                       ROLE    PRINCIPAL  MFA
    00000000-0000-0000-0000-000000000001  viewer  All Users
    ----- stderr -----
    warning: this grants 'viewer' to every active user of the organization
    Granted role viewer in project shop
    ");
    assert_snapshot!(home.run("roles list-bindings --principal-type all-users"), @"
    ROLE BINDING ID                       ROLE    PRINCIPAL  MFA
    00000000-0000-0000-0000-000000000001  viewer  All Users
    ");
    let rows = home.run("-o json roles list-bindings --role VIEWER").json();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["principal"]["type"], "all-users");
    assert_eq!(rows[1]["principal"]["email"], "bob@example.com");
    // Every column, with the dates normalised.
    assert_snapshot!(home.run("-o csv roles list-bindings --role viewer"), @"
    ROLE BINDING ID,ROLE,PRINCIPAL,USERNAME,EMAIL,NAME,MFA,EXPIRES,CREATED
    00000000-0000-0000-0000-000000000001,viewer,All Users,,,,,,[TIME]
    00000000-0000-0000-0000-000000000002,viewer,Bob <bob@example.com>,bob,bob@example.com,Bob,no,,[TIME]
    ");
    let r = home.run("-o tsv roles list-bindings --role viewer");
    assert_eq!(r.lines()[0].split('\t').count(), 9);
    let r = home.run("-o yaml roles list-bindings --role viewer");
    let yaml: serde_json::Value = yaml_serde::from_str(&r.stdout).unwrap();
    assert_eq!(yaml.as_array().unwrap().len(), 2);
    let r = home.run("-o json-compact roles list-bindings");
    assert_eq!(r.stdout.lines().count(), 1);
    assert_snapshot!(home.run("roles list-bindings --principal-type robot"), @"
    ----- stderr -----
    error: invalid value 'robot' for '--principal-type <TYPE>'
      [possible values: user, team, all-users]

    For more information, try '--help'.
    ----- exit 2 -----
    ");
}

#[test]
fn list_show_and_permissions() {
    let (_server, home) = admin_with_project();
    assert_snapshot!(home.run("roles list"), @"
    NAME        DESCRIPTION                                                BUILT-IN
    admin       Full control of the project, its members and its services  yes
    developer   Deploy and update services, manage routes and secrets      yes
    viewer      Read-only access to the project and its services           yes
    backoffice  Use backoffice functions only                              yes
    ");
    assert_snapshot!(home.run("roles show BACKOFFICE"), @"
    PERMISSION      DESCRIPTION
    project.view    See the project, its settings and that it exists
    backoffice.use  Use backoffice functions
    ----- stderr -----
    Role backoffice (built-in): Use backoffice functions only
    ");
    assert_eq!(home.run("-o json roles show admin").json()["owner_grade"], true);
    let r = home.run("roles permissions");
    r.ok()
        .stdout_has("project.view")
        .stdout_has("env.production.manage");
    let r = home.run("roles permissions --matrix");
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
    assert_snapshot!(home.run("roles add-binding --team ops --role viewer"), @"
    ----- stderr -----
    error: no team 'ops'
    hint: see `accessctl teams list`
    ----- exit 3 -----
    ");
}
