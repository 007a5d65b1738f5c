//! `roles export | apply | edit`: the project's membership as a document, against a
//! real accessd. `edit` runs on a pty (util-linux `script`) with EDITOR set to a small
//! script; no real editor.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta::assert_snapshot;

use crate::harness::{BIN, Home, Run, Server, admin_with_project, cells};

/// `(ROLE, PRINCIPAL)` of every binding, sorted.
fn bindings(home: &Home) -> Vec<(String, String)> {
    let r = home.run("roles list-bindings");
    r.ok();
    let mut rows: Vec<(String, String)> = r.lines()[1..]
        .iter()
        .map(|l| {
            let c = cells(l);
            (c[1].clone(), c[2].clone())
        })
        .collect();
    rows.sort();
    rows
}

/// admin (owner), bob developer, carol a user of the server without a binding.
fn shop() -> (Server, Home) {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    server.user_with_token("carol", "carol@example.com", "Carol");
    home.run("roles add-binding --username bob --role developer").ok();
    (server, home)
}

fn export(home: &Home, name: &str) -> PathBuf {
    let r = home.run("roles export");
    r.ok();
    let path = home.path().join(name);
    std::fs::write(&path, &r.stdout).unwrap();
    path
}

fn append(path: &Path, yaml: &str) {
    let mut text = std::fs::read_to_string(path).unwrap();
    text.push_str(yaml);
    std::fs::write(path, text).unwrap();
}

fn etag(home: &Home) -> String {
    home.run("-o json roles export").json()["etag"]
        .as_str()
        .unwrap()
        .to_owned()
}

const CAROL_AND_ALL_USERS: &str = "- role: viewer
  principal:
    type: user
    email: carol@example.com
- role: VIEWER
  principal: {type: all-users}
";

#[test]
fn export_is_yaml_unless_json_is_asked_for() {
    let (_server, home) = shop();
    // Fields in the order one reads them, the project's etag, users by username.
    let r = home.run("roles export");
    assert_snapshot!(r, @r#"
    project: shop
    etag: '"2"'
    bindings:
    - role: admin
      principal:
        type: user
        username: admin
    - role: developer
      principal:
        type: user
        username: bob
    "#);
    let yaml: serde_json::Value = yaml_serde::from_str(&r.stdout).unwrap();
    let json = home.run("-o json roles export").json();
    assert_eq!(yaml, json);
    assert_eq!(json["etag"], serde_json::json!(etag(&home)));
    assert_eq!(home.run("-o yaml roles export").stdout, r.stdout);
    assert_snapshot!(home.run("--jq '.bindings | length' roles export"), @"2");
    assert_snapshot!(home.run("-o csv roles export"), @"
    ----- stderr -----
    error: roles export writes yaml or json, not a table
    hint: use -o yaml (the default) or -o json
    ----- exit 2 -----
    ");
}

#[test]
fn dry_run_changes_nothing_and_apply_does_exactly_the_plan_once() {
    let (_server, home) = shop();
    let file = export(&home, "shop.yaml");
    append(&file, CAROL_AND_ALL_USERS);
    let f = file.to_str().unwrap();
    let before = (bindings(&home), etag(&home));

    assert_snapshot!(home.run(&format!("roles apply -f {f} --dry-run")), @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    add        viewer     All Users
    add        viewer     carol@example.com
    unchanged  admin      Ada Admin <admin@example.com>
    unchanged  developer  Bob <bob@example.com>
    ----- stderr -----
    Dry run: 2 to add, 0 to update, 0 to remove, 2 unchanged; nothing was changed
    ");
    assert_eq!(
        (bindings(&home), etag(&home)),
        before,
        "a dry run changes nothing"
    );

    assert_snapshot!(home.run(&format!("roles apply -f {f}")), @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    add        viewer     All Users
    add        viewer     carol@example.com
    unchanged  admin      Ada Admin <admin@example.com>
    unchanged  developer  Bob <bob@example.com>
    ----- stderr -----
    Applied [HOME]/shop.yaml to project shop: 2 added, 0 updated, 0 removed, 2 unchanged
    ");
    assert_snapshot!(home.run("roles list-bindings"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  Bob <bob@example.com>          no
    00000000-0000-0000-0000-000000000003  viewer     All Users
    00000000-0000-0000-0000-000000000004  viewer     Carol <carol@example.com>      no
    ");
    // The same file again: its etag is stale now, but it changes nothing.
    let after = etag(&home);
    assert_snapshot!(home.run(&format!("roles apply -f {f}")), @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    unchanged  admin      Ada Admin <admin@example.com>
    unchanged  developer  Bob <bob@example.com>
    unchanged  viewer     All Users
    unchanged  viewer     Carol <carol@example.com>
    ----- stderr -----
    No changes: project shop already matches [HOME]/shop.yaml
    ");
    assert_eq!(etag(&home), after, "nothing was written");

    // JSON: one item per binding, -q nothing.
    assert_snapshot!(home.run(&format!("-o json roles apply -f {f}")), @r#"
    [
      {
        "action": "unchanged",
        "role": "admin",
        "principal": {
          "type": "user",
          "id": "00000000-0000-0000-0000-000000000001",
          "username": "admin",
          "email": "admin@example.com",
          "name": "Ada Admin"
        },
        "expires_at": null,
        "previous_expires_at": null
      },
      {
        "action": "unchanged",
        "role": "developer",
        "principal": {
          "type": "user",
          "id": "00000000-0000-0000-0000-000000000002",
          "username": "bob",
          "email": "bob@example.com",
          "name": "Bob"
        },
        "expires_at": null,
        "previous_expires_at": null
      },
      {
        "action": "unchanged",
        "role": "viewer",
        "principal": {
          "type": "all-users",
          "id": null,
          "username": null,
          "email": null,
          "name": null
        },
        "expires_at": null,
        "previous_expires_at": null
      },
      {
        "action": "unchanged",
        "role": "viewer",
        "principal": {
          "type": "user",
          "id": "00000000-0000-0000-0000-000000000003",
          "username": "carol",
          "email": "carol@example.com",
          "name": "Carol"
        },
        "expires_at": null,
        "previous_expires_at": null
      }
    ]
    ----- stderr -----
    No changes: project shop already matches [HOME]/shop.yaml
    "#);
    assert_snapshot!(home.run(&format!("-q roles apply -f {f}")), @"");
}

#[test]
fn without_prune_bindings_left_out_are_kept_with_prune_removed() {
    let (_server, home) = shop();
    // A hand-written document, from stdin: no etag, no project.
    let doc = r#"{"bindings": [
        {"role": "admin", "principal": {"type": "user", "username": "admin"}},
        {"role": "viewer", "principal": {"type": "user", "username": "carol"}, "expires_at": "2031-01-01"}
    ]}"#;
    let r = home.run_stdin("roles apply -f -", Some(doc));
    assert_snapshot!(r, @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    add        viewer     carol                          [TIME]
    keep       developer  Bob <bob@example.com>
    unchanged  admin      Ada Admin <admin@example.com>
    ----- stderr -----
    Applied stdin to project shop: 1 added, 0 updated, 0 removed, 1 unchanged, 1 not in the document kept (--prune removes them)
    ");
    assert_eq!(cells(r.lines()[1])[3], "2031-01-01T00:00:00Z");
    assert_eq!(bindings(&home).len(), 3);

    // A new expiry is an update; --prune removes bob.
    let doc = doc.replace("2031-01-01", "2032-06-30T12:00:00Z");
    let r = home.run_stdin("roles apply -f - --prune", Some(&doc));
    assert_snapshot!(r, @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    update     viewer     Carol <carol@example.com>      [TIME] (was [TIME])
    remove     developer  Bob <bob@example.com>
    unchanged  admin      Ada Admin <admin@example.com>
    ----- stderr -----
    Applied stdin to project shop: 0 added, 1 updated, 1 removed, 1 unchanged
    ");
    // The transcript shows times as [TIME]; the expiries themselves:
    assert_eq!(
        cells(r.lines()[1])[3],
        "2032-06-30T12:00:00Z (was 2031-01-01T00:00:00.000Z)"
    );
    // The table's EXPIRES is relative ("in 2036d"), so csv, with times normalised.
    assert_snapshot!(home.run("-o csv roles list-bindings"), @"
    ROLE BINDING ID,ROLE,PRINCIPAL,USERNAME,EMAIL,NAME,MFA,EXPIRES,CREATED
    00000000-0000-0000-0000-000000000001,admin,Ada Admin <admin@example.com>,admin,admin@example.com,Ada Admin,no,,[TIME]
    00000000-0000-0000-0000-000000000002,viewer,Carol <carol@example.com>,carol,carol@example.com,Carol,no,[TIME],[TIME]
    ");
    assert_snapshot!(home.run_stdin("roles apply -f - --prune", Some(&doc)), @"
    ACTION     ROLE    PRINCIPAL                      EXPIRES
    unchanged  admin   Ada Admin <admin@example.com>
    unchanged  viewer  Carol <carol@example.com>      [TIME]
    ----- stderr -----
    No changes: project shop already matches stdin
    ");
}

#[test]
fn a_stale_document_with_changes_is_refused_and_says_export_again() {
    let (_server, home) = shop();
    let file = export(&home, "old.yaml");
    append(&file, CAROL_AND_ALL_USERS);
    let f = file.to_str().unwrap();
    // Someone changes the project after the export.
    home.run("roles add-binding --username carol --role developer")
        .ok();
    let before = (bindings(&home), etag(&home));
    assert_snapshot!(home.run(&format!("roles apply -f {f} --prune --dry-run")), @"
    ----- stderr -----
    error: project shop has changed since [HOME]/old.yaml was exported (its etag is stale); nothing was changed
    hint: export it again (`accessctl roles export > FILE`), make your changes there, and apply that
    ----- exit 5 -----
    ");
    assert_snapshot!(home.run(&format!("roles apply -f {f} --prune")), @"
    ----- stderr -----
    error: project shop has changed since [HOME]/old.yaml was exported (its etag is stale); nothing was changed
    hint: export it again (`accessctl roles export > FILE`), make your changes there, and apply that
    ----- exit 5 -----
    ");
    assert_eq!((bindings(&home), etag(&home)), before);
}

#[test]
fn the_last_owner_is_never_removed() {
    let (_server, home) = shop();
    let doc = "bindings:\n- role: developer\n  principal: {type: user, username: bob}\n";
    assert_snapshot!(home.run_stdin("roles apply -f - --prune --dry-run", Some(doc)), @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    remove     admin      Ada Admin <admin@example.com>
    unchanged  developer  Bob <bob@example.com>
    ----- stderr -----
    warning: this leaves project shop without an owner: the server will refuse it
    Dry run: 0 to add, 0 to update, 1 to remove, 1 unchanged; nothing was changed
    ");
    let before = (bindings(&home), etag(&home));
    assert_snapshot!(home.run_stdin("roles apply -f - --prune", Some(doc)), @"
    ----- stderr -----
    error: that would leave project 'shop' without an owner; make someone else an owner first
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    ");
    assert_eq!((bindings(&home), etag(&home)), before);
}

#[test]
fn bad_documents_are_exit_2_naming_the_line_or_field_and_change_nothing() {
    let (_server, home) = shop();
    let before = (bindings(&home), etag(&home));
    let apply = |doc: &str| home.run_stdin("roles apply -f -", Some(doc));
    assert_snapshot!(apply("bindings:\n- role: admin\n  principal: [\n"), @"
    ----- stderr -----
    error: cannot read stdin: did not find expected node content at line 4 column 1, while parsing a flow node
    hint: a document is `bindings:` with `role` and `principal` each (see `accessctl roles export`)
    ----- exit 2 -----
    ");
    assert_snapshot!(apply("bindings:\n- role: viewer\n  principal: {type: user, username: bob}\n  expires: 2030-01-01\n"), @"
    ----- stderr -----
    error: cannot read stdin: bindings[0]: unknown field `expires`, expected one of `role`, `principal`, `expires_at` at line 4 column 3
    hint: a document is `bindings:` with `role` and `principal` each (see `accessctl roles export`)
    ----- exit 2 -----
    ");
    assert_snapshot!(apply("bindings:\n- role: admin\n  principal: {type: all-users}\n- role: wizard\n  principal: {type: all-users}\n"), @"
    ----- stderr -----
    error: stdin: bindings[1].role: unknown role 'wizard'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 2 -----
    ");
    assert_snapshot!(apply("bindings:\n- role: viewer\n  principal: {type: user, username: bob, email: bob@example.com}\n"), @"
    ----- stderr -----
    error: stdin: bindings[0].principal: give exactly one of id, username or email
    ----- exit 2 -----
    ");
    assert_snapshot!(apply("bindings:\n- role: viewer\n  principal: {type: all-users}\n  expires_at: next week\n"), @"
    ----- stderr -----
    error: stdin: bindings[0].expires_at: 'next week' is not an RFC 3339 time ([TIME]) or a date (2026-01-31)
    ----- exit 2 -----
    ");
    assert_snapshot!(apply("# nothing\n"), @"
    ----- stderr -----
    error: stdin holds no document
    hint: write one with `accessctl roles export`
    ----- exit 2 -----
    ");
    assert_snapshot!(apply("project: elsewhere\nbindings: []\n"), @"
    ----- stderr -----
    error: stdin is for project 'elsewhere', not 'shop'
    hint: apply it to its project with `--project elsewhere`, or change its `project:` line
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("roles apply -f /nonexistent/doc.yaml"), @"
    ----- stderr -----
    error: cannot read '/nonexistent/doc.yaml': No such file or directory (os error 2)
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("roles apply"), @"
    ----- stderr -----
    error: the following required arguments were not provided:
      --file <FILE>

    Usage: accessctl roles apply --file <FILE>

    For more information, try '--help'.
    ----- exit 2 -----
    ");
    // Valid, but the server refuses: a user who is not a member (nothing applied).
    assert_snapshot!(apply("bindings:\n- role: viewer\n  principal: {type: user, email: zed@example.com}\n"), @"
    ----- stderr -----
    error: no member of project 'shop' or its org matches 'zed@example.com'; only members can be bound directly: invite them to this project (accepting binds them in this project only), or ask an org owner or admin or a server administrator to add them to the org
    hint: invite them with `accessctl roles invitations invite-user EMAIL --role ROLE`
    ----- exit 3 -----
    ");
    assert_eq!((bindings(&home), etag(&home)), before);
}

// ------------------------------------------------------------------ roles edit

/// Runs `roles edit` on a pty with EDITOR (and VISUAL) set to scripts doing `edit`
/// to the file; returns the screen as a run (stdout and stderr are one stream on a
/// terminal, so all of it is in `stdout`) and the temp dir.
fn edit_on_tty(home: &Home, visual: Option<&str>, editor: &str) -> (Run, PathBuf) {
    let tmp = home.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let script = |name: &str, body: &str| {
        let path = home.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        path.display().to_string()
    };
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("stty cols 200 rows 50; {BIN} --no-color roles edit"),
        "/dev/null",
    ])
    .env_clear()
    .env("PATH", "/usr/bin:/bin")
    .env("HOME", home.path())
    .env("USER", "tester")
    .env("RUST_BACKTRACE", "1")
    .env("TMPDIR", &tmp)
    .env("EDITOR", script("editor.sh", editor));
    if let Some(v) = visual {
        cmd.env("VISUAL", script("visual.sh", v));
    }
    let out = cmd.output().expect("util-linux `script` runs the CLI on a pty");
    let mut screen = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(!screen.contains("panicked"), "{screen}");
    // A kept temp file's name ends in random hex: each file left in the temp dir is
    // named `accessctl-roles-shop-[random].yaml` on the screen (a name there that is
    // not a file left in the dir stays as it is, and fails the snapshot).
    for file in files_in(&tmp) {
        let name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let random = name
            .strip_prefix("accessctl-roles-shop-")
            .and_then(|r| r.strip_suffix(".yaml"))
            .unwrap_or_else(|| panic!("unexpected temp file {name}"));
        screen = screen.replace(&name, &name.replace(random, "[random]"));
    }
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: screen,
        stderr: String::new(),
        home: home.path().to_path_buf(),
    };
    (run, tmp)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn edit_applies_the_edited_document_with_prune() {
    let (_server, home) = shop();
    home.run("roles add-binding --username carol --role viewer").ok();
    // VISUAL wins over EDITOR: bob becomes viewer, carol's binding is deleted.
    let (screen, tmp) = edit_on_tty(
        &home,
        Some(
            r#"sed -i -e 's/^- role: developer$/- role: viewer/' -e '/^- role: viewer$/{N;N;N;/carol/d}' "$1""#,
        ),
        "exit 9",
    );
    assert_snapshot!(screen, @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    add        viewer     Bob <bob@example.com>
    remove     developer  Bob <bob@example.com>
    remove     viewer     Carol <carol@example.com>
    unchanged  admin      Ada Admin <admin@example.com>
    Applied the edited document to project shop: 1 added, 0 updated, 2 removed, 1 unchanged
    ");
    assert_snapshot!(home.run("roles list-bindings"), @"
    ROLE BINDING ID                       ROLE    PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin   Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  viewer  Bob <bob@example.com>          no
    ");
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new(), "the temp file is removed");
}

#[test]
fn edit_without_changes_or_emptied_changes_nothing() {
    let (_server, home) = shop();
    let before = (bindings(&home), etag(&home));
    // The editor saw the document with its explanation, and left it alone.
    let (screen, tmp) = edit_on_tty(
        &home,
        None,
        r#"grep -q '^# The role bindings of project .shop.' "$1" && grep -q '^- role: developer$' "$1""#,
    );
    assert_snapshot!(screen, @"No changes");
    // Only comments changed: the same document.
    let (screen, _) = edit_on_tty(&home, None, r#"sed -i '/^#/d' "$1""#);
    assert_snapshot!(screen, @"No changes");
    let (screen, _) = edit_on_tty(&home, None, r#": > "$1""#);
    assert_snapshot!(screen, @"Edit cancelled: the document is empty; nothing was changed");
    assert_eq!((bindings(&home), etag(&home)), before);
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new());
}

#[test]
fn edit_keeps_what_was_typed_when_it_cannot_be_read_or_applied() {
    let (_server, home) = shop();
    let before = (bindings(&home), etag(&home));
    // Not YAML: the editor opens again with the error on top; saved unchanged, that
    // is exit 2, and the file with the typing is kept and named.
    let (screen, tmp) = edit_on_tty(
        &home,
        None,
        r#"grep -q '^# accessctl: this edit was not applied' "$1" && exit 0; echo 'bindings: [oops' >> "$1""#,
    );
    let kept = files_in(&tmp);
    assert_eq!(kept.len(), 1, "{screen}");
    assert_snapshot!(screen, @"
    error: cannot read the edited document: duplicate field `bindings` at line 12 column 1 (the reopened document was saved unchanged; nothing was changed)
    hint: your edit is kept in [HOME]/tmp/accessctl-roles-shop-[random].yaml (once fixed: `accessctl roles apply -f [HOME]/tmp/accessctl-roles-shop-[random].yaml --prune`)
    ----- exit 2 -----
    ");
    assert!(
        std::fs::read_to_string(&kept[0])
            .unwrap()
            .ends_with("bindings: [oops\n")
    );
    std::fs::remove_file(&kept[0]).unwrap();

    // Valid, refused by the server (the last owner): reopened; emptied, that is
    // exit 2 and the edit before the emptying is kept.
    let (screen, _) = edit_on_tty(
        &home,
        None,
        r#"if grep -q '^# error: .*without an owner' "$1"; then : > "$1"; else sed -i '/^- role: admin$/,+3d' "$1"; fi"#,
    );
    assert_snapshot!(screen, @"
    error: that would leave project 'shop' without an owner; make someone else an owner first (the reopened document was emptied; nothing was changed)
    hint: your edit is kept in [HOME]/tmp/accessctl-roles-shop-[random].yaml (once fixed: `accessctl roles apply -f [HOME]/tmp/accessctl-roles-shop-[random].yaml --prune`)
    ----- exit 2 -----
    ");
    let kept = std::fs::read_to_string(&files_in(&tmp)[0]).unwrap();
    assert!(
        kept.contains("- role: developer") && !kept.contains("- role: admin"),
        "{kept}"
    );
    assert_eq!(files_in(&tmp).len(), 1);
    std::fs::remove_file(&files_in(&tmp)[0]).unwrap();

    // The editor fails: exit 1, nothing applied, the document kept.
    let (screen, _) = edit_on_tty(&home, None, r#"sed -i 's/developer/viewer/' "$1"; exit 3"#);
    assert_snapshot!(screen, @"
    error: the editor ([HOME]/editor.sh) exited with exit status: 3
    hint: nothing was changed; the document is in [HOME]/tmp/accessctl-roles-shop-[random].yaml
    ----- exit 1 -----
    ");
    assert_eq!((bindings(&home), etag(&home)), before);
}

#[test]
fn edit_reopens_with_the_error_on_top_until_the_document_is_right() {
    let (_server, home) = shop();
    // First save: an unknown role. Second: the error is on top of the file, the
    // typing below it; the fix applies.
    let (screen, tmp) = edit_on_tty(
        &home,
        None,
        r#"if grep -q '^# accessctl: this edit was not applied' "$1"; then cp "$1" "$HOME/second.yaml"; sed -i 's/^- role: devloper$/- role: viewer/' "$1"; else sed -i 's/^- role: developer$/- role: devloper/' "$1"; fi"#,
    );
    assert_snapshot!(screen, @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    add        viewer     Bob <bob@example.com>
    remove     developer  Bob <bob@example.com>
    unchanged  admin      Ada Admin <admin@example.com>
    Applied the edited document to project shop: 1 added, 0 updated, 1 removed, 1 unchanged
    ");
    // What the editor showed the second time.
    let second = std::fs::read_to_string(home.path().join("second.yaml")).unwrap();
    assert_snapshot!(second, @r#"
    # accessctl: this edit was not applied. Fix it, then save and quit again;
    # save it unchanged or empty it to give up (your edit is kept).
    #
    # error: the edited document: bindings[1].role: unknown role 'devloper'
    # hint: did you mean 'developer'?
    #
    # The role bindings of project 'shop'. Save and quit to apply this document as it
    # is: bindings you add are granted, bindings you delete are removed. Quit without
    # saving, or empty the file, to change nothing.
    #
    #   - role: ROLE                        (accessctl roles list)
    #     principal:
    #       type: user                      (or all-users)
    #       username: NAME                  (or email: EMAIL, or id: ID)
    #     expires_at: 2026-01-31T00:00:00Z  (optional)
    #
    # Keep the etag: if the project changes meanwhile, nothing is applied.
    project: shop
    etag: '"2"'
    bindings:
    - role: admin
      principal:
        type: user
        username: admin
    - role: devloper
      principal:
        type: user
        username: bob
    "#);
    assert_snapshot!(home.run("roles list-bindings"), @"
    ROLE BINDING ID                       ROLE    PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin   Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  viewer  Bob <bob@example.com>          no
    ");
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new());
}

#[test]
fn edit_needs_a_terminal() {
    let (_server, home) = shop();
    assert_snapshot!(home.run("roles edit"), @"
    ----- stderr -----
    error: roles edit needs a terminal for the editor
    hint: without one: `accessctl roles export > roles.yaml`, edit it, then `accessctl roles apply -f roles.yaml --prune`
    ----- exit 2 -----
    ");
}

#[test]
fn ctrl_c_in_the_editor_is_the_editor_s() {
    let (_server, home) = shop();
    // The "editor" gets Ctrl-C (sent to accessctl, its grandparent, too), shrugs it
    // off like vi does, and saves: accessctl is still there to apply the edit.
    let (screen, _) = edit_on_tty(
        &home,
        None,
        r#"trap '' INT
p=$PPID
while [ "$(cat /proc/$p/comm)" != accessctl ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done
kill -INT "$p"
sed -i 's/^- role: developer$/- role: viewer/' "$1""#,
    );
    assert!(!screen.stdout.contains("interrupted"), "{screen}");
    assert_snapshot!(screen, @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    add        viewer     Bob <bob@example.com>
    remove     developer  Bob <bob@example.com>
    unchanged  admin      Ada Admin <admin@example.com>
    Applied the edited document to project shop: 1 added, 0 updated, 1 removed, 1 unchanged
    ");
    assert_snapshot!(home.run("roles list-bindings"), @"
    ROLE BINDING ID                       ROLE    PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin   Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  viewer  Bob <bob@example.com>          no
    ");
}

#[test]
fn without_etag_and_project_a_document_copies_membership_to_another_project() {
    let (_server, home) = shop();
    home.run("projects new shop2").ok();
    let exported = home.run("roles export");
    let team: String = exported
        .stdout
        .lines()
        .filter(|l| !l.starts_with("etag:") && !l.starts_with("project:"))
        .map(|l| format!("{l}\n"))
        .collect();
    // As it is, the document is refused for shop2; without those lines it applies.
    assert_snapshot!(home.run_stdin("--project shop2 roles apply -f -", Some(&exported.stdout)), @"
    ----- stderr -----
    error: stdin is for project 'shop', not 'shop2'
    hint: apply it to its project with `--project shop`, or change its `project:` line
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run_stdin("--project shop2 roles apply -f -", Some(&team)), @"
    ACTION     ROLE       PRINCIPAL                      EXPIRES
    add        developer  bob
    unchanged  admin      Ada Admin <admin@example.com>
    ----- stderr -----
    Applied stdin to project shop2: 1 added, 0 updated, 0 removed, 1 unchanged
    ");
    assert_snapshot!(home.run("--project shop2 roles list-bindings --role developer"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL              MFA
    00000000-0000-0000-0000-000000000001  developer  Bob <bob@example.com>  no
    ");
}
