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

    // Already invited: a result line, not an error, and also in the CLI's words.
    home.run("roles invitations invite-user new@example.com --role viewer")
        .ok();
    let admin = home.session(&[
        // Not found, in each shape the server has.
        "roles add-binding --email ghost@example.com --role viewer",
        "roles add-binding --team ghost --role viewer",
        "teams members ghost",
        "--yes teams delete ghost",
        "--project ghost roles list",
        "roles show ghost",
        "roles delete-binding 01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "roles invitations resend ghost@example.com",
        // Conflicts.
        "teams create backend",
        "projects new shop",
        "--yes roles delete viewer",
        "roles invitations invite-user bob@example.com --role admin",
        "project users remove --email admin@example.com",
        // Usage.
        "roles add-binding --username bob --role nope",
        "roles check nope.nope",
        "roles create r1 --permission nope.nope",
        "audit list --action nope",
        "roles add-binding --role viewer",
        // Already invited.
        "roles invitations invite-user new@example.com --role viewer",
    ]);
    // Permission denied.
    let denied = bob.session(&[
        "--project shop roles add-binding --all-users --role viewer",
        "audit list --server-wide",
        "--org default audit list",
        "users create --username x --email x@example.com",
    ]);
    for session in [&admin, &denied] {
        assert!(!names_http(session), "a message names HTTP:\n{session}");
    }
    assert_snapshot!(admin, @"
    $ accessctl roles add-binding --email ghost@example.com --role viewer
    ----- stderr -----
    error: no member of project 'shop' or its org matches 'ghost@example.com'; only members can be bound directly: invite them to this project (accepting binds them in this project only), or ask an org owner or admin or a server administrator to add them to the org
    hint: invite them with `accessctl roles invitations invite-user EMAIL --role ROLE`
    ----- exit 3 -----
    $ accessctl roles add-binding --team ghost --role viewer
    ----- stderr -----
    error: no team 'ghost'
    hint: see `accessctl teams list`
    ----- exit 3 -----
    $ accessctl teams members ghost
    ----- stderr -----
    error: no team 'ghost'
    hint: see `accessctl teams list`
    ----- exit 3 -----
    $ accessctl --yes teams delete ghost
    ----- stderr -----
    error: no team 'ghost'
    hint: see `accessctl teams list`
    ----- exit 3 -----
    $ accessctl --project ghost roles list
    ----- stderr -----
    error: no project 'ghost' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    $ accessctl roles show ghost
    ----- stderr -----
    error: no role 'ghost' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 3 -----
    $ accessctl roles delete-binding 01ARZ3NDEKTSV4RRFFQ69G5FAV
    ----- stderr -----
    error: no role binding '01ARZ3NDEKTSV4RRFFQ69G5FAV' in project 'shop'
    hint: see `accessctl roles list-bindings`
    ----- exit 3 -----
    $ accessctl roles invitations resend ghost@example.com
    ----- stderr -----
    error: no open invitation for ghost@example.com in project 'shop'
    hint: invite them: `accessctl roles invitations invite-user ghost@example.com --role ROLE`
    ----- exit 3 -----
    $ accessctl teams create backend
    ----- stderr -----
    error: a team named 'backend' exists in org 'default'
    ----- exit 5 -----
    $ accessctl projects new shop
    ----- stderr -----
    error: a project named 'shop' exists in this org; choose another name
    ----- exit 5 -----
    $ accessctl --yes roles delete viewer
    ----- stderr -----
    error: 'viewer' is a built-in role of the project's preset and cannot be changed
    hint: built-in roles come from the project's preset; make a custom role with `accessctl roles create`
    ----- exit 4 -----
    $ accessctl roles invitations invite-user bob@example.com --role admin
    ----- stderr -----
    error: bob@example.com: already a member with role(s) viewer; change their role instead of inviting them
    ----- exit 5 -----
    $ accessctl project users remove --email admin@example.com
    ----- stderr -----
    error: that would leave project 'shop' without an owner; make someone else an owner first
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    $ accessctl roles add-binding --username bob --role nope
    ----- stderr -----
    error: unknown role 'nope' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 2 -----
    $ accessctl roles check nope.nope
    ----- stderr -----
    error: unknown permission 'nope.nope'
    hint: see the catalogue with `accessctl roles permissions`
    ----- exit 2 -----
    $ accessctl roles create r1 --permission nope.nope
    ----- stderr -----
    error: unknown permission 'nope.nope'
    hint: see the catalogue with `accessctl roles permissions`
    ----- exit 2 -----
    $ accessctl audit list --action nope
    ----- stderr -----
    error: unknown audit action 'nope'
    hint: one of: server.bootstrap, server.admin-recover, project.create, project.update, project.delete, role.create, role.update, role.delete, role_binding.create, role_binding.delete, policy.apply, member.update, member.remove, member.leave, invitation.create, invitation.resend, invitation.delete, invitation.accept, invitation.decline, org.create, org.update, org.member.add, org.member.update, org.member.remove, org.invitation.create, org.invitation.delete, org.invitation.accept, org.invitation.decline, org.role.create, org.role.update, org.role.delete, org.cluster.create, org.cluster.delete, server_role.create, server_role.update, server_role.delete, preset_role.update, team.create, team.delete, team.member.add, team.member.remove, user.create, user.update, user.delete, token.create, token.revoke, auth.email-login, user.mfa-enable, user.mfa-disable, user.mfa-reset
    ----- exit 2 -----
    $ accessctl roles add-binding --role viewer
    ----- stderr -----
    error: the following required arguments were not provided:
      <--email <EMAIL>|--username <USERNAME>|--user-id <ID>|--team <TEAM>|--all-users>

    Usage: accessctl roles add-binding --role <ROLE> <--email <EMAIL>|--username <USERNAME>|--user-id <ID>|--team <TEAM>|--all-users>

    For more information, try '--help'.
    ----- exit 2 -----
    $ accessctl roles invitations invite-user new@example.com --role viewer
    ----- stderr -----
    new@example.com: already invited as viewer; `accessctl roles invitations resend new@example.com` gets a new code
    ");
    assert_snapshot!(denied, @"
    $ accessctl --project shop roles add-binding --all-users --role viewer
    ----- stderr -----
    error: you need the 'members.manage' permission in this project for that
    ----- exit 4 -----
    $ accessctl audit list --server-wide
    ----- stderr -----
    error: only a server administrator can do that
    ----- exit 4 -----
    $ accessctl --org default audit list
    ----- stderr -----
    error: only an owner or admin of org 'default' can read its audit log
    ----- exit 4 -----
    $ accessctl users create --username x --email x@example.com
    ----- stderr -----
    error: only a server administrator can do that
    ----- exit 4 -----
    ");
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
    assert_snapshot!(home.session(&[
        "--org nope audit list",
        "--org default audit list --server-wide",
    ]), @"
    $ accessctl --org nope audit list
    ----- stderr -----
    error: org 'nope' not found
    ----- exit 3 -----
    $ accessctl --org default audit list --server-wide
    ----- stderr -----
    error: --org and --server-wide cannot be used together
    hint: --server-wide lists every org's events
    ----- exit 2 -----
    ");
    let bob = Home::new();
    bob.login(&server, &bob_token);
    assert_snapshot!(bob.run("--org default audit list"), @"
    ----- stderr -----
    error: only an owner or admin of org 'default' can read its audit log
    ----- exit 4 -----
    ");

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
    // Wide: the time itself ([TIME]), not `0s ago`, which may tick over.
    assert_snapshot!(home.run("-o wide audit list --action policy.apply"), @"
    TIME                      ACTION        ACTOR  PROJECT  TARGET
    [TIME]  policy.apply  admin  shop     +viewer for all-users
    ");
    // TARGET of a binding event names the role and the principal.
    home.run("roles add-binding --team backend --role developer").ok();
    assert_snapshot!(home.run("-o wide audit list --action role_binding.create"), @"
    TIME                      ACTION               ACTOR  PROJECT  TARGET
    [TIME]  role_binding.create  admin  shop     developer for team:backend (00000000-0000-0000-0000-000000000001)
    ");
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
