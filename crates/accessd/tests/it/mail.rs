//! Invitation mail through a tiny in-test SMTP sink on 127.0.0.1:0.

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::support::World;

/// Accepts SMTP sessions and sends each message's (recipients, data) to the channel.
async fn sink() -> (String, mpsc::UnboundedReceiver<(Vec<String>, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        let _ = w.write_all(b"354 go on\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        let _ = tx.send((std::mem::take(&mut rcpt), data));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (format!("smtp://{addr}"), rx)
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
    let r = w
        .admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": ["carol@example.com"], "role": "developer"}),
        )
        .await
        .expect(201);
    let code = r["results"][0]["invitation"]["code"].as_str().unwrap().to_owned();
    let (to, data) = tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
        .await
        .expect("no mail within 20 s")
        .expect("sink closed");
    assert_eq!(to, ["carol@example.com"]);
    assert!(data.contains(&code), "the mail carries the code");
    assert!(data.contains("Subject: Invitation to p"));
}
