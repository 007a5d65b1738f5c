//! Invitations: per-email batch create, list, get, revoke, resend, accept.

use access_api::{self as api, InviteStatus, ProblemCode, validate};

use super::auth::{hash_secret, new_invitation_code, new_token};
use super::{Access, Caller, Service, convert, role_view, rules};
use crate::clock::DAY_MS;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, Conn, InvitationRow, users::NewUser};

/// An invitation that was just created or resent, for mail delivery.
pub struct Sent {
    pub email: String,
    pub project: String,
    pub role: String,
    pub code: String,
}

fn result(email: &str, status: InviteStatus) -> api::InviteResult {
    api::InviteResult {
        email: email.to_owned(),
        status,
        code: None,
        detail: None,
        invitation: None,
    }
}

/// `alice.smith@x` → `alice.smith`: the characters a username allows.
fn username_base(email: &str) -> String {
    let local = email.split('@').next().unwrap_or("");
    let mut s: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    s = s
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    s.truncate(50);
    if s.is_empty() { "user".into() } else { s }
}

impl Service {
    fn ttl_ms(&self, ttl_days: Option<u32>) -> i64 {
        i64::from(ttl_days.unwrap_or(self.config.invitation_ttl_days)) * DAY_MS
    }

    pub async fn create_invitations(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<&str>,
        req: &api::CreateInvitations,
    ) -> ApiResult<(api::InviteResponse, Vec<Sent>, i64)> {
        if req.emails.is_empty() || req.emails.len() > validate::MAX_INVITE_BATCH {
            return Err(ApiError::field(
                "emails",
                format!("give 1 to {} emails", validate::MAX_INVITE_BATCH),
            ));
        }
        if let Some(t) = req.ttl_days
            && !(1..=30).contains(&t)
        {
            return Err(ApiError::field("ttl_days", "must be between 1 and 30"));
        }
        retry(|| async {
            let now = self.now();
            let (mut tx, acc) = self.begin_project(caller, key, if_match).await?;
            let role = acc.role(&req.role)?;
            rules::check_grant(&acc.perms, "invitations.manage", &[role_view(role)])?;
            let mut results = Vec::new();
            let mut sent = Vec::new();
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
                            code: Some(ProblemCode::AlreadyMember),
                            detail: Some(format!(
                                "already a member with role(s) {}; use PUT members to change",
                                names.join(", ")
                            )),
                            ..result(email, InviteStatus::Conflict)
                        });
                        continue;
                    }
                }
                if let Some(existing) = store::invitations::find(&mut tx, &acc.project.id, email).await? {
                    if now >= existing.expires_at {
                        store::invitations::delete(&mut tx, &existing.id).await?;
                    } else if existing.role_id == role.id {
                        results.push(api::InviteResult {
                            invitation: Some(convert::invitation(&existing, now, None)),
                            ..result(email, InviteStatus::AlreadyInvited)
                        });
                        continue;
                    } else {
                        results.push(api::InviteResult {
                            code: Some(ProblemCode::InvitationExists),
                            detail: Some(format!(
                                "already invited as '{}'; revoke that invitation first",
                                existing.role_name
                            )),
                            invitation: Some(convert::invitation(&existing, now, None)),
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
                sent.push(Sent {
                    email: email.to_owned(),
                    project: acc.project.name.clone(),
                    role: role.name.clone(),
                    code: code.clone(),
                });
                results.push(api::InviteResult {
                    invitation: Some(convert::invitation(&row, now, Some(code))),
                    ..result(email, InviteStatus::Invited)
                });
            }
            tx.commit().await?;
            Ok((api::InviteResponse { results }, sent, acc.project.policy_version))
        })
        .await
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
            rows.iter().map(|i| convert::invitation(i, now, None)).collect(),
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
        Ok((
            convert::invitation(&row, self.now(), None),
            acc.project.policy_version,
        ))
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
    ) -> ApiResult<(api::Invitation, Sent, i64)> {
        retry(|| async {
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
            tx.commit().await?;
            let sent = Sent {
                email: row.email.clone(),
                project: acc.project.name.clone(),
                role: row.role_name.clone(),
                code: code.clone(),
            };
            Ok((
                convert::invitation(&row, now, Some(code)),
                sent,
                acc.project.policy_version,
            ))
        })
        .await
    }

    /// Accepts by code. With a caller, the caller must own the invited email;
    /// without one, the account with that email is used, or created (with a
    /// first token) when there is none.
    pub async fn accept_invitation(
        &self,
        caller: Option<&Caller>,
        code: &str,
    ) -> ApiResult<api::AcceptResponse> {
        self.answer_invitation(caller, code, true)
            .await?
            .ok_or_else(|| ApiError::not_found("invitation"))
    }

    /// Declines by code: the invitation is removed.
    pub async fn decline_invitation(&self, caller: Option<&Caller>, code: &str) -> ApiResult<()> {
        self.answer_invitation(caller, code, false).await.map(|_| ())
    }

    async fn answer_invitation(
        &self,
        caller: Option<&Caller>,
        code: &str,
        accept: bool,
    ) -> ApiResult<Option<api::AcceptResponse>> {
        let hash = hash_secret(code.trim());
        let gone = || {
            ApiError::new(
                ProblemCode::NotFound,
                "no open invitation has that code (used, revoked or never issued)",
            )
        };
        let first = {
            let mut c = self.conn().await?;
            store::invitations::by_code_hash(&mut c, &hash).await?
        }
        .ok_or_else(gone)?;
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::projects::lock_project(&mut tx, &first.project_id)
                .await?
                .ok_or_else(gone)?;
            let inv = store::invitations::by_code_hash(&mut tx, &hash)
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
            let project = store::projects::find_project(&mut tx, &inv.project_id)
                .await?
                .ok_or_else(gone)?;
            store::invitations::delete(&mut tx, &inv.id).await?;
            if !accept {
                self.audit(
                    &mut tx,
                    caller,
                    "invitation.decline",
                    Some(&project),
                    Some(&inv.email),
                    serde_json::json!({}),
                )
                .await?;
                tx.commit().await?;
                return Ok(None);
            }
            let mut token = None;
            let user = match store::users::user_by_email(&mut tx, &inv.email).await? {
                Some(u) if u.disabled => return Err(ApiError::forbidden("that account is disabled")),
                Some(u) => u,
                None => {
                    let base = username_base(&inv.email);
                    let mut username = base.clone();
                    let mut n = 1;
                    while store::users::username_taken(&mut tx, &username).await?.is_some() {
                        n += 1;
                        username = format!("{base}-{n}");
                    }
                    let u = store::users::insert_user(
                        &mut tx,
                        &NewUser {
                            username: &username,
                            email: &inv.email,
                            name: None,
                            is_admin: false,
                        },
                        now,
                    )
                    .await?;
                    let secret = new_token();
                    let info =
                        store::users::insert_token(&mut tx, &u.id, "first", &hash_secret(&secret), now, None)
                            .await?;
                    token = Some(api::CreatedToken {
                        info: convert::token_info(&info),
                        token: secret,
                    });
                    u
                }
            };
            store::users::add_org_member(&mut tx, &project.org_id, &user.id, "member", now).await?;
            let key = store::bindings::principal_key("user", Some(&user.id));
            let id = match store::bindings::existing_binding(&mut tx, &project.id, &key, &inv.role_id).await?
            {
                Some(id) => id,
                None => {
                    let rank = store::projects::list_roles(&mut tx, &project.id)
                        .await?
                        .iter()
                        .find(|r| r.id == inv.role_id)
                        .map(|r| r.rank)
                        .unwrap_or(0);
                    store::bindings::insert_binding(
                        &mut tx,
                        &store::bindings::NewBinding {
                            project_id: &project.id,
                            role_id: &inv.role_id,
                            role_rank: rank,
                            principal_type: "user",
                            principal_id: Some(&user.id),
                            principal_sort: &validate::normalize(&user.username),
                            expires_at: None,
                            created_by: inv.invited_by.as_deref(),
                        },
                        now,
                    )
                    .await?
                }
            };
            let binding = store::bindings::get_binding(&mut tx, &project.id, &id)
                .await?
                .ok_or_else(gone)?;
            let actor = Caller {
                user: user.clone(),
                request_id: caller.and_then(|c| c.request_id.clone()),
            };
            self.audit(
                &mut tx,
                Some(&actor),
                "invitation.accept",
                Some(&project),
                Some(&inv.email),
                serde_json::json!({"role": inv.role_name}),
            )
            .await?;
            tx.commit().await?;
            Ok(Some(api::AcceptResponse {
                project: api::Ref {
                    id: project.id.clone(),
                    name: project.name.clone(),
                },
                binding: convert::binding(&binding),
                user: convert::user(&user),
                token: token.clone(),
            }))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn usernames_from_emails() {
        assert_eq!(super::username_base("Alice.Smith+x@example.com"), "alice.smithx");
        assert_eq!(super::username_base("_x@example.com"), "x");
        assert_eq!(super::username_base("+@example.com"), "user");
    }
}
