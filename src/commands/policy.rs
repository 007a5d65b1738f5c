//! The membership document shared by `roles export | apply | edit`: reading it (YAML
//! or JSON; errors name the line or the field), the plan (what applying it changes)
//! and applying it with `PUT …/policy` guarded by the project's etag.
//!
//! The server's `PUT` makes the bindings exactly the document's. The plan is worked
//! out here, against the bindings as listed (with their users' ids and emails), so it
//! can be shown before anything changes (`--dry-run`) and so that, without `--prune`,
//! the bindings the document leaves out are sent back unchanged. The `PUT` carries the
//! etag the plan was made at: if anything changed since, nothing is applied (412).

use access_api::{
    PolicyBinding, PolicyDocument, Principal, PrincipalSelector, PrincipalType, ProblemCode, Role,
    RoleBinding,
};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;

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

// ------------------------------------------------------------------ reading

/// Reads a document (YAML, or JSON when it starts with `{`). `source` names it in
/// errors (a path, `stdin`). An empty document is `None`.
pub fn parse(text: &str, source: &str) -> Result<Option<PolicyDocument>, CliError> {
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if !meaningful {
        return Ok(None);
    }
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<PolicyDocument>(text).map_err(|e| e.to_string())
    } else {
        serde_norway::from_str::<PolicyDocument>(text).map_err(|e| e.to_string())
    };
    parsed.map(Some).map_err(|e| {
        CliError::usage(format!("cannot read {source}: {e}")).with_hint(
            "a document is `bindings:` with `role` and `principal` each (see `accessctl roles export`)",
        )
    })
}

/// The unix time in ms of an expiry: RFC 3339 or a date (midnight UTC).
fn instant_ms(s: &str) -> Option<i128> {
    let s = s.trim();
    let t = OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        time::Date::parse(s, &time::macros::format_description!("[year]-[month]-[day]"))
            .ok()
            .map(|d| d.midnight().assume_utc())
    })?;
    Some(t.unix_timestamp_nanos() / 1_000_000)
}

/// An expiry as the server stores it: ms, written RFC 3339 UTC.
fn normalized_expiry(s: &str) -> Option<(i128, String)> {
    let ms = instant_ms(s)?;
    let t = OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).ok()?;
    Some((ms, t.format(&Rfc3339).ok()?))
}

/// `"5"`, `W/"5"` and `5` are the same etag.
fn etag_value(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("W/").unwrap_or(s).trim_matches('"')
}

// ------------------------------------------------------------------ planning

fn key_of(p: &Principal) -> String {
    match p {
        Principal::User { id, .. } => format!("user:{id}"),
        Principal::Team { id, .. } => format!("team:{id}"),
        Principal::AllUsers => "all-users".to_owned(),
    }
}

fn known(p: &Principal) -> PlanPrincipal {
    match p {
        Principal::User {
            id,
            username,
            email,
            name,
            ..
        } => PlanPrincipal {
            kind: PrincipalType::User,
            id: Some(id.clone()),
            username: Some(username.clone()),
            email: Some(email.clone()),
            name: name.clone(),
        },
        Principal::Team { id, name } => PlanPrincipal {
            kind: PrincipalType::Team,
            id: Some(id.clone()),
            username: None,
            email: None,
            name: Some(name.clone()),
        },
        Principal::AllUsers => PlanPrincipal {
            kind: PrincipalType::AllUsers,
            id: None,
            username: None,
            email: None,
            name: None,
        },
    }
}

/// The exact selector of a bound principal (by id).
fn selector_of(p: &Principal) -> PrincipalSelector {
    match p {
        Principal::User { id, .. } => PrincipalSelector::User {
            id: Some(id.clone()),
            username: None,
            email: None,
        },
        Principal::Team { id, .. } => PrincipalSelector::Team {
            id: Some(id.clone()),
            name: None,
        },
        Principal::AllUsers => PrincipalSelector::AllUsers,
    }
}

/// A document's principal: the bound principal it names (matched like the server
/// does: id, or username/email case-insensitively), or itself when none is bound.
fn resolve(
    sel: &PrincipalSelector,
    current: &[RoleBinding],
    field: &str,
) -> Result<(String, PlanPrincipal, PrincipalSelector), String> {
    let one = |given: Vec<(&'static str, &Option<String>)>, kinds: &str| {
        let given: Vec<(&'static str, String)> = given
            .into_iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| (k, v.to_owned()))
            })
            .collect();
        match <[_; 1]>::try_from(given) {
            Ok([g]) => Ok(g),
            Err(_) => Err(format!("{field}.principal: give exactly one of {kinds}")),
        }
    };
    let bound = |matches: &dyn Fn(&Principal) -> bool| {
        current
            .iter()
            .map(|b| &b.principal)
            .find(|p| matches(p))
            .map(|p| (key_of(p), known(p), selector_of(p)))
    };
    match sel {
        PrincipalSelector::AllUsers => {
            Ok(bound(&|p| matches!(p, Principal::AllUsers)).unwrap_or_else(|| {
                (
                    "all-users".to_owned(),
                    known(&Principal::AllUsers),
                    PrincipalSelector::AllUsers,
                )
            }))
        }
        PrincipalSelector::User { id, username, email } => {
            let (kind, value) = one(
                vec![("id", id), ("username", username), ("email", email)],
                "id, username or email",
            )?;
            let found = bound(&|p| match p {
                Principal::User {
                    id, username, email, ..
                } => match kind {
                    "id" => *id == value,
                    "username" => username.eq_ignore_ascii_case(&value),
                    _ => email.eq_ignore_ascii_case(&value),
                },
                _ => false,
            });
            Ok(found.unwrap_or_else(|| {
                let pick = |k: &str| (kind == k).then(|| value.clone());
                (
                    format!("user?{kind}:{}", value.to_lowercase()),
                    PlanPrincipal {
                        kind: PrincipalType::User,
                        id: pick("id"),
                        username: pick("username"),
                        email: pick("email"),
                        name: None,
                    },
                    PrincipalSelector::User {
                        id: pick("id"),
                        username: pick("username"),
                        email: pick("email"),
                    },
                )
            }))
        }
        PrincipalSelector::Team { id, name } => {
            let (kind, value) = one(vec![("id", id), ("name", name)], "id or name")?;
            let found = bound(&|p| match p {
                Principal::Team { id, name } => match kind {
                    "id" => *id == value,
                    _ => name.eq_ignore_ascii_case(&value),
                },
                _ => false,
            });
            Ok(found.unwrap_or_else(|| {
                let pick = |k: &str| (kind == k).then(|| value.clone());
                (
                    format!("team?{kind}:{}", value.to_lowercase()),
                    PlanPrincipal {
                        kind: PrincipalType::Team,
                        id: pick("id"),
                        username: None,
                        email: None,
                        name: pick("name"),
                    },
                    PrincipalSelector::Team {
                        id: pick("id"),
                        name: pick("name"),
                    },
                )
            }))
        }
    }
}

/// The plan of making the project's `current` bindings match `doc`: every document
/// binding is added, updated (another expiry) or unchanged; every other current
/// binding is removed with `prune`, else kept. Invalid bindings are usage errors
/// naming their field (`bindings[2].role`).
pub fn plan(
    doc: &PolicyDocument,
    roles: &[Role],
    current: &[RoleBinding],
    prune: bool,
    source: &str,
) -> Result<Plan, CliError> {
    let invalid = |msg: String| CliError::usage(format!("{source}: {msg}"));
    let rank_of = |role_id: &str| {
        roles
            .iter()
            .find(|r| r.id == role_id)
            .map_or(i64::MAX, |r| r.rank)
    };
    let mut matched = vec![false; current.len()];
    let mut seen: Vec<(String, String, usize)> = Vec::new();
    let (mut items, mut bindings) = (Vec::new(), Vec::new());
    for (i, b) in doc.bindings.iter().enumerate() {
        let field = format!("bindings[{i}]");
        let role = roles
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(b.role.trim()) || r.id == b.role.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
                invalid(format!("{field}.role: unknown role '{}'", b.role.trim()))
                    .with_hint(format!("valid roles: {}", names.join(", ")))
            })?;
        let (key, principal, selector) = resolve(&b.principal, current, &field).map_err(invalid)?;
        if let Some((_, _, j)) = seen.iter().find(|(k, r, _)| *k == key && *r == role.id) {
            return Err(invalid(format!(
                "{field}: the same principal and role as bindings[{j}]"
            )));
        }
        seen.push((key.clone(), role.id.clone(), i));
        let expiry = match &b.expires_at {
            None => None,
            Some(s) => Some(normalized_expiry(s).ok_or_else(|| {
                invalid(format!(
                    "{field}.expires_at: '{s}' is not an RFC 3339 time (2026-01-31T12:00:00Z) or a date (2026-01-31)"
                ))
            })?),
        };
        let existing = current
            .iter()
            .position(|c| c.role.id == role.id && key_of(&c.principal) == key);
        let (action, previous) = match existing {
            None => (Action::Add, None),
            Some(j) => {
                matched[j] = true;
                let before = current[j].expires_at.clone();
                let same = before.as_deref().and_then(instant_ms) == expiry.as_ref().map(|e| e.0);
                if same {
                    (Action::Unchanged, None)
                } else {
                    (Action::Update, before)
                }
            }
        };
        let expires_at = expiry.map(|e| e.1);
        items.push(PlanItem {
            action,
            role: role.name.clone(),
            principal,
            expires_at: expires_at.clone(),
            previous_expires_at: previous,
            rank: role.rank,
        });
        bindings.push(PolicyBinding {
            role: role.name.clone(),
            principal: selector,
            expires_at,
        });
    }
    for (c, _) in current.iter().zip(&matched).filter(|(_, m)| !**m) {
        items.push(PlanItem {
            action: if prune { Action::Remove } else { Action::Keep },
            role: c.role.name.clone(),
            principal: known(&c.principal),
            expires_at: c.expires_at.clone(),
            previous_expires_at: None,
            rank: rank_of(&c.role.id),
        });
        if !prune {
            bindings.push(PolicyBinding {
                role: c.role.name.clone(),
                principal: selector_of(&c.principal),
                expires_at: c.expires_at.clone(),
            });
        }
    }
    items.sort_by_cached_key(|i| (i.action, i.rank, i.principal.label().to_lowercase()));
    Ok(Plan { items, bindings })
}

/// Whether the plan leaves no active user with an owner-grade role where there was
/// one (the server refuses that; the dry run says so).
fn leaves_no_owner(plan: &Plan, roles: &[Role]) -> bool {
    let now = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let owner = |i: &PlanItem| {
        i.principal.kind == PrincipalType::User
            && roles
                .iter()
                .any(|r| r.owner_grade && r.name.eq_ignore_ascii_case(&i.role))
    };
    let active = |e: Option<&str>| e.and_then(instant_ms).is_none_or(|t| t > now);
    let before = plan.items.iter().any(|i| {
        let was = if i.action == Action::Update {
            &i.previous_expires_at
        } else {
            &i.expires_at
        };
        i.action != Action::Add && owner(i) && active(was.as_deref())
    });
    let after = plan
        .items
        .iter()
        .any(|i| i.action != Action::Remove && owner(i) && active(i.expires_at.as_deref()));
    before && !after
}

// ------------------------------------------------------------------ applying

/// Prints the plan: `ACTION ROLE PRINCIPAL EXPIRES` (JSON: the items); `-q` prints
/// nothing.
fn print(ctx: &Ctx, plan: &Plan) -> Result<(), CliError> {
    let mut table = Table::new(&["ACTION", "ROLE", "PRINCIPAL", "EXPIRES"]);
    for i in &plan.items {
        let mut expires = i.expires_at.clone().unwrap_or_default();
        if i.action == Action::Update {
            let never = |e: &Option<String>| e.clone().unwrap_or_else(|| "never".into());
            expires = format!("{} (was {})", never(&i.expires_at), never(&i.previous_expires_at));
        }
        table.push(
            String::new(),
            vec![
                i.action.as_str().to_owned(),
                i.role.clone(),
                i.principal.label(),
                expires,
            ],
        );
    }
    table.ids.clear();
    ctx.output().print(&plan.items, &table)
}

/// Makes the project's membership match `doc` (read from `source`): checks it names
/// this project and is not stale, plans, and unless `dry_run` or there is nothing to
/// change, applies the plan at the etag it was made at. Prints the plan on success.
pub async fn apply(
    ctx: &Ctx,
    doc: &PolicyDocument,
    source: &str,
    prune: bool,
    dry_run: bool,
) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let now = api.get_policy(&project).await?;
    let name = now.project.clone().unwrap_or_else(|| project.clone());
    if let Some(p) = doc.project.as_deref().map(str::trim)
        && !(p.eq_ignore_ascii_case(&name) || p == project)
    {
        return Err(
            CliError::usage(format!("{source} is for project '{p}', not '{name}'")).with_hint(format!(
                "apply it to its project with `--project {p}`, or change its `project:` line"
            )),
        );
    }
    let roles = api.list_roles(&project).await?;
    let current = api.list_role_bindings(&project, None, None).await?;
    let plan = plan(doc, &roles, &current, prune, source)?;
    // A stale document changes nothing it does not already match (so applying the
    // same file twice is fine), but it never overwrites what changed since.
    let current_etag = now.etag.clone().unwrap_or_default();
    if plan.has_changes()
        && let Some(e) = &doc.etag
        && etag_value(e) != etag_value(&current_etag)
    {
        return Err(stale(&name, source));
    }
    if !plan.has_changes() {
        print(ctx, &plan)?;
        ctx.output()
            .info(&format!("No changes: project {name} already matches {source}"));
        return Ok(());
    }
    if dry_run {
        print(ctx, &plan)?;
        if leaves_no_owner(&plan, &roles) {
            ctx.output().warn(&format!(
                "this leaves project {name} without an owner: the server will refuse it"
            ));
        }
        ctx.output()
            .info(&format!("Dry run: {}; nothing was changed", plan.summary(false)));
        return Ok(());
    }
    let body = PolicyDocument {
        project: now.project.clone(),
        etag: now.etag.clone(),
        bindings: plan.bindings.clone(),
    };
    match api.put_policy(&project, &body).await {
        Ok(_) => {}
        // Only a change made since the plan was worked out (the document's own etag
        // was checked above).
        Err(e) if e.code() == Some(ProblemCode::PreconditionFailed) => {
            return Err(CliError::conflict(format!(
                "project {name} changed while {source} was being applied; nothing was changed"
            ))
            .with_hint("run the command again"));
        }
        Err(e) => return Err(e.into()),
    }
    print(ctx, &plan)?;
    ctx.output().info(&format!(
        "Applied {source} to project {name}: {}",
        plan.summary(true)
    ));
    Ok(())
}

fn stale(project: &str, source: &str) -> CliError {
    CliError::conflict(format!(
        "project {project} has changed since {source} was exported (its etag is stale); nothing was changed"
    ))
    .with_hint("export it again (`accessctl roles export > FILE`), make your changes there, and apply that")
}

#[cfg(test)]
mod tests {
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
        assert_eq!(e.hint.as_deref(), Some("valid roles: admin, developer, viewer"));
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
