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

/// Mails a login code to `email` in the background (the answer never waits
/// for SMTP, so it looks the same whether or not a mail goes out). A failure is
/// logged with the recipient's domain only, never the code.
pub fn deliver_login_code(svc: &Service, email: String, code: String, minutes: i64) {
    let Some(url) = svc.config.smtp_url.clone() else {
        return;
    };
    let from = svc
        .config
        .smtp_from
        .clone()
        .unwrap_or_else(|| DEFAULT_FROM.to_owned());
    tokio::spawn(async move {
        let domain = email
            .rsplit_once('@')
            .map(|(_, d)| d.to_owned())
            .unwrap_or_default();
        let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&url) {
            Ok(b) => b.build(),
            Err(e) => {
                tracing::error!(smtp = %redact(&url), error = %e, "invalid SMTP URL");
                return;
            }
        };
        match login_message(&from, &email, &code, minutes) {
            Ok(m) => {
                if let Err(e) = transport.send(m).await {
                    tracing::warn!(smtp = %redact(&url), %domain, error = %e, "could not send a login code mail");
                }
            }
            Err(e) => tracing::warn!(%domain, error = %e, "could not build a login code mail"),
        }
    });
}

fn login_message(
    from: &str,
    to: &str,
    code: &str,
    minutes: i64,
) -> Result<Message, Box<dyn std::error::Error + Send + Sync>> {
    let body = format!(
        "Your accessd login code:\n\n    {code}\n\n\
         It is valid for {minutes} minutes and works once.\n\
         Type it where `accessctl auth login --email` asks for it.\n\n\
         If you did not ask to log in, ignore this mail: nobody can\n\
         log in without the code.\n"
    );
    Ok(Message::builder()
        .from(from.parse::<Mailbox>()?)
        .to(to.parse::<Mailbox>()?)
        .subject("Your accessd login code")
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
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
