//! Invitation mail through a tiny in-test SMTP sink on 127.0.0.1:0.

use serde_json::json;

use crate::support::World;

/// The in-test SMTP sink (shared with the CLI's tests).
pub use accessd::testing::smtp_sink as sink;

/// The invitation code in a mail body.
fn mailed_code(data: &str) -> String {
    let at = data.find("inv_").expect("a code in the mail");
    data[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_are_mailed_when_smtp_is_configured() {
    let (url, mut rx) = sink().await;
    let w = World::with(accessd::Config {
        smtp_url: Some(url),
        ..Default::default()
    })
    .await;
    w.project("p", "akka").await;
    let mut next_mail = async || {
        tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
            .await
            .expect("no mail within 20 s")
            .expect("sink closed")
    };
    let r = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["carol@example.com"], "role": "developer"}),
        )
        .await
        .expect(201);
    // With mail delivery the inviter never sees the code.
    let inv = &r["results"][0]["invitation"];
    assert_eq!(inv["delivery"], "mail");
    assert!(inv.get("code").is_none(), "{r}");
    assert!(!r.to_string().contains("inv_"), "{r}");
    let (to, data) = next_mail().await;
    assert_eq!(to, ["carol@example.com"]);
    assert!(data.contains("Subject: Invitation to p"));
    let first = mailed_code(&data);

    // Nor on resend; the new code goes by mail and replaces the old one.
    let resent = w
        .admin
        .post("/v1/projects/p/invitations/carol@example.com/resend", json!({}))
        .await
        .expect(200);
    assert_eq!(resent["delivery"], "mail");
    assert!(!resent.to_string().contains("inv_"), "{resent}");
    let (to, data) = next_mail().await;
    assert_eq!(to, ["carol@example.com"]);
    let second = mailed_code(&data);
    assert_ne!(first, second);
    w.anon()
        .post("/v1/invitations/accept", json!({"code": first}))
        .await
        .problem(404, "not-found");
    let acc = w
        .anon()
        .post("/v1/invitations/accept", json!({"code": second}))
        .await
        .expect(200);
    assert_eq!(acc["project"]["name"], "p");
    assert_eq!(acc["user"]["email"], "carol@example.com");
}

async fn next(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<accessd::testing::SinkedMail>,
) -> (Vec<String>, String) {
    tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
        .await
        .expect("no mail within 30 s")
        .expect("sink closed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_mail_has_rfc5322_headers_and_the_working_command() {
    let (url, mut rx) = sink().await;
    let w = World::with(accessd::Config {
        smtp_url: Some(url),
        smtp_from: Some("Access <access@example.org>".into()),
        ..Default::default()
    })
    .await;
    w.project("p", "akka").await;
    w.admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["dave@example.com"], "role": "developer"}),
        )
        .await
        .expect(201);
    let (_, data) = next(&mut rx).await;
    let m = mail_parser::MessageParser::default()
        .parse(data.as_bytes())
        .expect("a parsable message");
    let from = m.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.address(), Some("access@example.org"));
    let to = m.to().and_then(|a| a.first()).expect("To");
    assert_eq!(to.address(), Some("dave@example.com"));
    assert_eq!(m.subject(), Some("Invitation to p"));
    assert!(m.date().is_some(), "Date: {data}");
    let id = m.message_id().expect("Message-ID");
    assert!(id.ends_with("@example.org"), "{id}");
    assert_eq!(m.header_raw("MIME-Version").map(str::trim), Some("1.0"));
    use mail_parser::MimeHeaders;
    let ct = m.content_type().expect("Content-Type");
    assert_eq!((ct.ctype(), ct.subtype()), ("multipart", Some("alternative")));
    let text = m.body_text(0).expect("a text part").into_owned();
    let html = m.body_html(0).expect("an HTML part").into_owned();
    // The default public URL is the address the server listens on.
    let prefix = format!("accessctl --server {} roles invitations accept inv_", w.srv.url);
    let at = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no command in {text}"));
    let command: String = text[at..].lines().next().unwrap().trim().to_owned();
    assert!(html.contains(&command), "{html}");
    let code = command.rsplit(' ').next().unwrap();
    // The code in the command is the live one.
    w.anon()
        .post("/v1/invitations/accept", json!({"code": code}))
        .await
        .expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_url_names_the_server_in_the_mail() {
    let (url, mut rx) = sink().await;
    let w = World::with(accessd::Config {
        smtp_url: Some(url),
        public_url: Some("https://access.example.com/".into()),
        ..Default::default()
    })
    .await;
    w.project("p", "akka").await;
    w.admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["erin@example.com"], "role": "developer"}),
        )
        .await
        .expect(201);
    let (_, data) = next(&mut rx).await;
    let m = mail_parser::MessageParser::default()
        .parse(data.as_bytes())
        .unwrap();
    let text = m.body_text(0).unwrap();
    assert!(
        text.contains("accessctl --server https://access.example.com roles invitations accept inv_"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_project_name_is_escaped_in_the_html_part() {
    let (url, mut rx) = sink().await;
    let w = World::with(accessd::Config {
        smtp_url: Some(url),
        ..Default::default()
    })
    .await;
    let p = w.project("p", "akka").await;
    let id = p["id"].as_str().unwrap().to_owned();
    // The API refuses such a name; an old or imported row may still hold one.
    let hostile = "<img src=x onerror=alert(1)>&\"'";
    sqlx::query("UPDATE projects SET name = $1 WHERE id = $2")
        .bind(hostile)
        .bind(&id)
        .execute(&w.srv.app.service().db.writer)
        .await
        .unwrap();
    w.admin
        .post(
            &format!("/v1/projects/{id}/invitations"),
            json!({"emails": ["frank@example.com"], "role": "developer"}),
        )
        .await
        .expect(201);
    let (_, data) = next(&mut rx).await;
    let m = mail_parser::MessageParser::default()
        .parse(data.as_bytes())
        .unwrap();
    let html = m.body_html(0).unwrap();
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;"),
        "{html}"
    );
    // The text part says it as it is.
    assert!(m.body_text(0).unwrap().contains(hostile));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_code_mail_is_multipart_with_headers() {
    let (url, mut rx) = sink().await;
    let w = World::with(accessd::Config {
        smtp_url: Some(url),
        ..Default::default()
    })
    .await;
    w.anon()
        .post("/v1/auth/email-code", json!({"email": "admin@example.com"}))
        .await
        .expect(202);
    let (to, data) = next(&mut rx).await;
    assert_eq!(to, ["admin@example.com"]);
    let m = mail_parser::MessageParser::default()
        .parse(data.as_bytes())
        .unwrap();
    assert!(m.date().is_some() && m.message_id().is_some());
    assert_eq!(m.subject(), Some("Your accessd login code"));
    let code = accessd::testing::mailed_login_code(&m.body_text(0).unwrap()).expect("a code");
    assert!(m.body_html(0).unwrap().contains(&code));
}
