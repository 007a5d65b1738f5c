//! Invitations (only the SHA-256 of a code is stored).

use access_api::validate::normalize;

use super::{Conn, INVITATION_COLS, INVITATION_FROM, InvitationRow, new_id};

pub struct NewInvitation<'a> {
    pub project_id: &'a str,
    pub email: &'a str,
    pub role_id: &'a str,
    pub code_hash: &'a str,
    pub invited_by: Option<&'a str>,
    pub expires_at: i64,
}

pub async fn insert(c: &mut Conn, i: &NewInvitation<'_>, now: i64) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO invitations (id, project_id, email, email_norm, role_id, code_hash, invited_by, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(i.project_id)
    .bind(i.email)
    .bind(normalize(i.email))
    .bind(i.role_id)
    .bind(i.code_hash)
    .bind(i.invited_by.map(str::to_owned))
    .bind(now)
    .bind(i.expires_at)
    .execute(&mut *c)
    .await?;
    Ok(id)
}

async fn one(c: &mut Conn, filter: &str, a: &str, b: &str) -> Result<Option<InvitationRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITATION_COLS} FROM {INVITATION_FROM} WHERE {filter}"
    )))
    .bind(a)
    .bind(b)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(InvitationRow::from_row).transpose()
}

/// The project's invitation with this id or email.
pub async fn find(c: &mut Conn, project_id: &str, key: &str) -> Result<Option<InvitationRow>, sqlx::Error> {
    let key_norm = normalize(key);
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITATION_COLS} FROM {INVITATION_FROM} WHERE i.project_id = $1 \
         AND (i.id = $2 OR i.email_norm = $3)"
    )))
    .bind(project_id)
    .bind(key)
    .bind(key_norm)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(InvitationRow::from_row).transpose()
}

pub async fn by_code_hash(c: &mut Conn, hash: &str) -> Result<Option<InvitationRow>, sqlx::Error> {
    one(c, "i.code_hash = $1 AND $2 = ''", hash, "").await
}

pub async fn by_id(c: &mut Conn, id: &str) -> Result<Option<InvitationRow>, sqlx::Error> {
    one(c, "i.id = $1 AND $2 = ''", id, "").await
}

pub async fn list_for_project(c: &mut Conn, project_id: &str) -> Result<Vec<InvitationRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITATION_COLS} FROM {INVITATION_FROM} WHERE i.project_id = $1 ORDER BY i.email_norm, i.id"
    )))
    .bind(project_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(InvitationRow::from_row).collect()
}

pub async fn list_for_email(c: &mut Conn, email: &str) -> Result<Vec<InvitationRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INVITATION_COLS} FROM {INVITATION_FROM} WHERE i.email_norm = $1 ORDER BY i.id"
    )))
    .bind(normalize(email))
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(InvitationRow::from_row).collect()
}

pub async fn delete(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invitations WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Resend: a new code and expiry.
pub async fn renew(
    c: &mut Conn,
    id: &str,
    code_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invitations SET code_hash = $1, created_at = $2, expires_at = $3 WHERE id = $4")
        .bind(code_hash)
        .bind(now)
        .bind(expires_at)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
