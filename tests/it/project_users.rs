//! `project users list | invite | update | remove | leave` (the Goldsky tree) and the
//! Goldsky owner hierarchy, checked against a model written down here.

use crate::harness::{Home, Server, cells};

/// A machine that talks to `server` as the holder of `token`, project `project`,
/// with no config file (ACCESSCTL_SERVER/TOKEN/PROJECT, like a CI job).
fn as_user(server: &Server, token: &str, project: &str) -> Home {
    Home::new()
        .env("ACCESSCTL_SERVER", &server.url)
        .env("ACCESSCTL_TOKEN", token)
        .env("ACCESSCTL_PROJECT", project)
}

/// A new user (created by the server admin, so a member of the default org).
fn user(server: &Server, name: &str) -> (String, String) {
    let email = format!("{name}@example.com");
    let token = server.user_with_token(name, &email, &name.to_uppercase());
    (email, token)
}

/// Gives `email` exactly `role` in `project`, as the server admin (setup, raw API).
fn set_role(server: &Server, project: &str, email: &str, role: &str) {
    let (status, body) = server.api(
        &server.admin_token,
        "PUT",
        &format!("/v1/projects/{project}/members/{email}"),
        Some(serde_json::json!({ "role": role })),
    );
    assert_eq!(status, 200, "{body}");
}

/// `email`'s roles and status in `project`, read through the raw API.
fn roles_of(server: &Server, project: &str, email: &str) -> Option<(Vec<String>, String)> {
    let (status, body) = server.api(
        &server.admin_token,
        "GET",
        &format!("/v1/projects/{project}/members"),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().iter().find_map(|m| {
        (m["email"] == email).then(|| {
            let roles = m["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_owned())
                .collect();
            (roles, m["status"].as_str().unwrap().to_owned())
        })
    })
}

/// The server admin (also the default org's owner and the projects' creator).
fn admin(server: &Server, project: &str) -> Home {
    as_user(server, &server.admin_token.clone(), project)
}

/// A goldsky project created by the server admin.
fn goldsky(server: &Server, project: &str) -> Home {
    let home = admin(server, project);
    home.run(&["projects", "new", project, "--role-preset", "goldsky"])
        .ok();
    home
}

/// The invitation code printed in the CODE column for `email`.
fn code_for(stdout: &str, email: &str) -> String {
    stdout
        .lines()
        .map(cells)
        .find(|c| c.first().map(String::as_str) == Some(email))
        .unwrap_or_else(|| panic!("no row for {email}:\n{stdout}"))[4]
        .clone()
}

#[test]
fn goldsky_docs_commands_work_verbatim() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    let r = home.run(&[
        "project", "users", "invite", "--emails", "a@x.com", "b@x.com", "--role", "editor",
    ]);
    r.ok();
    assert_eq!(
        cells(r.lines()[0]),
        ["EMAIL", "STATUS", "ROLE", "EXPIRES", "CODE"]
    );
    assert_eq!(cells(r.lines()[1])[..3], ["a@x.com", "invited", "editor"]);
    assert_eq!(cells(r.lines()[2])[..3], ["b@x.com", "invited", "editor"]);
    let code = code_for(&r.stdout, "a@x.com");
    // a@x.com accepts on their own machine (a new account, its first token saved).
    let a = Home::new().env("ACCESSCTL_SERVER", &server.url);
    a.run(&["roles", "invitations", "accept", &code]).ok();

    let r = home.run(&[
        "project", "users", "update", "--email", "a@x.com", "--role", "admin",
    ]);
    r.ok().stderr_has("a@x.com now has role admin");
    assert_eq!(cells(r.lines()[1]), ["admin", "a@x.com", "member"]);

    let r = home.run(&["project", "users", "list"]);
    r.ok();
    assert_eq!(cells(r.lines()[0]), ["ROLE", "EMAIL", "NAME", "STATUS"]);
    let rows: Vec<Vec<String>> = r.lines()[1..].iter().map(|l| cells(l)).collect();
    assert!(
        rows.contains(&vec![
            "owner".into(),
            "admin@example.com".into(),
            "Ada Admin".into(),
            "member".into()
        ]),
        "{rows:?}"
    );
    assert!(
        rows.contains(&vec!["admin".into(), "a@x.com".into(), "member".into()]),
        "{rows:?}"
    );
    assert!(
        rows.contains(&vec!["editor".into(), "b@x.com".into(), "pending".into()]),
        "{rows:?}"
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        roles_of(&server, "web", "a@x.com"),
        Some((vec!["admin".into()], "member".into()))
    );
}

#[test]
fn list_json_quiet_and_expired_invitations() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    home.run(&["project", "users", "invite", "--emails", "old@x.com"])
        .ok();
    server.advance_clock(8 * 24 * 60 * 60 * 1000);
    home.run(&["project", "users", "invite", "--emails", "new@x.com"])
        .ok();
    let r = home.run(&["project", "users", "list"]);
    r.ok();
    let rows: Vec<Vec<String>> = r.lines()[1..].iter().map(|l| cells(l)).collect();
    assert!(
        rows.contains(&vec!["viewer".into(), "old@x.com".into(), "expired".into()]),
        "{rows:?}"
    );
    assert!(
        rows.contains(&vec!["viewer".into(), "new@x.com".into(), "pending".into()]),
        "{rows:?}"
    );

    let json = home.run(&["-o", "json", "project", "users", "list"]);
    json.ok();
    let items = json.json();
    let old = items
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "old@x.com")
        .unwrap();
    assert_eq!(old["status"], "expired");
    assert_eq!(old["roles"][0]["name"], "viewer");
    let quiet = home.run(&["-q", "project", "users", "list"]);
    quiet.ok();
    let mut ids: Vec<&str> = quiet.stdout.lines().collect();
    ids.sort();
    assert_eq!(ids, ["admin@example.com", "new@x.com", "old@x.com"]);
}

#[test]
fn invite_default_role_from_file_and_stdin() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    // No --role: the goldsky preset's lowest role.
    home.run(&["project", "users", "invite", "--emails", "v@x.com"])
        .ok()
        .stdout_has("viewer");
    assert_eq!(
        roles_of(&server, "web", "v@x.com"),
        Some((vec!["viewer".into()], "pending".into()))
    );

    let file = home.path().join("team.txt");
    std::fs::write(&file, "# the team\nf1@x.com\n\n   f2@x.com   # lead\n#f3@x.com\n").unwrap();
    let r = home.run(&[
        "project",
        "users",
        "invite",
        "--from-file",
        file.to_str().unwrap(),
        "--role",
        "Editor",
    ]);
    r.ok();
    assert_eq!(r.lines().len(), 3, "{}", r.stdout);
    assert_eq!(
        roles_of(&server, "web", "f2@x.com"),
        Some((vec!["editor".into()], "pending".into()))
    );
    assert_eq!(roles_of(&server, "web", "f3@x.com"), None);

    let r = home.run_stdin(
        &[
            "project",
            "users",
            "invite",
            "--from-file",
            "-",
            "--emails",
            "s0@x.com",
            "--role",
            "ADMIN",
        ],
        Some("s1@x.com\n# s2@x.com\ns1@x.com\n\nf1@x.com\n"),
    );
    // f1 was invited as editor: a pending invitation with another role is in the way.
    r.code(5)
        .stderr_has("f1@x.com: already invited as 'editor'")
        .stderr_has("error: 3 emails: 2 invited, 0 already invited, 1 failed (1 conflict)\n");
    assert_eq!(
        roles_of(&server, "web", "s0@x.com"),
        Some((vec!["admin".into()], "pending".into()))
    );
    assert_eq!(
        roles_of(&server, "web", "s1@x.com"),
        Some((vec!["admin".into()], "pending".into()))
    );

    home.run(&[
        "project",
        "users",
        "invite",
        "--from-file",
        "/nonexistent/emails.txt",
    ])
    .fails(2)
    .stderr_has("cannot read '/nonexistent/emails.txt'");
    home.run_stdin(
        &["project", "users", "invite", "--from-file", "-"],
        Some("# nobody\n\n"),
    )
    .fails(2)
    .stderr_has("error: standard input has no emails (only blank lines and comments)");
    home.run(&["project", "users", "invite"]).code(2);
}

#[test]
fn invite_mixed_valid_and_invalid_then_rerun_is_idempotent() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    let args = [
        "project",
        "users",
        "invite",
        "--emails",
        "ok1@x.com",
        "bad@",
        "ok2@x.com",
        "--role",
        "editor",
    ];
    let r = home.run(&args);
    r.code(5)
        .one_error()
        .stderr_has("invalid email 'bad@'")
        .stderr_has("error: 3 emails: 2 invited, 0 already invited, 1 failed (1 invalid)\n");
    assert_eq!(cells(r.lines()[1])[..2], ["ok1@x.com", "invited"]);
    assert_eq!(cells(r.lines()[2])[..2], ["ok2@x.com", "invited"]);
    // Run again: the valid ones are already in the desired state, the invalid one still fails.
    let r = home.run(&args);
    r.code(5)
        .stderr_has("ok1@x.com: already invited as editor")
        .stderr_has("ok2@x.com: already invited as editor");
    assert_eq!(r.stdout, "");
    // Without the typo, the batch is done: exit 0, nothing new.
    let r = home.run(&[
        "project",
        "users",
        "invite",
        "--emails",
        "OK1@x.com",
        "ok2@x.com",
        "--role",
        "Editor",
    ]);
    r.ok().stderr_has("already invited");
    assert_eq!(r.stdout, "");

    // JSON: one result per email, the invalid one included.
    let r = home.run(&[
        "-o", "json", "project", "users", "invite", "--emails", "j@x.com", "j@",
    ]);
    r.code(5);
    let results = r.json();
    let status = |email: &str| {
        results
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["email"] == email)
            .map(|x| x["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(status("j@x.com").as_deref(), Some("invited"));
    assert_eq!(status("j@").as_deref(), Some("invalid"));
    assert_eq!(results.as_array().unwrap().len(), 2);

    // Only invalid emails: nothing is sent, exit 2.
    home.run(&["project", "users", "invite", "--emails", "nope"])
        .fails(2)
        .stderr_has("invalid email 'nope'");
    home.run(&["project", "users", "invite", "--emails", "nope", "x@"])
        .code(2)
        .stderr_has("none of the 2 emails is valid");

    // A member with that very role: already in the desired state; another role: conflict.
    let (carl, _) = user(&server, "carl");
    set_role(&server, "web", &carl, "editor");
    home.run(&[
        "project", "users", "invite", "--emails", &carl, "--role", "editor",
    ])
    .ok()
    .stderr_has("already a member with role editor");
    home.run(&["project", "users", "invite", "--emails", &carl, "--role", "admin"])
        .fails(5)
        .stderr_has("already a member with role(s) editor");
}

#[test]
fn unknown_role_lists_valid_ones_and_roles_are_case_insensitive() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    let (dan, _) = user(&server, "dan");
    set_role(&server, "web", &dan, "viewer");
    home.run(&["project", "users", "update", "--email", &dan, "--role", "boss"])
        .fails(2)
        .stderr_has("unknown role 'boss'")
        .stderr_has("hint: valid roles: owner, admin, editor, viewer");
    home.run(&[
        "project", "users", "invite", "--emails", "z@x.com", "--role", "boss",
    ])
    .fails(2)
    .stderr_has("hint: valid roles: owner, admin, editor, viewer");
    home.run(&[
        "project",
        "users",
        "update",
        "--email",
        "DAN@Example.com",
        "--role",
        "Admin",
    ])
    .ok();
    assert_eq!(
        roles_of(&server, "web", &dan),
        Some((vec!["admin".into()], "member".into()))
    );
    home.run(&[
        "project",
        "users",
        "update",
        "--email",
        &dan,
        "--role",
        "not a role!",
    ])
    .fails(2);
    home.run(&["project", "users", "update", "--email", "dan", "--role", "admin"])
        .fails(2)
        .stderr_has("invalid email 'dan'");
}

#[test]
fn update_replaces_every_role_and_remove_and_missing_members() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    let (eve, _) = user(&server, "eve");
    // Two direct roles (Akka style), then update leaves exactly one.
    for role in ["viewer", "editor"] {
        home.bind(&[], &eve, role);
    }
    assert_eq!(roles_of(&server, "web", &eve).unwrap().0, ["editor", "viewer"]);
    home.run(&["project", "users", "update", "--email", &eve, "--role", "viewer"])
        .ok();
    assert_eq!(roles_of(&server, "web", &eve).unwrap().0, ["viewer"]);

    home.run(&["project", "users", "remove", "--email", &eve])
        .ok()
        .stderr_has(&format!("Removed {eve} from project web"));
    assert_eq!(roles_of(&server, "web", &eve), None);
    // Only invited: remove revokes the invitation (its pending row disappears).
    home.run(&["project", "users", "invite", "--emails", "inv@x.com"])
        .ok();
    home.run(&["project", "users", "remove", "--email", "Inv@x.com"])
        .ok()
        .stderr_has("Revoked the invitation of Inv@x.com");
    assert_eq!(roles_of(&server, "web", "inv@x.com"), None);
    home.run(&["project", "users", "remove", "--email", &eve])
        .fails(3)
        .stderr_has("is not a member of project 'web'")
        .stderr_has("hint: see `accessctl project users list`");
    home.run(&[
        "project",
        "users",
        "update",
        "--email",
        "ghost@x.com",
        "--role",
        "viewer",
    ])
    .fails(3)
    .stderr_has("ghost@x.com is not a member of project 'web'");
    home.run(&["--project", "nope", "project", "users", "list"])
        .fails(3);
}

#[test]
fn last_owner_cannot_leave_be_removed_or_demoted() {
    let server = Server::start();
    let (olive, olive_token) = user(&server, "olive");
    let owner = as_user(&server, &olive_token, "solo");
    owner
        .run(&["projects", "new", "solo", "--role-preset", "goldsky"])
        .ok();
    owner
        .run(&["project", "users", "leave"])
        .fails(5)
        .stderr_has("you are the last owner of project 'solo'")
        .stderr_has("hint: make someone else an owner first");
    owner
        .run(&["project", "users", "remove", "--email", &olive])
        .fails(5)
        .stderr_has("without an owner");
    owner
        .run(&["project", "users", "update", "--email", &olive, "--role", "admin"])
        .fails(5)
        .stderr_has("without an owner");
    // Not even the org's owner can remove the last project owner.
    admin(&server, "solo")
        .run(&["project", "users", "remove", "--email", &olive])
        .fails(5);
    assert_eq!(roles_of(&server, "solo", &olive).unwrap().0, ["owner"]);

    // With a second owner, the first may leave; anyone else may always leave.
    let (pat, pat_token) = user(&server, "pat");
    let (vic, vic_token) = user(&server, "vic");
    owner
        .run(&["project", "users", "update", "--email", &pat, "--role", "owner"])
        .ok();
    owner
        .run(&["project", "users", "update", "--email", &vic, "--role", "viewer"])
        .ok();
    as_user(&server, &vic_token, "solo")
        .run(&["project", "users", "leave"])
        .ok()
        .stderr_has("You left project solo");
    owner.run(&["project", "users", "leave"]).ok();
    assert_eq!(roles_of(&server, "solo", &olive), None);
    assert_eq!(roles_of(&server, "solo", &vic), None);
    // Gone from the project, olive cannot see it any more.
    owner.run(&["project", "users", "leave"]).fails(3);
    as_user(&server, &pat_token, "solo")
        .run(&["project", "users", "leave"])
        .fails(5);
}

// ------------------------------------------------------------ the hierarchy table

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Owner,
    Admin,
    Editor,
    Viewer,
}

const ROLES: [Role; 4] = [Role::Owner, Role::Admin, Role::Editor, Role::Viewer];

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Action {
    /// Invite a new email with the target role.
    Invite,
    /// Give a member the target role (from viewer; from editor when the target is viewer).
    UpdateTo,
    /// Change a member holding the target role (to viewer; to editor when it is viewer).
    UpdateFrom,
    /// Remove a member holding the target role.
    Remove,
}

#[derive(Debug, PartialEq, Eq, Hash)]
enum Outcome {
    Done,
    /// The project is invisible to the caller: exit 3.
    NotFound,
    /// No member management at all: exit 4, the missing permission named.
    Forbidden,
    /// Only owners touch owners: exit 4.
    OwnersOnly,
}

/// Goldsky's rules as documented: owners manage everyone; admins invite, remove and
/// change the role of non-owners; editors and viewers manage nobody; non-members
/// see nothing. (The last-owner rule never bites here: the creator stays an owner.)
fn model(caller: Option<Role>, involved: &[Role]) -> Outcome {
    match caller {
        None => Outcome::NotFound,
        Some(Role::Editor | Role::Viewer) => Outcome::Forbidden,
        Some(Role::Admin) if involved.contains(&Role::Owner) => Outcome::OwnersOnly,
        Some(Role::Admin | Role::Owner) => Outcome::Done,
    }
}

fn other(role: Role) -> Role {
    if role == Role::Viewer {
        Role::Editor
    } else {
        Role::Viewer
    }
}

#[test]
fn goldsky_hierarchy_table() {
    let server = Server::start();
    goldsky(&server, "gs");
    let callers: Vec<(Option<Role>, Home)> = [
        (Some(Role::Owner), "c-owner"),
        (Some(Role::Admin), "c-admin"),
        (Some(Role::Editor), "c-editor"),
        (Some(Role::Viewer), "c-viewer"),
        (None, "c-none"),
    ]
    .into_iter()
    .map(|(role, name)| {
        let (email, token) = user(&server, name);
        if let Some(r) = role {
            set_role(&server, "gs", &email, r.name());
        }
        (role, as_user(&server, &token, "gs"))
    })
    .collect();

    // The full 80-row grid (caller × action × target) is the server suite's
    // (accessd tests/it/escalation.rs); here each action meets each outcome once,
    // which is what the CLI adds: the exit code and the message of every outcome
    // of every command.
    let mut n = 0;
    let mut seen = std::collections::HashSet::new();
    for (caller, home) in &callers {
        for action in [
            Action::Invite,
            Action::UpdateTo,
            Action::UpdateFrom,
            Action::Remove,
        ] {
            for target in ROLES {
                let involved = match action {
                    Action::Invite | Action::Remove => vec![target],
                    Action::UpdateTo => vec![other(target), target],
                    Action::UpdateFrom => vec![target, other(target)],
                };
                if !seen.insert((format!("{action:?}"), model(*caller, &involved))) {
                    continue;
                }
                n += 1;
                let who = format!("t{n}");
                let (email, before, after, involved) = match action {
                    Action::Invite => (format!("{who}@example.com"), None, Some(target), vec![target]),
                    Action::UpdateTo => {
                        let (email, _) = user(&server, &who);
                        let from = other(target);
                        set_role(&server, "gs", &email, from.name());
                        (email, Some(from), Some(target), vec![from, target])
                    }
                    Action::UpdateFrom => {
                        let (email, _) = user(&server, &who);
                        set_role(&server, "gs", &email, target.name());
                        (
                            email,
                            Some(target),
                            Some(other(target)),
                            vec![target, other(target)],
                        )
                    }
                    Action::Remove => {
                        let (email, _) = user(&server, &who);
                        set_role(&server, "gs", &email, target.name());
                        (email, Some(target), None, vec![target])
                    }
                };
                let args: Vec<&str> = match action {
                    Action::Invite => vec![
                        "project",
                        "users",
                        "invite",
                        "--emails",
                        &email,
                        "--role",
                        target.name(),
                    ],
                    Action::UpdateTo => vec![
                        "project",
                        "users",
                        "update",
                        "--email",
                        &email,
                        "--role",
                        target.name(),
                    ],
                    Action::UpdateFrom => {
                        vec![
                            "project",
                            "users",
                            "update",
                            "--email",
                            &email,
                            "--role",
                            other(target).name(),
                        ]
                    }
                    Action::Remove => vec!["project", "users", "remove", "--email", &email],
                };
                let expected = model(*caller, &involved);
                let row = format!("{caller:?} {action:?} {target:?}: expected {expected:?}");
                let r = home.run(&args);
                let (code, needle) = match expected {
                    Outcome::Done => (0, ""),
                    Outcome::NotFound => (3, "no project 'gs' (or you cannot see it)"),
                    Outcome::Forbidden => (4, "permission in this project"),
                    Outcome::OwnersOnly => (4, "error: only an owner can grant or revoke the owner role"),
                };
                assert_eq!(
                    r.code, code,
                    "{row}\nstdout:\n{}\nstderr:\n{}",
                    r.stdout, r.stderr
                );
                assert!(r.stderr.contains(needle), "{row}\nstderr:\n{}", r.stderr);
                // The state on the server agrees with the outcome.
                let state = roles_of(&server, "gs", &email);
                let want = if expected == Outcome::Done { after } else { before };
                let want = want.map(|r| {
                    let status = if matches!(action, Action::Invite) {
                        "pending"
                    } else {
                        "member"
                    };
                    (vec![r.name().to_owned()], status.to_owned())
                });
                assert_eq!(state, want, "{row}");
            }
        }
    }
    // Every action met every outcome: done, not found, forbidden, owners only.
    assert_eq!(n, 16, "{seen:?}");
}
