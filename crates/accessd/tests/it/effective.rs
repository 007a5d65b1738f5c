//! Effective permissions against an independent model (issue "Organizations"):
//! proptest draws random situations — bindings of users, teams and All Users (some
//! expired), team memberships, and an org role per user (base or a custom role with
//! random environment levels) — and every user's `permissions:check` over the whole
//! catalogue must equal what the model computes from the access model's rules.

use std::collections::BTreeSet;

use access_api::permissions::{self, ENV_TYPES};
use access_api::presets;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Client, World};

const USERS: usize = 4;
const TEAMS: usize = 2;
const BASE: [&str; 6] = ["owner", "admin", "devops", "billing-manager", "viewer", "member"];
const LEVELS: [&str; 4] = ["NO_ACCESS", "VIEWER", "DEPLOYER", "MANAGER"];

#[derive(Debug, Clone)]
enum Who {
    User(usize),
    Team(usize),
    AllUsers,
}

#[derive(Debug, Clone)]
struct Case {
    /// (principal, akka role index, expired)
    bindings: Vec<(Who, usize, bool)>,
    /// team → members
    teams: [Vec<usize>; TEAMS],
    /// per user: a base role (index into BASE) or the custom role (None)
    org_roles: [Option<usize>; USERS],
    /// the custom role: admin in the project, or a level per environment type
    custom_admin: bool,
    custom_levels: [usize; 4],
}

fn case() -> impl Strategy<Value = Case> {
    let akka = presets::find("akka").unwrap().roles.len();
    let who = prop_oneof![
        (0..USERS).prop_map(Who::User),
        (0..TEAMS).prop_map(Who::Team),
        Just(Who::AllUsers),
    ];
    (
        prop::collection::vec((who, 0..akka, prop::bool::weighted(0.2)), 0..6),
        [
            prop::collection::vec(0..USERS, 0..3),
            prop::collection::vec(0..USERS, 0..3),
        ],
        [
            prop::option::weighted(0.8, 0..BASE.len()),
            prop::option::weighted(0.8, 0..BASE.len()),
            prop::option::weighted(0.8, 0..BASE.len()),
            prop::option::weighted(0.8, 0..BASE.len()),
        ],
        prop::bool::weighted(0.2),
        [0..4usize, 0..4usize, 0..4usize, 0..4usize],
    )
        .prop_map(|(bindings, teams, org_roles, custom_admin, custom_levels)| Case {
            bindings,
            teams,
            org_roles,
            custom_admin,
            custom_levels,
        })
}

pub fn with_implied<'a>(perms: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    perms
        .into_iter()
        .flat_map(permissions::implied)
        .map(str::to_owned)
        .collect()
}

fn everything() -> BTreeSet<String> {
    permissions::all().map(|p| p.name.to_owned()).collect()
}

/// The access model's org roles (docs/access-model.md, "Organizations and org roles"), written out here.
pub fn base_org_grants(role: &str) -> BTreeSet<String> {
    match role {
        "owner" | "admin" => everything(),
        "viewer" => with_implied(["project.view", "members.view", "invitations.view", "roles.view"]),
        "devops" => {
            let mut s = with_implied(["project.view", "members.view", "roles.view"]);
            for t in ENV_TYPES {
                s.extend(with_implied([format!("env.{t}.manage").as_str()]));
            }
            s
        }
        "billing-manager" => with_implied(["billing.manage"]),
        _ => BTreeSet::new(),
    }
}

/// What the model says `user` holds in the project.
fn model(c: &Case, user: usize) -> BTreeSet<String> {
    let akka = presets::find("akka").unwrap();
    let mut held = BTreeSet::new();
    // The server refuses a second binding of the same principal and role: the
    // first one drawn is the one that exists.
    let mut seen = BTreeSet::new();
    for (who, role, expired) in &c.bindings {
        if !seen.insert((format!("{who:?}"), *role)) {
            continue;
        }
        let applies = match who {
            Who::User(u) => *u == user,
            Who::Team(t) => c.teams[*t].contains(&user),
            Who::AllUsers => true, // every test user is an org member
        };
        if applies && !expired {
            held.extend(with_implied(akka.roles[*role].permissions.iter().copied()));
        }
    }
    match c.org_roles[user] {
        Some(b) => held.extend(base_org_grants(BASE[b])),
        None if c.custom_admin => held.extend(everything()),
        None => {
            let envs = ["development", "preview", "staging", "production"];
            let ours = ["", "view", "deploy", "manage"];
            let granted: Vec<(&str, &str)> = envs
                .iter()
                .zip(c.custom_levels)
                .filter(|(_, l)| *l > 0)
                .map(|(e, l)| (*e, ours[l]))
                .collect();
            // NO_ACCESS everywhere is no grant at all.
            if !granted.is_empty() {
                held.extend(with_implied(["project.view"]));
                for (e, level) in granted {
                    held.extend(with_implied([format!("env.{e}.{level}").as_str()]));
                }
            }
        }
    }
    held
}

async fn run_case(w: &World, n: usize, c: &Case) {
    let project = format!("p{n}");
    let org = format!("o{n}");
    w.admin.post("/v1/orgs", json!({"name": org})).await.expect(201);
    w.admin
        .post(
            "/v1/projects",
            json!({"name": project, "org": org, "role_preset": "akka"}),
        )
        .await
        .expect(201);
    let mut users: Vec<Client> = Vec::new();
    for u in 0..USERS {
        let (_, client) = w.user(&format!("c{n}u{u}")).await;
        users.push(client);
    }
    let levels: Vec<Value> = ["DEVELOPMENT", "PREVIEW", "STAGING", "PRODUCTION"]
        .iter()
        .zip(c.custom_levels)
        .map(|(t, l)| json!({"environment_type": t, "permission": LEVELS[l]}))
        .collect();
    w.admin
        .post(
            &format!("/v1/orgs/{org}/roles"),
            json!({"name": "custom", "project_permissions": [
                {"project_id": project, "is_admin": c.custom_admin, "permissions": levels}]}),
        )
        .await
        .expect(201);
    for (u, role) in c.org_roles.iter().enumerate() {
        let role = role.map(|b| BASE[b]).unwrap_or("custom");
        w.admin
            .send(
                Method::PUT,
                &format!("/v1/orgs/{org}/members/c{n}u{u}"),
                Some(&json!({"role": role})),
                &[],
            )
            .await
            .expect(201);
    }
    for (t, members) in c.teams.iter().enumerate() {
        let team = format!("t{t}");
        w.admin
            .post("/v1/teams", json!({"name": team, "org": org}))
            .await
            .expect(201);
        for m in members {
            let r = w
                .admin
                .send(
                    Method::PUT,
                    &format!("/v1/teams/{team}/members/c{n}u{m}?org={org}"),
                    None,
                    &[],
                )
                .await;
            assert!(r.status.is_success(), "{}", r.body);
        }
    }
    let akka = presets::find("akka").unwrap();
    let now = w.srv.now_ms();
    for (who, role, expired) in &c.bindings {
        let principal = match who {
            Who::User(u) => json!({"type": "user", "username": format!("c{n}u{u}")}),
            Who::Team(t) => json!({"type": "team", "name": format!("t{t}")}),
            Who::AllUsers => json!({"type": "all-users"}),
        };
        let mut body = json!({"role": akka.roles[*role].name, "principal": principal});
        if *expired {
            body["expires_at"] = json!(access_api_time(now + 1000));
        }
        let r = w
            .admin
            .post(&format!("/v1/projects/{project}/role-bindings"), body)
            .await;
        // The same principal and role twice is refused; the model sees one.
        assert!(
            r.status.as_u16() == 201 || r.code() == "binding-exists",
            "{}",
            r.body
        );
    }
    // Expiring bindings run out.
    w.srv.advance_ms(2000);
    let all: Vec<String> = permissions::all().map(|p| p.name.to_owned()).collect();
    for (u, client) in users.iter().enumerate() {
        let want = model(c, u);
        let r = client
            .post(
                &format!("/v1/projects/{project}/permissions:check"),
                json!({"permissions": all}),
            )
            .await;
        if want.contains("project.view") {
            assert_eq!(r.status.as_u16(), 200, "case {n}, user {u}: {c:?}: {}", r.body);
            let body = r.body;
            let got: BTreeSet<String> = body["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["allowed"] == true)
                .map(|x| x["permission"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(got, want, "case {n}, user {u}: {c:?}");
        } else {
            // Without project.view the project does not exist for them.
            r.problem(404, "not-found");
        }
    }
}

fn access_api_time(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
    t.format(&time::format_description::well_known::Rfc3339).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn effective_permissions_match_the_model() {
    let w = World::new().await;
    // A fresh seed each run; a failure prints the case it drew.
    let mut runner = TestRunner::new(Config::default());
    let strategy = case();
    for n in 0..24 {
        let c = strategy.new_tree(&mut runner).unwrap().current();
        run_case(&w, n, &c).await;
    }
}
