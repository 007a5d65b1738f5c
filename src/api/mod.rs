//! The API client: one method per endpoint over the `access-api` wire types
//! (see `endpoints.rs`), problem+json → [`ApiError`], pagination, retries. It prints
//! nothing, knows no clap and reads no config; a trace hook receives `-v` lines.

pub mod cli_error;
mod endpoints;
mod error;
pub mod http;
pub mod local;
mod pages;
pub mod transport;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use endpoints::AuditScope;
pub use error::ApiError;
pub use pages::Pages;
pub use transport::{ApiRequest, ApiResponse, Method, Transport};

/// Receives one trace line per request and response (`-v`); never secrets.
pub type Tracer = Arc<dyn Fn(&str) + Send + Sync>;

/// Retries after the first attempt.
const RETRIES: u32 = 3;
/// Longest `Retry-After` waited for (a longer one fails at once, as one that does not
/// fit the budget).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Page size asked for when following pagination.
const PAGE_LIMIT: u32 = 500;

/// A client of one server, over one transport.
#[derive(Clone)]
pub struct ApiClient {
    transport: Arc<dyn Transport>,
    tracer: Option<Tracer>,
    /// Announces each wait before a retry (on a terminal); never secrets.
    notifier: Option<Tracer>,
    retries: u32,
    /// How long one call may take in all, attempts and waits (`--timeout`).
    budget: Option<Duration>,
    /// `--limit N`: lists stop after N items (`None`: every page).
    list_limit: Option<usize>,
}

impl ApiClient {
    pub fn new(transport: Arc<dyn Transport>, tracer: Option<Tracer>) -> Self {
        ApiClient {
            transport,
            tracer,
            notifier: None,
            retries: RETRIES,
            budget: None,
            list_limit: None,
        }
    }

    /// A client whose lists stop after `limit` items (`--limit N`): it asks for no
    /// more pages than it needs. Meant for the one list a list command prints.
    pub fn limited(&self, limit: Option<usize>) -> ApiClient {
        ApiClient {
            list_limit: limit,
            ..self.clone()
        }
    }

    /// Bounds each call, its retries and the waits between them included, by
    /// `budget`: the client never sleeps past it, and a `Retry-After` that does not
    /// fit fails at once ([`ApiError::Busy`]).
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Where each wait before a retry is announced (`retrying in 2 s`).
    pub fn with_notifier(mut self, notifier: Option<Tracer>) -> Self {
        self.notifier = notifier;
        self
    }

    /// A client that tries each request once (shell completion: a server that is down
    /// means no candidates now, not after the backoff).
    pub fn without_retries(mut self) -> Self {
        self.retries = 0;
        self
    }

    /// Where requests go (`https://…` or `embedded`).
    pub fn describe(&self) -> String {
        self.transport.describe()
    }

    fn trace(&self, line: impl FnOnce() -> String) {
        if let Some(t) = &self.tracer {
            t(&line());
        }
    }

    /// Sends a request, retrying where that is safe, and returns a 2xx response.
    /// With a budget, the whole call (attempts and waits) ends within it.
    pub async fn execute(&self, req: ApiRequest) -> Result<ApiResponse, ApiError> {
        let retryable =
            matches!(req.method, Method::Get | Method::Put | Method::Delete) || req.idempotency_key.is_some();
        let deadline = self.budget.map(|b| (tokio::time::Instant::now() + b, b));
        let remaining = || deadline.map(|(d, _)| d.saturating_duration_since(tokio::time::Instant::now()));
        let mut attempt = 0;
        loop {
            let start = Instant::now();
            self.trace(|| {
                let (base, auth) = match self.transport.describe().as_str() {
                    "embedded" => (String::new(), "embedded, in-process user".to_owned()),
                    url if self.transport.sends_token() => {
                        (url.to_owned(), "Authorization: Bearer ***".to_owned())
                    }
                    url => (url.to_owned(), "no token".to_owned()),
                };
                format!(
                    "> {} {base}{} ({auth})",
                    req.method.as_str(),
                    redact_path(&req.path)
                )
            });
            let result = match (remaining(), deadline) {
                (Some(left), Some((_, budget))) => tokio::time::timeout(left, self.transport.send(&req))
                    .await
                    .unwrap_or(Err(ApiError::Timeout(budget))),
                _ => self.transport.send(&req).await,
            };
            // (how long to wait, whether the server asked for it, what to announce)
            let wait = match &result {
                Ok(r) => {
                    self.trace(|| {
                        format!(
                            "< {} {} in {}ms{}",
                            r.status,
                            req.method.as_str(),
                            start.elapsed().as_millis(),
                            r.request_id
                                .as_deref()
                                .map(|id| format!(" (request id {id})"))
                                .unwrap_or_default()
                        )
                    });
                    matches!(r.status, 429 | 502 | 503 | 504).then(|| match r.retry_after {
                        Some(d) => (d, true, format!("the server is busy ({})", r.status)),
                        None => (
                            backoff(attempt),
                            false,
                            format!("the server answered {}", r.status),
                        ),
                    })
                }
                Err(ApiError::Connect(msg)) => {
                    self.trace(|| format!("< connection failed: {msg}"));
                    Some((backoff(attempt), false, "cannot reach the server".to_owned()))
                }
                Err(e) => {
                    self.trace(|| format!("< failed: {e}"));
                    None
                }
            };
            match wait {
                Some((d, asked, why)) if retryable && attempt < self.retries => {
                    let fits = d <= MAX_RETRY_AFTER && remaining().is_none_or(|left| d < left);
                    if !fits {
                        self.trace(|| {
                            format!("  not waiting {}ms: past the --timeout budget", d.as_millis())
                        });
                        if asked {
                            return Err(ApiError::Busy(d));
                        }
                        return into_success(result?);
                    }
                    self.trace(|| format!("  retrying in {}ms", d.as_millis()));
                    if let Some(notify) = &self.notifier {
                        notify(&format!(
                            "{why}; retrying in {} (retry {} of {})",
                            human(d),
                            attempt + 1,
                            self.retries
                        ));
                    }
                    tokio::time::sleep(d).await;
                    attempt += 1;
                }
                _ => return into_success(result?),
            }
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        body: Option<&impl Serialize>,
    ) -> Result<T, ApiError> {
        let resp = self.execute(request(method, path, body)?).await?;
        decode(&resp.body)
    }

    /// A POST sent once, without an `Idempotency-Key` (so never retried): login
    /// codes are single-use, and asking twice mails twice.
    async fn post_once<T: DeserializeOwned>(
        &self,
        path: String,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let mut req = request(Method::Post, path, Some(body))?;
        req.idempotency_key = None;
        let resp = self.execute(req).await?;
        decode(&resp.body)
    }

    /// A POST whose `Idempotency-Key` the caller chose (instead of a random one), so
    /// that the same request sent again gets the server's first answer.
    async fn post_with_key<T: DeserializeOwned>(
        &self,
        path: String,
        body: &impl Serialize,
        idempotency_key: &str,
    ) -> Result<T, ApiError> {
        let mut req = request(Method::Post, path, Some(body))?;
        req.idempotency_key = Some(idempotency_key.to_owned());
        let resp = self.execute(req).await?;
        decode(&resp.body)
    }

    /// Like `call`, sending `If-Match` when given; also returns the answer's `ETag`.
    async fn call_tagged<T: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        body: Option<&impl Serialize>,
        if_match: Option<&str>,
    ) -> Result<(T, Option<String>), ApiError> {
        let mut req = request(method, path, body)?;
        req.if_match = if_match.map(str::to_owned);
        let resp = self.execute(req).await?;
        Ok((decode(&resp.body)?, resp.etag))
    }

    async fn call_empty(&self, method: Method, path: String) -> Result<(), ApiError> {
        self.execute(request(method, path, None::<&()>)?)
            .await
            .map(|_| ())
    }

    /// Follows `next_cursor` until the end (or the client's `--limit`); a repeated
    /// cursor is an error.
    async fn list<T: DeserializeOwned>(&self, path: String) -> Result<Vec<T>, ApiError> {
        self.pages(path).collect().await
    }

    /// The pages of a list, fetched one at a time as the caller asks for them.
    fn pages<T: DeserializeOwned>(&self, path: String) -> Pages<T> {
        Pages::new(self.clone(), path)
    }
}

fn request(method: Method, path: String, body: Option<&impl Serialize>) -> Result<ApiRequest, ApiError> {
    let body = body
        .map(serde_json::to_vec)
        .transpose()
        .map_err(|e| ApiError::Transport(format!("cannot encode request: {e}")))?;
    // POSTs carry an idempotency key so that retrying them is safe.
    let idempotency_key = (method == Method::Post).then(|| uuid::Uuid::new_v4().to_string());
    Ok(ApiRequest {
        method,
        path,
        body,
        idempotency_key,
        if_match: None,
    })
}

fn into_success(resp: ApiResponse) -> Result<ApiResponse, ApiError> {
    if (200..300).contains(&resp.status) {
        return Ok(resp);
    }
    let is_problem = resp.content_type.as_deref().is_some_and(|c| c.contains("json"));
    if is_problem && let Ok(problem) = serde_json::from_slice::<access_api::Problem>(&resp.body) {
        return Err(ApiError::Problem {
            status: resp.status,
            problem: Box::new(problem),
        });
    }
    let body = String::from_utf8_lossy(&resp.body[..resp.body.len().min(200)]).into_owned();
    Err(ApiError::Status {
        status: resp.status,
        body,
    })
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.is_empty() { b"null".as_slice() } else { body };
    serde_json::from_slice(body).map_err(|e| ApiError::Decode(e.to_string()))
}

/// Jittered exponential backoff: ~200ms, 400ms, 800ms.
fn backoff(attempt: u32) -> Duration {
    let base = 200u64 << attempt.min(5);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    Duration::from_millis(base / 2 + nanos % base.max(1))
}

/// `2 s`, `400 ms`.
fn human(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{} s", d.as_secs() + u64::from(d.subsec_nanos() > 0))
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Cursors are opaque and may encode state; keep them out of traces.
fn redact_path(path: &str) -> String {
    match path.find("cursor=") {
        Some(i) => {
            let end = path[i..].find('&').map(|j| i + j).unwrap_or(path.len());
            format!("{}cursor=***{}", &path[..i], &path[end..])
        }
        None => path.to_owned(),
    }
}

/// Percent-encodes a path segment or query value.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Answers from a script and counts attempts.
    struct Scripted {
        statuses: Mutex<Vec<u16>>,
        attempts: AtomicU32,
        pages: bool,
        /// The `Idempotency-Key` of every attempt.
        keys: Mutex<Vec<Option<String>>>,
        retry_after: Duration,
    }

    impl Transport for Scripted {
        fn send<'a>(
            &'a self,
            req: &'a ApiRequest,
        ) -> transport::BoxFuture<'a, Result<ApiResponse, ApiError>> {
            Box::pin(async move {
                self.attempts.fetch_add(1, Ordering::SeqCst);
                self.keys.lock().unwrap().push(req.idempotency_key.clone());
                let body = if self.pages {
                    let n = if req.path.contains("cursor=") { "b" } else { "a" };
                    format!(r#"{{"items":["{n}"],"next_cursor":"c"}}"#).into_bytes()
                } else {
                    br#"{"code":"unavailable","title":"x","status":503}"#.to_vec()
                };
                let status = self.statuses.lock().unwrap().pop().unwrap_or(200);
                Ok(ApiResponse {
                    status,
                    content_type: Some("application/problem+json".into()),
                    retry_after: Some(self.retry_after),
                    request_id: None,
                    etag: None,
                    body,
                })
            })
        }
        fn describe(&self) -> String {
            "test".into()
        }
    }

    fn client(statuses: Vec<u16>, pages: bool) -> (ApiClient, Arc<Scripted>) {
        let t = Arc::new(Scripted {
            statuses: Mutex::new(statuses),
            attempts: AtomicU32::new(0),
            pages,
            keys: Mutex::default(),
            retry_after: Duration::from_millis(1),
        });
        (ApiClient::new(t.clone(), None), t)
    }

    #[tokio::test]
    async fn get_retries_503_then_gives_up() {
        let (c, t) = client(vec![503; 10], false);
        let err = c
            .execute(request(Method::Get, "/v1/x".into(), None::<&()>).unwrap())
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Problem { status: 503, .. }));
        assert_eq!(t.attempts.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn unkeyed_post_is_sent_once_and_4xx_never_retried() {
        let (c, t) = client(vec![503], false);
        let mut req = request(Method::Post, "/v1/x".into(), Some(&1)).unwrap();
        req.idempotency_key = None;
        assert!(c.execute(req).await.is_err());
        assert_eq!(t.attempts.load(Ordering::SeqCst), 1);
        let (c, t) = client(vec![404], false);
        assert!(
            c.execute(request(Method::Get, "/v1/x".into(), None::<&()>).unwrap())
                .await
                .is_err()
        );
        assert_eq!(t.attempts.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_chosen_key_replaces_the_random_one_and_retries_reuse_it() {
        let (c, t) = client(vec![503, 503], false);
        // Two 503s, then a 200.
        c.post_with_key::<serde_json::Value>("/v1/x".into(), &1, "key-1")
            .await
            .unwrap();
        assert_eq!(t.attempts.load(Ordering::SeqCst), 3);
        assert_eq!(*t.keys.lock().unwrap(), vec![Some("key-1".to_owned()); 3]);

        // Without a chosen key every POST gets its own random one, reused by its retries.
        let (c, t) = client(vec![503], false);
        let _ = c
            .execute(request(Method::Post, "/v1/x".into(), Some(&1)).unwrap())
            .await;
        let _ = c
            .execute(request(Method::Post, "/v1/x".into(), Some(&1)).unwrap())
            .await;
        let keys = t.keys.lock().unwrap().clone();
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0], keys[1], "the retry reuses the key");
        assert_ne!(keys[1], keys[2], "another request gets another key");
        assert!(keys.iter().all(|k| k.as_ref().is_some_and(|k| k.len() == 36)));
    }

    /// A `Retry-After` longer than the budget left fails at once, without sleeping
    /// (the paused clock proves it: any sleep would advance it).
    #[tokio::test(start_paused = true)]
    async fn retry_after_past_the_budget_fails_at_once() {
        for (status, asked) in [(503, 30), (429, 30), (503, 31), (503, 3)] {
            let t = Arc::new(Scripted {
                statuses: Mutex::new(vec![status; 10]),
                attempts: AtomicU32::new(0),
                pages: false,
                keys: Mutex::default(),
                retry_after: Duration::from_secs(asked),
            });
            let announced = Arc::new(Mutex::new(Vec::<String>::new()));
            let sink = announced.clone();
            let c = ApiClient::new(t.clone(), None)
                .with_budget(Duration::from_secs(3))
                .with_notifier(Some(Arc::new(move |l: &str| {
                    sink.lock().unwrap().push(l.to_owned())
                })));
            let before = tokio::time::Instant::now();
            let err = c
                .execute(request(Method::Get, "/v1/x".into(), None::<&()>).unwrap())
                .await
                .unwrap_err();
            assert!(
                matches!(err, ApiError::Busy(d) if d.as_secs() == asked),
                "{err:?}"
            );
            assert_eq!(
                err.to_string(),
                format!("the server is busy; it asks to retry in {asked} s")
            );
            assert_eq!(t.attempts.load(Ordering::SeqCst), 1);
            assert_eq!(tokio::time::Instant::now(), before, "no sleep");
            assert!(announced.lock().unwrap().is_empty());
        }
    }

    /// Waits that fit are taken and announced; the budget covers them all, so the
    /// call ends by the budget even when each wait alone would fit.
    #[tokio::test(start_paused = true)]
    async fn waits_within_the_budget_are_announced_and_bounded() {
        let t = Arc::new(Scripted {
            statuses: Mutex::new(vec![503; 10]),
            attempts: AtomicU32::new(0),
            pages: false,
            keys: Mutex::default(),
            retry_after: Duration::from_secs(2),
        });
        let announced = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = announced.clone();
        let c = ApiClient::new(t.clone(), None)
            .with_budget(Duration::from_secs(5))
            .with_notifier(Some(Arc::new(move |l: &str| {
                sink.lock().unwrap().push(l.to_owned())
            })));
        let before = tokio::time::Instant::now();
        let err = c
            .execute(request(Method::Get, "/v1/x".into(), None::<&()>).unwrap())
            .await
            .unwrap_err();
        // 2 s + 2 s fit in 5 s; a third 2 s wait would not: the third answer is the error.
        assert!(matches!(err, ApiError::Busy(_)), "{err:?}");
        assert_eq!(t.attempts.load(Ordering::SeqCst), 3);
        assert!(tokio::time::Instant::now() - before <= Duration::from_secs(5));
        assert_eq!(
            *announced.lock().unwrap(),
            [
                "the server is busy (503); retrying in 2 s (retry 1 of 3)",
                "the server is busy (503); retrying in 2 s (retry 2 of 3)"
            ]
        );
    }

    #[tokio::test]
    async fn without_retries_tries_once() {
        let (c, t) = client(vec![503; 10], false);
        let c = c.without_retries();
        assert!(
            c.execute(request(Method::Get, "/v1/x".into(), None::<&()>).unwrap())
                .await
                .is_err()
        );
        assert_eq!(t.attempts.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn repeated_cursor_is_an_error() {
        let (c, _) = client(vec![], true);
        let err = c.list::<String>("/v1/x".into()).await.unwrap_err();
        assert!(matches!(err, ApiError::CursorRepeated), "{err:?}");
    }

    #[test]
    fn encoding_and_redaction() {
        assert_eq!(enc("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(enc("x@y.z"), "x@y.z");
        assert_eq!(
            redact_path("/v1/x?limit=5&cursor=abc&y=1"),
            "/v1/x?limit=5&cursor=***&y=1"
        );
    }
}
