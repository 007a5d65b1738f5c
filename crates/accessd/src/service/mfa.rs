//! TOTP multi-factor authentication of one's own account: enrol (a secret,
//! shown once), confirm with a code (MFA is on), disable with a current code.
//! The secret never appears in an answer after enrolment, nor in a log or an
//! audit event.

use access_api::{self as api, ProblemCode};

use super::{Caller, Service, convert};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::{mfa, store};

fn wrong_totp() -> ApiError {
    ApiError::new(
        ProblemCode::TotpRequired,
        "the TOTP code is wrong or was already used; check the device's clock or wait for the next code",
    )
}

impl Service {
    /// Whether `code` is a current TOTP code of `user_id`'s enabled MFA that was
    /// not used before; records its step when it is (inside `tx`).
    pub(super) async fn use_totp(
        &self,
        tx: &mut store::Conn,
        user_id: &str,
        code: &str,
        now: i64,
    ) -> ApiResult<bool> {
        let Some(m) = store::users::mfa(tx, user_id).await? else {
            return Ok(false);
        };
        let Some(secret) = m.secret.as_deref() else {
            return Ok(false);
        };
        match mfa::accept(secret, code, now, m.last_step) {
            Some(step) => Ok(store::users::use_mfa_step(tx, user_id, step).await?),
            None => Ok(false),
        }
    }

    /// A new secret for the caller (replacing an unconfirmed one); 409
    /// `mfa-enabled` when MFA is already on.
    pub async fn enroll_mfa(&self, caller: &Caller) -> ApiResult<api::MfaEnrollment> {
        retry(|| async {
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            let user = store::users::find_user(&mut tx, &caller.user.id)
                .await?
                .ok_or_else(|| ApiError::not_found("user"))?;
            if user.mfa_enabled {
                return Err(ApiError::new(
                    ProblemCode::MfaEnabled,
                    "two-factor authentication is already on; disable it first to enrol a new device",
                ));
            }
            let secret = mfa::new_secret();
            let otpauth_uri = mfa::uri(&secret, &user.email)
                .ok_or_else(|| ApiError::invalid("cannot build the otpauth URI for this account"))?;
            store::users::set_mfa_pending(&mut tx, &user.id, &secret).await?;
            tx.commit().await?;
            Ok(api::MfaEnrollment { secret, otpauth_uri })
        })
        .await
    }

    /// Turns MFA on with a code of the pending enrolment.
    pub async fn confirm_mfa(&self, caller: &Caller, req: &api::TotpCode) -> ApiResult<api::User> {
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            let user = store::users::find_user(&mut tx, &caller.user.id)
                .await?
                .ok_or_else(|| ApiError::not_found("user"))?;
            if user.mfa_enabled {
                return Err(ApiError::new(
                    ProblemCode::MfaEnabled,
                    "two-factor authentication is already on",
                ));
            }
            let pending = store::users::mfa(&mut tx, &user.id)
                .await?
                .and_then(|m| m.pending_secret);
            let Some(secret) = pending else {
                return Err(ApiError::new(
                    ProblemCode::MfaNotEnabled,
                    "there is no enrolment to confirm; enrol first",
                ));
            };
            let Some(step) = mfa::accept(&secret, &req.code, now, None) else {
                return Err(wrong_totp());
            };
            store::users::confirm_mfa(&mut tx, &user.id, step).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "user.mfa-enable",
                None,
                Some(&user.id),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            let mut user = user;
            user.mfa_enabled = true;
            Ok(convert::user(&user))
        })
        .await
    }

    /// Turns MFA off; needs a current code.
    pub async fn disable_mfa(&self, caller: &Caller, req: &api::TotpCode) -> ApiResult<api::User> {
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            let user = store::users::find_user(&mut tx, &caller.user.id)
                .await?
                .ok_or_else(|| ApiError::not_found("user"))?;
            if !user.mfa_enabled {
                return Err(ApiError::new(
                    ProblemCode::MfaNotEnabled,
                    "two-factor authentication is not on",
                ));
            }
            if !self.use_totp(&mut tx, &user.id, &req.code, now).await? {
                return Err(wrong_totp());
            }
            store::users::clear_mfa(&mut tx, &user.id).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "user.mfa-disable",
                None,
                Some(&user.id),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            let mut user = user;
            user.mfa_enabled = false;
            Ok(convert::user(&user))
        })
        .await
    }
}

impl Service {
    /// A server administrator turns off the MFA of a user who lost their
    /// device (`DELETE /v1/users/{id}/mfa`): the secret (and any pending
    /// enrolment) is removed, audited as `user.mfa-reset`. The user can then
    /// log in by emailed code alone and enrol again. A user without MFA is
    /// answered as they are, with no event.
    pub async fn reset_mfa(&self, caller: &Caller, key: &str) -> ApiResult<api::User> {
        super::users::require_admin(caller)?;
        let target = self.find_user_admin(caller, key).await?;
        retry(|| async {
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            Self::still_admin(&mut tx, caller).await?;
            let mut user = store::users::find_user(&mut tx, &target.id)
                .await?
                .ok_or_else(|| ApiError::not_found("user"))?;
            let pending = store::users::mfa(&mut tx, &user.id)
                .await?
                .is_some_and(|m| m.pending_secret.is_some());
            if !user.mfa_enabled && !pending {
                tx.rollback().await?;
                return Ok(convert::user(&user));
            }
            store::users::clear_mfa(&mut tx, &user.id).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "user.mfa-reset",
                None,
                Some(&user.id),
                serde_json::json!({"username": user.username, "was_enabled": user.mfa_enabled}),
            )
            .await?;
            tx.commit().await?;
            user.mfa_enabled = false;
            Ok(convert::user(&user))
        })
        .await
    }
}

/// Who a grant goes to, for the project's MFA policy.
pub enum Grantee<'a> {
    /// A user and whether they have MFA.
    User(&'a str, bool),
    /// A team or all users: their members' MFA cannot be vouched for.
    Group(&'a str),
    /// An email without an account (an invitation): no MFA yet.
    NewEmail(&'a str),
}

impl Service {
    /// 409 `mfa-required` when the project's MFA policy (read inside `tx`, after
    /// the project's lock) covers `role` and `who` has no MFA.
    pub async fn check_mfa_policy(
        &self,
        tx: &mut store::Conn,
        project: &store::ProjectRow,
        role: &store::RoleRow,
        who: Grantee<'_>,
    ) -> ApiResult<()> {
        let policy = api::MfaPolicy::parse(&store::projects::require_mfa(tx, &project.id).await?);
        if !policy.covers(role.owner_grade) {
            return Ok(());
        }
        let whom = match who {
            Grantee::User(_, true) => return Ok(()),
            Grantee::User(name, false) => format!("{name} has not enabled two-factor authentication"),
            Grantee::Group(name) => format!("{name} is not a single user with two-factor authentication"),
            Grantee::NewEmail(email) => format!("{email} has no account with two-factor authentication yet"),
        };
        Err(ApiError::new(
            ProblemCode::MfaRequired,
            format!(
                "project '{}' requires MFA for role '{}' (policy {}); {whom}",
                project.name,
                role.name,
                policy.as_str()
            ),
        ))
    }
}
