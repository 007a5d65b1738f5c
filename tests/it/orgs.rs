//! `orgs list | get | new | update` and `orgs members list | add | set-role | remove`
//! against a real accessd, and what an org role grants in the org's projects. Each
//! step is the command line a user types and the whole transcript it prints
//! (stdout, stderr, exit code) as an inline snapshot: see `harness::Run`'s
//! `Display` for what is normalised.

use insta::assert_snapshot;

use crate::harness::{Home, Server, admin_with_project, cells};

#[test]
fn organizations_end_to_end() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    server.user_with_token("carol", "carol@example.com", "Carol Cook");

    assert_snapshot!(home.session(&[
        "orgs new acme",
        "orgs new ACME",
        "orgs new 'two words'",
        "-q orgs list",
        "orgs get acme",
    ]), @"
    $ accessctl orgs new acme
    NAME     acme
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created organization acme; select it with `accessctl config set org acme` or `--org acme`
    $ accessctl orgs new ACME
    ----- stderr -----
    error: an org named 'ACME' exists
    ----- exit 5 -----
    $ accessctl orgs new 'two words'
    ----- stderr -----
    error: org name may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit
    ----- exit 2 -----
    $ accessctl -q orgs list
    acme
    default
    $ accessctl orgs get acme
    NAME     acme
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    ");
    // Without a NAME: the current org (`--org`, else `default`).
    assert_snapshot!(home.session(&["orgs get", "--org acme orgs get"]), @"
    $ accessctl orgs get
    NAME     default
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    $ accessctl --org acme orgs get
    NAME     acme
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    ");

    // Members of acme: the creator is its owner.
    assert_snapshot!(home.run("--org acme orgs members list"), @"
    USERNAME  EMAIL              NAME       ROLE
    admin     admin@example.com  Ada Admin  owner
    ");

    assert_snapshot!(home.session(&[
        "--org acme orgs members add --email bob@example.com",
        "--org acme orgs members add --email bob@example.com",
        "--org acme orgs members add --email nobody@example.com",
        "--org acme orgs members add --email carol@example.com --role superuser",
    ]), @"
    $ accessctl --org acme orgs members add --email bob@example.com
    USERNAME  bob
    EMAIL     bob@example.com
    NAME      Bob Builder
    ROLE      member
    ADDED     [TIME]
    ----- stderr -----
    Added bob@example.com to organization acme as member
    $ accessctl --org acme orgs members add --email bob@example.com
    USERNAME  bob
    EMAIL     bob@example.com
    NAME      Bob Builder
    ROLE      member
    ADDED     [TIME]
    ----- stderr -----
    bob@example.com is a member of organization acme as member
    $ accessctl --org acme orgs members add --email nobody@example.com
    ----- stderr -----
    error: no user 'nobody@example.com' on this server
    hint: invite them to a project (`accessctl roles invitations invite-user EMAIL --role ROLE`) or ask a server administrator to create the account (`accessctl users create`)
    ----- exit 3 -----
    $ accessctl --org acme orgs members add --email carol@example.com --role superuser
    ----- stderr -----
    error: role: unknown org role 'superuser'; org roles: owner, admin, devops, billing-manager, viewer, member or a custom role of org 'acme'
    ----- exit 2 -----
    ");
    // set-role is for members: a typo does not add someone.
    assert_snapshot!(home.session(&[
        "--org acme orgs members set-role --email carol@example.com --role viewer",
        "--org acme orgs members set-role --email bob@example.com --role admin",
        "--org acme orgs members list",
    ]), @"
    $ accessctl --org acme orgs members set-role --email carol@example.com --role viewer
    ----- stderr -----
    error: carol@example.com is not a member of organization acme
    hint: add them with `accessctl orgs members add --email carol@example.com --role viewer`
    ----- exit 3 -----
    $ accessctl --org acme orgs members set-role --email bob@example.com --role admin
    USERNAME  bob
    EMAIL     bob@example.com
    NAME      Bob Builder
    ROLE      admin
    ADDED     [TIME]
    ----- stderr -----
    bob@example.com is now admin of organization acme
    $ accessctl --org acme orgs members list
    USERNAME  EMAIL              NAME         ROLE
    admin     admin@example.com  Ada Admin    owner
    bob       bob@example.com    Bob Builder  admin
    ");

    // bob, an org admin, cannot make anyone an owner (exit 4) but can add members.
    let bob = Home::new();
    bob.login(&server, &bob_token);
    assert_snapshot!(bob.session(&[
        "--org acme orgs members add --email carol@example.com --role owner",
        "--org acme orgs members add --email carol@example.com --role devops",
    ]), @"
    $ accessctl --org acme orgs members add --email carol@example.com --role owner
    ----- stderr -----
    error: only an org owner can make someone an owner or change an owner's membership
    hint: only an org owner changes owners; a server administrator adds plain members
    ----- exit 4 -----
    $ accessctl --org acme orgs members add --email carol@example.com --role devops
    USERNAME  carol
    EMAIL     carol@example.com
    NAME      Carol Cook
    ROLE      devops
    ADDED     [TIME]
    ----- stderr -----
    Added carol@example.com to organization acme as devops
    ");

    // The last owner cannot leave (exit 5) until someone else owns the org.
    assert_snapshot!(home.session(&[
        "--org acme orgs members remove --email me",
        "--org acme orgs members set-role --email carol@example.com --role owner",
        "--org acme orgs members remove --email me",
    ]), @"
    $ accessctl --org acme orgs members remove --email me
    ----- stderr -----
    error: that would leave org 'acme' without an owner; make someone else an owner first
    hint: make another member an owner first (`accessctl orgs members set-role --email EMAIL --role owner`)
    ----- exit 5 -----
    $ accessctl --org acme orgs members set-role --email carol@example.com --role owner
    USERNAME  carol
    EMAIL     carol@example.com
    NAME      Carol Cook
    ROLE      owner
    ADDED     [TIME]
    ----- stderr -----
    carol@example.com is now owner of organization acme
    $ accessctl --org acme orgs members remove --email me
    ----- stderr -----
    Removed me from organization acme
    ");
    // No longer a member, the admin still sees the org (a server administrator sees
    // every org) but may not rename it.
    assert_snapshot!(home.session(&[
        "orgs get acme",
        "orgs update acme --name acme-corp",
    ]), @"
    $ accessctl orgs get acme
    NAME     acme
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    $ accessctl orgs update acme --name acme-corp
    ----- stderr -----
    error: only the org's owners and admins change it
    ----- exit 4 -----
    ");
    assert_snapshot!(bob.run("orgs update acme --name acme-corp"), @"
    NAME     acme-corp
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Organization acme is now named acme-corp
    ");
}

#[test]
fn an_org_role_grants_in_projects_created_with_org() {
    let server = Server::start();
    let home = Home::new();
    home.login(&server, &server.admin_token.clone());
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    home.run("orgs new acme").ok();
    home.run("--org acme projects new shop").ok();
    home.run("projects new elsewhere").ok();
    home.run("--org acme orgs members add --email bob@example.com --role viewer")
        .ok();

    let bob = Home::new();
    bob.login(&server, &bob_token);
    // bob sees acme's project through his org role, not the default org's.
    assert_snapshot!(bob.session(&[
        "-q projects list",
        "--project shop roles check members.view",
        "--project shop roles check members.manage",
    ]), @"
    $ accessctl -q projects list
    shop
    $ accessctl --project shop roles check members.view
    PERMISSION    ALLOWED  GRANTED BY
    members.view  yes      org role viewer
    $ accessctl --project shop roles check members.manage
    PERMISSION      ALLOWED  GRANTED BY
    members.manage  no
    ----- stderr -----
    error: you lack members.manage in project 'shop'
    hint: `accessctl roles permissions --matrix` shows which roles grant what
    ----- exit 6 -----
    ");
}

/// Issue "Organizations", the Qovery scenario through the CLI: a custom role with
/// admin on one project, DEPLOYER on STAGING elsewhere and ENV_CREATOR on a cluster,
/// attached to a user; then what `roles check` says, from a script that has only
/// ACCESSCTL_SERVER and ACCESSCTL_TOKEN.
#[test]
fn the_qovery_scenario_from_a_script() {
    let server = Server::start();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    let script = |token: &str| {
        Home::new()
            .env("ACCESSCTL_SERVER", &server.url)
            .env("ACCESSCTL_TOKEN", token)
            .env("ACCESSCTL_ORG", "acme")
    };
    let admin = script(&server.admin_token);
    admin.run("orgs new acme").ok();
    admin.run("projects new web").ok();
    admin.run("projects new api").ok();
    assert_snapshot!(admin.session(&[
        "orgs clusters create eu-1",
        "orgs roles create 'Platform Engineers' --project-admin web --env api:staging=deployer --cluster eu-1=ENV_CREATOR",
        "orgs roles create x --env api-staging",
        "orgs roles show platform-engineers",
        "-q orgs roles list",
        "orgs members add --email bob@example.com --role platform-engineers",
    ]), @"
    $ accessctl orgs clusters create eu-1
    NAME     eu-1
    CREATED  [TIME]
    ID       00000000-0000-0000-0000-000000000001
    ----- stderr -----
    Created cluster eu-1 in organization acme
    $ accessctl orgs roles create 'Platform Engineers' --project-admin web --env api:staging=deployer --cluster eu-1=ENV_CREATOR
    NAME         Platform Engineers
    KIND         custom
    PROJECTS     2
    CLUSTERS     1
    DESCRIPTION
    ----- stderr -----
    Created org role Platform Engineers in organization acme
    $ accessctl orgs roles create x --env api-staging
    ----- stderr -----
    error: invalid value 'api-staging' for --env: expected P:TYPE=LEVEL, e.g. api:STAGING=DEPLOYER
    ----- exit 2 -----
    $ accessctl orgs roles show platform-engineers
    ON       NAME  ACCESS
    project  api   STAGING=DEPLOYER
    project  web   ADMIN
    cluster  eu-1  ENV_CREATOR
    $ accessctl -q orgs roles list
    owner
    admin
    devops
    billing-manager
    viewer
    member
    Platform Engineers
    $ accessctl orgs members add --email bob@example.com --role platform-engineers
    USERNAME  bob
    EMAIL     bob@example.com
    NAME      Bob Builder
    ROLE      platform-engineers
    ADDED     [TIME]
    ----- stderr -----
    Added bob@example.com to organization acme as platform-engineers
    ");

    let bob = script(&bob_token);
    assert_snapshot!(bob.session(&[
        "--project api roles check env.staging.deploy",
        "--project api roles check env.production.deploy",
        "--project web roles check members.manage",
        "--project api roles check clusters.eu-1.env-creator",
        "--project api roles check clusters.eu-1.admin",
    ]), @"
    $ accessctl --project api roles check env.staging.deploy
    PERMISSION          ALLOWED  GRANTED BY
    env.staging.deploy  yes      org role platform-engineers
    $ accessctl --project api roles check env.production.deploy
    PERMISSION             ALLOWED  GRANTED BY
    env.production.deploy  no
    ----- stderr -----
    error: you lack env.production.deploy in project 'api'
    hint: `accessctl roles permissions --matrix` shows which roles grant what
    ----- exit 6 -----
    $ accessctl --project web roles check members.manage
    PERMISSION      ALLOWED  GRANTED BY
    members.manage  yes      org role platform-engineers
    $ accessctl --project api roles check clusters.eu-1.env-creator
    PERMISSION                 ALLOWED  GRANTED BY
    clusters.eu-1.env-creator  yes      org role platform-engineers
    $ accessctl --project api roles check clusters.eu-1.admin
    PERMISSION           ALLOWED  GRANTED BY
    clusters.eu-1.admin  no
    ----- stderr -----
    error: you lack clusters.eu-1.admin in project 'api'
    hint: `accessctl roles permissions --matrix` shows which roles grant what
    ----- exit 6 -----
    ");

    // A document round trip: show -o json, edit, update -f.
    let json = admin.run("orgs roles show platform-engineers -o json").json();
    assert_eq!(json["name"], "Platform Engineers");
    let mut doc = json.clone();
    doc["project_permissions"] = serde_json::json!([{"project_id": "api", "permissions": [
        {"environment_type": "PRODUCTION", "permission": "DEPLOYER"}]}]);
    let file = admin.path().join("role.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    assert_snapshot!(admin.run(&[
        "orgs",
        "roles",
        "update",
        "platform-engineers",
        "-f",
        file.to_str().unwrap(),
    ]), @"
    NAME         Platform Engineers
    KIND         custom
    PROJECTS     1
    CLUSTERS     1
    DESCRIPTION
    ----- stderr -----
    Updated org role Platform Engineers
    ");
    assert_snapshot!(bob.session(&[
        "--project api roles check env.production.deploy",
        "--project web roles check members.manage",
    ]), @"
    $ accessctl --project api roles check env.production.deploy
    PERMISSION             ALLOWED  GRANTED BY
    env.production.deploy  yes      org role platform-engineers
    $ accessctl --project web roles check members.manage
    ----- stderr -----
    error: no project 'web' (or you cannot see it)
    hint: see `accessctl projects list`
    ----- exit 3 -----
    ");

    assert_snapshot!(admin.session(&[
        "orgs roles delete platform-engineers",
        "orgs roles update owner --env api:STAGING=VIEWER",
    ]), @"
    $ accessctl orgs roles delete platform-engineers
    ----- stderr -----
    error: org role 'Platform Engineers' is held by bob; give them another role first
    hint: give its members another role first (`accessctl orgs members set-role --email E --role R`)
    ----- exit 5 -----
    $ accessctl orgs roles update owner --env api:STAGING=VIEWER
    ----- stderr -----
    error: owner is a base org role; it cannot be changed
    hint: create a custom role with `accessctl orgs roles create NAME`
    ----- exit 2 -----
    ");
}

/// Loft's server-wide roles through the CLI: `roles create --global --from`, in
/// every project, changed and deleted only with `--global`.
#[test]
fn server_wide_roles_from_the_cli() {
    let (server, home) = admin_with_project();
    home.run("projects new web").ok();
    // The plan first; without a terminal it needs --yes, and nothing is created.
    assert_snapshot!(home.session(&[
        "roles create release-manager --global --from viewer --permission env.production.deploy",
        "-q roles list",
        "roles create release-manager --global --from viewer --permission env.production.deploy --yes",
        "--project shop roles list",
        "--project web roles list",
    ]), @"
    $ accessctl roles create release-manager --global --from viewer --permission env.production.deploy
    ----- stderr -----
    Plan: create server-wide role release-manager (from viewer) in every project of organization default, now and later:
      + env.production.deploy
      + invitations.view
      + members.view
      + project.view
      + roles.view
      + routes.view
      + secrets.view
      + services.view
    error: refusing to create role release-manager in every project of organization default without confirmation
    hint: pass --yes to confirm without a prompt
    ----- exit 2 -----
    $ accessctl -q roles list
    admin
    developer
    viewer
    backoffice
    $ accessctl roles create release-manager --global --from viewer --permission env.production.deploy --yes
    NAME         release-manager
    PERMISSIONS  env.production.deploy,invitations.view,members.view,project.view,roles.view,routes.view,secrets.view,services.view
    DESCRIPTION
    ----- stderr -----
    Plan: create server-wide role release-manager (from viewer) in every project of organization default, now and later:
      + env.production.deploy
      + invitations.view
      + members.view
      + project.view
      + roles.view
      + routes.view
      + secrets.view
      + services.view
    Created server-wide role release-manager in every project of organization default
    $ accessctl --project shop roles list
    NAME             DESCRIPTION                                                BUILT-IN
    admin            Full control of the project, its members and its services  yes
    developer        Deploy and update services, manage routes and secrets      yes
    viewer           Read-only access to the project and its services           yes
    backoffice       Use backoffice functions only                              yes
    release-manager                                                             server-wide
    $ accessctl --project web roles list
    NAME             DESCRIPTION                                                BUILT-IN
    admin            Full control of the project, its members and its services  yes
    developer        Deploy and update services, manage routes and secrets      yes
    viewer           Read-only access to the project and its services           yes
    backoffice       Use backoffice functions only                              yes
    release-manager                                                             server-wide
    ");
    assert_snapshot!(home.session(&[
        "roles update release-manager --add-permission audit.view",
        "roles update release-manager --global --add-permission audit.view",
        "--project web roles show release-manager",
        "roles create x --from viewer",
    ]), @"
    $ accessctl roles update release-manager --add-permission audit.view
    ----- stderr -----
    error: 'release-manager' is a server-wide role of the org; a server administrator changes it for every project
    hint: a server administrator runs `accessctl roles update release-manager --global` with the same changes
    ----- exit 4 -----
    $ accessctl roles update release-manager --global --add-permission audit.view
    NAME         release-manager
    PERMISSIONS  audit.view,env.production.deploy,invitations.view,members.view,project.view,roles.view,routes.view,secrets.view,services.view
    DESCRIPTION
    ----- stderr -----
    Updated server-wide role release-manager in every project of organization default
    $ accessctl --project web roles show release-manager
    PERMISSION             DESCRIPTION
    audit.view             Read the project's audit log
    env.production.deploy  Deploy to production environments (implies view)
    invitations.view       See open invitations
    members.view           See who is a member and with which roles
    project.view           See the project, its settings and that it exists
    roles.view             See the project's roles and their permissions
    routes.view            See routes
    secrets.view           See secrets
    services.view          See services
    ----- stderr -----
    Role release-manager (server-wide)
    $ accessctl roles create x --from viewer
    ----- stderr -----
    error: the following required arguments were not provided:
      --global

    Usage: accessctl roles create --global --from <ROLE> <NAME>

    For more information, try '--help'.
    ----- exit 2 -----
    ");
    let bob = server.user_with_token("bob", "bob@example.com", "Bob");
    let other = Home::new();
    other.login(&server, &bob);
    assert_snapshot!(other.run("roles create mine --global --permission project.view"), @"
    ----- stderr -----
    error: only server administrators define server-wide roles
    hint: a custom role for one project is `accessctl roles create` without --global
    ----- exit 4 -----
    ");
    assert_snapshot!(home.session(&[
        "roles delete release-manager --global",
        "-q --project web roles list",
    ]), @"
    $ accessctl roles delete release-manager --global
    ----- stderr -----
    Deleted server-wide role release-manager from every project of organization default
    $ accessctl -q --project web roles list
    admin
    developer
    viewer
    backoffice
    ");
}

/// Loft's "change the default project roles": a server administrator's `roles
/// update` of a preset role, planned and confirmed, in every project of the preset.
#[test]
fn orgs_server_admin_changes_a_default_role_for_every_project() {
    let (server, home) = admin_with_project();
    home.run("projects new web").ok();
    home.run("projects new gold --role-preset goldsky").ok();
    assert_snapshot!(home.session(&[
        "roles update developer --add-permission audit.view",
        "roles update developer --add-permission audit.view --yes",
        "--project shop roles list",
        "--project web roles list",
        "--project gold roles list",
    ]), @"
    $ accessctl roles update developer --add-permission audit.view
    ----- stderr -----
    Plan: change built-in role developer of preset akka in every akka project on this server, now and later:
      + audit.view
    error: refusing to change role developer in every akka project on this server without confirmation
    hint: pass --yes to confirm without a prompt
    ----- exit 2 -----
    $ accessctl roles update developer --add-permission audit.view --yes
    PERMISSION        DESCRIPTION
    audit.view        Read the project's audit log
    invitations.view  See open invitations
    members.view      See who is a member and with which roles
    project.view      See the project, its settings and that it exists
    roles.view        See the project's roles and their permissions
    routes.manage     Create, change and delete routes
    routes.view       See routes
    secrets.manage    Create, change and delete secrets
    secrets.view      See secrets
    services.deploy   Deploy services
    services.update   Update services
    services.view     See services
    ----- stderr -----
    Plan: change built-in role developer of preset akka in every akka project on this server, now and later:
      + audit.view
    Updated role developer of preset akka in 2 project(s) (modified)
    Role developer (built-in): Deploy and update services, manage routes and secrets
    $ accessctl --project shop roles list
    NAME        DESCRIPTION                                                BUILT-IN
    admin       Full control of the project, its members and its services  yes
    developer   Deploy and update services, manage routes and secrets      modified
    viewer      Read-only access to the project and its services           yes
    backoffice  Use backoffice functions only                              yes
    $ accessctl --project web roles list
    NAME        DESCRIPTION                                                BUILT-IN
    admin       Full control of the project, its members and its services  yes
    developer   Deploy and update services, manage routes and secrets      modified
    viewer      Read-only access to the project and its services           yes
    backoffice  Use backoffice functions only                              yes
    $ accessctl --project gold roles list
    NAME    DESCRIPTION                                                                         BUILT-IN
    owner   Everything an admin can do, plus managing owners, billing and deleting the project  yes
    admin   Everything an editor can do, plus inviting and managing non-owner teammates         yes
    editor  Manage subgraphs, pipelines, secrets, webhooks and API keys                         yes
    viewer  See the project, its resources and teammates                                        yes
    ");
    for p in ["shop", "web"] {
        let show = home.run(&["--project", p, "roles", "show", "developer", "-o", "json"]);
        assert_eq!(show.json()["modified"], true, "{p}");
    }
    // The owner-grade role stays as the preset has it; others cannot change any.
    assert_snapshot!(home.run("roles update admin --remove-permission audit.view --yes"), @"
    ----- stderr -----
    error: 'admin' is a built-in role of the project's preset and cannot be changed
    hint: make a custom role with `accessctl roles create`
    ----- exit 4 -----
    ");
    let bob = server.user_with_token("bob", "bob@example.com", "Bob");
    home.bind(&[], "bob@example.com", "viewer");
    let other = Home::new();
    other.login(&server, &bob);
    assert_snapshot!(other.run("--project shop roles update viewer --add-permission audit.view --yes"), @"
    ----- stderr -----
    error: 'viewer' is a built-in role of the project's preset and cannot be changed
    hint: make a custom role with `accessctl roles create`
    ----- exit 4 -----
    ");
    // Removing it again: the preset's permissions, no longer modified.
    assert_snapshot!(home.session(&[
        "roles update developer --remove-permission audit.view --yes",
        "roles list",
    ]), @"
    $ accessctl roles update developer --remove-permission audit.view --yes
    PERMISSION        DESCRIPTION
    invitations.view  See open invitations
    members.view      See who is a member and with which roles
    project.view      See the project, its settings and that it exists
    roles.view        See the project's roles and their permissions
    routes.manage     Create, change and delete routes
    routes.view       See routes
    secrets.manage    Create, change and delete secrets
    secrets.view      See secrets
    services.deploy   Deploy services
    services.update   Update services
    services.view     See services
    ----- stderr -----
    Plan: change built-in role developer of preset akka in every akka project on this server, now and later:
      - audit.view
    Updated role developer of preset akka in 2 project(s) (back to the preset's permissions)
    Role developer (built-in): Deploy and update services, manage routes and secrets
    $ accessctl roles list
    NAME        DESCRIPTION                                                BUILT-IN
    admin       Full control of the project, its members and its services  yes
    developer   Deploy and update services, manage routes and secrets      yes
    viewer      Read-only access to the project and its services           yes
    backoffice  Use backoffice functions only                              yes
    ");
}

/// `teams` act on the `--org` organization.
#[test]
fn teams_belong_to_the_org_given_with_org() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob");
    home.run("orgs new acme").ok();
    home.run("--org acme orgs members add --email bob@example.com")
        .ok();
    home.run("--org acme teams create backend").ok();
    home.run("--org acme teams add-member backend --email bob@example.com")
        .ok();
    assert_snapshot!(home.session(&[
        "teams list",
        "-q --org acme teams list",
        "-q --org acme teams members backend",
        "teams members backend",
    ]), @"
    $ accessctl teams list
    ----- stderr -----
    No teams
    $ accessctl -q --org acme teams list
    backend
    $ accessctl -q --org acme teams members backend
    bob@example.com
    $ accessctl teams members backend
    ----- stderr -----
    error: no team 'backend'
    hint: see `accessctl teams list`
    ----- exit 3 -----
    ");
    home.run("--org acme projects new web").ok();
    // A typo in the project's org is suggested from that org's teams.
    assert_snapshot!(home.session(&[
        "--project web roles add-binding --team backend --role developer",
        "--project web roles add-binding --team backnd --role viewer",
        "--org acme teams remove-member backend --email bob@example.com",
    ]), @"
    $ accessctl --project web roles add-binding --team backend --role developer
    ROLE BINDING ID                       ROLE       PRINCIPAL     MFA
    00000000-0000-0000-0000-000000000001  developer  team:backend
    ----- stderr -----
    Granted role developer in project web
    $ accessctl --project web roles add-binding --team backnd --role viewer
    ----- stderr -----
    error: no team 'backnd'
    hint: did you mean 'backend'?
    ----- exit 3 -----
    $ accessctl --org acme teams remove-member backend --email bob@example.com
    ----- stderr -----
    Removed bob@example.com from team backend
    ");
}

#[test]
fn orgs_invitations_invite_list_delete_and_accept_through_the_binary() {
    let (server, home) = admin_with_project();
    let bob_token = server.user_with_token("bob", "bob@example.com", "Bob Builder");
    home.run("orgs new acme").ok();
    // Input is checked before any request.
    assert_snapshot!(home.session(&[
        "--org acme orgs invitations invite-user not-an-email --role devops",
        "--org acme orgs invitations invite-user bob@example.com --role superuser",
    ]), @"
    $ accessctl --org acme orgs invitations invite-user not-an-email --role devops
    ----- stderr -----
    error: invalid email 'not-an-email': email has no '@'
    ----- exit 2 -----
    $ accessctl --org acme orgs invitations invite-user bob@example.com --role superuser
    ----- stderr -----
    error: role: unknown org role 'superuser'; org roles: owner, admin, devops, billing-manager, viewer, member or a custom role of org 'acme'
    ----- exit 2 -----
    ");
    let r = home.run("--org acme orgs invitations invite-user bob@example.com --role devops");
    assert_snapshot!(r, @"
    EMAIL            STATUS   ROLE    EXPIRES  CODE
    bob@example.com  invited  devops  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Invited bob@example.com into organization acme
    ");
    let code = cells(r.lines()[1])[4].clone();
    assert!(code.starts_with("inv_"), "{code}");
    assert_snapshot!(home.session(&[
        "--org acme orgs invitations invite-user bob@example.com --role devops",
        "--org acme orgs invitations invite-user bob@example.com --role viewer",
    ]), @"
    $ accessctl --org acme orgs invitations invite-user bob@example.com --role devops
    EMAIL            STATUS           ROLE    EXPIRES  CODE
    bob@example.com  already-invited  devops  in 6d
    ----- stderr -----
    bob@example.com is already invited
    $ accessctl --org acme orgs invitations invite-user bob@example.com --role viewer
    ----- stderr -----
    error: bob@example.com: already invited as 'devops'; revoke that invitation first
    ----- exit 5 -----
    ");
    let r = home.run("--org acme orgs invitations list");
    assert_snapshot!(r, @"
    EMAIL            ROLE    STATUS   EXPIRES
    bob@example.com  devops  pending  in 6d
    ");
    assert!(!r.stdout.contains(&code), "the code is shown only once");

    // A second invitation, revoked.
    assert_snapshot!(home.session(&[
        "--org acme orgs invitations invite-user dave@example.com --role member",
        "--org acme orgs invitations delete dave@example.com",
        "--org acme orgs invitations delete dave@example.com",
    ]), @"
    $ accessctl --org acme orgs invitations invite-user dave@example.com --role member
    EMAIL             STATUS   ROLE    EXPIRES  CODE
    dave@example.com  invited  member  in 6d    inv_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    Invited dave@example.com into organization acme
    $ accessctl --org acme orgs invitations delete dave@example.com
    ----- stderr -----
    Deleted the invitation of dave@example.com
    $ accessctl --org acme orgs invitations delete dave@example.com
    ----- stderr -----
    error: no open invitation for dave@example.com in organization 'acme'
    hint: see `accessctl orgs invitations list`
    ----- exit 3 -----
    ");

    // bob accepts with his own login; the membership is there.
    let bob = Home::new();
    bob.login(&server, &bob_token);
    assert_snapshot!(bob.run(&["roles", "invitations", "accept", &code]), @"
    ORG   ROLE    USERNAME  EMAIL
    acme  devops  bob       bob@example.com
    ----- stderr -----
    Joined organization acme as devops (bob)
    Act on it with `--org acme`
    ");
    assert_snapshot!(home.session(&[
        "--org acme orgs members list",
        "--org acme orgs invitations list -q",
    ]), @"
    $ accessctl --org acme orgs members list
    USERNAME  EMAIL              NAME         ROLE
    admin     admin@example.com  Ada Admin    owner
    bob       bob@example.com    Bob Builder  devops
    $ accessctl --org acme orgs invitations list -q
    ");
    // bob is a devops member, not an admin: he cannot invite (exit 4).
    assert_snapshot!(bob.run("--org acme orgs invitations invite-user x@example.com --role member"), @"
    ----- stderr -----
    error: only the org's owners and admins manage its invitations
    ----- exit 4 -----
    ");
}
