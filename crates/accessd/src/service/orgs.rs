//! Organizations (Qovery): created by server administrators (who become the new
//! org's owner), renamed by its owners and admins, and their members, each with one
//! org role. Org membership comes only from here (and from a server
//! administrator's `users create`, into `default`): accepting a project invitation
//! never makes anyone an org member.
//!
//! Who may change a membership:
//! - org owners: everything, including owners;
//! - org admins: every role but `owner`, and never an owner's membership;
//! - server administrators who hold neither role: add existing users as `member`
//!   (no project permissions) and remove non-owners. The server flag gives no
//!   project permissions, so it must not let anyone make themselves an org owner
//!   or admin (which hold every permission in every project of the org).
//!
//! An org keeps at least one active owner (409 `last-owner`), checked under the
//! org's row lock like the project rule.

use access_api::{self as api, ProblemCode, validate};

use super::users::require_admin;
use super::{Caller, Service, convert};
use crate::clock::rfc3339;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::users::OrgRow;
use crate::store::{self, Conn, orgs::OrgMemberRow};

fn org_not_found(key: &str) -> ApiError {
    ApiError::new(ProblemCode::NotFound, format!("org '{key}' not found"))
}

pub fn member(m: &OrgMemberRow) -> api::OrgMember {
    api::OrgMember {
        user_id: m.user.id.clone(),
        username: m.user.username.clone(),
        email: m.user.email.clone(),
        name: m.user.name.clone(),
        role: m.role.clone(),
        added_at: rfc3339(m.added_at),
    }
}

/// The caller's standing for a membership change from `from` (none: not a
/// member yet) to `to` (none: removed).
pub(super) fn may_change(
    caller_role: Option<&str>,
    server_admin: bool,
    from: Option<&str>,
    to: Option<&str>,
) -> ApiResult<()> {
    let touches_owner = from == Some("owner") || to == Some("owner");
    match caller_role {
        Some("owner") => Ok(()),
        Some("admin") if !touches_owner => Ok(()),
        Some("admin") => Err(ApiError::new(
            ProblemCode::PrivilegeEscalation,
            "only an org owner can make someone an owner or change an owner's membership",
        )),
        _ if server_admin
            && !touches_owner
            && matches!((from, to), (None, Some("member")) | (Some(_), None)) =>
        {
            Ok(())
        }
        _ if server_admin => Err(ApiError::new(
            ProblemCode::PrivilegeEscalation,
            "a server administrator adds org members as `member` only; org roles are set by the org's owners and admins",
        )),
        _ => Err(ApiError::forbidden(
            "only the org's owners and admins manage its members",
        )),
    }
}

impl Service {
    /// The org and the caller's role in it; 404 unless the caller belongs to it
    /// or is a server administrator.
    pub async fn org_for(
        &self,
        c: &mut Conn,
        caller: &Caller,
        key: &str,
    ) -> ApiResult<(OrgRow, Option<String>)> {
        let org = store::users::find_org(c, key)
            .await?
            .ok_or_else(|| org_not_found(key))?;
        let role = store::users::org_role(c, &org.id, &caller.user.id).await?;
        if role.is_none() && !caller.user.is_admin {
            return Err(org_not_found(key));
        }
        Ok((org, role))
    }

    /// [`Service::org_for`], then the org's row lock (membership changes
    /// serialize on it).
    pub(super) async fn locked_org(&self, c: &mut Conn, caller: &Caller, key: &str) -> ApiResult<OrgRow> {
        let (org, _) = self.org_for(c, caller, key).await?;
        if !store::orgs::lock_org(c, &org.id).await? {
            return Err(org_not_found(key));
        }
        Ok(org)
    }

    pub async fn list_orgs(&self, caller: &Caller) -> ApiResult<Vec<api::Org>> {
        let mut c = self.conn().await?;
        let rows = store::users::list_orgs(&mut c, &caller.user.id, caller.user.is_admin).await?;
        Ok(rows.iter().map(convert::org).collect())
    }

    pub async fn get_org(&self, caller: &Caller, key: &str) -> ApiResult<api::Org> {
        let mut c = self.conn().await?;
        let (org, _) = self.org_for(&mut c, caller, key).await?;
        Ok(convert::org(&org))
    }

    /// A new org (server administrators); the caller becomes its owner.
    pub async fn create_org(&self, caller: &Caller, req: &api::CreateOrg) -> ApiResult<api::Org> {
        require_admin(caller)?;
        let name = req.name.trim();
        validate::name("org name", name).map_err(|m| ApiError::field("name", m))?;
        retry(|| async {
            let mut tx = self.begin().await?;
            let now = self.now();
            let Some(org) = store::orgs::insert_org(&mut tx, name, now).await? else {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("an org named '{name}' exists"),
                ));
            };
            store::users::add_org_member(&mut tx, &org.id, &caller.user.id, "owner", now).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "org.create",
                &org.id,
                Some(&org.id),
                serde_json::json!({"name": org.name}),
            )
            .await?;
            tx.commit().await?;
            Ok(convert::org(&org))
        })
        .await
    }

    /// Renames an org (its owners and admins). A no-op writes nothing.
    pub async fn update_org(&self, caller: &Caller, key: &str, req: &api::UpdateOrg) -> ApiResult<api::Org> {
        if let Some(n) = &req.name {
            validate::name("org name", n.trim()).map_err(|m| ApiError::field("name", m))?;
        }
        retry(|| async {
            let mut tx = self.begin().await?;
            let (mut org, role) = self.org_for(&mut tx, caller, key).await?;
            if !matches!(role.as_deref(), Some("owner" | "admin")) {
                return Err(ApiError::forbidden("only the org's owners and admins change it"));
            }
            let Some(name) = req.name.as_deref().map(str::trim).filter(|n| *n != org.name) else {
                tx.rollback().await?;
                return Ok(convert::org(&org));
            };
            if !store::orgs::rename_org(&mut tx, &org.id, name).await? {
                return Err(ApiError::new(
                    ProblemCode::NameTaken,
                    format!("an org named '{name}' exists"),
                ));
            }
            let old = std::mem::replace(&mut org.name, name.to_owned());
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "org.update",
                &org.id,
                Some(&org.id),
                serde_json::json!({"name": org.name, "previous_name": old}),
            )
            .await?;
            tx.commit().await?;
            Ok(convert::org(&org))
        })
        .await
    }

    /// The org's members (everyone in the org, and server administrators).
    pub async fn list_org_members(&self, caller: &Caller, key: &str) -> ApiResult<Vec<api::OrgMember>> {
        let mut c = self.conn().await?;
        let (org, _) = self.org_for(&mut c, caller, key).await?;
        let rows = store::orgs::list_members(&mut c, &org.id).await?;
        Ok(rows.iter().map(member).collect())
    }

    /// Adds an existing user to the org (role `member` unless given) or sets a
    /// member's role; `true` when the user was added.
    pub async fn set_org_member(
        &self,
        caller: &Caller,
        key: &str,
        user_key: &str,
        req: &api::SetOrgMember,
    ) -> ApiResult<(api::OrgMember, bool)> {
        retry(|| async {
            let mut tx = self.begin().await?;
            let org = self.locked_org(&mut tx, caller, key).await?;
            // Read after the lock: a change committed just before may have
            // changed the caller's own role.
            let role = store::users::org_role(&mut tx, &org.id, &caller.user.id).await?;
            let wanted = match req.role.as_deref() {
                Some(r) => Some(self.org_role_name(&mut tx, &org, r).await?),
                None => None,
            };
            let user = if user_key == "me" {
                caller.user.clone()
            } else {
                store::users::find_user(&mut tx, user_key).await?.ok_or_else(|| {
                    ApiError::new(ProblemCode::UserNotFound, format!("user '{user_key}' not found"))
                })?
            };
            let current = store::orgs::get_member(&mut tx, &org.id, &user.id).await?;
            let from = current.as_ref().map(|m| m.role.as_str());
            let to = wanted
                .clone()
                .or(from.map(str::to_owned))
                .unwrap_or_else(|| "member".into());
            if let Some(m) = current.as_ref().filter(|m| m.role == to) {
                tx.rollback().await?;
                return Ok((member(m), false));
            }
            may_change(role.as_deref(), caller.user.is_admin, from, Some(&to))?;
            store::orgs::bump_projects(&mut tx, &org.id).await?;
            let owners_before = store::orgs::count_owners(&mut tx, &org.id).await?;
            let added = current.is_none();
            if added {
                store::users::add_org_member(&mut tx, &org.id, &user.id, &to, self.now()).await?;
            } else {
                store::orgs::set_role(&mut tx, &org.id, &user.id, &to).await?;
            }
            check_org_owners_left(
                &org,
                owners_before,
                store::orgs::count_owners(&mut tx, &org.id).await?,
            )?;
            let (action, details) = if added {
                (
                    "org.member.add",
                    serde_json::json!({"user": user.username, "role": to}),
                )
            } else {
                (
                    "org.member.update",
                    serde_json::json!({"user": user.username, "role": to, "previous_role": from}),
                )
            };
            self.audit_in_org(
                &mut tx,
                Some(caller),
                action,
                &org.id,
                Some(&user.username),
                details,
            )
            .await?;
            let m = store::orgs::get_member(&mut tx, &org.id, &user.id)
                .await?
                .ok_or_else(|| ApiError::not_found("org member"))?;
            tx.commit().await?;
            Ok((member(&m), added))
        })
        .await
    }

    /// Removes a member from the org (`me`: leave it). Their project bindings
    /// stay: they were granted in each project, and are removed there.
    pub async fn remove_org_member(&self, caller: &Caller, key: &str, user_key: &str) -> ApiResult<()> {
        retry(|| async {
            let mut tx = self.begin().await?;
            let org = self.locked_org(&mut tx, caller, key).await?;
            // Read after the lock: a change committed just before may have
            // changed the caller's own role.
            let role = store::users::org_role(&mut tx, &org.id, &caller.user.id).await?;
            let leaving = user_key == "me";
            let user = if leaving {
                caller.user.clone()
            } else {
                store::users::find_user(&mut tx, user_key).await?.ok_or_else(|| {
                    ApiError::new(ProblemCode::UserNotFound, format!("user '{user_key}' not found"))
                })?
            };
            let leaving = leaving || user.id == caller.user.id;
            let Some(current) = store::orgs::get_member(&mut tx, &org.id, &user.id).await? else {
                return Err(ApiError::new(
                    ProblemCode::NotFound,
                    format!("'{}' is not a member of org '{}'", user.username, org.name),
                ));
            };
            if !leaving {
                may_change(role.as_deref(), caller.user.is_admin, Some(&current.role), None)?;
            }
            store::orgs::bump_projects(&mut tx, &org.id).await?;
            let owners_before = store::orgs::count_owners(&mut tx, &org.id).await?;
            store::orgs::remove_member(&mut tx, &org.id, &user.id).await?;
            check_org_owners_left(
                &org,
                owners_before,
                store::orgs::count_owners(&mut tx, &org.id).await?,
            )?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "org.member.remove",
                &org.id,
                Some(&user.username),
                serde_json::json!({"user": user.username, "role": current.role, "left": leaving}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// An org that had an active owner keeps one.
fn check_org_owners_left(org: &OrgRow, before: i64, after: i64) -> ApiResult<()> {
    if before > 0 && after == 0 {
        return Err(ApiError::new(
            ProblemCode::LastOwner,
            format!(
                "that would leave org '{}' without an owner; make someone else an owner first",
                org.name
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::may_change;

    #[test]
    fn who_may_change_an_org_membership() {
        // (caller role, server admin, from, to, allowed)
        for (caller, admin, from, to, ok) in [
            (Some("owner"), false, Some("owner"), None, true),
            (Some("owner"), false, None, Some("owner"), true),
            (Some("admin"), false, None, Some("devops"), true),
            (Some("admin"), false, Some("viewer"), Some("admin"), true),
            (Some("admin"), false, None, Some("owner"), false),
            (Some("admin"), false, Some("owner"), Some("member"), false),
            (Some("admin"), false, Some("owner"), None, false),
            (Some("devops"), false, None, Some("member"), false),
            (Some("member"), true, None, Some("member"), true),
            (None, true, None, Some("member"), true),
            (None, true, Some("viewer"), None, true),
            (None, true, None, Some("admin"), false),
            (None, true, Some("member"), Some("viewer"), false),
            (None, true, Some("owner"), None, false),
            (None, false, None, Some("member"), false),
        ] {
            assert_eq!(
                may_change(caller, admin, from, to).is_ok(),
                ok,
                "{caller:?} admin={admin} {from:?} -> {to:?}"
            );
        }
    }
}
