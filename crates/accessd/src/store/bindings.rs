//! Role bindings.

use sqlx::Row;

use super::{BINDING_COLS, BINDING_FROM, BindingRow, Conn, new_id};

pub struct NewBinding<'a> {
    pub project_id: &'a str,
    pub role_id: &'a str,
    pub role_rank: i64,
    pub principal_type: &'a str,
    pub principal_id: Option<&'a str>,
    pub principal_sort: &'a str,
    pub expires_at: Option<i64>,
    pub created_by: Option<&'a str>,
}

/// The unique key of a principal: `user:<id>`, `team:<id>` or `all-users`.
pub fn principal_key(principal_type: &str, principal_id: Option<&str>) -> String {
    match principal_id {
        Some(id) => format!("{principal_type}:{id}"),
        None => principal_type.to_owned(),
    }
}

pub async fn insert_binding(c: &mut Conn, b: &NewBinding<'_>, now: i64) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO role_bindings (id, project_id, role_id, role_rank, principal_type, principal_id, \
         principal_key, principal_sort, expires_at, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(b.project_id)
    .bind(b.role_id)
    .bind(b.role_rank)
    .bind(b.principal_type)
    .bind(b.principal_id.map(str::to_owned))
    .bind(principal_key(b.principal_type, b.principal_id))
    .bind(b.principal_sort)
    .bind(b.expires_at)
    .bind(now)
    .bind(b.created_by.map(str::to_owned))
    .execute(&mut *c)
    .await?;
    Ok(id)
}

/// The id of the binding (project, principal, role), if any.
pub async fn existing_binding(
    c: &mut Conn,
    project_id: &str,
    key: &str,
    role_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id FROM role_bindings WHERE project_id = $1 AND principal_key = $2 AND role_id = $3",
    )
    .bind(project_id)
    .bind(key)
    .bind(role_id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| r.try_get(0)).transpose()
}

pub async fn get_binding(
    c: &mut Conn,
    project_id: &str,
    id: &str,
) -> Result<Option<BindingRow>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BINDING_COLS} FROM {BINDING_FROM} WHERE b.project_id = $1 AND b.id = $2"
    )))
    .bind(project_id)
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(BindingRow::from_row).transpose()
}

pub async fn delete_binding(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM role_bindings WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub struct BindingFilter<'a> {
    pub role_id: Option<&'a str>,
    pub principal_type: Option<&'a str>,
    /// Only ids starting with this (hex digits and dashes, checked by the service).
    pub id_prefix: Option<&'a str>,
    /// Keyset: (role rank, principal sort key, id) of the last row seen.
    pub after: Option<(i64, String, String)>,
    pub limit: i64,
}

/// A page of bindings ordered by (role rank, principal sort key, id).
pub async fn list_bindings(
    c: &mut Conn,
    project_id: &str,
    f: &BindingFilter<'_>,
) -> Result<Vec<BindingRow>, sqlx::Error> {
    let (rank, sort, id) = f
        .after
        .clone()
        .unwrap_or((i64::MIN, String::new(), String::new()));
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BINDING_COLS} FROM {BINDING_FROM} WHERE b.project_id = $1 \
         AND ($2 = '' OR b.role_id = $2) AND ($3 = '' OR b.principal_type = $3) \
         AND ($8 = '' OR substr(b.id, 1, length($8)) = $8) \
         AND (b.role_rank > $4 OR (b.role_rank = $4 AND (b.principal_sort > $5 \
              OR (b.principal_sort = $5 AND b.id > $6)))) \
         ORDER BY b.role_rank, b.principal_sort, b.id LIMIT $7"
    )))
    .bind(project_id)
    .bind(f.role_id.unwrap_or(""))
    .bind(f.principal_type.unwrap_or(""))
    .bind(rank)
    .bind(sort)
    .bind(id)
    .bind(f.limit)
    .bind(f.id_prefix.map(str::to_ascii_lowercase).unwrap_or_default())
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(BindingRow::from_row).collect()
}

/// Every binding of a project, ordered like the list.
pub async fn all_bindings(c: &mut Conn, project_id: &str) -> Result<Vec<BindingRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BINDING_COLS} FROM {BINDING_FROM} WHERE b.project_id = $1 \
         ORDER BY b.role_rank, b.principal_sort, b.id"
    )))
    .bind(project_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(BindingRow::from_row).collect()
}

/// Every direct user binding of a project, ordered like the list.
pub async fn user_bindings_of_project(
    c: &mut Conn,
    project_id: &str,
) -> Result<Vec<BindingRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BINDING_COLS} FROM {BINDING_FROM} WHERE b.project_id = $1 \
         AND b.principal_type = 'user' ORDER BY b.principal_sort, b.role_rank, b.id"
    )))
    .bind(project_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(BindingRow::from_row).collect()
}

/// A user's direct bindings in a project (expired ones included).
pub async fn bindings_of_user(
    c: &mut Conn,
    project_id: &str,
    user_id: &str,
) -> Result<Vec<BindingRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BINDING_COLS} FROM {BINDING_FROM} WHERE b.project_id = $1 \
         AND b.principal_type = 'user' AND b.principal_id = $2 ORDER BY b.role_rank, b.id"
    )))
    .bind(project_id)
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(BindingRow::from_row).collect()
}

/// Columns of [`effective_bindings`]: [`BINDING_COLS`] and the role's permissions.
const EFFECTIVE_COLS: &str = "b.id AS b_id, b.project_id, b.role_id, r.name AS role_name, \
     b.role_rank, r.owner_grade, b.principal_type, b.principal_id, b.principal_sort, b.expires_at, \
     b.created_at AS b_created_at, b.created_by, u.id, u.username, u.email, u.name, u.is_admin, \
     u.disabled, u.mfa_enabled, u.created_at, tb.name AS team_name, r.permissions AS role_permissions";

/// The joins of [`BINDING_FROM`] after `role_bindings b`.
const BINDING_JOINS: &str = "JOIN roles r ON r.id = b.role_id \
     LEFT JOIN users u ON b.principal_type = 'user' AND u.id = b.principal_id \
     LEFT JOIN teams tb ON b.principal_type = 'team' AND tb.id = b.principal_id";

/// The active bindings that apply to a user in a project: direct ones, those of
/// the user's teams, and `all-users` ones when the user belongs to the project's org,
/// each with its role's permissions.
///
/// Three lookups on the unique (project, principal key, role) index, so the cost
/// grows with the user's bindings and teams, never with the project's size.
pub async fn effective_bindings(
    c: &mut Conn,
    project_id: &str,
    org_id: &str,
    user_id: &str,
    now: i64,
) -> Result<Vec<BindingRow>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {EFFECTIVE_COLS} FROM role_bindings b {BINDING_JOINS} \
           WHERE b.project_id = $1 AND b.principal_key = $2 \
           AND (b.expires_at IS NULL OR b.expires_at > $3) \
         UNION ALL \
         SELECT {EFFECTIVE_COLS} FROM team_members tm \
           JOIN role_bindings b ON b.project_id = $1 AND b.principal_key = 'team:' || tm.team_id \
           {BINDING_JOINS} WHERE tm.user_id = $4 AND (b.expires_at IS NULL OR b.expires_at > $3) \
         UNION ALL \
         SELECT {EFFECTIVE_COLS} FROM role_bindings b {BINDING_JOINS} \
           WHERE b.project_id = $1 AND b.principal_key = 'all-users' \
           AND (b.expires_at IS NULL OR b.expires_at > $3) \
           AND EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = $5 AND m.user_id = $4) \
         ORDER BY role_rank, b_id"
    )))
    .bind(project_id)
    .bind(principal_key("user", Some(user_id)))
    .bind(now)
    .bind(user_id)
    .bind(org_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(BindingRow::from_row).collect()
}

/// Whether the project has an owner invariant 2 keeps: an active (not disabled)
/// user holding an owner-grade binding that never expires. Answers 1 or 0, not a
/// count: the rule only needs "none left", and stopping at the first owner keeps
/// the statement O(1). A binding with `expires_at` does not count, or a project
/// whose only other owner is temporary would end up ownerless when that binding
/// expires, with no change anyone could have refused.
///
/// Reads the project's owner-grade roles, then their bindings (index on role).
pub async fn count_owners(c: &mut Conn, project_id: &str) -> Result<i64, sqlx::Error> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM (SELECT 1 FROM roles r \
           JOIN role_bindings b ON b.role_id = r.id AND b.principal_type = 'user' \
             AND b.expires_at IS NULL \
           JOIN users u ON u.id = b.principal_id AND u.disabled = 0 \
         WHERE r.project_id = $1 AND r.owner_grade = 1 LIMIT 1) owners",
    )
    .bind(project_id)
    .fetch_one(&mut *c)
    .await?
    .try_get(0)?;
    Ok(n)
}

/// Whether removing these bindings can take away an owner [`count_owners`] sees
/// (if not, a change that only removes them needs no owner check).
pub fn removes_owner<'a>(removed: impl IntoIterator<Item = &'a BindingRow>) -> bool {
    removed
        .into_iter()
        .any(|b| b.owner_grade && b.principal_type == "user" && b.expires_at.is_none())
}

/// The sort key of a user principal: the label clients show (`Name <email>`, the
/// username when there is no name), lower-cased.
pub fn user_sort_key(username: &str, email: &str, name: Option<&str>) -> String {
    let shown = name.filter(|n| !n.is_empty()).unwrap_or(username);
    format!("{shown} <{email}>").to_lowercase()
}

/// The sort key of a team principal: `team:<name>`, lower-cased.
pub fn team_sort_key(name: &str) -> String {
    format!("team:{name}").to_lowercase()
}

/// The sort key of the all-users principal (its label is `All Users`).
pub const ALL_USERS_SORT_KEY: &str = "all users";

/// Rewrites the sort key of every binding of a user (after a change of name).
pub async fn set_user_sort_key(c: &mut Conn, user_id: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE role_bindings SET principal_sort = $1 WHERE principal_type = 'user' AND principal_id = $2",
    )
    .bind(key)
    .bind(user_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Bumps `policy_version` of every project where the user holds a binding,
/// directly or through a team (the first write of a user-wide change such as
/// disabling) and returns their ids.
pub async fn lock_projects_of_user(
    c: &mut Conn,
    user_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "UPDATE projects SET policy_version = policy_version + 1 WHERE id IN \
         (SELECT project_id FROM role_bindings WHERE (principal_type = 'user' AND principal_id = $1) \
            OR (principal_type = 'team' AND principal_id IN \
                (SELECT team_id FROM team_members WHERE user_id = $1))) \
         RETURNING id, name",
    )
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// Whether the user is a member of the project (any direct binding) or of its org.
pub async fn is_member(
    c: &mut Conn,
    project_id: &str,
    org_id: &str,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM role_bindings WHERE project_id = $1 AND principal_type = 'user' \
           AND principal_id = $3) + (SELECT COUNT(*) FROM org_members WHERE org_id = $2 AND user_id = $3)",
    )
    .bind(project_id)
    .bind(org_id)
    .bind(user_id)
    .fetch_one(&mut *c)
    .await?
    .try_get(0)?;
    Ok(n > 0)
}
