//! The `local` context: a fresh HOME runs the embedded accessd, with the OS user as
//! admin of project `default`.

use std::process::Stdio;

use crate::harness::{BIN, Home, cells};

/// `-o wide`: the Akka columns, the Kalix ones and CREATED.
const HEADER: [&str; 8] = [
    "ROLE BINDING ID",
    "ROLE",
    "PRINCIPAL",
    "USERNAME",
    "EMAIL",
    "NAME",
    "MFA",
    "CREATED",
];

#[test]
fn fresh_home_lists_the_local_admin_binding() {
    let home = Home::new();
    let r = home.run(&["roles", "list-bindings"]);
    r.ok();
    assert_eq!(
        cells(r.lines()[0]),
        ["ROLE BINDING ID", "ROLE", "PRINCIPAL", "MFA"]
    );
    let r = home.run(&["-o", "wide", "roles", "list-bindings"]);
    r.ok();
    let lines = r.lines();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert_eq!(cells(lines[0]), HEADER);
    let row = cells(lines[1]);
    assert_eq!(
        row[1..6],
        [
            "admin",
            "tester <tester@localhost>",
            "tester",
            "tester@localhost",
            "no"
        ]
    );
    // State persists: the same binding next time, and the project is remembered.
    let again = home.run(&["-q", "roles", "list-bindings"]);
    assert_eq!(again.stdout.trim(), row[0]);
    assert!(home.path().join(".local/share/accessctl/local.db").exists());
    assert_eq!(home.run(&["config", "get", "project"]).stdout, "default\n");
    let projects = home.run(&["-q", "projects", "list"]);
    assert_eq!(projects.stdout, "default\n");
}

#[test]
fn without_user_env_the_identity_is_local() {
    let home = Home::new();
    let out = home
        .command(&["-q", "auth", "status"])
        .env_remove("USER")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "local\n");
}

#[test]
fn two_concurrent_first_commands_are_safe() {
    let home = Home::new();
    let children: Vec<_> = (0..3)
        .map(|_| {
            home.command(&["-q", "roles", "list-bindings"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outputs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let first = String::from_utf8_lossy(&outputs[0].stdout).to_string();
    assert_eq!(first.lines().count(), 1);
    for o in &outputs {
        assert_eq!(String::from_utf8_lossy(&o.stdout), first);
    }
    assert_eq!(home.run(&["-q", "projects", "list"]).stdout, "default\n");
    let _ = BIN;
}

#[test]
fn local_context_manages_users_and_bindings() {
    let home = Home::new();
    home.run(&[
        "users",
        "create",
        "--username",
        "bob",
        "--email",
        "bob@example.com",
        "--name",
        "Bob Builder",
    ])
    .ok();
    let r = home.run(&[
        "-q",
        "roles",
        "add-binding",
        "--email",
        "bob@example.com",
        "--role",
        "developer",
    ]);
    r.ok();
    let id = r.stdout.trim().to_owned();
    let list = home.run(&["-o", "wide", "roles", "list-bindings", "--role", "developer"]);
    list.ok();
    assert_eq!(
        cells(list.lines()[1])[1..7],
        [
            "developer",
            "Bob Builder <bob@example.com>",
            "bob",
            "bob@example.com",
            "Bob Builder",
            "no"
        ]
    );
    home.run(&["roles", "delete-binding", &id])
        .ok()
        .stderr_has(&format!("Deleted role binding {id}"));
    home.run(&["auth", "token"])
        .fails(2)
        .stderr_has("local context uses no token");
}

#[test]
fn another_os_user_gets_a_clear_error() {
    let home = Home::new();
    home.run(&["roles", "list"]).ok();
    let out = home
        .command(&["roles", "list"])
        .env("USER", "mallory")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("belongs to another user; you are 'mallory'"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn home_paths_with_url_characters_work() {
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("odd #?% home");
    std::fs::create_dir(&home).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["-q", "roles", "list-bindings"])
        .env_clear()
        .env("HOME", &home)
        .env("USER", "tester")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    assert!(home.join(".local/share/accessctl/local.db").exists());
}
