//! Batch invitations: `roles invitations invite-user` and `project users invite` with
//! `--from-file`, idempotency keys, Ctrl-C, the progress bar and whole-request failures.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use crate::harness::{BIN, Gate, Home, Run, Server, admin_with_project, admin_with_project_on, dead_url};

/// `invite-user` reading the emails from stdin, as viewers.
const FROM_STDIN: &[&str] = &[
    "roles",
    "invitations",
    "invite-user",
    "--from-file",
    "-",
    "--role",
    "viewer",
];

/// `FROM_STDIN` after the global flags `flags`.
fn from_stdin(flags: &[&'static str]) -> Vec<&'static str> {
    [flags, FROM_STDIN].concat()
}

/// `user1@example.com` … `user{n}@example.com`, one a line.
fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("user{i}@example.com\n")).collect()
}

fn numbered_set(range: std::ops::RangeInclusive<usize>) -> BTreeSet<String> {
    range.map(|i| format!("user{i}@example.com")).collect()
}

/// The server's open invitations, by email (pagination followed by the CLI).
fn invitations(home: &Home) -> Vec<String> {
    let r = home.run(&["-q", "roles", "invitations", "list"]);
    r.ok();
    r.stdout.lines().map(str::to_owned).collect()
}

/// Asserts the server holds exactly `expected`, each once.
#[track_caller]
fn server_has_exactly(home: &Home, expected: &BTreeSet<String>) {
    let list = invitations(home);
    let distinct: BTreeSet<String> = list.iter().cloned().collect();
    assert_eq!(list.len(), distinct.len(), "duplicate invitations");
    assert_eq!(list.len(), expected.len());
    assert!(&distinct == expected, "the server's invitations differ");
}

/// `(email, status)` of every result of a `-o json` run.
fn statuses(run: &Run) -> Vec<(String, String)> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn emails_with(results: &[(String, String)], status: &str) -> BTreeSet<String> {
    results
        .iter()
        .filter(|(_, s)| s == status)
        .map(|(e, _)| e.clone())
        .collect()
}

/// The done-when, for one way of giving the 1,000 emails.
fn thousand_then_rerun(home: &Home, args: &[&str], stdin: Option<&str>) {
    let all = numbered_set(1..=1000);
    let mut json_args = vec!["-o", "json"];
    json_args.extend_from_slice(args);
    let r = home.run_stdin(&json_args, stdin);
    r.ok()
        .stderr_has("1000 emails: 1000 invited, 0 already invited, 0 failed");
    let results = statuses(&r);
    assert_eq!(results.len(), 1000);
    assert_eq!(emails_with(&results, "invited"), all);
    server_has_exactly(home, &all);

    let again = home.run_stdin(&json_args, stdin);
    again
        .ok()
        .stderr_has("1000 emails: 0 invited, 1000 already invited, 0 failed");
    let results = statuses(&again);
    assert_eq!(results.len(), 1000);
    assert_eq!(emails_with(&results, "already-invited"), all);
    server_has_exactly(home, &all);
}

#[test]
fn a_thousand_emails_on_stdin_then_a_rerun() {
    let (_server, home) = admin_with_project();
    thousand_then_rerun(&home, FROM_STDIN, Some(&numbered(1000)));
}

#[test]
fn a_thousand_emails_from_a_file_then_a_rerun() {
    let (_server, home) = admin_with_project();
    let file = home.path().join("people.txt");
    std::fs::write(&file, numbered(1000)).unwrap();
    let path = file.to_str().unwrap();
    thousand_then_rerun(
        &home,
        &[
            "roles",
            "invitations",
            "invite-user",
            "--from-file",
            path,
            "--role",
            "viewer",
        ],
        None,
    );
}

#[test]
fn a_thousand_emails_with_project_users_invite() {
    let (_server, home) = admin_with_project();
    let file = home.path().join("people.txt");
    std::fs::write(&file, numbered(1000)).unwrap();
    let path = file.to_str().unwrap();
    // No --role: the project's preset (akka) gives its lowest role.
    thousand_then_rerun(&home, &["project", "users", "invite", "--from-file", path], None);
    let r = home.run(&["-o", "json", "roles", "invitations", "list"]);
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["role"]["name"] == "viewer")
    );
}

#[test]
fn csv_with_roles_comments_and_invalid_lines() {
    let (_server, home) = admin_with_project();
    let file = home.path().join("team.csv");
    std::fs::write(
        &file,
        "# exported from the HR system\n\
         email,role\n\
         ann@example.com,admin\n\
         \n\
         bob@example.com,developer # the new one\n\
         not-an-email,viewer\n\
         cid@example.com\n\
         dee@example.com,\"bad role!\"\n\
         ANN@example.com,admin\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let args = [
        "roles",
        "invitations",
        "invite-user",
        "--from-file",
        path,
        "--role",
        "viewer",
    ];
    let r = home.run(&args);
    r.code(5)
        .one_error()
        .stderr_has("invalid email 'not-an-email' on line 6: email has no '@'\n")
        .stderr_has("invalid email 'dee@example.com' on line 8: role may hold only")
        .stderr_has("error: 5 emails: 3 invited, 0 already invited, 2 failed (2 invalid)\n");
    let rows: Vec<Vec<String>> = r.lines()[1..].iter().map(|l| crate::harness::cells(l)).collect();
    let row_of = |email: &str| rows.iter().find(|c| c[0] == email).unwrap()[..3].to_vec();
    assert_eq!(row_of("ann@example.com"), ["ann@example.com", "invited", "admin"]);
    assert_eq!(
        row_of("bob@example.com"),
        ["bob@example.com", "invited", "developer"]
    );
    assert_eq!(
        row_of("cid@example.com"),
        ["cid@example.com", "invited", "viewer"]
    );
    assert_eq!(rows.len(), 3);

    // The server has the rows' roles; the invalid ones were never sent.
    let list = home.run(&["-o", "json", "roles", "invitations", "list"]).json();
    let mut got: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["email"].as_str().unwrap().to_owned(),
                i["role"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("ann@example.com".to_owned(), "admin".to_owned()),
            ("bob@example.com".to_owned(), "developer".to_owned()),
            ("cid@example.com".to_owned(), "viewer".to_owned()),
        ]
    );

    // JSON: every entry, the invalid ones with their line; a re-run is done already.
    let r = home.run(&[&["-o", "json"][..], &args].concat());
    r.code(5);
    let results = r.json();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 5);
    let bad = results.iter().find(|x| x["email"] == "not-an-email").unwrap();
    assert_eq!(bad["status"], "invalid");
    assert_eq!(bad["line"], 6);
    assert_eq!(bad["detail"], "email has no '@'");
    let bob = results.iter().find(|x| x["email"] == "bob@example.com").unwrap();
    assert_eq!(bob["status"], "already-invited");
    assert_eq!(bob["role"], "developer");
    assert_eq!(bob["line"], 5);

    // Without --role every row needs its own: the lines without one are named.
    home.run(&["roles", "invitations", "invite-user", "--from-file", path])
        .fails(2)
        .stderr_has("error: 1 email without a role (line 7): pass --role or add a role column");
}

/// What spreadsheets and address books export: a BOM, `;` or TAB, an `E-mail` or
/// `Email Address` column anywhere, quoted cells with line breaks, `Name <email>`.
/// Line numbers are the file's physical lines.
#[test]
fn real_exports_are_read_with_physical_line_numbers() {
    let (_server, home) = admin_with_project();
    let semicolons = home.path().join("export.csv");
    std::fs::write(
        &semicolons,
        "\u{FEFF}Name;Notes;E-mail;Role\r\n\
         \"Lovelace; Ada\";\"first line\r\nsecond line\";Ada@Example.com;admin\r\n\
         Bob;;Bob Builder <bob@example.com>;\r\n\
         Cid;\"a\nb\nc\";cid@;viewer\r\n\
         Dee;;dee@example.com;\r\n",
    )
    .unwrap();
    let args = |file: &str| {
        [
            "-o",
            "json",
            "roles",
            "invitations",
            "invite-user",
            "--from-file",
            file,
            "--role",
            "viewer",
        ]
        .map(str::to_owned)
    };
    let path = semicolons.to_str().unwrap().to_owned();
    let a = args(&path);
    let r = home.run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    r.code(5)
        .one_error()
        .stderr_has("invalid email 'cid@' on line 5: ");
    let results = r.json();
    let got: Vec<(String, String, u64)> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["email"].as_str().unwrap().to_owned(),
                x["status"].as_str().unwrap().to_owned(),
                x["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("cid@".to_owned(), "invalid".to_owned(), 5),
            ("ada@example.com".to_owned(), "invited".to_owned(), 2),
            ("bob@example.com".to_owned(), "invited".to_owned(), 4),
            ("dee@example.com".to_owned(), "invited".to_owned(), 8),
        ]
    );
    assert_eq!(results[1]["role"], "admin");
    assert_eq!(results[2]["role"], "viewer");

    // Tab-separated, the email column last, one header name of Google's export.
    let tabs = home.path().join("export.tsv");
    std::fs::write(
        &tabs,
        "First Name [Required]\tLast Name [Required]\tEmail Address [Required]\n\
         Eve\tE\teve@example.com\n",
    )
    .unwrap();
    let path = tabs.to_str().unwrap().to_owned();
    let a = args(&path);
    let r = home.run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    r.ok();
    assert_eq!(r.json()[0]["email"], "eve@example.com");
    assert_eq!(r.json()[0]["line"], 2);
    let mut all = invitations(&home);
    all.sort();
    assert_eq!(
        all,
        [
            "ada@example.com",
            "bob@example.com",
            "dee@example.com",
            "eve@example.com"
        ]
    );
}

#[test]
fn unusable_input_is_exit_2_and_sends_nothing() {
    let (_server, home) = admin_with_project();
    let invite = |file: &str, stdin: Option<&str>| {
        home.run_stdin(
            &[
                "roles",
                "invitations",
                "invite-user",
                "--from-file",
                file,
                "--role",
                "viewer",
            ],
            stdin,
        )
    };
    invite("/nonexistent/emails.txt", None)
        .fails(2)
        .stderr_has("error: cannot read '/nonexistent/emails.txt': ");
    let dir = home.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    invite(dir.to_str().unwrap(), None)
        .fails(2)
        .stderr_has("error: cannot read '");
    let latin1 = home.path().join("latin1.txt");
    std::fs::write(&latin1, b"a@example.com\nj\xf6rg@example.com\n").unwrap();
    invite(latin1.to_str().unwrap(), None)
        .fails(2)
        .stderr_has("line 2 is not valid UTF-8");
    invite("-", Some("# nobody yet\n\n"))
        .fails(2)
        .stderr_has("error: standard input has no emails (only blank lines and comments)");
    let r = invite("-", Some("bad\nworse@\n"));
    r.fails(2)
        .stderr_has("invalid email 'bad' on line 1: email has no '@'\n")
        .stderr_has("error: none of the 2 emails is valid; nothing was sent\n");
    assert_eq!(r.stdout, "");
    // A quote never closed would read the rest of the file as one cell: a bad file.
    let r = invite(
        "-",
        Some("Name,Email\nAnn,ann@example.com\n\"Bob,bob@example.com\nCid,cid@example.com\n"),
    );
    r.fails(2)
        .one_error()
        .stderr_has("error: standard input: the quote opened on line 3 is never closed\n")
        .stderr_has("hint: close the quote; inside a quoted field a quote is written twice");
    assert_eq!(r.stdout, "");
    // One invalid argument is that email's error alone.
    home.run(&["roles", "invitations", "invite-user", "nope", "--role", "viewer"])
        .fails(2)
        .stderr_has("error: invalid email 'nope': email has no '@'\n");
    assert_eq!(invitations(&home), Vec::<String>::new());
}

#[test]
fn the_same_idempotency_key_replays_instead_of_inviting_twice() {
    let (_server, home) = admin_with_project();
    let emails = numbered(150);
    let run = |key: &str| {
        let mut args = from_stdin(&["-o", "json"]);
        args.extend(["--idempotency-key", key]);
        home.run_stdin(&args, Some(&emails))
    };
    let first = run("hr-import-2024-06");
    first.ok();
    assert_eq!(emails_with(&statuses(&first), "invited").len(), 150);
    // The same key and the same batches: the server replays its first answers.
    let replay = run("hr-import-2024-06");
    replay.ok();
    let results = statuses(&replay);
    assert_eq!(emails_with(&results, "invited"), numbered_set(1..=150));
    assert!(
        replay.json().as_array().unwrap()[0]["invitation"]
            .get("code")
            .is_none(),
        "the server does not store codes, so a replay has none"
    );
    server_has_exactly(&home, &numbered_set(1..=150));
    // Another key is a new run: already invited.
    let other = run("hr-import-2024-07");
    other.ok();
    assert_eq!(emails_with(&statuses(&other), "already-invited").len(), 150);
    server_has_exactly(&home, &numbered_set(1..=150));

    for bad in ["has space", "", "ключ", &"k".repeat(129)] {
        let r = home.run(&[
            "roles",
            "invitations",
            "invite-user",
            "x@example.com",
            "--role",
            "viewer",
            "--idempotency-key",
            bad,
        ]);
        r.code(2)
            .stderr_has("error: invalid value")
            .stderr_has("--idempotency-key");
    }
    home.run(&[
        "project",
        "users",
        "invite",
        "--emails",
        "x@example.com",
        "--idempotency-key",
        "a/b",
    ])
    .code(2)
    .stderr_has("--idempotency-key");
    server_has_exactly(&home, &numbered_set(1..=150));
}

/// A child accessctl inviting 1,000 emails from stdin against a gated server.
struct Interrupted {
    child: std::process::Child,
    stderr: BufReader<std::process::ChildStderr>,
    stdout: std::thread::JoinHandle<String>,
    seen: String,
}

impl Interrupted {
    fn start(home: &Home, output: &str, emails: &str) -> Interrupted {
        let mut cmd = home.command(&[&[output], FROM_STDIN].concat());
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(emails.as_bytes()).unwrap();
        // stdout is read on its own thread so a full pipe cannot block the child.
        let mut out = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut out, &mut s).unwrap();
            s
        });
        let stderr = BufReader::new(child.stderr.take().unwrap());
        Interrupted {
            child,
            stderr,
            stdout,
            seen: String::new(),
        }
    }

    fn sigint(&self) {
        let ok = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -INT");
    }

    /// Reads stderr up to and including the first line starting with `prefix`.
    fn line_starting(&mut self, prefix: &str) -> String {
        loop {
            let mut line = String::new();
            let n = self.stderr.read_line(&mut line).unwrap();
            assert!(n > 0, "stderr ended before a {prefix:?} line:\n{}", self.seen);
            self.seen.push_str(&line);
            if line.starts_with(prefix) {
                return line;
            }
        }
    }

    fn finish(mut self) -> Run {
        std::io::Read::read_to_string(&mut self.stderr, &mut self.seen).unwrap();
        let status = self.child.wait().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: self.stdout.join().unwrap(),
            stderr: self.seen,
            home: Default::default(),
        }
    }
}

/// 1,000 emails, 10 batches, 4 in flight: the gate lets 2 through and holds the
/// next 4; Ctrl-C then finishes those 4 (600 sent) and sends none of the last 400.
fn interrupt_after_six_batches(output: &str) -> (Server, Home, Run) {
    let gate = Gate::new(2);
    let (server, home) = admin_with_project_on(Server::start_gated(&gate));

    let mut child = Interrupted::start(&home, output, &numbered(1000));
    gate.wait_held(&server, 4);
    child.sigint();
    let notice = child.line_starting("interrupted:");
    assert_eq!(
        notice,
        "interrupted: finishing 4 requests in flight (Ctrl-C again to quit now)\n"
    );
    gate.open();
    let run = child.finish();
    assert_eq!(gate.held(), 4, "no batch started after Ctrl-C");
    run.code(130).stderr_has(
        "error: interrupted: 600 of 1000 sent (600 invited); 400 not sent — re-run the same command to finish (already invited emails are skipped)\n",
    );
    (server, home, run)
}

#[test]
fn ctrl_c_finishes_the_requests_in_flight_and_json_says_what_was_sent() {
    let (_server, home, run) = interrupt_after_six_batches("-ojson");
    let results = statuses(&run);
    assert_eq!(results.len(), 1000, "every email has a result");
    let invited = emails_with(&results, "invited");
    assert_eq!(invited, numbered_set(1..=600), "batches go out in file order");
    assert_eq!(emails_with(&results, "not-sent"), numbered_set(601..=1000));
    server_has_exactly(&home, &invited);

    // A re-run finishes the rest.
    let again = home.run_stdin(&from_stdin(&["-o", "json"]), Some(&numbered(1000)));
    again
        .ok()
        .stderr_has("1000 emails: 400 invited, 600 already invited, 0 failed\n");
    let results = statuses(&again);
    assert_eq!(emails_with(&results, "already-invited"), numbered_set(1..=600));
    assert_eq!(emails_with(&results, "invited"), numbered_set(601..=1000));
    server_has_exactly(&home, &numbered_set(1..=1000));
}

#[test]
fn ctrl_c_with_quiet_prints_the_codes_that_were_created() {
    let (_server, home, run) = interrupt_after_six_batches("-q");
    let printed: BTreeSet<String> = run.stdout.lines().map(str::to_owned).collect();
    assert_eq!(run.stdout.lines().count(), 600);
    assert_eq!(printed.len(), 600, "600 distinct codes");
    assert!(printed.iter().all(|c| c.starts_with("inv_")), "{}", run.stdout);
    server_has_exactly(&home, &numbered_set(1..=600));
}

#[test]
fn a_second_ctrl_c_quits_at_once() {
    let gate = Gate::new(0);
    let (server, home) = admin_with_project_on(Server::start_gated(&gate));
    let mut child = Interrupted::start(&home, "-ojson", &numbered(1000));
    gate.wait_held(&server, 4);
    child.sigint();
    child.line_starting("interrupted: finishing 4 requests in flight");
    child.sigint();
    // The child exits while its 4 requests are still held by the server.
    let run = child.finish();
    gate.open();
    run.code(130);
    assert!(run.stderr.ends_with("error: interrupted\n"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn progress_bar_only_on_a_terminal() {
    let (server, home) = admin_with_project();
    let file = home.path().join("people.txt");
    std::fs::write(&file, numbered(250)).unwrap();
    let path = file.to_str().unwrap();

    // Not a terminal: nothing but the info line and the summary on stderr.
    let r = home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "--from-file",
        path,
        "--role",
        "viewer",
    ]);
    r.ok();
    assert_eq!(
        r.stderr,
        "Share each code with its invitee: `accessctl roles invitations accept CODE`\n\
         250 emails: 250 invited, 0 already invited, 0 failed\n"
    );
    assert!(!r.stderr.contains('\r') && !r.stderr.contains('\u{1b}'));

    // On a pty (util-linux `script`), stdout to a file: stderr shows the bar, then
    // clears it before the summary.
    let others = home.path().join("others.txt");
    std::fs::write(&others, numbered(250).replace("user", "tty")).unwrap();
    let path = others.to_str().unwrap();
    let out = home.path().join("stdout.txt");
    let shown = Command::new("script")
        .args([
            "-qec",
            &format!(
                "stty cols 120 rows 50; {BIN} project users invite --from-file {path} --role developer > {}",
                out.display()
            ),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("USER", "tester")
        .env("TERM", "xterm")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("util-linux `script` runs the CLI on a pty");
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("] 0/250 emails"), "{shown:?}");
    assert!(shown.contains("\r\u{1b}[2K"), "the bar is cleared: {shown:?}");
    assert!(
        shown.ends_with("250 emails: 250 invited, 0 already invited, 0 failed\r\n"),
        "{shown:?}"
    );
    let stdout = std::fs::read_to_string(&out).unwrap();
    assert_eq!(stdout.lines().count(), 251, "no bar on stdout: {stdout}");
    assert!(!stdout.contains('\r'));
    drop(server);
}

/// 250 emails: three batches, all failing the same way.
fn every_batch_fails(home: &Home, extra: &[&str]) -> Run {
    let mut args = vec!["roles", "invitations", "invite-user", "--from-file", "-"];
    args.extend_from_slice(extra);
    home.run_stdin(&args, Some(&numbered(250)))
}

#[test]
fn when_every_request_fails_the_same_way_that_is_the_error() {
    let (server, home) = admin_with_project();
    // Unknown role: exit 2 with the valid roles, once.
    every_batch_fails(&home, &["--role", "wizard"])
        .fails(2)
        .stderr_has("unknown role 'wizard'")
        .stderr_has("hint: valid roles: ");
    every_batch_fails(&home, &["-o", "json", "--role", "wizard"]).fails(2);

    // Not logged in (a token the server does not know): exit 4.
    let stranger = Home::new().env("ACCESSCTL_TOKEN", "acc_not-a-real-token");
    every_batch_fails(
        &stranger,
        &["--server", &server.url, "--project", "shop", "--role", "viewer"],
    )
    .fails(4)
    .stderr_has("hint: run `accessctl auth login`");

    // Server down: exit 1 after the retries.
    let offline = Home::new().env("ACCESSCTL_TOKEN", "acc_whatever");
    every_batch_fails(
        &offline,
        &["--server", &dead_url(), "--project", "shop", "--role", "viewer"],
    )
    .fails(1)
    .stderr_has("error: cannot reach the server");
    assert_eq!(invitations(&home), Vec::<String>::new());
}

#[test]
fn a_failed_request_fails_only_its_batch() {
    let (_server, home) = admin_with_project();
    let mut csv = String::from("email,role\n");
    for i in 1..=150 {
        csv.push_str(&format!("user{i}@example.com,viewer\n"));
    }
    csv.push_str("wiz1@example.com,wizard\nwiz2@example.com,wizard\n");
    let r = home.run_stdin(
        &[
            "-o",
            "json",
            "roles",
            "invitations",
            "invite-user",
            "--from-file",
            "-",
        ],
        Some(&csv),
    );
    r.code(5)
        .one_error()
        .stderr_has("wiz1@example.com: not invited: unknown role 'wizard'")
        .stderr_has("error: 152 emails: 150 invited, 0 already invited, 2 failed (2 in failed requests)\n");
    let results = r.json();
    let wiz = results
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["email"] == "wiz2@example.com")
        .unwrap()
        .clone();
    assert_eq!(wiz["status"], "failed");
    assert_eq!(wiz["role"], "wizard");
    assert_eq!(wiz["problem"], "validation-failed");
    assert!(wiz.get("code").is_none(), "no top-level code: {wiz}");
    assert_eq!(emails_with(&statuses(&r), "invited"), numbered_set(1..=150));
    server_has_exactly(&home, &numbered_set(1..=150));
}
