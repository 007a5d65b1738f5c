//! `roles export | apply | edit`: the project's membership as a document, against a
//! real accessd. `edit` runs on a pty (util-linux `script`) with EDITOR set to a small
//! script; no real editor.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{BIN, Home, Run, Server, admin_with_project, cells};

/// `(ROLE, PRINCIPAL)` of every binding, sorted.
fn bindings(home: &Home) -> Vec<(String, String)> {
    let r = home.run(&["roles", "list-bindings"]);
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

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    v.sort();
    v
}

/// The plan table: `[ACTION, ROLE, PRINCIPAL, (EXPIRES)]` per row, header checked.
fn plan(r: &Run) -> Vec<Vec<String>> {
    let rows: Vec<Vec<String>> = r.lines().iter().map(|l| cells(l)).collect();
    assert_eq!(
        rows[0],
        ["ACTION", "ROLE", "PRINCIPAL", "EXPIRES"],
        "{}",
        r.stdout
    );
    rows[1..].to_vec()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// admin (owner), bob developer, carol a user of the server without a binding.
fn shop() -> (Server, Home) {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    server.user_with_token("carol", "carol@example.com", "Carol");
    home.run(&["roles", "add-binding", "--username", "bob", "--role", "developer"])
        .ok();
    (server, home)
}

fn export(home: &Home, name: &str) -> PathBuf {
    let r = home.run(&["roles", "export"]);
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
    home.run(&["-o", "json", "roles", "export"]).json()["etag"]
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
    let r = home.run(&["roles", "export"]);
    r.ok();
    // Fields in the order one reads them, the project's etag, users by username.
    assert!(
        r.stdout.starts_with("project: shop\netag: '\"") && r.stdout.contains("\nbindings:\n- role: admin\n"),
        "{}",
        r.stdout
    );
    let yaml: serde_json::Value = yaml_serde::from_str(&r.stdout).unwrap();
    let json = home.run(&["-o", "json", "roles", "export"]).json();
    assert_eq!(yaml, json);
    assert_eq!(
        json["bindings"][1],
        serde_json::json!({"role": "developer", "principal": {"type": "user", "username": "bob"}})
    );
    assert_eq!(json["etag"], serde_json::json!(etag(&home)));
    let r = home.run(&["-o", "yaml", "roles", "export"]);
    assert_eq!(
        yaml_serde::from_str::<serde_json::Value>(&r.stdout).unwrap(),
        json
    );
    let r = home.run(&["--jq", ".bindings | length", "roles", "export"]);
    assert_eq!(r.stdout, "2\n");
    home.run(&["-o", "csv", "roles", "export"])
        .fails(2)
        .stderr_has("yaml or json");
}

#[test]
fn dry_run_changes_nothing_and_apply_does_exactly_the_plan_once() {
    let (_server, home) = shop();
    let file = export(&home, "shop.yaml");
    append(&file, CAROL_AND_ALL_USERS);
    let f = file.to_str().unwrap();
    let before = (bindings(&home), etag(&home));
    let expected = vec![
        row(&["add", "viewer", "All Users"]),
        row(&["add", "viewer", "carol@example.com"]),
        row(&["unchanged", "admin", "Ada Admin <admin@example.com>"]),
        row(&["unchanged", "developer", "Bob <bob@example.com>"]),
    ];

    let r = home.run(&["roles", "apply", "-f", f, "--dry-run"]);
    r.ok()
        .stderr_has("Dry run: 2 to add, 0 to update, 0 to remove, 2 unchanged; nothing was changed");
    assert_eq!(plan(&r), expected);
    assert_eq!(
        (bindings(&home), etag(&home)),
        before,
        "a dry run changes nothing"
    );

    let r = home.run(&["roles", "apply", "-f", f]);
    r.ok().stderr_has(&format!(
        "Applied {f} to project shop: 2 added, 0 updated, 0 removed, 2 unchanged"
    ));
    assert_eq!(plan(&r), expected);
    assert_eq!(
        bindings(&home),
        pairs(&[
            ("admin", "Ada Admin <admin@example.com>"),
            ("developer", "Bob <bob@example.com>"),
            ("viewer", "All Users"),
            ("viewer", "Carol <carol@example.com>"),
        ])
    );
    // The same file again: its etag is stale now, but it changes nothing.
    let after = etag(&home);
    let r = home.run(&["roles", "apply", "-f", f]);
    r.ok()
        .stderr_has(&format!("No changes: project shop already matches {f}"));
    assert!(plan(&r).iter().all(|r| r[0] == "unchanged"), "{}", r.stdout);
    assert_eq!(etag(&home), after, "nothing was written");

    // JSON: one item per binding, -q nothing.
    let r = home.run(&["-o", "json", "roles", "apply", "-f", f]);
    let items = r.json();
    assert_eq!(items.as_array().unwrap().len(), 4);
    assert_eq!(items[0]["action"], "unchanged");
    assert_eq!(items[0]["principal"]["username"], "admin");
    let q = home.run(&["-q", "roles", "apply", "-f", f]);
    q.ok();
    assert_eq!(q.stdout, "");
}

#[test]
fn without_prune_bindings_left_out_are_kept_with_prune_removed() {
    let (_server, home) = shop();
    // A hand-written document, from stdin: no etag, no project.
    let doc = r#"{"bindings": [
        {"role": "admin", "principal": {"type": "user", "username": "admin"}},
        {"role": "viewer", "principal": {"type": "user", "username": "carol"}, "expires_at": "2031-01-01"}
    ]}"#;
    let r = home.run_stdin(&["roles", "apply", "-f", "-"], Some(doc));
    r.ok().stderr_has(
        "Applied stdin to project shop: 1 added, 0 updated, 0 removed, 1 unchanged, 1 not in the document kept (--prune removes them)",
    );
    assert_eq!(
        plan(&r),
        [
            row(&["add", "viewer", "carol", "2031-01-01T00:00:00Z"]),
            row(&["keep", "developer", "Bob <bob@example.com>"]),
            row(&["unchanged", "admin", "Ada Admin <admin@example.com>"]),
        ]
    );
    assert_eq!(bindings(&home).len(), 3);

    // A new expiry is an update; --prune removes bob.
    let doc = doc.replace("2031-01-01", "2032-06-30T12:00:00Z");
    let r = home.run_stdin(&["roles", "apply", "-f", "-", "--prune"], Some(&doc));
    r.ok().stderr_has("0 added, 1 updated, 1 removed, 1 unchanged");
    assert_eq!(
        plan(&r),
        [
            row(&[
                "update",
                "viewer",
                "Carol <carol@example.com>",
                "2032-06-30T12:00:00Z (was 2031-01-01T00:00:00.000Z)",
            ]),
            row(&["remove", "developer", "Bob <bob@example.com>"]),
            row(&["unchanged", "admin", "Ada Admin <admin@example.com>"]),
        ]
    );
    assert_eq!(
        bindings(&home),
        pairs(&[
            ("admin", "Ada Admin <admin@example.com>"),
            ("viewer", "Carol <carol@example.com>"),
        ])
    );
    home.run_stdin(&["roles", "apply", "-f", "-", "--prune"], Some(&doc))
        .ok()
        .stderr_has("No changes");
}

#[test]
fn a_stale_document_with_changes_is_refused_and_says_export_again() {
    let (_server, home) = shop();
    let file = export(&home, "old.yaml");
    append(&file, CAROL_AND_ALL_USERS);
    // Someone changes the project after the export.
    home.run(&[
        "roles",
        "add-binding",
        "--username",
        "carol",
        "--role",
        "developer",
    ])
    .ok();
    let before = (bindings(&home), etag(&home));
    for dry_run in [true, false] {
        let mut args = vec!["roles", "apply", "-f", file.to_str().unwrap(), "--prune"];
        if dry_run {
            args.push("--dry-run");
        }
        home.run(&args)
            .fails(5)
            .stderr_has("has changed since")
            .stderr_has("was exported (its etag is stale); nothing was changed")
            .stderr_has("hint: export it again (`accessctl roles export > FILE`)");
    }
    assert_eq!((bindings(&home), etag(&home)), before);
}

#[test]
fn the_last_owner_is_never_removed() {
    let (_server, home) = shop();
    let doc = "bindings:\n- role: developer\n  principal: {type: user, username: bob}\n";
    let r = home.run_stdin(&["roles", "apply", "-f", "-", "--prune", "--dry-run"], Some(doc));
    r.ok()
        .stderr_has("warning: this leaves project shop without an owner: the server will refuse it");
    assert_eq!(
        plan(&r)[0],
        row(&["remove", "admin", "Ada Admin <admin@example.com>"])
    );
    let before = (bindings(&home), etag(&home));
    home.run_stdin(&["roles", "apply", "-f", "-", "--prune"], Some(doc))
        .fails(5)
        .stderr_has("without an owner")
        .stderr_has("hint: grant the owner role to someone else first");
    assert_eq!((bindings(&home), etag(&home)), before);
}

#[test]
fn bad_documents_are_exit_2_naming_the_line_or_field_and_change_nothing() {
    let (_server, home) = shop();
    let before = (bindings(&home), etag(&home));
    let apply = |doc: &str| home.run_stdin(&["roles", "apply", "-f", "-"], Some(doc));
    apply("bindings:\n- role: admin\n  principal: [\n")
        .fails(2)
        .stderr_has("error: cannot read stdin: ")
        .stderr_has("line 4")
        .stderr_has("hint: a document is `bindings:`");
    apply("bindings:\n- role: viewer\n  principal: {type: user, username: bob}\n  expires: 2030-01-01\n")
        .fails(2)
        .stderr_has("unknown field `expires`");
    apply("bindings:\n- role: admin\n  principal: {type: all-users}\n- role: wizard\n  principal: {type: all-users}\n")
        .fails(2)
        .stderr_has("error: stdin: bindings[1].role: unknown role 'wizard'")
        .stderr_has("hint: valid roles: admin, developer, viewer, backoffice");
    apply("bindings:\n- role: viewer\n  principal: {type: user, username: bob, email: bob@example.com}\n")
        .fails(2)
        .stderr_has("bindings[0].principal: give exactly one of id, username or email");
    apply("bindings:\n- role: viewer\n  principal: {type: all-users}\n  expires_at: next week\n")
        .fails(2)
        .stderr_has("bindings[0].expires_at: 'next week' is not an RFC 3339 time");
    apply("# nothing\n")
        .fails(2)
        .stderr_has("stdin holds no document");
    apply("project: elsewhere\nbindings: []\n")
        .fails(2)
        .stderr_has("error: stdin is for project 'elsewhere', not 'shop'")
        .stderr_has("hint: apply it to its project with `--project elsewhere`");
    home.run(&["roles", "apply", "-f", "/nonexistent/doc.yaml"])
        .fails(2)
        .stderr_has("cannot read '/nonexistent/doc.yaml'");
    home.run(&["roles", "apply"]).code(2);
    // Valid, but the server refuses: a user who is not a member (nothing applied).
    apply("bindings:\n- role: viewer\n  principal: {type: user, email: zed@example.com}\n")
        .fails(3)
        .stderr_has("zed@example.com")
        .stderr_has("hint: invite them");
    assert_eq!((bindings(&home), etag(&home)), before);
}

// ------------------------------------------------------------------ roles edit

/// Runs `roles edit` on a pty with EDITOR (and VISUAL) set to scripts doing `edit`
/// to the file; returns (exit code, screen, the temp dir).
fn edit_on_tty(home: &Home, visual: Option<&str>, editor: &str) -> (i32, String, PathBuf) {
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
    let screen = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(!screen.contains("panicked"), "{screen}");
    (out.status.code().unwrap_or(-1), screen, tmp)
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
    home.run(&["roles", "add-binding", "--username", "carol", "--role", "viewer"])
        .ok();
    // VISUAL wins over EDITOR: bob becomes viewer, carol's binding is deleted.
    let (code, screen, tmp) = edit_on_tty(
        &home,
        Some(
            r#"sed -i -e 's/^- role: developer$/- role: viewer/' -e '/^- role: viewer$/{N;N;N;/carol/d}' "$1""#,
        ),
        "exit 9",
    );
    assert_eq!(code, 0, "{screen}");
    for line in [
        "add        viewer     Bob <bob@example.com>",
        "remove     developer  Bob <bob@example.com>",
        "remove     viewer     Carol <carol@example.com>",
        "unchanged  admin      Ada Admin <admin@example.com>",
        "Applied the edited document to project shop: 1 added, 0 updated, 2 removed, 1 unchanged",
    ] {
        assert!(screen.contains(line), "{line:?} not in:\n{screen}");
    }
    assert_eq!(
        bindings(&home),
        pairs(&[
            ("admin", "Ada Admin <admin@example.com>"),
            ("viewer", "Bob <bob@example.com>"),
        ])
    );
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new(), "the temp file is removed");
}

#[test]
fn edit_without_changes_or_emptied_changes_nothing() {
    let (_server, home) = shop();
    let before = (bindings(&home), etag(&home));
    // The editor saw the document with its explanation, and left it alone.
    let (code, screen, tmp) = edit_on_tty(
        &home,
        None,
        r#"grep -q '^# The role bindings of project .shop.' "$1" && grep -q '^- role: developer$' "$1""#,
    );
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("No changes"), "{screen}");
    // Only comments changed: the same document.
    let (code, screen, _) = edit_on_tty(&home, None, r#"sed -i '/^#/d' "$1""#);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("No changes"), "{screen}");
    let (code, screen, _) = edit_on_tty(&home, None, r#": > "$1""#);
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("Edit cancelled: the document is empty; nothing was changed"),
        "{screen}"
    );
    assert_eq!((bindings(&home), etag(&home)), before);
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new());
}

#[test]
fn edit_keeps_what_was_typed_when_it_cannot_be_read_or_applied() {
    let (_server, home) = shop();
    let before = (bindings(&home), etag(&home));
    // Not YAML: the editor opens again with the error on top; saved unchanged, that
    // is exit 2, and the file with the typing is kept and named.
    let (code, screen, tmp) = edit_on_tty(
        &home,
        None,
        r#"grep -q '^# accessctl: this edit was not applied' "$1" && exit 0; echo 'bindings: [oops' >> "$1""#,
    );
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen.contains("error: cannot read the edited document: "),
        "{screen}"
    );
    assert!(
        screen.contains("(the reopened document was saved unchanged; nothing was changed)"),
        "{screen}"
    );
    let kept = files_in(&tmp);
    assert_eq!(kept.len(), 1, "{screen}");
    let path = kept[0].display().to_string();
    assert!(path.contains("accessctl-roles-shop-"), "{path}");
    assert!(
        screen.contains(&format!(
            "your edit is kept in {path} (once fixed: `accessctl roles apply -f {path} --prune`)"
        )),
        "{screen}"
    );
    assert!(
        std::fs::read_to_string(&kept[0])
            .unwrap()
            .ends_with("bindings: [oops\n")
    );
    std::fs::remove_file(&kept[0]).unwrap();

    // Valid, refused by the server (the last owner): reopened; emptied, that is
    // exit 2 and the edit before the emptying is kept.
    let (code, screen, _) = edit_on_tty(
        &home,
        None,
        r#"if grep -q '^# error: .*without an owner' "$1"; then : > "$1"; else sed -i '/^- role: admin$/,+3d' "$1"; fi"#,
    );
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("(the reopened document was emptied"), "{screen}");
    let kept = std::fs::read_to_string(&files_in(&tmp)[0]).unwrap();
    assert!(
        kept.contains("- role: developer") && !kept.contains("- role: admin"),
        "{kept}"
    );
    assert!(screen.contains("without an owner"), "{screen}");
    assert!(screen.contains("your edit is kept in "), "{screen}");
    assert_eq!(files_in(&tmp).len(), 1);
    std::fs::remove_file(&files_in(&tmp)[0]).unwrap();

    // The editor fails: exit 1, nothing applied, the document kept.
    let (code, screen, _) = edit_on_tty(&home, None, r#"sed -i 's/developer/viewer/' "$1"; exit 3"#);
    assert_eq!(code, 1, "{screen}");
    assert!(screen.contains("exited with exit status: 3"), "{screen}");
    assert!(
        screen.contains("nothing was changed; the document is in "),
        "{screen}"
    );
    assert_eq!((bindings(&home), etag(&home)), before);
}

#[test]
fn edit_reopens_with_the_error_on_top_until_the_document_is_right() {
    let (_server, home) = shop();
    // First save: an unknown role. Second: the error is on top of the file, the
    // typing below it; the fix applies.
    let (code, screen, tmp) = edit_on_tty(
        &home,
        None,
        r#"if grep -q '^# accessctl: this edit was not applied' "$1"; then cp "$1" "$HOME/second.yaml"; sed -i 's/^- role: devloper$/- role: viewer/' "$1"; else sed -i 's/^- role: developer$/- role: devloper/' "$1"; fi"#,
    );
    assert_eq!(code, 0, "{screen}");
    let second = std::fs::read_to_string(home.path().join("second.yaml")).unwrap();
    let top: Vec<&str> = second.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        top.iter()
            .any(|l| l.starts_with("# error: ") && l.contains("devloper")),
        "{second}"
    );
    assert!(top.contains(&"# hint: did you mean 'developer'?"), "{second}");
    assert!(second.contains("\n- role: devloper\n"), "{second}");
    assert_eq!(second.matches("# accessctl: this edit").count(), 1, "{second}");
    assert!(
        screen.contains("Applied the edited document to project shop: 1 added, 0 updated, 1 removed"),
        "{screen}"
    );
    assert_eq!(
        bindings(&home),
        pairs(&[
            ("admin", "Ada Admin <admin@example.com>"),
            ("viewer", "Bob <bob@example.com>"),
        ])
    );
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new());
}

#[test]
fn edit_needs_a_terminal() {
    let (_server, home) = shop();
    home.run(&["roles", "edit"])
        .fails(2)
        .stderr_has("error: roles edit needs a terminal for the editor")
        .stderr_has("hint: without one: `accessctl roles export > roles.yaml`, edit it, then `accessctl roles apply -f roles.yaml --prune`");
}

#[test]
fn ctrl_c_in_the_editor_is_the_editor_s() {
    let (_server, home) = shop();
    // The "editor" gets Ctrl-C (sent to accessctl, its grandparent, too), shrugs it
    // off like vi does, and saves: accessctl is still there to apply the edit.
    let (code, screen, _) = edit_on_tty(
        &home,
        None,
        r#"trap '' INT
p=$PPID
while [ "$(cat /proc/$p/comm)" != accessctl ]; do p=$(cut -d' ' -f4 /proc/$p/stat); done
kill -INT "$p"
sed -i 's/^- role: developer$/- role: viewer/' "$1""#,
    );
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("interrupted"), "{screen}");
    assert_eq!(
        bindings(&home),
        pairs(&[
            ("admin", "Ada Admin <admin@example.com>"),
            ("viewer", "Bob <bob@example.com>"),
        ])
    );
}

#[test]
fn without_etag_and_project_a_document_copies_membership_to_another_project() {
    let (_server, home) = shop();
    home.run(&["projects", "new", "shop2"]).ok();
    let exported = home.run(&["roles", "export"]);
    let team: String = exported
        .stdout
        .lines()
        .filter(|l| !l.starts_with("etag:") && !l.starts_with("project:"))
        .map(|l| format!("{l}\n"))
        .collect();
    // As it is, the document is refused for shop2; without those lines it applies.
    home.run_stdin(
        &["--project", "shop2", "roles", "apply", "-f", "-"],
        Some(&exported.stdout),
    )
    .fails(2)
    .stderr_has("is for project 'shop', not 'shop2'");
    let r = home.run_stdin(&["--project", "shop2", "roles", "apply", "-f", "-"], Some(&team));
    r.ok().stderr_has("1 added, 0 updated, 0 removed, 1 unchanged");
    let r = home.run(&[
        "--project",
        "shop2",
        "-o",
        "json",
        "roles",
        "list-bindings",
        "--role",
        "developer",
    ]);
    assert_eq!(r.json()[0]["principal"]["username"], "bob");
}
