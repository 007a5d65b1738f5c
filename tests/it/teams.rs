//! `teams list | create | delete | members | add-member | remove-member` and team
//! bindings (`roles add-binding --team`, `list-bindings --principal-type team`,
//! the membership document) against a real accessd.

use crate::harness::{Home, admin_with_project, cells};

#[test]
fn teams_end_to_end() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    server.user_with_token("carol", "carol@example.com", "Carol Cook");

    home.run(&["teams", "list"]).ok().stderr_has("No teams");
    home.run(&["teams", "create", "backend"])
        .ok()
        .stderr_has("Created team backend");
    // Names are unique case-insensitively (exit 5) and checked before any request.
    home.run(&["teams", "create", "Backend"])
        .fails(5)
        .stderr_has("a team named 'backend' exists");
    home.run(&["teams", "create", "two words"]).fails(2);

    home.run(&["teams", "add-member", "backend", "--email", "bob@example.com"])
        .ok()
        .stderr_has("Added bob@example.com to team backend");
    // Again: nothing changes, exit 0; -q prints the email.
    let r = home.run(&["teams", "add-member", "BACKEND", "--email", "BOB@example.com"]);
    r.ok()
        .stderr_has("already a member: bob@example.com is in team BACKEND");
    assert_eq!(r.stdout, "");
    let r = home.run(&[
        "-q",
        "teams",
        "add-member",
        "backend",
        "--email",
        "bob@example.com",
    ]);
    assert_eq!(r.ok().stdout, "bob@example.com\n");
    home.run(&["teams", "add-member", "backend", "--email", "nobody@example.com"])
        .fails(3)
        .stderr_has("error: nobody@example.com is not a member of the organization");
    home.run(&["teams", "add-member", "nope", "--email", "bob@example.com"])
        .fails(3)
        .stderr_has("error: no team 'nope'")
        .stderr_has("hint: see `accessctl teams list`");
    home.run(&["teams", "add-member", "backend", "--email", "not-an-email"])
        .fails(2);

    let r = home.run(&["-o", "wide", "teams", "members", "backend"]);
    r.ok();
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(rows[0], ["USERNAME", "EMAIL", "NAME", "ADDED"]);
    assert_eq!(rows[1][..3], ["bob", "bob@example.com", "Bob Builder"]);
    assert_eq!(rows.len(), 2);
    let r = home.run(&["teams", "list"]);
    r.ok();
    assert_eq!(cells(r.lines()[0]), ["NAME", "MEMBERS"]);
    let r = home.run(&["-o", "wide", "teams", "list"]);
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(rows[0], ["NAME", "MEMBERS", "CREATED", "ID"]);
    assert_eq!(rows[1][..2], ["backend", "1"]);
    assert_eq!(home.run(&["-q", "teams", "list"]).stdout, "backend\n");

    // Bob has no binding of his own: nothing in shop yet.
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run(&["--project", "shop", "roles", "list-bindings"]).fails(3);

    // Bound through the team, he sees it; list-bindings shows team:NAME.
    let r = home.run(&["roles", "add-binding", "--team", "backend", "--role", "developer"]);
    r.ok().stderr_has("Granted role developer in project shop");
    let binding = cells(r.lines()[1])[0].clone();
    let r = bob.run(&[
        "--project",
        "shop",
        "roles",
        "list-bindings",
        "--principal-type",
        "team",
    ]);
    r.ok();
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert_eq!(rows[1], [binding.as_str(), "developer", "team:backend"]);
    let r = home.run(&["-q", "roles", "list-bindings", "--principal-type", "user"]);
    assert!(!r.stdout.contains(&binding));
    bob.run(&["--project", "shop", "roles", "check", "services.deploy"])
        .ok()
        .stdout_has(&binding);
    // Bob may see teams, not manage them.
    bob.run(&["teams", "members", "backend"])
        .ok()
        .stdout_has("bob@example.com");
    bob.run(&["teams", "create", "mine"]).fails(4);

    // The membership document names the team, and applies back unchanged.
    let doc = home.run(&["roles", "export"]).ok().stdout.clone();
    assert!(
        doc.contains("type: team") && doc.contains("name: backend"),
        "{doc}"
    );
    home.run_stdin(&["roles", "apply", "-f", "-"], Some(&doc))
        .ok()
        .stderr_has("No changes");

    // A team in use is not deleted (exit 5, with the way out).
    home.run(&["teams", "delete", "backend"])
        .fails(5)
        .stderr_has("still holds roles in project(s) shop")
        .stderr_has("hint: see `accessctl --project PROJECT roles list-bindings --principal-type team`");

    // Leaving the team takes the access away.
    home.run(&["teams", "remove-member", "backend", "--email", "bob@example.com"])
        .ok()
        .stderr_has("Removed bob@example.com from team backend");
    bob.run(&["--project", "shop", "roles", "list-bindings"]).fails(3);
    home.run(&[
        "teams",
        "remove-member",
        "backend",
        "--email",
        "carol@example.com",
    ])
    .fails(3)
    .stderr_has("'carol' is not a member of team 'backend'")
    .stderr_has("hint: see `accessctl teams members backend`");

    home.run(&["roles", "delete-binding", &binding]).ok();
    home.run(&["teams", "delete", "backend"])
        .ok()
        .stderr_has("Deleted team backend");
    home.run(&["teams", "delete", "backend"])
        .fails(3)
        .stderr_has("error: no team 'backend'");
    home.run(&["teams", "list"]).ok().stderr_has("No teams");
}
