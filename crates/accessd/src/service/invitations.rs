//! Invitations: per-email batch create, list, get, revoke, resend, accept.

use access_api::{self as api, InviteStatus, ProblemCode, validate};

use super::auth::{hash_secret, new_invitation_code};
use super::{Access, Caller, Service, convert, role_view, rules};
use crate::clock::DAY_MS;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Conn, InvitationRow};

fn result(email: &str, status: InviteStatus) -> api::InviteResult {
    api::InviteResult {
        email: email.to_owned(),
        status,
        problem: None,
        detail: None,
        invitation: None,
    }
}

impl Service {
    /// The code and delivery of a new code in a create or resend response:
    /// with mail delivery configured the code goes only to the invitee's
    /// mailbox, never to the inviter.
    pub(super) fn handed_out(&self, code: String) -> (Option<String>, Option<api::InvitationDelivery>) {
        if self.config.smtp_url.is_some() {
            (None, Some(api::InvitationDelivery::Mail))
        } else {
            (Some(code), Some(api::InvitationDelivery::Inviter))
        }
    }

    /// With mail delivery, writes the invitation mail of `code` to the
    /// outbox in `tx` (sent after the commit by the outbox worker).
    async fn mail_invitation(
        &self,
        tx: &mut Conn,
        row: &InvitationRow,
        project: &str,
        inviter: &str,
        code: &str,
    ) -> ApiResult<()> {
        if self.config.smtp_url.is_none() {
            return Ok(());
        }
        let public_url = crate::mail::public_url(self);
        let m = crate::mail::message::invitation(&crate::mail::message::Invitation {
            public_url: &public_url,
            kind: "project",
            project,
            role: &row.role_name,
            inviter: Some(inviter),
            code,
            valid_days: ((row.expires_at - self.now()) + DAY_MS / 2) / DAY_MS,
        });
        crate::mail::enqueue(self, tx, "invitation", Some(&row.id), &row.email, &m).await?;
        Ok(())
    }

    pub(super) fn ttl_ms(&self, ttl_days: Option<u32>) -> i64 {
        i64::from(ttl_days.unwrap_or(self.config.invitation_ttl_days)) * DAY_MS
    }

    pub async fn create_invitations(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<&str>,
        req: &api::CreateInvitations,
    ) -> ApiResult<(api::InviteResponse, i64)> {
        super::invitations::check_batch(req.emails.len(), req.ttl_days)?;
        let done = retry(|| async {
            let now = self.now();
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let role = acc.role(&req.role)?;
            rules::check_grant(&acc.perms, "invitations.manage", &[role_view(role)])?;
            let mut results = Vec::new();
            for raw in &req.emails {
                let email = raw.trim();
                if let Err(m) = validate::email(email) {
                    results.push(api::InviteResult {
                        detail: Some(m),
                        ..result(raw, InviteStatus::Invalid)
                    });
                    continue;
                }
                if let Some(user) = store::users::user_by_email(&mut tx, email).await? {
                    let held = store::bindings::bindings_of_user(&mut tx, &acc.project.id, &user.id).await?;
                    if held.len() == 1 && held[0].role_id == role.id {
                        results.push(result(email, InviteStatus::AlreadyMember));
                        continue;
                    }
                    if !held.is_empty() {
                        let names: Vec<&str> = held.iter().map(|b| b.role_name.as_str()).collect();
                        results.push(api::InviteResult {
                            problem: Some(ProblemCode::AlreadyMember),
                            detail: Some(format!(
                                "already a member with role(s) {}; change their role instead of inviting them",
                                names.join(", ")
                            )),
                            ..result(email, InviteStatus::Conflict)
                        });
                        continue;
                    }
                }
                // The project's MFA policy: an account without MFA, or an email
                // without an account, cannot be invited to a covered role.
                let account = store::users::user_by_email(&mut tx, email).await?;
                let who = match &account {
                    Some(u) => super::mfa::Grantee::User(&u.username, u.mfa_enabled),
                    None => super::mfa::Grantee::NewEmail(email),
                };
                match self.check_mfa_policy(&mut tx, &acc.project, role, who).await {
                    Ok(()) => {}
                    Err(ApiError::Problem(p)) if p.code == ProblemCode::MfaRequired => {
                        results.push(api::InviteResult {
                            problem: Some(ProblemCode::MfaRequired),
                            detail: p.detail.clone(),
                            ..result(email, InviteStatus::Conflict)
                        });
                        continue;
                    }
                    Err(e) => return Err(e),
                }
                if let Some(existing) = store::invitations::find(&mut tx, &acc.project.id, email).await? {
                    if now >= existing.expires_at {
                        store::invitations::delete(&mut tx, &existing.id).await?;
                    } else if existing.role_id == role.id {
                        results.push(api::InviteResult {
                            invitation: Some(convert::invitation(&existing, now)),
                            ..result(email, InviteStatus::AlreadyInvited)
                        });
                        continue;
                    } else {
                        results.push(api::InviteResult {
                            problem: Some(ProblemCode::InvitationExists),
                            detail: Some(format!(
                                "already invited as '{}'; revoke that invitation first",
                                existing.role_name
                            )),
                            invitation: Some(convert::invitation(&existing, now)),
                            ..result(email, InviteStatus::Conflict)
                        });
                        continue;
                    }
                }
                let code = new_invitation_code();
                let new = store::invitations::NewInvitation {
                    project_id: &acc.project.id,
                    email,
                    role_id: &role.id,
                    code_hash: &hash_secret(&code),
                    invited_by: Some(&caller.user.username),
                    expires_at: now + self.ttl_ms(req.ttl_days),
                };
                let id = store::invitations::insert(&mut tx, &new, now).await?;
                let row = store::invitations::by_id(&mut tx, &id)
                    .await?
                    .ok_or_else(|| ApiError::not_found("invitation"))?;
                self.audit(
                    &mut tx,
                    Some(caller),
                    "invitation.create",
                    Some(&acc.project),
                    Some(email),
                    serde_json::json!({"role": role.name}),
                )
                .await?;
                self.mail_invitation(&mut tx, &row, &acc.project.name, &caller.user.username, &code)
                    .await?;
                let (code, delivery) = self.handed_out(code);
                results.push(api::InviteResult {
                    invitation: Some(convert::invitation_with(&row, now, code, delivery)),
                    ..result(email, InviteStatus::Invited)
                });
            }
            tx.commit().await?;
            Ok((api::InviteResponse { results }, acc.project.policy_version))
        })
        .await?;
        self.mail.wake();
        Ok(done)
    }

    pub async fn list_invitations(
        &self,
        caller: &Caller,
        key: &str,
    ) -> ApiResult<(Vec<api::Invitation>, i64)> {
        let acc = self.view(caller, key).await?;
        acc.require("invitations.view")?;
        let mut c = self.conn().await?;
        let now = self.now();
        let rows = store::invitations::list_for_project(&mut c, &acc.project.id).await?;
        Ok((
            rows.iter().map(|i| convert::invitation(i, now)).collect(),
            acc.project.policy_version,
        ))
    }

    pub async fn get_invitation(
        &self,
        caller: &Caller,
        key: &str,
        inv: &str,
    ) -> ApiResult<(api::Invitation, i64)> {
        let acc = self.view(caller, key).await?;
        acc.require("invitations.view")?;
        let mut c = self.conn().await?;
        let row = store::invitations::find(&mut c, &acc.project.id, inv)
            .await?
            .ok_or_else(|| ApiError::not_found("invitation"))?;
        Ok((convert::invitation(&row, self.now()), acc.project.policy_version))
    }

    async fn managed_invitation(&self, tx: &mut Conn, acc: &Access, inv: &str) -> ApiResult<InvitationRow> {
        let row = store::invitations::find(tx, &acc.project.id, inv)
            .await?
            .ok_or_else(|| ApiError::not_found("invitation"))?;
        let role = acc.role_by_id(&row.role_id)?;
        rules::check_grant(&acc.perms, "invitations.manage", &[role_view(role)])?;
        Ok(row)
    }

    pub async fn delete_invitation(
        &self,
        caller: &Caller,
        key: &str,
        inv: &str,
        if_match: Option<&str>,
    ) -> ApiResult<i64> {
        retry(|| async {
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let row = self.managed_invitation(&mut tx, &acc, inv).await?;
            store::invitations::delete(&mut tx, &row.id).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "invitation.delete",
                Some(&acc.project),
                Some(&row.email),
                serde_json::json!({"role": row.role_name}),
            )
            .await?;
            tx.commit().await?;
            Ok(acc.project.policy_version)
        })
        .await
    }

    pub async fn resend_invitation(
        &self,
        caller: &Caller,
        key: &str,
        inv: &str,
        if_match: Option<&str>,
    ) -> ApiResult<(api::Invitation, i64)> {
        let done = retry(|| async {
            let now = self.now();
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let mut row = self.managed_invitation(&mut tx, &acc, inv).await?;
            let code = new_invitation_code();
            row.created_at = now;
            row.expires_at = now + self.ttl_ms(None);
            store::invitations::renew(&mut tx, &row.id, &hash_secret(&code), now, row.expires_at).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "invitation.resend",
                Some(&acc.project),
                Some(&row.email),
                serde_json::json!({"role": row.role_name}),
            )
            .await?;
            self.mail_invitation(&mut tx, &row, &acc.project.name, &caller.user.username, &code)
                .await?;
            tx.commit().await?;
            let (code, delivery) = self.handed_out(code);
            Ok((
                convert::invitation_with(&row, now, code, delivery),
                acc.project.policy_version,
            ))
        })
        .await?;
        self.mail.wake();
        Ok(done)
    }
}

/// The limits of one invitation request (project or org): 1 to
/// `MAX_INVITE_BATCH` emails, a lifetime of 1 to 30 days.
pub(super) fn check_batch(emails: usize, ttl_days: Option<u32>) -> ApiResult<()> {
    if emails == 0 || emails > validate::MAX_INVITE_BATCH {
        return Err(ApiError::field(
            "emails",
            format!("give 1 to {} emails", validate::MAX_INVITE_BATCH),
        ));
    }
    if let Some(t) = ttl_days
        && !(1..=30).contains(&t)
    {
        return Err(ApiError::field("ttl_days", "must be between 1 and 30"));
    }
    Ok(())
}
