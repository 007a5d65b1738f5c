//! The policy document: get, apply a diff, stale etag, escalation, last owner.

use reqwest::Method;
use serde_json::json;

use crate::support::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_documents_apply_as_checked_diffs() {
    let w = World::new().await;
    w.project("p", "goldsky").await;
    let (_, bob) = w.user("bob").await;
    w.user("carol").await;
    w.bind("p", "bob", "admin").await;
    let r = w.admin.get("/v1/projects/p/policy").await;
    let etag = r.header("etag").unwrap();
    let doc = r.expect(200);
    assert_eq!(doc["etag"], etag.as_str());
    assert_eq!(doc["bindings"].as_array().unwrap().len(), 2);

    // apply: carol becomes editor, all-users viewer; bob stays admin; admin stays owner
    let mut next = doc.clone();
    let list = next["bindings"].as_array_mut().unwrap();
    list.push(json!({"role": "editor", "principal": {"type": "user", "email": "carol@example.com"}}));
    list.push(json!({"role": "viewer", "principal": {"type": "all-users"}}));
    let before = w.audit_count().await;
    let r = w.admin.put("/v1/projects/p/policy", next.clone()).await;
    let new_etag = r.header("etag").unwrap();
    let applied = r.expect(200);
    assert_eq!(applied["bindings"].as_array().unwrap().len(), 4);
    assert_eq!(w.audit_count().await, before + 1);
    // the old etag is stale now
    w.admin
        .put("/v1/projects/p/policy", next.clone())
        .await
        .problem(412, "precondition-failed");
    // applying the same document again is a no-op diff
    let mut same = applied.clone();
    same["etag"] = json!(new_etag);
    w.admin.put("/v1/projects/p/policy", same).await.expect(200);

    // bob (goldsky admin) may not drop the owner, nor apply a document without one
    let current = bob.get("/v1/projects/p/policy").await.expect(200);
    let mut no_owner = current.clone();
    no_owner["bindings"]
        .as_array_mut()
        .unwrap()
        .retain(|b| b["role"] != "owner");
    bob.put("/v1/projects/p/policy", no_owner.clone())
        .await
        .problem(403, "privilege-escalation");
    w.admin
        .put("/v1/projects/p/policy", no_owner)
        .await
        .problem(409, "last-owner");
    // unknown role, unknown user, duplicates → nothing written
    let mut bad = current.clone();
    bad["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"role": "boss", "principal": {"type": "all-users"}}));
    w.admin
        .put("/v1/projects/p/policy", bad)
        .await
        .problem(422, "validation-failed");
    let mut bad = current.clone();
    bad["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"role": "viewer", "principal": {"type": "user", "username": "ghost"}}));
    w.admin
        .put("/v1/projects/p/policy", bad)
        .await
        .problem(404, "user-not-found");
    let mut bad = current.clone();
    bad["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"role": "editor", "principal": {"type": "user", "username": "carol"}}));
    w.admin
        .put("/v1/projects/p/policy", bad)
        .await
        .problem(422, "validation-failed");
    let r = w
        .admin
        .send(Method::GET, "/v1/projects/p/policy", None, &[])
        .await;
    assert_eq!(
        r.header("etag").unwrap(),
        current["etag"].as_str().unwrap(),
        "failures bump nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_names_its_project_and_is_refused_elsewhere() {
    let w = World::new().await;
    w.project("p", "akka").await;
    w.project("q", "akka").await;
    let doc = w.admin.get("/v1/projects/p/policy").await.expect(200);
    assert_eq!(doc["project"], "p");
    // Both projects are at the same version: only the name tells the documents apart.
    let other = w.admin.get("/v1/projects/q/policy").await.expect(200);
    assert_eq!(doc["etag"], other["etag"]);
    let mut foreign = other.clone();
    foreign["bindings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"role": "viewer", "principal": {"type": "all-users"}}));
    let r = w.admin.put("/v1/projects/p/policy", foreign.clone()).await;
    let problem = r.problem(422, "validation-failed");
    assert_eq!(problem["errors"][0]["field"], "project");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("the document is for project 'q', not 'p'"),
        "{problem}"
    );
    // The project is checked before the etag: a stale foreign document says so too.
    foreign["etag"] = json!("\"999\"");
    w.admin
        .put("/v1/projects/p/policy", foreign)
        .await
        .problem(422, "validation-failed");
    let after = w.admin.get("/v1/projects/p/policy").await.expect(200);
    assert_eq!(after, doc, "nothing was applied");
    // The name matches case-insensitively; the id works too; no name is not checked.
    let id = w.admin.get("/v1/projects/p").await.expect(200)["id"].clone();
    for project in [json!("P"), id, serde_json::Value::Null] {
        let mut same = doc.clone();
        same["project"] = project.clone();
        same["etag"] = w.admin.get("/v1/projects/p/policy").await.expect(200)["etag"].clone();
        w.admin.put("/v1/projects/p/policy", same).await.expect(200);
    }
}
