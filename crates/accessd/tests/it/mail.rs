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
