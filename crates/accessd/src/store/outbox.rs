//! The mail outbox (see `migrations/0019_outbox.sql` and `mail::outbox`).

use sqlx::Row;

use super::Conn;

/// A mail to write in the transaction that makes its code.
pub struct NewMail<'a> {
    pub kind: &'a str,
    pub ref_id: Option<&'a str>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub message_id: &'a str,
}

/// A pending mail, as the worker sends it.
#[derive(Debug, Clone)]
pub struct MailRow {
    pub id: String,
    pub kind: String,
    pub ref_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
}

pub async fn insert(c: &mut Conn, m: &NewMail<'_>, now: i64) -> Result<String, sqlx::Error> {
    let id = super::new_id();
    sqlx::query(
        "INSERT INTO outbox (id, kind, ref_id, recipient, subject, body_text, body_html, message_id, \
         created_at, status, attempts, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $9)",
    )
    .bind(&id)
    .bind(m.kind)
    .bind(m.ref_id)
    .bind(m.recipient)
    .bind(m.subject)
    .bind(m.body_text)
    .bind(m.body_html)
    .bind(m.message_id)
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(id)
}

/// Up to `limit` pending mails due at `now`, oldest first.
pub async fn due(c: &mut Conn, now: i64, limit: i64) -> Result<Vec<MailRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, ref_id, recipient, subject, body_text, body_html, message_id, created_at, \
         attempts, next_attempt_at FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
         ORDER BY next_attempt_at, created_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MailRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                ref_id: r.try_get("ref_id")?,
                recipient: r.try_get("recipient")?,
                subject: r.try_get("subject")?,
                body_text: r.try_get("body_text")?,
                body_html: r.try_get("body_html")?,
                message_id: r.try_get("message_id")?,
                created_at: r.try_get("created_at")?,
                attempts: r.try_get("attempts")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
            })
        })
        .collect()
}

/// The earliest `next_attempt_at` of a pending mail.
pub async fn next_due(c: &mut Conn) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'")
        .fetch_one(&mut *c)
        .await?;
    row.try_get::<Option<i64>, _>(0)
}

/// Claims mail `id` until `until` (another replica skips it meanwhile); false
/// when someone else claimed or sent it first.
pub async fn claim(c: &mut Conn, id: &str, seen_at: i64, until: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $3 WHERE id = $1 AND status = 'pending' AND next_attempt_at = $2",
    )
    .bind(id)
    .bind(seen_at)
    .bind(until)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every pending mail is due now (at start-up: what a stopped or killed
/// process had claimed or was backing off from goes out again).
pub async fn all_due(c: &mut Conn, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1 WHERE status = 'pending' AND next_attempt_at > $1",
    )
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected())
}

/// The SMTP server accepted mail `id`: the row (and the code in it) goes.
pub async fn sent(c: &mut Conn, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM outbox WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// A failed attempt: retry at `next`.
pub async fn retry_at(
    c: &mut Conn,
    id: &str,
    attempts: i64,
    next: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1")
        .bind(id)
        .bind(attempts)
        .bind(next)
        .bind(error)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// The last attempt failed: the row stays as a record, without the code.
pub async fn give_up(c: &mut Conn, id: &str, attempts: i64, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'failed', attempts = $2, last_error = $3, subject = '', \
         body_text = '', body_html = '' WHERE id = $1",
    )
    .bind(id)
    .bind(attempts)
    .bind(error)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Mails by status, for tests and operators: (pending, failed).
pub async fn counts(c: &mut Conn) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS pending, \
         (SELECT COUNT(*) FROM outbox WHERE status = 'failed') AS failed",
    )
    .fetch_one(&mut *c)
    .await?;
    Ok((row.try_get("pending")?, row.try_get("failed")?))
}
