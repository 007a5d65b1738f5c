//! Authentication, API tokens and the one-shot bootstrap.

use access_api::{self as api, ProblemCode};
use base64::Engine;
use rand::RngExt;
use sha2::{Digest, Sha256};

use super::{Caller, Service, convert, users::validate_new_user};
use crate::clock::DAY_MS;
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, users::NewUser};

/// Hex SHA-256 of a secret: the only form tokens and codes are stored in.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `acc_` + 43 base62 characters (≈256 bits).
pub fn new_token() -> String {
    let mut rng = rand::rng();
    let body: String = (0..43)
        .map(|_| char::from(rng.sample(rand::distr::Alphanumeric)))
        .collect();
    format!("acc_{body}")
}

/// Mints a token for `user_id` in the caller's transaction: a fresh secret, stored
/// only as its hash; the answer is the one place the secret is ever shown.
pub async fn issue_token(
    c: &mut store::Conn,
    user_id: &str,
    name: &str,
    now: i64,
    expires_at: Option<i64>,
) -> Result<api::CreatedToken, sqlx::Error> {
    let token = new_token();
    let info = store::users::insert_token(c, user_id, name, &hash_secret(&token), now, expires_at).await?;
    Ok(api::CreatedToken {
        info: convert::token_info(&info),
        token,
    })
}

/// `inv_` + 32 random bytes in base64url.
pub fn new_invitation_code() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "inv_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Token names are labels ("CI", "my laptop"): free text, 1–63 characters.
fn token_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("token name is empty".into());
    }
    if name.chars().count() > api::validate::MAX_NAME_LEN {
        return Err(format!(
            "token name is longer than {} characters",
            api::validate::MAX_NAME_LEN
        ));
    }
    api::validate::text("token name", name)
}

/// Don't bother writing `last_used_at` more often than this.
const TOUCH_EVERY_MS: i64 = 60_000;

impl Service {
    /// The user behind a bearer token; 401 for unknown, revoked or expired
    /// tokens and disabled users.
    pub async fn authenticate(&self, token: &str) -> ApiResult<Caller> {
        let now = self.now();
        let mut c = self.conn().await?;
        let found = store::users::token_by_hash(&mut c, &hash_secret(token)).await?;
        let Some((tok, user)) = found else {
            return Err(ApiError::unauthenticated());
        };
        if tok.revoked || user.disabled || tok.expires_at.is_some_and(|e| now >= e) {
            return Err(ApiError::unauthenticated());
        }
        drop(c);
        if tok.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY_MS)
            && let Err(e) = self.touch_token(&tok.id, now).await
        {
            tracing::warn!(error = %e, "could not record token use");
        }
        Ok(Caller {
            user,
            ids: Default::default(),
        })
    }

    /// Records a token's use (a write: through the writer connection).
    async fn touch_token(&self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        let mut c = self.db.write_conn().await?;
        store::users::touch_token(&mut c, id, now).await
    }

    /// The in-process caller (the CLI's local context): by username.
    pub async fn authenticate_username(&self, username: &str) -> ApiResult<Caller> {
        let mut c = self.conn().await?;
        match store::users::find_user(&mut c, username).await? {
            Some(user) if !user.disabled => Ok(Caller {
                user,
                ids: Default::default(),
            }),
            _ => Err(ApiError::unauthenticated()),
        }
    }

    pub async fn is_bootstrapped(&self) -> ApiResult<bool> {
        let mut c = self.conn().await?;
        Ok(store::users::is_bootstrapped(&mut c).await?)
    }

    /// Creates the first server administrator (owner of the `default` org) and
    /// their first token. 409 `already-bootstrapped` afterwards.
    pub async fn bootstrap(&self, req: &api::CreateUser) -> ApiResult<api::BootstrapResponse> {
        validate_new_user(req)?;
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            if store::users::is_bootstrapped(&mut tx).await? {
                return Err(ApiError::new(
                    ProblemCode::AlreadyBootstrapped,
                    "this server already has an administrator",
                ));
            }
            let org = store::users::ensure_default_org(&mut tx, now).await?;
            let new = NewUser {
                username: req.username.trim(),
                email: req.email.trim(),
                name: req.name.as_deref(),
                is_admin: true,
            };
            let user = store::users::insert_user(&mut tx, &new, now).await?;
            store::users::add_org_member(&mut tx, &org.id, &user.id, "owner", now).await?;
            store::users::set_bootstrapped(&mut tx).await?;
            let token = issue_token(&mut tx, &user.id, "bootstrap", now, None).await?;
            let caller = Caller {
                user: user.clone(),
                ids: Default::default(),
            };
            self.audit(
                &mut tx,
                Some(&caller),
                "server.bootstrap",
                None,
                Some(&user.id),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(api::BootstrapResponse {
                user: convert::user(&user),
                token,
            })
        })
        .await
    }

    /// A new token for `user_id` (the caller's own, or any user's for a server admin).
    pub async fn create_token(
        &self,
        caller: &Caller,
        user_id: &str,
        req: &api::CreateToken,
    ) -> ApiResult<api::CreatedToken> {
        let mut errors = Vec::new();
        if let Err(m) = token_name(req.name.trim()) {
            errors.push(api::FieldError {
                field: "name".into(),
                message: m,
            });
        }
        if let Some(d) = req.expires_in_days
            && !(1..=3650).contains(&d)
        {
            errors.push(api::FieldError {
                field: "expires_in_days".into(),
                message: "must be between 1 and 3650".into(),
            });
        }
        if !errors.is_empty() {
            return Err(ApiError::fields(errors));
        }
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            let expires = req.expires_in_days.map(|d| now + i64::from(d) * DAY_MS);
            let token = issue_token(&mut tx, user_id, req.name.trim(), now, expires).await?;
            self.audit(
                &mut tx,
                Some(caller),
                "token.create",
                None,
                Some(&token.info.id),
                serde_json::json!({"user_id": user_id, "name": token.info.name}),
            )
            .await?;
            tx.commit().await?;
            Ok(token)
        })
        .await
    }

    pub async fn list_tokens(&self, caller: &Caller) -> ApiResult<Vec<api::TokenInfo>> {
        let mut c = self.conn().await?;
        let rows = store::users::list_tokens(&mut c, &caller.user.id).await?;
        Ok(rows.iter().map(convert::token_info).collect())
    }

    pub async fn revoke_token(&self, caller: &Caller, id: &str) -> ApiResult<()> {
        retry(|| async {
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            if !store::users::revoke_token(&mut tx, &caller.user.id, id).await? {
                return Err(ApiError::not_found("token"));
            }
            self.audit(
                &mut tx,
                Some(caller),
                "token.revoke",
                None,
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}
