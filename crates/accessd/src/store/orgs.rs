//! Organizations and their members (one org role each).

use access_api::validate::normalize;
use sqlx::Row;

use super::users::{OrgRow, find_org};
use super::{Conn, USER_COLS, UserRow, new_id};

pub struct OrgMemberRow {
    pub user: UserRow,
    pub role: String,
    pub added_at: i64,
}

/// A new org; `None` when the name is taken.
pub async fn insert_org(c: &mut Conn, name: &str, now: i64) -> Result<Option<OrgRow>, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO orgs (id, name, name_norm, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name_norm) DO NOTHING",
    )
    .bind(new_id())
    .bind(name)
    .bind(normalize(name))
    .bind(now)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    find_org(c, name).await
}

/// Renames an org; false when another org has the name.
pub async fn rename_org(c: &mut Conn, id: &str, name: &str) -> Result<bool, sqlx::Error> {
    let taken: Option<String> = sqlx::query("SELECT id FROM orgs WHERE name_norm = $1 AND id <> $2")
        .bind(normalize(name))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    if taken.is_some() {
        return Ok(false);
    }
    sqlx::query("UPDATE orgs SET name = $1, name_norm = $2 WHERE id = $3")
        .bind(name)
        .bind(normalize(name))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(true)
}

/// Takes the org's row lock (a no-op update): changes of its membership
/// serialize on it, so the last-owner count cannot race.
pub async fn lock_org(c: &mut Conn, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE orgs SET name = name WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Bumps `policy_version` of every project of the org: an org role grants in
/// all of them, so a membership change changes access there (invariant 3).
pub async fn bump_projects(c: &mut Conn, org_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET policy_version = policy_version + 1 WHERE org_id = $1")
        .bind(org_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

fn member_from(r: &sqlx::any::AnyRow) -> Result<OrgMemberRow, sqlx::Error> {
    Ok(OrgMemberRow {
        user: UserRow::from_row(r)?,
        role: r.try_get("org_role")?,
        added_at: r.try_get("added_at")?,
    })
}

/// The org's members, by username.
pub async fn list_members(c: &mut Conn, org_id: &str) -> Result<Vec<OrgMemberRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS}, m.role AS org_role, m.created_at AS added_at FROM org_members m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.username_norm"
    )))
    .bind(org_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(member_from).collect()
}

pub async fn get_member(
    c: &mut Conn,
    org_id: &str,
    user_id: &str,
) -> Result<Option<OrgMemberRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS}, m.role AS org_role, m.created_at AS added_at FROM org_members m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2"
    )))
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(member_from).transpose()
}

pub async fn set_role(c: &mut Conn, org_id: &str, user_id: &str, role: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE org_members SET role = $1 WHERE org_id = $2 AND user_id = $3")
        .bind(role)
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn remove_member(c: &mut Conn, org_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM org_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Active (not disabled) owners of the org.
pub async fn count_owners(c: &mut Conn, org_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.role = 'owner' AND u.disabled = 0",
    )
    .bind(org_id)
    .fetch_one(&mut *c)
    .await?
    .try_get(0)
}
