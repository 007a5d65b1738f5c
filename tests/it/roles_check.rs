//! `roles check`: allowed/denied per permission, the bindings that grant it, exit 0
//! when all are allowed and 6 when any is denied.

use insta::assert_snapshot;

use crate::harness::{Home, Run, admin_with_project, cells};

/// Exit 6 with the table on stdout and exactly one `error:` line naming the denied.
#[track_caller]
fn denied(r: &Run, message: &str) {
    r.code(6);
    assert_eq!(r.stderr.matches("error:").count(), 1, "{}", r.stderr);
    r.stderr_has(&format!("error: {message}\n"))
        .stderr_has("hint: `accessctl roles permissions --matrix`");
}

#[test]
fn check_answers_per_permission_with_the_granting_bindings() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    let add = |who: &[&str], role: &str| {
        let mut args = vec!["-q", "roles", "add-binding"];
        args.extend_from_slice(who);
        args.extend(["--role", role]);
        let r = home.run(&args);
        r.ok();
        r.stdout.trim().to_owned()
    };
    let viewer = add(&["--username", "bob"], "viewer");

    let r = home.run(&[
        "roles",
        "check",
        "services.view",
        "SERVICES.DEPLOY",
        "--user",
        "bob@example.com",
    ]);
    denied(&r, "bob@example.com lacks services.deploy in project 'shop'");
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(rows[0], ["PERMISSION", "ALLOWED", "GRANTED BY"]);
    assert_eq!(
        rows[1],
        ["services.view", "yes", &format!("viewer (binding {viewer})")]
    );
    assert_eq!(rows[2], ["services.deploy", "no"]);
    assert_eq!(rows.len(), 3);

    // JSON: the server's result per permission.
    let r = home.run(&[
        "-o",
        "json",
        "roles",
        "check",
        "services.view",
        "services.deploy",
        "--user",
        "bob",
    ]);
    r.code(6);
    let json = r.json();
    assert_eq!(json[0]["permission"], "services.view");
    assert_eq!(json[0]["allowed"], true);
    assert_eq!(json[0]["granted_by"][0]["binding_id"], viewer.as_str());
    assert_eq!(json[0]["granted_by"][0]["role"], "viewer");
    assert_eq!(json[1]["allowed"], false);
    assert_eq!(json[1]["granted_by"], serde_json::json!([]));
    // -q: the denied permissions, one a line.
    let r = home.run(&[
        "-q",
        "roles",
        "check",
        "services.view",
        "services.deploy",
        "routes.manage",
        "--user",
        "bob",
    ]);
    r.code(6);
    assert_eq!(r.lines(), ["services.deploy", "routes.manage"]);

    // All allowed: exit 0. A binding for all users grants too, and is named.
    home.run(&["roles", "check", "services.view", "--user", "BOB"])
        .ok();
    let everyone = add(&["--all-users"], "developer");
    let r = home.run(&["roles", "check", "services.deploy", "--user", "bob"]);
    r.ok();
    assert_eq!(
        cells(r.lines()[1]),
        [
            "services.deploy",
            "yes",
            &format!("developer via All Users (binding {everyone})")
        ]
    );

    // Without --user: the caller.
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run(&[
        "--project",
        "shop",
        "roles",
        "check",
        "services.deploy",
        "project.view",
    ])
    .ok();
    let r = bob.run(&["--project", "shop", "roles", "check", "members.manage"]);
    denied(&r, "you lack members.manage in project 'shop'");
}

#[test]
fn checking_others_needs_members_view_and_input_is_checked_first() {
    let (server, home) = admin_with_project();
    let carol_token = server.user_with_token("carol", "carol@example.com", "Carol");
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.run(&[
        "roles",
        "add-binding",
        "--username",
        "carol",
        "--role",
        "backoffice",
    ])
    .ok();
    let carol = Home::new();
    carol.login(&server, &carol_token);
    // backoffice holds project.view only: carol may check herself, not others.
    assert_snapshot!(carol.session(&[
        "--project shop roles check backoffice.use",
        "--project shop roles check backoffice.use --user bob",
    ]), @"
    $ accessctl --project shop roles check backoffice.use
    PERMISSION      ALLOWED  GRANTED BY
    backoffice.use  yes      backoffice (binding 00000000-0000-0000-0000-000000000001)
    $ accessctl --project shop roles check backoffice.use --user bob
    ----- stderr -----
    error: you need the 'members.view' permission in project 'shop'
    ----- exit 4 -----
    ");
    // 2 before any request: an unknown permission, an invalid email, none; 3: no such user.
    assert_snapshot!(home.session(&[
        "roles check services.view services.fly",
        "roles check services.view --user bob@",
        "roles check",
        "roles check services.view --user ghost",
    ]), @"
    $ accessctl roles check services.view services.fly
    ----- stderr -----
    error: unknown permission 'services.fly'
    hint: see the catalogue with `accessctl roles permissions`
    ----- exit 2 -----
    $ accessctl roles check services.view --user bob@
    ----- stderr -----
    error: invalid email 'bob@': email's domain needs a dot (like example.com)
    ----- exit 2 -----
    $ accessctl roles check
    ----- stderr -----
    error: the following required arguments were not provided:
      <PERMISSION>...

    Usage: accessctl roles check <PERMISSION>...

    For more information, try '--help'.
    ----- exit 2 -----
    $ accessctl roles check services.view --user ghost
    ----- stderr -----
    error: no user 'ghost'
    hint: see `accessctl project users list`
    ----- exit 3 -----
    ");
}
