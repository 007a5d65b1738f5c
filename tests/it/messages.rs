//! Messages in the CLI's words (issue 13): no HTTP in any error, "did you mean",
//! `roles check` explaining the path, audit scopes and the audit detail of
//! `roles apply`, `projects new --use`.

use insta::assert_snapshot;

use crate::harness::{Home, Run, admin_with_project, cells};

/// Whether a message speaks HTTP: a `/v1/` path or a method name as a word.
fn names_http(text: &str) -> bool {
    text.contains("/v1/")
        || text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "GET" | "POST" | "PUT" | "PATCH" | "DELETE"))
}

#[test]
fn no_error_names_http_paths_or_methods() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    home.run(&["roles", "add-binding", "--username", "bob", "--role", "viewer"])
        .ok();
    let bob = Home::new();
    bob.login(&server, &bob_token);
    home.run(&["teams", "create", "backend"]).ok();

    let mut runs: Vec<(&str, Run)> = vec![
        // Not found, in each shape the server has.
        (
            "not a member",
            home.run(&[
                "roles",
                "add-binding",
                "--email",
                "ghost@example.com",
                "--role",
                "viewer",
            ]),
        ),
        (
            "no team (binding)",
            home.run(&["roles", "add-binding", "--team", "ghost", "--role", "viewer"]),
        ),
        ("no team", home.run(&["teams", "members", "ghost"])),
        (
            "no team (delete)",
            home.run(&["--yes", "teams", "delete", "ghost"]),
        ),
        ("no project", home.run(&["--project", "ghost", "roles", "list"])),
        ("no role", home.run(&["roles", "show", "ghost"])),
        (
            "no binding",
            home.run(&["roles", "delete-binding", "01ARZ3NDEKTSV4RRFFQ69G5FAV"]),
        ),
        (
            "no invitation",
            home.run(&["roles", "invitations", "resend", "ghost@example.com"]),
        ),
        // Conflicts.
        ("team taken", home.run(&["teams", "create", "backend"])),
        ("project taken", home.run(&["projects", "new", "shop"])),
        ("built-in role", home.run(&["--yes", "roles", "delete", "viewer"])),
        (
            "member with another role",
            home.run(&[
                "roles",
                "invitations",
                "invite-user",
                "bob@example.com",
                "--role",
                "admin",
            ]),
        ),
        (
            "last owner",
            home.run(&["project", "users", "remove", "--email", "admin@example.com"]),
        ),
        // Permission denied.
        (
            "forbidden",
            bob.run(&[
                "--project",
                "shop",
                "roles",
                "add-binding",
                "--all-users",
                "--role",
                "viewer",
            ]),
        ),
        ("server-wide audit", bob.run(&["audit", "list", "--server-wide"])),
        ("org audit", bob.run(&["--org", "default", "audit", "list"])),
        (
            "users",
            bob.run(&["users", "create", "--username", "x", "--email", "x@example.com"]),
        ),
        // Usage.
        (
            "unknown role",
            home.run(&["roles", "add-binding", "--username", "bob", "--role", "nope"]),
        ),
        ("unknown permission", home.run(&["roles", "check", "nope.nope"])),
        (
            "unknown permission (create)",
            home.run(&["roles", "create", "r1", "--permission", "nope.nope"]),
        ),
        ("unknown action", home.run(&["audit", "list", "--action", "nope"])),
        (
            "no principal",
            home.run(&["roles", "add-binding", "--role", "viewer"]),
        ),
    ];
    // Already invited: a result line, not an error, and also in the CLI's words.
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "new@example.com",
        "--role",
        "viewer",
    ])
    .ok();
    runs.push((
        "already invited",
        home.run(&[
            "roles",
            "invitations",
            "invite-user",
            "new@example.com",
            "--role",
            "viewer",
        ]),
    ));
    for (what, r) in &runs {
        assert!(!names_http(&r.stderr), "{what}: stderr names HTTP:\n{}", r.stderr);
    }
    // Each provoked what it meant to (an error that never happened proves nothing).
    for (what, code) in [
        ("not a member", 3),
        ("no team (binding)", 3),
        ("no team", 3),
        ("no project", 3),
        ("team taken", 5),
        ("member with another role", 5),
        ("last owner", 5),
        ("forbidden", 4),
        ("server-wide audit", 4),
        ("org audit", 4),
        ("unknown role", 2),
        ("unknown action", 2),
    ] {
        let (_, r) = runs.iter().find(|(w, _)| *w == what).unwrap();
        assert_eq!(r.code, code, "{what}: {}", r.stderr);
        assert!(r.stderr.contains("error: "), "{what}: {}", r.stderr);
    }
    let get = |what: &str| &runs.iter().find(|(w, _)| *w == what).unwrap().1;
    get("not a member")
        .stderr_has("hint: invite them with `accessctl roles invitations invite-user EMAIL --role ROLE`");
    get("member with another role").stderr_has("already a member with role(s) viewer");
    get("already invited").stderr_has(
        "new@example.com: already invited as viewer; `accessctl roles invitations resend new@example.com` gets a new code",
    );
}

#[test]
fn mistyped_names_get_did_you_mean() {
    let (_server, home) = admin_with_project();
    home.run("teams create backend").ok();
    assert_snapshot!(home.session(&[
        "roles add-binding --all-users --role devloper",
        "roles show viewr",
        "roles check services.deplyo",
        "roles add-binding --team bakend --role viewer",
        "--project shpo roles list",
        "audit list --action role_binding.crate",
        // Nothing close: the list, not a guess.
        "roles add-binding --all-users --role zzzzzz",
    ]), @"
    $ accessctl roles add-binding --all-users --role devloper
    ----- stderr -----
    error: unknown role 'devloper' in project 'shop'
    hint: did you mean 'developer'?
    ----- exit 2 -----
    $ accessctl roles show viewr
    ----- stderr -----
    error: no role 'viewr' in project 'shop'
    hint: did you mean 'viewer'?
    ----- exit 3 -----
    $ accessctl roles check services.deplyo
    ----- stderr -----
    error: unknown permission 'services.deplyo'
    hint: did you mean 'services.deploy'?
    ----- exit 2 -----
    $ accessctl roles add-binding --team bakend --role viewer
    ----- stderr -----
    error: no team 'bakend'
    hint: did you mean 'backend'?
    ----- exit 3 -----
    $ accessctl --project shpo roles list
    ----- stderr -----
    error: no project 'shpo' (or you cannot see it)
    hint: did you mean 'shop'?
    ----- exit 3 -----
    $ accessctl audit list --action role_binding.crate
    ----- stderr -----
    error: unknown audit action 'role_binding.crate'
    hint: did you mean 'role_binding.create'?
    ----- exit 2 -----
    $ accessctl roles add-binding --all-users --role zzzzzz
    ----- stderr -----
    error: unknown role 'zzzzzz' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 2 -----
    ");
}

#[test]
fn roles_check_explains_each_path() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.run(&["teams", "create", "backend"]).ok();
    home.run(&["teams", "add-member", "backend", "--email", "bob@example.com"])
        .ok();
    let add = |who: &[&str], role: &str| {
        let mut args = vec!["-q", "roles", "add-binding"];
        args.extend_from_slice(who);
        args.extend(["--role", role]);
        let r = home.run(&args);
        r.ok();
        r.stdout.trim().to_owned()
    };
    home.run(&["roles", "create", "stager", "--permission", "env.staging.deploy"])
        .ok();
    let team = add(&["--team", "backend"], "developer");
    let everyone = add(&["--all-users"], "viewer");
    let direct = add(&["--username", "bob"], "stager");
    let r = home.run(&[
        "roles",
        "check",
        "services.deploy",
        "services.view",
        "env.staging.view",
        "--user",
        "bob",
    ]);
    r.ok();
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(
        rows[1],
        [
            "services.deploy",
            "yes",
            &format!("developer via team:backend (binding {team})")
        ]
    );
    assert_eq!(
        rows[2],
        [
            "services.view",
            "yes",
            &format!(
                "developer via team:backend (binding {team}); viewer via All Users (binding {everyone})"
            )
        ]
    );
    assert_eq!(
        rows[3],
        [
            "env.staging.view",
            "yes",
            &format!("stager (binding {direct}), env.staging.deploy ⇒ env.staging.view")
        ]
    );
    // JSON: the principal and the granted permission, from the server.
    let json = home
        .run(&[
            "-o",
            "json",
            "roles",
            "check",
            "env.staging.view",
            "--user",
            "bob",
        ])
        .json();
    let g = &json[0]["granted_by"][0];
    assert_eq!(g["permission"], "env.staging.deploy");
    assert_eq!(g["principal"]["type"], "user");
    assert_eq!(g["principal"]["username"], "bob");
}

#[test]
fn audit_lists_org_and_server_events_and_apply_records_its_bindings() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    home.run(&["teams", "create", "backend"]).ok();
    let actions = |r: &Run| -> Vec<String> {
        r.ok();
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    let project = actions(&home.run(&["-o", "json", "audit", "list"]));
    assert!(project.contains(&"project.create".to_owned()), "{project:?}");
    assert!(!project.contains(&"team.create".to_owned()), "{project:?}");
    let org = actions(&home.run(&["-o", "json", "--org", "default", "audit", "list"]));
    assert!(org.contains(&"team.create".to_owned()), "{org:?}");
    assert!(org.contains(&"project.create".to_owned()), "{org:?}");
    assert!(!org.contains(&"user.create".to_owned()), "{org:?}");
    let all = actions(&home.run(&["-o", "json", "audit", "list", "--server-wide"]));
    for a in ["server.bootstrap", "user.create", "team.create", "project.create"] {
        assert!(all.contains(&a.to_owned()), "{a}: {all:?}");
    }
    // Only `--org` on the command line changes the scope, not the context's org.
    home.run(&["config", "set", "org", "default"]).ok();
    let from_context = actions(&home.run(&["-o", "json", "audit", "list"]));
    assert!(
        !from_context.contains(&"team.create".to_owned()),
        "{from_context:?}"
    );
    home.run(&["--org", "nope", "audit", "list"])
        .fails(3)
        .stderr_has("error: org 'nope' not found");
    home.run(&["--org", "default", "audit", "list", "--server-wide"])
        .fails(2);
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run(&["--org", "default", "audit", "list"])
        .fails(4)
        .stderr_has("only an owner or admin of org 'default' can read its audit log");

    // roles apply: the event names the bindings added and removed.
    let doc = "bindings:\n  - role: admin\n    principal: {type: user, email: admin@example.com}\n  - role: viewer\n    principal: {type: all-users}\n";
    home.run_stdin(&["--yes", "roles", "apply", "-f", "-", "--prune"], Some(doc))
        .ok();
    let events = home
        .run(&["-o", "json", "audit", "list", "--action", "policy.apply"])
        .json();
    let d = &events[0]["details"];
    assert_eq!(d["added"], 1, "{d}");
    assert_eq!(d["added_bindings"][0]["role"], "viewer", "{d}");
    assert_eq!(d["added_bindings"][0]["principal"], "all-users", "{d}");
    assert!(d["added_bindings"][0]["binding_id"].is_string(), "{d}");
    let r = home.run(&["audit", "list", "--action", "policy.apply"]);
    r.ok().stdout_has("+viewer for all-users");
    // TARGET of a binding event names the role and the principal.
    home.run(&["roles", "add-binding", "--team", "backend", "--role", "developer"])
        .ok();
    home.run(&["audit", "list", "--action", "role_binding.create"])
        .ok()
        .stdout_has("developer for team:backend (");
}

#[test]
fn projects_new_says_how_to_select_it_or_selects_it() {
    let (_server, home) = admin_with_project();
    assert_snapshot!(home.session(&[
        "-q projects new web",
        "projects new web2",
        "config get project",
        "projects new api --use",
        "config get project",
    ]), @"
    $ accessctl -q projects new web
    web
    $ accessctl projects new web2
    NAME         web2
    DESCRIPTION
    PRESET       akka
    MY ROLES     admin
    ID           00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created project web2 (akka roles)
    Select it with `accessctl config set project web2`, or pass --project web2 to each command
    $ accessctl config get project
    shop
    $ accessctl projects new api --use
    NAME         api
    DESCRIPTION
    PRESET       akka
    MY ROLES     admin
    ID           00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created project api (akka roles)
    Selected project api in context test
    $ accessctl config get project
    api
    ");
}
