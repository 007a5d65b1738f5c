//! `projects list | get | new | update | delete` (and the `project` alias), each
//! step as the command line and its whole transcript.

use insta::assert_snapshot;

use crate::harness::admin_with_project;

#[test]
fn project_lifecycle() {
    let (_server, home) = admin_with_project();
    assert_snapshot!(home.run("projects list"), @"
    NAME  DESCRIPTION  PRESET  MY ROLES
    shop  The shop     akka    admin
    ");
    assert_snapshot!(home.run("project get"), @"
    NAME         shop
    DESCRIPTION  The shop
    PRESET       akka
    MY ROLES     admin
    ID           00000000-0000-0000-0000-000000000001
    ");
    let json = home.run("-o json projects get shop").json();
    assert_eq!(json["name"], "shop");
    assert_eq!(json["role_preset"], "akka");

    assert_snapshot!(home.run("projects new studio --role-preset goldsky --description Subgraphs"), @"
    NAME         studio
    DESCRIPTION  Subgraphs
    PRESET       goldsky
    MY ROLES     owner
    ID           00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created project studio (goldsky roles)
    Select it with `accessctl config set project studio`, or pass --project studio to each command
    ");
    assert_snapshot!(home.run("--project studio -q roles list"), @"
    owner
    admin
    editor
    viewer
    ");

    assert_snapshot!(home.run("projects new studio"), @"
    ----- stderr -----
    error: a project named 'studio' exists in this org; choose another name
    ----- exit 5 -----
    ");
    assert_snapshot!(home.run("projects new 'bad name'"), @"
    ----- stderr -----
    error: project name may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("projects new x --role-preset nope"), @"
    ----- stderr -----
    error: invalid value 'nope' for '--role-preset <PRESET>'
      [possible values: akka, goldsky, loft]

    For more information, try '--help'.
    ----- exit 2 -----
    ");

    assert_snapshot!(home.run("projects update studio --name studio2 --description Renamed"), @"
    NAME         studio2
    DESCRIPTION  Renamed
    PRESET       goldsky
    MY ROLES     owner
    ID           00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Updated project studio2
    ");
    assert_snapshot!(home.run("projects update studio"), @"
    ----- stderr -----
    error: the following required arguments were not provided:
      <--name <NAME>|--description <TEXT>|--require-mfa <POLICY>>

    Usage: accessctl projects update <--name <NAME>|--description <TEXT>|--require-mfa <POLICY>> <PROJECT>

    For more information, try '--help'.
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("projects get studio"), @"
    ----- stderr -----
    error: no project 'studio' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");

    assert_snapshot!(home.run("projects delete studio2"), @"
    ----- stderr -----
    error: refusing to delete project 'studio2' without confirmation
    hint: pass --yes to confirm without a prompt
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("projects delete studio2 --yes"), @"
    ----- stderr -----
    Deleted project studio2
    ");
    assert_snapshot!(home.run("projects delete studio2 -y"), @"
    ----- stderr -----
    error: no project 'studio2' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("-q projects list"), @"shop");
}

#[test]
fn wide_adds_the_id() {
    let (_server, home) = admin_with_project();
    assert_snapshot!(home.run("-o wide projects list"), @"
    NAME  DESCRIPTION  PRESET  MY ROLES  ID
    shop  The shop     akka    admin     00000000-0000-0000-0000-000000000001
    ");
}
