//! The invitation and login-code mails: rendered when the code is made (and
//! stored in the outbox), built into an RFC 5322 message when sent:
//! From, To, Subject, Date, Message-ID, MIME-Version and a
//! multipart/alternative text + HTML body. Everything interpolated into the
//! HTML is escaped (project names and inviter names are hostile input).

use std::time::{Duration, SystemTime};

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use crate::store::outbox::MailRow;

/// A mail's subject and bodies.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What an invitation mail says.
pub struct Invitation<'a> {
    pub public_url: &'a str,
    /// `project` or `organization`: what `project` names.
    pub kind: &'a str,
    pub project: &'a str,
    pub role: &'a str,
    pub inviter: Option<&'a str>,
    pub code: &'a str,
    pub valid_days: i64,
}

/// The command that accepts `code` on the server at `public_url`.
pub fn accept_command(public_url: &str, code: &str) -> String {
    format!(
        "accessctl --server {} roles invitations accept {code}",
        public_url.trim_end_matches('/')
    )
}

/// The invitation page (`GET /invite?code=…`) of `code` on the server at `public_url`.
pub fn accept_link(public_url: &str, code: &str) -> String {
    let code: String = url::form_urlencoded::byte_serialize(code.as_bytes()).collect();
    format!("{}/invite?code={code}", public_url.trim_end_matches('/'))
}

pub fn invitation(i: &Invitation<'_>) -> Rendered {
    let command = accept_command(i.public_url, i.code);
    let link = accept_link(i.public_url, i.code);
    // The invitation page answers project invitations only: an org invitation's
    // mail offers the command alone.
    let browser = i.kind == "project";
    let text_link = if browser {
        format!("or in your browser:\n\n    {link}\n\n")
    } else {
        String::new()
    };
    let html_link = if browser {
        format!(
            "<p>or in your browser: <a href=\"{link}\">{link}</a></p>\n",
            link = escape(&link)
        )
    } else {
        String::new()
    };
    let by = i.inviter.map(|u| format!(" by {u}")).unwrap_or_default();
    // Short ASCII lines, so the body goes out as 7bit and the code stays intact.
    let text = format!(
        "You have been invited{by} to the {kind} '{project}'\n\
         with the role '{role}' on {url}.\n\n\
         Your invitation code (valid {days} days, works once):\n\n    {code}\n\n\
         Accept it with:\n\n    {command}\n\n\
         {text_link}\
         If this email already has an account on this server, log in\n\
         first (`accessctl --server {url} auth login --email <you>`).\n",
        kind = i.kind,
        project = i.project,
        role = i.role,
        url = i.public_url.trim_end_matches('/'),
        days = i.valid_days,
        code = i.code,
    );
    let by_html = i
        .inviter
        .map(|u| format!(" by <b>{}</b>", escape(u)))
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n\
         <p>You have been invited{by_html} to the {kind} <b>{project}</b> with the role \
         <b>{role}</b> on {url}.</p>\n\
         <p>Your invitation code (valid {days} days, works once):</p>\n\
         <p><code>{code}</code></p>\n\
         <p>Accept it with:</p>\n<pre>{command}</pre>\n\
         {html_link}\
         <p>If this email already has an account on this server, log in first \
         (the page asks for a login code mailed to you).</p>\n\
         </body></html>\n",
        kind = i.kind,
        title = escape(&format!("Invitation to {}", i.project)),
        project = escape(i.project),
        role = escape(i.role),
        url = escape(i.public_url.trim_end_matches('/')),
        days = i.valid_days,
        code = escape(i.code),
        command = escape(&command),
    );
    Rendered {
        subject: format!("Invitation to {}", i.project),
        text,
        html,
    }
}

pub fn login_code(code: &str, minutes: i64) -> Rendered {
    let text = format!(
        "Your accessd login code:\n\n    {code}\n\n\
         It is valid for {minutes} minutes and works once.\n\
         Type it where `accessctl auth login --email` asks for it.\n\n\
         If you did not ask to log in, ignore this mail: nobody can\n\
         log in without the code.\n"
    );
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Your accessd login code</title></head><body>\n\
         <p>Your accessd login code:</p>\n<p><code>{code}</code></p>\n\
         <p>It is valid for {minutes} minutes and works once. Type it where \
         <code>accessctl auth login --email</code> asks for it.</p>\n\
         <p>If you did not ask to log in, ignore this mail: nobody can log in without the code.</p>\n\
         </body></html>\n",
        code = escape(code),
    );
    Rendered {
        subject: "Your accessd login code".into(),
        text,
        html,
    }
}

/// A new `<uuid@domain>` Message-ID, the domain taken from the sender.
pub fn new_message_id(from: &str) -> String {
    let host = from
        .parse::<Mailbox>()
        .map(|m| m.email.domain().to_owned())
        .unwrap_or_else(|_| "localhost".into());
    format!("<{}@{host}>", uuid::Uuid::new_v4().simple())
}

/// The message of an outbox row, dated when the row was written (a retry is
/// the same message: same Date and Message-ID).
pub fn build(from: &str, row: &MailRow) -> Result<Message, Box<dyn std::error::Error + Send + Sync>> {
    let date = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(row.created_at).unwrap_or(0));
    Ok(Message::builder()
        .from(from.parse::<Mailbox>()?)
        .to(row.recipient.parse::<Mailbox>()?)
        .subject(row.subject.clone())
        .date(date)
        .message_id(Some(row.message_id.clone()))
        .multipart(MultiPart::alternative_plain_html(
            row.body_text.clone(),
            row.body_html.clone(),
        ))?)
}

/// HTML-escapes text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_hostile_names_in_html() {
        let r = invitation(&Invitation {
            kind: "project",
            public_url: "https://access.example.com/",
            project: "<script>alert('x')</script>&",
            role: "dev\"eloper",
            inviter: Some("<b>mallory</b>"),
            code: "inv_abc",
            valid_days: 7,
        });
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(
            r.html
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;")
        );
        assert!(r.html.contains("dev&quot;eloper"));
        assert!(r.html.contains("&lt;b&gt;mallory&lt;/b&gt;"));
        let cmd = "accessctl --server https://access.example.com roles invitations accept inv_abc";
        assert!(r.text.contains(cmd), "{}", r.text);
        assert!(r.html.contains(cmd), "{}", r.html);
        let link = "https://access.example.com/invite?code=inv_abc";
        assert!(r.text.contains(&format!("\n    {link}\n")), "{}", r.text);
        assert!(
            r.html.contains(&format!("<a href=\"{link}\">{link}</a>")),
            "{}",
            r.html
        );
        assert!(
            r.text.find(cmd) < r.text.find(link),
            "the link comes below the command"
        );
    }
}
