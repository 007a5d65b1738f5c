//! Command line and configuration of the `accessd` binary.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// SMTP relay for invitation and login-code mail (smtp://user:pass@host:port, smtps://…); unset = codes go to the inviter only
    #[arg(long, global = true, env = "ACCESSD_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender address of invitation mail
    #[arg(long, global = true, env = "ACCESSD_SMTP_FROM", hide_env_values = true)]
    smtp_from: Option<String>,
    /// When set, POST /v1/bootstrap requires `Authorization: Bearer <secret>`
    #[arg(long, global = true, env = "ACCESSD_BOOTSTRAP_SECRET", hide_env_values = true)]
    bootstrap_secret: Option<String>,
    /// Database connections per process (per replica)
    #[arg(
        long,
        global = true,
        env = "ACCESSD_MAX_CONNECTIONS",
        hide_env_values = true,
        default_value_t = 8,
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    max_connections: u32,
    /// How long a request waits for a free connection before answering 503 (e.g. 10s, 500ms)
    #[arg(
        long,
        global = true,
        env = "ACCESSD_ACQUIRE_TIMEOUT",
        hide_env_values = true,
        default_value = "10s",
        value_parser = parse_duration
    )]
    acquire_timeout: Duration,
    /// PostgreSQL: statement_timeout of every connection (e.g. 5s); unset = the server's default
    #[arg(
        long,
        global = true,
        env = "ACCESSD_STATEMENT_TIMEOUT",
        hide_env_values = true,
        value_parser = parse_duration
    )]
    statement_timeout: Option<Duration>,
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
        /// Seconds between SIGTERM and closing the listener, with /readyz answering
        /// 503 meanwhile, so load balancers stop routing here first
        #[arg(
            long,
            env = "ACCESSD_DRAIN_DELAY",
            hide_env_values = true,
            default_value_t = 0
        )]
        drain_delay: u64,
        /// URL users reach this server at, in mailed commands (default: http://<listen address>)
        #[arg(long, env = "ACCESSD_PUBLIC_URL", hide_env_values = true)]
        public_url: Option<String>,
        #[command(flatten)]
        limits: RateLimitArgs,
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
    /// Offline operator commands (need the database URL, not a token)
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Apply database migrations and exit (safe to run from several replicas at once)
    Migrate,
    /// Write every table as one JSON document (stdout, or --output)
    Export {
        /// File to write (created or truncated); default stdout
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Load an export into an empty database (migrated first); all or nothing
    Import {
        /// The export document; `-` = stdin
        input: std::path::PathBuf,
    },
}

/// Per-client-address rate limits of `serve`: each class allows BURST attempts
/// at once and one more every PERIOD; a BURST of 0 turns the class off.
#[derive(Args, Debug)]
struct RateLimitArgs {
    /// Failed authentications (wrong, unknown, revoked or expired token) per client address before 429
    #[arg(
        long,
        env = "ACCESSD_RATE_LIMIT_AUTH_BURST",
        hide_env_values = true,
        default_value_t = 30
    )]
    rate_limit_auth_burst: u32,
    /// One more failed authentication allowed every PERIOD (e.g. 2s, 500ms)
    #[arg(long, env = "ACCESSD_RATE_LIMIT_AUTH_PERIOD", hide_env_values = true, default_value = "2s", value_parser = parse_duration)]
    rate_limit_auth_period: Duration,
    /// Invitation accept/decline attempts per client address before 429 (0 = not limited)
    #[arg(
        long,
        env = "ACCESSD_RATE_LIMIT_ACCEPT_BURST",
        hide_env_values = true,
        default_value_t = 20
    )]
    rate_limit_accept_burst: u32,
    /// One more accept/decline attempt allowed every PERIOD
    #[arg(long, env = "ACCESSD_RATE_LIMIT_ACCEPT_PERIOD", hide_env_values = true, default_value = "3s", value_parser = parse_duration)]
    rate_limit_accept_period: Duration,
    /// POST /v1/bootstrap attempts per client address before 429 (0 = not limited)
    #[arg(
        long,
        env = "ACCESSD_RATE_LIMIT_BOOTSTRAP_BURST",
        hide_env_values = true,
        default_value_t = 5
    )]
    rate_limit_bootstrap_burst: u32,
    /// One more bootstrap attempt allowed every PERIOD
    #[arg(long, env = "ACCESSD_RATE_LIMIT_BOOTSTRAP_PERIOD", hide_env_values = true, default_value = "12s", value_parser = parse_duration)]
    rate_limit_bootstrap_period: Duration,
    /// Login code requests and verifications (and TOTP checks) per client address before 429 (0 = not limited)
    #[arg(
        long,
        env = "ACCESSD_RATE_LIMIT_LOGIN_BURST",
        hide_env_values = true,
        default_value_t = 20
    )]
    rate_limit_login_burst: u32,
    /// One more login attempt allowed every PERIOD
    #[arg(long, env = "ACCESSD_RATE_LIMIT_LOGIN_PERIOD", hide_env_values = true, default_value = "6s", value_parser = parse_duration)]
    rate_limit_login_period: Duration,
    /// Login codes asked for one email address (by anyone) before 429 (0 = not limited)
    #[arg(
        long,
        env = "ACCESSD_RATE_LIMIT_LOGIN_EMAIL_BURST",
        hide_env_values = true,
        default_value_t = 3
    )]
    rate_limit_login_email_burst: u32,
    /// One more login code for that address allowed every PERIOD
    #[arg(long, env = "ACCESSD_RATE_LIMIT_LOGIN_EMAIL_PERIOD", hide_env_values = true, default_value = "2m", value_parser = parse_duration)]
    rate_limit_login_email_period: Duration,
    /// Behind a load balancer: key the limits on the last X-Forwarded-For address (never trusted otherwise)
    #[arg(long, env = "ACCESSD_TRUST_PROXY_HEADERS", hide_env_values = true)]
    trust_proxy_headers: bool,
}

impl RateLimitArgs {
    fn apply(&self, config: &mut accessd::Config) {
        use accessd::limits::{Limit, RateLimits};
        config.rate_limits = RateLimits {
            failed_auth: Limit::new(self.rate_limit_auth_burst, self.rate_limit_auth_period),
            accept: Limit::new(self.rate_limit_accept_burst, self.rate_limit_accept_period),
            bootstrap: Limit::new(self.rate_limit_bootstrap_burst, self.rate_limit_bootstrap_period),
            login: Limit::new(self.rate_limit_login_burst, self.rate_limit_login_period),
            login_email: Limit::new(
                self.rate_limit_login_email_burst,
                self.rate_limit_login_email_period,
            ),
        };
        config.trust_proxy_headers = self.trust_proxy_headers;
    }
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Break-glass: make USERNAME an active server administrator again (re-enabled
    /// if disabled) and print a fresh token once
    Recover {
        /// The user to make an administrator (an existing username)
        #[arg(long)]
        username: String,
    },
}

/// `500ms`, `10s`, `2m`, or a plain number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (e.g. 500ms, 10s, 2m)"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        _ => return Err(format!("'{s}': unknown unit '{unit}' (ms, s, m)")),
    };
    if d.is_zero() {
        return Err("a duration must be above zero".into());
    }
    Ok(d)
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // PostgreSQL notices ("relation … already exists, skipping" on every
        // migrate) are not news.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx::postgres::notice=warn"));
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
            max_connections: self.max_connections,
            acquire_timeout: self.acquire_timeout,
            statement_timeout: self.statement_timeout,
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
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    init_logs(cli.log_format);
    match &cli.command {
        Command::Serve {
            listen,
            request_timeout,
            drain_delay,
            public_url,
            limits,
        } => {
            let mut config = cli.config(Duration::from_secs(*request_timeout));
            limits.apply(&mut config);
            config.public_url = public_url.clone();
            let app = accessd::App::open(config).await.map_err(|e| match e {
                // A bad --smtp-url or --public-url: say so, not "database".
                accessd::Error::Config(m) => anyhow::anyhow!("invalid configuration: {m}"),
                e => anyhow::Error::new(e).context("cannot open the database"),
            })?;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, database = app.database_kind(), "accessd listening on http://{addr}");
            let draining = app.clone();
            let delay = Duration::from_secs(*drain_delay);
            let shutdown = async move {
                shutdown_signal().await;
                draining.drain();
                if !delay.is_zero() {
                    tracing::info!(seconds = delay.as_secs(), "draining: /readyz answers 503");
                    tokio::time::sleep(delay).await;
                }
                tracing::info!("shutting down; in-flight requests finish");
            };
            accessd::serve(app, listener, shutdown).await?;
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
        Command::Admin {
            command: AdminCommand::Recover { username },
        } => {
            let app = accessd::App::open(cli.config(Duration::from_secs(30)))
                .await
                .context("cannot open the database")?;
            let resp = app.recover_admin(username).await?;
            tracing::info!(username = %resp.user.username, "server administrator recovered; new token printed");
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
        Command::Export { output } => {
            let app = accessd::App::open(cli.config(Duration::from_secs(30)))
                .await
                .context("cannot open the database")?;
            let rows = match output {
                Some(path) => {
                    let tmp = path.with_extension("partial");
                    let file = std::fs::File::create(&tmp)
                        .with_context(|| format!("cannot create {}", tmp.display()))?;
                    let mut w = std::io::BufWriter::new(file);
                    let rows = app.export_to(&mut w).await.context("cannot export")?;
                    writeln!(w)?;
                    w.into_inner()
                        .map_err(|e| e.into_error())?
                        .sync_all()
                        .with_context(|| format!("cannot write {}", tmp.display()))?;
                    std::fs::rename(&tmp, path)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    rows
                }
                None => {
                    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                    let rows = app.export_to(&mut w).await.context("cannot export")?;
                    writeln!(w)?;
                    w.flush()?;
                    rows
                }
            };
            tracing::info!(rows, "export written");
            Ok(())
        }
        Command::Import { input } => {
            let reader: Box<dyn std::io::Read + Send> = if input.as_os_str() == "-" {
                Box::new(std::io::stdin())
            } else {
                Box::new(
                    std::fs::File::open(input).with_context(|| format!("cannot read {}", input.display()))?,
                )
            };
            let app = accessd::App::open(cli.config(Duration::from_secs(30)))
                .await
                .context("cannot open the database")?;
            let counts = app
                .import_reader(reader)
                .await
                .context("import failed; nothing was written")?;
            let rows: usize = counts.iter().map(|(_, n)| n).sum();
            tracing::info!(rows, "import committed");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn rate_limit_flags_default_to_the_library_defaults() {
        use clap::Parser;
        let cli = super::Cli::try_parse_from(["accessd", "serve"]).unwrap();
        let super::Command::Serve { limits, .. } = &cli.command else {
            panic!("not serve");
        };
        let mut config = accessd::Config {
            rate_limits: accessd::limits::RateLimits::off(),
            trust_proxy_headers: true,
            ..accessd::Config::default()
        };
        limits.apply(&mut config);
        assert_eq!(config.rate_limits, accessd::limits::RateLimits::default());
        assert!(!config.trust_proxy_headers);
    }

    #[test]
    fn durations() {
        assert_eq!(super::parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(super::parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(super::parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(super::parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "0", "0s", "5h", "s", "-1s", "1.5s"] {
            assert!(super::parse_duration(bad).is_err(), "{bad}");
        }
    }
}
