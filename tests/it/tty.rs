//! Behaviour on a terminal (a pty from util-linux `script`): tables sized to the
//! terminal with a bold header, plain with --no-color / NO_COLOR; env booleans.

use std::process::Command;

use crate::harness::{BIN, Home, cells};

/// Runs accessctl on a pty `cols` wide; returns what the terminal showed.
fn on_tty(home: &Home, cols: u16, args: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("stty cols {cols} rows 50; {BIN} {args}"),
        "/dev/null",
    ])
    .env_clear()
    .env("PATH", "/usr/bin:/bin")
    .env("HOME", home.path())
    .env("USER", "tester")
    .env("RUST_BACKTRACE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("util-linux `script` runs the CLI on a pty");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn terminal_tables_are_sized_and_bold_unless_no_color() {
    let home = Home::new();
    home.run(&["roles", "list"]).ok();
    let shown = on_tty(&home, 200, "roles list", &[]);
    assert!(shown.starts_with("\u{1b}[1mNAME"), "{shown:?}");
    for (flag, env) in [("--no-color ", vec![]), ("", vec![("NO_COLOR", "1")])] {
        let plain = on_tty(&home, 200, &format!("{flag}roles list"), &env);
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
        assert_eq!(
            cells(plain.lines().next().unwrap()),
            ["NAME", "DESCRIPTION", "BUILT-IN"]
        );
    }
    let narrow = on_tty(&home, 40, "--no-color roles list", &[]);
    assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
    assert!(narrow.lines().count() > 5, "descriptions wrap:\n{narrow}");
}

#[test]
fn disable_prompts_env_answers_yes() {
    let home = Home::new().env("ACCESSCTL_DISABLE_PROMPTS", "1");
    home.run(&["projects", "new", "gone"]).ok();
    home.run(&["projects", "delete", "gone"])
        .ok()
        .stderr_has("Deleted project gone");
    let strict = Home::new().env("ACCESSCTL_DISABLE_PROMPTS", "false");
    strict.run(&["projects", "new", "kept"]).ok();
    strict
        .run(&["projects", "delete", "kept"])
        .fails(2)
        .stderr_has("needs confirmation");
}
