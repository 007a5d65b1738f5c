//! Audit: one event per successful mutation, none for failures; filters.
//! Custom roles and permission checks.

use serde_json::json;

use crate::support::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_audit_event_per_successful_mutation() {
    let w = World::new().await;
    let mut expected = w.audit_count().await;
    let mut ok = |n: usize| expected += n;
    w.project("p", "goldsky").await;
    ok(1);
    let (_, bob) = w.user("bob").await; // user.create + token.create
    ok(2);
    let id = w.bind("p", "bob", "admin").await;
    ok(1);
    w.admin
        .put("/v1/projects/p/members/bob", json!({"role": "editor"}))
        .await
        .expect(200);
    ok(1);
    bob.post(
        "/v1/projects/p/role-bindings",
        json!({"role": "owner", "principal": {"type": "user", "username": "bob"}}),
    )
    .await
    .problem(403, "forbidden");
    w.admin
        .delete(&format!("/v1/projects/p/role-bindings/{id}"))
        .await
        .problem(404, "not-found");
    let inv = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["a@example.com", "b@example.com", "bad"], "role": "viewer"}),
        )
        .await
        .expect(201);
    ok(2);
    w.admin
        .post("/v1/projects/p/invitations/a@example.com/resend", json!({}))
        .await
        .expect(200);
    ok(1);
    let code = inv["results"][1]["invitation"]["code"].as_str().unwrap();
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .expect(200);
    ok(1);
    w.admin
        .post(
            "/v1/projects/p/roles",
            json!({"name": "auditor", "permissions": ["project.view", "audit.view"]}),
        )
        .await
        .expect(201);
    ok(1);
    w.admin
        .patch("/v1/projects/p", json!({"description": "d"}))
        .await
        .expect(200);
    ok(1);
    w.admin.delete("/v1/projects/p/members/bob").await.expect(204);
    ok(1);
    assert_eq!(w.audit_count().await, expected);

    let evs = w
        .admin
        .get("/v1/projects/p/audit-events?limit=500")
        .await
        .expect(200);
    let items = evs["items"].as_array().unwrap();
    assert_eq!(items[0]["action"], "member.remove", "newest first");
    assert!(items.iter().all(|e| e["project"]["name"] == "p"));
    let times: Vec<&str> = items.iter().map(|e| e["created_at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|p| p[0] >= p[1]));
    let f = w
        .admin
        .get("/v1/projects/p/audit-events?action=invitation.create")
        .await
        .expect(200);
    assert_eq!(f["items"].as_array().unwrap().len(), 2);
    let by = w
        .admin
        .get("/v1/audit-events?actor=b&limit=500")
        .await
        .expect(200);
    assert!(by["items"].as_array().unwrap().iter().all(|e| e["actor"] == "b"));
    let future = w
        .admin
        .get("/v1/audit-events?since=2999-01-01T00:00:00Z")
        .await
        .expect(200);
    assert_eq!(future["items"], json!([]));
    let past = w
        .admin
        .get("/v1/audit-events?until=2000-01-01T00:00:00Z")
        .await
        .expect(200);
    assert_eq!(past["items"], json!([]));
    w.admin
        .get("/v1/audit-events?since=yesterday")
        .await
        .problem(400, "invalid-request");
    bob.get("/v1/audit-events").await.problem(403, "forbidden");
    let evs = w.admin.get("/v1/audit-events?limit=2").await.expect(200);
    assert!(evs["next_cursor"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_roles_and_permission_checks() {
    let w = World::new().await;
    w.project("p", "goldsky").await;
    let (_, bob) = w.user("bob").await;
    w.bind("p", "bob", "admin").await;
    // Built-in roles are immutable.
    w.admin
        .put(
            "/v1/projects/p/roles/viewer",
            json!({"permissions": ["project.view"]}),
        )
        .await
        .problem(403, "role-immutable");
    w.admin
        .delete("/v1/projects/p/roles/owner")
        .await
        .problem(403, "role-immutable");
    // goldsky admin lacks roles.manage; the owner creates custom roles.
    bob.post(
        "/v1/projects/p/roles",
        json!({"name": "r", "permissions": ["project.view"]}),
    )
    .await
    .problem(403, "forbidden");
    w.admin
        .post(
            "/v1/projects/p/roles",
            json!({"name": "boss", "permissions": ["owners.manage"]}),
        )
        .await
        .problem(422, "validation-failed");
    w.admin
        .post(
            "/v1/projects/p/roles",
            json!({"name": "x", "permissions": ["no.such"]}),
        )
        .await
        .problem(422, "validation-failed");
    let r = w
        .admin
        .post(
            "/v1/projects/p/roles",
            json!({"name": "Auditor", "permissions": ["audit.view", "project.view"]}),
        )
        .await
        .expect(201);
    assert_eq!(
        (
            r["built_in"].as_bool(),
            r["owner_grade"].as_bool(),
            r["rank"].as_i64()
        ),
        (Some(false), Some(false), Some(100))
    );
    w.admin
        .post(
            "/v1/projects/p/roles",
            json!({"name": "auditor", "permissions": []}),
        )
        .await
        .problem(409, "name-taken");
    let id = w.bind("p", "bob", "auditor").await;
    w.admin
        .delete("/v1/projects/p/roles/auditor")
        .await
        .problem(409, "role-in-use");
    let chk = bob
        .post(
            "/v1/projects/p/permissions:check",
            json!({"permissions": ["audit.view", "owners.manage", "members.manage"]}),
        )
        .await
        .expect(200);
    assert_eq!(chk["results"][0]["allowed"], true);
    assert_eq!(chk["results"][1]["allowed"], false);
    let granted: Vec<&str> = chk["results"][0]["granted_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["role"].as_str().unwrap())
        .collect();
    assert_eq!(granted, ["admin", "Auditor"]);
    let other = w
        .admin
        .post(
            "/v1/projects/p/permissions:check",
            json!({"principal": {"type": "user", "username": "bob"}, "permissions": ["billing.manage"]}),
        )
        .await
        .expect(200);
    assert_eq!(other["results"][0]["allowed"], false);
    let upd = w
        .admin
        .put(
            "/v1/projects/p/roles/auditor",
            json!({"permissions": ["project.view", "metrics.view"]}),
        )
        .await
        .expect(200);
    assert_eq!(upd["permissions"], json!(["metrics.view", "project.view"]));
    w.admin
        .delete(&format!("/v1/projects/p/role-bindings/{id}"))
        .await
        .expect(204);
    w.admin.delete("/v1/projects/p/roles/auditor").await.expect(204);
    let roles = w.admin.get("/v1/projects/p/roles").await.expect(200);
    assert_eq!(roles["items"].as_array().unwrap().len(), 4);
    let cat = w.admin.get("/v1/permissions").await.expect(200);
    assert!(
        cat["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "env.production.manage")
    );
}

/// `GET /v1/orgs/{org}/audit-events`: the org's team changes and its projects'
/// events, for org owners and admins (and server administrators); server-level
/// events (users, tokens) stay in the server-wide log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_audit_log_has_team_and_project_events_for_org_admins() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let (_, bob) = w.user("bob").await;
    w.admin
        .post("/v1/teams", json!({"name": "backend"}))
        .await
        .expect(201);
    w.admin
        .put("/v1/teams/backend/members/bob", json!({}))
        .await
        .expect(201);
    let actions = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    let org = w.admin.get("/v1/orgs/default/audit-events").await.expect(200);
    let got = actions(&org);
    for a in ["team.member.add", "team.create", "project.create"] {
        assert!(got.contains(&a.to_owned()), "{a}: {got:?}");
    }
    for a in ["user.create", "token.create", "server.bootstrap"] {
        assert!(!got.contains(&a.to_owned()), "{a}: {got:?}");
    }
    // Filters and pages work as in the other logs.
    let one = w
        .admin
        .get("/v1/orgs/default/audit-events?action=team.create&limit=1")
        .await
        .expect(200);
    assert_eq!(actions(&one), ["team.create"]);
    let server = w
        .admin
        .get("/v1/audit-events?action=team.create")
        .await
        .expect(200);
    assert_eq!(actions(&server), ["team.create"]);
    // A plain member may not read it; an unknown org is 404.
    bob.get("/v1/orgs/default/audit-events")
        .await
        .problem(403, "forbidden");
    w.admin
        .get("/v1/orgs/nope/audit-events")
        .await
        .problem(404, "not-found");
}

/// `permissions:check` names the binding's principal and the granted permission
/// that implies the one asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_names_the_principal_and_the_implying_permission() {
    let w = World::new().await;
    w.project("p", "akka").await;
    w.user("bob").await;
    w.admin
        .post("/v1/teams", json!({"name": "backend"}))
        .await
        .expect(201);
    w.admin
        .put("/v1/teams/backend/members/bob", json!({}))
        .await
        .expect(201);
    w.admin
        .post(
            "/v1/projects/p/roles",
            json!({"name": "stager", "permissions": ["env.staging.deploy"]}),
        )
        .await
        .expect(201);
    w.admin
        .post(
            "/v1/projects/p/role-bindings",
            json!({"role": "stager", "principal": {"type": "team", "name": "backend"}}),
        )
        .await
        .expect(201);
    let r = w
        .admin
        .post(
            "/v1/projects/p/permissions:check",
            json!({"principal": {"type": "user", "username": "bob"}, "permissions": ["env.staging.view", "env.staging.deploy"]}),
        )
        .await
        .expect(200);
    let view = &r["results"][0]["granted_by"][0];
    assert_eq!(view["role"], "stager");
    assert_eq!(view["permission"], "env.staging.deploy");
    assert_eq!(view["principal"]["type"], "team");
    assert_eq!(view["principal"]["name"], "backend");
    assert_eq!(
        r["results"][1]["granted_by"][0]["permission"],
        "env.staging.deploy"
    );
}
