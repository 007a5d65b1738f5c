//! Teams (Loft): named sets of users within an org, bindable as `team`
//! principals. Everyone in the org sees its teams; its owners and admins
//! manage them (they hold every permission in every project of the org, so
//! nothing done through a team exceeds what they could grant directly).
//! A server administrator's flag gives no project permissions, and so does not
//! let them manage teams either: adding oneself to a team bound as an owner
//! would bypass the escalation rule.

use access_api::{self as api, ProblemCode, validate};

use super::{Caller, Service};
use crate::clock::rfc3339;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::users::OrgRow;
use crate::store::{self, Conn, teams::TeamMemberRow, teams::TeamRow};

/// Org roles that manage the org's teams.
pub const ORG_ROLES_THAT_MANAGE_TEAMS: &[&str] = &["owner", "admin"];

pub fn team(t: &TeamRow) -> api::Team {
    api::Team {
        id: t.id.clone(),
        name: t.name.clone(),
        org: api::Ref {
            id: t.org_id.clone(),
            name: t.org_name.clone(),
        },
        member_count: t.member_count,
        created_at: rfc3339(t.created_at),
        created_by: t.created_by.clone(),
    }
}

pub fn member(m: &TeamMemberRow) -> api::TeamMember {
    api::TeamMember {
        user_id: m.user.id.clone(),
        username: m.user.username.clone(),
        email: m.user.email.clone(),
        name: m.user.name.clone(),
        added_at: rfc3339(m.added_at),
        added_by: m.added_by.clone(),
    }
}

fn team_not_found(key: &str, org: &OrgRow) -> ApiError {
    ApiError::new(
        ProblemCode::NotFound,
        format!("no team '{key}' in org '{}'", org.name),
    )
}

/// Whether the caller may manage the org's teams.
fn may_manage(org_role: Option<&str>) -> bool {
    org_role.is_some_and(|r| ORG_ROLES_THAT_MANAGE_TEAMS.contains(&r))
}

impl Service {
    /// The org (`default` unless named) and the caller's role in it; 404 unless
    /// the caller belongs to it or is a server administrator.
    async fn team_org(
        &self,
        c: &mut Conn,
        caller: &Caller,
        key: Option<&str>,
    ) -> ApiResult<(OrgRow, Option<String>)> {
        self.org_for(c, caller, key.unwrap_or(store::users::DEFAULT_ORG))
            .await
    }

    fn require_team_manager(org: &OrgRow, role: Option<&str>) -> ApiResult<()> {
        if may_manage(role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "only an owner or admin of org '{}' can manage its teams",
                org.name
            )))
        }
    }

    pub async fn list_teams(&self, caller: &Caller, org: Option<&str>) -> ApiResult<Vec<api::Team>> {
        let mut c = self.conn().await?;
        let (org, _) = self.team_org(&mut c, caller, org).await?;
        let rows = store::teams::list_teams(&mut c, &org.id).await?;
        Ok(rows.iter().map(team).collect())
    }

    pub async fn get_team(&self, caller: &Caller, org: Option<&str>, key: &str) -> ApiResult<api::Team> {
        let mut c = self.conn().await?;
        let (org, _) = self.team_org(&mut c, caller, org).await?;
        let t = store::teams::find_team(&mut c, &org.id, key)
            .await?
            .ok_or_else(|| team_not_found(key, &org))?;
        Ok(team(&t))
    }

    pub async fn list_team_members(
        &self,
        caller: &Caller,
        org: Option<&str>,
        key: &str,
    ) -> ApiResult<Vec<api::TeamMember>> {
        let mut c = self.conn().await?;
        let (org, _) = self.team_org(&mut c, caller, org).await?;
        let t = store::teams::find_team(&mut c, &org.id, key)
            .await?
            .ok_or_else(|| team_not_found(key, &org))?;
        let rows = store::teams::list_members(&mut c, &t.id).await?;
        Ok(rows.iter().map(member).collect())
    }

    pub async fn create_team(&self, caller: &Caller, req: &api::CreateTeam) -> ApiResult<api::Team> {
        let name = req.name.trim();
        validate::name("name", name).map_err(|m| ApiError::field("name", m))?;
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            // Teams are org-wide: the server-wide write lock first.
            store::users::begin_global_write(&mut tx).await?;
            let (org, role) = self.team_org(&mut tx, caller, req.org.as_deref()).await?;
            Self::require_team_manager(&org, role.as_deref())?;
            if let Some(t) = store::teams::find_team(&mut tx, &org.id, name).await?
                && validate::normalize(&t.name) == validate::normalize(name)
            {
                return Err(ApiError::existing(
                    ProblemCode::NameTaken,
                    format!("a team named '{}' exists in org '{}'", t.name, org.name),
                    &t.id,
                ));
            }
            let id = store::teams::insert_team(&mut tx, &org.id, name, &caller.user.username, now).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "team.create",
                &org.id,
                Some(&id),
                serde_json::json!({"name": name, "org": org.name}),
            )
            .await?;
            let t = store::teams::find_team(&mut tx, &org.id, &id)
                .await?
                .ok_or_else(|| ApiError::not_found("team"))?;
            tx.commit().await?;
            Ok(team(&t))
        })
        .await
    }

    /// Deletes a team that no binding uses (409 `team-in-use` naming the
    /// projects otherwise): removing a team's bindings changes access in
    /// projects, which is for their members managers to decide, one binding at a
    /// time under the escalation rule.
    pub async fn delete_team(&self, caller: &Caller, org: Option<&str>, key: &str) -> ApiResult<()> {
        let found = {
            let mut c = self.conn().await?;
            let (org, role) = self.team_org(&mut c, caller, org).await?;
            let t = store::teams::find_team(&mut c, &org.id, key).await?;
            (org, role, t)
        };
        let (org, role, t) = found;
        let t = t.ok_or_else(|| team_not_found(key, &org))?;
        Self::require_team_manager(&org, role.as_deref())?;
        retry(|| async {
            let mut tx = self.begin().await?;
            if !store::teams::lock_team(&mut tx, &t.id).await? {
                return Err(team_not_found(key, &org));
            }
            let projects = store::teams::projects_binding_team(&mut tx, &t.id).await?;
            if !projects.is_empty() {
                return Err(ApiError::new(
                    ProblemCode::TeamInUse,
                    format!(
                        "team '{}' still holds roles in project(s) {}; delete those role bindings first",
                        t.name,
                        projects.join(", ")
                    ),
                ));
            }
            store::teams::delete_team(&mut tx, &t.id).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "team.delete",
                &org.id,
                Some(&t.id),
                serde_json::json!({"name": t.name, "org": org.name}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Adds an org member to a team; `false` (and nothing changes) when they
    /// already are one.
    pub async fn add_team_member(
        &self,
        caller: &Caller,
        org: Option<&str>,
        key: &str,
        user_key: &str,
    ) -> ApiResult<(api::TeamMember, bool)> {
        self.change_team_member(caller, org, key, user_key, true).await
    }

    /// Removes a member from a team; 404 when they are not one.
    pub async fn remove_team_member(
        &self,
        caller: &Caller,
        org: Option<&str>,
        key: &str,
        user_key: &str,
    ) -> ApiResult<()> {
        self.change_team_member(caller, org, key, user_key, false)
            .await
            .map(|_| ())
    }

    async fn change_team_member(
        &self,
        caller: &Caller,
        org: Option<&str>,
        key: &str,
        user_key: &str,
        add: bool,
    ) -> ApiResult<(api::TeamMember, bool)> {
        let (org, role, t) = {
            let mut c = self.conn().await?;
            let (org, role) = self.team_org(&mut c, caller, org).await?;
            let t = store::teams::find_team(&mut c, &org.id, key).await?;
            (org, role, t)
        };
        let t = t.ok_or_else(|| team_not_found(key, &org))?;
        Self::require_team_manager(&org, role.as_deref())?;
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            // Membership changes access wherever the team is bound: bump those
            // projects first (invariant 3), then the team's row.
            store::teams::lock_projects_of_team(&mut tx, &t.id).await?;
            if !store::teams::lock_team(&mut tx, &t.id).await? {
                return Err(team_not_found(key, &org));
            }
            let not_member = || {
                ApiError::new(
                    ProblemCode::UserNotFound,
                    format!("no member of org '{}' matches '{user_key}'", org.name),
                )
            };
            let user = store::users::find_user(&mut tx, user_key)
                .await?
                .ok_or_else(not_member)?;
            if store::users::org_role(&mut tx, &org.id, &user.id)
                .await?
                .is_none()
            {
                return Err(not_member());
            }
            let existing = store::teams::get_member(&mut tx, &t.id, &user.id).await?;
            if add {
                if let Some(m) = existing {
                    // Nothing changes: roll back the bumps.
                    return Ok((member(&m), false));
                }
                store::teams::add_member(&mut tx, &t.id, &user.id, &caller.user.username, now).await?;
            } else {
                let Some(m) = existing else {
                    return Err(ApiError::new(
                        ProblemCode::NotFound,
                        format!("'{}' is not a member of team '{}'", user.username, t.name),
                    ));
                };
                store::teams::remove_member(&mut tx, &t.id, &user.id).await?;
                self.audit_member(&mut tx, caller, "team.member.remove", &t, &user.username)
                    .await?;
                tx.commit().await?;
                return Ok((member(&m), true));
            }
            self.audit_member(&mut tx, caller, "team.member.add", &t, &user.username)
                .await?;
            let m = store::teams::get_member(&mut tx, &t.id, &user.id)
                .await?
                .ok_or_else(|| ApiError::not_found("team member"))?;
            tx.commit().await?;
            Ok((member(&m), true))
        })
        .await
    }

    async fn audit_member(
        &self,
        tx: &mut Conn,
        caller: &Caller,
        action: &str,
        t: &TeamRow,
        username: &str,
    ) -> ApiResult<()> {
        self.audit_in_org(
            tx,
            Some(caller),
            action,
            &t.org_id,
            Some(&t.id),
            serde_json::json!({"team": t.name, "user": username}),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_org_owners_and_admins_manage_teams() {
        for (role, ok) in [
            (Some("owner"), true),
            (Some("admin"), true),
            (Some("viewer"), false),
            (Some("devops"), false),
            (Some("member"), false),
            (None, false),
        ] {
            assert_eq!(super::may_manage(role), ok, "{role:?}");
        }
    }
}
