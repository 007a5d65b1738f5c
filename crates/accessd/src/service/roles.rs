//! Project roles (built-in ones are immutable; custom ones never exceed their
//! creator and are never owner-grade) and permission queries.

use std::collections::BTreeSet;

use access_api::{self as api, ProblemCode, validate};

use super::{Access, Caller, Service, convert, rules};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, RoleRow};

/// Custom roles rank after every built-in role.
const CUSTOM_RANK: i64 = 100;

fn normalize_perms(perms: &[String]) -> Vec<String> {
    let set: BTreeSet<String> = perms.iter().map(|p| validate::normalize(p)).collect();
    set.into_iter().collect()
}

impl Service {
    /// The project's roles and its version; needs `roles.view`.
    pub async fn list_roles(&self, caller: &Caller, key: &str) -> ApiResult<(Vec<api::Role>, i64)> {
        let acc = self.view(caller, key).await?;
        acc.require("roles.view")?;
        let items = acc.roles.iter().map(convert::role).collect();
        Ok((items, acc.project.policy_version))
    }

    /// One role by id or (case-insensitive) name and the project's version;
    /// needs `roles.view`.
    pub async fn get_role(&self, caller: &Caller, key: &str, role: &str) -> ApiResult<(api::Role, i64)> {
        let acc = self.view(caller, key).await?;
        acc.require("roles.view")?;
        let r = acc
            .roles
            .iter()
            .find(|r| r.id == role || r.name.eq_ignore_ascii_case(role))
            .ok_or_else(|| ApiError::not_found("role"))?;
        Ok((convert::role(r), acc.project.policy_version))
    }

    pub async fn create_role(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<&str>,
        req: &api::CreateRole,
    ) -> ApiResult<(api::Role, i64)> {
        let name = req.name.trim();
        if let Err(m) = validate::name("role name", name) {
            return Err(ApiError::field("name", m));
        }
        if let Some(d) = &req.description
            && let Err(m) = validate::text("description", d)
        {
            return Err(ApiError::field("description", m));
        }
        let perms = normalize_perms(&req.permissions);
        retry(|| async {
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            acc.require("roles.manage")?;
            rules::check_custom_role_permissions(&acc.perms, &perms)?;
            if let Some(r) = acc.roles.iter().find(|r| r.name.eq_ignore_ascii_case(name)) {
                return Err(ApiError::existing(
                    ProblemCode::NameTaken,
                    format!("role '{name}' exists"),
                    &r.id,
                ));
            }
            let rank = acc
                .roles
                .iter()
                .map(|r| r.rank + 1)
                .max()
                .unwrap_or(0)
                .max(CUSTOM_RANK);
            let new = store::projects::NewRole {
                modified: false,
                name,
                description: req.description.as_deref(),
                built_in: false,
                owner_grade: false,
                rank,
                permissions: &perms,
            };
            let id = store::projects::insert_role(&mut tx, &acc.project.id, &new, self.now()).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "role.create",
                Some(&acc.project),
                Some(name),
                serde_json::json!({"permissions": perms}),
            )
            .await?;
            tx.commit().await?;
            let role = api::Role {
                id,
                name: name.to_owned(),
                description: req.description.clone(),
                built_in: false,
                owner_grade: false,
                rank,
                permissions: perms.clone(),
                server_wide: false,
                modified: false,
            };
            Ok((role, acc.project.policy_version))
        })
        .await
    }

    fn custom_role<'a>(acc: &'a Access, role: &str) -> ApiResult<&'a RoleRow> {
        let r = acc
            .roles
            .iter()
            .find(|r| r.id == role || r.name.eq_ignore_ascii_case(role))
            .ok_or_else(|| ApiError::new(ProblemCode::NotFound, format!("role '{role}' not found")))?;
        if r.built_in {
            return Err(ApiError::new(
                ProblemCode::RoleImmutable,
                format!(
                    "'{}' is a built-in role of the project's preset and cannot be changed",
                    r.name
                ),
            ));
        }
        if r.server_role_id.is_some() {
            return Err(ApiError::new(
                ProblemCode::RoleImmutable,
                format!(
                    "'{}' is a server-wide role of the org; a server administrator changes it for every project",
                    r.name
                ),
            ));
        }
        Ok(r)
    }

    pub async fn update_role(
        &self,
        caller: &Caller,
        key: &str,
        role: &str,
        if_match: Option<&str>,
        req: &api::UpdateRole,
    ) -> ApiResult<(api::Role, i64)> {
        if let Some(d) = &req.description
            && let Err(m) = validate::text("description", d)
        {
            return Err(ApiError::field("description", m));
        }
        retry(|| async {
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            acc.require("roles.manage")?;
            let r = Self::custom_role(&acc, role)?;
            let perms = match &req.permissions {
                Some(p) => normalize_perms(p),
                None => r.permissions.clone(),
            };
            rules::check_custom_role_permissions(&acc.perms, &perms)?;
            // Changing a role changes every binding of it: the caller must hold the old permissions too.
            rules::check_grant(&acc.perms, "roles.manage", &[super::role_view(r)])?;
            let description = req.description.clone().or(r.description.clone());
            store::projects::update_role(&mut tx, &r.id, description.as_deref(), &perms).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "role.update",
                Some(&acc.project),
                Some(&r.name),
                serde_json::json!({"permissions": perms}),
            )
            .await?;
            tx.commit().await?;
            let out = api::Role {
                id: r.id.clone(),
                name: r.name.clone(),
                description,
                built_in: false,
                owner_grade: false,
                rank: r.rank,
                permissions: perms.clone(),
                server_wide: false,
                modified: false,
            };
            Ok((out, acc.project.policy_version))
        })
        .await
    }

    pub async fn delete_role(
        &self,
        caller: &Caller,
        key: &str,
        role: &str,
        if_match: Option<&str>,
    ) -> ApiResult<i64> {
        retry(|| async {
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            acc.require("roles.manage")?;
            let r = Self::custom_role(&acc, role)?;
            let uses = store::projects::role_uses(&mut tx, &r.id).await?;
            if uses > 0 {
                return Err(ApiError::existing(
                    ProblemCode::RoleInUse,
                    format!(
                        "role '{}' is used by {uses} binding(s) or invitation(s); remove them first",
                        r.name
                    ),
                    &r.id,
                ));
            }
            store::projects::delete_role(&mut tx, &r.id).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "role.delete",
                Some(&acc.project),
                Some(&r.name),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(acc.project.policy_version)
        })
        .await
    }

    /// `permissions:check` for the caller or (with members.view) another principal.
    pub async fn check_permissions(
        &self,
        caller: &Caller,
        key: &str,
        req: &api::PermissionCheckRequest,
    ) -> ApiResult<api::PermissionCheckResponse> {
        let acc = self.view_light(caller, key).await?;
        let subject = match &req.principal {
            None => acc.clone(),
            Some(api::PrincipalSelector::User { id, username, email }) => {
                acc.require("members.view")?;
                let k = id
                    .as_deref()
                    .or(username.as_deref())
                    .or(email.as_deref())
                    .unwrap_or("");
                let mut c = self.conn().await?;
                let user = store::users::find_user(&mut c, k).await?.ok_or_else(|| {
                    ApiError::new(ProblemCode::UserNotFound, format!("user '{k}' not found"))
                })?;
                let sub = Caller {
                    user,
                    ids: Default::default(),
                };
                let org_role = store::users::org_role(&mut c, &acc.project.org_id, &sub.user.id).await?;
                self.access_with(&mut c, acc.project.clone(), org_role, &sub)
                    .await?
            }
            Some(_) => {
                return Err(ApiError::field(
                    "principal",
                    "only user principals can be checked",
                ));
            }
        };
        let mut results = Vec::new();
        for p in &req.permissions {
            let granted_by = subject
                .bindings
                .iter()
                .filter_map(|b| {
                    let granted = implying(b.role_permissions.iter().map(String::as_str), p)?;
                    Some(api::Grant {
                        binding_id: b.id.clone(),
                        role: b.role_name.clone(),
                        principal: convert::binding(b).principal,
                        permission: granted.to_owned(),
                    })
                })
                .collect();
            if let Some(check) = self.cluster_check(&subject, p).await? {
                results.push(check);
                continue;
            }
            let org_role = subject
                .org_role
                .clone()
                .filter(|_| subject.org_perms.contains(p.as_str()));
            results.push(api::PermissionCheck {
                permission: p.clone(),
                allowed: subject.has(p),
                granted_by,
                org_role,
            });
        }
        Ok(api::PermissionCheckResponse { results })
    }
}

impl Service {
    /// `clusters.<name>.<level>` (levels `viewer` < `env-creator` < `admin`): what
    /// the subject's org role grants on that cluster of the project's org. `None`
    /// for any other permission.
    async fn cluster_check(&self, subject: &Access, asked: &str) -> ApiResult<Option<api::PermissionCheck>> {
        let Some((cluster, level)) = asked.strip_prefix("clusters.").and_then(|r| r.rsplit_once('.')) else {
            return Ok(None);
        };
        let held = match subject.org_role.as_deref() {
            None => None,
            Some(r) if rules::is_base_org_role(r) => rules::base_cluster_level(r).map(str::to_owned),
            Some(r) => {
                let mut c = self.conn().await?;
                store::org_roles::grant_on_cluster(&mut c, &subject.project.org_id, r, cluster).await?
            }
        };
        let allowed = held
            .as_deref()
            .is_some_and(|h| rules::cluster_level_covers(h, level));
        Ok(Some(api::PermissionCheck {
            permission: asked.to_owned(),
            allowed,
            granted_by: Vec::new(),
            org_role: subject.org_role.clone().filter(|_| allowed),
        }))
    }
}

/// The permission among `granted` that implies `asked`: `asked` itself if granted,
/// else the first granted one whose implications include it.
fn implying<'a>(granted: impl IntoIterator<Item = &'a str>, asked: &str) -> Option<&'a str> {
    let granted: Vec<&str> = granted.into_iter().collect();
    granted.iter().find(|g| **g == asked).copied().or_else(|| {
        granted
            .iter()
            .find(|g| rules::expand([**g]).contains(asked))
            .copied()
    })
}
