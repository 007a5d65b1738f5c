//! Custom org roles (their project and cluster grants) and clusters.

use access_api::validate::normalize;
use sqlx::Row;

pub use access_api::validate::role_key as role_slug;

use super::{Conn, new_id};

#[derive(Debug, Clone)]
pub struct ClusterRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct OrgRoleRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: i64,
}

/// A role's grant in one project: admin, or levels by environment type.
#[derive(Debug, Clone)]
pub struct ProjectGrant {
    pub project_id: String,
    pub project_name: String,
    pub is_admin: bool,
    /// JSON object `{"staging": "deployer", …}` (lower-case, NO_ACCESS left out).
    pub env_levels: String,
}

#[derive(Debug, Clone)]
pub struct ClusterGrant {
    pub cluster_id: String,
    pub cluster_name: String,
    pub level: String,
}

// ---------------------------------------------------------------- clusters

pub async fn list_clusters(c: &mut Conn, org_id: &str) -> Result<Vec<ClusterRow>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT id, org_id, name, created_at FROM clusters WHERE org_id = $1 ORDER BY name_norm")
            .bind(org_id)
            .fetch_all(&mut *c)
            .await?;
    rows.iter().map(cluster_from).collect()
}

fn cluster_from(r: &sqlx::any::AnyRow) -> Result<ClusterRow, sqlx::Error> {
    Ok(ClusterRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn find_cluster(c: &mut Conn, org_id: &str, key: &str) -> Result<Option<ClusterRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, org_id, name, created_at FROM clusters WHERE org_id = $1 AND (id = $2 OR name_norm = $3)",
    )
    .bind(org_id)
    .bind(key)
    .bind(normalize(key))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(cluster_from).transpose()
}

/// A new cluster; `None` when the name is taken in the org.
pub async fn insert_cluster(
    c: &mut Conn,
    org_id: &str,
    name: &str,
    by: &str,
    now: i64,
) -> Result<Option<ClusterRow>, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO clusters (id, org_id, name, name_norm, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (org_id, name_norm) DO NOTHING",
    )
    .bind(new_id())
    .bind(org_id)
    .bind(name)
    .bind(normalize(name))
    .bind(now)
    .bind(by)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    find_cluster(c, org_id, name).await
}

pub async fn delete_cluster(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM org_role_clusters WHERE cluster_id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM clusters WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Names of the custom roles that grant something on the cluster.
pub async fn roles_using_cluster(c: &mut Conn, cluster_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.name FROM org_role_clusters rc JOIN org_roles r ON r.id = rc.role_id \
         WHERE rc.cluster_id = $1 ORDER BY r.name_norm",
    )
    .bind(cluster_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

// ---------------------------------------------------------------- roles

fn role_from(r: &sqlx::any::AnyRow) -> Result<OrgRoleRow, sqlx::Error> {
    Ok(OrgRoleRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn list_roles(c: &mut Conn, org_id: &str) -> Result<Vec<OrgRoleRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, org_id, name, description, created_at FROM org_roles WHERE org_id = $1 ORDER BY name_norm",
    )
    .bind(org_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(role_from).collect()
}

/// A custom role of the org by id or (case-insensitive) name.
pub async fn find_role(c: &mut Conn, org_id: &str, key: &str) -> Result<Option<OrgRoleRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, org_id, name, description, created_at FROM org_roles \
         WHERE org_id = $1 AND (id = $2 OR name_norm = $3)",
    )
    .bind(org_id)
    .bind(key)
    .bind(role_slug(key))
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(role_from).transpose()
}

/// A new custom role; `None` when the name is taken in the org.
pub async fn insert_role(
    c: &mut Conn,
    org_id: &str,
    name: &str,
    description: Option<&str>,
    by: &str,
    now: i64,
) -> Result<Option<OrgRoleRow>, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO org_roles (id, org_id, name, name_norm, description, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, name_norm) DO NOTHING",
    )
    .bind(new_id())
    .bind(org_id)
    .bind(name)
    .bind(role_slug(name))
    .bind(description.map(str::to_owned))
    .bind(now)
    .bind(by)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(None);
    }
    find_role(c, org_id, name).await
}

/// Renames/describes a role; members holding the old name follow it.
pub async fn update_role(
    c: &mut Conn,
    role: &OrgRoleRow,
    name: &str,
    description: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE org_roles SET name = $1, name_norm = $2, description = $3 WHERE id = $4")
        .bind(name)
        .bind(role_slug(name))
        .bind(description.map(str::to_owned))
        .bind(&role.id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE org_members SET role = $1 WHERE org_id = $2 AND role = $3")
        .bind(role_slug(name))
        .bind(&role.org_id)
        .bind(role_slug(&role.name))
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn delete_role(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM org_role_projects WHERE role_id = $1",
        "DELETE FROM org_role_clusters WHERE role_id = $1",
        "DELETE FROM org_roles WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    Ok(())
}

/// Usernames of the members holding the role.
pub async fn role_members(c: &mut Conn, role: &OrgRoleRow) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.username FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.role = $2 ORDER BY u.username_norm",
    )
    .bind(&role.org_id)
    .bind(role_slug(&role.name))
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// Replaces the role's project and cluster grants.
pub async fn set_grants(
    c: &mut Conn,
    role_id: &str,
    projects: &[(String, bool, String)],
    clusters: &[(String, String)],
) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM org_role_projects WHERE role_id = $1",
        "DELETE FROM org_role_clusters WHERE role_id = $1",
    ] {
        sqlx::query(sql).bind(role_id).execute(&mut *c).await?;
    }
    for (project_id, is_admin, levels) in projects {
        sqlx::query(
            "INSERT INTO org_role_projects (role_id, project_id, is_admin, env_levels) VALUES ($1, $2, $3, $4)",
        )
        .bind(role_id)
        .bind(project_id)
        .bind(i64::from(*is_admin))
        .bind(levels)
        .execute(&mut *c)
        .await?;
    }
    for (cluster_id, level) in clusters {
        sqlx::query("INSERT INTO org_role_clusters (role_id, cluster_id, level) VALUES ($1, $2, $3)")
            .bind(role_id)
            .bind(cluster_id)
            .bind(level)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

pub async fn project_grants(c: &mut Conn, role_id: &str) -> Result<Vec<ProjectGrant>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT rp.project_id, p.name, rp.is_admin, rp.env_levels FROM org_role_projects rp \
         JOIN projects p ON p.id = rp.project_id WHERE rp.role_id = $1 ORDER BY p.name_norm",
    )
    .bind(role_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ProjectGrant {
                project_id: r.try_get(0)?,
                project_name: r.try_get(1)?,
                is_admin: r.try_get::<i64, _>(2)? != 0,
                env_levels: r.try_get(3)?,
            })
        })
        .collect()
}

pub async fn cluster_grants(c: &mut Conn, role_id: &str) -> Result<Vec<ClusterGrant>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT rc.cluster_id, k.name, rc.level FROM org_role_clusters rc \
         JOIN clusters k ON k.id = rc.cluster_id WHERE rc.role_id = $1 ORDER BY k.name_norm",
    )
    .bind(role_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ClusterGrant {
                cluster_id: r.try_get(0)?,
                cluster_name: r.try_get(1)?,
                level: r.try_get(2)?,
            })
        })
        .collect()
}

/// What the custom role `role_norm` of the org grants in one project: (is_admin,
/// env_levels JSON), or `None` (no such role, or nothing in that project).
pub async fn grant_in_project(
    c: &mut Conn,
    org_id: &str,
    role_norm: &str,
    project_id: &str,
) -> Result<Option<(bool, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT rp.is_admin, rp.env_levels FROM org_roles r JOIN org_role_projects rp ON rp.role_id = r.id \
         WHERE r.org_id = $1 AND r.name_norm = $2 AND rp.project_id = $3",
    )
    .bind(org_id)
    .bind(role_norm)
    .bind(project_id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| Ok((r.try_get::<i64, _>(0)? != 0, r.try_get(1)?)))
        .transpose()
}

/// The level the custom role `role_norm` grants on the cluster named `cluster`.
pub async fn grant_on_cluster(
    c: &mut Conn,
    org_id: &str,
    role_norm: &str,
    cluster: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT rc.level FROM org_roles r JOIN org_role_clusters rc ON rc.role_id = r.id \
         JOIN clusters k ON k.id = rc.cluster_id \
         WHERE r.org_id = $1 AND r.name_norm = $2 AND k.name_norm = $3",
    )
    .bind(org_id)
    .bind(role_norm)
    .bind(normalize(cluster))
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| r.try_get(0)).transpose()
}
