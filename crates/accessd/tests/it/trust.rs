//! Holding an invitation code does not capture an account, and a 409 shows
//! nothing of a resource the caller cannot see.

use serde_json::{Value, json};

use crate::support::{Client, World};

async fn invite(c: &Client, p: &str, email: &str, role: &str) -> Value {
    let r = c
        .post(
            &format!("/v1/projects/{p}/invitations"),
            json!({"emails": [email], "role": role}),
        )
        .await
        .expect(201);
    r["results"][0]["invitation"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_for_an_existing_account_needs_its_login() {
    let w = World::new().await;
    w.project("p", "akka").await;
    let (_, dave) = w.user("dave").await;
    let (_, erin) = w.user("erin").await;
    let inv = invite(&w.admin, "p", "dave@example.com", "viewer").await;
    let code = json!({"code": inv["code"]});

    // Whoever holds the code (here: the inviter) cannot bind dave's account.
    w.anon()
        .post("/v1/invitations/accept", code.clone())
        .await
        .problem(401, "unauthenticated");
    // Nor can another account.
    erin.post("/v1/invitations/accept", code.clone())
        .await
        .problem(403, "email-mismatch");
    dave.get("/v1/projects/p").await.problem(404, "not-found");
    let open = w.admin.get("/v1/projects/p/invitations").await.expect(200);
    assert_eq!(open["items"].as_array().unwrap().len(), 1, "still open");

    // dave, signed in, accepts: bound in the invited project, no new token.
    let acc = dave.post("/v1/invitations/accept", code).await.expect(200);
    assert_eq!(acc["project"]["name"], "p");
    assert_eq!(acc["user"]["username"], "dave");
    assert!(acc.get("token").is_none());
    dave.get("/v1/projects/p").await.expect(200);
}

/// The attack: a project owner invites someone else's email, keeps the code
/// (no mail delivery: the inviter is the delivery channel), accepts it and so
/// holds that account's token. The account must stay inside that one project:
/// no org membership, so another project's admin cannot bind it directly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_code_does_not_mint_an_org_account() {
    let w = World::new().await;
    let (_, mallory) = w.user("mallory").await;
    mallory
        .post("/v1/projects", json!({"name": "m"}))
        .await
        .expect(201);
    let inv = invite(&mallory, "m", "ceo@example.com", "viewer").await;
    assert!(inv["code"].as_str().unwrap().starts_with("inv_"));
    let acc = w
        .anon()
        .post("/v1/invitations/accept", json!({"code": inv["code"]}))
        .await
        .expect(200);
    assert_eq!(acc["project"]["name"], "m", "the invited project");
    let ceo = Client::new(&w.srv.url, acc["token"]["token"].as_str());
    ceo.get("/v1/projects/m").await.expect(200);

    // Not an org member: the org is invisible and no project can be created in it.
    ceo.get("/v1/orgs/default").await.problem(404, "not-found");
    ceo.post("/v1/projects", json!({"name": "mine"}))
        .await
        .problem(404, "not-found");

    // Another project's admin adding that email directly is refused, with a
    // detail that says what an invitation does and does not do.
    w.project("board", "akka").await;
    let refused = w
        .admin
        .post(
            "/v1/projects/board/role-bindings",
            json!({"role": "admin", "principal": {"type": "user", "email": "ceo@example.com"}}),
        )
        .await
        .problem(404, "user-not-found");
    let detail = refused["detail"].as_str().unwrap();
    assert!(detail.contains("this project only"), "{detail}");
    assert!(detail.contains("add them to the org"), "{detail}");
    ceo.get("/v1/projects/board").await.problem(404, "not-found");

    // Invited there too, ceo (now with an account) must accept signed in.
    let inv = invite(&w.admin, "board", "ceo@example.com", "viewer").await;
    mallory
        .post("/v1/invitations/accept", json!({"code": inv["code"]}))
        .await
        .problem(403, "email-mismatch");
    w.anon()
        .post("/v1/invitations/accept", json!({"code": inv["code"]}))
        .await
        .problem(401, "unauthenticated");
    // Without mail delivery the response says the inviter is the channel.
    assert_eq!(inv["delivery"], "inviter");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_shows_nothing_of_a_hidden_project() {
    let w = World::new().await;
    let (_, carol) = w.user("carol").await;
    let (_, alice) = w.user("alice").await;
    let p = carol
        .post("/v1/projects", json!({"name": "p-carol"}))
        .await
        .expect(201);
    let hidden = p["id"].as_str().unwrap();
    alice.get("/v1/projects/p-carol").await.problem(404, "not-found");
    alice
        .get(&format!("/v1/projects/{hidden}"))
        .await
        .problem(404, "not-found");

    // Creating or renaming to the taken name: 409, but no id (nor anything
    // else) of carol's project.
    let r = alice
        .send(
            reqwest::Method::POST,
            "/v1/projects",
            Some(&json!({"name": "P-Carol"})),
            &[],
        )
        .await;
    let raw = r.body.to_string();
    let dup = r.problem(409, "name-taken");
    assert!(dup.get("existing_id").is_none(), "{dup}");
    assert!(!raw.contains(hidden), "{raw}");
    alice
        .post("/v1/projects", json!({"name": "p-alice"}))
        .await
        .expect(201);
    let dup = alice
        .patch("/v1/projects/p-alice", json!({"name": "p-carol"}))
        .await
        .problem(409, "name-taken");
    assert!(dup.get("existing_id").is_none(), "{dup}");
    assert!(!dup.to_string().contains(hidden), "{dup}");

    // Whoever can see the project still gets its id.
    let own = carol
        .post("/v1/projects", json!({"name": "p-carol"}))
        .await
        .problem(409, "name-taken");
    assert_eq!(own["existing_id"], hidden);

    // binding-exists: the binding's id only for a caller who may list bindings.
    w.project("q", "akka").await;
    for (name, perms) in [
        ("binder", json!(["project.view", "members.manage"])),
        ("basic", json!(["project.view"])),
    ] {
        w.admin
            .post(
                "/v1/projects/q/roles",
                json!({"name": name, "permissions": perms}),
            )
            .await
            .expect(201);
    }
    w.bind("q", "alice", "binder").await;
    alice
        .get("/v1/projects/q/role-bindings")
        .await
        .problem(403, "forbidden");
    let bind = json!({"role": "basic", "principal": {"type": "user", "username": "carol"}});
    let b = alice
        .post("/v1/projects/q/role-bindings", bind.clone())
        .await
        .expect(201);
    let dup = alice
        .post("/v1/projects/q/role-bindings", bind.clone())
        .await
        .problem(409, "binding-exists");
    assert!(dup.get("existing_id").is_none(), "{dup}");
    let seen = w
        .admin
        .post("/v1/projects/q/role-bindings", bind)
        .await
        .problem(409, "binding-exists");
    assert_eq!(seen["existing_id"], b["id"]);
}
