//! `project users list | invite | update | remove | leave` (the Goldsky tree) and the
//! Goldsky owner hierarchy, checked against a model written down here.

use insta::assert_snapshot;

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
    home.run(&format!("projects new {project} --role-preset goldsky"))
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
    let r = home.run("project users invite --emails a@x.com b@x.com --role editor");
    assert_snapshot!(r, @"
    EMAIL    STATUS   ROLE    EXPIRES  CODE
    a@x.com  invited  editor  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    b@x.com  invited  editor  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    2 emails: 2 invited, 0 already invited, 0 failed
    ");
    let code = code_for(&r.stdout, "a@x.com");
    // a@x.com accepts on their own machine (a new account, its first token saved).
    let a = Home::new().env("ACCESSCTL_SERVER", &server.url);
    // The new context is named after the server's host and port (shown as [PORT]).
    assert_snapshot!(a.run(&["roles", "invitations", "accept", &code]), @"
    PROJECT  ROLE    USERNAME  EMAIL    ROLE BINDING ID
    web      editor  a         a@x.com  00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Joined project web as editor (a)
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Saved your new token for context 127.0.0.1-[PORT], now the current context, with project web
    ");

    assert_snapshot!(home.run("project users update --email a@x.com --role admin"), @"
    ROLE   EMAIL    NAME  STATUS
    admin  a@x.com        member
    ----- stderr -----
    a@x.com now has role admin in project web
    ");
    assert_snapshot!(home.run("project users list"), @"
    ROLE    EMAIL              NAME       STATUS
    admin   a@x.com                       member
    owner   admin@example.com  Ada Admin  member
    editor  b@x.com                       pending
    ");
    assert_eq!(
        roles_of(&server, "web", "a@x.com"),
        Some((vec!["admin".into()], "member".into()))
    );
}

#[test]
fn list_json_quiet_and_expired_invitations() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    home.run("project users invite --emails old@x.com").ok();
    server.advance_clock(8 * 24 * 60 * 60 * 1000);
    home.run("project users invite --emails new@x.com").ok();
    assert_snapshot!(home.run("project users list"), @"
    ROLE    EMAIL              NAME       STATUS
    owner   admin@example.com  Ada Admin  member
    viewer  new@x.com                     pending
    viewer  old@x.com                     expired
    ");
    assert_snapshot!(home.run("-o json project users list"), @r#"
    [
      {
        "email": "admin@example.com",
        "user_id": "00000000-0000-0000-0000-000000000001",
        "username": "admin",
        "name": "Ada Admin",
        "roles": [
          {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "owner"
          }
        ],
        "status": "member",
        "invitation_id": null
      },
      {
        "email": "new@x.com",
        "user_id": null,
        "username": null,
        "name": null,
        "roles": [
          {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "viewer"
          }
        ],
        "status": "pending",
        "invitation_id": "00000000-0000-0000-0000-000000000004"
      },
      {
        "email": "old@x.com",
        "user_id": null,
        "username": null,
        "name": null,
        "roles": [
          {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "viewer"
          }
        ],
        "status": "expired",
        "invitation_id": "00000000-0000-0000-0000-000000000005"
      }
    ]
    "#);
    assert_snapshot!(home.run("-q project users list"), @"
    admin@example.com
    new@x.com
    old@x.com
    ");
}

#[test]
fn invite_default_role_from_file_and_stdin() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    // No --role: the goldsky preset's lowest role.
    assert_snapshot!(home.run("project users invite --emails v@x.com"), @"
    EMAIL    STATUS   ROLE    EXPIRES  CODE
    v@x.com  invited  viewer  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    ");
    assert_eq!(
        roles_of(&server, "web", "v@x.com"),
        Some((vec!["viewer".into()], "pending".into()))
    );

    let file = home.path().join("team.txt");
    std::fs::write(&file, "# the team\nf1@x.com\n\n   f2@x.com   # lead\n#f3@x.com\n").unwrap();
    let f = file.to_str().unwrap();
    assert_snapshot!(home.run(&format!("project users invite --from-file {f} --role Editor")), @"
    EMAIL     STATUS   ROLE    EXPIRES  CODE
    f1@x.com  invited  editor  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    f2@x.com  invited  editor  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    2 emails: 2 invited, 0 already invited, 0 failed
    ");
    assert_eq!(
        roles_of(&server, "web", "f2@x.com"),
        Some((vec!["editor".into()], "pending".into()))
    );
    assert_eq!(roles_of(&server, "web", "f3@x.com"), None);

    // f1 was invited as editor: a pending invitation with another role is in the way.
    assert_snapshot!(home.run_stdin(
        "project users invite --from-file - --emails s0@x.com --role ADMIN",
        Some("s1@x.com\n# s2@x.com\ns1@x.com\n\nf1@x.com\n"),
    ), @"
    EMAIL     STATUS   ROLE   EXPIRES  CODE
    s0@x.com  invited  admin  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    s1@x.com  invited  admin  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    f1@x.com: already invited as 'editor'; revoke that invitation first
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    error: 3 emails: 2 invited, 0 already invited, 1 failed (1 conflict)
    ----- exit 5 -----
    ");
    assert_eq!(
        roles_of(&server, "web", "s0@x.com"),
        Some((vec!["admin".into()], "pending".into()))
    );
    assert_eq!(
        roles_of(&server, "web", "s1@x.com"),
        Some((vec!["admin".into()], "pending".into()))
    );

    assert_snapshot!(home.run("project users invite --from-file /nonexistent/emails.txt"), @"
    ----- stderr -----
    error: cannot read '/nonexistent/emails.txt': No such file or directory (os error 2)
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run_stdin("project users invite --from-file -", Some("# nobody\n\n")), @"
    ----- stderr -----
    error: standard input has no emails (only blank lines and comments)
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("project users invite"), @"
    ----- stderr -----
    error: the following required arguments were not provided:
      --emails <EMAIL>...

    Usage: accessctl projects users invite --project <NAME|ID> --server <URL> --emails <EMAIL>...

    For more information, try '--help'.
    ----- exit 2 -----
    ");
}

#[test]
fn invite_mixed_valid_and_invalid_then_rerun_is_idempotent() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    let line = "project users invite --emails ok1@x.com bad@ ok2@x.com --role editor";
    assert_snapshot!(home.run(line), @"
    EMAIL      STATUS   ROLE    EXPIRES  CODE
    ok1@x.com  invited  editor  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ok2@x.com  invited  editor  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    invalid email 'bad@': email's domain needs a dot (like example.com)
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    error: 3 emails: 2 invited, 0 already invited, 1 failed (1 invalid)
    ----- exit 5 -----
    ");
    // Run again: the valid ones are already in the desired state, the invalid one still fails.
    assert_snapshot!(home.run(line), @"
    ----- stderr -----
    invalid email 'bad@': email's domain needs a dot (like example.com)
    ok1@x.com: already invited as editor; `accessctl roles invitations resend ok1@x.com` gets a new code
    ok2@x.com: already invited as editor; `accessctl roles invitations resend ok2@x.com` gets a new code
    error: 3 emails: 0 invited, 2 already invited, 1 failed (1 invalid)
    ----- exit 5 -----
    ");
    // Without the typo, the batch is done: exit 0, nothing new.
    assert_snapshot!(home.run("project users invite --emails OK1@x.com ok2@x.com --role Editor"), @"
    ----- stderr -----
    ok1@x.com: already invited as editor; `accessctl roles invitations resend ok1@x.com` gets a new code
    ok2@x.com: already invited as editor; `accessctl roles invitations resend ok2@x.com` gets a new code
    2 emails: 0 invited, 2 already invited, 0 failed
    ");

    // JSON: one result per email, the invalid one included.
    assert_snapshot!(home.run("-o json project users invite --emails j@x.com j@"), @r#"
    [
      {
        "email": "j@",
        "status": "invalid",
        "detail": "email's domain needs a dot (like example.com)"
      },
      {
        "email": "j@x.com",
        "status": "invited",
        "role": "viewer",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000001",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "web"
          },
          "email": "j@x.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "viewer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending",
          "code": "inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
          "delivery": "inviter"
        }
      }
    ]
    ----- stderr -----
    invalid email 'j@': email's domain needs a dot (like example.com)
    error: 2 emails: 1 invited, 0 already invited, 1 failed (1 invalid)
    ----- exit 5 -----
    "#);

    // Only invalid emails: nothing is sent, exit 2.
    assert_snapshot!(home.run("project users invite --emails nope"), @"
    ----- stderr -----
    error: invalid email 'nope': email has no '@'
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("project users invite --emails nope x@"), @"
    ----- stderr -----
    invalid email 'nope': email has no '@'
    invalid email 'x@': email's domain needs a dot (like example.com)
    error: none of the 2 emails is valid; nothing was sent
    ----- exit 2 -----
    ");

    // A member with that very role: already in the desired state; another role: conflict.
    let (carl, _) = user(&server, "carl");
    set_role(&server, "web", &carl, "editor");
    assert_snapshot!(home.run(&format!("project users invite --emails {carl} --role editor")), @"
    ----- stderr -----
    carl@example.com: already a member with role editor
    ");
    assert_snapshot!(home.run(&format!("project users invite --emails {carl} --role admin")), @"
    ----- stderr -----
    error: carl@example.com: already a member with role(s) editor; change their role instead of inviting them
    ----- exit 5 -----
    ");
}

#[test]
fn unknown_role_lists_valid_ones_and_roles_are_case_insensitive() {
    let server = Server::start();
    let home = goldsky(&server, "web");
    let (dan, _) = user(&server, "dan");
    set_role(&server, "web", &dan, "viewer");
    assert_snapshot!(home.run("project users update --email dan@example.com --role boss"), @"
    ----- stderr -----
    error: unknown role 'boss' in project 'web'
    hint: valid roles: owner, admin, editor, viewer
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("project users invite --emails z@x.com --role boss"), @"
    ----- stderr -----
    error: unknown role 'boss' in project 'web'
    hint: valid roles: owner, admin, editor, viewer
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("project users update --email DAN@Example.com --role Admin"), @"
    ROLE   EMAIL            NAME  STATUS
    admin  dan@example.com  DAN   member
    ----- stderr -----
    DAN@Example.com now has role admin in project web
    ");
    assert_eq!(
        roles_of(&server, "web", &dan),
        Some((vec!["admin".into()], "member".into()))
    );
    assert_snapshot!(home.run("project users update --email dan@example.com --role 'not a role!'"), @"
    ----- stderr -----
    error: unknown role 'not a role!' in project 'web'
    hint: valid roles: owner, admin, editor, viewer
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("project users update --email dan --role admin"), @"
    ----- stderr -----
    error: invalid email 'dan': email has no '@'
    ----- exit 2 -----
    ");
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
    assert_snapshot!(home.run("project users update --email eve@example.com --role viewer"), @"
    ROLE    EMAIL            NAME  STATUS
    viewer  eve@example.com  EVE   member
    ----- stderr -----
    eve@example.com now has role viewer in project web
    ");
    assert_eq!(roles_of(&server, "web", &eve).unwrap().0, ["viewer"]);

    assert_snapshot!(home.run("project users remove --email eve@example.com"), @"
    ----- stderr -----
    Removed eve@example.com from project web
    ");
    assert_eq!(roles_of(&server, "web", &eve), None);
    // Only invited: remove revokes the invitation (its pending row disappears).
    home.run("project users invite --emails inv@x.com").ok();
    assert_snapshot!(home.run("project users remove --email Inv@x.com"), @"
    ----- stderr -----
    Revoked the invitation of Inv@x.com to project web
    ");
    assert_eq!(roles_of(&server, "web", "inv@x.com"), None);
    assert_snapshot!(home.run("project users remove --email eve@example.com"), @"
    ----- stderr -----
    error: 'eve@example.com' is not a member of project 'web'
    hint: see `accessctl project users list`; invite them with `accessctl project users invite --emails eve@example.com`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("project users update --email ghost@x.com --role viewer"), @"
    ----- stderr -----
    error: 'ghost@x.com' is not a member of project 'web'
    hint: see `accessctl project users list`; invite them with `accessctl project users invite --emails ghost@x.com`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("--project nope project users list"), @"
    ----- stderr -----
    error: no project 'nope' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");
}

#[test]
fn last_owner_cannot_leave_be_removed_or_demoted() {
    let server = Server::start();
    let (olive, olive_token) = user(&server, "olive");
    let owner = as_user(&server, &olive_token, "solo");
    owner.run("projects new solo --role-preset goldsky").ok();
    assert_snapshot!(owner.run("project users leave"), @"
    ----- stderr -----
    error: you are the last owner of project 'solo' and cannot leave it
    hint: make someone else an owner first: `accessctl project users update --email E --role ROLE`
    ----- exit 5 -----
    ");
    assert_snapshot!(owner.run("project users remove --email olive@example.com"), @"
    ----- stderr -----
    error: that would leave project 'solo' without an owner; make someone else an owner first
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    ");
    assert_snapshot!(owner.run("project users update --email olive@example.com --role admin"), @"
    ----- stderr -----
    error: that would leave project 'solo' without an owner; make someone else an owner first
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    ");
    // Not even the org's owner can remove the last project owner.
    assert_snapshot!(admin(&server, "solo").run("project users remove --email olive@example.com"), @"
    ----- stderr -----
    error: that would leave project 'solo' without an owner; make someone else an owner first
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    ");
    assert_eq!(roles_of(&server, "solo", &olive).unwrap().0, ["owner"]);

    // With a second owner, the first may leave; anyone else may always leave.
    let (_pat, pat_token) = user(&server, "pat");
    let (vic, vic_token) = user(&server, "vic");
    assert_snapshot!(owner.run("project users update --email pat@example.com --role owner"), @"
    ROLE   EMAIL            NAME  STATUS
    owner  pat@example.com  PAT   member
    ----- stderr -----
    pat@example.com now has role owner in project solo
    ");
    assert_snapshot!(owner.run("project users update --email vic@example.com --role viewer"), @"
    ROLE    EMAIL            NAME  STATUS
    viewer  vic@example.com  VIC   member
    ----- stderr -----
    vic@example.com now has role viewer in project solo
    ");
    assert_snapshot!(as_user(&server, &vic_token, "solo").run("project users leave"), @"
    ----- stderr -----
    You left project solo
    ");
    assert_snapshot!(owner.run("project users leave"), @"
    ----- stderr -----
    You left project solo
    ");
    assert_eq!(roles_of(&server, "solo", &olive), None);
    assert_eq!(roles_of(&server, "solo", &vic), None);
    // Gone from the project, olive cannot see it any more.
    assert_snapshot!(owner.run("project users leave"), @"
    ----- stderr -----
    error: you are not a member of project 'solo' (or cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");
    assert_snapshot!(as_user(&server, &pat_token, "solo").run("project users leave"), @"
    ----- stderr -----
    error: you are the last owner of project 'solo' and cannot leave it
    hint: make someone else an owner first: `accessctl project users update --email E --role ROLE`
    ----- exit 5 -----
    ");
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
    let mut transcript = String::new();
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
                let line = match action {
                    Action::Invite => {
                        format!("project users invite --emails {email} --role {}", target.name())
                    }
                    Action::UpdateTo => {
                        format!("project users update --email {email} --role {}", target.name())
                    }
                    Action::UpdateFrom => format!(
                        "project users update --email {email} --role {}",
                        other(target).name()
                    ),
                    Action::Remove => format!("project users remove --email {email}"),
                };
                let expected = model(*caller, &involved);
                let row = format!("{caller:?} {action:?} {target:?}: expected {expected:?}");
                let r = home.run(&line);
                let code = match expected {
                    Outcome::Done => 0,
                    Outcome::NotFound => 3,
                    Outcome::Forbidden | Outcome::OwnersOnly => 4,
                };
                assert_eq!(r.code, code, "{row}\n{r}");
                // What each outcome prints: the snapshot of the whole table below.
                transcript.push_str(&format!("# {row}\n$ accessctl {line}\n{r}"));
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
    assert_snapshot!(transcript, @"
    # Some(Owner) Invite Owner: expected Done
    $ accessctl project users invite --emails t1@example.com --role owner
    EMAIL           STATUS   ROLE   EXPIRES  CODE
    t1@example.com  invited  owner  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    # Some(Owner) UpdateTo Owner: expected Done
    $ accessctl project users update --email t2@example.com --role owner
    ROLE   EMAIL           NAME  STATUS
    owner  t2@example.com  T2    member
    ----- stderr -----
    t2@example.com now has role owner in project gs
    # Some(Owner) UpdateFrom Owner: expected Done
    $ accessctl project users update --email t3@example.com --role viewer
    ROLE    EMAIL           NAME  STATUS
    viewer  t3@example.com  T3    member
    ----- stderr -----
    t3@example.com now has role viewer in project gs
    # Some(Owner) Remove Owner: expected Done
    $ accessctl project users remove --email t4@example.com
    ----- stderr -----
    Removed t4@example.com from project gs
    # Some(Admin) Invite Owner: expected OwnersOnly
    $ accessctl project users invite --emails t5@example.com --role owner
    ----- stderr -----
    error: only an owner can grant or revoke the owner role
    hint: ask an owner of the project to do it
    ----- exit 4 -----
    # Some(Admin) UpdateTo Owner: expected OwnersOnly
    $ accessctl project users update --email t6@example.com --role owner
    ----- stderr -----
    error: only an owner can grant or revoke the owner role
    hint: ask an owner of the project to do it
    ----- exit 4 -----
    # Some(Admin) UpdateFrom Owner: expected OwnersOnly
    $ accessctl project users update --email t7@example.com --role viewer
    ----- stderr -----
    error: only an owner can grant or revoke the owner role
    hint: ask an owner of the project to do it
    ----- exit 4 -----
    # Some(Admin) Remove Owner: expected OwnersOnly
    $ accessctl project users remove --email t8@example.com
    ----- stderr -----
    error: only an owner can grant or revoke the owner role
    hint: ask an owner of the project to do it
    ----- exit 4 -----
    # Some(Editor) Invite Owner: expected Forbidden
    $ accessctl project users invite --emails t9@example.com --role owner
    ----- stderr -----
    error: you need the 'invitations.manage' permission in this project for that
    ----- exit 4 -----
    # Some(Editor) UpdateTo Owner: expected Forbidden
    $ accessctl project users update --email t10@example.com --role owner
    ----- stderr -----
    error: you need the 'members.manage' permission in this project for that
    ----- exit 4 -----
    # Some(Editor) UpdateFrom Owner: expected Forbidden
    $ accessctl project users update --email t11@example.com --role viewer
    ----- stderr -----
    error: you need the 'members.manage' permission in this project for that
    ----- exit 4 -----
    # Some(Editor) Remove Owner: expected Forbidden
    $ accessctl project users remove --email t12@example.com
    ----- stderr -----
    error: you need the 'members.manage' permission in this project for that
    ----- exit 4 -----
    # None Invite Owner: expected NotFound
    $ accessctl project users invite --emails t13@example.com --role owner
    ----- stderr -----
    error: no project 'gs' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    # None UpdateTo Owner: expected NotFound
    $ accessctl project users update --email t14@example.com --role owner
    ----- stderr -----
    error: no project 'gs' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    # None UpdateFrom Owner: expected NotFound
    $ accessctl project users update --email t15@example.com --role viewer
    ----- stderr -----
    error: no project 'gs' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    # None Remove Owner: expected NotFound
    $ accessctl project users remove --email t16@example.com
    ----- stderr -----
    error: no project 'gs' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");
}
