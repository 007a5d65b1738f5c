//! Answering an invitation by its code: accept (creating the account when
//! none has the email) or decline.

use access_api::{self as api, ProblemCode, validate};

use super::auth::{hash_secret, issue_token};
use super::bindings::Target;
use super::{Caller, RequestIds, Service, convert};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, users::NewUser};

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

/// How an invitation is answered.
#[derive(Clone, Copy)]
pub(super) enum Answer {
    /// `first_token`: a new account gets a token in the answer.
    Accept {
        first_token: bool,
    },
    Decline,
}

/// An open invitation as the invitation page shows it.
pub struct InvitationPreview {
    pub invitation: store::InvitationRow,
    /// The inviter's display name, when they set one (free text: hostile input).
    pub inviter_name: Option<String>,
    /// Whether the invited email has an account (which must sign in to accept).
    pub has_account: bool,
}

fn gone() -> ApiError {
    ApiError::new(
        ProblemCode::NotFound,
        "no open invitation has that code (used, revoked or never issued)",
    )
}

fn expired() -> ApiError {
    ApiError::new(
        ProblemCode::InvitationExpired,
        "this invitation has expired; ask for a new one",
    )
}

impl Service {
    /// The account an invitation creates for an email that has none: the
    /// username from the email ([`Service::free_username`]), no name, not an
    /// administrator; with `first_token`, its first token (named `first`).
    pub(super) async fn invitee_account(
        &self,
        tx: &mut crate::store::Conn,
        email: &str,
        first_token: bool,
        now: i64,
    ) -> ApiResult<(store::UserRow, Option<api::CreatedToken>)> {
        let username = self.free_username(tx, email).await?;
        let new = NewUser {
            username: &username,
            email,
            name: None,
            is_admin: false,
        };
        let user = store::users::insert_user(tx, &new, now).await?;
        let token = match first_token {
            true => Some(issue_token(tx, &user.id, "first", now, None).await?),
            false => None,
        };
        Ok((user, token))
    }

    /// A free username for a new account of `email`: its local part, then
    /// `-2`, `-3`… when taken.
    pub(super) async fn free_username(&self, tx: &mut crate::store::Conn, email: &str) -> ApiResult<String> {
        let base = username_base(email);
        let mut username = base.clone();
        let mut n = 1;
        while store::users::username_taken(tx, &username).await?.is_some() {
            n += 1;
            username = format!("{base}-{n}");
        }
        Ok(username)
    }

    /// Accepts by code. With a caller, the caller must own the invited email
    /// (403 `email-mismatch` otherwise). Without one, the email must have no
    /// account yet (401 `unauthenticated` otherwise: holding a code must not
    /// bind someone else's account); the account is then created with a first
    /// token. Either way the user gets the invited binding in that project
    /// only: accepting never makes anyone an org member.
    pub async fn accept_invitation(
        &self,
        caller: Option<&Caller>,
        ids: &RequestIds,
        code: &str,
    ) -> ApiResult<api::AcceptResponse> {
        self.answer_invitation(caller, ids, code, Answer::Accept { first_token: true })
            .await?
            .ok_or_else(|| ApiError::not_found("invitation"))
    }

    /// [`Service::accept_invitation`] for the invitation page: a new account
    /// gets no first token (the browser would have nowhere to keep it; the
    /// invitee logs in from the CLI by emailed code instead).
    pub async fn accept_invitation_in_browser(
        &self,
        caller: Option<&Caller>,
        ids: &RequestIds,
        code: &str,
    ) -> ApiResult<api::AcceptResponse> {
        self.answer_invitation(caller, ids, code, Answer::Accept { first_token: false })
            .await?
            .ok_or_else(|| ApiError::not_found("invitation"))
    }

    /// What the invitation page shows before anything is answered: the open
    /// invitation of `code` (404 `not-found` when used, revoked or never
    /// issued; 410 `invitation-expired`), and whether its email has an account.
    pub async fn preview_invitation(&self, code: &str) -> ApiResult<InvitationPreview> {
        let hash = hash_secret(code.trim());
        let mut c = self.conn().await?;
        let inv = store::invitations::by_code_hash(&mut c, &hash)
            .await?
            .ok_or_else(gone)?;
        if self.now() >= inv.expires_at {
            return Err(expired());
        }
        let inviter = match inv.invited_by.as_deref() {
            Some(u) => store::users::find_user(&mut c, u).await?,
            None => None,
        };
        let account = store::users::user_by_email(&mut c, &inv.email).await?;
        Ok(InvitationPreview {
            inviter_name: inviter.and_then(|u| u.name),
            has_account: account.is_some(),
            invitation: inv,
        })
    }

    /// Declines by code: the invitation is removed.
    pub async fn decline_invitation(
        &self,
        caller: Option<&Caller>,
        ids: &RequestIds,
        code: &str,
    ) -> ApiResult<()> {
        self.answer_invitation(caller, ids, code, Answer::Decline)
            .await
            .map(|_| ())
    }

    async fn answer_invitation(
        &self,
        caller: Option<&Caller>,
        ids: &RequestIds,
        code: &str,
        answer: Answer,
    ) -> ApiResult<Option<api::AcceptResponse>> {
        let hash = hash_secret(code.trim());
        let first = {
            let mut c = self.conn().await?;
            store::invitations::by_code_hash(&mut c, &hash).await?
        };
        let Some(first) = first else {
            // Not a project invitation: an org invitation, or nothing.
            return self
                .answer_org_invitation(caller, ids, &hash, answer)
                .await?
                .ok_or_else(gone);
        };
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
                return Err(expired());
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
            let Answer::Accept { first_token } = answer else {
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
            };
            // The project's MFA policy as it is now (it may have changed since
            // the invitation was made).
            let role = store::projects::list_roles(&mut tx, &project.id)
                .await?
                .into_iter()
                .find(|r| r.id == inv.role_id)
                .ok_or_else(gone)?;
            let account = store::users::user_by_email(&mut tx, &inv.email).await?;
            let who = match &account {
                Some(u) => super::mfa::Grantee::User(&u.username, u.mfa_enabled),
                None => super::mfa::Grantee::NewEmail(&inv.email),
            };
            // (An existing account accepted without its login gets 401 below first.)
            if account.is_none() || caller.is_some() {
                self.check_mfa_policy(&mut tx, &project, &role, who).await?;
            }
            let mut token = None;
            let user = match account {
                // The code proves at most the mailbox (and without mail delivery
                // the inviter holds it too): binding an existing account needs
                // that account's own login.
                Some(_) if caller.is_none() => {
                    return Err(ApiError::new(
                        ProblemCode::Unauthenticated,
                        "this invitation is for an existing account: sign in as that account and accept again",
                    ));
                }
                Some(u) if u.disabled => return Err(ApiError::forbidden("that account is disabled")),
                Some(u) => u,
                None => {
                    let (u, first) = self.invitee_account(&mut tx, &inv.email, first_token, now).await?;
                    token = first;
                    u
                }
            };
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
                        &Target::user(&user).binding(
                            &project.id,
                            (&inv.role_id, rank),
                            None,
                            inv.invited_by.as_deref(),
                        ),
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
                ids: ids.clone(),
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
                project: Some(api::Ref {
                    id: project.id.clone(),
                    name: project.name.clone(),
                }),
                binding: Some(convert::binding(&binding)),
                org: None,
                org_member: None,
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
