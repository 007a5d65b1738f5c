//! Login codes mailed by `POST /v1/auth/email-code`: one per email address,
//! stored only as a hash.

use sqlx::Row;

use super::Conn;

pub struct LoginCodeRow {
    pub id: String,
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
}

/// Drops every expired code (cheap: by the expiry index).
pub async fn purge_expired(c: &mut Conn, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_codes WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Sets `email_norm`'s one code (a new one replaces the old).
pub async fn put(
    c: &mut Conn,
    email_norm: &str,
    id: &str,
    code_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_codes (email_norm, id, code_hash, created_at, expires_at, attempts) \
         VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (email_norm) DO UPDATE SET id = excluded.id, \
         code_hash = excluded.code_hash, created_at = excluded.created_at, \
         expires_at = excluded.expires_at, attempts = 0",
    )
    .bind(email_norm)
    .bind(id)
    .bind(code_hash)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn get(c: &mut Conn, email_norm: &str) -> Result<Option<LoginCodeRow>, sqlx::Error> {
    let row =
        sqlx::query("SELECT id, code_hash, expires_at, attempts FROM login_codes WHERE email_norm = $1")
            .bind(email_norm)
            .fetch_optional(&mut *c)
            .await?;
    row.map(|r| {
        Ok(LoginCodeRow {
            id: r.try_get("id")?,
            code_hash: r.try_get("code_hash")?,
            expires_at: r.try_get("expires_at")?,
            attempts: r.try_get("attempts")?,
        })
    })
    .transpose()
}

/// Counts a wrong try of code `id`; returns the tries so far (`None`: the code
/// is gone, used or replaced meanwhile).
pub async fn count_try(c: &mut Conn, id: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("UPDATE login_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| r.try_get::<i64, _>(0)).transpose()
}

/// Removes code `id`; whether it was still there (the one use of a code).
pub async fn take(c: &mut Conn, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM login_codes WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() == 1)
}
