//! A real accessd on 127.0.0.1:0 (temp SQLite) and a hermetic home for the real
//! accessctl binary: env cleared, temp HOME, RUST_BACKTRACE=1 to prove no backtrace.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use access_api::CreateUser;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_accessctl");

/// A running accessd and its bootstrap admin's token.
pub struct Server {
    pub url: String,
    pub admin_token: String,
    /// Added to the server's wall clock (ms), to cross expiry without sleeping.
    clock_offset: std::sync::Arc<std::sync::atomic::AtomicI64>,
    /// Mail received by the in-test SMTP sink ([`Server::start_with_mail_sink`]).
    mail: Option<std::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<accessd::testing::SinkedMail>>>,
    rt: Option<tokio::runtime::Runtime>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    /// One HTTP client for every setup call ([`Server::api`]), built on first use.
    http: std::sync::OnceLock<reqwest::Client>,
    _dir: TempDir,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(Front::None)
    }

    /// A server whose invitation POSTs (or later list pages) pass through `gate`.
    pub fn start_gated(gate: &Gate) -> Server {
        Server::start_with(Front::Gate(gate.clone()))
    }

    /// A server with mail delivery configured (`ACCESSD_SMTP_URL`): its create and
    /// resend answers say `delivery: "mail"` and carry no code. The relay is a port
    /// where nothing listens: mail goes out in the background after the answer, and
    /// its failure is only logged, so the CLI's side needs no mail sink.
    pub fn start_mailing() -> Server {
        Server::start_with(Front::Mail)
    }

    /// A server that delivers mail to an in-test SMTP sink ([`Server::next_mail`]).
    pub fn start_with_mail_sink() -> Server {
        Server::start_with(Front::Sink)
    }

    /// The next mail the sink received: (recipients, data).
    pub fn next_mail(&self) -> accessd::testing::SinkedMail {
        let rx = self.mail.as_ref().expect("a server with a mail sink");
        let mut rx = rx.lock().unwrap();
        self.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
                .await
                .expect("no mail within 30 s")
                .expect("the sink stopped")
        })
    }

    fn start_with(front: Front) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let db = dir.path().join("accessd.db");
        let clock_offset = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let offset = clock_offset.clone();
        let system = accessd::clock::system();
        let clock: accessd::Clock =
            std::sync::Arc::new(move || system() + offset.load(std::sync::atomic::Ordering::SeqCst));
        let (app, token, listener, mail) = rt.block_on(async {
            let (smtp_url, mail) = match front {
                Front::Mail => (Some(dead_url().replace("http://", "smtp://")), None),
                Front::Sink => {
                    let (url, rx) = accessd::testing::smtp_sink().await;
                    (Some(url), Some(std::sync::Mutex::new(rx)))
                }
                _ => (None, None),
            };
            let config = accessd::Config {
                database_url: format!("sqlite://{}", db.display()),
                smtp_url,
                ..Default::default()
            };
            let app = accessd::App::with_clock(config, clock)
                .await
                .expect("open accessd");
            let boot = app
                .bootstrap(CreateUser {
                    username: "admin".into(),
                    email: "admin@example.com".into(),
                    name: Some("Ada Admin".into()),
                })
                .await
                .expect("bootstrap");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            (app, boot.token.token, listener, mail)
        });
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = rx.await;
        };
        let spawn = |router: axum::Router, listener: tokio::net::TcpListener, shutdown| {
            rt.spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(shutdown)
                    .await
            });
        };
        match front {
            Front::None | Front::Mail | Front::Sink => {
                rt.spawn(accessd::serve(app, listener, shutdown));
            }
            // What accessd::serve does, with the gate in front of the router.
            Front::Gate(gate) => spawn(
                app.router()
                    .layer(axum::middleware::from_fn_with_state(gate, gate_layer)),
                listener,
                shutdown,
            ),
        }
        Server {
            url,
            admin_token: token,
            clock_offset,
            mail,
            rt: Some(rt),
            shutdown: Some(tx),
            http: std::sync::OnceLock::new(),
            _dir: dir,
        }
    }

    /// Moves the server's clock forward by `ms` milliseconds.
    /// Makes a binding of `email` to `role` in the current project that expired at
    /// 2001-01-01 (the server refuses a past expiry, so its clock is set back to 2000
    /// for the request).
    pub fn bind_expired(&self, home: &Home, email: &str, role: &str) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let back = now - 946_684_800_000; // 2000-01-01T00:00:00Z
        self.advance_clock(-back);
        let r = home.run(&[
            "roles",
            "add-binding",
            "--email",
            email,
            "--role",
            role,
            "--expires-at",
            "2001-01-01T00:00:00Z",
        ]);
        self.advance_clock(back);
        r.ok();
    }

    /// The server's clock (unix ms).
    pub fn now_ms(&self) -> i64 {
        accessd::clock::system()() + self.clock_offset.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Moves the server's clock to one second into a 30 s TOTP step, so that a code
    /// computed now stays current for the next 29 s.
    pub fn align_to_totp_step(&self) {
        let into = self.now_ms().rem_euclid(30_000);
        self.advance_clock(30_000 - into + 1000);
    }

    /// The TOTP code of `secret` at the server's clock plus `steps` steps.
    pub fn totp(&self, secret: &str, steps: i64) -> String {
        accessd::mfa::code_at(secret, self.now_ms() + steps * 30_000).unwrap()
    }

    pub fn advance_clock(&self, ms: i64) {
        self.clock_offset
            .fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }

    /// Runs a future on the server's runtime (direct API calls in test setup).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.as_ref().unwrap().block_on(f)
    }

    /// A raw API call with a token, for setup the CLI has no command for.
    pub fn api(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let url = format!("{}{path}", self.url);
        let client = self.http().clone();
        self.block_on(async {
            let mut req = client.request(method.parse().unwrap(), url).bearer_auth(token);
            if let Some(b) = body {
                req = req.header("content-type", "application/json").body(b.to_string());
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap();
            (
                status,
                serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            )
        })
    }

    /// The server's one HTTP client for setup requests (plain http: no
    /// certificate store is read for it).
    pub fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(reqwest::Client::new)
    }

    /// Creates a user (as admin) and a token for them; returns the token.
    pub fn user_with_token(&self, username: &str, email: &str, name: &str) -> String {
        let (status, user) = self.api(
            &self.admin_token,
            "POST",
            "/v1/users",
            Some(serde_json::json!({"username": username, "email": email, "name": name})),
        );
        assert_eq!(status, 201, "{user}");
        let id = user["id"].as_str().unwrap();
        let (status, token) = self.api(
            &self.admin_token,
            "POST",
            &format!("/v1/users/{id}/tokens"),
            Some(serde_json::json!({"name": "test"})),
        );
        assert_eq!(status, 201, "{token}");
        token["token"].as_str().unwrap().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// Holds invitation POSTs (`POST …/invitations`) after the first `free` ones (or
/// the later pages of lists, [`Gate::later_pages`]) until
/// the test opens it, and counts the held ones, so a test can act while a known
/// number of requests is in flight without sleeping.
#[derive(Clone)]
pub struct Gate(std::sync::Arc<GateState>);

struct GateState {
    /// Which requests the gate holds.
    holds: Holds,
    free: std::sync::atomic::AtomicUsize,
    held: tokio::sync::watch::Sender<usize>,
    open: tokio::sync::watch::Sender<bool>,
}

#[derive(Clone, Copy, PartialEq)]
enum Holds {
    InvitationPosts,
    /// GETs of a list's second and later pages (a `cursor=` in the query).
    LaterPages,
}

impl Gate {
    pub fn new(free: usize) -> Gate {
        Gate::holding(Holds::InvitationPosts, free)
    }

    /// Holds every GET that asks for a list's next page (`cursor=`).
    pub fn later_pages() -> Gate {
        Gate::holding(Holds::LaterPages, 0)
    }

    fn holding(holds: Holds, free: usize) -> Gate {
        Gate(std::sync::Arc::new(GateState {
            holds,
            free: free.into(),
            held: tokio::sync::watch::Sender::new(0),
            open: tokio::sync::watch::Sender::new(false),
        }))
    }

    /// Waits (on the server's runtime) until `n` requests are held; panics after a
    /// minute so a broken CLI fails the test instead of hanging it.
    pub fn wait_held(&self, server: &Server, n: usize) {
        let mut held = self.0.held.subscribe();
        server.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(60), held.wait_for(|h| *h >= n))
                .await
                .unwrap_or_else(|_| panic!("{n} requests were never held"))
                .unwrap();
        });
    }

    /// How many requests have been held so far.
    pub fn held(&self) -> usize {
        *self.0.held.borrow()
    }

    /// Lets every held and later request through.
    pub fn open(&self) {
        self.0.open.send_replace(true);
    }

    /// Holds the gate's requests again (after [`Gate::open`]).
    pub fn close(&self) {
        self.0.open.send_replace(false);
    }
}

async fn gate_layer(
    axum::extract::State(gate): axum::extract::State<Gate>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let held_kind = match gate.0.holds {
        Holds::InvitationPosts => {
            req.method() == axum::http::Method::POST && req.uri().path().ends_with("/invitations")
        }
        Holds::LaterPages => {
            req.method() == axum::http::Method::GET
                && req.uri().query().is_some_and(|q| q.contains("cursor="))
        }
    };
    let free = || {
        gate.0
            .free
            .fetch_update(
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
                |n| n.checked_sub(1),
            )
            .is_ok()
    };
    if held_kind && !free() {
        let mut open = gate.0.open.subscribe();
        gate.0.held.send_modify(|h| *h += 1);
        let _ = open.wait_for(|o| *o).await;
    }
    next.run(req).await
}

/// How a test's server differs from the default one.
enum Front {
    None,
    /// The gate in front of the router.
    Gate(Gate),
    /// Mail delivery configured.
    Mail,
    /// Mail delivery to an in-test SMTP sink.
    Sink,
}

/// A URL where nothing listens: bind a port, then drop the listener.
pub fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    format!("http://{addr}")
}

/// One user's machine: a temp HOME and nothing else in the environment.
pub struct Home {
    pub dir: TempDir,
    env: Vec<(String, String)>,
}

/// What one run of accessctl did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The run's HOME, shown as `[HOME]` in the transcript (empty: none).
    pub home: PathBuf,
}

/// A command line: as the user types it (`"roles add-binding --email
/// bob@example.com --role developer"`, split as a POSIX shell would, quotes
/// included), or as separate arguments.
pub trait CommandLine {
    fn to_args(&self) -> Vec<String>;
}

impl<T: CommandLine> CommandLine for &T {
    fn to_args(&self) -> Vec<String> {
        (**self).to_args()
    }
}

impl CommandLine for &str {
    fn to_args(&self) -> Vec<String> {
        shlex::split(self).unwrap_or_else(|| panic!("unbalanced quotes in {self:?}"))
    }
}

impl CommandLine for &String {
    fn to_args(&self) -> Vec<String> {
        self.as_str().to_args()
    }
}

impl CommandLine for &[&str] {
    fn to_args(&self) -> Vec<String> {
        self.iter().map(|s| (*s).to_owned()).collect()
    }
}

impl<const N: usize> CommandLine for &[&str; N] {
    fn to_args(&self) -> Vec<String> {
        self.as_slice().to_args()
    }
}

impl CommandLine for &Vec<&str> {
    fn to_args(&self) -> Vec<String> {
        self.as_slice().to_args()
    }
}

impl CommandLine for &[String] {
    fn to_args(&self) -> Vec<String> {
        self.to_vec()
    }
}

impl CommandLine for &Vec<String> {
    fn to_args(&self) -> Vec<String> {
        self.to_vec()
    }
}

/// The run as a transcript for an inline snapshot (`insta::assert_snapshot!(run,
/// @"…")`): stdout, stderr and the exit code, each section only when it has
/// something, so a stray or repeated line fails the snapshot. What differs from
/// one run to the next is replaced: each distinct UUID by
/// `00000000-0000-0000-0000-000000000001`, `…002`, … in order of appearance (the
/// same ID keeps its number across stdout and stderr; same width, so tables stay
/// aligned),
/// RFC 3339 times by `[TIME]`, invitation codes and tokens by `inv_xxx…` /
/// `acc_xxx…` (same width), the test server's `http://127.0.0.1:PORT` by
/// `[SERVER]`, a context named after it (`127.0.0.1-PORT`) by `127.0.0.1-[PORT]`,
/// `-v` request durations (`in 12ms`) by `in [N]ms` and the temp HOME by `[HOME]`.
impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        if !self.stdout.is_empty() {
            text.push_str(&self.stdout);
            if !self.stdout.ends_with('\n') {
                text.push_str("[no newline at the end]\n");
            }
        }
        if !self.stderr.is_empty() {
            text.push_str("----- stderr -----\n");
            text.push_str(&self.stderr);
            if !self.stderr.ends_with('\n') {
                text.push_str("[no newline at the end]\n");
            }
        }
        if self.code != 0 {
            text.push_str(&format!("----- exit {} -----\n", self.code));
        }
        f.write_str(&normalize(&text, &self.home))
    }
}

fn normalize(text: &str, home: &Path) -> String {
    use std::sync::LazyLock;
    static UUID: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap()
    });
    static TIME: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?").unwrap()
    });
    static SECRET: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\b(inv|acc)_[A-Za-z0-9_-]{8,}").unwrap());
    static SERVER: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"http://127\.0\.0\.1:\d+").unwrap());
    static CONTEXT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\b127\.0\.0\.1-\d+\b").unwrap());
    static DURATION: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r" in \d+ms\b").unwrap());
    let text = match home.to_str() {
        Some(h) if !h.is_empty() => text.replace(h, "[HOME]"),
        _ => text.to_owned(),
    };
    let mut seen: Vec<String> = Vec::new();
    let text = UUID.replace_all(&text, |c: &regex::Captures| {
        let id = c[0].to_owned();
        let n = match seen.iter().position(|s| *s == id) {
            Some(i) => i + 1,
            None => {
                seen.push(id);
                seen.len()
            }
        };
        format!("00000000-0000-0000-0000-{n:012}")
    });
    let text = TIME.replace_all(&text, "[TIME]");
    // Codes and tokens: the prefix kept, the random part as x's of its width.
    let text = SECRET.replace_all(&text, |c: &regex::Captures| {
        format!("{}_{}", &c[1], "x".repeat(c[0].len() - c[1].len() - 1))
    });
    let text = SERVER.replace_all(&text, "[SERVER]");
    let text = CONTEXT.replace_all(&text, "127.0.0.1-[PORT]");
    DURATION.replace_all(&text, " in [N]ms").into_owned()
}

impl Run {
    /// Asserts the exit code, and that no panic or backtrace leaked.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("stack backtrace"),
            "{}",
            self.stderr
        );
        self
    }

    /// Exit 0 and no `error:` line.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.code(0);
        assert!(!self.stderr.contains("error:"), "{}", self.stderr);
        self
    }

    /// A failure: exactly one `error:` line and nothing on stdout.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &Self {
        self.code(code);
        assert_eq!(
            self.stderr.matches("error:").count(),
            1,
            "one error line expected:\n{}",
            self.stderr
        );
        assert!(
            self.stderr.starts_with("error: ") || self.stderr.contains("\nerror: "),
            "{}",
            self.stderr
        );
        assert_eq!(self.stdout, "", "stdout must be empty on failure");
        self
    }

    /// Exactly one `error:` line on stderr (a batch's per-item failures are result
    /// lines; its summary is the one error).
    #[track_caller]
    pub fn one_error(&self) -> &Self {
        assert_eq!(
            self.stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "one error line expected:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }

    /// The run with `text` shown as `shown` in stdout and stderr, for what the
    /// transcript's own normalisation does not tell apart (a second local server is
    /// `[SERVER]` too).
    pub fn shown_as(self, text: &str, shown: &str) -> Run {
        Run {
            stdout: self.stdout.replace(text, shown),
            stderr: self.stderr.replace(text, shown),
            ..self
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
            env: Vec::new(),
        }
    }

    /// Adds an environment variable to every run.
    pub fn env(mut self, k: &str, v: &str) -> Home {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_path(&self) -> PathBuf {
        self.path().join(".config/accessctl/config.toml")
    }

    pub fn command(&self, args: impl CommandLine) -> Command {
        let args = args.to_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.program(BIN, &args)
    }

    /// Another program (a shell) with the same hermetic environment.
    pub fn program(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("USER", "tester")
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// `roles add-binding --email EMAIL --role ROLE` (plus `extra` global flags
    /// such as `--project P`), which must succeed.
    pub fn bind(&self, extra: &[&str], email: &str, role: &str) {
        let mut args = extra.to_vec();
        args.extend(["roles", "add-binding", "--email", email, "--role", role]);
        self.run(&args).ok();
    }

    /// `roles invitations invite-user EMAIL --role ROLE`, which must succeed: the
    /// new invitation's code.
    pub fn invite(&self, email: &str, role: &str) -> String {
        let r = self.run(&[
            "-o",
            "json",
            "roles",
            "invitations",
            "invite-user",
            email,
            "--role",
            role,
        ]);
        r.ok();
        r.json()[0]["invitation"]["code"].as_str().unwrap().to_owned()
    }

    /// Runs accessctl with `args`: `home.run("roles list-bindings -o json")`, or
    /// `home.run(&["roles", "list-bindings"])`.
    pub fn run(&self, args: impl CommandLine) -> Run {
        self.run_stdin(args, None)
    }

    /// Runs each command line in turn and returns the session as a user would
    /// see it: `$ accessctl LINE` then that run's transcript ([`Run`]'s
    /// `Display`), for one inline snapshot of several steps.
    pub fn session(&self, lines: &[&str]) -> String {
        let mut out = String::new();
        for line in lines {
            let run = self.run(*line);
            out.push_str(&format!("$ accessctl {line}\n{run}"));
        }
        out
    }

    /// Runs accessctl with `stdin` as its standard input (`None`: none). In this
    /// process when the run reads nothing from the environment but what its
    /// [`accessctl::process::Process`] holds ([`Home::in_process`]), else the binary.
    pub fn run_stdin(&self, args: impl CommandLine, stdin: Option<&str>) -> Run {
        let args = args.to_args();
        if self.in_process(&args) {
            self.run_in_process_stdin(&args, stdin)
        } else {
            self.run_binary(&args, stdin)
        }
    }

    /// Whether a run of `args` prints the same in this process as the binary does.
    /// Not when something reads this process's own environment instead of the
    /// run's: clap's `ACCESSCTL_*` fallbacks, clap_complete's `COMPLETE`, jq's `$ENV`
    /// and `env`; nor when the run starts an editor or a pager (they inherit this
    /// process's environment), or the directories come from `XDG_*`.
    /// `ACCESSCTL_TEST_BINARY=1` runs the binary for every run (the suite as it was,
    /// for comparing the two and timing them).
    pub fn in_process(&self, args: &[String]) -> bool {
        if std::env::var_os("ACCESSCTL_TEST_BINARY").is_some_and(|v| v == "1") {
            return false;
        }
        let read_from_the_process = read_from_the_process();
        let home_sets = |k: &str| {
            read_from_the_process.iter().any(|v| v == k)
                || k.starts_with("XDG_")
                || matches!(k, "EDITOR" | "VISUAL" | "PAGER" | "ACCESSCTL_PAGER")
        };
        let jq_reads_env = args
            .iter()
            .any(|a| a.starts_with("--jq") || a.starts_with("--template"))
            && args.iter().any(|a| a.contains("env") || a.contains("ENV"));
        !jq_reads_env
            && !self.env.iter().any(|(k, _)| home_sets(k))
            && !read_from_the_process
                .iter()
                .any(|k| std::env::var_os(k).is_some())
    }

    /// Runs the accessctl binary, whatever [`Home::in_process`] says.
    pub fn run_binary(&self, args: impl CommandLine, stdin: Option<&str>) -> Run {
        let mut cmd = self.command(args);
        if stdin.is_some() {
            cmd.stdin(Stdio::piped());
        }
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            // A command that must not read stdin may exit before the write: a broken
            // pipe is then the expected outcome, not a harness failure.
            let written = child.stdin.take().unwrap().write_all(input.as_bytes());
            if let Err(e) = written {
                assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
            }
        }
        self.finished(child.wait_with_output().unwrap())
    }

    /// The run of a child started from [`Home::command`] (stdout and stderr piped),
    /// once it exited.
    pub fn finished(&self, out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
            home: self.path().to_path_buf(),
        }
    }

    /// Runs accessctl in this process (`accessctl::run_in` with a captured
    /// [`accessctl::process::Process`]): the same HOME, USER and extra environment,
    /// stdin empty, no terminal. Only for runs that read no other environment
    /// (see [`Home::in_process`]).
    pub fn run_in_process(&self, args: impl CommandLine) -> Run {
        self.run_in_process_stdin(&args.to_args(), None)
    }

    fn run_in_process_stdin(&self, args: &[String], stdin: Option<&str>) -> Run {
        let mut env = vec![
            ("HOME".to_owned(), self.path().display().to_string()),
            ("USER".to_owned(), "tester".to_owned()),
        ];
        env.extend(self.env.iter().cloned());
        let (process, captured) = accessctl::process::Process::captured(
            env,
            stdin.map(|s| s.as_bytes().to_vec()),
            self.path().join(".config/accessctl"),
            self.path().join(".local/share/accessctl"),
        );
        let mut argv = vec![std::ffi::OsString::from("accessctl")];
        argv.extend(args.iter().map(Into::into));
        let code = accessctl::run_in(&process, argv);
        Run {
            code: i32::from(code),
            stdout: String::from_utf8(captured.stdout()).unwrap(),
            stderr: String::from_utf8(captured.stderr()).unwrap(),
            home: self.path().to_path_buf(),
        }
    }

    /// `auth login --with-token` as context `test`, which becomes current.
    pub fn login(&self, server: &Server, token: &str) -> Run {
        let args = [
            "-v",
            "auth",
            "login",
            "--server",
            &server.url,
            "--context",
            "test",
            "--with-token",
        ];
        let r = self.run_stdin(&args, Some(token));
        r.ok().stderr_has("> GET ");
        assert!(
            !r.stdout.contains(token) && !r.stderr.contains(token),
            "login -v leaked the token"
        );
        r
    }
}

/// The variables accessctl reads from its own process rather than from its
/// [`accessctl::process::Process`]: clap's `env =` fallbacks of every argument
/// (read off the CLI's own clap tree, so a new one is never missed) and
/// clap_complete's `COMPLETE`.
fn read_from_the_process() -> &'static [String] {
    use clap::CommandFactory;
    use std::sync::LazyLock;
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(v) = arg.get_env().and_then(|v| v.to_str()) {
                out.push(v.to_owned());
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    static VARS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut vars = vec!["COMPLETE".to_owned()];
        walk(&accessctl::cli::Cli::command(), &mut vars);
        vars.sort();
        vars.dedup();
        vars
    });
    &VARS
}

/// The cells of a plain (non-TTY) table line; empty cells are dropped.
pub fn cells(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A server, and an admin logged in (context `test`) with project `shop` selected.
pub fn admin_with_project() -> (Server, Home) {
    admin_with_project_on(Server::start())
}

/// [`admin_with_project`] on a given server (a gated one).
pub fn admin_with_project_on(server: Server) -> (Server, Home) {
    let home = Home::new();
    home.login(&server, &server.admin_token.clone());
    home.run(&["projects", "new", "shop", "--description", "The shop"])
        .ok();
    home.run(&["config", "set", "project", "shop"]).ok();
    (server, home)
}
