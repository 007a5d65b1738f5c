//! The plan: what applying a document changes, worked out against the bindings as
//! listed.

use access_api::{
    PolicyBinding, PolicyDocument, Principal, PrincipalSelector, PrincipalType, Role, RoleBinding,
};
use time::OffsetDateTime;

use super::*;
use crate::error::CliError;

pub(super) fn key_of(p: &Principal) -> String {
    match p {
        Principal::User { id, .. } => format!("user:{id}"),
        Principal::Team { id, .. } => format!("team:{id}"),
        Principal::AllUsers => "all-users".to_owned(),
    }
}

pub(super) fn known(p: &Principal) -> PlanPrincipal {
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
pub(super) fn selector_of(p: &Principal) -> PrincipalSelector {
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
pub(super) fn resolve(
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
                invalid(format!("{field}.role: unknown role '{}'", b.role.trim())).with_hint(
                    crate::suggest::did_you_mean(&b.role, names.iter().copied())
                        .unwrap_or_else(|| format!("valid roles: {}", names.join(", "))),
                )
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
pub(super) fn leaves_no_owner(plan: &Plan, roles: &[Role]) -> bool {
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
