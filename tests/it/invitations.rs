//! `roles invitations invite-user | list | delete | resend | accept`.

use insta::assert_snapshot;

use crate::harness::{Home, Server, admin_with_project, admin_with_project_on, cells};

#[test]
fn invite_list_resend_delete_doc_examples() {
    let (_server, home) = admin_with_project();
    let r = home.run("roles invitations invite-user dana@example.com --role admin");
    assert_snapshot!(r, @"
    EMAIL             STATUS   ROLE   EXPIRES  CODE
    dana@example.com  invited  admin  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    ");
    let code = cells(r.lines()[1])[4].clone();

    let r = home.run("roles invitations list");
    assert_snapshot!(r, @"
    EMAIL             ROLE   STATUS   EXPIRES
    dana@example.com  admin  pending  in 6d
    ");
    assert!(!r.stdout.contains(&code), "list never shows codes");
    assert_eq!(
        home.run(&["-q", "roles", "invitations", "list", "--status", "expired"])
            .stdout,
        ""
    );
    assert_eq!(
        home.run(&["-q", "roles", "invitations", "list", "--status", "pending"])
            .stdout,
        "dana@example.com\n"
    );

    let r = home.run(&["-o", "json", "roles", "invitations", "resend", "dana@example.com"]);
    r.ok().stderr_has("Renewed");
    let renewed = r.json();
    assert_eq!(renewed["email"], "dana@example.com");
    assert_ne!(renewed["code"].as_str().unwrap(), code);
    let r = home.run(&["-q", "roles", "invitations", "resend", "dana@example.com"]);
    r.ok();
    assert!(
        r.stdout.starts_with("inv_") && r.lines().len() == 1,
        "-q prints the new code: {}",
        r.stdout
    );

    assert_snapshot!(home.session(&[
        "roles invitations delete dana@example.com",
        "roles invitations delete dana@example.com",
        "roles invitations resend dana@example.com",
    ]), @"
    $ accessctl roles invitations delete dana@example.com
    ----- stderr -----
    Deleted the invitation of dana@example.com
    $ accessctl roles invitations delete dana@example.com
    ----- stderr -----
    error: no open invitation for dana@example.com in project 'shop'
    hint: see `accessctl roles invitations list`
    ----- exit 3 -----
    $ accessctl roles invitations resend dana@example.com
    ----- stderr -----
    error: no open invitation for dana@example.com in project 'shop'
    hint: invite them: `accessctl roles invitations invite-user dana@example.com --role ROLE`
    ----- exit 3 -----
    ");
}

#[test]
fn inviting_again_is_idempotent_and_another_role_conflicts() {
    let (_server, home) = admin_with_project();
    assert_snapshot!(home.session(&[
        "-q roles invitations invite-user erin@example.com --role viewer",
        "roles invitations invite-user Erin@Example.com --role Viewer",
        "roles invitations invite-user erin@example.com --role admin",
        "roles invitations invite-user erin@example.com --role wizard",
    ]), @"
    $ accessctl -q roles invitations invite-user erin@example.com --role viewer
    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    $ accessctl roles invitations invite-user Erin@Example.com --role Viewer
    ----- stderr -----
    erin@example.com: already invited as viewer; `accessctl roles invitations resend erin@example.com` gets a new code
    $ accessctl roles invitations invite-user erin@example.com --role admin
    ----- stderr -----
    error: erin@example.com: already invited as 'viewer'; revoke that invitation first
    ----- exit 5 -----
    $ accessctl roles invitations invite-user erin@example.com --role wizard
    ----- stderr -----
    error: unknown role 'wizard' in project 'shop'
    hint: valid roles: admin, developer, viewer, backoffice
    ----- exit 2 -----
    ");
}

#[test]
fn batch_reports_each_email_and_exit_5_when_some_fail() {
    let (_server, home) = admin_with_project();
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "f1@example.com",
        "--role",
        "viewer",
    ])
    .ok();
    let r = home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "f1@example.com",
        "f2@example.com",
        "f3@example.com",
        "--role",
        "viewer",
    ]);
    r.ok().stderr_has("f1@example.com: already invited");
    assert_eq!(r.lines().len(), 3, "header + two new invitations:\n{}", r.stdout);
    let r = home.run(&[
        "-q",
        "roles",
        "invitations",
        "invite-user",
        "f2@example.com",
        "f4@example.com",
        "--role",
        "admin",
    ]);
    // The summary is the error line (it used to be "1 of 2 failed").
    r.code(5)
        .one_error()
        .stderr_has("f2@example.com: already invited as 'viewer'")
        .stderr_has("error: 2 emails: 1 invited, 0 already invited, 1 failed (1 conflict)\n");
    // `-q`: the code created for f4 (the inviter passes it on), nothing for f2.
    assert_eq!(r.lines().len(), 1, "{}", r.stdout);
    assert!(r.stdout.starts_with("inv_"), "{}", r.stdout);
    let r = home.run(&["-o", "json", "roles", "invitations", "list"]);
    let f4 = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["email"] == "f4@example.com");
    assert!(f4, "f4 was invited");
}

#[test]
fn accept_creates_the_user_and_saves_their_token() {
    let (server, home) = admin_with_project();
    let code = home
        .run(&[
            "-o",
            "json",
            "roles",
            "invitations",
            "invite-user",
            "gil@example.com",
            "--role",
            "developer",
        ])
        .json()[0]["invitation"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let gil = Home::new();
    let r = gil.run(&[
        "-v",
        "--server",
        &server.url,
        "--context",
        "work",
        "roles",
        "invitations",
        "accept",
        &code,
    ]);
    r.ok()
        .stderr_has("Joined project shop as developer")
        .stderr_has("Saved your new token for context work, now the current context")
        .stderr_has("> POST ");
    assert!(
        !r.stderr.contains(&code) && !r.stdout.contains(&code),
        "the code is never echoed"
    );
    assert!(
        !r.stdout.contains("acc_") && !r.stderr.contains("acc_"),
        "the token is never printed"
    );
    assert_eq!(cells(r.lines()[1])[..2], ["shop", "developer"]);
    // The context is saved and current; the token works.
    let status = gil.run(&["auth", "status"]);
    status.ok().stdout_has("gil@example.com");
    gil.run(&["--project", "shop", "roles", "list-bindings"])
        .ok()
        .stdout_has("gil@example.com");
    // A used code is gone; a made-up one too.
    Home::new()
        .run(&["--server", &server.url, "roles", "invitations", "accept", &code])
        .fails(3);
    Home::new()
        .run(&["--server", &server.url, "roles", "invitations", "accept", "nope"])
        .code(3);
    assert_eq!(home.run(&["-q", "roles", "invitations", "list"]).stdout, "");
}

#[test]
fn accept_without_context_names_it_after_the_host_and_keeps_local_intact() {
    let (server, home) = admin_with_project();
    let code = home
        .run(&[
            "-o",
            "json",
            "roles",
            "invitations",
            "invite-user",
            "hal@example.com",
            "--role",
            "viewer",
        ])
        .json()[0]["invitation"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let hal = Home::new();
    hal.run(&["roles", "list"]).ok(); // the local context exists first
    hal.run(&["--server", &server.url, "roles", "invitations", "accept", &code])
        .ok();
    let host = server.url.trim_start_matches("http://").replace(':', "-");
    assert_eq!(
        hal.run(&["config", "contexts", "current"]).stdout,
        format!("{host}\n")
    );
    hal.run(&["--context", "local", "-q", "projects", "list"])
        .ok()
        .stdout_has("default");
}

#[test]
fn a_mailed_invitation_says_sent_by_mail_and_quiet_prints_no_code() {
    let (_server, home) = admin_with_project_on(Server::start_mailing());
    let invite = |extra: &[&str], email: &str| {
        let mut args = extra.to_vec();
        args.extend(["roles", "invitations", "invite-user", email, "--role", "viewer"]);
        home.run(&args)
    };
    let r = invite(&[], "m1@example.com");
    r.ok();
    let row = cells(r.lines()[1]);
    assert_eq!(row[..3], ["m1@example.com", "invited", "viewer"]);
    assert_eq!(row[4], "sent by mail");
    assert!(!r.stderr.contains("Share each code"), "{}", r.stderr);

    let r = invite(&["-q"], "m2@example.com");
    r.ok();
    assert_eq!(r.stdout, "", "no code was created for the inviter");

    let r = invite(&["-o", "json"], "m3@example.com");
    r.ok();
    let result = &r.json()[0];
    assert_eq!(result["invitation"]["delivery"], "mail");
    assert!(result["invitation"].get("code").is_none(), "{result}");

    let r = home.run(&["roles", "invitations", "resend", "m1@example.com"]);
    r.ok();
    assert!(r.lines()[1].ends_with("sent by mail"), "{}", r.stdout);
    let r = home.run(&["-q", "roles", "invitations", "resend", "m1@example.com"]);
    r.ok();
    assert_eq!(r.stdout, "");
    let r = home.run(&[
        "-o",
        "csv",
        "roles",
        "invitations",
        "invite-user",
        "m4@example.com",
        "--role",
        "viewer",
    ]);
    r.ok();
    assert!(r.lines()[1].contains(",sent by mail,"), "{}", r.stdout);
}

#[test]
fn invite_json_has_the_problem_apart_from_the_invitation_code() {
    let (_server, home) = admin_with_project();
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "p1@example.com",
        "--role",
        "viewer",
    ])
    .ok();
    let r = home.run(&[
        "-o",
        "json",
        "roles",
        "invitations",
        "invite-user",
        "p1@example.com",
        "p2@example.com",
        "--role",
        "admin",
    ]);
    r.code(5);
    let results = r.json();
    let conflict = &results[0];
    assert_eq!(conflict["status"], "conflict");
    assert_eq!(conflict["problem"], "invitation-exists");
    assert!(conflict.get("code").is_none(), "{conflict}");
    let invited = &results[1];
    assert_eq!(invited["status"], "invited");
    assert!(
        invited["invitation"]["code"]
            .as_str()
            .unwrap()
            .starts_with("inv_")
    );
    assert!(
        invited.get("code").is_none() && invited.get("problem").is_none(),
        "{invited}"
    );
}
