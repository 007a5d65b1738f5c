//! Org invitations (Qovery): an email invited into an org with one org role.
//!
//! Who may invite with which role is who may add a member with it
//! ([`super::orgs::may_change`] from "not a member"): owners any role, admins
//! any but `owner`, a server administrator `member` only. Codes are made,
//! hashed and delivered like project invitation codes (mail through the outbox
//! when configured, else to the inviter) and accepted through the same
//! `POST /v1/invitations/accept`.
//!
//! Accepting adds a membership and never changes one: an account that already
//! is a member gets 409 `already-member` unless it has that role (so accepting
//! can never remove an owner). Because an org membership lets other org admins
//! bind the account anywhere in the org, holding a code must prove more than
//! for a project invitation: an email that already has an account accepts
//! signed in as it, and a new account is created only when the code was
//! mailed to the invitee (without mail delivery the inviter holds the code and
//! could otherwise mint an org account for someone else's email).

use access_api::{self as api, InviteStatus, ProblemCode, validate};

use super::accept::Answer;
use super::auth::{hash_secret, new_invitation_code};
use super::orgs::{may_change, member};
use super::{Caller, RequestIds, Service, convert};
use crate::clock::{DAY_MS, rfc3339};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::org_invitations::{NewOrgInvitation, OrgInvitationRow};
use crate::store::{self, Conn};

fn result(email: &str, status: InviteStatus) -> api::OrgInviteResult {
    api::OrgInviteResult {
        email: email.to_owned(),
        status,
        problem: None,
        detail: None,
        invitation: None,
    }
}

pub fn org_invitation(
    i: &OrgInvitationRow,
    now: i64,
    code: Option<String>,
    delivery: Option<api::InvitationDelivery>,
) -> api::OrgInvitation {
    api::OrgInvitation {
        id: i.id.clone(),
        org: api::Ref {
            id: i.org_id.clone(),
            name: i.org_name.clone(),
        },
        email: i.email.clone(),
        role: i.role.clone(),
        invited_by: i.invited_by.clone(),
        created_at: rfc3339(i.created_at),
        expires_at: rfc3339(i.expires_at),
        status: if now >= i.expires_at {
            api::InvitationStatus::Expired
        } else {
            api::InvitationStatus::Pending
        },
        code,
        delivery,
    }
}

impl Service {
    /// The caller's org role after the org's lock; 403 unless they may manage
    /// invitations at all (owners, admins, server administrators).
    async fn org_inviter(
        &self,
        tx: &mut Conn,
        caller: &Caller,
        key: &str,
    ) -> ApiResult<(store::users::OrgRow, Option<String>)> {
        let org = self.locked_org(tx, caller, key).await?;
        let role = store::users::org_role(tx, &org.id, &caller.user.id).await?;
        if !matches!(role.as_deref(), Some("owner" | "admin")) && !caller.user.is_admin {
            return Err(ApiError::forbidden(
                "only the org's owners and admins manage its invitations",
            ));
        }
        Ok((org, role))
    }

    pub async fn create_org_invitations(
        &self,
        caller: &Caller,
        key: &str,
        req: &api::CreateOrgInvitations,
    ) -> ApiResult<api::OrgInviteResponse> {
        super::invitations::check_batch(req.emails.len(), req.ttl_days)?;
        let done = retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            let (org, caller_role) = self.org_inviter(&mut tx, caller, key).await?;
            let role = self.org_role_name(&mut tx, &org, &req.role).await?;
            may_change(caller_role.as_deref(), caller.user.is_admin, None, Some(&role))?;
            let mut results = Vec::new();
            for raw in &req.emails {
                let email = raw.trim();
                if let Err(m) = validate::email(email) {
                    results.push(api::OrgInviteResult {
                        detail: Some(m),
                        ..result(raw, InviteStatus::Invalid)
                    });
                    continue;
                }
                if let Some(user) = store::users::user_by_email(&mut tx, email).await?
                    && let Some(m) = store::orgs::get_member(&mut tx, &org.id, &user.id).await?
                {
                    if m.role == role {
                        results.push(result(email, InviteStatus::AlreadyMember));
                    } else {
                        results.push(api::OrgInviteResult {
                            problem: Some(ProblemCode::AlreadyMember),
                            detail: Some(format!(
                                "already a member of org '{}' as '{}'; change their role instead of inviting them",
                                org.name, m.role
                            )),
                            ..result(email, InviteStatus::Conflict)
                        });
                    }
                    continue;
                }
                if let Some(existing) = store::org_invitations::find(&mut tx, &org.id, email).await? {
                    if now >= existing.expires_at {
                        store::org_invitations::delete(&mut tx, &existing.id).await?;
                    } else if existing.role == role {
                        results.push(api::OrgInviteResult {
                            invitation: Some(org_invitation(&existing, now, None, None)),
                            ..result(email, InviteStatus::AlreadyInvited)
                        });
                        continue;
                    } else {
                        results.push(api::OrgInviteResult {
                            problem: Some(ProblemCode::InvitationExists),
                            detail: Some(format!(
                                "already invited as '{}'; revoke that invitation first",
                                existing.role
                            )),
                            invitation: Some(org_invitation(&existing, now, None, None)),
                            ..result(email, InviteStatus::Conflict)
                        });
                        continue;
                    }
                }
                let code = new_invitation_code();
                let mailed = self.config.smtp_url.is_some();
                let new = NewOrgInvitation {
                    org_id: &org.id,
                    email,
                    role: &role,
                    code_hash: &hash_secret(&code),
                    mailed,
                    invited_by: Some(&caller.user.username),
                    expires_at: now + self.ttl_ms(req.ttl_days),
                };
                let id = store::org_invitations::insert(&mut tx, &new, now).await?;
                let row = store::org_invitations::find(&mut tx, &org.id, &id)
                    .await?
                    .ok_or_else(|| ApiError::not_found("org invitation"))?;
                self.audit_in_org(
                    &mut tx,
                    Some(caller),
                    "org.invitation.create",
                    &org.id,
                    Some(email),
                    serde_json::json!({"role": role}),
                )
                .await?;
                if mailed {
                    let public_url = crate::mail::public_url(self);
                    let m = crate::mail::message::invitation(&crate::mail::message::Invitation {
                        public_url: &public_url,
                        kind: "organization",
                        project: &org.name,
                        role: &role,
                        inviter: Some(&caller.user.username),
                        code: &code,
                        valid_days: ((row.expires_at - now) + DAY_MS / 2) / DAY_MS,
                    });
                    crate::mail::enqueue(self, &mut tx, "org_invitation", Some(&row.id), &row.email, &m)
                        .await?;
                }
                let (code, delivery) = self.handed_out(code);
                results.push(api::OrgInviteResult {
                    invitation: Some(org_invitation(&row, now, code, delivery)),
                    ..result(email, InviteStatus::Invited)
                });
            }
            tx.commit().await?;
            Ok(api::OrgInviteResponse { results })
        })
        .await?;
        self.mail.wake();
        Ok(done)
    }

    /// The org's open invitations (its owners and admins, server administrators).
    pub async fn list_org_invitations(
        &self,
        caller: &Caller,
        key: &str,
    ) -> ApiResult<Vec<api::OrgInvitation>> {
        let mut c = self.conn().await?;
        let (org, role) = self.org_for(&mut c, caller, key).await?;
        if !matches!(role.as_deref(), Some("owner" | "admin")) && !caller.user.is_admin {
            return Err(ApiError::forbidden(
                "only the org's owners and admins see its invitations",
            ));
        }
        let now = self.now();
        let rows = store::org_invitations::list_for_org(&mut c, &org.id).await?;
        Ok(rows.iter().map(|r| org_invitation(r, now, None, None)).collect())
    }

    /// Revokes an invitation (by id or email); the caller must be allowed to
    /// invite with its role.
    pub async fn delete_org_invitation(&self, caller: &Caller, key: &str, inv: &str) -> ApiResult<()> {
        retry(|| async {
            let mut tx = self.begin().await?;
            let (org, caller_role) = self.org_inviter(&mut tx, caller, key).await?;
            let row = store::org_invitations::find(&mut tx, &org.id, inv)
                .await?
                .ok_or_else(|| {
                    ApiError::new(
                        ProblemCode::NotFound,
                        format!("no open invitation '{inv}' in org '{}'", org.name),
                    )
                })?;
            may_change(
                caller_role.as_deref(),
                caller.user.is_admin,
                None,
                Some(&row.role),
            )?;
            store::org_invitations::delete(&mut tx, &row.id).await?;
            self.audit_in_org(
                &mut tx,
                Some(caller),
                "org.invitation.delete",
                &org.id,
                Some(&row.email),
                serde_json::json!({"role": row.role}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Accepts or declines an org invitation by its code's hash; `None` when
    /// no org invitation has it.
    pub(super) async fn answer_org_invitation(
        &self,
        caller: Option<&Caller>,
        ids: &RequestIds,
        hash: &str,
        answer: Answer,
    ) -> ApiResult<Option<Option<api::AcceptResponse>>> {
        let (accept, first_token) = match answer {
            Answer::Accept { first_token } => (true, first_token),
            Answer::Decline => (false, false),
        };
        let first = {
            let mut c = self.conn().await?;
            store::org_invitations::by_code_hash(&mut c, hash).await?
        };
        let Some(first) = first else {
            return Ok(None);
        };
        let gone = || {
            ApiError::new(
                ProblemCode::NotFound,
                "no open invitation has that code (used, revoked or never issued)",
            )
        };
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            if !store::orgs::lock_org(&mut tx, &first.org_id).await? {
                return Err(gone());
            }
            let inv = store::org_invitations::by_code_hash(&mut tx, hash)
                .await?
                .ok_or_else(gone)?;
            if now >= inv.expires_at {
                return Err(ApiError::new(
                    ProblemCode::InvitationExpired,
                    "this invitation has expired; ask for a new one",
                ));
            }
            if let Some(c) = caller
                && validate::normalize(&c.user.email) != validate::normalize(&inv.email)
            {
                return Err(ApiError::new(
                    ProblemCode::EmailMismatch,
                    "this invitation was sent to a different email address than yours",
                ));
            }
            let org = store::users::find_org(&mut tx, &inv.org_id)
                .await?
                .ok_or_else(gone)?;
            if !accept {
                store::org_invitations::delete(&mut tx, &inv.id).await?;
                self.audit_in_org(
                    &mut tx,
                    caller,
                    "org.invitation.decline",
                    &org.id,
                    Some(&inv.email),
                    serde_json::json!({}),
                )
                .await?;
                tx.commit().await?;
                return Ok(Some(None));
            }
            // The role as the org has it now (a custom role may be gone).
            let role = self.org_role_name(&mut tx, &org, &inv.role).await.map_err(|_| {
                ApiError::new(
                    ProblemCode::NotFound,
                    format!(
                        "the org role '{}' of this invitation no longer exists in org '{}'; ask for a new invitation",
                        inv.role, org.name
                    ),
                )
            })?;
            let account = store::users::user_by_email(&mut tx, &inv.email).await?;
            let mut token = None;
            let user = match account {
                Some(_) if caller.is_none() => {
                    return Err(ApiError::new(
                        ProblemCode::Unauthenticated,
                        "this invitation is for an existing account: sign in as that account and accept again",
                    ));
                }
                Some(u) if u.disabled => return Err(ApiError::forbidden("that account is disabled")),
                Some(u) => u,
                None if !inv.mailed => {
                    return Err(ApiError::new(
                        ProblemCode::Unauthenticated,
                        "this org invitation's code was handed to the inviter, not mailed, so it cannot create an account: \
                         ask a server administrator to create the account, then accept signed in as it",
                    ));
                }
                None => {
                    let (u, first) = self.invitee_account(&mut tx, &inv.email, first_token, now).await?;
                    token = first;
                    u
                }
            };
            match store::orgs::get_member(&mut tx, &org.id, &user.id).await? {
                Some(m) if m.role == role => {}
                Some(m) => {
                    return Err(ApiError::new(
                        ProblemCode::AlreadyMember,
                        format!(
                            "you are a member of org '{}' as '{}' already; an org owner or admin changes your role",
                            org.name, m.role
                        ),
                    ));
                }
                None => {
                    store::orgs::bump_projects(&mut tx, &org.id).await?;
                    store::users::add_org_member(&mut tx, &org.id, &user.id, &role, now).await?;
                }
            }
            store::org_invitations::delete(&mut tx, &inv.id).await?;
            let actor = Caller {
                user: user.clone(),
                ids: ids.clone(),
            };
            self.audit_in_org(
                &mut tx,
                Some(&actor),
                "org.invitation.accept",
                &org.id,
                Some(&inv.email),
                serde_json::json!({"role": role}),
            )
            .await?;
            let m = store::orgs::get_member(&mut tx, &org.id, &user.id)
                .await?
                .ok_or_else(|| ApiError::not_found("org member"))?;
            tx.commit().await?;
            Ok(Some(Some(api::AcceptResponse {
                project: None,
                binding: None,
                org: Some(api::Ref {
                    id: org.id.clone(),
                    name: org.name.clone(),
                }),
                org_member: Some(member(&m)),
                user: convert::user(&user),
                token: token.clone(),
            })))
        })
        .await
    }
}
