//! README's walkthrough "A team joins", step by step: the real binary, a real
//! accessd on 127.0.0.1:0 with the in-test SMTP sink. The invitee runs the
//! accept command exactly as the mail writes it, logs in later from a new HOME
//! with the emailed code, enrols MFA; the MFA column shows it, and a project
//! requiring MFA refuses an owner-grade binding for a user without it.
//! (Accepting in a browser is `crates/accessd/tests/it/browser.rs`.)

use std::io::Write;
use std::process::Stdio;

use accessd::testing::{mailed_login_code, unfold_quoted_printable};

use crate::harness::{Home, Run, Server, cells};

/// `auth login --server URL --email E` in `home`, answering the mailed code on stdin.
fn login_by_email(server: &Server, home: &Home, email: &str) -> Run {
    let mut child = home
        .command(&["auth", "login", "--server", &server.url, "--email", email])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (to, data) = server.next_mail();
    assert_eq!(to, [email]);
    let code = mailed_login_code(&data).expect("a login code in the mail");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{code}\n").as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let r = home.finished(out);
    assert!(!r.stderr.contains(&code), "{r:?}");
    r
}

#[test]
fn a_team_joins_as_the_readme_walks_through_it() {
    let server = Server::start_with_mail_sink();
    // alice (the bootstrap administrator): a project and an invitation by mail.
    let alice = Home::new();
    alice.login(&server, &server.admin_token);
    alice.run(&["projects", "new", "shop"]).ok();
    alice.run(&["config", "set", "project", "shop"]).ok();
    let r = alice.run(&[
        "roles",
        "invitations",
        "invite-user",
        "bob@example.com",
        "--role",
        "developer",
    ]);
    r.ok();
    assert!(
        !r.stdout.contains("inv_"),
        "with mail, the code goes only by mail: {r:?}"
    );

    // The mail: the command, and the link below it.
    let (to, data) = server.next_mail();
    assert_eq!(to, ["bob@example.com"]);
    let data = unfold_quoted_printable(&data);
    let command = data
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("accessctl --server "))
        .expect("the accept command in the mail")
        .to_owned();
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(
        words[..6],
        [
            "accessctl",
            "--server",
            server.url.as_str(),
            "roles",
            "invitations",
            "accept"
        ]
    );
    let link_at = data
        .find(&format!("{}/invite?code=inv_", server.url))
        .expect("the link");
    assert!(
        data.find(&command).unwrap() < link_at,
        "the link comes below the command"
    );

    // bob runs the mailed line as it is, with his own HOME.
    let bob = Home::new();
    bob.run(&words[1..]).ok().stderr_has("shop");
    bob.run(&["auth", "status"]).ok();

    // Later, bob on a new machine: the emailed code.
    let laptop = Home::new();
    login_by_email(&server, &laptop, "bob@example.com")
        .ok()
        .stderr_has("as bob");
    // He enrols MFA.
    let q = laptop.run(&["-q", "auth", "mfa", "enroll"]);
    let uri = q.ok().stdout.trim().to_owned();
    let secret = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    server.align_to_totp_step();
    laptop
        .run(&["auth", "mfa", "confirm", &server.totp(&secret, 0)])
        .ok()
        .stderr_has("Two-factor authentication is on for bob");

    // alice: the MFA column says yes for bob.
    let r = alice.run(&["roles", "list-bindings"]);
    let line = r
        .ok()
        .lines()
        .into_iter()
        .find(|l| l.contains("bob@example.com"))
        .expect("bob's binding")
        .to_owned();
    let row = cells(&line);
    assert_eq!(row.last().unwrap(), "yes", "{line}");
    assert!(row.contains(&"developer".to_owned()), "{line}");

    // A project requiring MFA refuses an owner-grade binding for a user without it.
    alice
        .run(&[
            "users",
            "create",
            "--username",
            "dave",
            "--email",
            "dave@example.com",
        ])
        .ok();
    alice
        .run(&["projects", "update", "shop", "--require-mfa", "owner-grade"])
        .ok();
    alice
        .run(&[
            "roles",
            "add-binding",
            "--email",
            "dave@example.com",
            "--role",
            "admin",
        ])
        .fails(5)
        .one_error()
        .stderr_has("dave has not enabled two-factor authentication");
    alice
        .run(&[
            "roles",
            "add-binding",
            "--email",
            "bob@example.com",
            "--role",
            "admin",
        ])
        .ok();
    let r = alice.run(&["-o", "json", "roles", "list-bindings"]);
    let admins: Vec<String> = r
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["role"]["name"] == "admin")
        .map(|b| b["principal"]["email"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(admins.contains(&"bob@example.com".to_owned()), "{admins:?}");
    assert!(!admins.contains(&"dave@example.com".to_owned()), "{admins:?}");
}
