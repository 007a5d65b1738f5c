//! Command line and configuration of the `accessd` binary.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

/// The access-control server behind accessctl.
#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Cli {
    /// Database URL: sqlite://path.db (created when missing) or postgres://…
    #[arg(
        long,
        global = true,
        env = "ACCESSD_DATABASE_URL",
        hide_env_values = true,
        default_value = "sqlite://accessd.db"
    )]
    database_url: String,
    /// Role preset of projects created without one (akka, goldsky, loft)
    #[arg(
        long,
        global = true,
        env = "ACCESSD_DEFAULT_PRESET",
        hide_env_values = true,
        default_value = "akka"
    )]
    default_preset: String,
    /// Days an invitation stays valid (1–30)
    #[arg(
        long,
        global = true,
        env = "ACCESSD_INVITATION_TTL_DAYS",
        hide_env_values = true,
        default_value_t = 7
    )]
    invitation_ttl_days: u32,
    /// SMTP relay for invitation mail (smtp://user:pass@host:port); unset = codes go to the inviter only
    #[arg(long, global = true, env = "ACCESSD_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender address of invitation mail
    #[arg(long, global = true, env = "ACCESSD_SMTP_FROM", hide_env_values = true)]
    smtp_from: Option<String>,
    /// When set, POST /v1/bootstrap requires `Authorization: Bearer <secret>`
    #[arg(long, global = true, env = "ACCESSD_BOOTSTRAP_SECRET", hide_env_values = true)]
    bootstrap_secret: Option<String>,
    /// Log format
    #[arg(long, global = true, env = "ACCESSD_LOG_FORMAT", hide_env_values = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the HTTP API
    Serve {
        /// Address to listen on (port 0 = any free port; the bound address is logged)
        #[arg(
            long,
            env = "ACCESSD_LISTEN",
            hide_env_values = true,
            default_value = "127.0.0.1:8080"
        )]
        listen: SocketAddr,
        /// Seconds a request may take
        #[arg(long, default_value_t = 30)]
        request_timeout: u64,
    },
    /// Create the first administrator offline and print their token once
    Bootstrap {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Apply database migrations and exit
    Migrate,
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

impl Cli {
    fn config(&self, request_timeout: Duration) -> accessd::Config {
        accessd::Config {
            database_url: self.database_url.clone(),
            default_preset: self.default_preset.clone(),
            invitation_ttl_days: self.invitation_ttl_days,
            smtp_url: self.smtp_url.clone(),
            smtp_from: self.smtp_from.clone(),
            bootstrap_secret: self.bootstrap_secret.clone(),
            request_timeout,
            ..accessd::Config::default()
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down; in-flight requests finish");
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    init_logs(cli.log_format);
    match &cli.command {
        Command::Serve {
            listen,
            request_timeout,
        } => {
            let app = accessd::App::open(cli.config(Duration::from_secs(*request_timeout)))
                .await
                .context("cannot open the database")?;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, database = app.database_kind(), "accessd listening on http://{addr}");
            accessd::serve(app, listener, shutdown_signal()).await?;
            Ok(())
        }
        Command::Bootstrap {
            username,
            email,
            name,
        } => {
            let app = accessd::App::open(cli.config(Duration::from_secs(30)))
                .await
                .context("cannot open the database")?;
            let resp = app
                .bootstrap(access_api::CreateUser {
                    username: username.clone(),
                    email: email.clone(),
                    name: name.clone(),
                })
                .await?;
            let mut out = std::io::stdout();
            writeln!(out, "{}", resp.token.token)?;
            Ok(())
        }
        Command::Migrate => {
            accessd::App::open(cli.config(Duration::from_secs(30)))
                .await
                .context("cannot migrate the database")?;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}
