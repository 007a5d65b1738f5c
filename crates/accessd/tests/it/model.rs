//! Model-based test: random sequences of access changes by random actors,
//! each outcome predicted by a small model of docs/access-model.md, and after every step
//! the server's members equal the model's and the project has an owner.

use std::collections::{BTreeMap, BTreeSet};

use access_api::presets::{self, Preset};
use serde_json::json;

use crate::support::{Client, Resp, World};

struct Lcg(u64);
impl Lcg {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const USERS: [&str; 5] = ["admin", "u0", "u1", "u2", "u3"];

struct Model {
    preset: &'static Preset,
    roles: BTreeMap<String, BTreeSet<String>>,
}

/// What the model expects: a status and, for errors, the code.
type Want = (u16, &'static str);

impl Model {
    fn perms(&self, user: &str) -> BTreeSet<&'static str> {
        if user == "admin" {
            // org owner: every permission in the org's projects
            return access_api::permissions::all().map(|p| p.name).collect();
        }
        let held = self.roles.get(user).cloned().unwrap_or_default();
        self.preset
            .roles
            .iter()
            .filter(|r| held.contains(r.name))
            .flat_map(|r| r.permissions.iter().copied())
            .collect()
    }
    fn owners(&self) -> usize {
        let owner = self.preset.owner_role().name;
        self.roles.values().filter(|r| r.contains(owner)).count()
    }
    /// 403 code if `actor` may not grant/revoke all of `roles`.
    fn escalation(&self, actor: &str, roles: &[&str]) -> Option<Want> {
        let held = self.perms(actor);
        if !held.contains("members.manage") {
            return Some((403, "forbidden"));
        }
        for name in roles {
            let r = self.preset.role(name).unwrap();
            if (r.owner_grade && !held.contains("owners.manage"))
                || !r.permissions.iter().all(|p| held.contains(p))
            {
                return Some((403, "privilege-escalation"));
            }
        }
        None
    }
    fn visible(&self, actor: &str) -> bool {
        self.perms(actor).contains("project.view")
    }
    fn held(&self, user: &str) -> BTreeSet<String> {
        self.roles.get(user).cloned().unwrap_or_default()
    }
    /// Applies `after` if the owner count stays positive; else last-owner.
    fn commit(&mut self, user: &str, after: BTreeSet<String>, ok: u16) -> Want {
        let before = self.roles.clone();
        if after.is_empty() {
            self.roles.remove(user);
        } else {
            self.roles.insert(user.to_owned(), after);
        }
        if self.owners() == 0 {
            self.roles = before;
            return (409, "last-owner");
        }
        (ok, "")
    }
}

async fn binding_id(w: &World, user: &str, role: &str) -> Option<String> {
    let page = w
        .admin
        .get("/v1/projects/m/role-bindings?limit=500")
        .await
        .expect(200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["principal"]["username"] == user && b["role"]["name"] == role)
        .map(|b| b["id"].as_str().unwrap().to_owned())
}

#[track_caller]
fn assert_want(step: usize, what: &str, r: &Resp, want: Want) {
    assert_eq!(r.status.as_u16(), want.0, "step {step}: {what}: {}", r.body);
    if want.0 >= 400 {
        assert_eq!(r.code(), want.1, "step {step}: {what}: {}", r.body);
    }
}

async fn run(seed: u64, preset: &'static Preset, steps: usize) {
    let w = World::new().await;
    let mut clients: BTreeMap<&str, Client> = BTreeMap::new();
    clients.insert("admin", w.admin.clone());
    for u in &USERS[1..] {
        let (_, c) = w.user(u).await;
        clients.insert(u, c);
    }
    w.project("m", preset.name).await;
    let owner = preset.owner_role().name;
    w.bind("m", "u0", owner).await;
    w.admin.delete("/v1/projects/m/members/me").await.expect(204);
    let mut m = Model {
        preset,
        roles: BTreeMap::from([("u0".to_owned(), BTreeSet::from([owner.to_owned()]))]),
    };
    let mut rng = Lcg(seed);
    let mut seen: BTreeSet<Want> = BTreeSet::new();
    let role_names: Vec<&str> = preset.roles.iter().map(|r| r.name).collect();
    for step in 0..steps {
        let actor = USERS[rng.pick(USERS.len())];
        let target = USERS[rng.pick(USERS.len())];
        let role = role_names[rng.pick(role_names.len())];
        let c = &clients[actor];
        let hidden: Want = (404, "not-found");
        match rng.pick(5) {
            0 => {
                let r = c
                    .post(
                        "/v1/projects/m/role-bindings",
                        json!({"role": role, "principal": {"type": "user", "username": target}}),
                    )
                    .await;
                let want = if !m.visible(actor) {
                    hidden
                } else if let Some(e) = m.escalation(actor, &[role]) {
                    e
                } else if m.held(target).contains(role) {
                    (409, "binding-exists")
                } else {
                    let mut after = m.held(target);
                    after.insert(role.to_owned());
                    m.commit(target, after, 201)
                };
                seen.insert(want);
                assert_want(step, &format!("{actor} adds {target} as {role}"), &r, want);
            }
            1 => {
                let Some(id) = binding_id(&w, target, role).await else {
                    continue;
                };
                let r = c.delete(&format!("/v1/projects/m/role-bindings/{id}")).await;
                let want = if !m.visible(actor) {
                    hidden
                } else if let Some(e) = m.escalation(actor, &[role]) {
                    e
                } else {
                    let mut after = m.held(target);
                    after.remove(role);
                    m.commit(target, after, 204)
                };
                seen.insert(want);
                assert_want(step, &format!("{actor} deletes {target}'s {role}"), &r, want);
            }
            2 => {
                let r = c
                    .put(&format!("/v1/projects/m/members/{target}"), json!({"role": role}))
                    .await;
                let mut involved: Vec<String> = m.held(target).into_iter().filter(|x| x != role).collect();
                involved.push(role.to_owned());
                let involved: Vec<&str> = involved.iter().map(String::as_str).collect();
                let want = if !m.visible(actor) {
                    hidden
                } else if let Some(e) = m.escalation(actor, &involved) {
                    e
                } else {
                    m.commit(target, BTreeSet::from([role.to_owned()]), 200)
                };
                seen.insert(want);
                assert_want(step, &format!("{actor} sets {target} to {role}"), &r, want);
            }
            3 => {
                let me = actor == target;
                let path = if me { "me" } else { target };
                let r = c.delete(&format!("/v1/projects/m/members/{path}")).await;
                let held = m.held(target);
                let roles: Vec<&str> = held.iter().map(String::as_str).collect();
                let want = if !m.visible(actor) {
                    hidden
                } else if held.is_empty() {
                    (404, "not-found")
                } else if let Some(e) = (!me).then(|| m.escalation(actor, &roles)).flatten() {
                    e
                } else {
                    m.commit(target, BTreeSet::new(), 204)
                };
                seen.insert(want);
                assert_want(step, &format!("{actor} removes {path}"), &r, want);
            }
            _ => {
                let r = c.get("/v1/projects/m/members").await;
                let want = if !m.visible(actor) {
                    hidden
                } else if !m.perms(actor).contains("members.view") {
                    (403, "forbidden")
                } else {
                    (200, "")
                };
                seen.insert(want);
                assert_want(step, &format!("{actor} lists members"), &r, want);
            }
        }
        // The server agrees with the model, and the project has an owner.
        let members = w.admin.get("/v1/projects/m/members").await.expect(200);
        let server: BTreeMap<String, BTreeSet<String>> = members["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let roles = x["roles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["name"].as_str().unwrap().to_owned())
                    .collect();
                (x["username"].as_str().unwrap().to_owned(), roles)
            })
            .collect();
        assert_eq!(server, m.roles, "step {step}");
        assert!(m.owners() >= 1);
    }
    // The sequence exercised every kind of outcome.
    // (In akka only the owner-grade role can manage members, so nothing is ever
    // an escalation short of a missing members.manage.)
    let denial = if preset.name == "akka" {
        (403, "forbidden")
    } else {
        (403, "privilege-escalation")
    };
    for want in [
        (201, ""),
        (204, ""),
        (200, ""),
        denial,
        (409, "last-owner"),
        (409, "binding-exists"),
        (404, "not-found"),
    ] {
        assert!(
            seen.contains(&want),
            "seed {seed} never produced {want:?}: {seen:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_sequences_agree_with_the_model_goldsky() {
    run(7, presets::find("goldsky").unwrap(), 250).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_sequences_agree_with_the_model_akka() {
    run(11, presets::find("akka").unwrap(), 250).await;
}
