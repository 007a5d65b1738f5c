//! `teams list | create | delete | members | add-member | remove-member` and team
//! bindings (`roles add-binding --team`, `list-bindings --principal-type team`,
//! the membership document) against a real accessd.

use insta::assert_snapshot;

use crate::harness::{Home, admin_with_project, cells};

#[test]
fn teams_end_to_end() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    server.user_with_token("carol", "carol@example.com", "Carol Cook");

    assert_snapshot!(home.run("teams list"), @"
    ----- stderr -----
    No teams
    ");
    assert_snapshot!(home.run("teams create backend"), @"
    NAME     backend
    MEMBERS  0
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created team backend
    ");
    // Names are unique case-insensitively (exit 5) and checked before any request.
    assert_snapshot!(home.run("teams create Backend"), @"
    ----- stderr -----
    error: a team named 'backend' exists in org 'default'
    ----- exit 5 -----
    ");
    assert_snapshot!(home.run("teams create 'two words'"), @"
    ----- stderr -----
    error: team name may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit
    ----- exit 2 -----
    ");

    assert_snapshot!(home.run("teams add-member backend --email bob@example.com"), @"
    USERNAME  bob
    EMAIL     bob@example.com
    NAME      Bob Builder
    ADDED     [TIME]
    ----- stderr -----
    Added bob@example.com to team backend
    ");
    // Again: nothing changes, exit 0; -q prints the email.
    assert_snapshot!(home.run("teams add-member BACKEND --email BOB@example.com"), @"
    ----- stderr -----
    already a member: bob@example.com is in team BACKEND
    ");
    assert_snapshot!(home.run("-q teams add-member backend --email bob@example.com"), @"bob@example.com");
    assert_snapshot!(home.run("teams add-member backend --email nobody@example.com"), @"
    ----- stderr -----
    error: nobody@example.com is not a member of the organization
    hint: add them to it first: `accessctl orgs members add --email nobody@example.com` (org owners and admins)
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("teams add-member nope --email bob@example.com"), @"
    ----- stderr -----
    error: no team 'nope'
    hint: see `accessctl teams list`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("teams add-member backend --email not-an-email"), @"
    ----- stderr -----
    error: invalid email 'not-an-email': email has no '@'
    ----- exit 2 -----
    ");

    let r = home.run("-o wide teams members backend");
    r.ok();
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(rows[0], ["USERNAME", "EMAIL", "NAME", "ADDED"]);
    assert_eq!(rows[1][..3], ["bob", "bob@example.com", "Bob Builder"]);
    assert_eq!(rows.len(), 2);
    assert_snapshot!(home.run("teams list"), @"
    NAME     MEMBERS
    backend  1
    ");
    let r = home.run("-o wide teams list");
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(rows[0], ["NAME", "MEMBERS", "CREATED", "ID"]);
    assert_eq!(rows[1][..2], ["backend", "1"]);
    assert_snapshot!(home.run("-q teams list"), @"backend");

    // Bob has no binding of his own: nothing in shop yet.
    let bob = Home::new();
    bob.login(&server, &bob_token);
    assert_snapshot!(bob.run("--project shop roles list-bindings"), @"
    ----- stderr -----
    error: no project 'shop' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");

    // Bound through the team, he sees it; list-bindings shows team:NAME.
    let r = home.run("roles add-binding --team backend --role developer");
    assert_snapshot!(r, @"
    ROLE BINDING ID                       ROLE       PRINCIPAL     MFA
    00000000-0000-0000-0000-000000000001  developer  team:backend
    ----- stderr -----
    Granted role developer in project shop
    ");
    let binding = cells(r.lines()[1])[0].clone();
    assert_snapshot!(bob.run("--project shop roles list-bindings --principal-type team"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL     MFA
    00000000-0000-0000-0000-000000000001  developer  team:backend
    ");
    let r = home.run("-q roles list-bindings --principal-type user");
    assert!(!r.stdout.contains(&binding));
    assert_snapshot!(bob.run("--project shop roles check services.deploy"), @"
    PERMISSION       ALLOWED  GRANTED BY
    services.deploy  yes      developer via team:backend (binding 00000000-0000-0000-0000-000000000001)
    ");
    // Bob may see teams, not manage them.
    assert_snapshot!(bob.run("teams members backend"), @"
    USERNAME  EMAIL            NAME
    bob       bob@example.com  Bob Builder
    ");
    assert_snapshot!(bob.run("teams create mine"), @"
    ----- stderr -----
    error: only an owner or admin of org 'default' can manage its teams
    ----- exit 4 -----
    ");

    // The membership document names the team, and applies back unchanged.
    let doc = home.run("roles export").ok().stdout.clone();
    assert!(
        doc.contains("type: team") && doc.contains("name: backend"),
        "{doc}"
    );
    assert_snapshot!(home.run_stdin("roles apply -f -", Some(&doc)), @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    unchanged  admin      Ada Admin <admin@example.com>
    unchanged  developer  team:backend
    ----- stderr -----
    No changes: project shop already matches stdin
    ");

    // A team in use is not deleted (exit 5, with the way out).
    assert_snapshot!(home.run("teams delete backend"), @"
    ----- stderr -----
    error: team 'backend' still holds roles in project(s) shop; delete those role bindings first
    hint: see `accessctl --project PROJECT roles list-bindings --principal-type team` and delete them with `accessctl roles delete-binding ID`
    ----- exit 5 -----
    ");

    // Leaving the team takes the access away.
    assert_snapshot!(home.run("teams remove-member backend --email bob@example.com"), @"
    ----- stderr -----
    Removed bob@example.com from team backend
    ");
    assert_snapshot!(bob.run("--project shop roles list-bindings"), @"
    ----- stderr -----
    error: no project 'shop' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("teams remove-member backend --email carol@example.com"), @"
    ----- stderr -----
    error: 'carol' is not a member of team 'backend'
    hint: see `accessctl teams members backend`
    ----- exit 3 -----
    ");

    home.run(&["roles", "delete-binding", &binding]).ok();
    assert_snapshot!(home.run("teams delete backend"), @"
    ----- stderr -----
    Deleted team backend
    ");
    assert_snapshot!(home.run("teams delete backend"), @"
    ----- stderr -----
    error: no team 'backend'
    hint: see `accessctl teams list`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("teams list"), @"
    ----- stderr -----
    No teams
    ");
}
