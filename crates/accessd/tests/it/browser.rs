//! End to end in a real browser: headless Chromium, driven through
//! chromedriver's W3C WebDriver protocol, opens the link of an invitation
//! mail received by the in-test SMTP sink, clicks Accept, and the binding is
//! then on the server.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`; `.ci/run` installs them). Without them the test
//! says so on stderr and passes, unless `ACCESSD_TEST_CHROMIUM=1` (set by
//! `.ci/run`), when it fails.
//!
//! The client is the handful of WebDriver commands the test needs, over the
//! `reqwest` the other tests use (new session, navigate, find element, click,
//! text, screenshot, delete session), rather than a WebDriver crate and its
//! own HTTP stack.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use accessd::limits::RateLimits;
use serde_json::{Value, json};

use crate::invite_page::invite;
use crate::login::mailing_world;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The key of an element reference in W3C WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        // Ready once it says so on stdout (no polling, no sleep).
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            let n = out.read_line(&mut line).unwrap();
            assert!(n > 0, "chromedriver exited before it was ready");
            if line.contains("started successfully") {
                break;
            }
        }
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver session.
struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    async fn new(driver: &Driver, profile: &std::path::Path) -> Session {
        let http = reqwest::Client::new();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }}});
        let r: Value = http
            .post(format!("{}/session", driver.url))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {r}"))
            .to_owned();
        let s = Session {
            http,
            base: format!("{}/session/{id}", driver.url),
        };
        // Element look-ups wait (in the driver) for the next page to show them.
        s.call("POST", "/timeouts", json!({"implicit": 15000, "pageLoad": 30000}))
            .await;
        s
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let r: Value = req.send().await.unwrap().json().await.unwrap();
        assert!(r["value"]["error"].is_null(), "WebDriver {method} {path}: {r}");
        r["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({"url": url})).await;
    }

    async fn find(&self, css: &str) -> String {
        let v = self
            .call("POST", "/element", json!({"using": "css selector", "value": css}))
            .await;
        v[ELEMENT].as_str().unwrap().to_owned()
    }

    async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        let v = self.call("GET", &format!("/element/{e}/text"), Value::Null).await;
        v.as_str().unwrap().to_owned()
    }

    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.call("POST", &format!("/element/{e}/click"), json!({})).await;
    }

    async fn title(&self) -> String {
        self.call("GET", "/title", Value::Null)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A PNG of the page into `$ACCESSD_TEST_SCREENSHOTS/<name>.png`, when set.
    async fn screenshot(&self, name: &str) {
        let Ok(dir) = std::env::var("ACCESSD_TEST_SCREENSHOTS") else {
            return;
        };
        use base64::Engine;
        let v = self.call("GET", "/screenshot", Value::Null).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap();
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }

    async fn close(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}

/// Whether the browser test runs here: it does when Chromium is installed,
/// and must (fails otherwise) when `ACCESSD_TEST_CHROMIUM=1`.
fn chromium_available() -> bool {
    let present = std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !present {
        assert!(
            std::env::var("ACCESSD_TEST_CHROMIUM").as_deref() != Ok("1"),
            "ACCESSD_TEST_CHROMIUM=1 but {CHROMIUM} or {CHROMEDRIVER} is missing \
             (apt-get install -y chromium chromium-driver)"
        );
        // Straight to stderr, past the test harness's capture, so it is seen.
        let _ = writeln!(
            std::io::stderr(),
            "browser test SKIPPED: {CHROMIUM} or {CHROMEDRIVER} is missing \
             (apt-get install -y chromium chromium-driver; ACCESSD_TEST_CHROMIUM=1 makes this a failure)"
        );
    }
    present
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_opens_the_mailed_link_and_accepts() {
    if !chromium_available() {
        return;
    }
    let (w, mut rx) = mailing_world(RateLimits::off()).await;
    w.project("p", "akka").await;
    let link = invite(&w, &mut rx, "zoe@example.com", "developer").await;

    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let s = Session::new(&driver, profile.path()).await;
    s.goto(&link).await;
    assert_eq!(s.title().await, "Invitation to p");
    assert_eq!(s.text("#project").await, "p");
    assert_eq!(s.text("#role").await, "developer");
    assert_eq!(s.text("#inviter").await, "Admin (admin)");
    s.screenshot("invite").await;
    s.click("#accept").await;
    let result = s.text("#result").await;
    s.screenshot("accepted").await;
    assert_eq!(s.title().await, "Invitation accepted");
    assert!(
        result.contains("You are now developer in the project p"),
        "{result}"
    );
    let login = s.text("#login").await;
    assert_eq!(
        login,
        format!(
            "accessctl --server {} auth login --email zoe@example.com",
            w.srv.url
        )
    );
    s.close().await;

    // The binding is on the server.
    let list = w.admin.get("/v1/projects/p/role-bindings").await.expect(200);
    let zoe: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["principal"]["email"] == "zoe@example.com")
        .collect();
    assert_eq!(zoe.len(), 1, "{list}");
    assert_eq!(zoe[0]["role"]["name"], "developer");
    let invs = w.admin.get("/v1/projects/p/invitations").await.expect(200);
    assert_eq!(invs["items"].as_array().unwrap().len(), 0, "{invs}");
}
