//! accessd: the access-control server behind accessctl.
//!
//! The library is what both the `accessd` binary and the CLI's embedded `local`
//! context run: [`App::open`] connects and migrates the database, [`App::router`]
//! is the whole HTTP API as an axum `Router` (served over TCP by [`serve`], or
//! called in-process as a `tower::Service`).
//!
//! INTERFACE STUB: the signatures below are the contract with the CLI; the
//! implementation lands with issue 3.

use std::future::Future;
use std::time::Duration;

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
    /// When set, `POST /v1/bootstrap` requires it.
    pub bootstrap_secret: Option<String>,
    pub request_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://accessd.db".into(),
            default_preset: access_api::presets::DEFAULT_PRESET.into(),
            invitation_ttl_days: 7,
            smtp_url: None,
            bootstrap_secret: None,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Errors opening or running the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Other(String),
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
    _private: (),
}

impl App {
    /// Connects to the database and applies pending migrations.
    pub async fn open(_config: Config) -> Result<App, Error> {
        Ok(App { _private: () })
    }

    /// The whole HTTP API (`/healthz`, `/readyz`, `/v1/...`).
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
    }

    /// Offline bootstrap: the first server administrator and their token.
    /// Fails with `already-bootstrapped` on a bootstrapped server.
    pub async fn bootstrap(
        &self,
        _req: access_api::CreateUser,
    ) -> Result<access_api::BootstrapResponse, Error> {
        Err(Error::Other("not implemented yet".into()))
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; in-flight requests finish.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.router())
        .with_graceful_shutdown(shutdown)
        .await
}
