//! Org invitations (only the SHA-256 of a code is stored).

use access_api::validate::normalize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, flag, new_id};

#[derive(Debug, Clone)]
pub struct OrgInvitationRow {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub email: String,
    /// A base org role or the normalized name of a custom one.
    pub role: String,
    pub mailed: bool,
    pub invited_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

const COLS: &str = "i.id, i.org_id, o.name AS org_name, i.email, i.role, i.mailed, i.invited_by, \
     i.created_at, i.expires_at";
const FROM: &str = "org_invitations i JOIN orgs o ON o.id = i.org_id";

impl OrgInvitationRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(OrgInvitationRow {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            org_name: r.try_get("org_name")?,
            email: r.try_get("email")?,
            role: r.try_get("role")?,
            mailed: flag(r, "mailed")?,
            invited_by: r.try_get("invited_by")?,
            created_at: r.try_get("created_at")?,
            expires_at: r.try_get("expires_at")?,
        })
    }
}

pub struct NewOrgInvitation<'a> {
    pub org_id: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub code_hash: &'a str,
    pub mailed: bool,
    pub invited_by: Option<&'a str>,
    pub expires_at: i64,
}

pub async fn insert(c: &mut Conn, i: &NewOrgInvitation<'_>, now: i64) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO org_invitations (id, org_id, email, email_norm, role, code_hash, mailed, invited_by, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(i.org_id)
    .bind(i.email)
    .bind(normalize(i.email))
    .bind(i.role)
    .bind(i.code_hash)
    .bind(i64::from(i.mailed))
    .bind(i.invited_by.map(str::to_owned))
    .bind(now)
    .bind(i.expires_at)
    .execute(&mut *c)
    .await?;
    Ok(id)
}

/// The org's invitation with this id or email.
pub async fn find(c: &mut Conn, org_id: &str, key: &str) -> Result<Option<OrgInvitationRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM {FROM} WHERE i.org_id = $1 AND (i.id = $2 OR i.email_norm = $3)"
    )))
    .bind(org_id)
    .bind(key)
    .bind(normalize(key))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(OrgInvitationRow::from_row).transpose()
}

pub async fn by_code_hash(c: &mut Conn, hash: &str) -> Result<Option<OrgInvitationRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM {FROM} WHERE i.code_hash = $1"
    )))
    .bind(hash)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(OrgInvitationRow::from_row).transpose()
}

pub async fn list_for_org(c: &mut Conn, org_id: &str) -> Result<Vec<OrgInvitationRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM {FROM} WHERE i.org_id = $1 ORDER BY i.email_norm, i.id"
    )))
    .bind(org_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(OrgInvitationRow::from_row).collect()
}

pub async fn delete(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM org_invitations WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
