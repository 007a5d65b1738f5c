//! Behaviour on a terminal (a pty from util-linux `script`, sized with `stty`, 0×0
//! included): tables that fit the terminal with one line per row, a bold header and
//! coloured `error:` unless --no-color / NO_COLOR, the pager; env booleans.

use std::process::Command;

use crate::harness::{BIN, Home, Server, admin_with_project, cells};

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
    let roles = home.run(&["-o", "json", "roles", "list"]).json();
    assert_eq!(
        narrow.lines().count(),
        roles.as_array().unwrap().len() + 1,
        "one line per row, descriptions cut:\n{narrow}"
    );
    assert!(narrow.contains('…'), "{narrow}");
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
        .stderr_has("without confirmation");
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
    assert!(screen.contains("Delete project 'gone'? [y/N]"), "{screen}");
    let (code, screen) = on_tty_typing(&home, "projects delete kept", "n\n");
    assert_eq!(code, 130, "{screen}");
    assert!(screen.contains("error:\u{1b}[0m cancelled"), "{screen}");
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
        .stderr_has("error: refusing to delete project 'kept' without confirmation")
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

/// Runs accessctl with stdout and stderr piped and `env` added; returns (stdout, stderr).
fn piped_with(home: &Home, env: &[(&str, &str)], args: &[&str]) -> (String, String) {
    let mut cmd = home.command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs accessctl on a pty `cols`×`rows` (0×0 like `script` or `docker exec -t` in
/// some CI runners); returns (exit code, what stdout showed, stderr). stderr goes to a
/// file, so the screen is the data alone.
fn on_pty(home: &Home, (cols, rows): (u16, u16), args: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let err = home.path().join("pty-stderr");
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("stty cols {cols} rows {rows}; {BIN} {args} 2>{}", err.display()),
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
    let screen = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    (out.status.code().unwrap_or(-1), screen, stderr)
}

/// A project whose lists have long names and emails, wide characters, a team,
/// All Users, an expiring, an expired and a disabled user's binding, invitations,
/// tokens and audit events.
fn crowded() -> (Server, Home) {
    let (server, home) = admin_with_project();
    let people = [
        (
            "alice",
            "alice.wonderland-longname@example.com",
            "Alice Wonderland-Longname",
        ),
        ("zoe", "zoe.angstrom@example.com", "Zoë Ångström 数据库管理员"),
        ("bob", "bob@example.com", ""),
        ("mallory", "mallory.disabled@example.com", "Mallory Disabled"),
    ];
    for (user, email, name) in people {
        server.user_with_token(user, email, name);
        home.bind(&[], email, "developer");
    }
    home.run(&[
        "roles",
        "add-binding",
        "--email",
        "zoe.angstrom@example.com",
        "--role",
        "viewer",
        "--expires-at",
        "30d",
    ])
    .ok();
    server.bind_expired(&home, "bob@example.com", "viewer");
    home.run(&["teams", "create", "platform-engineering-and-operations"])
        .ok();
    home.run(&[
        "teams",
        "add-member",
        "platform-engineering-and-operations",
        "--email",
        "alice.wonderland-longname@example.com",
    ])
    .ok();
    home.run(&[
        "roles",
        "add-binding",
        "--team",
        "platform-engineering-and-operations",
        "--role",
        "viewer",
    ])
    .ok();
    home.run(&["--yes", "roles", "add-binding", "--all-users", "--role", "viewer"])
        .ok();
    home.run(&["users", "disable", "mallory"]).ok();
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "new.person.with.a.long.address@example.com",
        "--role",
        "viewer",
    ])
    .ok();
    home.run(&[
        "auth",
        "tokens",
        "create",
        "a token with a rather long descriptive name",
    ])
    .ok();
    (server, home)
}

/// The number of items `args` lists (its `-o json` array).
fn count(home: &Home, args: &str) -> usize {
    let mut argv = vec!["-o", "json"];
    argv.extend(args.split(' '));
    home.run(&argv).ok().json().as_array().unwrap().len()
}

#[test]
fn every_list_fits_80_60_and_0x0_terminals_with_one_line_per_row() {
    use unicode_width::UnicodeWidthStr;
    let (_server, home) = crowded();
    let bindings = home.run(&["-o", "json", "roles", "list-bindings"]).ok().json();
    let lists = [
        "roles list-bindings",
        "roles list",
        "roles permissions",
        "roles invitations list",
        "project users list",
        "projects list",
        "teams list",
        "teams members platform-engineering-and-operations",
        "users list",
        "auth tokens list",
        "audit list",
        "config contexts list",
    ];
    for (size, width) in [((80, 200), 80), ((60, 200), 60), ((0, 0), 80)] {
        for list in lists {
            let (code, screen, stderr) = on_pty(&home, size, list, &[("NO_COLOR", "1")]);
            assert_eq!(code, 0, "{list}: {stderr}");
            let lines: Vec<&str> = screen.lines().collect();
            for line in &lines {
                assert!(
                    line.width() <= width,
                    "{list} at {size:?}: {} columns: {line:?}\n{screen}",
                    line.width()
                );
            }
            assert_eq!(
                lines.len(),
                count(&home, list) + 1,
                "{list} at {size:?}:\n{screen}"
            );
            if list == "roles list-bindings" {
                for b in bindings.as_array().unwrap() {
                    let id = b["id"].as_str().unwrap();
                    let line = lines
                        .iter()
                        .find(|l| l.starts_with(id))
                        .unwrap_or_else(|| panic!("{id} cut at {size:?}:\n{screen}"));
                    if let Some(email) = b["principal"]["email"].as_str() {
                        let local = email.split('@').next().unwrap();
                        assert_eq!(
                            line.contains(&format!("<{local}")),
                            line.contains(&format!("<{email}>")),
                            "email split:\n{screen}"
                        );
                    }
                }
            }
            // Lists with an EMAIL column show every email whole.
            if list.starts_with("users")
                || list.contains("users list")
                || list.contains("members")
                || list.contains("invitations")
            {
                let mut argv = vec!["-o", "json"];
                argv.extend(list.split(' '));
                for item in home.run(&argv).json().as_array().unwrap() {
                    let email = item["email"].as_str().unwrap();
                    assert!(
                        screen.contains(email),
                        "{list} at {size:?} cut {email}:\n{screen}"
                    );
                }
            }
        }
    }
    // Piped output is never cut: the whole principal, every email.
    let piped = home.run(&["roles", "list-bindings"]);
    assert!(
        piped
            .stdout
            .contains("Zoë Ångström 数据库管理员 <zoe.angstrom@example.com>"),
        "{}",
        piped.stdout
    );
}

/// The tables that are not `--limit` lists (one result, a matrix, a plan, settings)
/// fit too: on a pty every line fits and there are as many lines as piped (where
/// nothing is cut), so no row wrapped or was lost.
#[test]
fn every_other_table_fits_80_60_and_0x0_terminals_with_one_line_per_row() {
    use unicode_width::UnicodeWidthStr;
    let (_server, home) = crowded();
    let export = home.path().join("policy.yaml");
    let doc = home.run(&["roles", "export"]);
    doc.ok();
    // One change, so the plan has an `add` row beside the `keep` ones.
    let doc = doc.stdout.replace(
        "bindings:\n",
        "bindings:\n- role: admin\n  principal:\n    type: team\n    name: platform-engineering-and-operations\n",
    );
    std::fs::write(&export, doc).unwrap();
    let apply = format!("roles apply -f {} --dry-run", export.display());
    let tables = [
        "config list",
        "roles permissions --matrix",
        "roles show developer",
        "roles check project.view services.deploy --user zoe.angstrom@example.com",
        apply.as_str(),
    ];
    for table in tables {
        let piped = home.run(&table.split(' ').collect::<Vec<_>>());
        piped.ok();
        let rows = piped.stdout.lines().count();
        assert!(rows >= 2, "{table}: {}", piped.stdout);
        for (size, width) in [((80, 200), 80), ((60, 200), 60), ((0, 0), 80)] {
            let (code, screen, stderr) = on_pty(&home, size, table, &[("NO_COLOR", "1")]);
            assert_eq!(code, 0, "{table}: {stderr}");
            for line in screen.lines() {
                assert!(
                    line.width() <= width,
                    "{table} at {size:?}: {} columns: {line:?}\n{screen}",
                    line.width()
                );
            }
            assert_eq!(screen.lines().count(), rows, "{table} at {size:?}:\n{screen}");
        }
    }
}

/// Batch invitation results: emails and codes are never cut (they are copied), so
/// on an 80-column terminal STATUS and then EXPIRES are left out, said on stderr;
/// piped, every column is there.
#[test]
fn invitation_results_fit_80_columns_by_leaving_columns_out() {
    use unicode_width::UnicodeWidthStr;
    let (_server, home) = admin_with_project();
    for (size, i) in [((80, 200), 1), ((0, 0), 2)] {
        let (a, b) = (format!("ann{i}@example.com"), format!("bob{i}@example.com"));
        let args = format!("roles invitations invite-user {a} {b} --role developer");
        let (code, screen, stderr) = on_pty(&home, size, &args, &[("NO_COLOR", "1")]);
        assert_eq!(code, 0, "{stderr}");
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines.len(), 3, "{screen}");
        assert_eq!(cells(lines[0]), ["EMAIL", "ROLE", "CODE"], "{screen}");
        for line in &lines {
            assert!(line.width() <= 80, "{} columns: {line}", line.width());
        }
        assert!(lines[1].starts_with(&a) && lines[2].starts_with(&b), "{screen}");
        assert!(cells(lines[1])[2].starts_with("inv_"), "{screen}");
        assert!(
            stderr.contains("STATUS, EXPIRES left out to fit 80 columns"),
            "{stderr}"
        );
    }
    let piped = home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "cid@example.com",
        "--role",
        "developer",
    ]);
    assert_eq!(
        cells(piped.ok().lines()[0]),
        ["EMAIL", "STATUS", "ROLE", "EXPIRES", "CODE"]
    );
    assert!(cells(piped.lines()[1])[3].starts_with("in "), "{}", piped.stdout);
}

#[test]
fn list_bindings_columns_default_wide_expired_and_disabled() {
    let (_server, home) = crowded();
    let (_, screen, stderr) = on_pty(&home, (200, 100), "roles list-bindings", &[("NO_COLOR", "1")]);
    assert_eq!(
        cells(screen.lines().next().unwrap()),
        ["ROLE BINDING ID", "ROLE", "PRINCIPAL", "MFA", "EXPIRES"]
    );
    assert!(
        stderr.contains("1 expired binding not shown (--all shows them)"),
        "{stderr}"
    );
    assert!(
        screen.contains("Mallory Disabled <mallory.disabled@example.com> (disabled)"),
        "{screen}"
    );
    assert!(screen.contains("in 29d"), "{screen}");
    let (_, all, _) = on_pty(
        &home,
        (200, 100),
        "roles list-bindings --all",
        &[("NO_COLOR", "1")],
    );
    assert_eq!(all.lines().count(), screen.lines().count() + 1);
    assert!(
        all.lines()
            .any(|l| l.contains("bob@example.com") && l.ends_with("expired")),
        "{all}"
    );
    let (_, wide, _) = on_pty(
        &home,
        (250, 100),
        "-o wide roles list-bindings",
        &[("NO_COLOR", "1")],
    );
    assert_eq!(
        cells(wide.lines().next().unwrap()),
        [
            "ROLE BINDING ID",
            "ROLE",
            "PRINCIPAL",
            "USERNAME",
            "EMAIL",
            "NAME",
            "MFA",
            "EXPIRES",
            "CREATED"
        ]
    );
    // Without any expiring binding there is no EXPIRES column.
    let (_, plain, _) = on_pty(
        &home,
        (200, 100),
        "roles list-bindings --role developer",
        &[("NO_COLOR", "1")],
    );
    assert_eq!(
        cells(plain.lines().next().unwrap()),
        ["ROLE BINDING ID", "ROLE", "PRINCIPAL", "MFA"]
    );
}

#[test]
fn long_output_goes_through_the_pager_only_on_a_taller_than_terminal_tty() {
    let (_server, home) = crowded();
    let pager = [("NO_COLOR", "1"), ("ACCESSCTL_PAGER", "sed s/^/paged:/")];
    let (code, screen, _) = on_pty(&home, (200, 5), "roles permissions", &pager);
    assert_eq!(code, 0);
    assert!(
        screen.lines().count() > 5 && screen.lines().all(|l| l.starts_with("paged:")),
        "{screen}"
    );
    // PAGER is the fallback; ACCESSCTL_PAGER wins over it.
    let (_, screen, _) = on_pty(
        &home,
        (200, 5),
        "roles permissions",
        &[("PAGER", "sed s/^/pager:/")],
    );
    assert!(screen.lines().all(|l| l.starts_with("pager:")), "{screen}");
    // Shorter than the terminal, --no-pager, or piped: printed as it is.
    let (_, short, _) = on_pty(&home, (200, 100), "roles permissions", &pager);
    assert!(!short.contains("paged:"), "{short}");
    let (_, flag, _) = on_pty(&home, (200, 5), "--no-pager roles permissions", &pager);
    assert!(!flag.contains("paged:") && flag.lines().count() > 5, "{flag}");
    let (piped, _) = piped_with(&home, &pager, &["roles", "permissions"]);
    assert!(!piped.contains("paged:"), "{piped}");
    // --limit caps the rows.
    let (_, limited, _) = on_pty(&home, (200, 100), "roles permissions --limit 3", &pager);
    assert_eq!(limited.lines().count(), 4, "{limited}");
}

#[test]
fn error_prefixes_are_coloured_on_a_terminal_unless_no_color() {
    let (_server, home) = admin_with_project();
    let run = |env: &[(&str, &str)]| {
        let mut cmd = Command::new("script");
        cmd.args([
            "-qec",
            &format!("stty cols 100 rows 50; {BIN} roles delete-binding 0123"),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("USER", "tester");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    let shown = run(&[]);
    assert!(shown.contains("\u{1b}[1;31merror:\u{1b}[0m "), "{shown:?}");
    for v in ["1", "0", "false"] {
        let plain = run(&[("NO_COLOR", v)]);
        assert!(
            !plain.contains('\u{1b}') && plain.contains("error: "),
            "NO_COLOR={v}: {plain:?}"
        );
    }
    // Piped: plain, unless CLICOLOR_FORCE.
    let piped = home.run(&["roles", "delete-binding", "0123"]);
    assert!(piped.stderr.starts_with("error: "), "{:?}", piped.stderr);
    let (forced, _) = piped_with(&home, &[("CLICOLOR_FORCE", "1")], &["roles", "list"]);
    assert!(forced.starts_with("\u{1b}[1mNAME"), "{forced:?}");
    let (_, forced) = piped_with(
        &home,
        &[("CLICOLOR_FORCE", "1")],
        &["roles", "delete-binding", "0123"],
    );
    assert!(forced.starts_with("\u{1b}[1;31merror:"), "{forced:?}");
}

/// Ctrl-C at `auth login`'s hidden token prompt ends it with 130 at once (it used to
/// wait for Enter) and leaves the terminal echoing.
#[test]
fn ctrl_c_at_the_token_prompt_exits_130_and_restores_echo() {
    ctrl_c_at_the_prompt("--server http://127.0.0.1:9 auth login", "Paste your API token: ");
}

/// The same at `auth login --email`'s hidden login code prompt.
#[test]
fn ctrl_c_at_the_login_code_prompt_exits_130_and_restores_echo() {
    let server = Server::start_mailing();
    ctrl_c_at_the_prompt(
        &format!("--server {} auth login --email nia@example.com", server.url),
        "Login code from the mail: ",
    );
}

fn ctrl_c_at_the_prompt(args: &str, prompt: &str) {
    let (code, screen) = typed_at_the_prompt(&Home::new(), args, prompt, b"\x03");
    assert_eq!(code, Some(130), "{screen}");
    assert!(screen.contains("error: interrupted"), "{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
}

/// A token typed at `auth login`'s hidden prompt logs in, is not echoed, and the
/// terminal echoes again afterwards.
#[test]
fn a_token_typed_at_the_hidden_prompt_logs_in_unseen() {
    let server = Server::start();
    let home = Home::new();
    let typed = format!("{}\n", server.admin_token);
    let (code, screen) = typed_at_the_prompt(
        &home,
        &format!("--server {} --context typed auth login", server.url),
        "Paste your API token: ",
        typed.as_bytes(),
    );
    assert_eq!(code, Some(0), "{screen}");
    assert!(
        !screen.contains(&server.admin_token),
        "the token was echoed:\n{screen}"
    );
    assert!(screen.contains("Logged in"), "{screen}");
    // The saved token is the typed one: the server knows who it is.
    let status = home.run("--context typed auth status");
    status.ok();
    assert!(status.stdout.contains("admin@example.com"), "{status}");
}

/// Runs accessctl on a pty, waits for `prompt`, types `keys` (stdin stays open: no
/// EOF) and returns its exit code and the screen, which ends with `stty -a`: the
/// terminal's settings after the run (they must say `echo`, never `-echo`). The
/// shell traps SIGINT so it goes on to `stty -a` (its child gets the default).
fn typed_at_the_prompt(home: &Home, args: &str, prompt: &str, keys: &[u8]) -> (Option<i32>, String) {
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;
    let mut child = Command::new("script")
        .args([
            "-qec",
            &format!("trap : INT; stty cols 200 rows 50; {BIN} {args}; code=$?; stty -a; exit $code"),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("USER", "tester")
        .env("RUST_BACKTRACE", "1")
        .env("NO_COLOR", "1")
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
    while !screen.contains(prompt) {
        let chunk = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no prompt:\n{screen}"));
        screen.push_str(&String::from_utf8_lossy(&chunk));
    }
    stdin.write_all(keys).unwrap();
    // Until the pty closes (the CLI and the shell exited), or give up.
    loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(chunk) => screen.push_str(&String::from_utf8_lossy(&chunk)),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("still waiting after typing:\n{screen}");
            }
        }
    }
    let status = child.wait().unwrap();
    drop(stdin);
    let flags = screen.replace('\n', " ");
    assert!(
        flags.contains(" echo ") && !flags.contains(" -echo "),
        "echo is off after the prompt:\n{screen}"
    );
    (status.code(), screen)
}

/// `auth mfa enroll` draws the otpauth:// URI as a QR code on a terminal (a pipe
/// gets only the secret and the URI: `mfa.rs`).
#[test]
fn mfa_enroll_draws_a_qr_code_on_a_terminal() {
    let (_server, home) = admin_with_project();
    let screen = on_tty(&home, 120, "auth mfa enroll", &[]);
    let drawn = screen
        .lines()
        .filter(|l| l.chars().any(|c| matches!(c, '█' | '▀' | '▄')))
        .count();
    assert!(drawn >= 15, "no QR code:\n{screen}");
    assert!(
        screen.contains("otpauth://totp/accessd:admin%40example.com?"),
        "{screen}"
    );
    assert!(screen.contains("SECRET"), "{screen}");
}
