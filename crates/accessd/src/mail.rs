//! Invitation mail through an SMTP relay (lettre, tokio, rustls). With
//! `ACCESSD_SMTP_URL` the code goes only to the invitee's mailbox (the
//! inviter's response says `delivery: "mail"` and has no code); without it the
//! code goes only to the inviter's response (`delivery: "inviter"`).

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::service::Service;
use crate::service::invitations::Sent;

/// Sender of invitation mail when `Config::smtp_from` is not set.
pub const DEFAULT_FROM: &str = "accessd <accessd@localhost>";

/// Sends the invitation mails in the background, after the commit. A failure
/// is logged (without the code), never shown to the inviter; the invitation
/// stays open and `resend` mails a new code.
pub fn deliver(svc: &Service, sent: Vec<Sent>) {
    let Some(url) = svc.config.smtp_url.clone() else {
        return;
    };
    if sent.is_empty() {
        return;
    }
    let from = svc
        .config
        .smtp_from
        .clone()
        .unwrap_or_else(|| DEFAULT_FROM.to_owned());
    tokio::spawn(async move {
        let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&url) {
            Ok(b) => b.build(),
            Err(e) => {
                tracing::error!(smtp = %redact(&url), error = %e, "invalid SMTP URL");
                return;
            }
        };
        for s in sent {
            match message(&from, &s) {
                Ok(m) => {
                    if let Err(e) = transport.send(m).await {
                        tracing::warn!(smtp = %redact(&url), error = %e, "could not send an invitation mail");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not build an invitation mail"),
            }
        }
    });
}

fn message(from: &str, s: &Sent) -> Result<Message, Box<dyn std::error::Error + Send + Sync>> {
    // Short ASCII lines, so the body goes out as 7bit and the code stays intact.
    let body = format!(
        "You have been invited to the project '{project}'\n\
         with the role '{role}'.\n\n\
         Your invitation code:\n\n    {code}\n\n\
         Accept it with `accessctl roles invitations accept <code>`\n\
         or POST /v1/invitations/accept {{\"code\": \"<code>\"}}.\n\
         If this email already has an account on this server,\n\
         accept while logged in as it (`accessctl auth login`).\n",
        project = s.project,
        role = s.role,
        code = s.code,
    );
    Ok(Message::builder()
        .from(from.parse::<Mailbox>()?)
        .to(s.email.parse::<Mailbox>()?)
        .subject(format!("Invitation to {}", s.project))
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
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
}
