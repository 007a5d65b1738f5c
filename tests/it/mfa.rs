//! `auth mfa enroll | confirm | disable`, the MFA column of `roles list-bindings`,
//! and `auth login --email` with a TOTP code on stdin's second line. TOTP codes come
//! from the server's clock, which the tests move (never sleep on).

use std::io::Write;
use std::process::Stdio;

use accessd::testing::mailed_login_code;

use insta::assert_snapshot;

use crate::harness::{Home, Server, cells};

/// `auth mfa enroll`, then `-q auth mfa enroll`: the secret the second one printed
/// (what the user's authenticator gets), and the two runs as a session with each
/// run's secret (random) shown as `[SECRET]`.
fn enroll(home: &Home) -> (String, String) {
    let r = home.run("auth mfa enroll");
    r.ok();
    assert!(
        !r.stdout.contains('█') && !r.stdout.contains('▀'),
        "a QR code in a pipe:\n{}",
        r.stdout
    );
    let shown = cells(r.lines()[0])[1].clone();
    let q = home.run("-q auth mfa enroll");
    q.ok();
    let secret = q
        .stdout
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let session = format!(
        "$ accessctl auth mfa enroll\n{}$ accessctl -q auth mfa enroll\n{}",
        r.to_string().replace(&shown, "[SECRET]"),
        q.to_string().replace(&secret, "[SECRET]")
    );
    (secret, session)
}

#[test]
fn enrol_confirm_show_log_in_and_disable() {
    let server = Server::start_with_mail_sink();
    let token = server.user_with_token("ola", "ola@example.com", "Ola");
    let admin = Home::new();
    admin.login(&server, &server.admin_token);
    admin.run("projects new shop").ok();
    admin
        .run("--project shop roles add-binding --email ola@example.com --role developer")
        .ok();
    assert_snapshot!(admin.run("--project shop roles list-bindings"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  Ola <ola@example.com>          no
    ");

    let ola = Home::new();
    ola.login(&server, &token);
    let (secret, session) = enroll(&ola);
    assert_snapshot!(session, @"
    $ accessctl auth mfa enroll
    SECRET       [SECRET]
    OTPAUTH URI  otpauth://totp/accessd:ola%40example.com?secret=[SECRET]&issuer=accessd
    ----- stderr -----
    Add it to your authenticator app (scan the QR code or type the secret), then run `accessctl auth mfa confirm CODE` with the code it shows.
    $ accessctl -q auth mfa enroll
    otpauth://totp/accessd:ola%40example.com?secret=[SECRET]&issuer=accessd
    ");
    assert_snapshot!(ola.run("auth mfa confirm 12345"), @"
    ----- stderr -----
    error: a TOTP code is 6 digits
    hint: type the code your authenticator app shows now
    ----- exit 2 -----
    ");
    server.align_to_totp_step();
    assert_snapshot!(ola.run(&["auth", "mfa", "confirm", &server.totp(&secret, 3)]), @"
    ----- stderr -----
    error: the TOTP code is wrong or was already used; check the device's clock or wait for the next code
    hint: use the code your authenticator shows now (each code works once); check the device's clock
    ----- exit 4 -----
    ");
    assert_snapshot!(ola.run(&["auth", "mfa", "confirm", &server.totp(&secret, 0)]), @"
    USERNAME  ola
    EMAIL     ola@example.com
    NAME      Ola
    ADMIN     no
    DISABLED  no
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Two-factor authentication is on for ola
    ");
    assert_snapshot!(admin.run("--project shop roles list-bindings"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  Ola <ola@example.com>          yes
    ");
    assert_snapshot!(ola.run("auth mfa enroll"), @"
    ----- stderr -----
    error: two-factor authentication is already on; disable it first to enrol a new device
    hint: to enrol a new device, run `accessctl auth mfa disable` first
    ----- exit 5 -----
    ");

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
    let r = fresh.finished(out);
    assert_snapshot!(r, @"
    ----- stderr -----
    If ola@example.com has an account on this server, a login code is on its way (valid 10 minutes).
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Logged in to [SERVER] as ola (context ola)
    ");
    assert!(!r.stderr.contains(&code) && !r.stderr.contains(&totp), "{r:?}");
    assert_snapshot!(fresh.run("auth status"), @"
    CONTEXT  ola
    SERVER   [SERVER]
    USER     ola
    EMAIL    ola@example.com
    TOKEN    [HOME]/.config/accessctl/credentials.toml
    ");

    // Disabling needs a current code that was not used: the login's is spent.
    assert_snapshot!(ola.run_stdin("auth mfa disable", Some(&format!("{totp}\n"))), @"
    ----- stderr -----
    error: the TOTP code is wrong or was already used; check the device's clock or wait for the next code
    hint: use the code your authenticator shows now (each code works once); check the device's clock
    ----- exit 4 -----
    ");
    server.advance_clock(30_000);
    let r = ola.run_stdin(
        "auth mfa disable",
        Some(&format!("{}\n", server.totp(&secret, 0))),
    );
    assert_snapshot!(r, @"
    USERNAME  ola
    EMAIL     ola@example.com
    NAME      Ola
    ADMIN     no
    DISABLED  no
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Two-factor authentication is off for ola
    ");
    assert_snapshot!(admin.run("--project shop roles list-bindings"), @"
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  Ola <ola@example.com>          no
    ");
    assert_snapshot!(ola.run("auth mfa disable 123456"), @"
    ----- stderr -----
    error: two-factor authentication is not on
    hint: enrol first: `accessctl auth mfa enroll`
    ----- exit 5 -----
    ");
}

#[test]
fn a_project_requiring_mfa_refuses_an_owner_binding_without_it() {
    let (server, home) = crate::harness::admin_with_project();
    server.user_with_token("pia", "pia@example.com", "Pia");
    assert_snapshot!(home.session(&[
        "projects update shop --require-mfa owner-grade",
        "projects update shop --require-mfa some",
        "roles add-binding --email pia@example.com --role admin",
        "roles add-binding --email pia@example.com --role developer",
    ]), @"
    $ accessctl projects update shop --require-mfa owner-grade
    NAME         shop
    DESCRIPTION  The shop
    PRESET       akka
    MY ROLES     admin
    ID           00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Updated project shop
    $ accessctl projects update shop --require-mfa some
    ----- stderr -----
    error: invalid value 'some' for '--require-mfa <POLICY>': must be owner-grade, all or none

    For more information, try '--help'.
    ----- exit 2 -----
    $ accessctl roles add-binding --email pia@example.com --role admin
    ----- stderr -----
    error: project 'shop' requires MFA for role 'admin' (policy owner-grade); pia has not enabled two-factor authentication
    hint: they turn on MFA first (`accessctl auth mfa enroll`, then `confirm`), or choose a role the project's MFA policy does not cover
    ----- exit 5 -----
    $ accessctl roles add-binding --email pia@example.com --role developer
    ROLE BINDING ID                       ROLE       PRINCIPAL              MFA
    00000000-0000-0000-0000-000000000001  developer  Pia <pia@example.com>  no
    ----- stderr -----
    Granted role developer in project shop
    ");
    // The admin's existing owner binding stays, marked as not complying.
    assert_snapshot!(home.session(&[
        "roles list-bindings",
        "projects update shop --require-mfa all",
        "roles list-bindings",
    ]), @"
    $ accessctl roles list-bindings
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no (required)
    00000000-0000-0000-0000-000000000002  developer  Pia <pia@example.com>          no
    $ accessctl projects update shop --require-mfa all
    NAME         shop
    DESCRIPTION  The shop
    PRESET       akka
    MY ROLES     admin
    ID           00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Updated project shop
    $ accessctl roles list-bindings
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no (required)
    00000000-0000-0000-0000-000000000002  developer  Pia <pia@example.com>          no (required)
    ");
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
    // `users list` has no MFA column: the JSON says whether pat has MFA on.
    let mfa = |home: &Home| home.run("-o json users list").ok().json();
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
    assert_snapshot!(pat.session(&["users update pat --reset-mfa", "users list"]), @"
    $ accessctl users update pat --reset-mfa
    ----- stderr -----
    error: only a server administrator can do that
    ----- exit 4 -----
    $ accessctl users list
    ----- stderr -----
    error: only a server administrator can do that
    ----- exit 4 -----
    ");
    assert_eq!(enabled(&mfa(&admin)), true);

    assert_snapshot!(admin.run("users update pat --reset-mfa"), @"
    USERNAME  pat
    EMAIL     pat@example.com
    NAME      Pat
    ADMIN     no
    DISABLED  no
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Reset the two-factor authentication of pat
    ");
    assert_eq!(enabled(&mfa(&admin)), false);
    // The audit list shows relative times ("0s ago"): checked as JSON.
    let audit = admin
        .run("-o json audit list --server-wide --action user.mfa-reset")
        .ok()
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 1, "{audit}");
    assert_eq!(audit[0]["actor"], "admin");
    assert_snapshot!(admin.run("users update pat@example.com --reset-mfa"), @"
    USERNAME  pat
    EMAIL     pat@example.com
    NAME      Pat
    ADMIN     no
    DISABLED  no
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    pat had no two-factor authentication; nothing to reset
    ");
    // With another change, both happen.
    assert_snapshot!(admin.run("users update pat --reset-mfa --name 'Pat P'"), @"
    USERNAME  pat
    EMAIL     pat@example.com
    NAME      Pat P
    ADMIN     no
    DISABLED  no
    ID        00000000-0000-0000-0000-000000000001
    ----- stderr -----
    pat had no two-factor authentication; nothing to reset
    Updated user pat
    ");
    assert_eq!(enabled(&mfa(&admin)), false);
    // She can enrol again.
    let (secret, _) = enroll(&pat);
    server.align_to_totp_step();
    pat.run(&["auth", "mfa", "confirm", &server.totp(&secret, 0)])
        .ok();
    assert_eq!(enabled(&mfa(&admin)), true);
}
