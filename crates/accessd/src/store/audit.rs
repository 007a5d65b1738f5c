//! Audit events and stored idempotent responses.

use sqlx::Row;

use super::{Conn, new_id};

pub struct NewEvent<'a> {
    pub action: &'a str,
    pub actor: Option<&'a str>,
    pub project: Option<(&'a str, &'a str)>,
    /// The org the event belongs to (a project's org, or a team's); none for
    /// server-level events.
    pub org_id: Option<&'a str>,
    pub target: Option<&'a str>,
    pub details: serde_json::Value,
    pub request_id: Option<&'a str>,
    pub client_request_id: Option<&'a str>,
}

pub async fn insert(c: &mut Conn, e: &NewEvent<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (id, created_at, action, actor, project_id, project_name, target, \
         details, request_id, org_id, client_request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(now)
    .bind(e.action)
    .bind(e.actor.map(str::to_owned))
    .bind(e.project.map(|p| p.0.to_owned()))
    .bind(e.project.map(|p| p.1.to_owned()))
    .bind(e.target.map(str::to_owned))
    .bind(e.details.to_string())
    .bind(e.request_id.map(str::to_owned))
    .bind(e.org_id.map(str::to_owned))
    .bind(e.client_request_id.map(str::to_owned))
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub struct EventRow {
    pub id: String,
    pub created_at: i64,
    pub action: String,
    pub actor: Option<String>,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub target: Option<String>,
    pub details: String,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
}

pub struct EventFilter<'a> {
    pub project_id: Option<&'a str>,
    pub org_id: Option<&'a str>,
    pub action: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// Keyset (created_at, id) of the last row seen; newest first.
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

pub async fn list(c: &mut Conn, f: &EventFilter<'_>) -> Result<Vec<EventRow>, sqlx::Error> {
    let (b_at, b_id) = f.before.clone().unwrap_or((i64::MAX, String::new()));
    let rows = sqlx::query(
        "SELECT id, created_at, action, actor, project_id, project_name, target, details, request_id, \
         client_request_id FROM audit_events WHERE ($1 = '' OR project_id = $1) AND ($2 = '' OR action = $2) \
         AND ($3 = '' OR actor = $3) AND created_at >= $4 AND created_at <= $5 \
         AND (created_at < $6 OR (created_at = $6 AND ($7 = '' OR id < $7))) \
         AND ($9 = '' OR org_id = $9) \
         ORDER BY created_at DESC, id DESC LIMIT $8",
    )
    .bind(f.project_id.unwrap_or(""))
    .bind(f.action.unwrap_or(""))
    .bind(f.actor.unwrap_or(""))
    .bind(f.since.unwrap_or(i64::MIN))
    .bind(f.until.unwrap_or(i64::MAX))
    .bind(b_at)
    .bind(b_id)
    .bind(f.limit)
    .bind(f.org_id.unwrap_or(""))
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EventRow {
                id: r.try_get("id")?,
                created_at: r.try_get("created_at")?,
                action: r.try_get("action")?,
                actor: r.try_get("actor")?,
                project_id: r.try_get("project_id")?,
                project_name: r.try_get("project_name")?,
                target: r.try_get("target")?,
                details: r.try_get("details")?,
                request_id: r.try_get("request_id")?,
                client_request_id: r.try_get("client_request_id")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- idempotency

pub struct StoredResponse {
    pub status: i64,
    pub headers: String,
    pub body: String,
}

/// `status` of a key whose first request is still running.
pub const IDEM_IN_PROGRESS: i64 = 0;

/// What a key holds: the first response, or a claim made at `created_at`.
pub struct StoredKey {
    pub response: StoredResponse,
    pub created_at: i64,
    /// Hash of the request the key was first used with (none for keys stored
    /// before migration 0014).
    pub request_hash: Option<String>,
}

impl StoredKey {
    pub fn in_progress(&self) -> bool {
        self.response.status == IDEM_IN_PROGRESS
    }
}

pub async fn idem_get(
    c: &mut Conn,
    user_id: &str,
    key: &str,
    path: &str,
) -> Result<Option<StoredKey>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT status, headers, body, created_at, request_hash FROM idempotency_keys \
         WHERE user_id = $1 AND idem_key = $2 AND path = $3",
    )
    .bind(user_id)
    .bind(key)
    .bind(path)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok(StoredKey {
            response: StoredResponse {
                status: r.try_get("status")?,
                headers: r.try_get("headers")?,
                body: r.try_get("body")?,
            },
            created_at: r.try_get("created_at")?,
            request_hash: r.try_get("request_hash")?,
        })
    })
    .transpose()
}

/// Claims a key for a first request: true when this caller now owns it. The
/// primary key makes exactly one of several concurrent claims win.
pub async fn idem_claim(
    c: &mut Conn,
    user_id: &str,
    key: &str,
    path: &str,
    request_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, path, status, headers, body, created_at, \
         request_hash) VALUES ($1, $2, $3, $4, '', '', $5, $6) \
         ON CONFLICT (user_id, idem_key, path) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(path)
    .bind(IDEM_IN_PROGRESS)
    .bind(now)
    .bind(request_hash)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes over a claim made at `claimed_at` whose request never finished (its
/// server stopped mid-request): true when this caller now owns it.
pub async fn idem_take_over(
    c: &mut Conn,
    user_id: &str,
    key: &str,
    path: &str,
    claimed_at: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE idempotency_keys SET created_at = $1 \
         WHERE user_id = $2 AND idem_key = $3 AND path = $4 AND status = $5 AND created_at = $6",
    )
    .bind(now)
    .bind(user_id)
    .bind(key)
    .bind(path)
    .bind(IDEM_IN_PROGRESS)
    .bind(claimed_at)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stores the first response of a claimed key.
pub async fn idem_finish(
    c: &mut Conn,
    user_id: &str,
    key: &str,
    path: &str,
    resp: &StoredResponse,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, headers = $2, body = $3 \
         WHERE user_id = $4 AND idem_key = $5 AND path = $6",
    )
    .bind(resp.status)
    .bind(&resp.headers)
    .bind(&resp.body)
    .bind(user_id)
    .bind(key)
    .bind(path)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Gives a claimed key back (the request failed in a way worth retrying).
pub async fn idem_release(c: &mut Conn, user_id: &str, key: &str, path: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND path = $3 AND status = $4",
    )
    .bind(user_id)
    .bind(key)
    .bind(path)
    .bind(IDEM_IN_PROGRESS)
    .execute(&mut *c)
    .await?;
    Ok(())
}
