//! Role bindings: grant and revoke, guarded by the escalation and last-owner rules.

use access_api::{self as api, ProblemCode};

use super::owners::OwnerGuard;
use super::{Access, Caller, Service, convert, role_view, rules};
use crate::clock::parse_rfc3339;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, BindingRow, Conn, UserRow};

/// The keyset a role-binding page is ordered by: (role rank, principal, id).
pub type BindingKey = (i64, String, String);

/// A resolved principal of a new binding.
pub struct Target {
    pub principal_type: &'static str,
    /// The user's or team's id (none for all-users).
    pub principal_id: Option<String>,
    /// The username or team name (empty for all-users).
    pub name: String,
    /// The list order's principal key (see `store::bindings::user_sort_key`).
    pub sort: String,
}

impl Target {
    /// A user as the principal of a new binding.
    pub fn user(user: &UserRow) -> Target {
        Target {
            principal_type: "user",
            sort: store::bindings::user_sort_key(&user.username, &user.email, user.name.as_deref()),
            name: user.username.clone(),
            principal_id: Some(user.id.clone()),
        }
    }

    /// The row of a new binding of this principal to `role` (id and rank) in
    /// `project_id`: the one place a [`store::bindings::NewBinding`] is built.
    pub fn binding<'a>(
        &'a self,
        project_id: &'a str,
        role: (&'a str, i64),
        expires_at: Option<i64>,
        created_by: Option<&'a str>,
    ) -> store::bindings::NewBinding<'a> {
        store::bindings::NewBinding {
            project_id,
            role_id: role.0,
            role_rank: role.1,
            principal_type: self.principal_type,
            principal_id: self.principal_id.as_deref(),
            principal_sort: &self.sort,
            expires_at,
            created_by,
        }
    }

    pub fn key(&self) -> String {
        store::bindings::principal_key(self.principal_type, self.principal_id.as_deref())
    }

    /// How the audit log names it: `user:USERNAME`, `team:NAME` or `all-users`.
    pub fn label(&self) -> String {
        match self.principal_type {
            "all-users" => "all-users".to_owned(),
            t => format!("{t}:{}", self.name),
        }
    }
}

/// How the audit log names a binding's principal (as [`Target::label`]).
pub fn audit_label(b: &BindingRow) -> String {
    match (b.principal_type.as_str(), &b.user, &b.team_name) {
        ("user", Some(u), _) => format!("user:{}", u.username),
        ("team", _, Some(name)) => format!("team:{name}"),
        ("all-users", _, _) => "all-users".to_owned(),
        (t, _, _) => store::bindings::principal_key(t, b.principal_id.as_deref()),
    }
}

/// One binding in an audit event's details.
pub fn audit_binding(id: &str, role: &str, principal: &str) -> serde_json::Value {
    serde_json::json!({"binding_id": id, "role": role, "principal": principal})
}

impl Service {
    /// Resolves a user principal that must already belong to the project or
    /// its org (Akka's rule); 404 `user-not-found` with a hint otherwise.
    pub async fn resolve_member(&self, c: &mut Conn, acc: &Access, key: &str) -> ApiResult<UserRow> {
        let not_found = || {
            ApiError::new(
                ProblemCode::UserNotFound,
                format!(
                    "no member of project '{p}' or its org matches '{key}'; only members can be bound directly: \
                     invite them to this project (accepting binds them in this project only), \
                     or ask an org owner or admin or a server administrator to add them to the org",
                    p = acc.project.name
                ),
            )
        };
        let user = store::users::find_user(c, key).await?.ok_or_else(not_found)?;
        if !store::bindings::is_member(c, &acc.project.id, &acc.project.org_id, &user.id).await? {
            return Err(not_found());
        }
        Ok(user)
    }

    pub async fn resolve_target(
        &self,
        c: &mut Conn,
        acc: &Access,
        sel: &api::PrincipalSelector,
    ) -> ApiResult<Target> {
        match sel {
            api::PrincipalSelector::User { id, username, email } => {
                let given: Vec<&String> = [id, username, email].into_iter().flatten().collect();
                if given.len() != 1 {
                    return Err(ApiError::field(
                        "principal",
                        "give exactly one of id, username or email",
                    ));
                }
                let user = self.resolve_member(c, acc, given[0]).await?;
                Ok(Target::user(&user))
            }
            api::PrincipalSelector::AllUsers => Ok(Target {
                principal_type: "all-users",
                principal_id: None,
                name: String::new(),
                sort: store::bindings::ALL_USERS_SORT_KEY.into(),
            }),
            api::PrincipalSelector::Team { id, name } => {
                let given: Vec<&String> = [id, name].into_iter().flatten().collect();
                if given.len() != 1 {
                    return Err(ApiError::field("principal", "give exactly one of id or name"));
                }
                let not_found = || {
                    ApiError::new(
                        ProblemCode::NotFound,
                        format!("no team '{}' in org '{}'", given[0], acc.project.org_name),
                    )
                };
                let team = store::teams::find_team(c, &acc.project.org_id, given[0])
                    .await?
                    .ok_or_else(not_found)?;
                // The team's row lock: a concurrent deletion of the team either
                // commits first (and this answers 404) or sees this binding.
                if !store::teams::lock_team(c, &team.id).await? {
                    return Err(not_found());
                }
                Ok(Target {
                    principal_type: "team",
                    sort: store::bindings::team_sort_key(&team.name),
                    name: team.name.clone(),
                    principal_id: Some(team.id),
                })
            }
        }
    }

    /// The project's MFA policy for granting `role` to `target` (409 `mfa-required`).
    pub async fn check_target_mfa(
        &self,
        tx: &mut Conn,
        acc: &Access,
        role: &store::RoleRow,
        target: &Target,
    ) -> ApiResult<()> {
        use super::mfa::Grantee;
        match (target.principal_type, &target.principal_id) {
            ("user", Some(id)) => {
                let mfa = store::users::find_user(tx, id)
                    .await?
                    .is_some_and(|u| u.mfa_enabled);
                self.check_mfa_policy(tx, &acc.project, role, Grantee::User(&target.name, mfa))
                    .await
            }
            ("team", _) => {
                let team = format!("team '{}'", target.name);
                self.check_mfa_policy(tx, &acc.project, role, Grantee::Group(&team))
                    .await
            }
            _ => {
                self.check_mfa_policy(tx, &acc.project, role, Grantee::Group("all users"))
                    .await
            }
        }
    }

    pub async fn create_binding(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<&str>,
        req: &api::CreateRoleBinding,
    ) -> ApiResult<(api::RoleBinding, i64)> {
        let expires_at = match &req.expires_at {
            None => None,
            Some(s) => match parse_rfc3339(s) {
                Some(t) if t > self.now() => Some(t),
                Some(_) => return Err(ApiError::field("expires_at", "must be in the future")),
                None => return Err(ApiError::field("expires_at", "must be an RFC 3339 time")),
            },
        };
        retry(|| async {
            let now = self.now();
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let role = acc.role(&req.role)?;
            rules::check_grant(&acc.perms, "members.manage", &[role_view(role)])?;
            let target = self.resolve_target(&mut tx, &acc, &req.principal).await?;
            self.check_target_mfa(&mut tx, &acc, role, &target).await?;
            if let Some(id) =
                store::bindings::existing_binding(&mut tx, &acc.project.id, &target.key(), &role.id).await?
            {
                let detail = format!(
                    "that principal already holds '{}' in project '{}'",
                    role.name, acc.project.name
                );
                // The binding's id only for a caller who may list bindings.
                return Err(if acc.has("members.view") {
                    ApiError::existing(ProblemCode::BindingExists, detail, &id)
                } else {
                    ApiError::new(ProblemCode::BindingExists, detail)
                });
            }
            let id = store::bindings::insert_binding(
                &mut tx,
                &target.binding(
                    &acc.project.id,
                    (&role.id, role.rank),
                    expires_at,
                    Some(&caller.user.username),
                ),
                now,
            )
            .await?;
            let row = store::bindings::get_binding(&mut tx, &acc.project.id, &id)
                .await?
                .ok_or_else(|| ApiError::not_found("binding"))?;
            self.audit(
                &mut tx,
                Some(caller),
                "role_binding.create",
                Some(&acc.project),
                Some(&id),
                serde_json::json!({"role": role.name, "principal": target.key(), "principal_name": target.label()}),
            )
            .await?;
            tx.commit().await?;
            Ok((convert::binding(&row), acc.project.policy_version))
        })
        .await
    }

    pub async fn get_binding(
        &self,
        caller: &Caller,
        key: &str,
        id: &str,
    ) -> ApiResult<(api::RoleBinding, i64)> {
        let acc = self.view(caller, key).await?;
        acc.require("members.view")?;
        let mut c = self.conn().await?;
        let b = store::bindings::get_binding(&mut c, &acc.project.id, id)
            .await?
            .ok_or_else(|| ApiError::not_found("role binding"))?;
        Ok((convert::binding(&b), acc.project.policy_version))
    }

    pub async fn delete_binding(
        &self,
        caller: &Caller,
        key: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> ApiResult<i64> {
        retry(|| async {
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let b = store::bindings::get_binding(&mut tx, &acc.project.id, id)
                .await?
                .ok_or_else(|| ApiError::not_found("role binding"))?;
            let role = acc.role_by_id(&b.role_id)?;
            rules::check_grant(&acc.perms, "members.manage", &[role_view(role)])?;
            // Only an owner the rule counts can be the last one.
            let owners =
                OwnerGuard::project(&mut tx, &acc.project, store::bindings::removes_owner([&b])).await?;
            store::bindings::delete_binding(&mut tx, id).await?;
            owners.check(&mut tx).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "role_binding.delete",
                Some(&acc.project),
                Some(id),
                serde_json::json!({"role": role.name, "principal": store::bindings::principal_key(&b.principal_type, b.principal_id.as_deref()), "principal_name": audit_label(&b)}),
            )
            .await?;
            tx.commit().await?;
            Ok(acc.project.policy_version)
        })
        .await
    }

    /// A page of bindings, optionally filtered by role (name or id), principal type
    /// and id prefix.
    #[allow(clippy::too_many_arguments)]
    pub async fn list_bindings(
        &self,
        caller: &Caller,
        key: &str,
        role: Option<&str>,
        principal_type: Option<&str>,
        id_prefix: Option<&str>,
        after: Option<(i64, String, String)>,
        limit: i64,
    ) -> ApiResult<(Vec<(BindingKey, api::RoleBinding)>, i64)> {
        // One pooled connection for the whole page: a second acquire right after
        // the first is released can find none idle yet (sqlx returns it from a
        // task) and open another.
        let mut c = self.conn().await?;
        let acc = self.view_on(&mut c, caller, key).await?;
        acc.require("members.view")?;
        let role_id = match role {
            Some(r) => Some(acc.role(r)?.id.clone()),
            None => None,
        };
        if let Some(t) = principal_type
            && !matches!(t, "user" | "team" | "all-users")
        {
            return Err(ApiError::invalid(
                "principal_type must be user, team or all-users",
            ));
        }
        if let Some(p) = id_prefix
            && (p.is_empty() || p.len() > 64 || !p.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
        {
            return Err(ApiError::invalid(
                "id_prefix must be 1 to 64 hex digits and dashes",
            ));
        }
        let f = store::bindings::BindingFilter {
            role_id: role_id.as_deref(),
            principal_type,
            id_prefix,
            after,
            limit,
        };
        let mut rows = store::bindings::list_bindings(&mut c, &acc.project.id, &f).await?;
        let policy = api::MfaPolicy::parse(&acc.project.require_mfa);
        for b in &mut rows {
            b.mfa_required = policy.covers(b.owner_grade);
        }
        let page = rows
            .iter()
            .map(|b| {
                (
                    (b.role_rank, b.principal_sort.clone(), b.id.clone()),
                    convert::binding(b),
                )
            })
            .collect();
        Ok((page, acc.project.policy_version))
    }
}
