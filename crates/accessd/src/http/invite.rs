//! The invitation page, for a browser: `GET /invite?code=…` shows the project,
//! role and inviter with Accept and Decline buttons; `POST /invite/accept`,
//! `POST /invite/decline` and (for an email that already has an account, which
//! must prove its mailbox first) `POST /invite/login-code` answer it.
//!
//! CSRF: a double-submit token. `GET /invite` sets a random token in a cookie
//! (`HttpOnly; SameSite=Strict; Path=/invite`, `Secure` behind an https public
//! URL) and puts the same token in every form; a POST whose form token does not
//! equal its cookie, or whose `Sec-Fetch-Site` says another site sent it, is a
//! 403 page. Stateless, so it works across replicas (see ARCHITECTURE.md).
//!
//! The pages are always HTML (errors too), never problem+json; the code is
//! only in the URL and the forms, never in a log line (requests are logged
//! without their query) or an error.

use std::collections::HashMap;

use access_api::{self as api, ProblemCode};
use axum::body::Bytes;
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::RngExt;

use super::limits::ClientAddr;
use super::page::{Page, text};
use crate::error::ApiError;
use crate::limits::Class;
use crate::service::accept::InvitationPreview;
use crate::service::{RequestIds, Service};

/// The CSRF cookie's name.
pub const CSRF_COOKIE: &str = "accessd_invite_csrf";

type Ids = Option<Extension<RequestIds>>;
type Addr = Option<Extension<ClientAddr>>;

/// `GET /invite?code=…`
pub async fn show(
    State(svc): State<Service>,
    addr: Addr,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(p) = limited(&svc, &addr) {
        return p.into_response();
    }
    let form = fields(q.as_deref().unwrap_or("").as_bytes());
    let Some(code) = form.get("code").filter(|c| !c.trim().is_empty()) else {
        return missing_code().into_response();
    };
    let csrf = cookie(&headers).unwrap_or_else(new_token);
    match svc.preview_invitation(code).await {
        Ok(p) => invitation_page(&svc, &p, code, &csrf)
            .with_cookie(set_cookie(&svc, &csrf))
            .into_response(),
        Err(e) => failure(&e).into_response(),
    }
}

/// `POST /invite/login-code`: mails a login code to the invited address (an
/// existing account), then asks for it.
pub async fn login_code(State(svc): State<Service>, addr: Addr, headers: HeaderMap, body: Bytes) -> Response {
    let (_, code, csrf) = match checked(&svc, &addr, &headers, &body) {
        Ok(v) => v,
        Err(p) => return p.into_response(),
    };
    let p = match svc.preview_invitation(&code).await {
        Ok(p) => p,
        Err(e) => return failure(&e).into_response(),
    };
    if !p.has_account || svc.config.smtp_url.is_none() {
        return invitation_page(&svc, &p, &code, &csrf).into_response();
    }
    let email = p.invitation.email.clone();
    if let Err(secs) = svc.limiters.check_email(&access_api::validate::normalize(&email)) {
        return too_many(secs).into_response();
    }
    if let Err(e) = svc
        .request_email_code(&api::EmailCodeRequest { email: email.clone() })
        .await
    {
        return failure(&e).into_response();
    }
    login_code_page(&p, &code, &csrf, None).into_response()
}

/// `POST /invite/accept`: a new email gets its account; an existing account
/// signs in with the mailed login code (and TOTP code) in the same form.
pub async fn accept(
    State(svc): State<Service>,
    addr: Addr,
    ids: Ids,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ids = ids.map(|e| e.0).unwrap_or_default();
    let (form, code, csrf) = match checked(&svc, &addr, &headers, &body) {
        Ok(v) => v,
        Err(p) => return p.into_response(),
    };
    let p = match svc.preview_invitation(&code).await {
        Ok(p) => p,
        Err(e) => return failure(&e).into_response(),
    };
    let caller = if p.has_account {
        let Some(login) = form.get("login_code").map(|c| c.trim()).filter(|c| !c.is_empty()) else {
            return invitation_page(&svc, &p, &code, &csrf).into_response();
        };
        let totp = form
            .get("totp")
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        let req = api::EmailCodeVerify {
            email: p.invitation.email.clone(),
            code: login.to_owned(),
            totp,
        };
        match svc.caller_from_email_code(&req, &ids).await {
            Ok(c) => Some(c),
            Err(e) => {
                let (status, detail) = problem_of(&e);
                let msg = format!("{detail} Ask for a new login code below.");
                return login_code_page(&p, &code, &csrf, Some(&msg))
                    .with_status(status)
                    .into_response();
            }
        }
    } else {
        None
    };
    match svc
        .accept_invitation_in_browser(caller.as_ref(), &ids, &code)
        .await
    {
        Ok(r) => accepted_page(&svc, &r, p.has_account).into_response(),
        Err(e) => failure(&e).into_response(),
    }
}

/// `POST /invite/decline`: the invitation is removed (like `POST
/// /v1/invitations/decline`, the code alone may decline).
pub async fn decline(
    State(svc): State<Service>,
    addr: Addr,
    ids: Ids,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ids = ids.map(|e| e.0).unwrap_or_default();
    let (_, code, _) = match checked(&svc, &addr, &headers, &body) {
        Ok(v) => v,
        Err(p) => return p.into_response(),
    };
    let p = match svc.preview_invitation(&code).await {
        Ok(p) => p,
        Err(e) => return failure(&e).into_response(),
    };
    match svc.decline_invitation(None, &ids, &code).await {
        Ok(()) => Page::new(
            StatusCode::OK,
            "Invitation declined",
            format!(
                "<p id=\"result\">You declined the invitation to the project <b>{}</b>. \
                 Nothing was created; the link no longer works.</p>\n",
                text(&p.invitation.project_name)
            ),
        )
        .into_response(),
        Err(e) => failure(&e).into_response(),
    }
}

/// The rate limit (the accept bucket), the form, its code and its CSRF token.
fn checked(
    svc: &Service,
    addr: &Addr,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(HashMap<String, String>, String, String), Page> {
    if let Some(p) = limited(svc, addr) {
        return Err(p);
    }
    let form = fields(body);
    let sent = form.get("csrf").cloned().unwrap_or_default();
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v != "same-origin" && v != "none");
    let matches =
        cookie(headers).is_some_and(|c| !sent.is_empty() && constant_time_eq(c.as_bytes(), sent.as_bytes()));
    if cross_site || !matches {
        return Err(Page::new(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "<p id=\"result\">The form was not sent from this server's invitation page, or the page \
             is too old. Open the link from your invitation mail again.</p>\n"
                .into(),
        ));
    }
    let Some(code) = form.get("code").filter(|c| !c.trim().is_empty()).cloned() else {
        return Err(missing_code());
    };
    Ok((form, code, sent))
}

fn limited(svc: &Service, addr: &Addr) -> Option<Page> {
    let ip = addr.as_ref().and_then(|a| a.0.0)?;
    svc.limiters.check(Class::Accept, ip).err().map(too_many)
}

fn too_many(secs: u64) -> Page {
    Page::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        format!("<p id=\"result\">Too many attempts from here. Try again in {secs} seconds.</p>\n"),
    )
}

fn missing_code() -> Page {
    Page::new(
        StatusCode::BAD_REQUEST,
        "No invitation code",
        "<p id=\"result\">This link has no invitation code. Open the whole link from your \
         invitation mail.</p>\n"
            .into(),
    )
}

/// The status and the detail of an error (a database error says nothing more).
fn problem_of(e: &ApiError) -> (StatusCode, String) {
    match e {
        ApiError::Problem(p) => (
            StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            p.detail.clone().unwrap_or_default(),
        ),
        ApiError::Db(err) => {
            let p = e.problem();
            if p.code == ProblemCode::Internal {
                tracing::error!(error = %err, "database error");
            }
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, "The server could not answer; try again shortly.".into())
        }
    }
}

/// The page of an error, with the error's status.
fn failure(e: &ApiError) -> Page {
    let (status, detail) = problem_of(e);
    let code = match e {
        ApiError::Problem(p) => Some(p.code),
        ApiError::Db(_) => None,
    };
    let (title, body) = match code {
        Some(ProblemCode::NotFound) => (
            "This invitation is not open",
            "This invitation was already used, revoked, or never issued. Ask the person who \
             invited you for a new one."
                .to_owned(),
        ),
        Some(ProblemCode::InvitationExpired) => (
            "This invitation has expired",
            "Ask the person who invited you to send it again.".to_owned(),
        ),
        _ => ("The invitation could not be answered", detail),
    };
    Page::new(status, title, format!("<p id=\"result\">{}</p>\n", text(&body)))
}

fn details(p: &InvitationPreview) -> String {
    let i = &p.invitation;
    let inviter = match (&p.inviter_name, &i.invited_by) {
        (Some(n), Some(u)) => format!("{} ({})", text(n), text(u)),
        (None, Some(u)) => text(u),
        _ => "a project administrator".into(),
    };
    format!(
        "<dl>\n<dt>Project</dt><dd id=\"project\">{}</dd>\n<dt>Role</dt><dd id=\"role\">{}</dd>\n\
         <dt>Invited by</dt><dd id=\"inviter\">{inviter}</dd>\n<dt>For</dt><dd id=\"email\">{}</dd>\n\
         <dt>Expires</dt><dd>{}</dd>\n</dl>\n",
        text(&i.project_name),
        text(&i.role_name),
        text(&i.email),
        text(&crate::clock::rfc3339(i.expires_at)),
    )
}

fn hidden(code: &str, csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"code\" value=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        text(code),
        text(csrf)
    )
}

fn decline_form(code: &str, csrf: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/invite/decline\">{}<button id=\"decline\" type=\"submit\">Decline</button></form>\n",
        hidden(code, csrf)
    )
}

fn invitation_page(svc: &Service, p: &InvitationPreview, code: &str, csrf: &str) -> Page {
    let mut body = format!(
        "<p>You have been invited to join a project on this accessd server.</p>\n{}",
        details(p)
    );
    let url = crate::mail::public_url(svc);
    if !p.has_account {
        body.push_str(&format!(
            "<p class=\"note\">Accepting creates your account for {}.</p>\n\
             <form method=\"post\" action=\"/invite/accept\">{}<button id=\"accept\" type=\"submit\">Accept</button></form>\n",
            text(&p.invitation.email),
            hidden(code, csrf)
        ));
    } else if svc.config.smtp_url.is_some() {
        body.push_str(&format!(
            "<p class=\"note\">{} already has an account here. To accept, prove it is yours: \
             we mail a login code to that address.</p>\n\
             <form method=\"post\" action=\"/invite/login-code\">{}<button id=\"send-code\" type=\"submit\">\
             Mail me a login code</button></form>\n",
            text(&p.invitation.email),
            hidden(code, csrf)
        ));
    } else {
        body.push_str(&format!(
            "<p class=\"note\">{} already has an account here. Log in with the CLI as that account, \
             then accept with:</p>\n<pre>{}</pre>\n",
            text(&p.invitation.email),
            text(&crate::mail::message::accept_command(&url, code)),
        ));
    }
    body.push_str(&decline_form(code, csrf));
    Page::new(
        StatusCode::OK,
        format!("Invitation to {}", p.invitation.project_name),
        body,
    )
}

fn login_code_page(p: &InvitationPreview, code: &str, csrf: &str, error: Option<&str>) -> Page {
    let mut body = details(p);
    if let Some(e) = error {
        body.push_str(&format!("<p id=\"result\" class=\"error\">{}</p>\n", text(e)));
    }
    body.push_str(&format!(
        "<p>We mailed a login code to {email} (valid 10 minutes).</p>\n\
         <form method=\"post\" action=\"/invite/accept\">{hidden}\
         <label>Login code <input type=\"text\" name=\"login_code\" inputmode=\"numeric\" \
         autocomplete=\"one-time-code\" required></label>\
         <label>TOTP code (only if you enrolled two-factor) <input type=\"text\" name=\"totp\" \
         inputmode=\"numeric\"></label>\
         <button id=\"accept\" type=\"submit\">Accept</button></form>\n\
         <form method=\"post\" action=\"/invite/login-code\">{hidden}<button id=\"send-code\" type=\"submit\">\
         Mail a new code</button></form>\n{decline}",
        email = text(&p.invitation.email),
        hidden = hidden(code, csrf),
        decline = decline_form(code, csrf),
    ));
    Page::new(
        StatusCode::OK,
        format!("Invitation to {}", p.invitation.project_name),
        body,
    )
}

fn accepted_page(svc: &Service, r: &api::AcceptResponse, existing: bool) -> Page {
    let url = crate::mail::public_url(svc);
    let login = if svc.config.smtp_url.is_some() {
        format!(
            "<p>Log in from the command line with a code mailed to you:</p>\n<pre id=\"login\">{}</pre>\n",
            text(&format!(
                "accessctl --server {url} auth login --email {}",
                r.user.email
            ))
        )
    } else {
        format!(
            "<p>This server does not mail login codes: ask a server administrator for a token \
             (<code>accessctl users tokens create {}</code>), then log in with \
             <code>{}</code>.</p>\n",
            text(&format!("{} NAME", r.user.username)),
            text(&format!("accessctl --server {url} auth login")),
        )
    };
    let account = if existing {
        String::new()
    } else {
        format!(" Your account <b>{}</b> was created.", text(&r.user.username))
    };
    // A project invitation's binding, or (an org code) the org membership.
    let (kind, role, place) = match (&r.binding, &r.project, &r.org, &r.org_member) {
        (Some(b), Some(p), _, _) => ("project", b.role.name.clone(), p.name.clone()),
        (_, _, Some(o), Some(m)) => ("organization", m.role.clone(), o.name.clone()),
        _ => ("project", String::new(), String::new()),
    };
    Page::new(
        StatusCode::OK,
        "Invitation accepted",
        format!(
            "<p id=\"result\">You are now <b>{role}</b> in the {kind} <b>{place}</b>.{account}</p>\n{login}",
            role = text(&role),
            place = text(&place),
        ),
    )
}

/// `application/x-www-form-urlencoded` fields (the first of repeated names).
fn fields(body: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == CSRF_COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| {
            v.len() == 43
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn set_cookie(svc: &Service, token: &str) -> String {
    let secure = if crate::mail::public_url(svc).starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{CSRF_COOKIE}={token}; Path=/invite; HttpOnly; SameSite=Strict; Max-Age=3600{secure}")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
