//! Shared test support: a server per test and a small typed client.

use accessd::testing::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.body);
        self.body
    }
    #[track_caller]
    pub fn problem(self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.body);
        assert_eq!(self.code(), code, "{}", self.body);
        let ct = self.header("content-type").unwrap_or_default();
        assert!(ct.starts_with("application/problem+json"), "content-type {ct}");
        self.body
    }
}

/// A client with one token.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub token: Option<String>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str, token: Option<&str>) -> Client {
        Client {
            base: base.to_owned(),
            token: token.map(str::to_owned),
            http: reqwest::Client::new(),
        }
    }

    /// The same server and HTTP client (one per test server: building a client
    /// reads the certificate store), another token.
    pub fn as_token(&self, token: Option<&str>) -> Client {
        Client {
            base: self.base.clone(),
            token: token.map(str::to_owned),
            http: self.http.clone(),
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        assert!(headers.contains_key("x-request-id"), "no X-Request-Id");
        if !status.is_success() {
            let ct = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert!(
                ct.starts_with("application/problem+json"),
                "{status} not problem+json: {ct}"
            );
            assert!(body["code"].is_string(), "{status} without code: {body}");
            let rid = headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert_eq!(body["request_id"], rid, "problem without the request id: {body}");
        }
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, None, &[]).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(Method::POST, path, Some(&body), &[]).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.send(Method::PUT, path, Some(&body), &[]).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send(Method::PATCH, path, Some(&body), &[]).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.send(Method::DELETE, path, None, &[]).await
    }
}

/// A server plus its admin client.
pub struct World {
    pub srv: TestServer,
    pub admin: Client,
}

impl World {
    pub async fn new() -> World {
        Self::with(accessd::Config::default()).await
    }

    pub async fn with(config: accessd::Config) -> World {
        Self::on(config, accessd::testing::TestDatabase::fresh().await).await
    }

    /// A server over a given fresh database.
    pub async fn on(config: accessd::Config, db: accessd::testing::TestDatabase) -> World {
        let srv = TestServer::start_on(config, db).await;
        let admin = Client::new(&srv.url, Some(&srv.admin_token));
        World { srv, admin }
    }

    pub fn anon(&self) -> Client {
        self.admin.as_token(None)
    }

    /// A new user (member of the default org) and a client with their token.
    pub async fn user(&self, username: &str) -> (Value, Client) {
        let u = self
            .admin
            .post(
                "/v1/users",
                json!({"username": username, "email": format!("{username}@example.com")}),
            )
            .await
            .expect(201);
        let id = u["id"].as_str().unwrap().to_owned();
        let t = self
            .admin
            .post(&format!("/v1/users/{id}/tokens"), json!({"name": "test"}))
            .await
            .expect(201);
        (u, self.admin.as_token(t["token"].as_str()))
    }

    /// A project created by the admin (who becomes its owner).
    pub async fn project(&self, name: &str, preset: &str) -> Value {
        self.admin
            .post("/v1/projects", json!({"name": name, "role_preset": preset}))
            .await
            .expect(201)
    }

    /// Binds `username` to `role` in `project` (as the admin); returns the binding id.
    pub async fn bind(&self, project: &str, username: &str, role: &str) -> String {
        let b = self
            .admin
            .post(
                &format!("/v1/projects/{project}/role-bindings"),
                json!({"role": role, "principal": {"type": "user", "username": username}}),
            )
            .await
            .expect(201);
        b["id"].as_str().unwrap().to_owned()
    }

    /// Number of audit events (server-wide).
    pub async fn audit_count(&self) -> usize {
        let mut n = 0;
        let mut path = "/v1/audit-events?limit=500".to_owned();
        loop {
            let page = self.admin.get(&path).await.expect(200);
            n += page["items"].as_array().unwrap().len();
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/v1/audit-events?limit=500&cursor={c}"),
                None => return n,
            }
        }
    }
}

/// `ACCESSD_TEST_DATABASE_URL`, for the tests that need PostgreSQL. They are
/// `#[ignore]`d with that reason, so a plain `cargo test` reports them as
/// ignored; run with `--include-ignored` they fail without the variable instead
/// of passing without having run.
pub fn postgres(test: &str) -> String {
    accessd::testing::postgres_admin_url().unwrap_or_else(|| {
        panic!(
            "{test} needs PostgreSQL: set ACCESSD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )
    })
}

/// The `accessd` binary with no `ACCESSD_*` variable inherited from the test's env.
pub fn accessd() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_accessd"));
    for (k, _) in std::env::vars() {
        if k.starts_with("ACCESSD_") {
            c.env_remove(k);
        }
    }
    c
}

/// A running `accessd serve` with JSON logs, its address and its log lines.
pub struct Served {
    pub child: std::process::Child,
    /// `127.0.0.1:<port>`
    pub addr: String,
    /// The `fields` of the "listening" log line.
    pub listening: Value,
    logs: std::sync::mpsc::Receiver<String>,
    reader: Option<std::thread::JoinHandle<Vec<String>>>,
}

impl Served {
    /// Spawns `cmd` (an `accessd serve --listen 127.0.0.1:0 …`) and waits for the
    /// line that names the bound address.
    pub fn start(mut cmd: std::process::Command) -> Served {
        use std::io::{BufRead, BufReader};
        let mut child = cmd
            .env("ACCESSD_LOG_FORMAT", "json")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn accessd");
        let stderr = child.stderr.take().unwrap();
        let (tx, logs) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line.clone());
                all.push(line);
            }
            all
        });
        let mut served = Served {
            child,
            addr: String::new(),
            listening: Value::Null,
            logs,
            reader: Some(reader),
        };
        let line = served.wait_for_log("\"addr\"");
        let v: Value = serde_json::from_str(&line).expect("json log line");
        served.addr = v["fields"]["addr"].as_str().unwrap().to_owned();
        served.listening = v["fields"].clone();
        served
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next log line containing `needle` (the lines before it are skipped).
    pub fn wait_for_log(&self, needle: &str) -> String {
        loop {
            let line = self
                .logs
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no log line with {needle}"));
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the exit; returns its status and every log line.
    pub fn wait(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let status = self.child.wait().unwrap();
        let logs = self.reader.take().unwrap().join().unwrap();
        (status, logs)
    }
}

/// Owners `a` and `b` of `project` demote at the same moment (to viewer): each
/// themself on even rounds, each the other on odd ones. Exactly one may win; the
/// loser either hits the last-owner rule or, demoting the other, has already lost
/// members.manage.
pub async fn race_demotions(a: &Client, b: &Client, project: &str, round: usize) {
    let (ra, rb) = if round.is_multiple_of(2) {
        let me = format!("/v1/projects/{project}/members/me");
        tokio::join!(
            a.put(&me, json!({"role": "viewer"})),
            b.put(&me, json!({"role": "viewer"}))
        )
    } else {
        let (mb, ma) = (
            format!("/v1/projects/{project}/members/b"),
            format!("/v1/projects/{project}/members/a"),
        );
        tokio::join!(
            a.put(&mb, json!({"role": "viewer"})),
            b.put(&ma, json!({"role": "viewer"}))
        )
    };
    let ok = [&ra, &rb].iter().filter(|r| r.status.as_u16() == 200).count();
    assert_eq!(ok, 1, "round {round}: {} / {}", ra.body, rb.body);
    for r in [&ra, &rb] {
        if r.status.as_u16() != 200 {
            assert!(["last-owner", "forbidden"].contains(&r.code()), "{}", r.body);
        }
    }
}

/// Usernames of the members of project `p` holding an owner-grade role, as `c` sees
/// them.
pub async fn owners(c: &Client, p: &str) -> Vec<String> {
    let m = c.get(&format!("/v1/projects/{p}/members")).await.expect(200);
    let roles = c.get(&format!("/v1/projects/{p}/roles")).await.expect(200);
    let owner_roles: Vec<&str> = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["owner_grade"] == true)
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    m["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "member")
        .filter(|m| {
            m["roles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| owner_roles.contains(&r["name"].as_str().unwrap()))
        })
        .map(|m| m["username"].as_str().unwrap().to_owned())
        .collect()
}
