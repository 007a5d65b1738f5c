//! The membership document shared by `roles export | apply | edit`: reading it (YAML
//! or JSON; errors name the line or the field), the plan (what applying it changes)
//! and applying it with `PUT …/policy` guarded by the project's etag.
//!
//! The server's `PUT` makes the bindings exactly the document's. The plan is worked
//! out here, against the bindings as listed (with their users' ids and emails), so it
//! can be shown before anything changes (`--dry-run`) and so that, without `--prune`,
//! the bindings the document leaves out are sent back unchanged. The `PUT` carries the
//! etag the plan was made at: if anything changed since, nothing is applied (412).

use access_api::{PolicyBinding, PrincipalType};
use serde::Serialize;

/// What applying the document does to one binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// In the document, not in the project.
    Add,
    /// In both, with another expiry.
    Update,
    /// In the project, not in the document (`--prune`).
    Remove,
    /// In the project, not in the document, kept (no `--prune`).
    Keep,
    /// In both, the same.
    Unchanged,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Update => "update",
            Action::Remove => "remove",
            Action::Keep => "keep",
            Action::Unchanged => "unchanged",
        }
    }
}

/// Who a plan line is about: what the project knows of them, or what the document
/// says (a user not bound yet is known only by the id, username or email given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanPrincipal {
    #[serde(rename = "type")]
    pub kind: PrincipalType,
    pub id: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

impl PlanPrincipal {
    fn label(&self) -> String {
        match self.kind {
            PrincipalType::AllUsers => "All Users".to_owned(),
            PrincipalType::Team => format!(
                "team:{}",
                self.name.as_deref().or(self.id.as_deref()).unwrap_or_default()
            ),
            PrincipalType::User => {
                let who = self
                    .name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .or(self.username.as_deref());
                match (who, &self.email) {
                    (Some(w), Some(e)) => format!("{w} <{e}>"),
                    (Some(w), None) => w.to_owned(),
                    (None, Some(e)) => e.clone(),
                    (None, None) => self.id.clone().unwrap_or_default(),
                }
            }
        }
    }
}

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanItem {
    pub action: Action,
    pub role: String,
    pub principal: PlanPrincipal,
    pub expires_at: Option<String>,
    /// The expiry before, for `update`.
    pub previous_expires_at: Option<String>,
    #[serde(skip)]
    rank: i64,
}

/// What applying a document does, and the bindings to `PUT` for it.
#[derive(Debug)]
pub struct Plan {
    pub items: Vec<PlanItem>,
    pub bindings: Vec<PolicyBinding>,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.items.iter().filter(|i| i.action == action).count()
    }

    pub fn has_changes(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i.action, Action::Add | Action::Update | Action::Remove))
    }

    fn summary(&self, done: bool) -> String {
        let n = |a| self.count(a);
        let (add, update, remove) = if done {
            ("added", "updated", "removed")
        } else {
            ("to add", "to update", "to remove")
        };
        let mut s = format!(
            "{} {add}, {} {update}, {} {remove}, {} unchanged",
            n(Action::Add),
            n(Action::Update),
            n(Action::Remove),
            n(Action::Unchanged)
        );
        if n(Action::Keep) > 0 {
            s.push_str(&format!(
                ", {} not in the document kept (--prune removes them)",
                n(Action::Keep)
            ));
        }
        s
    }
}

mod apply;
mod document;
mod plan;

pub use apply::apply;
pub use document::parse;
use document::{etag_value, instant_ms, normalized_expiry};
use plan::{leaves_no_owner, plan};

#[cfg(test)]
mod tests {
    use access_api::{PolicyDocument, PrincipalSelector, Role, RoleBinding};

    use super::*;

    fn role(id: &str, name: &str, rank: i64, owner: bool) -> Role {
        Role {
            id: id.into(),
            name: name.into(),
            description: None,
            built_in: true,
            owner_grade: owner,
            rank,
            permissions: Vec::new(),
            server_wide: false,
            modified: false,
        }
    }

    fn roles() -> Vec<Role> {
        vec![
            role("r-admin", "admin", 0, true),
            role("r-developer", "developer", 1, false),
            role("r-viewer", "viewer", 2, false),
        ]
    }

    fn user_binding(id: &str, role: &str, user: &str, expires: Option<&str>) -> RoleBinding {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "role": {"id": format!("r-{role}"), "name": role},
            "principal": {"type": "user", "id": format!("u-{user}"), "username": user,
                          "email": format!("{user}@x.com"), "name": user.to_uppercase()},
            "expires_at": expires,
            "created_at": "2026-01-01T00:00:00Z",
        }))
        .unwrap()
    }

    fn current() -> Vec<RoleBinding> {
        vec![
            user_binding("b1", "admin", "ada", None),
            user_binding("b2", "developer", "bob", None),
            user_binding("b3", "viewer", "cy", Some("2030-01-01T00:00:00.000Z")),
        ]
    }

    fn doc(yaml: &str) -> PolicyDocument {
        parse(yaml, "doc.yaml").unwrap().unwrap()
    }

    fn actions(plan: &Plan) -> Vec<(Action, String, String)> {
        plan.items
            .iter()
            .map(|i| (i.action, i.role.clone(), i.principal.label()))
            .collect()
    }

    #[test]
    fn documents_read_as_yaml_or_json_and_empty_is_none() {
        let y = doc(
            "bindings:\n- role: admin\n  principal: {type: user, username: ada}\n- role: viewer\n  principal:\n    type: all-users\n",
        );
        assert_eq!(y.bindings.len(), 2);
        let j = doc(r#"{"bindings": [{"role": "admin", "principal": {"type": "user", "username": "ada"}}]}"#);
        assert_eq!(j.bindings[0], y.bindings[0]);
        assert_eq!(parse("# only a comment\n\n", "x").unwrap(), None);
    }

    #[test]
    fn bad_documents_name_the_line_or_field() {
        let e = parse(
            "bindings:\n- role: admin\n  principal: {type: user, usrname: ada}\n",
            "f.yaml",
        )
        .unwrap_err();
        assert_eq!(e.kind.exit_code(), 2);
        assert!(e.message.starts_with("cannot read f.yaml: "), "{}", e.message);
        // The tagged principal is read as a whole: the line is where its binding starts.
        assert!(
            e.message.contains("bindings[0]: unknown field `usrname`") && e.message.contains("line 2"),
            "{}",
            e.message
        );
        let e = parse("bindings: [\n", "f.yaml").unwrap_err();
        assert!(e.message.contains("line"), "{}", e.message);
        let e = parse("{\"bindings\": [{\"role\": 1}]}", "f.json").unwrap_err();
        assert!(e.message.contains("line 1"), "{}", e.message);
        let e = parse("bindings:\n- role: admin\n", "f.yaml").unwrap_err();
        assert!(e.message.contains("principal"), "{}", e.message);

        let bad = |yaml: &str| plan(&doc(yaml), &roles(), &current(), false, "d").unwrap_err();
        let e = bad("bindings:\n- role: boss\n  principal: {type: all-users}\n");
        assert_eq!(e.message, "d: bindings[0].role: unknown role 'boss'");
        assert_eq!(e.hint(), Some("valid roles: admin, developer, viewer"));
        let e = bad("bindings:\n- role: develper\n  principal: {type: all-users}\n");
        assert_eq!(e.hint(), Some("did you mean 'developer'?"));
        let e = bad("bindings:\n- role: admin\n  principal: {type: user}\n");
        assert_eq!(
            e.message,
            "d: bindings[0].principal: give exactly one of id, username or email"
        );
        let e = bad("bindings:\n- role: admin\n  principal: {type: user, username: ada, email: ada@x.com}\n");
        assert!(e.message.contains("exactly one"), "{}", e.message);
        let e = bad(
            "bindings:\n- role: admin\n  principal: {type: user, username: ada}\n- role: ADMIN\n  principal: {type: user, email: ADA@x.com}\n",
        );
        assert_eq!(
            e.message,
            "d: bindings[1]: the same principal and role as bindings[0]"
        );
        let e = bad("bindings:\n- role: admin\n  principal: {type: all-users}\n  expires_at: soon\n");
        assert!(
            e.message.starts_with("d: bindings[0].expires_at: 'soon'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn plan_adds_updates_keeps_or_prunes() {
        let d = doc("bindings:
- role: admin
  principal: {type: user, email: ADA@x.com}
- role: developer
  principal: {type: user, username: dan}
- role: viewer
  principal: {type: user, id: u-cy}
  expires_at: 2031-01-01
- role: viewer
  principal: {type: all-users}
");
        let kept = plan(&d, &roles(), &current(), false, "d").unwrap();
        assert_eq!(
            actions(&kept),
            [
                (Action::Add, "developer".into(), "dan".into()),
                (Action::Add, "viewer".into(), "All Users".into()),
                (Action::Update, "viewer".into(), "CY <cy@x.com>".into()),
                (Action::Keep, "developer".into(), "BOB <bob@x.com>".into()),
                (Action::Unchanged, "admin".into(), "ADA <ada@x.com>".into()),
            ]
        );
        let update = &kept.items[2];
        assert_eq!(update.expires_at.as_deref(), Some("2031-01-01T00:00:00Z"));
        assert_eq!(
            update.previous_expires_at.as_deref(),
            Some("2030-01-01T00:00:00.000Z")
        );
        // Sent: the document's bindings (bound users by id) and, without --prune, bob's.
        assert_eq!(kept.bindings.len(), 5);
        assert_eq!(
            kept.bindings[0].principal,
            PrincipalSelector::User {
                id: Some("u-ada".into()),
                username: None,
                email: None
            }
        );
        assert!(kept.bindings.iter().any(|b| b.role == "developer"
            && b.principal
                == PrincipalSelector::User {
                    id: Some("u-bob".into()),
                    username: None,
                    email: None
                }));
        let pruned = plan(&d, &roles(), &current(), true, "d").unwrap();
        assert_eq!(pruned.count(Action::Remove), 1);
        assert_eq!(pruned.count(Action::Keep), 0);
        assert_eq!(pruned.bindings.len(), 4);
        assert!(pruned.has_changes());
    }

    #[test]
    fn same_instant_is_unchanged_and_owners_are_counted() {
        let d = doc("bindings:
- role: admin
  principal: {type: user, username: ada}
- role: developer
  principal: {type: user, username: bob}
- role: viewer
  principal: {type: user, username: cy}
  expires_at: '2030-01-01T01:00:00+01:00'
");
        let p = plan(&d, &roles(), &current(), true, "d").unwrap();
        assert!(!p.has_changes(), "{:?}", actions(&p));
        assert!(!leaves_no_owner(&p, &roles()));
        let d = doc("bindings:\n- role: developer\n  principal: {type: user, username: bob}\n");
        let p = plan(&d, &roles(), &current(), true, "d").unwrap();
        assert!(leaves_no_owner(&p, &roles()));
        let p = plan(&d, &roles(), &current(), false, "d").unwrap();
        assert!(!leaves_no_owner(&p, &roles()));
    }

    #[test]
    fn etags_compare_without_quotes() {
        assert_eq!(etag_value("\"5\""), "5");
        assert_eq!(etag_value("W/\"5\""), "5");
        assert_eq!(etag_value(" 5 "), "5");
    }
}
