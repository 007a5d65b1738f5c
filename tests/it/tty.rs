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

/// Runs accessctl on a pty with `input` typed into it; returns (exit code, screen).
fn on_tty_typing(home: &Home, args: &str, input: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new("script")
        .args([
            "-qec",
            &format!("stty cols 200 rows 50; {BIN} {args}"),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("USER", "tester")
        .env("RUST_BACKTRACE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the CLI on a pty");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    (out.status.code().unwrap_or(-1), screen)
}

#[test]
fn a_terminal_is_asked_and_its_answer_counts() {
    let home = Home::new();
    for p in ["gone", "kept"] {
        home.run(&["projects", "new", p]).ok();
    }
    let (code, screen) = on_tty_typing(&home, "projects delete gone", "y\n");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Deleting project 'gone' [y/N]"), "{screen}");
    let (code, screen) = on_tty_typing(&home, "projects delete kept", "n\n");
    assert_eq!(code, 130, "{screen}");
    assert!(screen.contains("error: cancelled"), "{screen}");
    let left = home.run(&["-q", "projects", "list"]);
    assert_eq!(left.lines(), ["default", "kept"]);
    // --yes on a terminal never asks.
    let (code, screen) = on_tty_typing(&home, "--yes projects delete kept", "");
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("[y/N]"), "{screen}");
}

#[test]
fn no_prompt_reads_stdin_when_it_is_not_a_terminal() {
    let home = Home::new();
    home.run(&["projects", "new", "kept"]).ok();
    // A "y" waiting on a pipe is not an answer: nothing is deleted.
    home.run_stdin(&["projects", "delete", "kept"], Some("y\n"))
        .fails(2)
        .stderr_has("error: Deleting project 'kept' needs confirmation")
        .stderr_has("hint: pass --yes");
    let r = home.run(&["-q", "projects", "list"]);
    assert!(r.lines().contains(&"kept"), "{}", r.stdout);
    // Nor is a token on a pipe read without --with-token.
    home.run_stdin(
        &["auth", "login", "--server", "http://127.0.0.1:9"],
        Some("acc_secret\n"),
    )
    .fails(2)
    .stderr_has("no terminal to read the token from");
    for yes in [&["--yes"][..], &["--disable-prompt"], &["-y"]] {
        home.run(&["projects", "new", "tmp"]).ok();
        let mut args = yes.to_vec();
        args.extend(["projects", "delete", "tmp"]);
        home.run_stdin(&args, Some("n\n")).ok();
    }
}

/// Ctrl-C at `auth login`'s hidden token prompt ends it with 130 at once (it used to
/// wait for Enter) and leaves the terminal echoing.
#[test]
fn ctrl_c_at_the_token_prompt_exits_130_and_restores_echo() {
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;
    let home = Home::new();
    let mut child = Command::new("script")
        .args([
            "-qec",
            &format!(
                "trap : INT; stty cols 200 rows 50; {BIN} --server http://127.0.0.1:9 auth login; code=$?; stty -a; exit $code"
            ),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("USER", "tester")
        .env("RUST_BACKTRACE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the CLI on a pty");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = String::new();
    // Synchronise on the prompt, then type Ctrl-C (stdin stays open: no EOF). The
    // shell traps SIGINT so it goes on to `stty -a` (its child gets the default).
    while !screen.contains("Paste your API token: ") {
        let chunk = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no prompt:\n{screen}"));
        screen.push_str(&String::from_utf8_lossy(&chunk));
    }
    stdin.write_all(b"\x03").unwrap();
    // Until the pty closes (the CLI and the shell exited), or give up.
    loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(chunk) => screen.push_str(&String::from_utf8_lossy(&chunk)),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("still waiting after Ctrl-C:\n{screen}");
            }
        }
    }
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(130), "{screen}");
    assert!(screen.contains("error: interrupted"), "{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
    let flags = screen.replace('\n', " ");
    assert!(
        flags.contains(" echo ") && !flags.contains(" -echo "),
        "echo is off after the prompt:\n{screen}"
    );
}
