//! The JSON of every result type, snapshotted: a changed field name or shape fails CI.
//! Ids, times, tokens, codes, ports and temp paths are redacted.

use crate::harness::admin_with_project;

fn snapshot(name: &str, json: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[id]",
    );
    settings.add_filter(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", "[time]");
    settings.add_filter(r"acc_[A-Za-z0-9]+", "[token]");
    settings.add_filter(r"inv_[A-Za-z0-9_-]+", "[code]");
    settings.add_filter(r"127\.0\.0\.1[:-]\d+", "[server]");
    settings.add_filter(r#""/[^"]*/(config|credentials)\.toml""#, "\"[dir]/$1.toml\"");
    settings.add_filter(r#""policy_version": \d+"#, "\"policy_version\": [n]");
    settings.add_filter(r#""etag": "\\"\d+\\"""#, r#""etag": "[etag]""#);
    settings.bind(|| insta::assert_snapshot!(name, json));
}

#[test]
fn json_fields_of_every_result_type() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    let json = |args: &[&str]| {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        let r = home.run(&all);
        r.ok();
        r.stdout
    };
    snapshot(
        "add_binding",
        &json(&[
            "roles",
            "add-binding",
            "--email",
            "bob@example.com",
            "--role",
            "viewer",
        ]),
    );
    snapshot("list_bindings", &json(&["roles", "list-bindings"]));
    snapshot("roles_show", &json(&["roles", "show", "viewer"]));
    snapshot(
        "invite_user",
        &json(&[
            "roles",
            "invitations",
            "invite-user",
            "c@example.com",
            "--role",
            "viewer",
        ]),
    );
    snapshot("invitations_list", &json(&["roles", "invitations", "list"]));
    snapshot("project_users_list", &json(&["project", "users", "list"]));
    snapshot(
        "project_users_update",
        &json(&[
            "project",
            "users",
            "update",
            "--email",
            "bob@example.com",
            "--role",
            "developer",
        ]),
    );
    snapshot("projects_get", &json(&["projects", "get"]));
    snapshot("users_list", &json(&["users", "list"]));
    snapshot("auth_status", &json(&["auth", "status"]));
    snapshot("tokens_create", &json(&["auth", "tokens", "create", "ci"]));
    snapshot("tokens_list", &json(&["auth", "tokens", "list"]));
    snapshot("config_list", &json(&["config", "list"]));
    snapshot("contexts_list", &json(&["config", "contexts", "list"]));
    snapshot("roles_list", &json(&["roles", "list"]));
    snapshot("permissions", &json(&["roles", "permissions"]));
    snapshot("permissions_matrix", &json(&["roles", "permissions", "--matrix"]));
    snapshot("projects_list", &json(&["projects", "list"]));
    snapshot(
        "users_create",
        &json(&[
            "users",
            "create",
            "--username",
            "eve",
            "--email",
            "eve@example.com",
        ]),
    );
    snapshot(
        "resend",
        &json(&["roles", "invitations", "resend", "c@example.com"]),
    );
    let invited = json(&[
        "roles",
        "invitations",
        "invite-user",
        "gil@example.com",
        "--role",
        "developer",
    ]);
    let code = serde_json::from_str::<serde_json::Value>(&invited).unwrap()[0]["invitation"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let gil = crate::harness::Home::new();
    let accepted = gil.run(&[
        "-o",
        "json",
        "--server",
        &server.url,
        "roles",
        "invitations",
        "accept",
        &code,
    ]);
    accepted.ok();
    snapshot("accept", &accepted.stdout);
    snapshot(
        "roles_create",
        &json(&[
            "roles",
            "create",
            "ops",
            "--permission",
            "services.view",
            "--description",
            "Operators",
        ]),
    );
    let check = home.run(&[
        "-o",
        "json",
        "roles",
        "check",
        "services.view",
        "services.delete",
        "--user",
        "bob",
    ]);
    check.code(6);
    snapshot("roles_check", &check.stdout);
    snapshot("roles_export", &json(&["roles", "export"]));
    let apply = home.run_stdin(
        &["-o", "json", "roles", "apply", "-f", "-", "--dry-run"],
        Some("bindings:\n- role: viewer\n  principal: {type: user, email: eve@example.com}\n  expires_at: 2031-01-01\n"),
    );
    apply.ok();
    snapshot("roles_apply_plan", &apply.stdout);
    snapshot("teams_create", &json(&["teams", "create", "backend"]));
    snapshot(
        "teams_add_member",
        &json(&["teams", "add-member", "backend", "--email", "bob@example.com"]),
    );
    snapshot("teams_list", &json(&["teams", "list"]));
    snapshot("teams_members", &json(&["teams", "members", "backend"]));
    snapshot(
        "add_binding_team",
        &json(&["roles", "add-binding", "--team", "backend", "--role", "developer"]),
    );
    let audit: serde_json::Value =
        serde_json::from_str(&json(&["audit", "list", "--action", "role_binding.create"])).unwrap();
    let fields: Vec<&String> = audit[0].as_object().unwrap().keys().collect();
    insta::assert_debug_snapshot!("audit_event_fields", fields);
}
