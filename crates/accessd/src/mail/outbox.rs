//! The outbox worker: sends pending mail rows (oldest first, up to
//! [`BATCH`] at a time over one SMTP connection), deletes each once the SMTP
//! server accepted it, retries a failure with exponential backoff
//! ([`backoff_ms`]) and gives up after [`MAX_ATTEMPTS`] (the row stays as
//! `failed`, without its code). Delivery is at least once: a crash between
//! the server's "250" and the delete sends that one mail again.
//!
//! Every attempt is logged with the invitation id (or "login code") and the
//! recipient's domain, never the address or the code.

use std::time::Duration;

use super::relay::{Relay, Session};
use crate::service::Service;
use crate::store::{self, outbox::MailRow};

/// Attempts per mail before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 10;
/// Rows sent over one connection.
pub const BATCH: i64 = 100;
/// How long a row being sent is hidden from other replicas.
const CLAIM_MS: i64 = 120_000;
/// The longest sleep between looks at the outbox (a replica also picks up
/// rows that another one wrote).
const IDLE: Duration = Duration::from_secs(5);

/// Wait before attempt `attempts + 1`, after `attempts` failures: 2 s, 4 s,
/// 8 s, … capped at 15 minutes (10 attempts span about 34 minutes).
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 20)).unwrap_or(20);
    (1000_i64 << exp).min(15 * 60 * 1000)
}

/// Runs until aborted. At start-up every pending row is due at once: what a
/// stopped or killed process had not sent goes out now.
pub async fn run(svc: Service, url: String) {
    let from = svc
        .config
        .smtp_from
        .clone()
        .unwrap_or_else(|| super::DEFAULT_FROM.to_owned());
    match reset(&svc).await {
        Ok(n) if n > 0 => tracing::info!(rows = n, "outbox: unsent mail from before the start is due now"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "outbox: cannot read the outbox"),
    }
    while !svc.mail.stopping() {
        let wait = match batch(&svc, &url, &from).await {
            Ok(true) => continue,
            Ok(false) => next_wait(&svc).await,
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot read the outbox");
                IDLE
            }
        };
        tokio::select! {
            () = svc.mail.wake_notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

async fn reset(svc: &Service) -> Result<u64, sqlx::Error> {
    let mut tx = svc.db.begin().await?;
    let n = store::outbox::all_due(&mut tx, svc.now()).await?;
    tx.commit().await?;
    Ok(n)
}

async fn next_wait(svc: &Service) -> Duration {
    let Ok(mut c) = svc.db.pool.acquire().await else {
        return IDLE;
    };
    match store::outbox::next_due(&mut c).await {
        Ok(Some(at)) => {
            let ms = (at - svc.now()).clamp(0, IDLE.as_millis() as i64);
            Duration::from_millis(ms as u64)
        }
        _ => IDLE,
    }
}

/// Sends the rows due now over one connection; whether any was due.
async fn batch(svc: &Service, url: &str, from: &str) -> Result<bool, sqlx::Error> {
    let rows = {
        let mut c = svc.db.pool.acquire().await?;
        store::outbox::due(&mut c, svc.now(), BATCH).await?
    };
    if rows.is_empty() {
        return Ok(false);
    }
    let relay = match Relay::parse(url) {
        Ok(r) => r,
        Err(e) => {
            // Checked at start-up; kept as a guard.
            tracing::error!(smtp = %super::redact(url), error = %e, "outbox: invalid SMTP URL");
            return Ok(false);
        }
    };
    // One connection for the batch, opened again only if the relay broke it.
    let mut session = Session::new(&relay);
    for row in rows {
        if svc.mail.stopping() {
            break;
        }
        let now = svc.now();
        let claimed = {
            let mut tx = svc.db.begin().await?;
            let ok = store::outbox::claim(&mut tx, &row.id, row.next_attempt_at, now + CLAIM_MS).await?;
            tx.commit().await?;
            ok
        };
        if !claimed {
            continue;
        }
        let result = match super::message::build(from, &row) {
            Ok(m) => session.send(&m).await,
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = record(svc, &row, result).await {
            session.close().await;
            return Err(e);
        }
    }
    session.close().await;
    Ok(true)
}

/// What the mail is about, for logs: the invitation id or "login code".
fn about(row: &MailRow) -> &str {
    match (row.kind.as_str(), row.ref_id.as_deref()) {
        ("invitation" | "org_invitation", Some(id)) => id,
        _ => "login code",
    }
}

async fn record(svc: &Service, row: &MailRow, result: Result<(), String>) -> Result<(), sqlx::Error> {
    let attempt = row.attempts + 1;
    let domain = super::domain(&row.recipient);
    let mut tx = svc.db.begin().await?;
    match result {
        Ok(()) => {
            store::outbox::sent(&mut tx, &row.id).await?;
            tx.commit().await?;
            tracing::info!(kind = %row.kind, invitation = %about(row), %domain, attempt, "outbox: mail sent");
        }
        Err(e) => {
            // A server's reply may quote the address: only its domain is kept.
            let e = e.replace(&row.recipient, &format!("***@{domain}"));
            if attempt >= MAX_ATTEMPTS {
                store::outbox::give_up(&mut tx, &row.id, attempt, &e).await?;
                tx.commit().await?;
                tracing::error!(kind = %row.kind, invitation = %about(row), %domain, attempt, error = %e,
                    "outbox: mail failed for good; giving up");
            } else {
                let next = svc.now() + backoff_ms(attempt);
                store::outbox::retry_at(&mut tx, &row.id, attempt, next, &e).await?;
                tx.commit().await?;
                tracing::warn!(kind = %row.kind, invitation = %about(row), %domain, attempt, error = %e,
                    retry_in_ms = backoff_ms(attempt), "outbox: mail attempt failed; will retry");
            }
        }
    }
    svc.mail.attempt_recorded();
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(super::backoff_ms(1), 2_000);
        assert_eq!(super::backoff_ms(2), 4_000);
        assert_eq!(super::backoff_ms(3), 8_000);
        assert_eq!(super::backoff_ms(9), 512_000);
        assert_eq!(super::backoff_ms(10), 900_000);
        assert_eq!(super::backoff_ms(50), 900_000);
    }
}
