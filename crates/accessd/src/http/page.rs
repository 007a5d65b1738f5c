//! Server-rendered HTML pages (the invitation page, `/invite`): one inline
//! stylesheet allowed by its hash, no script, no external asset, and headers
//! that keep the page (and the code in its URL) out of caches, referrers and
//! frames. Every interpolated string goes through [`text`].

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The one stylesheet, inline in every page.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;\
color:#1b1b1b;line-height:1.5}h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content auto;\
gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}code,pre{background:#f2f2f2;\
padding:.1rem .3rem;overflow-wrap:anywhere;white-space:pre-wrap}form{display:inline-block;margin:1rem 1rem 0 0}\
label{display:block;margin:.5rem 0}input[type=text]{font:inherit;padding:.3rem}button{font:inherit;\
padding:.4rem 1.2rem;cursor:pointer}.note{color:#555}";

/// `Content-Security-Policy` of every page: nothing loads, only the inline
/// stylesheet above (by its SHA-256), forms post only to this origin, and no
/// other site may frame the page.
pub static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'"
    )
});

/// HTML-escapes `s` for text and (quoted) attribute values, and shows the
/// characters that could hide or reorder text (C0/C1 controls, DEL, bidi
/// controls, zero-width characters, line separators) as a visible `\u{…}`.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A page: status, title (plain text) and body (HTML, already escaped).
pub struct Page {
    pub status: StatusCode,
    pub title: String,
    pub body: String,
    /// A `Set-Cookie` value (the CSRF cookie of the invitation page).
    pub cookie: Option<String>,
}

impl Page {
    pub fn new(status: StatusCode, title: impl Into<String>, body: String) -> Page {
        Page {
            status,
            title: title.into(),
            body,
            cookie: None,
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Page {
        self.status = status;
        self
    }

    pub fn with_cookie(mut self, cookie: String) -> Page {
        self.cookie = Some(cookie);
        self
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"referrer\" content=\"no-referrer\">\
             <title>{title}</title><style>{STYLE}</style></head>\n<body>\n<h1>{title}</h1>\n{body}</body></html>\n",
            title = text(&self.title),
            body = self.body,
        );
        let mut resp = (self.status, html).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&CSP) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if let Some(c) = self.cookie
            && let Ok(v) = HeaderValue::from_str(&c)
        {
            h.insert(header::SET_COOKIE, v);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_shows_hidden_characters() {
        assert_eq!(
            super::text("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(
            super::text("a\u{1b}[31m\u{202e}b\u{200b}"),
            "a\\u{1b}[31m\\u{202e}b\\u{200b}"
        );
        assert_eq!(super::text("Zoë 🚀"), "Zoë 🚀");
    }

    #[test]
    fn the_policy_allows_only_the_inline_style() {
        assert!(super::CSP.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(super::CSP.contains("form-action 'self'"));
        assert!(super::CSP.contains("frame-ancestors 'none'"));
    }
}
