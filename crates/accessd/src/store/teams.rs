//! Teams and team membership.

use access_api::validate::normalize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, USER_COLS, UserRow, new_id};

#[derive(Debug, Clone)]
pub struct TeamRow {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub name: String,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub member_count: i64,
}

const TEAM_COLS: &str = "t.id AS t_id, t.org_id, o.name AS org_name, t.name AS t_name, \
     t.created_at AS t_created_at, t.created_by, \
     (SELECT COUNT(*) FROM team_members tm WHERE tm.team_id = t.id) AS member_count";
const TEAM_FROM: &str = "teams t JOIN orgs o ON o.id = t.org_id";

impl TeamRow {
    fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(TeamRow {
            id: r.try_get("t_id")?,
            org_id: r.try_get("org_id")?,
            org_name: r.try_get("org_name")?,
            name: r.try_get("t_name")?,
            created_at: r.try_get("t_created_at")?,
            created_by: r.try_get("created_by")?,
            member_count: r.try_get("member_count")?,
        })
    }
}

/// A team of `org_id` by id or (case-insensitive) name.
pub async fn find_team(c: &mut Conn, org_id: &str, key: &str) -> Result<Option<TeamRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TEAM_COLS} FROM {TEAM_FROM} WHERE t.org_id = $1 AND (t.id = $2 OR t.name_norm = $3)"
    )))
    .bind(org_id)
    .bind(key)
    .bind(normalize(key.trim()))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(TeamRow::from_row).transpose()
}

/// The teams of an org, by name.
pub async fn list_teams(c: &mut Conn, org_id: &str) -> Result<Vec<TeamRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TEAM_COLS} FROM {TEAM_FROM} WHERE t.org_id = $1 ORDER BY t.name_norm, t.id"
    )))
    .bind(org_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(TeamRow::from_row).collect()
}

pub async fn insert_team(
    c: &mut Conn,
    org_id: &str,
    name: &str,
    created_by: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO teams (id, org_id, name, name_norm, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(name)
    .bind(normalize(name))
    .bind(now)
    .bind(created_by)
    .execute(&mut *c)
    .await?;
    Ok(id)
}

/// Takes the team row's write lock (a no-op update) so that a membership
/// change, a deletion and a new binding of the team are serialized; false
/// when the team is gone.
pub async fn lock_team(c: &mut Conn, id: &str) -> Result<bool, sqlx::Error> {
    let res = sqlx::query("UPDATE teams SET name_norm = name_norm WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(res.rows_affected() > 0)
}

/// Bumps `policy_version` of every project where the team holds a binding
/// (a membership change changes access there) and returns their ids.
pub async fn lock_projects_of_team(c: &mut Conn, team_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "UPDATE projects SET policy_version = policy_version + 1 WHERE id IN \
         (SELECT project_id FROM role_bindings WHERE principal_type = 'team' AND principal_id = $1) \
         RETURNING id",
    )
    .bind(team_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Names of the projects where the team holds a binding.
pub async fn projects_binding_team(c: &mut Conn, team_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT p.name FROM role_bindings b JOIN projects p ON p.id = b.project_id \
         WHERE b.principal_type = 'team' AND b.principal_id = $1 ORDER BY p.name",
    )
    .bind(team_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

pub async fn delete_team(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM team_members WHERE team_id = $1",
        "DELETE FROM teams WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    Ok(())
}

/// A member of a team: the user, when and by whom they were added.
#[derive(Debug, Clone)]
pub struct TeamMemberRow {
    pub user: UserRow,
    pub added_at: i64,
    pub added_by: Option<String>,
}

/// The members of a team, by username.
pub async fn list_members(c: &mut Conn, team_id: &str) -> Result<Vec<TeamMemberRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS}, tm.created_at AS added_at, tm.added_by FROM team_members tm \
         JOIN users u ON u.id = tm.user_id WHERE tm.team_id = $1 ORDER BY u.username_norm"
    )))
    .bind(team_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TeamMemberRow {
                user: UserRow::from_row(r)?,
                added_at: r.try_get("added_at")?,
                added_by: r.try_get("added_by")?,
            })
        })
        .collect()
}

pub async fn get_member(
    c: &mut Conn,
    team_id: &str,
    user_id: &str,
) -> Result<Option<TeamMemberRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS}, tm.created_at AS added_at, tm.added_by FROM team_members tm \
         JOIN users u ON u.id = tm.user_id WHERE tm.team_id = $1 AND tm.user_id = $2"
    )))
    .bind(team_id)
    .bind(user_id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok(TeamMemberRow {
            user: UserRow::from_row(&r)?,
            added_at: r.try_get("added_at")?,
            added_by: r.try_get("added_by")?,
        })
    })
    .transpose()
}

pub async fn add_member(
    c: &mut Conn,
    team_id: &str,
    user_id: &str,
    added_by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO team_members (team_id, user_id, created_at, added_by) VALUES ($1, $2, $3, $4)")
        .bind(team_id)
        .bind(user_id)
        .bind(now)
        .bind(added_by)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Removes a member; false when they were not one.
pub async fn remove_member(c: &mut Conn, team_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let res = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .bind(team_id)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    Ok(res.rows_affected() > 0)
}

/// The teams `user_id` is a member of (what deleting the user removes).
pub async fn teams_of_user(c: &mut Conn, user_id: &str) -> Result<Vec<TeamRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {TEAM_COLS} FROM {TEAM_FROM} WHERE t.id IN \
         (SELECT team_id FROM team_members WHERE user_id = $1) ORDER BY t.org_id, t.name_norm"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(TeamRow::from_row).collect()
}
