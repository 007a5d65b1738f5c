//! The server's changes to the permissions of a preset's default roles.

use sqlx::Row;

use super::Conn;

/// The overridden permissions of `preset`'s roles, as (role name, permissions).
pub async fn overrides(c: &mut Conn, preset: &str) -> Result<Vec<(String, Vec<String>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT role_name, permissions FROM preset_role_overrides WHERE preset = $1 ORDER BY role_name",
    )
    .bind(preset)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            let perms: String = r.try_get(1)?;
            Ok((
                r.try_get(0)?,
                perms.split_whitespace().map(str::to_owned).collect(),
            ))
        })
        .collect()
}

/// Sets (or, with `None`, removes) the override, taking its row's lock: two
/// changes of one role serialize here.
pub async fn set(
    c: &mut Conn,
    preset: &str,
    role: &str,
    permissions: Option<&[String]>,
    by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    match permissions {
        Some(p) => {
            sqlx::query(
                "INSERT INTO preset_role_overrides (preset, role_name, permissions, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (preset, role_name) DO UPDATE SET \
                 permissions = excluded.permissions, updated_at = excluded.updated_at, \
                 updated_by = excluded.updated_by",
            )
            .bind(preset)
            .bind(role)
            .bind(p.join(" "))
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM preset_role_overrides WHERE preset = $1 AND role_name = $2")
                .bind(preset)
                .bind(role)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// Gives the built-in role `role` of every project of `preset` these
/// permissions, bumping each such project's `policy_version` (invariant 3).
/// Returns how many projects changed.
pub async fn apply(
    c: &mut Conn,
    preset: &str,
    role: &str,
    permissions: &[String],
    modified: bool,
) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE projects SET policy_version = policy_version + 1 WHERE role_preset = $1")
        .bind(preset)
        .execute(&mut *c)
        .await?;
    let done = sqlx::query(
        "UPDATE roles SET permissions = $1, modified = $2 WHERE built_in = 1 AND name_norm = $3 \
         AND project_id IN (SELECT id FROM projects WHERE role_preset = $4)",
    )
    .bind(permissions.join(" "))
    .bind(i64::from(modified))
    .bind(role)
    .bind(preset)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected())
}
