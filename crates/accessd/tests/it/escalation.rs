//! The escalation matrix: every preset, caller role × action × target role ×
//! (self, other), against a small model written here independently of the
//! server's rules (it reads only the preset data).

use std::collections::BTreeSet;

use access_api::presets::{self, Preset, PresetRole};
use serde_json::json;

use crate::support::{Client, Resp, World};

/// The model: `None` = allowed, `Some(code)` = the 403 code.
fn model(held: &BTreeSet<&str>, manage: &str, roles: &[&PresetRole]) -> Option<&'static str> {
    if !held.contains(manage) {
        return Some("forbidden");
    }
    for r in roles {
        let all = r.permissions.iter().all(|p| held.contains(p));
        let owner_ok = !r.owner_grade || held.contains("owners.manage");
        if !all || !owner_ok {
            return Some("privilege-escalation");
        }
    }
    None
}

fn perms(roles: &[&PresetRole]) -> BTreeSet<&'static str> {
    roles.iter().flat_map(|r| r.permissions.iter().copied()).collect()
}

#[track_caller]
fn check(r: Resp, expect: Option<&str>, ok_status: u16, what: &str) -> bool {
    match expect {
        None => {
            assert_eq!(
                r.status.as_u16(),
                ok_status,
                "{what}: expected success, got {}",
                r.body
            );
            true
        }
        Some(code) => {
            assert_eq!(
                r.status.as_u16(),
                403,
                "{what}: expected 403 {code}, got {}",
                r.body
            );
            assert_eq!(r.code(), code, "{what}: {}", r.body);
            if code == "privilege-escalation" {
                // Clients read the fields, not the sentence.
                assert!(
                    r.body["role"].as_str().is_some_and(|s| !s.is_empty()),
                    "{what}: {}",
                    r.body
                );
                let missing = r.body["missing_permissions"].as_array();
                assert!(missing.is_some_and(|m| !m.is_empty()), "{what}: {}", r.body);
            }
            false
        }
    }
}

async fn binding_of(w: &World, p: &str, username: &str, role: &str) -> String {
    let page = w
        .admin
        .get(&format!("/v1/projects/{p}/role-bindings?limit=500"))
        .await
        .expect(200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["principal"]["username"] == username && b["role"]["name"] == role)
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{username} holds no {role}"))
}

async fn run_preset(preset: &'static Preset) {
    let w = World::new().await;
    let p = "proj";
    w.project(p, preset.name).await;
    let (_, _t) = w.user("target").await;
    let lowest = preset.roles.last().unwrap();
    let mut callers: Vec<(&PresetRole, Client)> = Vec::new();
    for c in preset.roles {
        let name = format!("c-{}", c.name);
        let (_, client) = w.user(&name).await;
        w.bind(p, &name, c.name).await;
        callers.push((c, client));
    }
    let bindings = format!("/v1/projects/{p}/role-bindings");
    let mut cases = 0;
    for (c, client) in &callers {
        let me = format!("c-{}", c.name);
        let held = perms(&[c]);
        for r in preset.roles {
            let what = |a: &str| format!("{}: {} {a} {}", preset.name, c.name, r.name);
            let grant = model(&held, "members.manage", &[r]);

            // add binding, other
            let resp = client
                .post(
                    &bindings,
                    json!({"role": r.name, "principal": {"type": "user", "username": "target"}}),
                )
                .await;
            if check(resp, grant, 201, &what("add-binding other")) {
                w.admin
                    .delete(&format!("/v1/projects/{p}/members/target"))
                    .await
                    .expect(204);
            }
            // add binding, self
            let resp = client
                .post(
                    &bindings,
                    json!({"role": r.name, "principal": {"type": "user", "username": me}}),
                )
                .await;
            if r.name == c.name && grant.is_none() {
                resp.problem(409, "binding-exists");
            } else if check(resp, grant, 201, &what("add-binding self")) {
                let id = binding_of(&w, p, &me, r.name).await;
                w.admin.delete(&format!("{bindings}/{id}")).await.expect(204);
            }
            // delete binding, other
            let id = w.bind(p, "target", r.name).await;
            let resp = client.delete(&format!("{bindings}/{id}")).await;
            if !check(resp, grant, 204, &what("delete-binding other")) {
                w.admin.delete(&format!("{bindings}/{id}")).await.expect(204);
            }
            // delete binding, self
            if r.name == c.name {
                let id = binding_of(&w, p, &me, c.name).await;
                let resp = client.delete(&format!("{bindings}/{id}")).await;
                if check(resp, grant, 204, &what("delete-binding self")) {
                    w.bind(p, &me, c.name).await;
                }
            } else {
                let id = w.bind(p, &me, r.name).await;
                let union = perms(&[c, r]);
                let expect = model(&union, "members.manage", &[r]);
                let resp = client.delete(&format!("{bindings}/{id}")).await;
                if !check(resp, expect, 204, &what("delete-binding self")) {
                    w.admin.delete(&format!("{bindings}/{id}")).await.expect(204);
                }
            }
            // set member role, other (target starts with the lowest role)
            w.bind(p, "target", lowest.name).await;
            let mut involved = vec![r];
            if lowest.name != r.name {
                involved.push(lowest);
            }
            let expect = model(&held, "members.manage", &involved);
            let resp = client
                .put(
                    &format!("/v1/projects/{p}/members/target"),
                    json!({"role": r.name}),
                )
                .await;
            check(resp, expect, 200, &what("set-role other"));
            w.admin
                .delete(&format!("/v1/projects/{p}/members/target"))
                .await
                .expect(204);
            // set member role, self
            let mut involved = vec![r];
            if c.name != r.name {
                involved.push(c);
            }
            let expect = model(&held, "members.manage", &involved);
            let resp = client
                .put(&format!("/v1/projects/{p}/members/me"), json!({"role": r.name}))
                .await;
            if check(resp, expect, 200, &what("set-role self")) {
                w.admin
                    .put(&format!("/v1/projects/{p}/members/{me}"), json!({"role": c.name}))
                    .await
                    .expect(200);
            }
            // invite, other
            let inv = model(&held, "invitations.manage", &[r]);
            let resp = client
                .post(
                    &format!("/v1/projects/{p}/invitations"),
                    json!({"emails": ["new@example.com"], "role": r.name}),
                )
                .await;
            if inv.is_none() {
                let body = resp.expect(201);
                assert_eq!(
                    body["results"][0]["status"],
                    "invited",
                    "{}",
                    what("invite other")
                );
                w.admin
                    .delete(&format!("/v1/projects/{p}/invitations/new@example.com"))
                    .await
                    .expect(204);
            } else {
                check(resp, inv, 201, &what("invite other"));
            }
            // invite, self: never creates anything (already a member)
            let resp = client
                .post(
                    &format!("/v1/projects/{p}/invitations"),
                    json!({"emails": [format!("{me}@example.com")], "role": r.name}),
                )
                .await;
            if inv.is_none() {
                let body = resp.expect(200);
                let want = if r.name == c.name {
                    "already-member"
                } else {
                    "conflict"
                };
                assert_eq!(body["results"][0]["status"], want, "{}", what("invite self"));
            } else {
                check(resp, inv, 200, &what("invite self"));
            }
            // revoke invitation, other
            w.admin
                .post(
                    &format!("/v1/projects/{p}/invitations"),
                    json!({"emails": ["x@example.com"], "role": r.name}),
                )
                .await
                .expect(201);
            let resp = client
                .delete(&format!("/v1/projects/{p}/invitations/x@example.com"))
                .await;
            if !check(resp, inv, 204, &what("revoke-invitation other")) {
                w.admin
                    .delete(&format!("/v1/projects/{p}/invitations/x@example.com"))
                    .await
                    .expect(204);
            }
            cases += 9;
        }
    }
    assert_eq!(cases, preset.roles.len() * preset.roles.len() * 9);
    // The state is back where it started: every caller holds exactly their role.
    let members = w
        .admin
        .get(&format!("/v1/projects/{p}/members"))
        .await
        .expect(200);
    for (c, _) in &callers {
        let m = members["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["username"] == format!("c-{}", c.name))
            .unwrap();
        assert_eq!(m["roles"].as_array().unwrap().len(), 1);
        assert_eq!(m["roles"][0]["name"], c.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalation_matrix_akka() {
    run_preset(presets::find("akka").unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalation_matrix_goldsky() {
    run_preset(presets::find("goldsky").unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalation_matrix_loft() {
    run_preset(presets::find("loft").unwrap()).await;
}

/// The escalation problem names the role and what the caller lacks as fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalation_problems_carry_the_role_and_the_missing_permissions() {
    let w = World::new().await;
    w.project("gs", "goldsky").await;
    let (_, admin) = w.user("an-admin").await;
    w.bind("gs", "an-admin", "admin").await;
    w.user("target").await;
    let r = admin
        .post(
            "/v1/projects/gs/role-bindings",
            json!({"role": "owner", "principal": {"type": "user", "username": "target"}}),
        )
        .await;
    let body = r.problem(403, "privilege-escalation");
    assert_eq!(body["role"], "owner", "{body}");
    assert_eq!(body["missing_permissions"], json!(["owners.manage"]), "{body}");
}

#[test]
fn model_agrees_with_roles_md_examples() {
    let gs = presets::find("goldsky").unwrap();
    let admin = gs.role("admin").unwrap();
    let owner = gs.role("owner").unwrap();
    let editor = gs.role("editor").unwrap();
    assert_eq!(
        model(&perms(&[admin]), "members.manage", &[owner]),
        Some("privilege-escalation")
    );
    assert_eq!(model(&perms(&[admin]), "members.manage", &[editor]), None);
    assert_eq!(
        model(&perms(&[editor]), "members.manage", &[editor]),
        Some("forbidden")
    );
    assert_eq!(model(&perms(&[owner]), "members.manage", &[owner]), None);
}

/// The matrix extended to org roles: a caller whose only standing in the project
/// is an org role (each base role, and a custom role with environment levels)
/// grants and revokes exactly what the model allows from that role's grants.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_roles_grant_only_what_they_hold() {
    use crate::effective::{base_org_grants, with_implied};
    let preset = presets::find("akka").unwrap();
    let w = World::new().await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    let p = "proj";
    w.admin
        .post(
            "/v1/projects",
            json!({"name": p, "org": "acme", "role_preset": "akka"}),
        )
        .await
        .expect(201);
    w.admin
        .post(
            "/v1/orgs/acme/roles",
            json!({"name": "stager", "project_permissions": [{"project_id": p, "permissions": [
                {"environment_type": "STAGING", "permission": "MANAGER"}]}]}),
        )
        .await
        .expect(201);
    let (_, _t) = w.user("target").await;
    w.admin
        .send(
            reqwest::Method::PUT,
            "/v1/orgs/acme/members/target",
            Some(&json!({})),
            &[],
        )
        .await
        .expect(201);
    let bindings = format!("/v1/projects/{p}/role-bindings");
    for org_role in ["admin", "devops", "viewer", "billing-manager", "member", "stager"] {
        let name = format!("o-{org_role}");
        let (_, client) = w.user(&name).await;
        w.admin
            .send(
                reqwest::Method::PUT,
                &format!("/v1/orgs/acme/members/{name}"),
                Some(&json!({"role": org_role})),
                &[],
            )
            .await
            .expect(201);
        let held_owned = if org_role == "stager" {
            let mut s = with_implied(["project.view"]);
            s.extend(with_implied(["env.staging.manage"]));
            s
        } else {
            base_org_grants(org_role)
        };
        let held: BTreeSet<&str> = held_owned.iter().map(String::as_str).collect();
        for r in preset.roles {
            let what = format!("org role {org_role}: add-binding {}", r.name);
            let resp = client
                .post(
                    &bindings,
                    json!({"role": r.name, "principal": {"type": "user", "username": "target"}}),
                )
                .await;
            if !held.contains("project.view") {
                // The project does not exist for them.
                resp.problem(404, "not-found");
                continue;
            }
            let expect = model(&held, "members.manage", &[r]);
            if check(resp, expect, 201, &what) {
                let id = binding_of(&w, p, "target", r.name).await;
                let resp = client.delete(&format!("{bindings}/{id}")).await;
                check(
                    resp,
                    expect,
                    204,
                    &format!("org role {org_role}: delete-binding {}", r.name),
                );
            }
        }
    }
}
