//! `auth mfa enroll | confirm | disable`, the MFA column of `roles list-bindings`,
//! and `auth login --email` with a TOTP code on stdin's second line. TOTP codes come
//! from the server's clock, which the tests move (never sleep on).

use std::io::Write;
use std::process::Stdio;

use accessd::testing::mailed_login_code;

use crate::harness::{Home, Run, Server, cells};

fn enroll(home: &Home) -> (String, String) {
    let r = home.run(&["auth", "mfa", "enroll"]);
    r.ok().stderr_has("then run `accessctl auth mfa confirm CODE`");
    assert!(
        !r.stdout.contains('█') && !r.stdout.contains('▀'),
        "a QR code in a pipe:\n{}",
        r.stdout
    );
    let secret = cells(r.lines()[0])[1].clone();
    let uri = cells(r.lines()[1])[1].clone();
    assert_eq!(cells(r.lines()[0])[0], "SECRET");
    assert!(
        uri.starts_with("otpauth://totp/accessd:") && uri.contains(&secret),
        "{uri}"
    );
    let q = home.run(&["-q", "auth", "mfa", "enroll"]);
    assert!(q.ok().stdout.starts_with("otpauth://totp/"), "{q:?}");
    let secret = q
        .stdout
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    (secret, q.stdout.trim().to_owned())
}

#[test]
fn enrol_confirm_show_log_in_and_disable() {
    let server = Server::start_with_mail_sink();
    let token = server.user_with_token("ola", "ola@example.com", "Ola");
    let admin = Home::new();
    admin.login(&server, &server.admin_token);
    admin.run(&["projects", "new", "shop"]).ok();
    admin
        .run(&[
            "--project",
            "shop",
            "roles",
            "add-binding",
            "--email",
            "ola@example.com",
            "--role",
            "developer",
        ])
        .ok();
    let mfa_of = |who: &str| -> String {
        let r = admin.run(&["--project", "shop", "roles", "list-bindings"]);
        let line = r
            .ok()
            .lines()
            .into_iter()
            .find(|l| l.contains(who))
            .unwrap()
            .to_owned();
        cells(&line).last().unwrap().clone()
    };
    assert_eq!(mfa_of("ola@example.com"), "no");

    let ola = Home::new();
    ola.login(&server, &token);
    let (secret, _) = enroll(&ola);
    ola.run(&["auth", "mfa", "confirm", "12345"])
        .fails(2)
        .stderr_has("a TOTP code is 6 digits");
    server.align_to_totp_step();
    ola.run(&["auth", "mfa", "confirm", &server.totp(&secret, 3)])
        .fails(4)
        .one_error()
        .stderr_has("hint: use the code your authenticator shows now");
    let r = ola.run(&["-o", "json", "auth", "mfa", "confirm", &server.totp(&secret, 0)]);
    assert_eq!(r.ok().json()["mfa_enabled"], true);
    r.stderr_has("Two-factor authentication is on for ola");
    assert_eq!(mfa_of("ola@example.com"), "yes");
    assert_eq!(mfa_of("admin@example.com"), "no");
    ola.run(&["auth", "mfa", "enroll"])
        .fails(5)
        .stderr_has("hint: to enrol a new device, run `accessctl auth mfa disable` first");

    // Log in from a new home: the mailed code, then the TOTP code, on stdin.
    server.advance_clock(30_000);
    let totp = server.totp(&secret, 0);
    let fresh = Home::new();
    let mut child = fresh
        .command(&[
            "auth",
            "login",
            "--server",
            &server.url,
            "--context",
            "ola",
            "--email",
            "ola@example.com",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (_, data) = server.next_mail();
    let code = mailed_login_code(&data).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{code}\n{totp}\n").as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        home: Default::default(),
    };
    r.ok().stderr_has("as ola (context ola)");
    assert!(!r.stderr.contains(&code) && !r.stderr.contains(&totp), "{r:?}");
    fresh.run(&["auth", "status"]).ok();

    // Disabling needs a current code that was not used: the login's is spent.
    ola.run_stdin(&["auth", "mfa", "disable"], Some(&format!("{totp}\n")))
        .fails(4);
    server.advance_clock(30_000);
    let r = ola.run_stdin(
        &["auth", "mfa", "disable"],
        Some(&format!("{}\n", server.totp(&secret, 0))),
    );
    r.ok().stderr_has("Two-factor authentication is off for ola");
    assert_eq!(mfa_of("ola@example.com"), "no");
    ola.run(&["auth", "mfa", "disable", "123456"])
        .fails(5)
        .stderr_has("hint: enrol first");
}

#[test]
fn a_project_requiring_mfa_refuses_an_owner_binding_without_it() {
    let (server, home) = crate::harness::admin_with_project();
    server.user_with_token("pia", "pia@example.com", "Pia");
    let r = home.run(&[
        "-o",
        "json",
        "projects",
        "update",
        "shop",
        "--require-mfa",
        "owner-grade",
    ]);
    assert_eq!(r.ok().json()["require_mfa"], "owner-grade");
    home.run(&["projects", "update", "shop", "--require-mfa", "some"])
        .fails(2)
        .stderr_has("must be owner-grade, all or none");
    home.run(&["roles", "add-binding", "--email", "pia@example.com", "--role", "admin"])
        .fails(5)
        .one_error()
        .stderr_has("error: project 'shop' requires MFA for role 'admin' (policy owner-grade); pia has not enabled two-factor authentication")
        .stderr_has("hint: they turn on MFA first (`accessctl auth mfa enroll`");
    home.run(&[
        "roles",
        "add-binding",
        "--email",
        "pia@example.com",
        "--role",
        "developer",
    ])
    .ok();
    // The admin's existing owner binding stays, marked as not complying.
    let r = home.run(&["roles", "list-bindings"]);
    let admin = r
        .ok()
        .lines()
        .into_iter()
        .find(|l| l.contains("admin@example.com"))
        .unwrap()
        .to_owned();
    assert!(admin.ends_with("no (required)"), "{admin}");
    let pia = r
        .lines()
        .into_iter()
        .find(|l| l.contains("pia@example.com"))
        .unwrap()
        .to_owned();
    assert_eq!(cells(&pia).last().unwrap(), "no");
    home.run(&["projects", "update", "shop", "--require-mfa", "all"])
        .ok();
    let r = home.run(&["roles", "list-bindings"]);
    let pia = r
        .ok()
        .lines()
        .into_iter()
        .find(|l| l.contains("pia@example.com"))
        .unwrap()
        .to_owned();
    assert!(pia.ends_with("no (required)"), "{pia}");
}

/// A lost device: `users update USER --reset-mfa` (a server administrator)
/// turns the user's MFA off, the MFA column says so, the audit log names it,
/// and a second reset says there was nothing to reset.
#[test]
fn users_update_reset_mfa_turns_off_a_lost_device() {
    let server = Server::start();
    let token = server.user_with_token("pat", "pat@example.com", "Pat");
    let admin = Home::new();
    admin.login(&server, &server.admin_token);
    let pat = Home::new();
    pat.login(&server, &token);
    let (secret, _) = enroll(&pat);
    server.align_to_totp_step();
    pat.run(&["auth", "mfa", "confirm", &server.totp(&secret, 0)])
        .ok();
    let mfa = |home: &Home| home.run(&["-o", "json", "users", "list"]).ok().json();
    let enabled = |list: &serde_json::Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "pat")
            .unwrap()["mfa_enabled"]
            .clone()
    };
    assert_eq!(enabled(&mfa(&admin)), true);

    // Only a server administrator may.
    pat.run(&["users", "update", "pat", "--reset-mfa"]).fails(4);
    assert_eq!(enabled(&mfa(&admin)), true);

    let r = admin.run(&["-o", "json", "users", "update", "pat", "--reset-mfa"]);
    let u = r
        .ok()
        .stderr_has("Reset the two-factor authentication of pat")
        .json();
    assert_eq!(u["mfa_enabled"], false);
    assert_eq!(enabled(&mfa(&admin)), false);
    let audit = admin
        .run(&[
            "-o",
            "json",
            "audit",
            "list",
            "--server-wide",
            "--action",
            "user.mfa-reset",
        ])
        .ok()
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 1, "{audit}");
    assert_eq!(audit[0]["actor"], "admin");
    admin
        .run(&["users", "update", "pat@example.com", "--reset-mfa"])
        .ok()
        .stderr_has("pat had no two-factor authentication; nothing to reset");
    // With another change, both happen.
    let u = admin
        .run(&[
            "-o",
            "json",
            "users",
            "update",
            "pat",
            "--reset-mfa",
            "--name",
            "Pat P",
        ])
        .ok()
        .json();
    assert_eq!(
        (u["name"].as_str(), u["mfa_enabled"].as_bool()),
        (Some("Pat P"), Some(false))
    );
    // She can enrol again.
    let (secret, _) = enroll(&pat);
    server.align_to_totp_step();
    pat.run(&["auth", "mfa", "confirm", &server.totp(&secret, 0)])
        .ok();
    assert_eq!(enabled(&mfa(&admin)), true);
}
