//! Users: server administrators manage them; everyone manages themself.

use access_api::{self as api, FieldError, ProblemCode, validate};

use super::owners::OwnerGuard;
use super::{Caller, Service, convert, rules};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, UserRow, users::NewUser};

pub fn validate_new_user(req: &api::CreateUser) -> ApiResult<()> {
    let mut errors = Vec::new();
    if let Err(m) = validate::name("username", req.username.trim()) {
        errors.push(FieldError {
            field: "username".into(),
            message: m,
        });
    }
    if let Err(m) = validate::email(req.email.trim()) {
        errors.push(FieldError {
            field: "email".into(),
            message: m,
        });
    }
    if let Some(n) = &req.name
        && let Err(m) = validate::text("name", n)
    {
        errors.push(FieldError {
            field: "name".into(),
            message: m,
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::fields(errors))
    }
}

pub fn require_admin(caller: &Caller) -> ApiResult<()> {
    if caller.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("only a server administrator can do that"))
    }
}

impl Service {
    /// 409 `name-taken` when the username or email is in use.
    pub async fn check_identity_free(
        &self,
        c: &mut store::Conn,
        username: &str,
        email: &str,
    ) -> ApiResult<()> {
        if let Some(id) = store::users::username_taken(c, username).await? {
            return Err(ApiError::existing(
                ProblemCode::NameTaken,
                format!("username '{username}' is taken"),
                &id,
            ));
        }
        if let Some(u) = store::users::user_by_email(c, email).await? {
            return Err(ApiError::existing(
                ProblemCode::NameTaken,
                format!("a user with email '{email}' exists"),
                &u.id,
            ));
        }
        Ok(())
    }

    pub async fn create_user(&self, caller: &Caller, req: &api::CreateUser) -> ApiResult<api::User> {
        require_admin(caller)?;
        validate_new_user(req)?;
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            self.check_identity_free(&mut tx, req.username.trim(), req.email.trim())
                .await?;
            let org = store::users::ensure_default_org(&mut tx, now).await?;
            let new = NewUser {
                username: req.username.trim(),
                email: req.email.trim(),
                name: req.name.as_deref(),
                is_admin: false,
            };
            let user = store::users::insert_user(&mut tx, &new, now).await?;
            store::users::add_org_member(&mut tx, &org.id, &user.id, "member", now).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "user.create",
                None,
                Some(&user.id),
                serde_json::json!({"username": user.username}),
            )
            .await?;
            tx.commit().await?;
            Ok(convert::user(&user))
        })
        .await
    }

    pub(super) async fn find_user_admin(&self, caller: &Caller, key: &str) -> ApiResult<UserRow> {
        require_admin(caller)?;
        let mut c = self.conn().await?;
        store::users::find_user(&mut c, key)
            .await?
            .ok_or_else(|| ApiError::new(ProblemCode::NotFound, format!("user '{key}' not found")))
    }

    /// The caller, as the wire has them.
    pub fn me(&self, caller: &Caller) -> api::User {
        convert::user(&caller.user)
    }

    /// A user by id, username or email (server administrators).
    pub async fn get_user_admin(&self, caller: &Caller, key: &str) -> ApiResult<api::User> {
        Ok(convert::user(&self.find_user_admin(caller, key).await?))
    }

    /// A token for another user (server administrators), shown once.
    pub async fn create_user_token(
        &self,
        caller: &Caller,
        key: &str,
        req: &api::CreateToken,
    ) -> ApiResult<api::CreatedToken> {
        let u = self.find_user_admin(caller, key).await?;
        self.create_token(caller, &u.id, req).await
    }

    pub async fn list_users(
        &self,
        caller: &Caller,
        after: Option<&str>,
        limit: i64,
    ) -> ApiResult<Vec<(String, api::User)>> {
        require_admin(caller)?;
        let mut c = self.conn().await?;
        let rows = store::users::list_users(&mut c, after, limit).await?;
        Ok(rows
            .iter()
            .map(|u| (u.username.to_ascii_lowercase(), convert::user(u)))
            .collect())
    }

    /// PATCH a user. Only administrators change `disabled` / `is_admin`;
    /// disabling the last owner of any project, and demoting or disabling the
    /// last active administrator, are refused.
    pub async fn update_user(
        &self,
        caller: &Caller,
        key: &str,
        req: &api::UpdateUser,
    ) -> ApiResult<api::User> {
        let self_edit = key == "me";
        if !self_edit {
            require_admin(caller)?;
        } else if req.disabled.is_some() || req.is_admin.is_some() {
            return Err(ApiError::forbidden("you can change only your own name"));
        }
        if let Some(n) = &req.name
            && let Err(m) = validate::text("name", n)
        {
            return Err(ApiError::field("name", m));
        }
        let target_key = if self_edit {
            caller.user.id.clone()
        } else {
            key.to_owned()
        };
        let target = self.find_user_any(&target_key).await?;
        retry(|| async {
            let mut tx = self.begin().await?;
            // Disabling can take away a project's last owner: lock (bump) every
            // project the user is bound in first. Other changes touch no project.
            let projects = if req.disabled == Some(true) {
                store::bindings::lock_projects_of_user(&mut tx, &target.id).await?
            } else {
                Vec::new()
            };
            store::users::begin_global_write(&mut tx).await?;
            if !self_edit {
                Self::still_admin(&mut tx, caller).await?;
            }
            let admins_before = store::users::count_admins(&mut tx).await?;
            let owners = OwnerGuard::projects(&mut tx, projects.clone()).await?;
            let mut u = store::users::find_user(&mut tx, &target.id)
                .await?
                .ok_or_else(|| ApiError::not_found("user"))?;
            let before = u.clone();
            if let Some(n) = &req.name {
                u.name = Some(n.clone());
            }
            if let Some(d) = req.disabled {
                u.disabled = d;
            }
            if let Some(a) = req.is_admin {
                u.is_admin = a;
            }
            if u.name == before.name && u.disabled == before.disabled && u.is_admin == before.is_admin {
                // Nothing changes (`PATCH {}` or the same values): no write, no event.
                tx.rollback().await?;
                return Ok(convert::user(&u));
            }
            store::users::update_user(&mut tx, &u).await?;
            rules::check_admins_left(admins_before, store::users::count_admins(&mut tx).await?)?;
            owners.check(&mut tx).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "user.update",
                None,
                Some(&u.id),
                serde_json::to_value(req).unwrap_or_default(),
            )
            .await?;
            tx.commit().await?;
            Ok(convert::user(&u))
        })
        .await
    }

    /// Re-checks, inside the transaction and after its server-wide write lock,
    /// that the caller is still an active administrator: a concurrent change
    /// committed before this one may have demoted or disabled them.
    pub(super) async fn still_admin(tx: &mut store::Conn, caller: &Caller) -> ApiResult<()> {
        match store::users::find_user(tx, &caller.user.id).await? {
            Some(u) if u.is_admin && !u.disabled => Ok(()),
            _ => Err(ApiError::forbidden("only a server administrator can do that")),
        }
    }

    async fn find_user_any(&self, key: &str) -> ApiResult<UserRow> {
        let mut c = self.conn().await?;
        store::users::find_user(&mut c, key)
            .await?
            .ok_or_else(|| ApiError::new(ProblemCode::NotFound, format!("user '{key}' not found")))
    }

    pub async fn delete_user(&self, caller: &Caller, key: &str) -> ApiResult<()> {
        require_admin(caller)?;
        let target = self.find_user_any(key).await?;
        if target.id == caller.user.id {
            return Err(ApiError::forbidden("you cannot delete yourself"));
        }
        retry(|| async {
            let mut tx = self.begin().await?;
            let projects = store::bindings::lock_projects_of_user(&mut tx, &target.id).await?;
            store::users::begin_global_write(&mut tx).await?;
            Self::still_admin(&mut tx, caller).await?;
            let admins_before = store::users::count_admins(&mut tx).await?;
            let owners = OwnerGuard::projects(&mut tx, projects.clone()).await?;
            let bindings = store::users::direct_bindings(&mut tx, &target.id).await?;
            let teams = store::teams::teams_of_user(&mut tx, &target.id).await?;
            store::users::delete_user(&mut tx, &target.id).await?;
            rules::check_admins_left(admins_before, store::users::count_admins(&mut tx).await?)?;
            owners.check(&mut tx).await?;
            self.audit_removed_with_user(&mut tx, caller, &target, &bindings, &teams)
                .await?;
            self.audit(
                &mut tx,
                Some(caller),
                "user.delete",
                None,
                Some(&target.id),
                serde_json::json!({"username": target.username}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Deleting a user takes away their direct bindings and team memberships:
    /// each project they were bound in gets a `member.remove` event naming the
    /// bindings, each team a `team.member.remove` event (in its org's log).
    async fn audit_removed_with_user(
        &self,
        tx: &mut store::Conn,
        caller: &Caller,
        user: &UserRow,
        bindings: &[store::users::UserBinding],
        teams: &[store::teams::TeamRow],
    ) -> ApiResult<()> {
        for group in bindings.chunk_by(|a, b| a.project_id == b.project_id) {
            let Some(project) = store::projects::find_project(tx, &group[0].project_id).await? else {
                continue;
            };
            let removed: Vec<_> = group
                .iter()
                .map(|b| serde_json::json!({"id": b.binding_id, "role": b.role}))
                .collect();
            self.audit(
                tx,
                Some(caller),
                "member.remove",
                Some(&project),
                Some(&user.username),
                serde_json::json!({"reason": "user deleted", "bindings": removed}),
            )
            .await?;
        }
        for t in teams {
            self.audit_in_org(
                tx,
                Some(caller),
                "team.member.remove",
                &t.org_id,
                Some(&t.id),
                serde_json::json!({"team": t.name, "user": user.username, "reason": "user deleted"}),
            )
            .await?;
        }
        Ok(())
    }

    /// The caller's open invitations.
    pub async fn my_invitations(&self, caller: &Caller) -> ApiResult<Vec<api::Invitation>> {
        let mut c = self.conn().await?;
        let rows = store::invitations::list_for_email(&mut c, &caller.user.email).await?;
        let now = self.now();
        Ok(rows.iter().map(|i| convert::invitation(i, now)).collect())
    }
}
