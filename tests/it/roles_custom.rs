//! `roles create | update | delete`: custom project roles against a real accessd,
//! and `If-Match` on update against a scripted server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::harness::{Home, admin_with_project, cells};

fn permissions_of(home: &Home, role: &str) -> Vec<String> {
    let r = home.run(&["-o", "json", "roles", "show", role]);
    r.ok();
    r.json()["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn create_update_delete_a_custom_role() {
    let (_server, home) = admin_with_project();
    let r = home.run(&[
        "roles",
        "create",
        "Deployer",
        "--permission",
        "services.view",
        "PROJECT.VIEW",
        "--permission",
        "services.deploy",
        "--description",
        "Ships services",
    ]);
    r.ok()
        .stderr_has("Created role Deployer in project shop")
        .stderr_has("Role Deployer (custom): Ships services");
    assert_eq!(cells(r.lines()[0]), ["PERMISSION", "DESCRIPTION"]);
    let shown: Vec<String> = r.lines()[1..].iter().map(|l| cells(l)[0].clone()).collect();
    assert_eq!(shown, ["project.view", "services.deploy", "services.view"]);
    // Like `roles show`: the Role as JSON, the permissions with -q.
    let names = home.run(&["-q", "roles", "list"]);
    assert_eq!(names.lines().last().copied(), Some("Deployer"));

    let r = home.run(&[
        "-o",
        "json",
        "roles",
        "update",
        "deployer",
        "--add-permission",
        "routes.view",
        "routes.manage",
        "--remove-permission",
        "services.deploy",
    ]);
    r.ok();
    let role = r.json();
    assert_eq!(role["name"], "Deployer");
    assert_eq!(role["built_in"], false);
    assert_eq!(
        permissions_of(&home, "deployer"),
        ["project.view", "routes.manage", "routes.view", "services.view"]
    );
    // Adding what it has and removing what it lacks changes nothing, and says so.
    let r = home.run(&[
        "roles",
        "update",
        "deployer",
        "--add-permission",
        "routes.view",
        "--remove-permission",
        "secrets.view",
    ]);
    r.ok()
        .stderr_has("role Deployer already has routes.view")
        .stderr_has("role Deployer does not have secrets.view")
        .stderr_has("No changes to role Deployer");
    let r = home.run(&["roles", "update", "deployer", "--description", "Ships and routes"]);
    r.ok().stderr_has("Role Deployer (custom): Ships and routes");
    assert_eq!(
        permissions_of(&home, "deployer").len(),
        4,
        "the description alone keeps the permissions"
    );

    home.run(&["-q", "roles", "delete", "DEPLOYER"]).ok();
    home.run(&["roles", "show", "deployer"]).fails(3);
    let r = home.run(&["roles", "delete", "deployer"]);
    r.fails(3)
        .stderr_has("error: no role 'deployer' in project 'shop'")
        .stderr_has("hint: valid roles: admin, developer, viewer, backoffice");
}

#[test]
fn invalid_and_refused_changes_have_their_exit_codes() {
    let (server, home) = admin_with_project();
    home.run(&["roles", "create", "ops", "--permission", "services.view"])
        .ok();
    // 2: an unknown permission, named, with where to look; nothing is created.
    home.run(&[
        "roles",
        "create",
        "wizard",
        "--permission",
        "services.view",
        "magic.cast",
    ])
    .fails(2)
    .stderr_has("error: unknown permission 'magic.cast'\n")
    .stderr_has("hint: see the catalogue with `accessctl roles permissions`");
    home.run(&["roles", "show", "wizard"]).fails(3);
    home.run(&["roles", "update", "ops", "--add-permission", "a.b", "c.d"])
        .fails(2)
        .stderr_has("error: unknown permissions: a.b, c.d");
    home.run(&["roles", "update", "ops"])
        .fails(2)
        .stderr_has("nothing to change");
    home.run(&[
        "roles",
        "update",
        "ops",
        "--add-permission",
        "routes.view",
        "--remove-permission",
        "routes.view",
    ])
    .fails(2)
    .stderr_has("'routes.view' is both added and removed");
    home.run(&["roles", "create", "bad name!", "--permission", "services.view"])
        .fails(2);
    // 2: custom roles are never owner-grade.
    home.run(&["roles", "create", "boss", "--permission", "owners.manage"])
        .fails(2)
        .stderr_has("never owner-grade");
    // 5: the name is taken (case-insensitively).
    home.run(&["roles", "create", "OPS", "--permission", "services.view"])
        .fails(5)
        .stderr_has("already has a role 'OPS'")
        .stderr_has("hint: change it with `accessctl roles update OPS");
    // 4: built-in roles cannot be changed or deleted.
    for args in [
        &["roles", "update", "admin", "--add-permission", "billing.manage"][..],
        &["roles", "update", "viewer", "--description", "x"],
        &["roles", "delete", "developer"],
    ] {
        home.run(args)
            .fails(4)
            .stderr_has("is a built-in role of the project's preset and cannot be changed")
            .stderr_has("hint: ")
            .stderr_has("`accessctl roles create`");
    }
    // 3: no such role.
    home.run(&["roles", "update", "ghost", "--add-permission", "routes.view"])
        .fails(3)
        .stderr_has("no role 'ghost' in project 'shop'");
    // 5: a role still bound (or offered by an invitation) is not deleted.
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.run(&["roles", "add-binding", "--username", "bob", "--role", "ops"])
        .ok();
    home.run(&["roles", "delete", "ops"])
        .fails(5)
        .stderr_has("role 'ops' is used by 1 binding(s)")
        .stderr_has("hint: see `accessctl roles list-bindings --role ops`");
    let id = home.run(&["-q", "roles", "list-bindings", "--role", "ops"]);
    home.run(&["roles", "delete-binding", id.stdout.trim()]).ok();
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "dan@example.com",
        "--role",
        "ops",
    ])
    .ok();
    home.run(&["roles", "delete", "ops"]).fails(5);
    home.run(&["roles", "invitations", "delete", "dan@example.com"])
        .ok();
    home.run(&["roles", "delete", "ops"])
        .ok()
        .stderr_has("Deleted role ops from project shop");
}

#[test]
fn a_custom_role_never_exceeds_its_creator() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    home.run(&[
        "roles",
        "create",
        "role-admin",
        "--permission",
        "project.view",
        "roles.view",
        "roles.manage",
        "services.view",
    ])
    .ok();
    home.run(&[
        "roles",
        "add-binding",
        "--username",
        "bob",
        "--role",
        "role-admin",
    ])
    .ok();
    let bob = Home::new();
    bob.login(&server, &bob_token);
    bob.run(&[
        "--project",
        "shop",
        "roles",
        "create",
        "viewer2",
        "--permission",
        "services.view",
    ])
    .ok();
    bob.run(&[
        "--project",
        "shop",
        "roles",
        "create",
        "deployer",
        "--permission",
        "services.deploy",
    ])
    .fails(4)
    .stderr_has("you lack services.deploy");
    bob.run(&[
        "--project",
        "shop",
        "roles",
        "update",
        "viewer2",
        "--add-permission",
        "secrets.view",
    ])
    .fails(4);
    assert_eq!(permissions_of(&home, "viewer2"), ["services.view"]);
}

/// A server for `roles update`: GET answers the role with `ETag: "<version>"`; PUT
/// succeeds only with `If-Match` equal to the version, and the first PUT finds the
/// project changed (412, version bumped). Records each request's method and If-Match.
/// (method, If-Match) of each request, in order.
type RequestLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

fn scripted_role_server() -> (String, RequestLog) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        let mut version = 7;
        let mut puts = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let (mut len, mut if_match) = (0usize, None);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("if-match:") {
                    if_match = Some(line["if-match:".len()..].trim().to_owned());
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let method = request_line.split(' ').next().unwrap_or("").to_owned();
            let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
            seen.lock().unwrap().push((method.clone(), if_match.clone()));
            let role = |perms: &str| {
                format!(
                    r#"{{"id":"r1","name":"ops","built_in":false,"owner_grade":false,"rank":100,"permissions":[{perms}]}}"#
                )
            };
            let (status, body) = if path.starts_with("/v1/permissions") {
                (
                    "200 OK",
                    r#"{"items":[{"name":"services.view","description":"d"},{"name":"routes.view","description":"d"}],"next_cursor":null}"#.to_owned(),
                )
            } else if method == "GET" {
                ("200 OK", role(r#""services.view""#))
            } else if if_match.as_deref() == Some(&format!("\"{version}\"")) && puts > 0 {
                ("200 OK", role(r#""routes.view","services.view""#))
            } else {
                puts += 1;
                version += 1;
                (
                    "412 Precondition Failed",
                    r#"{"title":"t","status":412,"code":"precondition-failed","detail":"changed"}"#
                        .to_owned(),
                )
            };
            let ct = if status.starts_with("412") {
                "application/problem+json"
            } else {
                "application/json"
            };
            let etag = format!("etag: \"{version}\"\r\n");
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {ct}\r\ncontent-length: {}\r\nconnection: close\r\n{etag}\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
        }
    });
    (url, log)
}

#[test]
fn update_writes_with_if_match_and_rereads_when_the_project_changed() {
    let (url, log) = scripted_role_server();
    let home = Home::new()
        .env("ACCESSCTL_SERVER", &url)
        .env("ACCESSCTL_TOKEN", "acc_test")
        .env("ACCESSCTL_PROJECT", "p");
    let r = home.run(&["-q", "roles", "update", "ops", "--add-permission", "routes.view"]);
    r.ok();
    assert_eq!(r.lines(), ["routes.view", "services.view"]);
    let writes: Vec<Option<String>> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, _)| m == "PUT")
        .map(|(_, im)| im.clone())
        .collect();
    // The first write carried the ETag it had read; the project had moved on, so
    // the role was read again and written with the new ETag.
    assert_eq!(writes, [Some("\"7\"".to_owned()), Some("\"8\"".to_owned())]);
    let gets = log.lock().unwrap().iter().filter(|(m, _)| m == "GET").count();
    assert_eq!(gets, 3, "the catalogue, then the role twice");
}
