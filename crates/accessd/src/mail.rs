//! Mail: invitation codes and login codes through an SMTP relay (lettre,
//! tokio, rustls), by way of a durable outbox.
//!
//! With `ACCESSD_SMTP_URL` an invitation code goes only to the invitee's
//! mailbox (the inviter's response says `delivery: "mail"` and has no code);
//! without it the code goes only to the inviter's response (`delivery:
//! "inviter"`). The mail is written to the `outbox` table in the transaction
//! that makes the code ([`message`] renders it), and [`outbox::run`], started
//! by `serve`, sends it.

pub mod message;
pub mod outbox;
pub mod relay;

use std::sync::OnceLock;

use lettre::message::Mailbox;

use crate::service::Service;
use crate::store::{self, Conn};

/// Sender of invitation mail when `Config::smtp_from` is not set.
pub const DEFAULT_FROM: &str = "accessd <accessd@localhost>";

/// The public URL when neither `--public-url` nor a listening address is known.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// Shared state of the mail worker: its wake-up and the address `serve` listens on.
pub struct Mailer {
    wake: tokio::sync::Notify,
    stopping: std::sync::atomic::AtomicBool,
    listen_url: OnceLock<String>,
    /// Attempts recorded (sent, retry planned or given up) since the start.
    attempts: tokio::sync::watch::Sender<u64>,
}

impl Default for Mailer {
    fn default() -> Self {
        Mailer {
            wake: tokio::sync::Notify::new(),
            stopping: std::sync::atomic::AtomicBool::new(false),
            listen_url: OnceLock::new(),
            attempts: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl Mailer {
    /// The number of delivery attempts recorded so far (each after its
    /// outcome is committed), for tests that wait on the worker.
    pub fn attempts(&self) -> tokio::sync::watch::Receiver<u64> {
        self.attempts.subscribe()
    }

    pub(crate) fn attempt_recorded(&self) {
        self.attempts.send_modify(|n| *n += 1);
    }

    /// New outbox rows were committed: the worker looks now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// `http://<bound address>`, the public URL when `--public-url` is unset.
    pub fn set_listen_url(&self, url: String) {
        let _ = self.listen_url.set(url);
    }

    /// Asks the worker to stop after the mail it is sending (`serve` on shutdown).
    pub fn stop(&self) {
        self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
        self.wake.notify_one();
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Resolves at the next [`Mailer::wake`] (or at once when one is pending).
    pub async fn wake_notified(&self) {
        self.wake.notified().await;
    }

    pub fn listen_url(&self) -> Option<&str> {
        self.listen_url.get().map(String::as_str)
    }
}

/// The URL mailed commands name: `--public-url`, else the listening address.
pub fn public_url(svc: &Service) -> String {
    svc.config
        .public_url
        .as_deref()
        .or(svc.mail.listen_url())
        .unwrap_or(DEFAULT_PUBLIC_URL)
        .trim_end_matches('/')
        .to_owned()
}

/// Writes a mail to the outbox in the caller's transaction (call
/// [`Mailer::wake`] after the commit). `kind` is `invitation` (with the
/// invitation's id) or `login_code`.
pub async fn enqueue(
    svc: &Service,
    tx: &mut Conn,
    kind: &str,
    ref_id: Option<&str>,
    recipient: &str,
    m: &message::Rendered,
) -> Result<(), sqlx::Error> {
    let from = svc.config.smtp_from.as_deref().unwrap_or(DEFAULT_FROM);
    let new = store::outbox::NewMail {
        kind,
        ref_id,
        recipient,
        subject: &m.subject,
        body_text: &m.text,
        body_html: &m.html,
        message_id: &message::new_message_id(from),
    };
    store::outbox::insert(tx, &new, svc.now()).await?;
    Ok(())
}

/// Checks the mail settings at start-up: a bad SMTP URL, sender or public URL
/// is an error then, not at the first invitation.
pub fn check_config(config: &crate::Config) -> Result<(), String> {
    if let Some(url) = &config.smtp_url {
        relay::Relay::parse(url).map_err(|e| {
            format!(
                "invalid SMTP URL '{}' ({e}); expected smtp://[user:pass@]host[:port] or smtps://…",
                redact(url)
            )
        })?;
    }
    if let Some(from) = &config.smtp_from {
        from.parse::<Mailbox>()
            .map_err(|e| format!("invalid sender address '{from}': {e}"))?;
    }
    if let Some(url) = &config.public_url {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .unwrap_or("");
        if rest.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['"', '\'', '<', '>']) {
            return Err(format!(
                "invalid public URL '{url}': expected http(s)://host[:port][/path]"
            ));
        }
    }
    Ok(())
}

/// The recipient's domain, the only part of an address that goes to logs.
pub fn domain(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// The URL without credentials, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_credentials() {
        assert_eq!(super::redact("smtp://u:p@mail:25"), "smtp://***@mail:25");
        assert_eq!(super::redact("smtp://mail:25"), "smtp://mail:25");
    }

    #[test]
    fn checks_the_mail_settings() {
        let with = |smtp: &str, public: &str| crate::Config {
            smtp_url: Some(smtp.into()),
            public_url: Some(public.into()),
            ..crate::Config::default()
        };
        assert!(super::check_config(&with("smtp://127.0.0.1:2525", "https://access.example.com")).is_ok());
        assert!(super::check_config(&with("http://mail", "https://a.example")).is_err());
        assert!(super::check_config(&with("not a url", "https://a.example")).is_err());
        assert!(super::check_config(&with("smtp://mail", "access.example.com")).is_err());
        assert!(super::check_config(&with("smtp://mail", "https://a b")).is_err());
    }
}
