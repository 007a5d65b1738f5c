//! `accessd admin recover`: the offline break-glass path that gives the
//! server an active administrator again.

use access_api::{self as api, ProblemCode, validate};

use super::auth::issue_token;
use super::{Service, convert};
use crate::db::retry;
use crate::error::{ApiError, ApiResult};
use crate::store;

impl Service {
    /// Makes the user with this username an active server administrator
    /// (sets `is_admin`, clears `disabled`, whichever is needed) and gives
    /// them a fresh token named `recover`. Only reachable offline, by whoever
    /// holds the database URL; one audit event `server.admin-recover` (no
    /// actor: the operator is not a user).
    pub async fn recover_admin(&self, username: &str) -> ApiResult<api::BootstrapResponse> {
        let username = username.trim();
        validate::name("username", username).map_err(|m| ApiError::field("username", m))?;
        retry(|| async {
            let now = self.now();
            let mut tx = self.begin().await?;
            store::users::begin_global_write(&mut tx).await?;
            let found = match store::users::username_taken(&mut tx, username).await? {
                Some(id) => store::users::find_user(&mut tx, &id).await?,
                None => None,
            };
            let Some(mut user) = found else {
                let hint = if store::users::is_bootstrapped(&mut tx).await? {
                    "check the spelling (usernames, not emails)"
                } else {
                    "this server has no users yet: run `accessd bootstrap`"
                };
                return Err(ApiError::new(
                    ProblemCode::UserNotFound,
                    format!("no user has the username '{username}'; {hint}"),
                ));
            };
            let (was_admin, was_disabled) = (user.is_admin, user.disabled);
            user.is_admin = true;
            user.disabled = false;
            store::users::update_user(&mut tx, &user).await?;
            let token = issue_token(&mut tx, &user.id, "recover", now, None).await?;
            self.audit(
                &mut tx,
                None,
                "server.admin-recover",
                None,
                Some(&user.id),
                serde_json::json!({
                    "username": user.username,
                    "was_admin": was_admin,
                    "was_disabled": was_disabled,
                    "token_id": token.info.id,
                }),
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
}
