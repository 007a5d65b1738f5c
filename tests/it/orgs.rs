//! `orgs list | get | new | update` and `orgs members list | add | set-role | remove`
//! against a real accessd, and what an org role grants in the org's projects.

use crate::harness::{Home, Server, admin_with_project, cells};

fn rows(stdout: &str) -> Vec<Vec<String>> {
    stdout.lines().skip(1).map(cells).collect()
}

#[test]
fn organizations_end_to_end() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    server.user_with_token("carol", "carol@example.com", "Carol Cook");

    home.run(&["orgs", "new", "acme"])
        .ok()
        .stderr_has("Created organization acme; select it with `accessctl config set org acme`");
    home.run(&["orgs", "new", "ACME"])
        .fails(5)
        .stderr_has("an org named 'ACME' exists");
    home.run(&["orgs", "new", "two words"]).fails(2);
    let r = home.run(&["-q", "orgs", "list"]);
    assert_eq!(r.ok().stdout, "acme\ndefault\n");
    assert_eq!(
        home.run(&["orgs", "get", "acme", "-o", "json"]).json()["name"],
        "acme"
    );
    // Without a NAME: the current org (`--org`, else `default`).
    assert_eq!(home.run(&["orgs", "get", "-o", "json"]).json()["name"], "default");
    assert_eq!(
        home.run(&["--org", "acme", "orgs", "get", "-o", "json"]).json()["name"],
        "acme"
    );

    // Members of acme: the creator is its owner.
    let r = home.run(&["--org", "acme", "orgs", "members", "list"]);
    assert_eq!(cells(r.ok().lines()[0]), ["USERNAME", "EMAIL", "NAME", "ROLE"]);
    assert_eq!(
        rows(&r.stdout)[0][..2],
        ["admin".to_string(), "admin@example.com".into()]
    );
    assert!(r.stdout.contains("owner"));

    let acme = |args: &[&str]| {
        let mut all = vec!["--org", "acme", "orgs", "members"];
        all.extend_from_slice(args);
        home.run(&all)
    };
    acme(&["add", "--email", "bob@example.com"])
        .ok()
        .stderr_has("Added bob@example.com to organization acme as member");
    acme(&["add", "--email", "bob@example.com"])
        .ok()
        .stderr_has("bob@example.com is a member of organization acme as member");
    acme(&["add", "--email", "nobody@example.com"])
        .fails(3)
        .stderr_has("error: no user 'nobody@example.com' on this server")
        .stderr_has("hint: invite them to a project");
    acme(&["add", "--email", "carol@example.com", "--role", "superuser"])
        .fails(2)
        .stderr_has("superuser");
    // set-role is for members: a typo does not add someone.
    acme(&["set-role", "--email", "carol@example.com", "--role", "viewer"])
        .fails(3)
        .stderr_has("error: carol@example.com is not a member of organization acme")
        .stderr_has(
            "hint: add them with `accessctl orgs members add --email carol@example.com --role viewer`",
        );
    acme(&["set-role", "--email", "bob@example.com", "--role", "admin"])
        .ok()
        .stderr_has("bob@example.com is now admin of organization acme");
    let r = acme(&["list", "-o", "json"]);
    let roles: Vec<(String, String)> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().into(),
                m["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [("admin".into(), "owner".into()), ("bob".into(), "admin".into())]
    );

    // bob, an org admin, cannot make anyone an owner (exit 4) but can add members.
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run(&[
        "--org",
        "acme",
        "orgs",
        "members",
        "add",
        "--email",
        "carol@example.com",
        "--role",
        "owner",
    ])
    .fails(4)
    .stderr_has("hint: only an org owner changes owners");
    bob.run(&[
        "--org",
        "acme",
        "orgs",
        "members",
        "add",
        "--email",
        "carol@example.com",
        "--role",
        "devops",
    ])
    .ok();

    // The last owner cannot leave (exit 5) until someone else owns the org.
    acme(&["remove", "--email", "me"])
        .fails(5)
        .stderr_has("that would leave org 'acme' without an owner")
        .stderr_has("hint: make another member an owner first");
    acme(&["set-role", "--email", "carol@example.com", "--role", "owner"]).ok();
    acme(&["remove", "--email", "me"])
        .ok()
        .stderr_has("Removed me from organization acme");
    // No longer a member, the admin still sees the org (a server administrator sees
    // every org) but may not rename it.
    home.run(&["orgs", "get", "acme"]).ok();

    home.run(&["orgs", "update", "acme", "--name", "acme-corp"])
        .fails(4);
    bob.run(&["orgs", "update", "acme", "--name", "acme-corp"])
        .ok()
        .stderr_has("Organization acme is now named acme-corp");
}

#[test]
fn an_org_role_grants_in_projects_created_with_org() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token.clone());
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    home.run(&["orgs", "new", "acme"]).ok();
    home.run(&["--org", "acme", "projects", "new", "shop"]).ok();
    home.run(&["projects", "new", "elsewhere"]).ok();
    home.run(&[
        "--org",
        "acme",
        "orgs",
        "members",
        "add",
        "--email",
        "bob@example.com",
        "--role",
        "viewer",
    ])
    .ok();

    let bob = Home::new();
    bob.login(&server, &bob_token);
    // bob sees acme's project through his org role, not the default org's.
    let r = bob.run(&["-q", "projects", "list"]);
    assert_eq!(r.ok().stdout, "shop\n");
    bob.run(&["--project", "shop", "roles", "check", "members.view"])
        .ok();
    let denied = bob.run(&["--project", "shop", "roles", "check", "members.manage"]);
    denied.code(6);
    assert!(denied.stdout.contains("members.manage  no"), "{}", denied.stdout);
}

/// Issue "Organizations", the Qovery scenario through the CLI: a custom role with
/// admin on one project, DEPLOYER on STAGING elsewhere and ENV_CREATOR on a cluster,
/// attached to a user; then what `roles check` says, from a script that has only
/// ACCESSCTL_SERVER and ACCESSCTL_TOKEN.
#[test]
fn the_qovery_scenario_from_a_script() {
    let server = Server::start();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    let script = |token: &str| {
        Home::new()
            .env("ACCESSCTL_SERVER", &server.url)
            .env("ACCESSCTL_TOKEN", token)
            .env("ACCESSCTL_ORG", "acme")
    };
    let admin = script(&server.admin_token);
    admin.run(&["orgs", "new", "acme"]).ok();
    admin.run(&["projects", "new", "web"]).ok();
    admin.run(&["projects", "new", "api"]).ok();
    admin
        .run(&["orgs", "clusters", "create", "eu-1"])
        .ok()
        .stderr_has("Created cluster eu-1 in organization acme");
    admin
        .run(&[
            "orgs",
            "roles",
            "create",
            "Platform Engineers",
            "--project-admin",
            "web",
            "--env",
            "api:staging=deployer",
            "--cluster",
            "eu-1=ENV_CREATOR",
        ])
        .ok()
        .stderr_has("Created org role Platform Engineers in organization acme");
    admin
        .run(&["orgs", "roles", "create", "x", "--env", "api-staging"])
        .fails(2)
        .stderr_has("expected P:TYPE=LEVEL");
    let shown = admin.run(&["orgs", "roles", "show", "platform-engineers"]);
    let lines: Vec<Vec<String>> = shown.ok().stdout.lines().map(cells).collect();
    assert_eq!(
        lines,
        [
            vec!["ON", "NAME", "ACCESS"],
            vec!["project", "api", "STAGING=DEPLOYER"],
            vec!["project", "web", "ADMIN"],
            vec!["cluster", "eu-1", "ENV_CREATOR"],
        ]
    );
    let names = admin.run(&["-q", "orgs", "roles", "list"]);
    assert_eq!(
        names.ok().stdout,
        "owner\nadmin\ndevops\nbilling-manager\nviewer\nmember\nPlatform Engineers\n"
    );
    admin
        .run(&[
            "orgs",
            "members",
            "add",
            "--email",
            "bob@example.com",
            "--role",
            "platform-engineers",
        ])
        .ok()
        .stderr_has("as platform-engineers");

    let bob = script(&bob_token);
    let allowed = bob.run(&["--project", "api", "roles", "check", "env.staging.deploy"]);
    allowed.ok();
    assert!(
        allowed
            .stdout
            .contains("env.staging.deploy  yes      org role platform-engineers"),
        "{}",
        allowed.stdout
    );
    let denied = bob.run(&["--project", "api", "roles", "check", "env.production.deploy"]);
    denied
        .code(6)
        .stderr_has("error: you lack env.production.deploy in project 'api'");
    bob.run(&["--project", "web", "roles", "check", "members.manage"])
        .ok();
    bob.run(&["--project", "api", "roles", "check", "clusters.eu-1.env-creator"])
        .ok();
    bob.run(&["--project", "api", "roles", "check", "clusters.eu-1.admin"])
        .code(6);

    // A document round trip: show -o json, edit, update -f.
    let json = admin
        .run(&["orgs", "roles", "show", "platform-engineers", "-o", "json"])
        .json();
    assert_eq!(json["name"], "Platform Engineers");
    let mut doc = json.clone();
    doc["project_permissions"] = serde_json::json!([{"project_id": "api", "permissions": [
        {"environment_type": "PRODUCTION", "permission": "DEPLOYER"}]}]);
    let file = admin.path().join("role.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    admin
        .run(&[
            "orgs",
            "roles",
            "update",
            "platform-engineers",
            "-f",
            file.to_str().unwrap(),
        ])
        .ok();
    bob.run(&["--project", "api", "roles", "check", "env.production.deploy"])
        .ok();
    bob.run(&["--project", "web", "roles", "check", "members.manage"])
        .fails(3);

    admin
        .run(&["orgs", "roles", "delete", "platform-engineers"])
        .fails(5)
        .stderr_has("hint: give its members another role first");
    admin
        .run(&["orgs", "roles", "update", "owner", "--env", "api:STAGING=VIEWER"])
        .fails(2)
        .stderr_has("owner is a base org role");
}

/// Loft's server-wide roles through the CLI: `roles create --global --from`, in
/// every project, changed and deleted only with `--global`.
#[test]
fn server_wide_roles_from_the_cli() {
    let (server, home) = admin_with_project();
    home.run(&["projects", "new", "web"]).ok();
    let create = [
        "roles",
        "create",
        "release-manager",
        "--global",
        "--from",
        "viewer",
        "--permission",
        "env.production.deploy",
    ];
    // The plan first; without a terminal it needs --yes, and nothing is created.
    home.run(&create)
        .fails(2)
        .stderr_has("Plan: create server-wide role release-manager (from viewer) in every project of organization default")
        .stderr_has("  + env.production.deploy")
        .stderr_has("  + services.view")
        .stderr_has("hint: pass --yes");
    let r = home.run(&["-q", "roles", "list"]);
    assert!(!r.ok().stdout.contains("release-manager"));
    let mut yes = create.to_vec();
    yes.push("--yes");
    home.run(&yes)
        .ok()
        .stderr_has("Created server-wide role release-manager in every project of organization default");
    for p in ["shop", "web"] {
        let r = home.run(&["--project", p, "roles", "list"]);
        let line = r
            .ok()
            .stdout
            .lines()
            .find(|l| l.starts_with("release-manager"))
            .unwrap_or_else(|| panic!("not in {p}: {}", r.stdout))
            .to_owned();
        assert!(line.ends_with("server-wide"), "{line}");
    }
    home.run(&[
        "roles",
        "update",
        "release-manager",
        "--add-permission",
        "audit.view",
    ])
    .fails(4)
    .stderr_has("server-wide role");
    home.run(&[
        "roles",
        "update",
        "release-manager",
        "--global",
        "--add-permission",
        "audit.view",
    ])
    .ok()
    .stderr_has("Updated server-wide role release-manager");
    let r = home.run(&[
        "--project",
        "web",
        "roles",
        "show",
        "release-manager",
        "-o",
        "json",
    ]);
    assert!(
        r.json()["permissions"].to_string().contains("audit.view"),
        "{}",
        r.stdout
    );
    home.run(&["roles", "create", "x", "--from", "viewer"])
        .fails(2)
        .stderr_has("--global");
    let bob = server.user_with_token("bob", "bob@example.com", "Bob");
    let other = Home::new();
    other.login(&server, &bob);
    other
        .run(&[
            "roles",
            "create",
            "mine",
            "--global",
            "--permission",
            "project.view",
        ])
        .fails(4)
        .stderr_has("hint: server-wide roles are defined by server administrators");
    home.run(&["roles", "delete", "release-manager", "--global"])
        .ok()
        .stderr_has("Deleted server-wide role release-manager from every project");
    let r = home.run(&["-q", "--project", "web", "roles", "list"]);
    assert!(!r.ok().stdout.contains("release-manager"));
}

/// Loft's "change the default project roles": a server administrator's `roles
/// update` of a preset role, planned and confirmed, in every project of the preset.
#[test]
fn orgs_server_admin_changes_a_default_role_for_every_project() {
    let (server, home) = admin_with_project();
    home.run(&["projects", "new", "web"]).ok();
    home.run(&["projects", "new", "gold", "--role-preset", "goldsky"])
        .ok();
    let update = ["roles", "update", "developer", "--add-permission", "audit.view"];
    home.run(&update)
        .fails(2)
        .stderr_has(
            "Plan: change built-in role developer of preset akka in every akka project on this server",
        )
        .stderr_has("  + audit.view")
        .stderr_has("hint: pass --yes");
    let mut yes = update.to_vec();
    yes.push("--yes");
    home.run(&yes)
        .ok()
        .stderr_has("Updated role developer of preset akka in 2 project(s) (modified)");
    for p in ["shop", "web"] {
        let r = home.run(&["--project", p, "roles", "list"]);
        let line = r
            .ok()
            .stdout
            .lines()
            .find(|l| l.starts_with("developer"))
            .unwrap_or_else(|| panic!("not in {p}: {}", r.stdout))
            .to_owned();
        assert!(line.ends_with("modified"), "{line}");
        let show = home.run(&["--project", p, "roles", "show", "developer", "-o", "json"]);
        assert_eq!(show.json()["modified"], true);
    }
    let r = home.run(&["--project", "gold", "roles", "list"]);
    assert!(!r.ok().stdout.contains("modified"), "{}", r.stdout);
    // The owner-grade role stays as the preset has it; others cannot change any.
    home.run(&[
        "roles",
        "update",
        "admin",
        "--remove-permission",
        "audit.view",
        "--yes",
    ])
    .fails(4);
    let bob = server.user_with_token("bob", "bob@example.com", "Bob");
    home.bind(&[], "bob@example.com", "viewer");
    let other = Home::new();
    other.login(&server, &bob);
    other
        .run(&[
            "--project",
            "shop",
            "roles",
            "update",
            "viewer",
            "--add-permission",
            "audit.view",
            "--yes",
        ])
        .fails(4);
    // Removing it again: the preset's permissions, no longer modified.
    home.run(&[
        "roles",
        "update",
        "developer",
        "--remove-permission",
        "audit.view",
        "--yes",
    ])
    .ok()
    .stderr_has("(back to the preset's permissions)");
    let r = home.run(&["roles", "list"]);
    assert!(!r.ok().stdout.contains("modified"), "{}", r.stdout);
}

/// `teams` act on the `--org` organization.
#[test]
fn teams_belong_to_the_org_given_with_org() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.run(&["orgs", "new", "acme"]).ok();
    home.run(&[
        "--org",
        "acme",
        "orgs",
        "members",
        "add",
        "--email",
        "bob@example.com",
    ])
    .ok();
    home.run(&["--org", "acme", "teams", "create", "backend"]).ok();
    home.run(&[
        "--org",
        "acme",
        "teams",
        "add-member",
        "backend",
        "--email",
        "bob@example.com",
    ])
    .ok();
    home.run(&["teams", "list"]).ok().stderr_has("No teams");
    assert_eq!(
        home.run(&["-q", "--org", "acme", "teams", "list"]).ok().stdout,
        "backend\n"
    );
    assert_eq!(
        home.run(&["-q", "--org", "acme", "teams", "members", "backend"])
            .ok()
            .stdout,
        "bob@example.com\n"
    );
    home.run(&["teams", "members", "backend"])
        .fails(3)
        .stderr_has("no team 'backend'");
    home.run(&["--org", "acme", "projects", "new", "web"]).ok();
    home.run(&[
        "--project",
        "web",
        "roles",
        "add-binding",
        "--team",
        "backend",
        "--role",
        "developer",
    ])
    .ok();
    // A typo in the project's org is suggested from that org's teams.
    home.run(&[
        "--project",
        "web",
        "roles",
        "add-binding",
        "--team",
        "backnd",
        "--role",
        "viewer",
    ])
    .fails(3)
    .stderr_has("backend");
    home.run(&[
        "--org",
        "acme",
        "teams",
        "remove-member",
        "backend",
        "--email",
        "bob@example.com",
    ])
    .ok();
}

#[test]
fn orgs_invitations_invite_list_delete_and_accept_through_the_binary() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    home.run(&["orgs", "new", "acme"]).ok();
    let acme = |args: &[&str]| {
        let mut all = vec!["--org", "acme", "orgs", "invitations"];
        all.extend_from_slice(args);
        home.run(&all)
    };
    // Input is checked before any request.
    acme(&["invite-user", "not-an-email", "--role", "devops"]).fails(2);
    acme(&["invite-user", "bob@example.com", "--role", "superuser"])
        .fails(2)
        .stderr_has("superuser");
    let r = acme(&["invite-user", "bob@example.com", "--role", "devops"]);
    r.ok()
        .stderr_has("Invited bob@example.com into organization acme");
    assert_eq!(
        cells(r.lines()[0]),
        ["EMAIL", "STATUS", "ROLE", "EXPIRES", "CODE"]
    );
    let row = cells(r.lines()[1]);
    assert_eq!(
        row[..3],
        ["bob@example.com".to_string(), "invited".into(), "devops".into()]
    );
    let code = row[4].clone();
    assert!(code.starts_with("inv_"), "{row:?}");
    acme(&["invite-user", "bob@example.com", "--role", "devops"])
        .ok()
        .stderr_has("bob@example.com is already invited");
    acme(&["invite-user", "bob@example.com", "--role", "viewer"])
        .fails(5)
        .one_error()
        .stderr_has("already invited as 'devops'");
    let r = acme(&["list"]);
    assert_eq!(cells(r.ok().lines()[0]), ["EMAIL", "ROLE", "STATUS", "EXPIRES"]);
    assert_eq!(
        cells(r.lines()[1])[..3],
        ["bob@example.com".to_string(), "devops".into(), "pending".into()]
    );
    assert!(!r.stdout.contains(&code), "the code is shown only once");

    // A second invitation, revoked.
    acme(&["invite-user", "dave@example.com", "--role", "member"]).ok();
    acme(&["delete", "dave@example.com"])
        .ok()
        .stderr_has("Deleted the invitation of dave@example.com");
    acme(&["delete", "dave@example.com"])
        .fails(3)
        .stderr_has("error: no open invitation for dave@example.com in organization 'acme'")
        .stderr_has("hint: see `accessctl orgs invitations list`");

    // bob accepts with his own login; the membership is there.
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run(&["roles", "invitations", "accept", &code])
        .ok()
        .stderr_has("Joined organization acme as devops (bob)");
    let r = home.run(&["--org", "acme", "-o", "json", "orgs", "members", "list"]);
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["username"] == "bob" && m["role"] == "devops"),
        "{}",
        r.stdout
    );
    assert!(acme(&["list", "-q"]).ok().stdout.is_empty());
    // bob is a devops member, not an admin: he cannot invite (exit 4).
    bob.run(&[
        "--org",
        "acme",
        "orgs",
        "invitations",
        "invite-user",
        "x@example.com",
        "--role",
        "member",
    ])
    .fails(4);
}
