//! The members view: users with their roles plus open invitations; set one
//! role; remove a member or leave (`me`).

use access_api::{self as api, MemberStatus, ProblemCode};

use super::bindings::Target;
use super::owners::OwnerGuard;
use super::{Caller, Service, convert, role_view, rules};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, BindingRow};

fn member_of(bindings: &[BindingRow]) -> Option<api::Member> {
    let u = bindings.first()?.user.as_ref()?;
    let mut sorted: Vec<&BindingRow> = bindings.iter().collect();
    sorted.sort_by_key(|b| b.role_rank);
    Some(api::Member {
        email: u.email.clone(),
        user_id: Some(u.id.clone()),
        username: Some(u.username.clone()),
        name: u.name.clone(),
        roles: sorted
            .iter()
            .map(|b| api::Ref {
                id: b.role_id.clone(),
                name: b.role_name.clone(),
            })
            .collect(),
        status: MemberStatus::Member,
        invitation_id: None,
    })
}

impl Service {
    pub async fn list_members(&self, caller: &Caller, key: &str) -> ApiResult<(Vec<api::Member>, i64)> {
        let acc = self.view(caller, key).await?;
        acc.require("members.view")?;
        let mut c = self.conn().await?;
        let mut rows = store::bindings::user_bindings_of_project(&mut c, &acc.project.id).await?;
        // An expired binding grants nothing: it is no membership and no role.
        let now = self.now();
        rows.retain(|b| b.expires_at.is_none_or(|t| t > now));
        let mut out = Vec::new();
        for group in rows.chunk_by(|a, b| a.principal_id == b.principal_id) {
            out.extend(member_of(group));
        }
        if acc.has("invitations.view") {
            for i in store::invitations::list_for_project(&mut c, &acc.project.id).await? {
                let inv = convert::invitation(&i, now);
                out.push(api::Member {
                    email: i.email.clone(),
                    user_id: None,
                    username: None,
                    name: None,
                    roles: vec![inv.role.clone()],
                    status: match inv.status {
                        api::InvitationStatus::Pending => MemberStatus::Pending,
                        api::InvitationStatus::Expired => MemberStatus::Expired,
                    },
                    invitation_id: Some(i.id.clone()),
                });
            }
        }
        Ok((out, acc.project.policy_version))
    }

    /// The member ends with exactly `role` (all their other direct bindings go).
    pub async fn set_member_role(
        &self,
        caller: &Caller,
        key: &str,
        member: &str,
        if_match: Option<&str>,
        req: &api::SetMemberRole,
    ) -> ApiResult<(api::Member, i64)> {
        retry(|| async {
            let now = self.now();
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let role = acc.role(&req.role)?;
            let member_key = if member == "me" {
                caller.user.id.as_str()
            } else {
                member
            };
            let user = self.resolve_member(&mut tx, &acc, member_key).await?;
            let existing = store::bindings::bindings_of_user(&mut tx, &acc.project.id, &user.id).await?;
            let mut involved = vec![role_view(role)];
            for b in existing.iter().filter(|b| b.role_id != role.id) {
                involved.push(role_view(acc.role_by_id(&b.role_id)?));
            }
            rules::check_grant(&acc.perms, "members.manage", &involved)?;
            if !existing.iter().any(|b| b.role_id == role.id) {
                self.check_mfa_policy(
                    &mut tx,
                    &acc.project,
                    role,
                    super::mfa::Grantee::User(&user.username, user.mfa_enabled),
                )
                .await?;
            }
            // Adding a role never takes an owner away: the rule only matters when
            // a binding it counts goes.
            let owners = OwnerGuard::project(
                &mut tx,
                &acc.project,
                store::bindings::removes_owner(existing.iter().filter(|b| b.role_id != role.id)),
            )
            .await?;
            for b in existing.iter().filter(|b| b.role_id != role.id) {
                store::bindings::delete_binding(&mut tx, &b.id).await?;
            }
            if !existing.iter().any(|b| b.role_id == role.id) {
                store::bindings::insert_binding(
                    &mut tx,
                    &Target::user(&user).binding(
                        &acc.project.id,
                        (&role.id, role.rank),
                        None,
                        Some(&caller.user.username),
                    ),
                    now,
                )
                .await?;
            }
            owners.check(&mut tx).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "member.update",
                Some(&acc.project),
                Some(&user.username),
                serde_json::json!({"role": role.name}),
            )
            .await?;
            let rows = store::bindings::bindings_of_user(&mut tx, &acc.project.id, &user.id).await?;
            tx.commit().await?;
            let m = member_of(&rows).ok_or_else(|| ApiError::not_found("member"))?;
            Ok((m, acc.project.policy_version))
        })
        .await
    }

    /// Removes every direct binding of the member. `me` = leave the project:
    /// always allowed, except for the last owner.
    pub async fn remove_member(
        &self,
        caller: &Caller,
        key: &str,
        member: &str,
        if_match: Option<&str>,
    ) -> ApiResult<i64> {
        retry(|| async {
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let leaving = member == "me";
            let user = if leaving {
                caller.user.clone()
            } else {
                store::users::find_user(&mut tx, member).await?.ok_or_else(|| {
                    ApiError::new(
                        ProblemCode::NotFound,
                        format!("'{member}' is not a member of project '{}'", acc.project.name),
                    )
                })?
            };
            let existing = store::bindings::bindings_of_user(&mut tx, &acc.project.id, &user.id).await?;
            if existing.is_empty() {
                return Err(ApiError::new(
                    ProblemCode::NotFound,
                    format!("'{member}' is not a member of project '{}'", acc.project.name),
                ));
            }
            if !leaving {
                let mut involved = Vec::new();
                for b in &existing {
                    involved.push(role_view(acc.role_by_id(&b.role_id)?));
                }
                rules::check_grant(&acc.perms, "members.manage", &involved)?;
            }
            let owners =
                OwnerGuard::project(&mut tx, &acc.project, store::bindings::removes_owner(&existing)).await?;
            for b in &existing {
                store::bindings::delete_binding(&mut tx, &b.id).await?;
            }
            owners.check(&mut tx).await?;
            let action = if leaving { "member.leave" } else { "member.remove" };
            self.audit(
                &mut tx,
                Some(caller),
                action,
                Some(&acc.project),
                Some(&user.username),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(acc.project.policy_version)
        })
        .await
    }
}
