//! `projects list | get | new | update | delete` (and the `project` alias).

use crate::harness::{admin_with_project, cells};

#[test]
fn project_lifecycle() {
    let (_server, home) = admin_with_project();
    let r = home.run(&["projects", "list"]);
    r.ok();
    assert_eq!(cells(r.lines()[0]), ["NAME", "DESCRIPTION", "PRESET", "MY ROLES"]);
    let wide = home.run(&["-o", "wide", "projects", "list"]);
    assert_eq!(
        cells(wide.lines()[0]),
        ["NAME", "DESCRIPTION", "PRESET", "MY ROLES", "ID"]
    );
    assert_eq!(cells(r.lines()[1])[..3], ["shop", "The shop", "akka"]);

    let r = home.run(&["project", "get"]);
    r.ok();
    assert_eq!(cells(r.lines()[0]), ["NAME", "shop"]);
    let json = home.run(&["-o", "json", "projects", "get", "shop"]).json();
    assert_eq!(json["name"], "shop");
    assert_eq!(json["role_preset"], "akka");

    let r = home.run(&[
        "projects",
        "new",
        "studio",
        "--role-preset",
        "goldsky",
        "--description",
        "Subgraphs",
    ]);
    r.ok().stderr_has("Created project studio (goldsky roles)");
    let roles = home.run(&["--project", "studio", "-q", "roles", "list"]);
    assert_eq!(roles.stdout, "owner\nadmin\neditor\nviewer\n");

    home.run(&["projects", "new", "studio"]).fails(5);
    home.run(&["projects", "new", "bad name"]).fails(2);
    home.run(&["projects", "new", "x", "--role-preset", "nope"])
        .code(2);

    let r = home.run(&[
        "projects",
        "update",
        "studio",
        "--name",
        "studio2",
        "--description",
        "Renamed",
    ]);
    r.ok().stderr_has("Updated project studio2");
    home.run(&["projects", "update", "studio"]).code(2);
    home.run(&["projects", "get", "studio"])
        .fails(3)
        .stderr_has("hint: see `accessctl projects list`");

    home.run(&["projects", "delete", "studio2"])
        .fails(2)
        .stderr_has("hint: pass --yes");
    home.run(&["projects", "delete", "studio2", "--yes"])
        .ok()
        .stderr_has("Deleted project studio2");
    home.run(&["projects", "delete", "studio2", "-y"]).fails(3);
    assert_eq!(home.run(&["-q", "projects", "list"]).stdout, "shop\n");
}
