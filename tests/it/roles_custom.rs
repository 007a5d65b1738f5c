//! `roles create | update | delete`: custom project roles against a real accessd,
//! and `If-Match` on update against a scripted server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use insta::assert_snapshot;

use crate::harness::{Home, admin_with_project};

#[test]
fn create_update_delete_a_custom_role() {
    let (_server, home) = admin_with_project();
    // Like `roles show`: the role's permissions, its line on stderr.
    assert_snapshot!(home.run(
        "roles create Deployer --permission services.view PROJECT.VIEW --permission services.deploy --description 'Ships services'"
    ), @"
    PERMISSION       DESCRIPTION
    project.view     See the project, its settings and that it exists
    services.deploy  Deploy services
    services.view    See services
    ----- stderr -----
    Created role Deployer in project shop
    Role Deployer (custom): Ships services
    ");
    assert_snapshot!(home.run("-q roles list"), @"
    admin
    developer
    viewer
    backoffice
    Deployer
    ");

    let r = home.run(
        "-o json roles update deployer --add-permission routes.view routes.manage --remove-permission services.deploy",
    );
    r.ok();
    let role = r.json();
    assert_eq!(role["name"], "Deployer");
    assert_eq!(role["built_in"], false);
    assert_snapshot!(home.run("roles show deployer"), @"
    PERMISSION     DESCRIPTION
    project.view   See the project, its settings and that it exists
    routes.manage  Create, change and delete routes
    routes.view    See routes
    services.view  See services
    ----- stderr -----
    Role Deployer (custom): Ships services
    ");
    // Adding what it has and removing what it lacks changes nothing, and says so.
    assert_snapshot!(home.run(
        "roles update deployer --add-permission routes.view --remove-permission secrets.view"
    ), @"
    PERMISSION     DESCRIPTION
    project.view   See the project, its settings and that it exists
    routes.manage  Create, change and delete routes
    routes.view    See routes
    services.view  See services
    ----- stderr -----
    role Deployer already has routes.view
    role Deployer does not have secrets.view
    No changes to role Deployer
    Role Deployer (custom): Ships services
    ");
    // The description alone keeps the permissions.
    assert_snapshot!(home.run("roles update deployer --description 'Ships and routes'"), @"
    PERMISSION     DESCRIPTION
    project.view   See the project, its settings and that it exists
    routes.manage  Create, change and delete routes
    routes.view    See routes
    services.view  See services
    ----- stderr -----
    Updated role Deployer
    Role Deployer (custom): Ships and routes
    ");

    assert_snapshot!(home.session(&[
        "-q roles delete DEPLOYER",
        "roles show deployer",
        "roles delete deployer",
    ]), @"
    $ accessctl -q roles delete DEPLOYER
    $ accessctl roles show deployer
    ----- stderr -----
    error: no role 'deployer' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 3 -----
    $ accessctl roles delete deployer
    ----- stderr -----
    error: no role 'deployer' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 3 -----
    ");
}

#[test]
fn invalid_and_refused_changes_have_their_exit_codes() {
    let (server, home) = admin_with_project();
    home.run("roles create ops --permission services.view").ok();
    // 2: an unknown permission, named, with where to look; nothing is created.
    assert_snapshot!(home.session(&[
        "roles create wizard --permission services.view magic.cast",
        "roles show wizard",
        "roles update ops --add-permission a.b c.d",
        "roles update ops",
        "roles update ops --add-permission routes.view --remove-permission routes.view",
        "roles create 'bad name!' --permission services.view",
    ]), @"
    $ accessctl roles create wizard --permission services.view magic.cast
    ----- stderr -----
    error: unknown permission 'magic.cast'
    hint: see the catalogue with `accessctl roles permissions`
    ----- exit 2 -----
    $ accessctl roles show wizard
    ----- stderr -----
    error: no role 'wizard' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice, ops
    ----- exit 3 -----
    $ accessctl roles update ops --add-permission a.b c.d
    ----- stderr -----
    error: unknown permissions: a.b, c.d
    hint: see the catalogue with `accessctl roles permissions`
    ----- exit 2 -----
    $ accessctl roles update ops
    ----- stderr -----
    error: nothing to change
    hint: pass --add-permission, --remove-permission or --description
    ----- exit 2 -----
    $ accessctl roles update ops --add-permission routes.view --remove-permission routes.view
    ----- stderr -----
    error: 'routes.view' is both added and removed
    ----- exit 2 -----
    $ accessctl roles create 'bad name!' --permission services.view
    ----- stderr -----
    error: role name may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit
    ----- exit 2 -----
    ");
    // 2: custom roles are never owner-grade.
    assert_snapshot!(home.run("roles create boss --permission owners.manage"), @"
    ----- stderr -----
    error: permissions: custom roles are never owner-grade: owners.manage is not allowed
    ----- exit 2 -----
    ");
    // 5: the name is taken (case-insensitively).
    assert_snapshot!(home.run("roles create OPS --permission services.view"), @"
    ----- stderr -----
    error: project 'shop' already has a role 'OPS'
    hint: change it with `accessctl roles update OPS --add-permission …`
    ----- exit 5 -----
    ");
    // 4: built-in roles cannot be changed or deleted.
    assert_snapshot!(home.session(&[
        "roles update admin --add-permission billing.manage",
        "roles update viewer --description x",
        "roles delete developer",
    ]), @"
    $ accessctl roles update admin --add-permission billing.manage
    ----- stderr -----
    error: 'admin' is a built-in role of the project's preset and cannot be changed
    hint: make a custom role with `accessctl roles create`
    ----- exit 4 -----
    $ accessctl roles update viewer --description x
    ----- stderr -----
    error: 'viewer' is a built-in role of the project's preset and cannot be changed
    hint: built-in roles come from the project's preset; make a custom role with `accessctl roles create`
    ----- exit 4 -----
    $ accessctl roles delete developer
    ----- stderr -----
    error: 'developer' is a built-in role of the project's preset and cannot be changed
    hint: built-in roles come from the project's preset; make a custom role with `accessctl roles create`
    ----- exit 4 -----
    ");
    // 3: no such role.
    assert_snapshot!(home.run("roles update ghost --add-permission routes.view"), @"
    ----- stderr -----
    error: no role 'ghost' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice, ops
    ----- exit 3 -----
    ");
    // 5: a role still bound (or offered by an invitation) is not deleted.
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.run("roles add-binding --username bob --role ops").ok();
    assert_snapshot!(home.run("roles delete ops"), @"
    ----- stderr -----
    error: role 'ops' is used by 1 binding(s) or invitation(s); remove them first
    hint: see `accessctl roles list-bindings --role ops` and `accessctl roles invitations list`
    ----- exit 5 -----
    ");
    let id = home.run("-q roles list-bindings --role ops");
    home.run(&["roles", "delete-binding", id.stdout.trim()]).ok();
    home.run("roles invitations invite-user dan@example.com --role ops")
        .ok();
    assert_snapshot!(home.session(&[
        "roles delete ops",
        "roles invitations delete dan@example.com",
        "roles delete ops",
    ]), @"
    $ accessctl roles delete ops
    ----- stderr -----
    error: role 'ops' is used by 1 binding(s) or invitation(s); remove them first
    hint: see `accessctl roles list-bindings --role ops` and `accessctl roles invitations list`
    ----- exit 5 -----
    $ accessctl roles invitations delete dan@example.com
    ----- stderr -----
    Deleted the invitation of dan@example.com
    $ accessctl roles delete ops
    ----- stderr -----
    Deleted role ops from project shop
    ");
}

#[test]
fn a_custom_role_never_exceeds_its_creator() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    home.run("roles create role-admin --permission project.view roles.view roles.manage services.view")
        .ok();
    home.run("roles add-binding --username bob --role role-admin")
        .ok();
    let bob = Home::new();
    bob.login(&server, &bob_token);
    assert_snapshot!(bob.session(&[
        "--project shop roles create viewer2 --permission services.view",
        "--project shop roles create deployer --permission services.deploy",
        "--project shop roles update viewer2 --add-permission secrets.view",
    ]), @"
    $ accessctl --project shop roles create viewer2 --permission services.view
    PERMISSION     DESCRIPTION
    services.view  See services
    ----- stderr -----
    Created role viewer2 in project shop
    Role viewer2 (custom)
    $ accessctl --project shop roles create deployer --permission services.deploy
    ----- stderr -----
    error: a custom role can only hold permissions you hold; you lack services.deploy
    hint: you can only grant or revoke roles whose permissions you hold yourself
    ----- exit 4 -----
    $ accessctl --project shop roles update viewer2 --add-permission secrets.view
    ----- stderr -----
    error: a custom role can only hold permissions you hold; you lack secrets.view
    hint: you can only grant or revoke roles whose permissions you hold yourself
    ----- exit 4 -----
    ");
    assert_snapshot!(home.run("-q roles show viewer2"), @"services.view");
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
    assert_snapshot!(home.run("-q roles update ops --add-permission routes.view"), @"
    routes.view
    services.view
    ");
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
