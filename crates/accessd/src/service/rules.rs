//! The invariants of docs/access-model.md as pure functions over plain data, so they can be
//! unit-tested against a model; the service calls them inside the mutating
//! transaction, after the project's `policy_version` has been bumped.

use std::collections::BTreeSet;

use access_api::ProblemCode;
use access_api::permissions;

use crate::error::ApiError;

/// A role as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct RoleView<'a> {
    pub name: &'a str,
    pub owner_grade: bool,
    pub permissions: &'a [String],
}

/// Permissions with their implications expanded (`env.x.manage` → deploy, view).
pub fn expand<'a>(perms: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in perms {
        for q in permissions::implied(p) {
            out.insert(q.to_owned());
        }
        out.insert(p.to_owned());
    }
    out
}

/// What an org role grants in every project of the org.
pub fn org_role_grants(role: &str) -> BTreeSet<String> {
    match role {
        "owner" | "admin" => permissions::all().map(|p| p.name.to_owned()).collect(),
        "viewer" => expand(["project.view", "members.view", "invitations.view", "roles.view"]),
        "devops" => {
            let mut s = expand(["project.view", "members.view", "roles.view"]);
            for t in permissions::ENV_TYPES {
                s.extend(expand([format!("env.{t}.manage").as_str()]));
            }
            s
        }
        "billing-manager" => expand(["billing.manage"]),
        _ => BTreeSet::new(),
    }
}

/// The base org roles (a member's role is one of these or a custom org role).
pub fn is_base_org_role(role: &str) -> bool {
    access_api::ORG_ROLES.contains(&role)
}

/// What a custom org role's grant in one project gives: every permission for
/// `is_admin`; else `project.view` and, per environment type, its level
/// (`{"staging": "deploy"}` → `env.staging.deploy` and what it implies).
pub fn custom_org_role_grants(is_admin: bool, env_levels: &str) -> BTreeSet<String> {
    if is_admin {
        return permissions::all().map(|p| p.name.to_owned()).collect();
    }
    let levels: std::collections::BTreeMap<String, String> =
        serde_json::from_str(env_levels).unwrap_or_default();
    let mut out = expand(["project.view"]);
    for (env, level) in levels {
        out.extend(expand([format!("env.{env}.{level}").as_str()]));
    }
    out
}

/// The level every cluster of the org gets from a base org role.
pub fn base_cluster_level(role: &str) -> Option<&'static str> {
    match role {
        "owner" | "admin" => Some("admin"),
        "devops" => Some("env-creator"),
        "viewer" => Some("viewer"),
        _ => None,
    }
}

/// Whether holding level `held` on a cluster answers a check of level `asked`.
pub fn cluster_level_covers(held: &str, asked: &str) -> bool {
    let rank = |l: &str| permissions::CLUSTER_LEVELS.iter().position(|x| *x == l);
    matches!((rank(held), rank(asked)), (Some(h), Some(a)) if h >= a)
}

/// Org roles that see every project of their org.
pub const ORG_ROLES_THAT_SEE_ALL: &[&str] = &["owner", "admin", "viewer", "devops"];

/// Invariant 1, no privilege escalation: to grant, revoke or change a binding
/// or invitation of each of `roles` the caller needs `manage`, every
/// permission of each role, and `owners.manage` when a role is owner-grade.
pub fn check_grant(held: &BTreeSet<String>, manage: &str, roles: &[RoleView<'_>]) -> Result<(), ApiError> {
    if !held.contains(manage) {
        return Err(ApiError::forbidden(format!(
            "you need the '{manage}' permission in this project for that"
        )));
    }
    for role in roles {
        if role.owner_grade && !held.contains("owners.manage") {
            return Err(ApiError::escalation(
                format!(
                    "only a holder of owners.manage (owner-grade role '{0}') can grant or revoke '{0}'",
                    role.name
                ),
                role.name,
                vec!["owners.manage".to_owned()],
            ));
        }
        let missing: Vec<&str> = role
            .permissions
            .iter()
            .filter(|p| !held.contains(p.as_str()))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::escalation(
                format!(
                    "granting or revoking '{}' needs every permission it holds; you lack {}",
                    role.name,
                    missing.join(", ")
                ),
                role.name,
                missing.iter().map(|p| (*p).to_owned()).collect(),
            ));
        }
    }
    Ok(())
}

/// Invariant 2, last owner: a change that leaves a project which had an owner
/// without any active owner is refused.
pub fn check_owners_left(project: &str, before: i64, after: i64) -> Result<(), ApiError> {
    if before > 0 && after == 0 {
        return Err(ApiError::new(
            ProblemCode::LastOwner,
            format!(
                "that would leave project '{project}' without an owner; make someone else an owner first"
            ),
        ));
    }
    Ok(())
}

/// The server keeps an administrator: a change that takes the number of
/// active server admins from some to none is refused.
pub fn check_admins_left(before: i64, after: i64) -> Result<(), ApiError> {
    if before > 0 && after == 0 {
        return Err(ApiError::new(
            ProblemCode::LastAdmin,
            "that would leave the server without an active administrator; make another user an administrator first",
        ));
    }
    Ok(())
}

/// Custom roles: only permissions of the catalogue that the creator holds.
pub fn check_custom_role_permissions(held: &BTreeSet<String>, perms: &[String]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (i, p) in perms.iter().enumerate() {
        if permissions::find(p).is_none() {
            errors.push(access_api::FieldError {
                field: format!("permissions[{i}]"),
                message: format!("unknown permission '{p}'"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let missing: Vec<&str> = perms
        .iter()
        .filter(|p| !held.contains(p.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::new(
            ProblemCode::PrivilegeEscalation,
            format!(
                "a custom role can only hold permissions you hold; you lack {}",
                missing.join(", ")
            ),
        ));
    }
    if perms.iter().any(|p| p == "owners.manage") {
        return Err(ApiError::field(
            "permissions",
            "custom roles are never owner-grade: owners.manage is not allowed",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use access_api::presets::PRESETS;

    fn role(r: &access_api::presets::PresetRole) -> (Vec<String>, bool) {
        (
            r.permissions.iter().map(|p| p.to_string()).collect(),
            r.owner_grade,
        )
    }

    /// The model: a caller holding role C may grant role R iff C has
    /// members.manage, C ⊇ R, and (R not owner-grade or C has owners.manage).
    #[test]
    fn grant_matches_the_model_for_every_preset_pair() {
        for preset in PRESETS {
            for c in preset.roles {
                let held = expand(c.permissions.iter().copied());
                for r in preset.roles {
                    let (perms, og) = role(r);
                    let view = RoleView {
                        name: r.name,
                        owner_grade: og,
                        permissions: &perms,
                    };
                    let model = c.permissions.contains(&"members.manage")
                        && r.permissions.iter().all(|p| c.permissions.contains(p))
                        && (!r.owner_grade || c.permissions.contains(&"owners.manage"));
                    let got = check_grant(&held, "members.manage", &[view]).is_ok();
                    assert_eq!(got, model, "{}: {} grants {}", preset.name, c.name, r.name);
                }
            }
        }
    }

    #[test]
    fn goldsky_admin_cannot_touch_owner() {
        let gs = access_api::presets::find("goldsky").unwrap();
        let held = expand(gs.role("admin").unwrap().permissions.iter().copied());
        let (perms, _) = role(gs.role("owner").unwrap());
        let err = check_grant(
            &held,
            "members.manage",
            &[RoleView {
                name: "owner",
                owner_grade: true,
                permissions: &perms,
            }],
        )
        .unwrap_err();
        assert_eq!(err.code(), ProblemCode::PrivilegeEscalation);
        assert!(err.to_string().contains("only a holder of owners.manage"));
    }

    #[test]
    fn last_owner() {
        assert!(check_owners_left("p", 1, 0).is_err());
        assert!(check_owners_left("p", 2, 1).is_ok());
        assert!(check_owners_left("p", 0, 0).is_ok());
        assert!(check_admins_left(1, 0).is_err());
        assert!(check_admins_left(2, 1).is_ok());
        assert!(check_admins_left(0, 0).is_ok());
    }

    #[test]
    fn custom_roles() {
        let held = expand(["project.view", "services.view", "owners.manage"]);
        assert!(check_custom_role_permissions(&held, &["services.view".into()]).is_ok());
        assert!(check_custom_role_permissions(&held, &["services.deploy".into()]).is_err());
        assert!(check_custom_role_permissions(&held, &["owners.manage".into()]).is_err());
        assert_eq!(
            check_custom_role_permissions(&held, &["nope".into()])
                .unwrap_err()
                .code(),
            ProblemCode::ValidationFailed
        );
        assert!(org_role_grants("owner").contains("owners.manage"));
        assert!(org_role_grants("member").is_empty());
    }
}
