//! Projects and their roles.

use access_api::validate::normalize;
use sqlx::Row;

use super::{Conn, PROJECT_COLS, ProjectRow, ROLE_COLS, RoleRow, new_id};

/// The first statement of every project-scoped mutation: bumps
/// `policy_version`, which takes the row's write lock and so serializes all
/// changes to one project on SQLite and PostgreSQL alike. None when the
/// project is gone.
pub async fn lock_project(c: &mut Conn, id: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE projects SET policy_version = policy_version + 1 WHERE id = $1 RETURNING policy_version",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// A project by id or (case-insensitive) name.
pub async fn find_project(c: &mut Conn, key: &str) -> Result<Option<ProjectRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROJECT_COLS} FROM projects p JOIN orgs o ON o.id = p.org_id \
         WHERE p.id = $1 OR p.name_norm = $2 ORDER BY p.id LIMIT 1"
    )))
    .bind(key)
    .bind(normalize(key))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(ProjectRow::from_row).transpose()
}

/// A project of one org by id or (case-insensitive) name.
pub async fn find_project_in_org(
    c: &mut Conn,
    org_id: &str,
    key: &str,
) -> Result<Option<ProjectRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROJECT_COLS} FROM projects p JOIN orgs o ON o.id = p.org_id \
         WHERE p.org_id = $3 AND (p.id = $1 OR p.name_norm = $2)"
    )))
    .bind(key)
    .bind(normalize(key))
    .bind(org_id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(ProjectRow::from_row).transpose()
}

/// Every project whose id or (case-insensitive) name is `key`, with the user's role
/// in its org, in one statement. Names are unique per org, so several rows mean the
/// name is used in several orgs (an id matches one row).
pub async fn find_projects_for(
    c: &mut Conn,
    key: &str,
    user_id: &str,
) -> Result<Vec<(ProjectRow, Option<String>)>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROJECT_COLS}, (SELECT m.role FROM org_members m \
           WHERE m.org_id = p.org_id AND m.user_id = $3) AS org_role \
         FROM projects p JOIN orgs o ON o.id = p.org_id \
         WHERE p.id = $1 OR p.name_norm = $2 ORDER BY p.id"
    )))
    .bind(key)
    .bind(normalize(key))
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| Ok((ProjectRow::from_row(r)?, r.try_get("org_role")?)))
        .collect()
}

pub async fn project_name_taken(
    c: &mut Conn,
    org_id: &str,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM projects WHERE org_id = $1 AND name_norm = $2")
        .bind(org_id)
        .bind(normalize(name))
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

pub async fn insert_project(
    c: &mut Conn,
    org_id: &str,
    name: &str,
    description: Option<&str>,
    preset: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO projects (id, org_id, name, name_norm, description, role_preset, \
         policy_version, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(&id)
    .bind(org_id)
    .bind(name)
    .bind(normalize(name))
    .bind(description.map(str::to_owned))
    .bind(preset)
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(id)
}

pub async fn update_project(
    c: &mut Conn,
    id: &str,
    name: &str,
    description: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET name = $1, name_norm = $2, description = $3 WHERE id = $4")
        .bind(name)
        .bind(normalize(name))
        .bind(description.map(str::to_owned))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn delete_project(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM role_bindings WHERE project_id = $1",
        "DELETE FROM invitations WHERE project_id = $1",
        "DELETE FROM roles WHERE project_id = $1",
        "DELETE FROM projects WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    Ok(())
}

/// Projects the user may see, ordered by (name, id), after the keyset `after`.
/// `org_roles_that_see_all`: org roles that grant `project.view` everywhere.
pub async fn list_visible_projects(
    c: &mut Conn,
    user_id: &str,
    org_roles_that_see_all: &[&str],
    now: i64,
    after: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<ProjectRow>, sqlx::Error> {
    let roles_in = org_roles_that_see_all
        .iter()
        .map(|r| format!("'{}'", r.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(", ");
    let (a_name, a_id) = after.unwrap_or(("", ""));
    let sql = format!(
        "SELECT {PROJECT_COLS} FROM projects p JOIN orgs o ON o.id = p.org_id \
         WHERE (p.name_norm > $1 OR (p.name_norm = $1 AND p.id > $2)) AND ( \
           EXISTS (SELECT 1 FROM role_bindings b JOIN roles r ON r.id = b.role_id \
             WHERE b.project_id = p.id AND (b.expires_at IS NULL OR b.expires_at > $3) \
             AND (' ' || r.permissions || ' ') LIKE '% project.view %' \
             AND ((b.principal_type = 'user' AND b.principal_id = $4) OR \
                  (b.principal_type = 'team' AND EXISTS (SELECT 1 FROM team_members tm \
                     WHERE tm.team_id = b.principal_id AND tm.user_id = $4)) OR \
                  (b.principal_type = 'all-users' AND EXISTS (SELECT 1 FROM org_members m \
                     WHERE m.org_id = p.org_id AND m.user_id = $4)))) \
           OR EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = p.org_id AND m.user_id = $4 \
             AND m.role IN ({roles_in})) \
           OR EXISTS (SELECT 1 FROM org_members m JOIN org_roles r ON r.org_id = m.org_id \
             AND r.name_norm = m.role JOIN org_role_projects rp ON rp.role_id = r.id \
             WHERE m.org_id = p.org_id AND m.user_id = $4 AND rp.project_id = p.id)) \
         ORDER BY p.name_norm, p.id LIMIT $5"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(a_name)
        .bind(a_id)
        .bind(now)
        .bind(user_id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(ProjectRow::from_row).collect()
}

// ---------------------------------------------------------------- roles

pub struct NewRole<'a> {
    /// A built-in role with the server's permissions instead of the preset's.
    pub modified: bool,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub built_in: bool,
    pub owner_grade: bool,
    pub rank: i64,
    pub permissions: &'a [String],
}

pub async fn insert_role(
    c: &mut Conn,
    project_id: &str,
    r: &NewRole<'_>,
    now: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO roles (id, project_id, name, name_norm, description, built_in, owner_grade, \
         rank, permissions, created_at, modified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(project_id)
    .bind(r.name)
    .bind(normalize(r.name))
    .bind(r.description.map(str::to_owned))
    .bind(i64::from(r.built_in))
    .bind(i64::from(r.owner_grade))
    .bind(r.rank)
    .bind(r.permissions.join(" "))
    .bind(now)
    .bind(i64::from(r.modified))
    .execute(&mut *c)
    .await?;
    Ok(id)
}

/// A project's roles, most powerful first.
pub async fn list_roles(c: &mut Conn, project_id: &str) -> Result<Vec<RoleRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ROLE_COLS} FROM roles r WHERE r.project_id = $1 ORDER BY r.rank, r.name_norm"
    )))
    .bind(project_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(RoleRow::from_row).collect()
}

pub async fn update_role(
    c: &mut Conn,
    id: &str,
    description: Option<&str>,
    permissions: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE roles SET description = $1, permissions = $2 WHERE id = $3")
        .bind(description.map(str::to_owned))
        .bind(permissions.join(" "))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn delete_role(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM roles WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// How many bindings and invitations use the role.
pub async fn role_uses(c: &mut Conn, id: &str) -> Result<i64, sqlx::Error> {
    let n: i64 = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM role_bindings WHERE role_id = $1) + \
                (SELECT COUNT(*) FROM invitations WHERE role_id = $1)",
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await?
    .try_get(0)?;
    Ok(n)
}

pub async fn set_require_mfa(c: &mut Conn, id: &str, policy: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET require_mfa = $1 WHERE id = $2")
        .bind(policy)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// The project's MFA policy, read inside the caller's transaction (after its
/// lock on the project, so a concurrent policy change is seen).
pub async fn require_mfa(c: &mut Conn, id: &str) -> Result<String, sqlx::Error> {
    sqlx::query("SELECT require_mfa FROM projects WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *c)
        .await?
        .try_get(0)
}
