//! Server-wide project roles and their per-project copies in `roles`.

use access_api::validate::normalize;
use sqlx::Row;

use super::{Conn, new_id};

#[derive(Debug, Clone)]
pub struct ServerRoleRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub created_at: i64,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<ServerRoleRow, sqlx::Error> {
    let perms: String = r.try_get("permissions")?;
    Ok(ServerRoleRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        permissions: perms.split_whitespace().map(str::to_owned).collect(),
        created_at: r.try_get("created_at")?,
    })
}

const COLS: &str = "id, org_id, name, description, permissions, created_at";

pub async fn list(c: &mut Conn, org_id: &str) -> Result<Vec<ServerRoleRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM server_roles WHERE org_id = $1 ORDER BY name_norm"
    )))
    .bind(org_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(c: &mut Conn, org_id: &str, key: &str) -> Result<Option<ServerRoleRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM server_roles WHERE org_id = $1 AND (id = $2 OR name_norm = $3)"
    )))
    .bind(org_id)
    .bind(key)
    .bind(normalize(key))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn insert(
    c: &mut Conn,
    org_id: &str,
    name: &str,
    description: Option<&str>,
    permissions: &[String],
    by: &str,
    now: i64,
) -> Result<ServerRoleRow, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO server_roles (id, org_id, name, name_norm, description, permissions, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(name)
    .bind(normalize(name))
    .bind(description.map(str::to_owned))
    .bind(permissions.join(" "))
    .bind(now)
    .bind(by)
    .execute(&mut *c)
    .await?;
    find(c, org_id, &id).await?.ok_or(sqlx::Error::RowNotFound)
}

/// Changes the definition and every copy of it.
pub async fn update(
    c: &mut Conn,
    id: &str,
    description: Option<&str>,
    permissions: &[String],
) -> Result<(), sqlx::Error> {
    for sql in [
        "UPDATE server_roles SET description = $1, permissions = $2 WHERE id = $3",
        "UPDATE roles SET description = $1, permissions = $2 WHERE server_role_id = $3",
    ] {
        sqlx::query(sql)
            .bind(description.map(str::to_owned))
            .bind(permissions.join(" "))
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Removes the definition and its copies (the caller checked no binding uses them).
pub async fn delete(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM roles WHERE server_role_id = $1",
        "DELETE FROM server_roles WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    Ok(())
}

/// Names of the org's projects that already have a role named `name`.
pub async fn projects_with_role_name(
    c: &mut Conn,
    org_id: &str,
    name: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.name FROM roles r JOIN projects p ON p.id = r.project_id \
         WHERE p.org_id = $1 AND r.name_norm = $2 ORDER BY p.name_norm",
    )
    .bind(org_id)
    .bind(normalize(name))
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Names of the projects where a copy of the role is bound.
pub async fn projects_binding(c: &mut Conn, id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT p.name, p.name_norm FROM role_bindings b JOIN roles r ON r.id = b.role_id \
         JOIN projects p ON p.id = b.project_id WHERE r.server_role_id = $1 ORDER BY p.name_norm",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Ids of the org's projects (a copy of a new server-wide role goes into each).
pub async fn org_projects(c: &mut Conn, org_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT id FROM projects WHERE org_id = $1 ORDER BY id")
        .bind(org_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Puts a copy of the role into one project, ranked after its other roles.
pub async fn materialize(
    c: &mut Conn,
    role: &ServerRoleRow,
    project_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let rank: i64 = sqlx::query("SELECT COALESCE(MAX(rank), 99) + 1 FROM roles WHERE project_id = $1")
        .bind(project_id)
        .fetch_one(&mut *c)
        .await?
        .try_get(0)?;
    sqlx::query(
        "INSERT INTO roles (id, project_id, name, name_norm, description, built_in, owner_grade, rank, \
         permissions, created_at, server_role_id) VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(project_id)
    .bind(&role.name)
    .bind(normalize(&role.name))
    .bind(role.description.clone())
    .bind(rank.max(100))
    .bind(role.permissions.join(" "))
    .bind(now)
    .bind(&role.id)
    .execute(&mut *c)
    .await?;
    Ok(())
}
