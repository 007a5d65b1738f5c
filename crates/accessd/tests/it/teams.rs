//! Teams: CRUD, membership, visibility, bindings to a team (permissions,
//! escalation, last owner, policy documents) and the 404/409/422 paths.

use serde_json::{Value, json};

use crate::support::{Client, World};

async fn team(w: &World, name: &str) -> Value {
    w.admin.post("/v1/teams", json!({"name": name})).await.expect(201)
}

async fn bind_team(w: &World, project: &str, team: &str, role: &str) -> String {
    let b = w
        .admin
        .post(
            &format!("/v1/projects/{project}/role-bindings"),
            json!({"role": role, "principal": {"type": "team", "name": team}}),
        )
        .await
        .expect(201);
    b["id"].as_str().unwrap().to_owned()
}

async fn audit_actions(w: &World) -> Vec<String> {
    let page = w.admin.get("/v1/audit-events?limit=500").await.expect(200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

fn names(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().or(t["username"].as_str()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teams_crud_and_who_may_manage_them() {
    let w = World::new().await;
    let (_, bob) = w.user("bob").await;
    let t = team(&w, "Devs").await;
    assert_eq!(t["name"], "Devs");
    assert_eq!(t["org"]["name"], "default");
    assert_eq!(t["member_count"], 0);
    assert_eq!(t["created_by"], "admin");
    let id = t["id"].as_str().unwrap();

    // Names are unique case-insensitively; invalid names are 422.
    let dup = w
        .admin
        .post("/v1/teams", json!({"name": "devs"}))
        .await
        .problem(409, "name-taken");
    assert_eq!(dup["existing_id"], id);
    w.admin
        .post("/v1/teams", json!({"name": "two words"}))
        .await
        .problem(422, "validation-failed");
    w.admin
        .post("/v1/teams", json!({"name": "x", "color": "red"}))
        .await
        .problem(422, "validation-failed");
    w.admin
        .post("/v1/teams", json!({"name": "x", "org": "nope"}))
        .await
        .problem(404, "not-found");

    // Everyone in the org sees the teams, by name (any case) or id.
    team(&w, "ops").await;
    assert_eq!(names(&bob.get("/v1/teams").await.expect(200)), ["Devs", "ops"]);
    assert_eq!(bob.get("/v1/teams/DEVS").await.expect(200)["id"], id);
    assert_eq!(
        bob.get(&format!("/v1/teams/{id}")).await.expect(200)["name"],
        "Devs"
    );
    bob.get("/v1/teams/nope").await.problem(404, "not-found");
    bob.get("/v1/teams?org=nope").await.problem(404, "not-found");
    w.anon().get("/v1/teams").await.problem(401, "unauthenticated");

    // Only org owners and admins manage them: bob is an org member, and a
    // server administrator's flag alone is not enough either.
    bob.post("/v1/teams", json!({"name": "mine"}))
        .await
        .problem(403, "forbidden");
    bob.delete("/v1/teams/ops").await.problem(403, "forbidden");
    bob.send(reqwest::Method::PUT, "/v1/teams/ops/members/bob", None, &[])
        .await
        .problem(403, "forbidden");
    let (carol, carol_c) = w.user("carol").await;
    w.admin
        .patch(
            &format!("/v1/users/{}", carol["id"].as_str().unwrap()),
            json!({"is_admin": true}),
        )
        .await
        .expect(200);
    carol_c
        .post("/v1/teams", json!({"name": "mine"}))
        .await
        .problem(403, "forbidden");

    w.admin.delete("/v1/teams/ops").await.expect(204);
    w.admin.delete("/v1/teams/ops").await.problem(404, "not-found");
    assert_eq!(names(&bob.get("/v1/teams").await.expect(200)), ["Devs"]);
    let actions = audit_actions(&w).await;
    assert_eq!(actions.iter().filter(|a| *a == "team.create").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "team.delete").count(), 1);
}

async fn put(c: &Client, path: &str) -> crate::support::Resp {
    c.send(reqwest::Method::PUT, path, None, &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn membership_is_for_org_members_and_idempotent() {
    let w = World::new().await;
    let (bob, bob_c) = w.user("bob").await;
    w.user("carol").await;
    team(&w, "devs").await;

    let m = put(&w.admin, "/v1/teams/devs/members/bob@example.com")
        .await
        .expect(201);
    assert_eq!(m["user_id"], bob["id"]);
    assert_eq!(m["username"], "bob");
    assert_eq!(m["added_by"], "admin");
    // Again: nothing changes, 200.
    put(&w.admin, "/v1/teams/devs/members/BOB").await.expect(200);
    put(&w.admin, "/v1/teams/devs/members/carol").await.expect(201);
    let members = bob_c.get("/v1/teams/devs/members").await.expect(200);
    assert_eq!(names(&members), ["bob", "carol"]);
    assert_eq!(bob_c.get("/v1/teams/devs").await.expect(200)["member_count"], 2);

    put(&w.admin, "/v1/teams/devs/members/nobody@example.com")
        .await
        .problem(404, "user-not-found");
    put(&w.admin, "/v1/teams/nope/members/bob")
        .await
        .problem(404, "not-found");
    // Someone outside the org cannot be added.
    let (dave, _) = w.user("dave").await;
    sqlx::query("DELETE FROM org_members WHERE user_id = $1")
        .bind(dave["id"].as_str().unwrap())
        .execute(&w.srv.app.service().db.pool)
        .await
        .unwrap();
    put(&w.admin, "/v1/teams/devs/members/dave")
        .await
        .problem(404, "user-not-found");

    w.admin.delete("/v1/teams/devs/members/carol").await.expect(204);
    w.admin
        .delete("/v1/teams/devs/members/carol")
        .await
        .problem(404, "not-found");
    assert_eq!(
        names(&w.admin.get("/v1/teams/devs/members").await.expect(200)),
        ["bob"]
    );
    let actions = audit_actions(&w).await;
    assert_eq!(actions.iter().filter(|a| *a == "team.member.add").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "team.member.remove").count(), 1);

    // Deleting a user takes them out of their teams.
    w.admin
        .delete(&format!("/v1/users/{}", bob["id"].as_str().unwrap()))
        .await
        .expect(204);
    assert_eq!(
        names(&w.admin.get("/v1/teams/devs/members").await.expect(200)),
        Vec::<&str>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_binding_grants_its_members_access() {
    let w = World::new().await;
    w.project("shop", "goldsky").await;
    let (_, carol) = w.user("carol").await;
    team(&w, "devs").await;
    carol.get("/v1/projects/shop").await.problem(404, "not-found");

    let bid = bind_team(&w, "shop", "DEVS", "editor").await;
    let b = w
        .admin
        .get(&format!("/v1/projects/shop/role-bindings/{bid}"))
        .await
        .expect(200);
    assert_eq!(b["principal"]["type"], "team");
    assert_eq!(b["principal"]["name"], "devs");
    let listed = w
        .admin
        .get("/v1/projects/shop/role-bindings?principal_type=team")
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], bid.as_str());
    // Not in the team yet: nothing.
    carol.get("/v1/projects/shop").await.problem(404, "not-found");

    // Joining the team changes access in shop, so it moves shop's ETag.
    let etag = w.admin.get("/v1/projects/shop").await.header("etag").unwrap();
    put(&w.admin, "/v1/teams/devs/members/carol").await.expect(201);
    let etag2 = w.admin.get("/v1/projects/shop").await.header("etag").unwrap();
    assert_ne!(etag, etag2);
    let p = carol.get("/v1/projects/shop").await.expect(200);
    assert_eq!(p["my_roles"], json!(["editor"]));
    let mine = carol.get("/v1/projects/shop/permissions/me").await.expect(200);
    assert!(
        mine["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("subgraphs.manage"))
    );
    let listed = carol.get("/v1/projects").await.expect(200);
    assert_eq!(names(&listed), ["shop"]);
    let check = w
        .admin
        .post(
            "/v1/projects/shop/permissions:check",
            json!({"principal": {"type": "user", "username": "carol"}, "permissions": ["subgraphs.manage", "members.manage"]}),
        )
        .await
        .expect(200);
    assert_eq!(check["results"][0]["allowed"], true);
    assert_eq!(check["results"][0]["granted_by"][0]["binding_id"], bid.as_str());
    assert_eq!(check["results"][1]["allowed"], false);

    // Leaving the team takes it away.
    w.admin.delete("/v1/teams/devs/members/carol").await.expect(204);
    carol.get("/v1/projects/shop").await.problem(404, "not-found");

    // So does deleting the binding.
    put(&w.admin, "/v1/teams/devs/members/carol").await.expect(201);
    carol.get("/v1/projects/shop").await.expect(200);
    w.admin
        .delete(&format!("/v1/projects/shop/role-bindings/{bid}"))
        .await
        .expect(204);
    carol.get("/v1/projects/shop").await.problem(404, "not-found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_bindings_follow_the_escalation_and_last_owner_rules() {
    let w = World::new().await;
    w.project("p", "goldsky").await;
    let (_, dave) = w.user("dave").await;
    w.user("erin").await;
    w.bind("p", "dave", "admin").await;
    team(&w, "devs").await;
    let path = "/v1/projects/p/role-bindings";

    // A goldsky admin may bind what they hold, never the owner role.
    dave.post(
        path,
        json!({"role": "owner", "principal": {"type": "team", "name": "devs"}}),
    )
    .await
    .problem(403, "privilege-escalation");
    let b = dave
        .post(
            path,
            json!({"role": "editor", "principal": {"type": "team", "name": "devs"}}),
        )
        .await
        .expect(201);
    dave.post(
        path,
        json!({"role": "editor", "principal": {"type": "team", "name": "devs"}}),
    )
    .await
    .problem(409, "binding-exists");
    // ... and revoking a team's binding is checked like any other.
    let owner_b = bind_team(&w, "p", "devs", "owner").await;
    dave.delete(&format!("{path}/{owner_b}"))
        .await
        .problem(403, "privilege-escalation");
    dave.delete(&format!("{path}/{}", b["id"].as_str().unwrap()))
        .await
        .expect(204);

    // Team membership is not the project admin's to change.
    put(&dave, "/v1/teams/devs/members/dave")
        .await
        .problem(403, "forbidden");

    // A team owner binding does not keep a project owned: only direct owners count.
    put(&w.admin, "/v1/teams/devs/members/erin").await.expect(201);
    let admin_b = w
        .admin
        .get(&format!("{path}?role=owner&principal_type=user"))
        .await
        .expect(200);
    let admin_b = admin_b["items"][0]["id"].as_str().unwrap().to_owned();
    w.admin
        .delete(&format!("{path}/{admin_b}"))
        .await
        .problem(409, "last-owner");

    // Selectors: exactly one of id and name; an unknown team is 404.
    w.admin
        .post(path, json!({"role": "viewer", "principal": {"type": "team"}}))
        .await
        .problem(422, "validation-failed");
    let id = w.admin.get("/v1/teams/devs").await.expect(200)["id"].clone();
    w.admin
        .post(
            path,
            json!({"role": "viewer", "principal": {"type": "team", "name": "devs", "id": id}}),
        )
        .await
        .problem(422, "validation-failed");
    w.admin
        .post(
            path,
            json!({"role": "viewer", "principal": {"type": "team", "name": "nope"}}),
        )
        .await
        .problem(404, "not-found");
    w.admin
        .post(
            path,
            json!({"role": "viewer", "principal": {"type": "team", "id": id}}),
        )
        .await
        .expect(201);

    // A team in use is not deleted; once its bindings are gone it is.
    let r = w.admin.delete("/v1/teams/devs").await.problem(409, "team-in-use");
    assert!(r["detail"].as_str().unwrap().contains("'p'") || r["detail"].as_str().unwrap().contains(" p"));
    let bindings = w
        .admin
        .get(&format!("{path}?principal_type=team"))
        .await
        .expect(200);
    for b in bindings["items"].as_array().unwrap() {
        w.admin
            .delete(&format!("{path}/{}", b["id"].as_str().unwrap()))
            .await
            .expect(204);
    }
    w.admin.delete("/v1/teams/devs").await.expect(204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_documents_name_teams() {
    let w = World::new().await;
    w.project("p", "loft").await;
    let (_, erin) = w.user("erin").await;
    team(&w, "devs").await;
    put(&w.admin, "/v1/teams/devs/members/erin").await.expect(201);
    bind_team(&w, "p", "devs", "project-user").await;

    let doc = w.admin.get("/v1/projects/p/policy").await.expect(200);
    let team_b: Vec<&Value> = doc["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["principal"]["type"] == "team")
        .collect();
    assert_eq!(team_b.len(), 1);
    assert_eq!(team_b[0]["principal"], json!({"type": "team", "name": "devs"}));
    // The exported document applies unchanged.
    w.admin
        .put("/v1/projects/p/policy", doc.clone())
        .await
        .expect(200);

    // Without the team binding: erin loses access.
    let mut without = w.admin.get("/v1/projects/p/policy").await.expect(200);
    without["bindings"]
        .as_array_mut()
        .unwrap()
        .retain(|b| b["principal"]["type"] != "team");
    w.admin.put("/v1/projects/p/policy", without).await.expect(200);
    erin.get("/v1/projects/p").await.problem(404, "not-found");

    // With it again (by name, any case): back.
    let mut with = w.admin.get("/v1/projects/p/policy").await.expect(200);
    with["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"role": "project-viewer", "principal": {"type": "team", "name": "DEVS"}}));
    let applied = w.admin.put("/v1/projects/p/policy", with).await.expect(200);
    assert!(
        applied["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["principal"] == json!({"type": "team", "name": "devs"})
                && b["role"] == "project-viewer")
    );
    assert_eq!(
        erin.get("/v1/projects/p").await.expect(200)["my_roles"],
        json!(["project-viewer"])
    );
    // An unknown team in a document is 404 and changes nothing.
    let mut bad = w.admin.get("/v1/projects/p/policy").await.expect(200);
    bad["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"role": "project-viewer", "principal": {"type": "team", "name": "nope"}}));
    w.admin
        .put("/v1/projects/p/policy", bad)
        .await
        .problem(404, "not-found");
}

/// A team's deletion and a new binding of it race: exactly one wins, and a
/// team is never deleted under a binding (the team row's lock, see the README).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_team_races_binding_it() {
    let w = World::new().await;
    w.project("p", "akka").await;
    for i in 0..15 {
        let name = format!("t{i}");
        team(&w, &name).await;
        let body = json!({"role": "viewer", "principal": {"type": "team", "name": name}});
        let del_path = format!("/v1/teams/{name}");
        let (del, bind) = tokio::join!(
            w.admin.delete(&del_path),
            w.admin.post("/v1/projects/p/role-bindings", body),
        );
        match (del.status.as_u16(), bind.status.as_u16()) {
            (204, 404) => {}
            (409, 201) => {
                assert_eq!(del.code(), "team-in-use");
                let id = bind.body["id"].as_str().unwrap().to_owned();
                let b = w
                    .admin
                    .get(&format!("/v1/projects/p/role-bindings/{id}"))
                    .await
                    .expect(200);
                assert_eq!(b["principal"]["name"], name.as_str());
            }
            other => panic!("round {i}: {other:?}: {} / {}", del.body, bind.body),
        }
    }
    // No binding points at a deleted team.
    let bindings = w
        .admin
        .get("/v1/projects/p/role-bindings?principal_type=team&limit=500")
        .await
        .expect(200);
    for b in bindings["items"].as_array().unwrap() {
        let name = b["principal"]["name"].as_str().unwrap();
        assert!(!name.is_empty(), "a binding of a deleted team: {b}");
        w.admin.get(&format!("/v1/teams/{name}")).await.expect(200);
    }
}
