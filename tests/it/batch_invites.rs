//! Batch invitations: `roles invitations invite-user` and `project users invite` with
//! `--from-file`, idempotency keys, Ctrl-C, the progress bar and whole-request failures.
//! Each step is the command line a user types and its whole transcript as an inline
//! snapshot; a run that prints hundreds of results has its stderr and exit code
//! snapshotted ([`stderr_and_exit`]) and its results checked structurally.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use insta::assert_snapshot;

use crate::harness::{BIN, Gate, Home, Run, Server, admin_with_project, admin_with_project_on, dead_url};

/// `invite-user` reading the emails from stdin, as viewers.
const FROM_STDIN: &str = "roles invitations invite-user --from-file - --role viewer";

/// The run's transcript without its stdout, for a run whose stdout is hundreds of
/// results (checked structurally instead).
fn stderr_and_exit(run: &Run) -> Run {
    Run {
        code: run.code,
        stdout: String::new(),
        stderr: run.stderr.clone(),
        home: run.home.clone(),
    }
}

/// [`stderr_and_exit`], with each run of consecutive stderr lines that differ only
/// in their leading email (a re-run's `EMAIL: already invited as viewer; …`, one
/// per email, hundreds of them) folded into one: `[N×]` and the line with `EMAIL`
/// for the email. Which emails they were is checked in the JSON results.
fn folded(run: &Run) -> Run {
    let mut stderr = String::new();
    // The template of the current run of lines, its first line and its length.
    let mut pending: Option<(String, String, usize)> = None;
    let flush = |stderr: &mut String, pending: &mut Option<(String, String, usize)>| match pending.take() {
        Some((_, first, 1)) => stderr.push_str(&format!("{first}\n")),
        Some((template, _, n)) => stderr.push_str(&format!("[{n}×] {template}\n")),
        None => {}
    };
    for line in run.stderr.lines() {
        let email = line
            .split_once(": ")
            .map(|(e, _)| e)
            .filter(|e| e.contains('@') && !e.contains(' '));
        let Some(email) = email else {
            flush(&mut stderr, &mut pending);
            stderr.push_str(&format!("{line}\n"));
            continue;
        };
        let template = line.replace(email, "EMAIL");
        match &mut pending {
            Some((t, _, n)) if *t == template => *n += 1,
            _ => {
                flush(&mut stderr, &mut pending);
                pending = Some((template, line.to_owned(), 1));
            }
        }
    }
    flush(&mut stderr, &mut pending);
    Run {
        stderr,
        ..stderr_and_exit(run)
    }
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

/// The issue's done-when, for one way of giving the 1,000 emails. Every way
/// prints the same transcripts (so the snapshots, shared by three tests, allow
/// duplicates).
fn thousand_then_rerun(home: &Home, line: &str, stdin: Option<&str>) {
    let all = numbered_set(1..=1000);
    let line = format!("-o json {line}");
    let r = home.run_stdin(&line, stdin);
    insta::allow_duplicates! {
        assert_snapshot!(stderr_and_exit(&r), @"
        ----- stderr -----
        1000 emails: 1000 invited, 0 already invited, 0 failed
        ");
    }
    let results = statuses(&r);
    assert_eq!(results.len(), 1000);
    assert_eq!(emails_with(&results, "invited"), all);
    server_has_exactly(home, &all);

    let again = home.run_stdin(&line, stdin);
    insta::allow_duplicates! {
        assert_snapshot!(folded(&again), @"
        ----- stderr -----
        [1000×] EMAIL: already invited as viewer; `accessctl roles invitations resend EMAIL` gets a new code
        1000 emails: 0 invited, 1000 already invited, 0 failed
        ");
    }
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
    let path = file.display();
    thousand_then_rerun(
        &home,
        &format!("roles invitations invite-user --from-file {path} --role viewer"),
        None,
    );
}

#[test]
fn a_thousand_emails_with_project_users_invite() {
    let (_server, home) = admin_with_project();
    let file = home.path().join("people.txt");
    std::fs::write(&file, numbered(1000)).unwrap();
    let path = file.display();
    // No --role: the project's preset (akka) gives its lowest role.
    thousand_then_rerun(&home, &format!("project users invite --from-file {path}"), None);
    let r = home.run("-o json roles invitations list");
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
    let path = file.display();
    let line = format!("roles invitations invite-user --from-file {path} --role viewer");
    assert_snapshot!(home.run(&line), @"
    EMAIL            STATUS   ROLE       EXPIRES  CODE
    ann@example.com  invited  admin      in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    bob@example.com  invited  developer  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    cid@example.com  invited  viewer     in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    invalid email 'not-an-email' on line 6: email has no '@'
    invalid email 'dee@example.com' on line 8: role may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    error: 5 emails: 3 invited, 0 already invited, 2 failed (2 invalid)
    ----- exit 5 -----
    ");

    // The server has the rows' roles; the invalid ones were never sent.
    let list = home.run("-o json roles invitations list").json();
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
    assert_snapshot!(home.run(&format!("-o json {line}")), @r#"
    [
      {
        "email": "not-an-email",
        "status": "invalid",
        "detail": "email has no '@'",
        "line": 6
      },
      {
        "email": "dee@example.com",
        "status": "invalid",
        "detail": "role may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit",
        "line": 8
      },
      {
        "email": "ann@example.com",
        "status": "already-invited",
        "role": "admin",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000001",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "ann@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "admin"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending"
        },
        "line": 3
      },
      {
        "email": "bob@example.com",
        "status": "already-invited",
        "role": "developer",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000004",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "bob@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000005",
            "name": "developer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending"
        },
        "line": 5
      },
      {
        "email": "cid@example.com",
        "status": "already-invited",
        "role": "viewer",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000006",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "cid@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000007",
            "name": "viewer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending"
        },
        "line": 7
      }
    ]
    ----- stderr -----
    invalid email 'not-an-email' on line 6: email has no '@'
    invalid email 'dee@example.com' on line 8: role may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit
    ann@example.com: already invited as admin; `accessctl roles invitations resend ann@example.com` gets a new code
    bob@example.com: already invited as developer; `accessctl roles invitations resend bob@example.com` gets a new code
    cid@example.com: already invited as viewer; `accessctl roles invitations resend cid@example.com` gets a new code
    error: 5 emails: 0 invited, 3 already invited, 2 failed (2 invalid)
    ----- exit 5 -----
    "#);

    // Without --role every row needs its own: the lines without one are named.
    assert_snapshot!(home.run(&format!("roles invitations invite-user --from-file {path}")), @"
    ----- stderr -----
    error: 1 email without a role (line 7): pass --role or add a role column
    ----- exit 2 -----
    ");
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
    let invite = |file: &std::path::Path| {
        home.run(&format!(
            "-o json roles invitations invite-user --from-file {} --role viewer",
            file.display()
        ))
    };
    assert_snapshot!(invite(&semicolons), @r#"
    [
      {
        "email": "cid@",
        "status": "invalid",
        "detail": "email's domain needs a dot (like example.com)",
        "line": 5
      },
      {
        "email": "ada@example.com",
        "status": "invited",
        "role": "admin",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000001",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "ada@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "admin"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending",
          "code": "inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
          "delivery": "inviter"
        },
        "line": 2
      },
      {
        "email": "bob@example.com",
        "status": "invited",
        "role": "viewer",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000004",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "bob@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000005",
            "name": "viewer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending",
          "code": "inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
          "delivery": "inviter"
        },
        "line": 4
      },
      {
        "email": "dee@example.com",
        "status": "invited",
        "role": "viewer",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000006",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "dee@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000005",
            "name": "viewer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending",
          "code": "inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
          "delivery": "inviter"
        },
        "line": 8
      }
    ]
    ----- stderr -----
    invalid email 'cid@' on line 5: email's domain needs a dot (like example.com)
    error: 4 emails: 3 invited, 0 already invited, 1 failed (1 invalid)
    ----- exit 5 -----
    "#);

    // Tab-separated, the email column last, one header name of Google's export.
    let tabs = home.path().join("export.tsv");
    std::fs::write(
        &tabs,
        "First Name [Required]\tLast Name [Required]\tEmail Address [Required]\n\
         Eve\tE\teve@example.com\n",
    )
    .unwrap();
    assert_snapshot!(invite(&tabs), @r#"
    [
      {
        "email": "eve@example.com",
        "status": "invited",
        "role": "viewer",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000001",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "eve@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "viewer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending",
          "code": "inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
          "delivery": "inviter"
        },
        "line": 2
      }
    ]
    "#);
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
    let invite = |file: &std::path::Path| {
        home.run(&format!(
            "roles invitations invite-user --from-file {} --role viewer",
            file.display()
        ))
    };
    assert_snapshot!(home.run("roles invitations invite-user --from-file /nonexistent/emails.txt --role viewer"), @"
    ----- stderr -----
    error: cannot read '/nonexistent/emails.txt': No such file or directory (os error 2)
    ----- exit 2 -----
    ");
    let dir = home.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    assert_snapshot!(invite(&dir), @"
    ----- stderr -----
    error: cannot read '[HOME]/a-directory': Is a directory (os error 21)
    ----- exit 2 -----
    ");
    let latin1 = home.path().join("latin1.txt");
    std::fs::write(&latin1, b"a@example.com\nj\xf6rg@example.com\n").unwrap();
    assert_snapshot!(invite(&latin1), @"
    ----- stderr -----
    error: '[HOME]/latin1.txt': line 2 is not valid UTF-8
    hint: save the file as UTF-8; nothing was sent
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run_stdin(FROM_STDIN, Some("# nobody yet\n\n")), @"
    ----- stderr -----
    error: standard input has no emails (only blank lines and comments)
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run_stdin(FROM_STDIN, Some("bad\nworse@\n")), @"
    ----- stderr -----
    invalid email 'bad' on line 1: email has no '@'
    invalid email 'worse@' on line 2: email's domain needs a dot (like example.com)
    error: none of the 2 emails is valid; nothing was sent
    ----- exit 2 -----
    ");
    // A quote never closed would read the rest of the file as one cell: a bad file.
    let r = home.run_stdin(
        FROM_STDIN,
        Some("Name,Email\nAnn,ann@example.com\n\"Bob,bob@example.com\nCid,cid@example.com\n"),
    );
    assert_snapshot!(r, @r#"
    ----- stderr -----
    error: standard input: the quote opened on line 3 is never closed
    hint: close the quote; inside a quoted field a quote is written twice (""); nothing was sent
    ----- exit 2 -----
    "#);
    // One invalid argument is that email's error alone.
    assert_snapshot!(home.run("roles invitations invite-user nope --role viewer"), @"
    ----- stderr -----
    error: invalid email 'nope': email has no '@'
    ----- exit 2 -----
    ");
    assert_eq!(invitations(&home), Vec::<String>::new());
}

#[test]
fn the_same_idempotency_key_replays_instead_of_inviting_twice() {
    let (_server, home) = admin_with_project();
    let emails = numbered(150);
    let run = |key: &str| {
        home.run_stdin(
            &format!("-o json {FROM_STDIN} --idempotency-key {key}"),
            Some(&emails),
        )
    };
    let first = run("hr-import-2024-06");
    assert_snapshot!(stderr_and_exit(&first), @"
    ----- stderr -----
    150 emails: 150 invited, 0 already invited, 0 failed
    ");
    assert_eq!(emails_with(&statuses(&first), "invited").len(), 150);
    // The same key and the same batches: the server replays its first answers.
    let replay = run("hr-import-2024-06");
    assert_snapshot!(stderr_and_exit(&replay), @"
    ----- stderr -----
    150 emails: 150 invited, 0 already invited, 0 failed
    ");
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
    assert_snapshot!(folded(&other), @"
    ----- stderr -----
    [150×] EMAIL: already invited as viewer; `accessctl roles invitations resend EMAIL` gets a new code
    150 emails: 0 invited, 150 already invited, 0 failed
    ");
    assert_eq!(emails_with(&statuses(&other), "already-invited").len(), 150);
    server_has_exactly(&home, &numbered_set(1..=150));

    let invite = "roles invitations invite-user x@example.com --role viewer";
    assert_snapshot!(home.run(&format!("{invite} --idempotency-key 'has space'")), @"
    ----- stderr -----
    error: invalid value 'has space' for '--idempotency-key <KEY>': must be 1 to 128 characters of ASCII letters, digits, '-', '_', '.' and ':'

    For more information, try '--help'.
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run(&format!("{invite} --idempotency-key ''")), @"
    ----- stderr -----
    error: invalid value '' for '--idempotency-key <KEY>': must be 1 to 128 characters of ASCII letters, digits, '-', '_', '.' and ':'

    For more information, try '--help'.
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run(&format!("{invite} --idempotency-key ключ")), @"
    ----- stderr -----
    error: invalid value 'ключ' for '--idempotency-key <KEY>': must be 1 to 128 characters of ASCII letters, digits, '-', '_', '.' and ':'

    For more information, try '--help'.
    ----- exit 2 -----
    ");
    let long = "k".repeat(129);
    assert_snapshot!(home.run(&format!("{invite} --idempotency-key {long}")), @"
    ----- stderr -----
    error: invalid value 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk' for '--idempotency-key <KEY>': must be 1 to 128 characters of ASCII letters, digits, '-', '_', '.' and ':'

    For more information, try '--help'.
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("project users invite --emails x@example.com --idempotency-key a/b"), @"
    ----- stderr -----
    error: invalid value 'a/b' for '--idempotency-key <KEY>': must be 1 to 128 characters of ASCII letters, digits, '-', '_', '.' and ':'

    For more information, try '--help'.
    ----- exit 2 -----
    ");
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
        let mut cmd = home.command(&format!("{output} {FROM_STDIN}"));
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
    (server, home, run)
}

#[test]
fn ctrl_c_finishes_the_requests_in_flight_and_json_says_what_was_sent() {
    let (_server, home, run) = interrupt_after_six_batches("-ojson");
    assert_snapshot!(stderr_and_exit(&run), @"
    ----- stderr -----
    interrupted: finishing 4 requests in flight (Ctrl-C again to quit now)
    error: interrupted: 600 of 1000 sent (600 invited); 400 not sent — re-run the same command to finish (already invited emails are skipped)
    ----- exit 130 -----
    ");
    let results = statuses(&run);
    assert_eq!(results.len(), 1000, "every email has a result");
    let invited = emails_with(&results, "invited");
    assert_eq!(invited, numbered_set(1..=600), "batches go out in file order");
    assert_eq!(emails_with(&results, "not-sent"), numbered_set(601..=1000));
    server_has_exactly(&home, &invited);

    // A re-run finishes the rest.
    let again = home.run_stdin(&format!("-o json {FROM_STDIN}"), Some(&numbered(1000)));
    assert_snapshot!(folded(&again), @"
    ----- stderr -----
    [600×] EMAIL: already invited as viewer; `accessctl roles invitations resend EMAIL` gets a new code
    1000 emails: 400 invited, 600 already invited, 0 failed
    ");
    let results = statuses(&again);
    assert_eq!(emails_with(&results, "already-invited"), numbered_set(1..=600));
    assert_eq!(emails_with(&results, "invited"), numbered_set(601..=1000));
    server_has_exactly(&home, &numbered_set(1..=1000));
}

#[test]
fn ctrl_c_with_quiet_prints_the_codes_that_were_created() {
    let (_server, home, run) = interrupt_after_six_batches("-q");
    assert_snapshot!(stderr_and_exit(&run), @"
    ----- stderr -----
    interrupted: finishing 4 requests in flight (Ctrl-C again to quit now)
    error: interrupted: 600 of 1000 sent (600 invited); 400 not sent — re-run the same command to finish (already invited emails are skipped)
    ----- exit 130 -----
    ");
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
    assert_snapshot!(run, @"
    ----- stderr -----
    interrupted: finishing 4 requests in flight (Ctrl-C again to quit now)
    error: interrupted
    ----- exit 130 -----
    ");
}

#[test]
fn progress_bar_only_on_a_terminal() {
    let (server, home) = admin_with_project();
    let file = home.path().join("people.txt");
    std::fs::write(&file, numbered(250)).unwrap();
    let path = file.display();

    // Not a terminal: nothing but the info line and the summary on stderr (stdout
    // is the 250 results).
    let r = home.run(&format!(
        "roles invitations invite-user --from-file {path} --role viewer"
    ));
    assert_snapshot!(stderr_and_exit(&r), @"
    ----- stderr -----
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    250 emails: 250 invited, 0 already invited, 0 failed
    ");
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
fn every_batch_fails(home: &Home, extra: &str) -> Run {
    let line = format!("roles invitations invite-user --from-file - {extra}");
    home.run_stdin(&line, Some(&numbered(250)))
}

#[test]
fn when_every_request_fails_the_same_way_that_is_the_error() {
    let (server, home) = admin_with_project();
    // Unknown role: exit 2 with the valid roles, once.
    assert_snapshot!(every_batch_fails(&home, "--role wizard"), @"
    ----- stderr -----
    error: unknown role 'wizard' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 2 -----
    ");
    assert_snapshot!(every_batch_fails(&home, "-o json --role wizard"), @"
    ----- stderr -----
    error: unknown role 'wizard' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 2 -----
    ");

    // Not logged in (a token the server does not know): exit 4.
    let stranger = Home::new().env("ACCESSCTL_TOKEN", "acc_not-a-real-token");
    let extra = format!("--server {} --project shop --role viewer", server.url);
    assert_snapshot!(every_batch_fails(&stranger, &extra), @"
    ----- stderr -----
    error: a valid bearer token is required
    hint: the server refused the token in ACCESSCTL_TOKEN: set a valid one, or unset it to use the context's login
    ----- exit 4 -----
    ");

    // Server down: exit 1 after the retries.
    let offline = Home::new().env("ACCESSCTL_TOKEN", "acc_whatever");
    let extra = format!("--server {} --project shop --role viewer", dead_url());
    assert_snapshot!(every_batch_fails(&offline, &extra), @"
    ----- stderr -----
    error: cannot reach the server: Connection refused (os error 111)
    hint: check that the server is running and --server / the context's server is right
    ----- exit 1 -----
    ");
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
    let r = home.run_stdin("-o json roles invitations invite-user --from-file -", Some(&csv));
    assert_snapshot!(stderr_and_exit(&r), @"
    ----- stderr -----
    wiz1@example.com: not invited: unknown role 'wizard' in project 'shop'
    wiz2@example.com: not invited: unknown role 'wizard' in project 'shop'
    error: 152 emails: 150 invited, 0 already invited, 2 failed (2 in failed requests)
    ----- exit 5 -----
    ");
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
