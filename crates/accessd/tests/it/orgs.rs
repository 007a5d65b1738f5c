//! Organizations and their members: who may create, rename and change
//! membership, the org's last owner, and what an org role grants.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Client, World};

async fn put_member(c: &Client, org: &str, user: &str, role: Option<&str>) -> crate::support::Resp {
    let body = match role {
        Some(r) => json!({"role": r}),
        None => json!({}),
    };
    c.send(
        Method::PUT,
        &format!("/v1/orgs/{org}/members/{user}"),
        Some(&body),
        &[],
    )
    .await
}

fn roles(list: &Value) -> Vec<(String, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_admins_create_orgs_and_become_their_owner() {
    let w = World::new().await;
    let (_, bob) = w.user("bob").await;
    let org = w
        .admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    assert_eq!(org["name"], "acme");
    let members = w.admin.get("/v1/orgs/acme/members").await.expect(200);
    assert_eq!(roles(&members), pairs(&[("admin", "owner")]));
    w.admin
        .post("/v1/orgs", json!({"name": "ACME"}))
        .await
        .problem(409, "name-taken");
    w.admin
        .post("/v1/orgs", json!({"name": "two words"}))
        .await
        .problem(422, "validation-failed");
    bob.post("/v1/orgs", json!({"name": "bobs"}))
        .await
        .problem(403, "forbidden");
    // Not a member: the org does not exist for bob.
    bob.get("/v1/orgs/acme").await.problem(404, "not-found");
    bob.get("/v1/orgs/acme/members").await.problem(404, "not-found");

    // Renaming: owners and admins; a no-op writes nothing.
    let before = w.audit_count().await;
    w.admin.patch("/v1/orgs/acme", json!({})).await.expect(200);
    w.admin
        .patch("/v1/orgs/acme", json!({"name": "acme"}))
        .await
        .expect(200);
    assert_eq!(w.audit_count().await, before);
    let renamed = w
        .admin
        .patch("/v1/orgs/acme", json!({"name": "Acme-Corp"}))
        .await
        .expect(200);
    assert_eq!(renamed["id"], org["id"]);
    w.admin.get("/v1/orgs/acme-corp").await.expect(200);
    w.admin
        .patch("/v1/orgs/acme-corp", json!({"name": "default"}))
        .await
        .problem(409, "name-taken");

    let log = w.admin.get("/v1/orgs/acme-corp/audit-events").await.expect(200);
    let actions: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].clone())
        .collect();
    assert!(actions.contains(&json!("org.create")), "{actions:?}");
    assert!(actions.contains(&json!("org.update")), "{actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_roles_are_set_by_owners_and_admins_within_what_they_hold() {
    let w = World::new().await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    let (_, carol) = w.user("carol").await;
    let (_, dave) = w.user("dave").await;
    w.user("erin").await;

    // A new member is `member` unless a role is given; 201, then 200.
    let added = put_member(&w.admin, "acme", "carol", None).await.expect(201);
    assert_eq!(added["role"], "member");
    let same = put_member(&w.admin, "acme", "carol", None).await;
    assert_eq!(same.status.as_u16(), 200);
    put_member(&w.admin, "acme", "carol", Some("admin"))
        .await
        .expect(200);
    put_member(&w.admin, "acme", "dave", Some("devops"))
        .await
        .expect(201);
    put_member(&w.admin, "acme", "nobody", None)
        .await
        .problem(404, "user-not-found");
    let bad = put_member(&w.admin, "acme", "erin", Some("superuser"))
        .await
        .problem(422, "validation-failed");
    assert!(bad.to_string().contains("org roles: owner, admin"), "{bad}");

    // An admin sets every role but owner, and never touches an owner.
    put_member(&carol, "acme", "erin", Some("viewer"))
        .await
        .expect(201);
    put_member(&carol, "acme", "erin", Some("admin"))
        .await
        .expect(200);
    put_member(&carol, "acme", "erin", Some("owner"))
        .await
        .problem(403, "privilege-escalation");
    put_member(&carol, "acme", "admin", Some("member"))
        .await
        .problem(403, "privilege-escalation");
    carol
        .delete("/v1/orgs/acme/members/admin")
        .await
        .problem(403, "privilege-escalation");
    // devops manages nothing.
    put_member(&dave, "acme", "erin", Some("member"))
        .await
        .problem(403, "forbidden");
    dave.delete("/v1/orgs/acme/members/erin")
        .await
        .problem(403, "forbidden");

    carol.delete("/v1/orgs/acme/members/erin").await.expect(204);
    carol
        .delete("/v1/orgs/acme/members/erin")
        .await
        .problem(404, "not-found");
    let members = dave.get("/v1/orgs/acme/members").await.expect(200);
    assert_eq!(
        roles(&members),
        pairs(&[("admin", "owner"), ("carol", "admin"), ("dave", "devops")])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_admin_outside_the_org_adds_members_but_grants_no_role() {
    let w = World::new().await;
    let (_, owner) = w.user("olga").await;
    // A second server administrator, who creates an org and hands it over.
    w.admin
        .patch("/v1/users/olga", json!({"is_admin": true}))
        .await
        .expect(200);
    owner.post("/v1/orgs", json!({"name": "acme"})).await.expect(201);
    w.user("bob").await;
    put_member(&w.admin, "acme", "bob", Some("admin"))
        .await
        .problem(403, "privilege-escalation");
    put_member(&w.admin, "acme", "admin", Some("owner"))
        .await
        .problem(403, "privilege-escalation");
    put_member(&w.admin, "acme", "bob", None).await.expect(201);
    put_member(&w.admin, "acme", "bob", Some("viewer"))
        .await
        .problem(403, "privilege-escalation");
    w.admin.delete("/v1/orgs/acme/members/bob").await.expect(204);
    w.admin
        .delete("/v1/orgs/acme/members/olga")
        .await
        .problem(403, "privilege-escalation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_keeps_an_owner() {
    let w = World::new().await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    let last = w
        .admin
        .delete("/v1/orgs/acme/members/me")
        .await
        .problem(409, "last-owner");
    assert!(last["detail"].as_str().unwrap().contains("org 'acme'"), "{last}");
    put_member(&w.admin, "acme", "me", Some("admin"))
        .await
        .problem(409, "last-owner");
    // With a second owner the first may step down, and then leave.
    let (_, bob) = w.user("bob").await;
    put_member(&w.admin, "acme", "bob", Some("owner"))
        .await
        .expect(201);
    put_member(&w.admin, "acme", "me", Some("member"))
        .await
        .expect(200);
    w.admin.delete("/v1/orgs/acme/members/me").await.expect(204);
    bob.delete("/v1/orgs/acme/members/me")
        .await
        .problem(409, "last-owner");
    assert_eq!(
        roles(&bob.get("/v1/orgs/acme/members").await.expect(200)),
        pairs(&[("bob", "owner")])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_owners_demoting_each_other_at_once_leave_one() {
    let w = World::new().await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    let (_, a) = w.user("a").await;
    let (_, b) = w.user("b").await;
    put_member(&w.admin, "acme", "a", Some("owner")).await.expect(201);
    put_member(&w.admin, "acme", "b", Some("owner")).await.expect(201);
    w.admin.delete("/v1/orgs/acme/members/me").await.expect(204);
    for round in 0..40 {
        let (ra, rb) = if round % 2 == 0 {
            tokio::join!(
                put_member(&a, "acme", "b", Some("member")),
                put_member(&b, "acme", "a", Some("member"))
            )
        } else {
            tokio::join!(
                put_member(&a, "acme", "me", Some("member")),
                put_member(&b, "acme", "me", Some("member"))
            )
        };
        let ok = [&ra, &rb].iter().filter(|r| r.status.as_u16() == 200).count();
        assert_eq!(ok, 1, "round {round}: {} / {}", ra.body, rb.body);
        for r in [&ra, &rb] {
            if r.status.as_u16() != 200 {
                assert!(["last-owner", "forbidden"].contains(&r.code()), "{}", r.body);
            }
        }
        let members = roles(&a.get("/v1/orgs/acme/members").await.expect(200));
        let owners: Vec<_> = members.iter().filter(|(_, r)| r == "owner").collect();
        assert_eq!(owners.len(), 1, "round {round}: {members:?}");
        // The remaining owner makes the other one an owner again.
        let (winner, other) = if owners[0].0 == "a" { (&a, "b") } else { (&b, "a") };
        put_member(winner, "acme", other, Some("owner")).await.expect(200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_role_grants_in_the_orgs_projects_and_member_grants_nothing() {
    let w = World::new().await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    w.admin
        .post(
            "/v1/projects",
            json!({"name": "shop", "org": "acme", "role_preset": "akka"}),
        )
        .await
        .expect(201);
    let (_, bob) = w.user("bob").await;
    put_member(&w.admin, "acme", "bob", None).await.expect(201);
    bob.get("/v1/projects/shop").await.problem(404, "not-found");
    let etag = |r: &crate::support::Resp| r.header("etag").unwrap();
    let before = etag(&w.admin.get("/v1/projects/shop").await);
    put_member(&w.admin, "acme", "bob", Some("viewer"))
        .await
        .expect(200);
    // The org role changes access in every project of the org: a new version.
    assert_ne!(etag(&w.admin.get("/v1/projects/shop").await), before);
    bob.get("/v1/projects/shop").await.expect(200);
    bob.get("/v1/projects/shop/members").await.expect(200);
    let check = bob
        .post(
            "/v1/projects/shop/permissions:check",
            json!({"permissions": ["members.manage", "members.view"]}),
        )
        .await
        .expect(200);
    assert_eq!(check["results"][0]["allowed"], false, "{check}");
    assert_eq!(check["results"][1]["allowed"], true, "{check}");
    w.admin.delete("/v1/orgs/acme/members/bob").await.expect(204);
    bob.get("/v1/projects/shop").await.problem(404, "not-found");
}

/// The Qovery scenario: a custom org role with admin on one project, DEPLOYER on
/// STAGING elsewhere and ENV_CREATOR on one cluster, attached to a member.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_org_role_grants_per_project_environment_and_cluster() {
    let w = World::new().await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    for p in ["web", "api", "hidden"] {
        w.admin
            .post(
                "/v1/projects",
                json!({"name": p, "org": "acme", "role_preset": "akka"}),
            )
            .await
            .expect(201);
    }
    w.admin
        .post("/v1/orgs/acme/clusters", json!({"name": "eu-1"}))
        .await
        .expect(201);
    w.admin
        .post("/v1/orgs/acme/clusters", json!({"name": "us-1"}))
        .await
        .expect(201);
    let doc = json!({
        "name": "Platform Engineers",
        "description": "Run the platform",
        "cluster_permissions": [{"cluster_id": "eu-1", "permission": "ENV_CREATOR"}],
        "project_permissions": [
            {"project_id": "web", "is_admin": true, "permissions": []},
            {"project_id": "api", "is_admin": false, "permissions": [
                {"environment_type": "STAGING", "permission": "DEPLOYER"},
                {"environment_type": "PRODUCTION", "permission": "NO_ACCESS"}
            ]},
            {"project_id": "hidden", "is_admin": false, "permissions": [
                {"environment_type": "PRODUCTION", "permission": "NO_ACCESS"}
            ]}
        ]
    });
    let role = w.admin.post("/v1/orgs/acme/roles", doc.clone()).await.expect(201);
    assert_eq!(role["name"], "Platform Engineers");
    assert_eq!(role["cluster_permissions"][0]["cluster_name"], "eu-1");
    assert_eq!(role["cluster_permissions"][0]["permission"], "ENV_CREATOR");
    let projects: Vec<_> = role["project_permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["project_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(projects, ["api", "web"], "NO_ACCESS everywhere is no grant");
    w.admin
        .post("/v1/orgs/acme/roles", doc.clone())
        .await
        .problem(409, "name-taken");
    w.admin
        .post("/v1/orgs/acme/roles", json!({"name": "Admin"}))
        .await
        .problem(409, "name-taken");
    let bad = w
        .admin
        .post(
            "/v1/orgs/acme/roles",
            json!({"name": "x", "project_permissions": [{"project_id": "nope", "permissions": []},
                {"project_id": "api", "permissions": [{"environment_type": "QA", "permission": "VIEWER"}]}],
                "cluster_permissions": [{"cluster_id": "eu-1", "permission": "ROOT"}]}),
        )
        .await
        .problem(422, "validation-failed");
    let fields: Vec<_> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        [
            json!("project_permissions[0].project_id"),
            json!("project_permissions[1].permissions[0].environment_type"),
            json!("cluster_permissions[0].permission")
        ]
    );

    let (_, bob) = w.user("bob").await;
    put_member(&w.admin, "acme", "bob", Some("platform engineers"))
        .await
        .expect(201);
    let check = |project: &'static str, perms: Value| {
        let bob = bob.clone();
        async move {
            bob.post(
                &format!("/v1/projects/{project}/permissions:check"),
                json!({"permissions": perms}),
            )
            .await
            .expect(200)
        }
    };
    let r = check(
        "api",
        json!([
            "env.staging.deploy",
            "env.staging.view",
            "env.production.deploy",
            "members.manage"
        ]),
    )
    .await;
    let allowed: Vec<_> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["allowed"].clone())
        .collect();
    assert_eq!(allowed, [json!(true), json!(true), json!(false), json!(false)]);
    assert_eq!(r["results"][0]["org_role"], "platform-engineers");
    assert!(r["results"][2].get("org_role").is_none());
    let r = check("web", json!(["members.manage", "owners.manage"])).await;
    assert_eq!(r["results"][0]["allowed"], true);
    let r = check(
        "api",
        json!([
            "clusters.eu-1.env-creator",
            "clusters.eu-1.viewer",
            "clusters.eu-1.admin",
            "clusters.us-1.viewer"
        ]),
    )
    .await;
    let allowed: Vec<_> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["allowed"].clone())
        .collect();
    assert_eq!(allowed, [json!(true), json!(true), json!(false), json!(false)]);
    bob.get("/v1/projects/hidden").await.problem(404, "not-found");
    let visible: Vec<_> = bob.get("/v1/projects").await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(visible, ["api", "web"]);

    // Changing the role changes bob's access at once; in use, it is not deleted.
    let mut doc2 = doc.clone();
    doc2["project_permissions"] = json!([{"project_id": "api", "permissions": [
        {"environment_type": "PRODUCTION", "permission": "MANAGER"}]}]);
    w.admin
        .send(
            Method::PUT,
            "/v1/orgs/acme/roles/platform-engineers",
            Some(&doc2),
            &[],
        )
        .await
        .expect(200);
    let r = check("api", json!(["env.production.deploy", "env.staging.deploy"])).await;
    assert_eq!(r["results"][0]["allowed"], true);
    assert_eq!(r["results"][1]["allowed"], false);
    bob.get("/v1/projects/web").await.problem(404, "not-found");
    let used = w
        .admin
        .delete("/v1/orgs/acme/roles/Platform%20Engineers")
        .await
        .problem(409, "role-in-use");
    assert!(used["detail"].as_str().unwrap().contains("bob"), "{used}");
    w.admin
        .delete("/v1/orgs/acme/clusters/eu-1")
        .await
        .problem(409, "role-in-use");
    w.admin
        .send(Method::PUT, "/v1/orgs/acme/roles/owner", Some(&doc2), &[])
        .await
        .problem(403, "role-immutable");
    // bob (not an org owner or admin) cannot manage roles.
    bob.post("/v1/orgs/acme/roles", json!({"name": "mine"}))
        .await
        .problem(403, "forbidden");
    put_member(&w.admin, "acme", "bob", Some("member"))
        .await
        .expect(200);
    w.admin
        .delete("/v1/orgs/acme/roles/platform-engineers")
        .await
        .expect(204);
    let names: Vec<_> = w.admin.get("/v1/orgs/acme/roles").await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["owner", "admin", "devops", "billing-manager", "viewer", "member"]
    );
}

/// A project name used in two orgs names, for each caller, the one they can see.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_name_in_two_orgs_resolves_to_the_one_the_caller_sees() {
    let w = World::new().await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    // acme's shop first: it has the lower id.
    let acme_shop = w
        .admin
        .post(
            "/v1/projects",
            json!({"name": "shop", "org": "acme", "role_preset": "akka"}),
        )
        .await
        .expect(201);
    let default_shop = w.project("shop", "akka").await;
    let (_, bob) = w.user("bob").await;
    let (_, carol) = w.user("carol").await;
    put_member(&w.admin, "acme", "bob", Some("viewer"))
        .await
        .expect(201);
    w.admin
        .post(
            &format!(
                "/v1/projects/{}/role-bindings",
                default_shop["id"].as_str().unwrap()
            ),
            json!({"role": "admin", "principal": {"type": "user", "username": "carol"}}),
        )
        .await
        .expect(201);

    assert_eq!(
        bob.get("/v1/projects/shop").await.expect(200)["id"],
        acme_shop["id"]
    );
    assert_eq!(
        carol.get("/v1/projects/shop").await.expect(200)["id"],
        default_shop["id"]
    );
    // A write by name goes to the project the caller sees too.
    let r = carol
        .patch("/v1/projects/shop", json!({"description": "carol's"}))
        .await
        .expect(200);
    assert_eq!(r["id"], default_shop["id"]);
    // Someone who sees both is asked for the id.
    let amb = w
        .admin
        .get("/v1/projects/shop")
        .await
        .problem(400, "invalid-request");
    assert!(amb["detail"].as_str().unwrap().contains("acme, default"), "{amb}");
    w.admin
        .get(&format!("/v1/projects/{}", acme_shop["id"].as_str().unwrap()))
        .await
        .expect(200);
}

/// Loft's server-wide project roles: defined once by a server administrator, in
/// every project of the org (existing and new), changed only there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_wide_roles_exist_in_every_project_of_the_org() {
    let w = World::new().await;
    w.project("a", "akka").await;
    w.project("g", "goldsky").await;
    let (_, bob) = w.user("bob").await;
    let created = w
        .admin
        .post(
            "/v1/orgs/default/project-roles",
            json!({"name": "release-manager", "description": "ships", "from": "viewer",
                   "permissions": ["env.production.deploy"]}),
        )
        .await
        .expect(201);
    let perms: Vec<_> = created["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        perms.contains(&"env.production.deploy") && perms.contains(&"project.view"),
        "{perms:?}"
    );
    bob.post("/v1/orgs/default/project-roles", json!({"name": "mine"}))
        .await
        .problem(403, "forbidden");
    w.admin
        .post("/v1/orgs/default/project-roles", json!({"name": "developer"}))
        .await
        .problem(409, "name-taken");
    w.admin
        .post(
            "/v1/orgs/default/project-roles",
            json!({"name": "x", "permissions": ["owners.manage"]}),
        )
        .await
        .problem(422, "validation-failed");

    // In every project, existing and new, marked server-wide.
    w.project("later", "loft").await;
    for p in ["a", "g", "later"] {
        let roles = w.admin.get(&format!("/v1/projects/{p}/roles")).await.expect(200);
        let r = roles["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "release-manager")
            .unwrap_or_else(|| panic!("no release-manager in {p}"))
            .clone();
        assert_eq!(r["server_wide"], true);
        assert_eq!(r["built_in"], false);
    }
    // Not changed or deleted from a project.
    w.admin
        .put(
            "/v1/projects/a/roles/release-manager",
            json!({"permissions": ["project.view"]}),
        )
        .await
        .problem(403, "role-immutable");
    w.admin
        .delete("/v1/projects/a/roles/release-manager")
        .await
        .problem(403, "role-immutable");
    // Bound and checked like any role; a change reaches every project at once.
    w.bind("a", "bob", "release-manager").await;
    let check = |p: &'static str| {
        let bob = bob.clone();
        async move {
            bob.post(
                &format!("/v1/projects/{p}/permissions:check"),
                json!({"permissions": ["env.production.deploy", "env.staging.deploy"]}),
            )
            .await
            .expect(200)
        }
    };
    let r = check("a").await;
    assert_eq!(r["results"][0]["allowed"], true);
    assert_eq!(r["results"][1]["allowed"], false);
    w.admin
        .send(
            Method::PUT,
            "/v1/orgs/default/project-roles/release-manager",
            Some(&json!({"name": "release-manager", "permissions": ["project.view", "env.staging.deploy"]})),
            &[],
        )
        .await
        .expect(200);
    let r = check("a").await;
    assert_eq!(r["results"][0]["allowed"], false);
    assert_eq!(r["results"][1]["allowed"], true);
    let used = w
        .admin
        .delete("/v1/orgs/default/project-roles/release-manager")
        .await
        .problem(409, "role-in-use");
    assert!(
        used["detail"].as_str().unwrap().contains("project(s) a"),
        "{used}"
    );
    w.admin.delete("/v1/projects/a/members/bob").await.expect(204);
    w.admin
        .delete("/v1/orgs/default/project-roles/release-manager")
        .await
        .expect(204);
    let roles = w.admin.get("/v1/projects/g/roles").await.expect(200);
    assert!(!roles.to_string().contains("release-manager"));
}

// ------------------------------------------------------------ org invitations

fn invite_body(emails: &[&str], role: &str) -> Value {
    json!({"emails": emails, "role": role})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_invitation_adds_the_member_with_its_role_once_accepted_by_that_account() {
    let w = World::new().await;
    let (_, bob) = w.user("bob").await;
    let (_, carol) = w.user("carol").await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    let r = w
        .admin
        .post(
            "/v1/orgs/acme/invitations",
            invite_body(&["bob@example.com"], "DevOps"),
        )
        .await
        .expect(201);
    let inv = &r["results"][0];
    assert_eq!(inv["status"], "invited", "{r}");
    assert_eq!(inv["invitation"]["role"], "devops");
    assert_eq!(inv["invitation"]["org"]["name"], "acme");
    // No mail delivery: the inviter is the delivery channel.
    assert_eq!(inv["invitation"]["delivery"], "inviter");
    let code = inv["invitation"]["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("inv_"));

    // The same again: already invited (no code); another role: a conflict.
    let again = w
        .admin
        .post(
            "/v1/orgs/acme/invitations",
            invite_body(&["BOB@example.com"], "devops"),
        )
        .await
        .expect(200);
    assert_eq!(again["results"][0]["status"], "already-invited");
    assert!(!again.to_string().contains("inv_"), "{again}");
    let other = w
        .admin
        .post(
            "/v1/orgs/acme/invitations",
            invite_body(&["bob@example.com"], "viewer"),
        )
        .await
        .expect(200);
    assert_eq!(other["results"][0]["status"], "conflict");
    assert_eq!(other["results"][0]["problem"], "invitation-exists");

    // Listed without the code.
    let list = w.admin.get("/v1/orgs/acme/invitations").await.expect(200);
    assert_eq!(list["items"][0]["email"], "bob@example.com");
    assert_eq!(list["items"][0]["status"], "pending");
    assert!(!list.to_string().contains("inv_"), "{list}");
    // Only the org's owners and admins (and server administrators) see them.
    bob.get("/v1/orgs/acme/invitations")
        .await
        .problem(404, "not-found");

    // The code alone does not bind an existing account, nor another account.
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .problem(401, "unauthenticated");
    carol
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .problem(403, "email-mismatch");
    let before = roles(&w.admin.get("/v1/orgs/acme/members").await.expect(200));
    assert_eq!(before, pairs(&[("admin", "owner")]));

    let acc = bob
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .expect(200);
    assert_eq!(acc["org"]["name"], "acme");
    assert_eq!(acc["org_member"]["role"], "devops");
    assert!(
        acc.get("project").is_none() && acc.get("token").is_none(),
        "{acc}"
    );
    let after = roles(&w.admin.get("/v1/orgs/acme/members").await.expect(200));
    assert_eq!(after, pairs(&[("admin", "owner"), ("bob", "devops")]));
    // A used code is gone; the member is not invited again.
    bob.post("/v1/invitations/accept", json!({"code": code}))
        .await
        .problem(404, "not-found");
    let member = w
        .admin
        .post(
            "/v1/orgs/acme/invitations",
            invite_body(&["bob@example.com"], "devops"),
        )
        .await
        .expect(200);
    assert_eq!(member["results"][0]["status"], "already-member");
    let list = w.admin.get("/v1/orgs/acme/invitations").await.expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");

    let actions: Vec<String> = w.admin.get("/v1/orgs/acme/audit-events").await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        actions.contains(&"org.invitation.create".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"org.invitation.accept".to_owned()),
        "{actions:?}"
    );
    let audit = w.admin.get("/v1/audit-events?limit=500").await.expect(200);
    assert!(!audit.to_string().contains(&code), "a code in the audit log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orgs_invite_with_the_roles_the_inviter_may_give_and_a_handed_code_mints_no_account() {
    let w = World::new().await;
    let (_, bob) = w.user("bob").await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    // bob is no member: the org does not exist for him.
    bob.post(
        "/v1/orgs/acme/invitations",
        invite_body(&["x@example.com"], "member"),
    )
    .await
    .problem(404, "not-found");
    put_member(&w.admin, "acme", "bob", Some("devops"))
        .await
        .expect(201);
    bob.post(
        "/v1/orgs/acme/invitations",
        invite_body(&["x@example.com"], "member"),
    )
    .await
    .problem(403, "forbidden");
    put_member(&w.admin, "acme", "bob", Some("admin"))
        .await
        .expect(200);
    // Admins invite with every role but owner.
    bob.post(
        "/v1/orgs/acme/invitations",
        invite_body(&["x@example.com"], "owner"),
    )
    .await
    .problem(403, "privilege-escalation");
    bob.post(
        "/v1/orgs/acme/invitations",
        invite_body(&["x@example.com"], "root"),
    )
    .await
    .problem(422, "validation-failed");
    // A custom org role works like a base one.
    w.admin
        .post("/v1/orgs/acme/roles", json!({"name": "Platform Engineers"}))
        .await
        .expect(201);
    let r = bob
        .post(
            "/v1/orgs/acme/invitations",
            invite_body(&["dave@example.com", "not-an-email"], "platform engineers"),
        )
        .await
        .expect(201);
    assert_eq!(r["results"][0]["invitation"]["role"], "platform-engineers");
    assert_eq!(r["results"][1]["status"], "invalid");
    let code = r["results"][0]["invitation"]["code"].as_str().unwrap().to_owned();
    // The inviter holds the code (no mail): it creates no account.
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .problem(401, "unauthenticated");
    let users = w.admin.get("/v1/users").await.expect(200);
    assert!(!users.to_string().contains("dave@example.com"), "{users}");
    // Revoking: by email; an owner's invitation only by an owner.
    let owner_inv = w
        .admin
        .post(
            "/v1/orgs/acme/invitations",
            invite_body(&["olga@example.com"], "owner"),
        )
        .await
        .expect(201);
    assert_eq!(owner_inv["results"][0]["status"], "invited");
    bob.delete("/v1/orgs/acme/invitations/olga@example.com")
        .await
        .problem(403, "privilege-escalation");
    bob.delete("/v1/orgs/acme/invitations/DAVE@example.com")
        .await
        .expect(204);
    bob.delete("/v1/orgs/acme/invitations/dave@example.com")
        .await
        .problem(404, "not-found");
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .problem(404, "not-found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailed_org_invitation_creates_the_account_as_a_member() {
    let (url, mut rx) = crate::mail::sink().await;
    let w = World::with(accessd::Config {
        smtp_url: Some(url),
        ..Default::default()
    })
    .await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    let r = w
        .admin
        .post(
            "/v1/orgs/acme/invitations",
            invite_body(&["erin@example.com"], "viewer"),
        )
        .await
        .expect(201);
    assert_eq!(r["results"][0]["invitation"]["delivery"], "mail");
    assert!(!r.to_string().contains("inv_"), "{r}");
    let (to, data) = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
        .await
        .expect("no mail within 30 s")
        .expect("sink closed");
    assert_eq!(to, ["erin@example.com"]);
    assert!(data.contains("Subject: Invitation to acme"), "{data}");
    assert!(data.contains("organization"), "{data}");
    // The invitation page answers project codes only: no browser link here.
    assert!(!data.contains("/invite?code="), "{data}");
    let at = data.find("inv_").expect("a code in the mail");
    let code: String = data[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect();
    let acc = w
        .anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .expect(200);
    assert_eq!(acc["user"]["email"], "erin@example.com");
    assert!(acc["token"]["token"].as_str().unwrap().starts_with("acc_"));
    let members = roles(&w.admin.get("/v1/orgs/acme/members").await.expect(200));
    assert_eq!(members, pairs(&[("admin", "owner"), ("erin", "viewer")]));
}

// ------------------------------------------------- the server's preset roles

fn role_in(list: &Value, name: &str) -> Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no role {name} in {list}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_admins_change_a_presets_default_role_for_every_project_of_it() {
    let w = World::new().await;
    let (_, bob) = w.user("bob").await;
    w.project("p", "akka").await;
    w.project("g", "goldsky").await;
    w.bind("p", "bob", "developer").await;
    let akka = presets_role(&w, "akka", "developer").await;
    let mut perms: Vec<String> = serde_json::from_value(akka["default_permissions"].clone()).unwrap();
    assert!(!perms.contains(&"audit.view".to_owned()));
    perms.push("audit.view".into());
    let body = json!({"permissions": perms});

    bob.put("/v1/presets/akka/roles/developer", body.clone())
        .await
        .problem(403, "forbidden");
    w.admin
        .put("/v1/presets/akka/roles/admin", body.clone())
        .await
        .problem(403, "role-immutable");
    w.admin
        .put(
            "/v1/presets/akka/roles/developer",
            json!({"permissions": ["owners.manage"]}),
        )
        .await
        .problem(422, "validation-failed");
    w.admin
        .put(
            "/v1/presets/akka/roles/developer",
            json!({"permissions": ["no.such"]}),
        )
        .await
        .problem(422, "validation-failed");
    w.admin
        .put("/v1/presets/nope/roles/developer", body.clone())
        .await
        .problem(404, "not-found");
    let check = |c: &Client| {
        let c = c.clone();
        async move {
            c.post(
                "/v1/projects/p/permissions:check",
                json!({"permissions": ["audit.view"]}),
            )
            .await
            .expect(200)["results"][0]["allowed"]
                .clone()
        }
    };
    assert_eq!(check(&bob).await, false);
    let etag = w.admin.get("/v1/projects/p/roles").await.header("etag");

    let changed = w
        .admin
        .put("/v1/presets/akka/roles/developer", body.clone())
        .await
        .expect(200);
    assert_eq!(changed["modified"], true);
    assert_eq!(changed["projects"], 1, "{changed}");
    // The name stays; the project's copy is marked, its version moved, and the
    // binding grants the new permission at once.
    let roles = w.admin.get("/v1/projects/p/roles").await;
    assert_ne!(roles.header("etag"), etag);
    let dev = role_in(&roles.expect(200), "developer");
    assert_eq!(dev["modified"], true);
    assert_eq!(dev["built_in"], true);
    assert!(
        dev["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("audit.view"))
    );
    assert_eq!(check(&bob).await, true);
    // Another preset is untouched; a new project of the preset gets the change.
    let g = w.admin.get("/v1/projects/g/roles").await.expect(200);
    assert!(
        g["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r.get("modified").is_none())
    );
    w.project("q", "akka").await;
    let q = role_in(
        &w.admin.get("/v1/projects/q/roles").await.expect(200),
        "developer",
    );
    assert_eq!(q["modified"], true);
    assert_eq!(presets_role(&w, "akka", "developer").await["modified"], true);
    // Still a built-in role: not changed from the project.
    w.admin
        .put(
            "/v1/projects/p/roles/developer",
            json!({"permissions": ["project.view"]}),
        )
        .await
        .problem(403, "role-immutable");

    // Audited, once per real change.
    let events = w
        .admin
        .get("/v1/audit-events?action=preset_role.update")
        .await
        .expect(200);
    assert_eq!(events["items"].as_array().unwrap().len(), 1, "{events}");
    w.admin
        .put("/v1/presets/akka/roles/developer", body.clone())
        .await
        .expect(200);
    let events = w
        .admin
        .get("/v1/audit-events?action=preset_role.update")
        .await
        .expect(200);
    assert_eq!(events["items"].as_array().unwrap().len(), 1, "{events}");

    // The preset's own permissions again: no longer modified, in every project.
    let back = w
        .admin
        .put(
            "/v1/presets/akka/roles/developer",
            json!({"permissions": akka["default_permissions"]}),
        )
        .await
        .expect(200);
    assert_eq!(back["modified"], false);
    assert_eq!(back["projects"], 2);
    let dev = role_in(
        &w.admin.get("/v1/projects/p/roles").await.expect(200),
        "developer",
    );
    assert!(dev.get("modified").is_none(), "{dev}");
    assert_eq!(check(&bob).await, false);
}

async fn presets_role(w: &World, preset: &str, role: &str) -> Value {
    let list = w
        .admin
        .get(&format!("/v1/presets/{preset}/roles"))
        .await
        .expect(200);
    role_in(&list, role)
}

/// Two accepts of one org code at once: exactly one joins; two invites of one
/// email at once: one invitation (the org's row lock serializes them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_org_invites_and_accepts_of_one_code_have_one_winner() {
    let w = World::new().await;
    let (_, bob) = w.user("bob").await;
    w.admin
        .post("/v1/orgs", json!({"name": "acme"}))
        .await
        .expect(201);
    let body = invite_body(&["bob@example.com"], "viewer");
    let (a, b) = tokio::join!(
        w.admin.post("/v1/orgs/acme/invitations", body.clone()),
        w.admin.post("/v1/orgs/acme/invitations", body.clone()),
    );
    // One answers 201 (invited), the other 200 (already invited).
    let mut answered = [a.status.as_u16(), b.status.as_u16()];
    answered.sort();
    assert_eq!(answered, [200, 201]);
    let (a, b) = (a.body, b.body);
    let mut statuses = [
        a["results"][0]["status"].as_str().unwrap().to_owned(),
        b["results"][0]["status"].as_str().unwrap().to_owned(),
    ];
    statuses.sort();
    assert_eq!(statuses, ["already-invited", "invited"]);
    let code = [&a, &b]
        .iter()
        .find_map(|r| r["results"][0]["invitation"]["code"].as_str().map(str::to_owned))
        .unwrap();
    let accept = json!({"code": code});
    let (x, y) = tokio::join!(
        bob.post("/v1/invitations/accept", accept.clone()),
        bob.post("/v1/invitations/accept", accept.clone()),
    );
    let mut codes = [x.status.as_u16(), y.status.as_u16()];
    codes.sort();
    assert_eq!(codes, [200, 404]);
    let members = roles(&w.admin.get("/v1/orgs/acme/members").await.expect(200));
    assert_eq!(members, pairs(&[("admin", "owner"), ("bob", "viewer")]));
}
