//! accessd: the access-control server behind accessctl.
//!
//! The library is what both the `accessd` binary and the CLI's embedded `local`
//! context run: [`App::open`] connects and migrates the database, [`App::router`]
//! is the whole HTTP API as an axum `Router` (served over TCP by [`serve`], or
//! called in-process as a `tower::Service`).
//!
//! Layers: `http` (thin handlers) → `service` (the rules; invariants in
//! `service::rules`) → `store` (SQL). See the crate README for the decisions.

pub mod clock;
pub mod db;
pub mod error;
pub mod http;
pub mod limits;
pub mod mail;
pub mod mfa;
pub mod service;
pub mod store;
pub mod testing;
pub mod transfer;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub use clock::Clock;

/// Server settings (flags and `ACCESSD_*` env in the binary).
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path/to/accessd.db` (created when missing) or `postgres://…`.
    pub database_url: String,
    /// Preset for projects created without one.
    pub default_preset: String,
    pub invitation_ttl_days: u32,
    /// `smtp://…`; none = invitation codes go only to the inviter.
    pub smtp_url: Option<String>,
    /// Sender of invitation mail (default `accessd <accessd@localhost>`).
    pub smtp_from: Option<String>,
    /// The URL users reach this server at, in mailed commands; none = the
    /// address `serve` listens on.
    pub public_url: Option<String>,
    /// When set, `POST /v1/bootstrap` requires it.
    pub bootstrap_secret: Option<String>,
    pub request_timeout: Duration,
    /// Connection pool size (per process).
    pub max_connections: u32,
    /// How long a request waits for a pooled connection (then 503).
    pub acquire_timeout: Duration,
    /// PostgreSQL `statement_timeout` set on every connection; none = server default.
    pub statement_timeout: Option<Duration>,
    /// Per-client-address limits on failed authentication, invitation
    /// accept/decline and bootstrap ([`limits::RateLimits::off`] = none).
    pub rate_limits: limits::RateLimits,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a
    /// load balancer that sets it); otherwise the header is ignored.
    pub trust_proxy_headers: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://accessd.db".into(),
            default_preset: access_api::presets::DEFAULT_PRESET.into(),
            invitation_ttl_days: 7,
            smtp_url: None,
            smtp_from: None,
            public_url: None,
            bootstrap_secret: None,
            request_timeout: Duration::from_secs(30),
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: None,
            rate_limits: limits::RateLimits::default(),
            trust_proxy_headers: false,
        }
    }
}

/// Errors opening or running the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A request-level problem (e.g. `already-bootstrapped`, `validation-failed`).
    #[error("{}: {}", .0.code, .0.detail.as_deref().unwrap_or(""))]
    Problem(Box<access_api::Problem>),
    #[error("{0}")]
    Other(String),
}

impl From<error::ApiError> for Error {
    fn from(e: error::ApiError) -> Self {
        match e {
            error::ApiError::Problem(p) => Error::Problem(p),
            error::ApiError::Db(e) => Error::Database(e),
        }
    }
}

/// Authenticates an in-process request as the user with this username.
///
/// Only honoured as a request *extension*, which nothing arriving over HTTP can
/// set: the CLI's `local` context inserts it, because the OS user who can open the
/// SQLite file already owns everything in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InProcessUser(pub String);

/// A running server's shared state. Cheap to clone.
#[derive(Clone)]
pub struct App {
    svc: service::Service,
}

impl App {
    /// Connects to the database and applies pending migrations.
    pub async fn open(config: Config) -> Result<App, Error> {
        Self::with_clock(config, clock::system()).await
    }

    /// [`App::open`] with an injected clock (unix ms), for expiry tests.
    pub async fn with_clock(config: Config, clock: Clock) -> Result<App, Error> {
        if access_api::presets::find(&config.default_preset).is_none() {
            return Err(Error::Config(format!(
                "unknown default preset '{}' (valid: {})",
                config.default_preset,
                access_api::presets::names().join(", ")
            )));
        }
        if !(1..=30).contains(&config.invitation_ttl_days) {
            return Err(Error::Config("invitation TTL must be 1 to 30 days".into()));
        }
        config.rate_limits.validate().map_err(Error::Config)?;
        mail::check_config(&config).map_err(Error::Config)?;
        let db = db::connect(
            &config.database_url,
            db::PoolSettings {
                max_connections: config.max_connections,
                acquire_timeout: config.acquire_timeout,
                statement_timeout: config.statement_timeout,
            },
        )
        .await?;
        let migrated = db::migrate(&db).await?;
        if migrated.applied > 0 {
            tracing::info!(applied = migrated.applied, "database migrated");
        }
        Ok(App {
            svc: service::Service {
                db,
                clock,
                limiters: Arc::new(limits::Limiters::new(&config.rate_limits)),
                config: Arc::new(config),
                draining: Arc::default(),
                mail: Arc::default(),
            },
        })
    }

    /// Marks the server as shutting down: `/readyz` turns 503 while every other
    /// endpoint keeps answering (see `accessd serve --drain-delay`).
    pub fn drain(&self) {
        self.svc.draining.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// The whole HTTP API (`/healthz`, `/readyz`, `/v1/...`).
    pub fn router(&self) -> axum::Router {
        http::router(self.svc.clone(), self.svc.config.request_timeout)
    }

    /// Offline bootstrap: the first server administrator and their token.
    /// Fails with `already-bootstrapped` on a bootstrapped server.
    pub async fn bootstrap(
        &self,
        req: access_api::CreateUser,
    ) -> Result<access_api::BootstrapResponse, Error> {
        Ok(self.svc.bootstrap(&req).await?)
    }

    /// Offline break-glass (`accessd admin recover`): makes `username` an
    /// active server administrator again and returns a fresh token.
    pub async fn recover_admin(&self, username: &str) -> Result<access_api::BootstrapResponse, Error> {
        Ok(self.svc.recover_admin(username).await?)
    }

    /// The service layer (rules over the store), e.g. for seeding in tests.
    pub fn service(&self) -> &service::Service {
        &self.svc
    }

    /// `sqlite` or `postgres`.
    pub fn database_kind(&self) -> &'static str {
        self.svc.db.kind.as_str()
    }

    /// Every table as one document (see [`transfer`]).
    pub async fn export(&self) -> Result<transfer::Export, transfer::TransferError> {
        transfer::export(&self.svc.db, (self.svc.clock)()).await
    }

    /// Writes every table as one document to `out`, row by row (see [`transfer`]).
    pub async fn export_to(&self, out: &mut impl std::io::Write) -> Result<usize, transfer::TransferError> {
        transfer::export_to(&self.svc.db, (self.svc.clock)(), out).await
    }

    /// Streams an export document from `input` into this (empty) database in one
    /// transaction.
    pub async fn import_reader(
        &self,
        input: impl std::io::Read + Send + 'static,
    ) -> Result<transfer::ImportCounts, transfer::TransferError> {
        transfer::import_reader(&self.svc.db, input).await
    }

    /// Loads an export into this (empty) database in one transaction.
    pub async fn import(
        &self,
        doc: &transfer::Export,
    ) -> Result<transfer::ImportCounts, transfer::TransferError> {
        transfer::import(&self.svc.db, doc).await
    }

    /// Starts the outbox worker (see [`mail::outbox`]) when mail delivery is
    /// configured; `serve` does this. Runs until the handle is aborted.
    pub fn start_mail_worker(&self) -> Option<tokio::task::JoinHandle<()>> {
        let url = self.svc.config.smtp_url.clone()?;
        Some(tokio::spawn(mail::outbox::run(self.svc.clone(), url)))
    }

    /// Closes the connection pool.
    pub async fn close(&self) {
        self.svc.db.pool.close().await;
        self.svc.db.writer.close().await;
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; in-flight requests finish.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The planner's statistics follow the data: refreshed every hour (cheap on
    // SQLite: `PRAGMA optimize` analyzes only what changed enough).
    let db = app.svc.db.clone();
    let stats = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        every.tick().await;
        loop {
            every.tick().await;
            if let Err(e) = db.optimize().await {
                tracing::warn!(error = %e, "could not refresh the planner's statistics");
            }
        }
    });
    if let Ok(addr) = listener.local_addr() {
        app.svc.mail.set_listen_url(format!("http://{addr}"));
    }
    let mailer = app.start_mail_worker();
    // The peer address (`ConnectInfo`) keys the rate limits.
    let served = axum::serve(
        listener,
        app.router()
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    stats.abort();
    if let Some(mut m) = mailer {
        // The mail being sent finishes (so it is not sent again after the
        // restart); what is left stays in the outbox for the next start.
        app.svc.mail.stop();
        if tokio::time::timeout(Duration::from_secs(10), &mut m)
            .await
            .is_err()
        {
            m.abort();
        }
    }
    served
}
