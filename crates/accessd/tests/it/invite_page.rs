//! The invitation page (`GET /invite?code=…`, `POST /invite/…`) over HTTP, as
//! a browser uses it: the link from a mail received by the in-test SMTP sink,
//! the CSRF cookie sent back, forms posted urlencoded. The clock is moved,
//! never slept on.

use accessd::limits::RateLimits;
use accessd::testing::{SinkedMail, mailed_login_code, unfold_quoted_printable};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::login::{mailing_world, next_mail};
use crate::support::World;

/// One HTML answer.
pub struct Html {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Html {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    /// The value of the hidden form field `name`.
    pub fn field(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("name=\"{name}\" value=\""))?;
        let rest = &self.body[at + name.len() + 15..];
        Some(rest[..rest.find('"')?].to_owned())
    }

    #[track_caller]
    pub fn expect(&self, status: u16, says: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert!(self.body.contains(says), "no {says:?} in {}", self.body);
        assert_page_headers(self);
    }
}

/// The headers every page has, whatever its status.
#[track_caller]
pub fn assert_page_headers(p: &Html) {
    assert_eq!(p.header("content-type"), "text/html; charset=utf-8");
    let csp = p.header("content-security-policy");
    assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"), "{csp}");
    for part in ["form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
        assert!(csp.contains(part), "{part} missing from {csp}");
    }
    assert!(!csp.contains("script-src") && !csp.contains("unsafe"), "{csp}");
    assert_eq!(p.header("referrer-policy"), "no-referrer");
    assert_eq!(p.header("cache-control"), "no-store");
    assert_eq!(p.header("x-content-type-options"), "nosniff");
    assert_eq!(p.header("x-frame-options"), "DENY");
    // No script and no external asset: nothing that loads anything.
    for loads in ["<script", "<link", "<img", "<iframe", " src=\"", " href=\""] {
        assert!(!p.body.contains(loads), "{loads} in {}", p.body);
    }
}

/// A browser without JavaScript: one cookie jar (the CSRF cookie).
pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    cookie: Option<String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    async fn read(&mut self, resp: reqwest::Response) -> Html {
        let status = resp.status();
        let headers = resp.headers().clone();
        if let Some(c) = headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            self.cookie = c.split(';').next().map(str::to_owned);
        }
        Html {
            status,
            headers,
            body: resp.text().await.unwrap(),
        }
    }

    /// GET of a whole URL (a mailed link).
    pub async fn open(&mut self, url: &str) -> Html {
        let mut req = self.http.get(url);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let resp = req.send().await.unwrap();
        self.read(resp).await
    }

    /// POST of a form to a path of the server.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)], extra: &[(&str, &str)]) -> Html {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let resp = req.body(body).send().await.unwrap();
        self.read(resp).await
    }

    /// Submits a form of `page` (its hidden code and CSRF token) with more fields.
    pub async fn submit(&mut self, page: &Html, path: &str, more: &[(&str, &str)]) -> Html {
        let code = page.field("code").expect("a code field");
        let csrf = page.field("csrf").expect("a csrf field");
        let mut form = vec![("code", code.as_str()), ("csrf", csrf.as_str())];
        form.extend_from_slice(more);
        self.post(path, &form, &[]).await
    }
}

/// The accept link of an invitation mail (text part), checked to be in the
/// HTML part too and to come below the accept command.
pub fn mailed_link(data: &str) -> String {
    let data = unfold_quoted_printable(data);
    let at = data.find("/invite?code=").expect("an accept link");
    let start = data[..at].rfind("http").unwrap();
    let end = at
        + data[at..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
            .unwrap();
    let link = data[start..end].to_owned();
    assert!(
        data.matches(&link).count() >= 3,
        "the link in the text and HTML parts: {data}"
    );
    let command = data.find("roles invitations accept inv_").expect("the command");
    assert!(command < start, "the link comes below the command");
    link
}

pub async fn invite(w: &World, rx: &mut UnboundedReceiver<SinkedMail>, email: &str, role: &str) -> String {
    w.admin
        .post(
            "/v1/projects/p/invitations",
            json!({"emails": [email], "role": role}),
        )
        .await
        .expect(201);
    let (to, data) = next_mail(rx).await;
    assert_eq!(to, [email]);
    mailed_link(&data)
}

async fn bindings_of(w: &World, email: &str) -> Vec<Value> {
    let list = w.admin.get("/v1/projects/p/role-bindings").await.expect(200);
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["principal"]["email"] == email)
        .cloned()
        .collect()
}

async fn open_invitations(w: &World) -> usize {
    let list = w.admin.get("/v1/projects/p/invitations").await.expect(200);
    list["items"].as_array().unwrap().len()
}

async fn world() -> (World, UnboundedReceiver<SinkedMail>) {
    let (w, rx) = mailing_world(RateLimits::off()).await;
    w.project("p", "akka").await;
    w.admin
        .patch("/v1/users/me", json!({"name": "Ada Admin"}))
        .await
        .expect(200);
    (w, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_email_accepts_in_the_page_and_is_told_how_to_log_in() {
    let (w, mut rx) = world().await;
    let link = invite(&w, &mut rx, "nina@example.com", "developer").await;
    assert!(
        link.starts_with(&format!("{}/invite?code=inv_", w.srv.url)),
        "{link}"
    );
    let mut b = Browser::new(&w.srv.url);
    let page = b.open(&link).await;
    page.expect(200, "Invitation to p");
    assert!(page.body.contains("<dd id=\"project\">p</dd>"), "{}", page.body);
    assert!(
        page.body.contains("<dd id=\"role\">developer</dd>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<dd id=\"inviter\">Ada Admin (admin)</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"accept\"") && page.body.contains("id=\"decline\""));
    let cookie = page.header("set-cookie");
    for attr in [
        "accessd_invite_csrf=",
        "Path=/invite",
        "HttpOnly",
        "SameSite=Strict",
    ] {
        assert!(cookie.contains(attr), "{attr} missing from {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "an http:// server cannot set a Secure cookie"
    );
    // Nothing is created by looking.
    assert!(bindings_of(&w, "nina@example.com").await.is_empty());

    let done = b.submit(&page, "/invite/accept", &[]).await;
    done.expect(200, "Invitation accepted");
    assert!(
        done.body
            .contains("You are now <b>developer</b> in the project <b>p</b>"),
        "{}",
        done.body
    );
    let login = format!(
        "accessctl --server {} auth login --email nina@example.com",
        w.srv.url
    );
    assert!(done.body.contains(&login), "{}", done.body);
    assert!(!done.body.contains("acc_"), "no token in the page: {}", done.body);
    let b1 = bindings_of(&w, "nina@example.com").await;
    assert_eq!(b1.len(), 1, "{b1:?}");
    assert_eq!(b1[0]["role"]["name"], "developer");
    // The account was made without a first token: nobody holds one.
    let users = w.admin.get("/v1/users?limit=500").await.expect(200);
    assert!(
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["email"] == "nina@example.com")
    );
    let events = w
        .admin
        .get("/v1/audit-events?action=token.create")
        .await
        .expect(200);
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] != "nina"),
        "{events}"
    );

    // Used: the link and the form no longer work.
    b.open(&link).await.expect(404, "This invitation is not open");
    b.submit(&page, "/invite/accept", &[])
        .await
        .expect(404, "not open");
    assert_eq!(bindings_of(&w, "nina@example.com").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decline_removes_the_invitation_and_creates_nothing() {
    let (w, mut rx) = world().await;
    let link = invite(&w, &mut rx, "otto@example.com", "viewer").await;
    let mut b = Browser::new(&w.srv.url);
    let page = b.open(&link).await;
    page.expect(200, "Decline");
    b.submit(&page, "/invite/decline", &[])
        .await
        .expect(200, "You declined the invitation to the project <b>p</b>");
    assert_eq!(open_invitations(&w).await, 0);
    assert!(bindings_of(&w, "otto@example.com").await.is_empty());
    let users = w.admin.get("/v1/users?limit=500").await.expect(200);
    assert!(!users.to_string().contains("otto@example.com"));
    b.open(&link).await.expect(404, "not open");
    b.submit(&page, "/invite/accept", &[])
        .await
        .expect(404, "not open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_invitation_is_a_410_page_and_cannot_be_accepted() {
    let (w, mut rx) = world().await;
    let link = invite(&w, &mut rx, "pia@example.com", "developer").await;
    let mut b = Browser::new(&w.srv.url);
    let page = b.open(&link).await;
    page.expect(200, "Accept");
    w.srv.advance_ms(7 * 24 * 3600 * 1000 + 1000);
    b.open(&link).await.expect(410, "This invitation has expired");
    b.submit(&page, "/invite/accept", &[])
        .await
        .expect(410, "expired");
    b.submit(&page, "/invite/decline", &[])
        .await
        .expect(410, "expired");
    assert!(bindings_of(&w, "pia@example.com").await.is_empty());
    let users = w.admin.get("/v1/users?limit=500").await.expect(200);
    assert!(!users.to_string().contains("pia@example.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_unknown_or_missing_code_is_a_clear_page() {
    let (w, mut rx) = world().await;
    let link = invite(&w, &mut rx, "quin@example.com", "developer").await;
    let mut b = Browser::new(&w.srv.url);
    let page = b.open(&link).await;
    w.admin
        .delete("/v1/projects/p/invitations/quin@example.com")
        .await
        .expect(204);
    b.open(&link)
        .await
        .expect(404, "already used, revoked, or never issued");
    b.submit(&page, "/invite/accept", &[])
        .await
        .expect(404, "not open");
    let unknown = format!("{}/invite?code=inv_{}", w.srv.url, "x".repeat(43));
    b.open(&unknown).await.expect(404, "not open");
    b.open(&format!("{}/invite", w.srv.url))
        .await
        .expect(400, "no invitation code");
    b.open(&format!("{}/invite?code=", w.srv.url))
        .await
        .expect(400, "no invitation code");
    assert!(bindings_of(&w, "quin@example.com").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_the_pages_csrf_token_is_refused() {
    let (w, mut rx) = world().await;
    let link = invite(&w, &mut rx, "rita@example.com", "developer").await;
    let mut b = Browser::new(&w.srv.url);
    let page = b.open(&link).await;
    let code = page.field("code").unwrap();
    let csrf = page.field("csrf").unwrap();
    assert_eq!(csrf.len(), 43);
    let refused = "This form has expired";
    // No token in the form.
    b.post("/invite/accept", &[("code", &code)], &[])
        .await
        .expect(403, refused);
    // A wrong token.
    let wrong = format!("{}A", &csrf[..42]);
    let wrong = if wrong == csrf {
        format!("{}B", &csrf[..42])
    } else {
        wrong
    };
    b.post("/invite/accept", &[("code", &code), ("csrf", &wrong)], &[])
        .await
        .expect(403, refused);
    b.post("/invite/decline", &[("code", &code), ("csrf", &wrong)], &[])
        .await
        .expect(403, refused);
    // The right token but no cookie (another browser, or a forged cross-site form).
    let mut other = Browser::new(&w.srv.url);
    other
        .post("/invite/accept", &[("code", &code), ("csrf", &csrf)], &[])
        .await
        .expect(403, refused);
    // The right token and cookie, but sent by another site.
    b.post(
        "/invite/accept",
        &[("code", &code), ("csrf", &csrf)],
        &[("sec-fetch-site", "cross-site")],
    )
    .await
    .expect(403, refused);
    assert!(bindings_of(&w, "rita@example.com").await.is_empty());
    assert_eq!(open_invitations(&w).await, 1);
    // The page's own form still works.
    b.post(
        "/invite/accept",
        &[("code", &code), ("csrf", &csrf)],
        &[("sec-fetch-site", "same-origin")],
    )
    .await
    .expect(200, "Invitation accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_account_signs_in_with_a_mailed_login_code_first() {
    let (w, mut rx) = world().await;
    let (erin, _) = w.user("erin").await;
    let link = invite(&w, &mut rx, "erin@example.com", "developer").await;
    let mut b = Browser::new(&w.srv.url);
    let page = b.open(&link).await;
    page.expect(200, "already has an account");
    assert!(
        page.body.contains("id=\"send-code\"") && !page.body.contains("id=\"accept\""),
        "{}",
        page.body
    );
    // The code alone does not bind an existing account.
    let again = b.submit(&page, "/invite/accept", &[]).await;
    again.expect(200, "already has an account");
    assert!(bindings_of(&w, "erin@example.com").await.is_empty());

    let asked = b.submit(&page, "/invite/login-code", &[]).await;
    asked.expect(200, "We mailed a login code to erin@example.com");
    let (to, data) = next_mail(&mut rx).await;
    assert_eq!(to, ["erin@example.com"]);
    let login = mailed_login_code(&data).expect("a login code");
    let wrong = format!("{:08}", (login.parse::<u32>().unwrap() + 1) % 100_000_000);
    let bad = b
        .submit(&asked, "/invite/accept", &[("login_code", &wrong)])
        .await;
    bad.expect(401, "the login code is wrong");
    assert!(bindings_of(&w, "erin@example.com").await.is_empty());

    let done = b.submit(&bad, "/invite/accept", &[("login_code", &login)]).await;
    done.expect(200, "You are now <b>developer</b> in the project <b>p</b>");
    assert!(!done.body.contains("was created"), "{}", done.body);
    let bs = bindings_of(&w, "erin@example.com").await;
    assert_eq!(bs.len(), 1);
    assert_eq!(bs[0]["principal"]["id"], erin["id"]);
    // The login is audited as one through the page, and gave no token.
    let events = w
        .admin
        .get("/v1/audit-events?action=auth.email-login")
        .await
        .expect(200);
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{events}");
    assert_eq!(items[0]["details"]["via"], "invitation page", "{events}");
    assert!(!events.to_string().contains(&login));
    // The login code was used up.
    let reuse = b.submit(&bad, "/invite/accept", &[("login_code", &login)]).await;
    assert_eq!(reuse.status, 404, "{}", reuse.body);
}

/// The hostile strings of the CLI's terminal corpus, and markup.
fn hostile() -> Vec<String> {
    let corpus: Value =
        serde_json::from_str(include_str!("../../../../tests/data/terminal-payloads.json")).unwrap();
    let mut out: Vec<String> = corpus["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_str().unwrap().to_owned())
        // PostgreSQL cannot store NUL; the API refuses it everywhere.
        .filter(|v| !v.contains('\0'))
        .collect();
    out.extend(
        [
            "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>",
            "'><svg onload=alert(1)>",
            "</title><script>alert(1)</script>",
            "</dd></dl><form action=\"https://evil.example/\"><button>Accept</button></form>",
            "&lt;script&gt; &amp; &#x3C;",
            "<style>body{display:none}</style>",
            "javascript:alert(1)",
        ]
        .map(str::to_owned),
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_project_and_inviter_names_are_escaped() {
    let (w, mut rx) = world().await;
    // A display name is free text: markup goes through the API as it is.
    let name = "<img src=x onerror=alert(1)> Mallory\"'&";
    w.admin
        .patch("/v1/users/me", json!({"name": name}))
        .await
        .expect(200);
    let link = invite(&w, &mut rx, "sam@example.com", "developer").await;
    let mut b = Browser::new(&w.srv.url);
    let project_id = w.admin.get("/v1/projects/p").await.expect(200)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Project names are checked by the API; a hostile one can still come from
    // an older server or an import, so it is written straight to the database.
    let db = &w.srv.app.service().db;
    for payload in hostile() {
        sqlx::query("UPDATE projects SET name = $1 WHERE id = $2")
            .bind(&payload)
            .bind(&project_id)
            .execute(&db.writer)
            .await
            .unwrap();
        let page = b.open(&link).await;
        page.expect(200, "Accept");
        let shown = accessd::http::page::text(&payload);
        assert!(
            page.body.contains(&format!("<dd id=\"project\">{shown}</dd>")),
            "{payload:?}: {}",
            page.body
        );
        assert!(
            page.body
                .contains(&format!("<title>Invitation to {shown}</title>")),
            "{payload:?}"
        );
        let raw: Vec<char> = page
            .body
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "{payload:?}: raw {raw:?}");
        for bidi in ['\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}', '\u{2028}'] {
            assert!(!page.body.contains(bidi), "{payload:?}: raw {bidi:?}");
        }
        for tag in [
            "<img",
            "<svg",
            "<script",
            "<style>body{display",
            "evil.example/\"><button",
        ] {
            assert!(!page.body.contains(tag), "{payload:?}: {tag} in {}", page.body);
        }
        assert_eq!(
            page.body.matches("<form").count(),
            2,
            "{payload:?}: {}",
            page.body
        );
        assert!(
            page.body
                .contains("&lt;img src=x onerror=alert(1)&gt; Mallory&quot;&#39;&amp; (admin)"),
            "{}",
            page.body
        );
    }
    // The result page escapes the name too.
    let page = b.open(&link).await;
    let done = b.submit(&page, "/invite/accept", &[]).await;
    done.expect(200, "Invitation accepted");
    assert!(
        !done.body.contains("<img") && !done.body.contains("<svg"),
        "{}",
        done.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shares_the_accept_rate_limit_and_answers_429_in_html() {
    use accessd::limits::Limit;
    let limits = RateLimits {
        accept: Limit::new(2, std::time::Duration::from_secs(3600)),
        ..RateLimits::off()
    };
    let (w, mut rx) = mailing_world(limits).await;
    w.project("p", "akka").await;
    let link = invite(&w, &mut rx, "una@example.com", "developer").await;
    let mut b = Browser::new(&w.srv.url);
    let page = b.open(&link).await;
    page.expect(200, "Accept");
    let code = page.field("code").unwrap();
    b.post("/invite/accept", &[("code", &code), ("csrf", "guess")], &[])
        .await
        .expect(403, "This form has expired");
    // Over the limit: every page request, whatever it carries.
    b.open(&link).await.expect(429, "Too many attempts");
    b.submit(&page, "/invite/accept", &[])
        .await
        .expect(429, "Too many attempts");
    assert!(bindings_of(&w, "una@example.com").await.is_empty());
    assert_eq!(open_invitations(&w).await, 1);
}
