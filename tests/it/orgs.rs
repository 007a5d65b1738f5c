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
