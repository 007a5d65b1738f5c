//! Issue #12, the CLI side: a stored token goes only to the server it was saved for,
//! accepting an invitation selects its project (and an existing account must log in
//! first), `--timeout` bounds the waits for a busy server, the local database is
//! private and killed config writes leave nothing behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use crate::harness::{BIN, Home, Server, admin_with_project};

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
fn run_env(home: &Home, env: &[(&str, &str)], args: &[&str]) -> crate::harness::Run {
    let mut cmd = home.command(args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    crate::harness::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        home: Default::default(),
    }
}

/// `not logged in to URL` with the login hint for exactly that URL, exit 4.
#[track_caller]
fn not_logged_in(r: &crate::harness::Run, url: &str) {
    r.fails(4)
        .stderr_has(&format!("error: not logged in to {url}\n"))
        .stderr_has(&format!("hint: accessctl auth login --server {url}"));
}

/// Fails on the old code: `--server`, `ACCESSCTL_SERVER` and a `config set server`
/// after login each sent the context's stored token to the other origin.
#[test]
fn a_stored_token_never_goes_to_another_origin() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token);
    let other = Recorder::empty_pages();

    not_logged_in(
        &home.run(&["--server", &other.url, "projects", "list"]),
        &other.url,
    );
    not_logged_in(
        &run_env(&home, &[("ACCESSCTL_SERVER", &other.url)], &["projects", "list"]),
        &other.url,
    );
    // `auth token` hands out only the token of the server in effect.
    not_logged_in(&home.run(&["--server", &other.url, "auth", "token"]), &other.url);
    // Dynamic completion: silent, and no token either.
    let completion = home
        .command(&["--", BIN, "--server", &other.url, "projects", "get", ""])
        .env("COMPLETE", "fish")
        .output()
        .unwrap();
    assert!(completion.stderr.is_empty(), "{completion:?}");

    // The context's server changed after login: the token stays with the old one.
    home.run(&["config", "set", "server", &other.url]).ok();
    not_logged_in(&home.run(&["projects", "list"]), &other.url);
    not_logged_in(&home.run(&["auth", "status"]), &other.url);
    other.saw_no_token(&server.admin_token);
    home.run(&["config", "set", "server", &format!("{}/", server.url)])
        .ok();
    home.run(&["projects", "list"]).ok();

    // Same origin after normalisation (case, trailing slash): the token is sent.
    let upper = server.url.replace("http://", "HTTP://");
    home.run(&["--server", &format!("{upper}/"), "projects", "list"])
        .ok();

    // ACCESSCTL_TOKEN is the one token that goes wherever the run is pointed.
    run_env(
        &home,
        &[
            ("ACCESSCTL_TOKEN", "acc_env_token"),
            ("ACCESSCTL_SERVER", &other.url),
        ],
        &["projects", "list"],
    )
    .ok();
    let heads = other.heads();
    assert_eq!(
        heads.len(),
        1,
        "only the ACCESSCTL_TOKEN run connected: {heads:?}"
    );
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
    home.run(&["projects", "list"]).ok();
    let other = Recorder::empty_pages();
    not_logged_in(
        &home.run(&["--server", &other.url, "projects", "list"]),
        &other.url,
    );
    home.run(&["config", "set", "server", &other.url]).ok();
    not_logged_in(&home.run(&["projects", "list"]), &other.url);
    other.saw_no_token(&server.admin_token);
    assert!(other.heads().is_empty());
    let text = std::fs::read_to_string(&creds).unwrap();
    assert!(text.contains(&format!("origin = \"{}\"", server.url)), "{text}");
}

/// Without a keyring service (this machine), login falls back to credentials.toml
/// with a warning, and records the server's origin beside the token.
#[test]
fn without_a_keyring_the_file_holds_token_and_origin() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token)
        .stderr_has("warning: no OS keyring available; token saved to");
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

fn invite(home: &Home, email: &str) -> String {
    home.run(&[
        "-o",
        "json",
        "roles",
        "invitations",
        "invite-user",
        email,
        "--role",
        "developer",
    ])
    .json()[0]["invitation"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Fails on the old code: the invitee's first command said "no project selected".
#[test]
fn accept_selects_the_invited_project() {
    let (server, home) = admin_with_project();
    let code = invite(&home, "ivy@example.com");
    let ivy = Home::new();
    ivy.run(&[
        "--server",
        &server.url,
        "--context",
        "work",
        "roles",
        "invitations",
        "accept",
        &code,
    ])
    .ok()
    .stderr_has("now the current context, with project shop");
    assert_eq!(ivy.run(&["config", "get", "project"]).stdout, "shop\n");
    ivy.run(&["roles", "list-bindings"])
        .ok()
        .stdout_has("ivy@example.com");
}

/// Fails on the old code: accepting with `--server` elsewhere sent the current
/// context's token along.
#[test]
fn accept_sends_no_token_to_another_origin() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token);
    let other = Recorder::empty_pages();
    let r = home.run(&["--server", &other.url, "roles", "invitations", "accept", "inv_x"]);
    assert_ne!(r.code, 0);
    assert_eq!(other.heads().len(), 1, "accept without a token still connects");
    other.saw_no_token(&server.admin_token);
}

/// Needs the server side of interface 4 (branch trust-accept): an invitation for an
/// email that already has an account needs that account's login; the CLI says so and
/// how to log in first. Then, logged in as that account, accepting works and selects
/// the project of a context that had none.
#[test]
fn accept_for_an_existing_account_needs_its_login_trust_accept() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob");
    let code = invite(&home, "bob@example.com");
    let bob = Home::new();
    let r = bob.run(&["--server", &server.url, "roles", "invitations", "accept", &code]);
    r.fails(4)
        .stderr_has(
            "error: this invitation is for an existing account; accept it logged in as that account\n",
        )
        .stderr_has(&format!(
            "hint: log in first with `accessctl auth login --server {}`",
            server.url
        ));
    assert!(!r.stderr.contains(&code), "the code is never echoed");

    bob.login(&server, &bob_token);
    bob.run(&["roles", "invitations", "accept", &code])
        .ok()
        .stderr_has("Project shop is now the project of context test");
    bob.run(&["roles", "list-bindings"])
        .ok()
        .stdout_has("bob@example.com");
}

/// Fails on the old code (which slept 3 × 30 s): a `Retry-After` longer than the
/// `--timeout` budget fails at once, after exactly one request.
#[test]
fn a_busy_server_fails_at_once_when_its_wait_exceeds_the_timeout() {
    for status in ["503 Service Unavailable", "429 Too Many Requests"] {
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
        r.fails(1)
            .stderr_has("error: the server is busy; it asks to retry in 30 s\n");
        assert_eq!(busy.heads().len(), 1, "{status}: no retry was slept for");
    }
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
    for n in 1..=3 {
        let line = format!("the server is busy (503); retrying in 1 s (retry {n} of 3)\n");
        assert!(shown.contains(&line), "{shown}");
    }
    assert!(shown.contains("error: busy"), "{shown}");
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
    r.fails(1);
    assert!(!r.stderr.contains("retrying"), "{}", r.stderr);
}
