//! Passwordless login: a one-time code mailed to the account's address
//! (`POST /v1/auth/email-code`), exchanged for a token
//! (`POST /v1/auth/email-code/verify`), with a TOTP code too once the account
//! has MFA.
//!
//! The request does the same work for every email: it stores a code for the
//! address (replacing the previous one) and looks the user up; only the mail,
//! sent in the background after the commit, depends on the account. So the
//! answer — status, body and timing — says nothing about whether the email has
//! an account.

use access_api::{self as api, ProblemCode, validate};
use rand::RngExt;

use super::{Caller, RequestIds, Service};
use crate::clock::DAY_MS;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::service::auth::{hash_secret, issue_token};
use crate::store;

/// How long a login code is valid.
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Wrong tries (codes or TOTP codes) that burn a login code.
pub const MAX_TRIES: i64 = 5;
/// Lifetime of a token got by email code.
pub const LOGIN_TOKEN_DAYS: i64 = 30;
/// Name of a token got by email code.
pub const LOGIN_TOKEN_NAME: &str = "email login";

/// Eight random digits.
fn new_code() -> String {
    format!("{:08}", rand::rng().random_range(0..100_000_000u32))
}

/// The stored form of a code: SHA-256 of `<row id>:<code>`.
fn code_hash(id: &str, code: &str) -> String {
    hash_secret(&format!("{id}:{code}"))
}

fn wrong_code() -> ApiError {
    ApiError::new(
        ProblemCode::Unauthenticated,
        "the login code is wrong, used or expired; ask for a new one",
    )
}

pub fn mail_not_configured() -> ApiError {
    ApiError::new(
        ProblemCode::MailNotConfigured,
        "this server has no mail delivery configured, so it cannot mail login codes; \
         a server administrator can issue a token instead",
    )
}

/// Checks and normalizes the email of a request (422 otherwise).
pub fn login_email(email: &str) -> ApiResult<String> {
    validate::email(email.trim()).map_err(|m| ApiError::field("email", m))?;
    Ok(validate::normalize(email.trim()))
}

impl Service {
    /// Stores a new code for `req.email` and mails it when the address has an
    /// enabled account. The answer is the same either way.
    pub async fn request_email_code(&self, req: &api::EmailCodeRequest) -> ApiResult<api::EmailCodeSent> {
        if self.config.smtp_url.is_none() {
            return Err(mail_not_configured());
        }
        let email_norm = login_email(&req.email)?;
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::login_codes::purge_expired(&mut tx, now).await?;
            let id = store::new_id();
            let code = new_code();
            store::login_codes::put(
                &mut tx,
                &email_norm,
                &id,
                &code_hash(&id, &code),
                now,
                now + CODE_TTL_MS,
            )
            .await?;
            let user = store::users::user_by_email(&mut tx, &email_norm).await?;
            // The mail goes in the same transaction (the outbox), and only to
            // an enabled account.
            if let Some(u) = user.filter(|u| !u.disabled) {
                let m = crate::mail::message::login_code(&code, CODE_TTL_MS / 60_000);
                crate::mail::enqueue(self, &mut tx, "login_code", None, &u.email, &m).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.mail.wake();
        Ok(api::EmailCodeSent {
            expires_in_seconds: (CODE_TTL_MS / 1000) as u32,
        })
    }

    /// Exchanges a right code (and, with MFA, a right TOTP code) for a new token.
    ///
    /// A wrong, used or expired code, or one for an email without an enabled
    /// account, is the same 401 `unauthenticated`. Only after a right code does
    /// an account with MFA answer 401 `totp-required` (no TOTP code, or a wrong or
    /// reused one): the TOTP code cannot be probed without the mailbox. Wrong
    /// codes and wrong TOTP codes both count towards the code's 5 tries.
    pub async fn verify_email_code(
        &self,
        req: &api::EmailCodeVerify,
        ids: &RequestIds,
    ) -> ApiResult<api::CreatedToken> {
        let (_, token) = self.sign_in_with_email_code(req, ids, true).await?;
        token.ok_or_else(wrong_code)
    }

    /// The account a right login code (and TOTP code) proves, for the
    /// invitation page (`/invite`): the same checks, tries and audit event as
    /// [`Service::verify_email_code`], but no token (the browser holds none).
    pub async fn caller_from_email_code(
        &self,
        req: &api::EmailCodeVerify,
        ids: &RequestIds,
    ) -> ApiResult<Caller> {
        let (user, _) = self.sign_in_with_email_code(req, ids, false).await?;
        Ok(Caller {
            user,
            ids: ids.clone(),
        })
    }

    async fn sign_in_with_email_code(
        &self,
        req: &api::EmailCodeVerify,
        ids: &RequestIds,
        with_token: bool,
    ) -> ApiResult<(store::UserRow, Option<api::CreatedToken>)> {
        if self.config.smtp_url.is_none() {
            return Err(mail_not_configured());
        }
        let email_norm = login_email(&req.email)?;
        let code = req.code.trim();
        if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::field("code", "a login code is 8 digits"));
        }
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            let Some(row) = store::login_codes::get(&mut tx, &email_norm).await? else {
                return Err(wrong_code());
            };
            if row.expires_at <= now || row.attempts >= MAX_TRIES {
                store::login_codes::take(&mut tx, &row.id).await?;
                tx.commit().await?;
                return Err(wrong_code());
            }
            if code_hash(&row.id, code) != row.code_hash {
                self.count_wrong_try(&mut tx, &row.id).await?;
                tx.commit().await?;
                return Err(wrong_code());
            }
            let user = match store::users::user_by_email(&mut tx, &email_norm).await? {
                Some(u) if !u.disabled => u,
                _ => {
                    store::login_codes::take(&mut tx, &row.id).await?;
                    tx.commit().await?;
                    return Err(wrong_code());
                }
            };
            if user.mfa_enabled {
                let Some(totp) = req.totp.as_deref() else {
                    return Err(ApiError::new(
                        ProblemCode::TotpRequired,
                        "this account has two-factor authentication: send a current TOTP code with the login code",
                    ));
                };
                if !self.use_totp(&mut tx, &user.id, totp, now).await? {
                    self.count_wrong_try(&mut tx, &row.id).await?;
                    tx.commit().await?;
                    return Err(ApiError::new(
                        ProblemCode::TotpRequired,
                        "the TOTP code is wrong or was already used; wait for the next one",
                    ));
                }
            }
            if !store::login_codes::take(&mut tx, &row.id).await? {
                return Err(wrong_code());
            }
            let token = if with_token {
                Some(
                    issue_token(
                        &mut tx,
                        &user.id,
                        LOGIN_TOKEN_NAME,
                        now,
                        Some(now + LOGIN_TOKEN_DAYS * DAY_MS),
                    )
                    .await?,
                )
            } else {
                None
            };
            let caller = Caller {
                user: user.clone(),
                ids: ids.clone(),
            };
            let via = if with_token { "token" } else { "invitation page" };
            self.audit(
                &mut tx,
                Some(&caller),
                "auth.email-login",
                None,
                token.as_ref().map(|t| t.info.id.as_str()),
                serde_json::json!({"user_id": user.id, "mfa": user.mfa_enabled, "via": via}),
            )
            .await?;
            tx.commit().await?;
            Ok((user, token))
        })
        .await
    }

    /// One more wrong try of login code `id`: the fifth burns it.
    async fn count_wrong_try(&self, tx: &mut store::Conn, id: &str) -> ApiResult<()> {
        if store::login_codes::count_try(tx, id)
            .await?
            .is_some_and(|n| n >= MAX_TRIES)
        {
            store::login_codes::take(tx, id).await?;
        }
        Ok(())
    }
}
