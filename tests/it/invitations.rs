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
    assert_snapshot!(home.session(&[
        "-q roles invitations list --status expired",
        "-q roles invitations list --status pending",
    ]), @"
    $ accessctl -q roles invitations list --status expired
    $ accessctl -q roles invitations list --status pending
    dana@example.com
    ");

    let r = home.run("-o json roles invitations resend dana@example.com");
    // A new code (the transcript shows every code as inv_xxx…).
    assert_ne!(r.json()["code"].as_str().unwrap(), code);
    assert_snapshot!(r, @r#"
    {
      "id": "00000000-0000-0000-0000-000000000001",
      "project": {
        "id": "00000000-0000-0000-0000-000000000002",
        "name": "shop"
      },
      "email": "dana@example.com",
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
    }
    ----- stderr -----
    Renewed the invitation of dana@example.com
    "#);
    // -q prints the new code.
    assert_snapshot!(home.run("-q roles invitations resend dana@example.com"), @"inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

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
    home.run("roles invitations invite-user f1@example.com --role viewer")
        .ok();
    assert_snapshot!(home.run(
        "roles invitations invite-user f1@example.com f2@example.com f3@example.com --role viewer"
    ), @"
    EMAIL           STATUS   ROLE    EXPIRES  CODE
    f2@example.com  invited  viewer  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    f3@example.com  invited  viewer  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    f1@example.com: already invited as viewer; `accessctl roles invitations resend f1@example.com` gets a new code
    Share each code with its invitee: `accessctl roles invitations accept CODE`
    3 emails: 2 invited, 1 already invited, 0 failed
    ");
    // The summary is the error line (it used to be "1 of 2 failed"). `-q`: the
    // code created for f4 (the inviter passes it on), nothing for f2.
    assert_snapshot!(home.run(
        "-q roles invitations invite-user f2@example.com f4@example.com --role admin"
    ), @"
    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    f2@example.com: already invited as 'viewer'; revoke that invitation first
    error: 2 emails: 1 invited, 0 already invited, 1 failed (1 conflict)
    ----- exit 5 -----
    ");
    let r = home.run("-o json roles invitations list");
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
    let code = home.invite("gil@example.com", "developer");
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
    assert!(
        !r.stderr.contains(&code) && !r.stdout.contains(&code),
        "the code is never echoed"
    );
    assert!(
        !r.stdout.contains("acc_") && !r.stderr.contains("acc_"),
        "the token is never printed"
    );
    assert_snapshot!(r, @"
    PROJECT  ROLE       USERNAME  EMAIL            ROLE BINDING ID
    shop     developer  gil       gil@example.com  00000000-0000-0000-0000-000000000001
    ----- stderr -----
    > POST [SERVER]/v1/invitations/accept (no token)
    < 200 POST in [N]ms (request id 00000000-0000-0000-0000-000000000002)
    Joined project shop as developer (gil)
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Saved your new token for context work, now the current context, with project shop
    ");
    // The context is saved and current; the token works.
    assert_snapshot!(gil.session(&["auth status", "--project shop roles list-bindings"]), @"
    $ accessctl auth status
    CONTEXT  work
    SERVER   [SERVER]
    USER     gil
    EMAIL    gil@example.com
    TOKEN    [HOME]/.config/accessctl/credentials.toml
    $ accessctl --project shop roles list-bindings
    ROLE BINDING ID                       ROLE       PRINCIPAL                      MFA
    00000000-0000-0000-0000-000000000001  admin      Ada Admin <admin@example.com>  no
    00000000-0000-0000-0000-000000000002  developer  gil <gil@example.com>          no
    ");
    // A used code is gone; a made-up one too.
    let accept =
        |code: &str| Home::new().run(&["--server", &server.url, "roles", "invitations", "accept", code]);
    assert_snapshot!(accept(&code), @"
    ----- stderr -----
    error: no open invitation has that code (used, revoked or never issued)
    ----- exit 3 -----
    ");
    assert_snapshot!(accept("nope"), @"
    ----- stderr -----
    error: no open invitation has that code (used, revoked or never issued)
    ----- exit 3 -----
    ");
    assert_snapshot!(home.run("-q roles invitations list"), @"");
}

#[test]
fn accept_without_context_names_it_after_the_host_and_keeps_local_intact() {
    let (server, home) = admin_with_project();
    let code = home.invite("hal@example.com", "viewer");
    let hal = Home::new();
    hal.run("roles list").ok(); // the local context exists first
    let r = hal.run(&["--server", &server.url, "roles", "invitations", "accept", &code]);
    r.ok();
    // The context is named after the server's host and port: checked exactly
    // here, shown as [PORT] in the transcripts.
    let host = server.url.trim_start_matches("http://").replace(':', "-");
    assert_eq!(hal.run("config contexts current").stdout, format!("{host}\n"));
    assert_snapshot!(r, @"
    PROJECT  ROLE    USERNAME  EMAIL            ROLE BINDING ID
    shop     viewer  hal       hal@example.com  00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Joined project shop as viewer (hal)
    warning: no OS keyring available; token saved to [HOME]/.config/accessctl/credentials.toml (mode 0600)
    Saved your new token for context 127.0.0.1-[PORT], now the current context, with project shop
    ");
    assert_snapshot!(hal.session(&["config contexts list", "--context local -q projects list"]), @"
    $ accessctl config contexts list
    CURRENT  NAME             SERVER                  PROJECT
    *        127.0.0.1-[PORT]  [SERVER]  shop
             local            embedded                default
    $ accessctl --context local -q projects list
    default
    ");
}

#[test]
fn a_mailed_invitation_says_sent_by_mail_and_quiet_prints_no_code() {
    let (_server, home) = admin_with_project_on(Server::start_mailing());
    let r = home.run("roles invitations invite-user m1@example.com --role viewer");
    assert!(!r.stderr.contains("Share each code"), "{}", r.stderr);
    assert_snapshot!(r, @"
    EMAIL           STATUS   ROLE    EXPIRES  CODE
    m1@example.com  invited  viewer  in 6d    sent by mail
    ");
    assert_snapshot!(home.session(&[
        // No code was created for the inviter.
        "-q roles invitations invite-user m2@example.com --role viewer",
        "-o json roles invitations invite-user m3@example.com --role viewer",
        "roles invitations resend m1@example.com",
        "-q roles invitations resend m1@example.com",
        "-o csv roles invitations invite-user m4@example.com --role viewer",
    ]), @r#"
    $ accessctl -q roles invitations invite-user m2@example.com --role viewer
    $ accessctl -o json roles invitations invite-user m3@example.com --role viewer
    [
      {
        "email": "m3@example.com",
        "status": "invited",
        "role": "viewer",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000001",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "m3@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "viewer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending",
          "delivery": "mail"
        }
      }
    ]
    $ accessctl roles invitations resend m1@example.com
    EMAIL           ROLE    EXPIRES                   CODE
    m1@example.com  viewer  [TIME]  sent by mail
    ----- stderr -----
    Renewed the invitation of m1@example.com
    $ accessctl -q roles invitations resend m1@example.com
    $ accessctl -o csv roles invitations invite-user m4@example.com --role viewer
    EMAIL,STATUS,ROLE,EXPIRES,CODE,DETAIL
    m4@example.com,invited,viewer,[TIME],sent by mail,
    "#);
}

#[test]
fn invite_json_has_the_problem_apart_from_the_invitation_code() {
    let (_server, home) = admin_with_project();
    home.run("roles invitations invite-user p1@example.com --role viewer")
        .ok();
    let r = home.run("-o json roles invitations invite-user p1@example.com p2@example.com --role admin");
    assert_snapshot!(r, @r#"
    [
      {
        "email": "p1@example.com",
        "status": "conflict",
        "role": "admin",
        "problem": "invitation-exists",
        "detail": "already invited as 'viewer'; revoke that invitation first",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000001",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "p1@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000003",
            "name": "viewer"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending"
        }
      },
      {
        "email": "p2@example.com",
        "status": "invited",
        "role": "admin",
        "invitation": {
          "id": "00000000-0000-0000-0000-000000000004",
          "project": {
            "id": "00000000-0000-0000-0000-000000000002",
            "name": "shop"
          },
          "email": "p2@example.com",
          "role": {
            "id": "00000000-0000-0000-0000-000000000005",
            "name": "admin"
          },
          "invited_by": "admin",
          "created_at": "[TIME]",
          "expires_at": "[TIME]",
          "status": "pending",
          "code": "inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
          "delivery": "inviter"
        }
      }
    ]
    ----- stderr -----
    p1@example.com: already invited as 'viewer'; revoke that invitation first
    error: 2 emails: 1 invited, 0 already invited, 1 failed (1 conflict)
    ----- exit 5 -----
    "#);
    let results = r.json();
    assert!(results[0].get("code").is_none(), "{}", results[0]);
    assert!(
        results[1].get("code").is_none() && results[1].get("problem").is_none(),
        "{}",
        results[1]
    );
}
