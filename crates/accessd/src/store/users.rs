//! Users, API tokens, orgs and org membership, and the server-wide state row.

use access_api::validate::normalize;
use sqlx::Row;

use super::{Conn, USER_COLS, UserRow, new_id};

/// The write that opens every server-wide mutation (users, tokens, orgs): it
/// takes the write lock first, so SQLite never has to upgrade a read lock.
pub async fn begin_global_write(c: &mut Conn) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE server_state SET writes = writes + 1 WHERE id = 1")
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn is_bootstrapped(c: &mut Conn) -> Result<bool, sqlx::Error> {
    let v: i64 = sqlx::query("SELECT bootstrapped FROM server_state WHERE id = 1")
        .fetch_one(&mut *c)
        .await?
        .try_get(0)?;
    Ok(v != 0)
}

pub async fn set_bootstrapped(c: &mut Conn) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE server_state SET bootstrapped = 1 WHERE id = 1")
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub is_admin: bool,
}

pub async fn insert_user(c: &mut Conn, u: &NewUser<'_>, now: i64) -> Result<UserRow, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO users (id, username, username_norm, email, email_norm, name, is_admin, \
         disabled, mfa_enabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8)",
    )
    .bind(&id)
    .bind(u.username)
    .bind(normalize(u.username))
    .bind(u.email)
    .bind(normalize(u.email))
    .bind(u.name.map(str::to_owned))
    .bind(i64::from(u.is_admin))
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(UserRow {
        id,
        username: u.username.to_owned(),
        email: u.email.to_owned(),
        name: u.name.map(str::to_owned),
        is_admin: u.is_admin,
        disabled: false,
        mfa_enabled: false,
        created_at: now,
    })
}

/// A user by id, username or email (identifiers compared normalized).
pub async fn find_user(c: &mut Conn, key: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users u WHERE u.id = $1 OR u.username_norm = $2 OR u.email_norm = $2"
    )))
    .bind(key)
    .bind(normalize(key))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(UserRow::from_row).transpose()
}

pub async fn user_by_email(c: &mut Conn, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users u WHERE u.email_norm = $1"
    )))
    .bind(normalize(email))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(UserRow::from_row).transpose()
}

pub async fn username_taken(c: &mut Conn, username: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM users WHERE username_norm = $1")
        .bind(normalize(username))
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// Users ordered by username, after `after` (a normalized username).
pub async fn list_users(c: &mut Conn, after: Option<&str>, limit: i64) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users u WHERE u.username_norm > $1 ORDER BY u.username_norm LIMIT $2"
    )))
    .bind(after.unwrap_or(""))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(UserRow::from_row).collect()
}

/// Writes name, disabled and is_admin (and the user's bindings' sort key).
pub async fn update_user(c: &mut Conn, u: &UserRow) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET name = $1, disabled = $2, is_admin = $3 WHERE id = $4")
        .bind(u.name.clone())
        .bind(i64::from(u.disabled))
        .bind(i64::from(u.is_admin))
        .bind(&u.id)
        .execute(&mut *c)
        .await?;
    // The name is part of the list order of every binding of the user.
    let key = super::bindings::user_sort_key(&u.username, &u.email, u.name.as_deref());
    super::bindings::set_user_sort_key(c, &u.id, &key).await?;
    Ok(())
}

/// Active (not disabled) server administrators. Counted inside a transaction
/// that began with [`begin_global_write`], so concurrent changes to users see
/// each other's result.
pub async fn count_admins(c: &mut Conn) -> Result<i64, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM users WHERE is_admin = 1 AND disabled = 0")
        .fetch_one(&mut *c)
        .await?
        .try_get(0)?;
    Ok(n)
}

/// Deletes a user and everything that hangs off them (tokens, bindings, org
/// and team memberships). Audit events keep the username as text.
pub async fn delete_user(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM api_tokens WHERE user_id = $1",
        "DELETE FROM role_bindings WHERE principal_type = 'user' AND principal_id = $1",
        "DELETE FROM team_members WHERE user_id = $1",
        "DELETE FROM org_members WHERE user_id = $1",
        "DELETE FROM idempotency_keys WHERE user_id = $1",
        "DELETE FROM users WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- tokens

pub struct TokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

const TOKEN_COLS: &str = "t.id AS t_id, t.user_id, t.name AS t_name, t.created_at AS t_created_at, \
     t.expires_at, t.last_used_at, t.revoked";

fn token_from_row(r: &sqlx::any::AnyRow) -> Result<TokenRow, sqlx::Error> {
    Ok(TokenRow {
        id: r.try_get("t_id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("t_name")?,
        created_at: r.try_get("t_created_at")?,
        expires_at: r.try_get("expires_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked: r.try_get::<i64, _>("revoked")? != 0,
    })
}

pub async fn insert_token(
    c: &mut Conn,
    user_id: &str,
    name: &str,
    hash: &str,
    now: i64,
    expires_at: Option<i64>,
) -> Result<TokenRow, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, revoked) \
         VALUES ($1, $2, $3, $4, $5, $6, 0)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(name)
    .bind(hash)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *c)
    .await?;
    Ok(TokenRow {
        id,
        user_id: user_id.into(),
        name: name.into(),
        created_at: now,
        expires_at,
        last_used_at: None,
        revoked: false,
    })
}

/// The token with this hash and its user.
pub async fn token_by_hash(c: &mut Conn, hash: &str) -> Result<Option<(TokenRow, UserRow)>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TOKEN_COLS}, {USER_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1"
    )))
    .bind(hash)
    .fetch_optional(&mut *c)
    .await?;
    match row {
        Some(r) => Ok(Some((token_from_row(&r)?, UserRow::from_row(&r)?))),
        None => Ok(None),
    }
}

pub async fn touch_token(c: &mut Conn, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn list_tokens(c: &mut Conn, user_id: &str) -> Result<Vec<TokenRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TOKEN_COLS} FROM api_tokens t WHERE t.user_id = $1 AND t.revoked = 0 ORDER BY t.id"
    )))
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(token_from_row).collect()
}

/// Revokes one of the user's tokens; false when there is none.
pub async fn revoke_token(c: &mut Conn, user_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let res = sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND user_id = $2 AND revoked = 0")
        .bind(id)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    Ok(res.rows_affected() > 0)
}

// ---------------------------------------------------------------- orgs

#[derive(Debug, Clone)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

pub const DEFAULT_ORG: &str = "default";

/// The org with this id or name; `default` is created on first use.
pub async fn find_org(c: &mut Conn, key: &str) -> Result<Option<OrgRow>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, created_at FROM orgs WHERE id = $1 OR name_norm = $2")
        .bind(key)
        .bind(normalize(key))
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| {
        Ok(OrgRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

/// Inside a write transaction: the `default` org, created when missing.
pub async fn ensure_default_org(c: &mut Conn, now: i64) -> Result<OrgRow, sqlx::Error> {
    sqlx::query(
        "INSERT INTO orgs (id, name, name_norm, created_at) VALUES ($1, $2, $2, $3) \
         ON CONFLICT (name_norm) DO NOTHING",
    )
    .bind(new_id())
    .bind(DEFAULT_ORG)
    .bind(now)
    .execute(&mut *c)
    .await?;
    find_org(c, DEFAULT_ORG).await?.ok_or(sqlx::Error::RowNotFound)
}

/// Adds the user to the org with `role` unless already a member.
pub async fn add_org_member(
    c: &mut Conn,
    org_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_members (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, user_id) DO NOTHING",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role)
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn org_role(c: &mut Conn, org_id: &str, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// The orgs a user belongs to (every org for a server admin).
pub async fn list_orgs(c: &mut Conn, user_id: &str, all: bool) -> Result<Vec<OrgRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.created_at FROM orgs o WHERE $1 = 1 OR o.id IN \
         (SELECT org_id FROM org_members WHERE user_id = $2) ORDER BY o.name_norm",
    )
    .bind(i64::from(all))
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OrgRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// A user's TOTP state (never part of [`UserRow`], so it cannot reach an answer).
pub struct MfaRow {
    pub secret: Option<String>,
    pub pending_secret: Option<String>,
    pub last_step: Option<i64>,
}

pub async fn mfa(c: &mut Conn, user_id: &str) -> Result<Option<MfaRow>, sqlx::Error> {
    let row = sqlx::query("SELECT mfa_secret, mfa_pending_secret, mfa_last_step FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| {
        Ok(MfaRow {
            secret: r.try_get("mfa_secret")?,
            pending_secret: r.try_get("mfa_pending_secret")?,
            last_step: r.try_get("mfa_last_step")?,
        })
    })
    .transpose()
}

/// A new enrolment (replacing one not confirmed).
pub async fn set_mfa_pending(c: &mut Conn, user_id: &str, secret: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET mfa_pending_secret = $1 WHERE id = $2")
        .bind(secret)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Turns MFA on with the pending secret; `step` is the step of the code used.
pub async fn confirm_mfa(c: &mut Conn, user_id: &str, step: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, \
         mfa_enabled = 1, mfa_last_step = $1 WHERE id = $2",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Records the step of an accepted code, only when it is newer than the last
/// one: false when a concurrent request took this step (or a later) first.
pub async fn use_mfa_step(c: &mut Conn, user_id: &str, step: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET mfa_last_step = $1 WHERE id = $2 AND mfa_enabled = 1 \
         AND (mfa_last_step IS NULL OR mfa_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn clear_mfa(c: &mut Conn, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET mfa_secret = NULL, mfa_pending_secret = NULL, mfa_last_step = NULL, \
         mfa_enabled = 0 WHERE id = $1",
    )
    .bind(user_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A direct binding of a user, as deleting the user records it in the audit log.
pub struct UserBinding {
    pub project_id: String,
    pub binding_id: String,
    pub role: String,
}

/// The user's direct bindings, by project (what deleting the user removes).
pub async fn direct_bindings(c: &mut Conn, user_id: &str) -> Result<Vec<UserBinding>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT b.project_id, b.id, r.name FROM role_bindings b JOIN roles r ON r.id = b.role_id \
         WHERE b.principal_type = 'user' AND b.principal_id = $1 ORDER BY b.project_id, b.id",
    )
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UserBinding {
                project_id: r.try_get(0)?,
                binding_id: r.try_get(1)?,
                role: r.try_get(2)?,
            })
        })
        .collect()
}
