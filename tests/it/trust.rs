//! Issue #12, the CLI side: a stored token goes only to the server it was saved for,
//! accepting an invitation selects its project (and an existing account must log in
//! first), `--timeout` bounds the waits for a busy server, the local database is
//! private and killed config writes leave nothing behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use insta::assert_snapshot;

use crate::harness::{BIN, Home, Run, Server, admin_with_project};

/// A listener on 127.0.0.1:0 that records the head (request line and headers) of
/// every request and answers `response`.
struct Recorder {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start(response: String) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut head, mut len) = (String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                seen.lock().unwrap().push(head);
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Recorder { url, heads }
    }

    /// Answers every request with an empty page.
    fn empty_pages() -> Recorder {
        Recorder::start(http("200 OK", "", r#"{"items":[],"next_cursor":null}"#))
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }

    /// Asserts that no request carried an `Authorization` header or `token`.
    #[track_caller]
    fn saw_no_token(&self, token: &str) {
        for head in self.heads() {
            assert!(
                !head.to_ascii_lowercase().contains("authorization:") && !head.contains(token),
                "a token reached the other origin:\n{head}"
            );
        }
    }
}

fn http(status: &str, extra: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
}

/// Runs accessctl in `home` with extra environment variables.
fn run_env(home: &Home, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = home.command(args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    home.finished(cmd.output().unwrap())
}

/// The run with the recorder's URL shown as `[OTHER]`: the transcript's own
/// normalisation shows every local server as `[SERVER]`, and these tests are about
/// which of the two a message names.
fn other(r: Run, other: &Recorder) -> Run {
    r.shown_as(&other.url, "[OTHER]")
}

/// Fails on the old code: `--server`, `ACCESSCTL_SERVER` and a `config set server`
/// after login each sent the context's stored token to the other origin.
#[test]
fn a_stored_token_never_goes_to_another_origin() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token);
    let rec = Recorder::empty_pages();

    assert_snapshot!(other(home.run(&["--server", &rec.url, "projects", "list"]), &rec), @"
    ----- stderr -----
    error: not logged in to [OTHER]
    hint: accessctl auth login --server [OTHER] (the token of context test was saved for [SERVER] and is sent nowhere else)
    ----- exit 4 -----
    ");
    assert_snapshot!(other(
        run_env(&home, &[("ACCESSCTL_SERVER", &rec.url)], &["projects", "list"]),
        &rec,
    ), @"
    ----- stderr -----
    error: not logged in to [OTHER]
    hint: accessctl auth login --server [OTHER] (the token of context test was saved for [SERVER] and is sent nowhere else)
    ----- exit 4 -----
    ");
    // `auth token` hands out only the token of the server in effect.
    assert_snapshot!(other(home.run(&["--server", &rec.url, "auth", "token"]), &rec), @"
    ----- stderr -----
    error: not logged in to [OTHER]
    hint: accessctl auth login --server [OTHER] (the token of context test was saved for [SERVER] and is sent nowhere else)
    ----- exit 4 -----
    ");
    // Dynamic completion: silent, and no token either.
    let completion = home
        .command(&["--", BIN, "--server", &rec.url, "projects", "get", ""])
        .env("COMPLETE", "fish")
        .output()
        .unwrap();
    assert!(completion.stderr.is_empty(), "{completion:?}");

    // The context's server changed after login: the token stays with the old one.
    assert_snapshot!(other(home.run(&["config", "set", "server", &rec.url]), &rec), @"
    ----- stderr -----
    Set server = [OTHER] in context test
    ");
    assert_snapshot!(other(home.run("projects list"), &rec), @"
    ----- stderr -----
    error: not logged in to [OTHER]
    hint: accessctl auth login --server [OTHER] (the token of context test was saved for [SERVER] and is sent nowhere else)
    ----- exit 4 -----
    ");
    assert_snapshot!(other(home.run("auth status"), &rec), @"
    ----- stderr -----
    error: not logged in to [OTHER]
    hint: accessctl auth login --server [OTHER] (the token of context test was saved for [SERVER] and is sent nowhere else)
    ----- exit 4 -----
    ");
    rec.saw_no_token(&server.admin_token);
    home.run(&["config", "set", "server", &format!("{}/", server.url)])
        .ok();
    assert_snapshot!(home.run("projects list"), @"
    ----- stderr -----
    No projects
    ");

    // Same origin after normalisation (case, trailing slash): the token is sent.
    let upper = server.url.replace("http://", "HTTP://");
    assert_snapshot!(home.run(&["--server", &format!("{upper}/"), "projects", "list"]), @"
    ----- stderr -----
    No projects
    ");

    // ACCESSCTL_TOKEN is the one token that goes wherever the run is pointed.
    assert_snapshot!(run_env(
        &home,
        &[
            ("ACCESSCTL_TOKEN", "acc_env_token"),
            ("ACCESSCTL_SERVER", &rec.url),
        ],
        &["projects", "list"],
    ), @"
    ----- stderr -----
    No projects
    ");
    let heads = rec.heads();
    assert_eq!(
        heads.len(),
        1,
        "only the ACCESSCTL_TOKEN run connected: {heads:?}"
    );
    // What the recorder received, not what the CLI printed.
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains("authorization: bearer acc_env_token"),
        "the recorder sees tokens: {heads:?}"
    );
}

/// A token saved by an older version (a bare string in credentials.toml) belongs to
/// the context's configured server, and stays there when that server changes.
#[test]
fn a_token_saved_without_origin_stays_with_the_configured_server() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token);
    let creds = home.config_path().with_file_name("credentials.toml");
    std::fs::write(&creds, format!("[tokens]\ntest = \"{}\"\n", server.admin_token)).unwrap();
    assert_snapshot!(home.run("projects list"), @"
    ----- stderr -----
    No projects
    ");
    let rec = Recorder::empty_pages();
    assert_snapshot!(other(home.run(&["--server", &rec.url, "projects", "list"]), &rec), @"
    ----- stderr -----
    error: not logged in to [OTHER]
    hint: accessctl auth login --server [OTHER] (the token of context test was saved for [SERVER] and is sent nowhere else)
    ----- exit 4 -----
    ");
    home.run(&["config", "set", "server", &rec.url]).ok();
    assert_snapshot!(other(home.run("projects list"), &rec), @"
    ----- stderr -----
    error: not logged in to [OTHER]
    hint: accessctl auth login --server [OTHER] (the token of context test was saved for [SERVER] and is sent nowhere else)
    ----- exit 4 -----
    ");
    rec.saw_no_token(&server.admin_token);
    assert!(rec.heads().is_empty());
    // The file now records the origin beside the token.
    let parsed: toml::Value = toml::from_str(&std::fs::read_to_string(&creds).unwrap()).unwrap();
    assert_eq!(
        parsed["tokens"]["test"]["origin"].as_str(),
        Some(server.url.as_str())
    );
}

/// Without a keyring service (this machine), login falls back to credentials.toml
/// with a warning, and records the server's origin beside the token.
#[test]
fn without_a_keyring_the_file_holds_token_and_origin() {
    let server = Server::start();
    let home = Home::new();
    let login = &[
        "auth",
        "login",
        "--server",
        &server.url,
        "--context",
        "test",
        "--with-token",
    ];
    assert_snapshot!(home.run_stdin(login, Some(&server.admin_token)), @"
    ----- stderr -----
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Logged in to [SERVER] as admin (context test)
    ");
    let creds = home.config_path().with_file_name("credentials.toml");
    let parsed: toml::Value = toml::from_str(&std::fs::read_to_string(creds).unwrap()).unwrap();
    assert_eq!(
        parsed["tokens"]["test"]["token"].as_str(),
        Some(server.admin_token.as_str())
    );
    assert_eq!(
        parsed["tokens"]["test"]["origin"].as_str(),
        Some(server.url.as_str())
    );
}

/// Fails on the old code: the invitee's first command said "no project selected".
#[test]
fn accept_selects_the_invited_project() {
    let (server, home) = admin_with_project();
    let code = home.invite("ivy@example.com", "developer");
    let ivy = Home::new();
    let accept = &[
        "--server",
        &server.url,
        "--context",
        "work",
        "roles",
        "invitations",
        "accept",
        &code,
    ];
    assert_snapshot!(ivy.run(accept), @"
    PROJECT  ROLE       USERNAME  EMAIL            ROLE BINDING ID
    shop     developer  ivy       ivy@example.com  00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Joined project shop as developer (ivy)
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Saved your new token for context work, now the current context, with project shop
    ");
    assert_snapshot!(ivy.session(&["config get project", "roles list-bindings"]), @"
    $ accessctl config get project
    shop
    $ accessctl roles list-bindings
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  ivy <ivy@example.com>          no
    ");
}

/// Fails on the old code: accepting with `--server` elsewhere sent the current
/// context's token along.
#[test]
fn accept_sends_no_token_to_another_origin() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token);
    let rec = Recorder::empty_pages();
    let r = home.run(&["--server", &rec.url, "roles", "invitations", "accept", "inv_x"]);
    assert_snapshot!(other(r, &rec), @"
    ----- stderr -----
    error: invalid response from the server: missing field `user` at line 1 column 31
    ----- exit 1 -----
    ");
    assert_eq!(rec.heads().len(), 1, "accept without a token still connects");
    rec.saw_no_token(&server.admin_token);
}

/// Needs the server side of interface 4 (branch trust-accept): an invitation for an
/// email that already has an account needs that account's login; the CLI says so and
/// how to log in first. Then, logged in as that account, accepting works and selects
/// the project of a context that had none.
#[test]
fn accept_for_an_existing_account_needs_its_login_trust_accept() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    let code = home.invite("bob@example.com", "developer");
    let bob = Home::new();
    let r = bob.run(&["--server", &server.url, "roles", "invitations", "accept", &code]);
    assert!(!r.stderr.contains(&code), "the code is never echoed");
    assert_snapshot!(r, @"
    ----- stderr -----
    error: this invitation is for an existing account; accept it logged in as that account
    hint: log in first with `accessctl auth login --server [SERVER]` (a token of that account), then run `accessctl roles invitations accept CODE` again in that context
    ----- exit 4 -----
    ");

    bob.login(&server, &bob_token);
    assert_snapshot!(bob.run(&["roles", "invitations", "accept", &code]), @"
    PROJECT  ROLE       USERNAME  EMAIL            ROLE BINDING ID
    shop     developer  bob       bob@example.com  00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Joined project shop as developer (bob)
    Project shop is now the project of context test
    ");
    assert_snapshot!(bob.run("roles list-bindings"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  Bob <bob@example.com>          no
    ");
}

/// Fails on the old code (which slept 3 × 30 s): a `Retry-After` longer than the
/// `--timeout` budget fails at once, after exactly one request.
#[test]
fn a_busy_server_fails_at_once_when_its_wait_exceeds_the_timeout() {
    let busy = |status: &str| {
        let busy = Recorder::start(http(
            status,
            "retry-after: 30\r\n",
            r#"{"type":"about:blank","title":"Busy","status":503,"code":"unavailable","detail":"busy"}"#,
        ));
        let home = Home::new();
        let r = run_env(
            &home,
            &[
                ("ACCESSCTL_SERVER", &busy.url),
                ("ACCESSCTL_TOKEN", "acc_canary"),
                ("ACCESSCTL_PROJECT", "p"),
            ],
            &["--timeout", "3s", "roles", "list"],
        );
        assert_eq!(busy.heads().len(), 1, "{status}: no retry was slept for");
        r
    };
    assert_snapshot!(busy("503 Service Unavailable"), @"
    ----- stderr -----
    error: the server is busy; it asks to retry in 30 s
    hint: try again later; a --timeout longer than the wait lets accessctl wait for it (up to 30 s)
    ----- exit 1 -----
    ");
    assert_snapshot!(busy("429 Too Many Requests"), @"
    ----- stderr -----
    error: the server is busy; it asks to retry in 30 s
    hint: try again later; a --timeout longer than the wait lets accessctl wait for it (up to 30 s)
    ----- exit 1 -----
    ");
}

/// Fails on the old code (0644): the local context's database is private.
#[cfg(unix)]
#[test]
fn the_local_database_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    home.run(&["roles", "list"]).ok();
    let dir = home.path().join(".local/share/accessctl");
    let mut checked = 0;
    for name in ["local.db", "local.db-wal", "local.db-shm"] {
        let path = dir.join(name);
        if let Ok(meta) = std::fs::metadata(&path) {
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 1, "local.db exists");

    // A database an older version left 0644 is tightened on the next run.
    std::fs::set_permissions(dir.join("local.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    home.run(&["roles", "list"]).ok();
    let mode = std::fs::metadata(dir.join("local.db"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
}

/// Temp files a killed writer left (named `<file>.tmp.<pid>`) are removed by the
/// next locked write of that file.
#[test]
fn stale_temp_files_of_killed_writes_are_removed() {
    let home = Home::new();
    home.run(&["config", "set", "project", "p"]).ok();
    let dir = home.config_path().parent().unwrap().to_owned();
    for name in ["config.toml.tmp.4242", "config.toml.tmp.1"] {
        std::fs::write(dir.join(name), "half a config").unwrap();
    }
    home.run(&["config", "set", "output", "json"]).ok();
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// On a terminal each wait before a retry is announced on stderr (a script sees
/// only the outcome: the other tests' stderr has no such line).
#[test]
fn waits_are_announced_on_a_terminal() {
    let busy = Recorder::start(http(
        "503 Service Unavailable",
        "retry-after: 1\r\n",
        r#"{"type":"about:blank","title":"Busy","status":503,"code":"unavailable","detail":"busy"}"#,
    ));
    let home = Home::new();
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{BIN} --timeout 10s roles list"), "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        // The `error:` prefix is coloured on a terminal otherwise.
        .env("NO_COLOR", "1")
        .env("HOME", home.path())
        .env("ACCESSCTL_SERVER", &busy.url)
        .env("ACCESSCTL_TOKEN", "acc_canary")
        .env("ACCESSCTL_PROJECT", "p")
        .output()
        .expect("util-linux `script` runs the CLI on a pty");
    let shown = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    // The pty merges stdout and stderr (stdout is empty here).
    assert_snapshot!(shown, @"
    the server is busy (503); retrying in 1 s (retry 1 of 3)
    the server is busy (503); retrying in 1 s (retry 2 of 3)
    the server is busy (503); retrying in 1 s (retry 3 of 3)
    error: busy
    ");
    assert_eq!(busy.heads().len(), 4);
    // Not on a pipe.
    let r = run_env(
        &home,
        &[
            ("ACCESSCTL_SERVER", &busy.url),
            ("ACCESSCTL_TOKEN", "acc_canary"),
            ("ACCESSCTL_PROJECT", "p"),
        ],
        &["--timeout", "1500ms", "roles", "list"],
    );
    assert_snapshot!(r, @"
    ----- stderr -----
    error: the server is busy; it asks to retry in 1 s
    hint: try again later; a --timeout longer than the wait lets accessctl wait for it (up to 30 s)
    ----- exit 1 -----
    ");
}
