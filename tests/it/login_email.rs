//! `auth login --email E` against a real accessd that mails through an in-test SMTP
//! sink: the code is read from the mail and fed on stdin.

use std::io::Write;
use std::process::Stdio;

use accessd::testing::mailed_login_code;

use crate::harness::{Home, Run, Server, dead_url};

/// Starts `accessctl args…`, waits for the mail, then writes `lines(code)` to its
/// stdin; returns the run and the code.
fn login_with_mail(
    server: &Server,
    home: &Home,
    args: &[&str],
    lines: impl Fn(&str) -> String,
) -> (Run, String) {
    let mut child = home
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (_, data) = server.next_mail();
    let code = mailed_login_code(&data).expect("a code in the mail");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(lines(&code).as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        home: Default::default(),
    };
    (run, code)
}

#[test]
fn login_by_an_emailed_code_saves_the_token_for_that_server() {
    let server = Server::start_with_mail_sink();
    server.user_with_token("nia", "nia@example.com", "Nia");
    let home = Home::new();
    let args = [
        "-v",
        "auth",
        "login",
        "--server",
        &server.url,
        "--context",
        "mail",
        "--email",
        "Nia@Example.com",
    ];
    let (r, code) = login_with_mail(&server, &home, &args, |c| format!("{c}\n"));
    r.ok()
        .stderr_has("If Nia@Example.com has an account on this server, a login code is on its way (valid 10 minutes).")
        .stderr_has(&format!("Logged in to {} as nia (context mail)", server.url))
        .stderr_has("> POST ")
        .stderr_has("/v1/auth/email-code/verify (no token)");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(!r.stderr.contains(&code), "the code reached the -v trace");
    let status = home.run(&["-o", "json", "auth", "status"]).ok().json();
    assert_eq!(
        (status["username"].as_str(), status["context"].as_str()),
        (Some("nia"), Some("mail")),
        "{status}"
    );
    let creds = std::fs::read_to_string(home.config_path().with_file_name("credentials.toml")).unwrap();
    assert!(creds.contains("acc_") && !r.stderr.contains("acc_"));
    // The token stays with its server (the origin rule of token login).
    let other = dead_url();
    home.run(&["--server", &other, "projects", "list"])
        .fails(4)
        .stderr_has(&format!("error: not logged in to {other}"));

    // A wrong code: exit 4 and how to go on; nothing saved for the context.
    let home2 = Home::new();
    let args = [
        "auth",
        "login",
        "--server",
        &server.url,
        "--context",
        "again",
        "--email",
        "nia@example.com",
    ];
    let (r, _) = login_with_mail(&server, &home2, &args, |c| {
        format!("{:08}\n", (c.parse::<u32>().unwrap() + 1) % 100_000_000)
    });
    r.fails(4)
        .one_error()
        .stderr_has("error: the login code is wrong, used or expired")
        .stderr_has("hint: ask for a new code");
    assert!(
        !home2.config_path().exists()
            || !std::fs::read_to_string(home2.config_path())
                .unwrap()
                .contains("again")
    );
}

#[test]
fn login_by_email_without_mail_delivery_says_what_to_do() {
    let server = Server::start();
    let home = Home::new();
    home.run(&[
        "auth",
        "login",
        "--server",
        &server.url,
        "--email",
        "nia@example.com",
    ])
    .fails(1)
    .one_error()
    .stderr_has("has no mail delivery configured")
    .stderr_has("hint: ask a server administrator for a token (`accessctl users tokens create USER NAME`)");
    home.run(&["auth", "login", "--server", &server.url, "--email", "nia@"])
        .fails(2)
        .stderr_has("invalid email");
    home.run(&[
        "auth",
        "login",
        "--server",
        &server.url,
        "--email",
        "nia@example.com",
        "--with-token",
    ])
    .fails(2);
}

/// The command in an invitation mail, run exactly as written by someone with a
/// fresh HOME, accepts the invitation on the server that sent it.
#[test]
fn the_mailed_accept_command_works_as_written() {
    let server = Server::start_with_mail_sink();
    let (s, _) = server.api(
        &server.admin_token,
        "POST",
        "/v1/projects",
        Some(serde_json::json!({"name": "p"})),
    );
    assert_eq!(s, 201);
    let (s, body) = server.api(
        &server.admin_token,
        "POST",
        "/v1/projects/p/invitations",
        Some(serde_json::json!({"emails": ["gus@example.com"], "role": "developer"})),
    );
    assert_eq!(s, 201, "{body}");
    let (_, data) = server.next_mail();
    let text = accessd::testing::unfold_quoted_printable(&data);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("accessctl --server "))
        .unwrap_or_else(|| panic!("no command in {text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        words[..5],
        [
            "accessctl",
            "--server",
            server.url.as_str(),
            "roles",
            "invitations"
        ]
    );
    let invitee = Home::new();
    invitee.run(&words[1..]).ok();
    let (s, members) = server.api(&server.admin_token, "GET", "/v1/projects/p/members", None);
    assert_eq!(s, 200);
    assert!(members.to_string().contains("gus@example.com"), "{members}");
}
