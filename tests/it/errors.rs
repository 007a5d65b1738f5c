//! Failures that need no real server: unreachable, slow, broken or hostile servers,
//! and input rejected before any request. Each: one `error:` line, empty stdout, the
//! documented exit code, no backtrace (RUST_BACKTRACE=1 is set). Each step is the
//! command line and the binary's whole transcript as an inline snapshot.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use insta::assert_snapshot;

use crate::harness::{Home, dead_url};

/// A server that answers every request with `response` and counts requests.
fn canned(response: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, count)
}

fn http(status: &str, content_type: &str, extra: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
}

fn remote(url: &str) -> Home {
    Home::new()
        .env("ACCESSCTL_SERVER", url)
        .env("ACCESSCTL_TOKEN", "acc_canarytoken")
        .env("ACCESSCTL_PROJECT", "p")
}

#[test]
fn server_down_is_exit_1_with_a_hint() {
    let home = remote(&dead_url());
    let r = home.run_binary("roles list-bindings", None);
    assert_snapshot!(r, @"
    ----- stderr -----
    error: cannot reach the server: Connection refused (os error 111)
    hint: check that the server is running and --server / the context's server is right
    ----- exit 1 -----
    ");
    assert!(!r.stderr.contains("acc_canarytoken"));
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let home = remote(&url);
    let child = home
        .command("--timeout 1s roles list")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Measured from the request's arrival, so a slow process start does not count.
    let (_conn, _) = listener.accept().unwrap();
    let arrived = Instant::now();
    let out = child.wait_with_output().unwrap();
    let elapsed = arrived.elapsed();
    let r = home.finished(out);
    assert_snapshot!(r, @"
    ----- stderr -----
    error: the request timed out after 1s
    hint: raise it with --timeout, e.g. --timeout 30s
    ----- exit 1 -----
    ");
    // timeout + 1 s (a little slack for a loaded machine).
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
}

#[test]
fn gets_retry_503_three_times() {
    let (url, count) = canned(http(
        "503 Service Unavailable",
        "application/problem+json",
        "retry-after: 0\r\n",
        r#"{"type":"about:blank","title":"Service unavailable","status":503,"code":"unavailable","detail":"busy"}"#,
    ));
    assert_snapshot!(remote(&url).run_binary("roles list", None), @"
    ----- stderr -----
    error: busy
    ----- exit 1 -----
    ");
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

#[test]
fn unkeyed_failures_are_not_retried_and_4xx_never() {
    let (url, count) = canned(http(
        "409 Conflict",
        "application/problem+json",
        "",
        r#"{"title":"Last owner","status":409,"code":"last-owner","detail":"the project would have no owner"}"#,
    ));
    assert_snapshot!(remote(&url).run_binary("roles delete-binding b1", None), @"
    ----- stderr -----
    error: the project would have no owner
    hint: grant the owner role to someone else first
    ----- exit 5 -----
    ");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn html_500_and_invalid_json_are_exit_1() {
    let (url, _) = canned(http(
        "500 Internal Server Error",
        "text/html",
        "",
        "<html>oops</html>",
    ));
    assert_snapshot!(remote(&url).run_binary("roles list", None), @"
    ----- stderr -----
    error: the server answered 500 without a problem document
    ----- exit 1 -----
    ");
    let (url, _) = canned(http("200 OK", "application/json", "", "{not json"));
    assert_snapshot!(remote(&url).run_binary("roles list", None), @"
    ----- stderr -----
    error: invalid response from the server: key must be a string at line 1 column 2
    ----- exit 1 -----
    ");
    let (url, _) = canned(http(
        "200 OK",
        "application/json",
        "",
        r#"{"items":[],"next_cursor":"#,
    ));
    assert_snapshot!(remote(&url).run_binary("projects list", None), @"
    ----- stderr -----
    error: invalid response from the server: EOF while parsing a value at line 1 column 26
    ----- exit 1 -----
    ");
}

/// `roles list` against a server answering each status with a problem whose
/// detail is `d` and the status: the transcripts one after another.
#[test]
fn status_codes_map_to_exit_codes() {
    let mut transcripts = String::new();
    for (status, code) in [
        ("401 Unauthorized", "unauthenticated"),
        ("403 Forbidden", "forbidden"),
        ("404 Not Found", "not-found"),
        ("410 Gone", "invitation-expired"),
        ("412 Precondition Failed", "precondition-failed"),
        ("422 Unprocessable Entity", "validation-failed"),
        ("400 Bad Request", "invalid-request"),
    ] {
        let n: u16 = status[..3].parse().unwrap();
        let body = format!(r#"{{"title":"t","status":{n},"code":"{code}","detail":"d{n}"}}"#);
        let (url, _) = canned(http(status, "application/problem+json", "", &body));
        let r = remote(&url).run_binary("roles list", None);
        transcripts.push_str(&format!("$ accessctl roles list  # {status}, {code}\n{r}"));
    }
    assert_snapshot!(transcripts, @"
    $ accessctl roles list  # 401 Unauthorized, unauthenticated
    ----- stderr -----
    error: d401
    hint: the server refused the token in ACCESSCTL_TOKEN: set a valid one, or unset it to use the context's login
    ----- exit 4 -----
    $ accessctl roles list  # 403 Forbidden, forbidden
    ----- stderr -----
    error: d403
    ----- exit 4 -----
    $ accessctl roles list  # 404 Not Found, not-found
    ----- stderr -----
    error: d404
    ----- exit 3 -----
    $ accessctl roles list  # 410 Gone, invitation-expired
    ----- stderr -----
    error: d410
    ----- exit 5 -----
    $ accessctl roles list  # 412 Precondition Failed, precondition-failed
    ----- stderr -----
    error: d412
    hint: it changed after it was read; run the command again to see the new state
    ----- exit 5 -----
    $ accessctl roles list  # 422 Unprocessable Entity, validation-failed
    ----- stderr -----
    error: d422
    ----- exit 2 -----
    $ accessctl roles list  # 400 Bad Request, invalid-request
    ----- stderr -----
    error: d400
    ----- exit 2 -----
    ");
}

#[test]
fn repeated_cursor_is_an_error_not_a_loop() {
    let (url, count) = canned(http(
        "200 OK",
        "application/json",
        "",
        r#"{"items":[],"next_cursor":"same"}"#,
    ));
    assert_snapshot!(remote(&url).run_binary("projects list", None), @"
    ----- stderr -----
    error: the server repeated a pagination cursor; stopping instead of looping
    ----- exit 1 -----
    ");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[test]
fn redirect_to_another_origin_is_refused() {
    let (other, other_count) = canned(http("200 OK", "application/json", "", "[]"));
    let (url, _) = canned(http(
        "302 Found",
        "text/plain",
        &format!("location: {other}/v1/projects\r\n"),
        "",
    ));
    assert_snapshot!(remote(&url).run_binary("projects list", None), @"
    ----- stderr -----
    error: refusing to follow a redirect: redirect to another origin ([SERVER])
    ----- exit 1 -----
    ");
    assert_eq!(
        other_count.load(Ordering::SeqCst),
        0,
        "no request (and no token) went to the other origin"
    );
}

#[test]
fn token_over_plain_http_to_a_remote_host_is_refused_before_connecting() {
    let home = remote("http://accessd.invalid:8080");
    assert_snapshot!(home.run_binary("roles list", None), @"
    ----- stderr -----
    error: refusing to send a token over plain http to http://accessd.invalid:8080/
    hint: use https://, or pass --insecure-http if you really mean it
    ----- exit 2 -----
    ");
}

#[test]
fn invalid_email_is_rejected_before_any_request() {
    let (url, count) = canned(http("200 OK", "application/json", "", "{}"));
    let home = remote(&url);
    assert_snapshot!(home.run_binary("roles add-binding --email not-an-email --role developer", None), @"
    ----- stderr -----
    error: invalid email 'not-an-email': email has no '@'
    ----- exit 2 -----
    ");
    // invite-user sends the valid emails of a batch (exit 5 for the invalid ones), so
    // only a batch with no valid email at all is rejected before any request.
    assert_snapshot!(home.run_binary("roles invitations invite-user bad@ --role admin", None), @"
    ----- stderr -----
    error: invalid email 'bad@': email's domain needs a dot (like example.com)
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run_binary("roles invitations invite-user worse bad@ --role admin", None), @"
    ----- stderr -----
    invalid email 'worse': email has no '@'
    invalid email 'bad@': email's domain needs a dot (like example.com)
    error: none of the 2 emails is valid; nothing was sent
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run_binary("roles invitations delete x", None), @"
    ----- stderr -----
    error: invalid email 'x': email has no '@'
    ----- exit 2 -----
    ");
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[test]
fn verbose_trace_redacts_the_token() {
    let (url, _) = canned(http(
        "200 OK",
        "application/json",
        "x-request-id: req-1\r\n",
        r#"{"items":[],"next_cursor":null}"#,
    ));
    let r = remote(&url).run_binary("-v projects list", None);
    assert!(!r.stderr.contains("acc_canarytoken"));
    assert_snapshot!(r, @"
    ----- stderr -----
    > GET [SERVER]/v1/projects?limit=500 (Authorization: Bearer ***)
    < 200 GET in [N]ms (request id req-1)
    No projects
    ");
}

#[test]
fn unknown_context_without_server_is_not_found() {
    assert_snapshot!(Home::new().run_binary("--context nope roles list", None), @"
    ----- stderr -----
    error: no context named 'nope'
    hint: see `accessctl config contexts list`, or log in with `accessctl auth login --context NAME`
    ----- exit 3 -----
    ");
}

#[cfg(unix)]
#[test]
fn ctrl_c_is_exit_130() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let home = remote(&format!("http://{}", listener.local_addr().unwrap()));
    let child = home
        .command("--timeout 60s roles list")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the request has arrived, the CLI is waiting for the answer.
    let (_conn, _) = listener.accept().unwrap();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    let r = home.finished(out);
    assert_snapshot!(r, @"
    ----- stderr -----
    error: interrupted
    ----- exit 130 -----
    ");
}

/// Every command that talks to the server, with arguments that pass local checks.
const SERVER_COMMANDS: &[&[&str]] = &[
    &["roles", "list"],
    &["roles", "show", "admin"],
    &["roles", "permissions"],
    &["roles", "permissions", "--matrix"],
    &["roles", "list-bindings"],
    &[
        "roles",
        "add-binding",
        "--email",
        "a@example.com",
        "--role",
        "viewer",
    ],
    &["roles", "add-binding", "--all-users", "--role", "viewer"],
    &["roles", "delete-binding", "b1"],
    &["roles", "create", "r", "--permission", "services.view"],
    &["roles", "update", "r", "--add-permission", "services.view"],
    &["roles", "update", "r", "--description", "d"],
    &["roles", "delete", "r"],
    &["roles", "check", "services.view"],
    &["roles", "check", "services.view", "--user", "bob"],
    &["roles", "export"],
    &[
        "roles",
        "invitations",
        "invite-user",
        "a@example.com",
        "--role",
        "viewer",
    ],
    &["roles", "invitations", "list"],
    &["roles", "invitations", "delete", "a@example.com"],
    &["roles", "invitations", "resend", "a@example.com"],
    &["roles", "invitations", "accept", "inv_code"],
    &["projects", "list"],
    &["projects", "get"],
    &["projects", "new", "p2"],
    &["projects", "update", "p", "--description", "d"],
    &["projects", "delete", "p", "--yes"],
    &["auth", "status"],
    &["auth", "tokens", "create", "t"],
    &["auth", "tokens", "list"],
    &["auth", "tokens", "revoke", "t1"],
    &["auth", "mfa", "enroll"],
    &["auth", "mfa", "confirm", "123456"],
    &["auth", "mfa", "disable", "123456"],
    &["users", "list"],
    &["users", "create", "--username", "u", "--email", "u@example.com"],
    &["users", "disable", "u"],
    &["users", "enable", "u"],
    &["users", "update", "u", "--name", "U"],
    &["users", "delete", "u", "--yes"],
    &["users", "tokens", "create", "u", "t"],
    &["audit", "list"],
    &["project", "users", "list"],
    &[
        "project",
        "users",
        "invite",
        "--emails",
        "a@example.com",
        "--role",
        "viewer",
    ],
    &["project", "users", "invite", "--emails", "a@example.com"],
    &[
        "project",
        "users",
        "update",
        "--email",
        "a@example.com",
        "--role",
        "viewer",
    ],
    &["project", "users", "remove", "--email", "a@example.com"],
    &["project", "users", "leave"],
];

/// Commands whose success has no body to decode.
const NO_BODY: &[&str] = &["delete-binding", "delete", "revoke", "remove", "leave"];

fn fault_matrix(fault: &str, response: String, expected: i32) {
    let (url, _) = canned(response);
    let home = remote(&url);
    for args in SERVER_COMMANDS {
        if fault == "invalid-json" && args.iter().any(|a| NO_BODY.contains(a)) {
            continue;
        }
        let r = home.run_binary(args, None);
        assert_eq!(r.code, expected, "{fault} {args:?}\n{}", r.stderr);
        r.fails(expected);
        assert!(!r.stderr.contains("acc_canarytoken"), "{fault} {args:?}");
    }
}

fn problem(status: &str, code: &str) -> String {
    let n: u16 = status[..3].parse().unwrap();
    let body = format!(r#"{{"title":"t","status":{n},"code":"{code}","detail":"fault {n}"}}"#);
    http(status, "application/problem+json", "retry-after: 0\r\n", &body)
}

#[test]
fn every_command_unauthenticated_401() {
    fault_matrix("401", problem("401 Unauthorized", "unauthenticated"), 4);
}

#[test]
fn every_command_forbidden_403() {
    fault_matrix("403", problem("403 Forbidden", "forbidden"), 4);
}

#[test]
fn every_command_not_found_404() {
    fault_matrix("404", problem("404 Not Found", "not-found"), 3);
}

#[test]
fn every_command_conflict_409_410_412() {
    fault_matrix("409", problem("409 Conflict", "last-owner"), 5);
    fault_matrix("410", problem("410 Gone", "invitation-expired"), 5);
    fault_matrix(
        "412",
        problem("412 Precondition Failed", "precondition-failed"),
        5,
    );
}

#[test]
fn every_command_invalid_422() {
    fault_matrix("422", problem("422 Unprocessable Entity", "validation-failed"), 2);
}

#[test]
fn every_command_server_errors() {
    fault_matrix(
        "500-html",
        http("500 Internal Server Error", "text/html", "", "<h1>boom</h1>"),
        1,
    );
    fault_matrix("503", problem("503 Service Unavailable", "unavailable"), 1);
}

#[test]
fn every_command_broken_bodies() {
    fault_matrix("invalid-json", http("200 OK", "application/json", "", "{]"), 1);
    let truncated = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"items\":[";
    fault_matrix("truncated", truncated.to_owned(), 1);
}

#[test]
fn server_errors_hint_the_request_id() {
    let body = r#"{"title":"Internal server error","status":500,"code":"internal","detail":"internal error","request_id":"req-42"}"#;
    let (url, _) = canned(http(
        "500 Internal Server Error",
        "application/problem+json",
        "",
        body,
    ));
    assert_snapshot!(remote(&url).run_binary("roles list", None), @"
    ----- stderr -----
    error: internal error
    hint: if this persists, report request id req-42 to the server's operator
    ----- exit 1 -----
    ");
}

#[test]
fn a_huge_body_is_an_error_not_an_oom() {
    let body = format!("{{\"items\":[\"{}\"]}}", "x".repeat(40 * 1024 * 1024));
    let (url, _) = canned(http("200 OK", "application/json", "", &body));
    assert_snapshot!(remote(&url).run_binary("projects list", None), @"
    ----- stderr -----
    error: invalid response from the server: response larger than 33554432 bytes
    ----- exit 1 -----
    ");
}

#[test]
fn times_out_of_range_are_usage_errors_naming_the_range() {
    let (_server, home) = crate::harness::admin_with_project();
    assert_snapshot!(home.run("roles add-binding --all-users --role viewer --expires-at 999999999999999d"), @"
    ----- stderr -----
    error: invalid time '999999999999999d': out of range; times go from 0001-01-01 to 9999-12-31
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("audit list --since 99999999999999999999s"), @"
    ----- stderr -----
    error: invalid time '99999999999999999999s': out of range; times go from 0001-01-01 to 9999-12-31
    ----- exit 2 -----
    ");
    assert_snapshot!(home.run("audit list --since 7y"), @"
    ----- stderr -----
    error: invalid time '7y': use RFC 3339 ([TIME]), a date (2026-01-31) or a duration (24h, 7d, 1d12h) (months and years are not durations)
    ----- exit 2 -----
    ");
    // A combined duration is accepted.
    home.run("roles add-binding --all-users --role viewer --expires-at 1d12h")
        .ok();
    let r = home.run("-o json roles list-bindings --principal-type all-users");
    assert!(r.ok().json()[0]["expires_at"].is_string(), "{}", r.stdout);
}
