//! `Ctx`: everything a command may use, injected — resolved settings, output, the
//! config and token stores, a lazily built API client and a prompter. No command
//! reads env or files itself.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::api::ApiClient;
use crate::api::http::HttpTransport;
use crate::config::ConfigStore;
use crate::credentials::{TokenSource, TokenStore};
use crate::error::CliError;
use crate::local;
use crate::output::Output;
use crate::settings::Settings;

/// The OS-level facts a run depends on, gathered once in `lib.rs`.
#[derive(Debug, Clone)]
pub struct Environment {
    /// `<data dir>/accessctl`: where the local context's database lives.
    pub data_dir: PathBuf,
    /// `$USER`, for the local context's identity.
    pub os_user: Option<String>,
    /// Whether stdin is a terminal (prompts, hidden token entry).
    pub stdin_tty: bool,
    /// `$SHELL`, for `accessctl completion` without an argument.
    pub shell: Option<String>,
    /// `$VISUAL`, else `$EDITOR`, for `roles edit` (default `vi`).
    pub editor: Option<String>,
    /// Where temp files go (`$TMPDIR` or the OS default), for `roles edit`.
    pub temp_dir: PathBuf,
    /// The run's stdin (`--from-file -`, `--with-token`, answers to prompts).
    pub stdin: crate::process::Stdin,
}

/// The context of one command run.
pub struct Ctx {
    pub settings: Settings,
    output: Output,
    config: ConfigStore,
    tokens: TokenStore,
    env: Environment,
    api: OnceCell<ApiClient>,
    retries: bool,
    local_project: std::sync::Mutex<Option<String>>,
    interrupts: crate::interrupt::Interrupts,
}

impl Ctx {
    pub fn new(
        settings: Settings,
        output: Output,
        config: ConfigStore,
        tokens: TokenStore,
        env: Environment,
    ) -> Self {
        Ctx {
            settings,
            output,
            config,
            tokens,
            env,
            api: OnceCell::new(),
            retries: true,
            local_project: Default::default(),
            interrupts: Default::default(),
        }
    }

    pub fn output(&self) -> &Output {
        &self.output
    }

    pub fn config(&self) -> &ConfigStore {
        &self.config
    }

    pub fn tokens(&self) -> &TokenStore {
        &self.tokens
    }

    pub fn env(&self) -> &Environment {
        &self.env
    }

    /// Who handles Ctrl-C: the run's listener, or work that claimed it.
    pub fn interrupts(&self) -> &crate::interrupt::Interrupts {
        &self.interrupts
    }

    /// Requests are tried once, never retried (shell completion).
    pub fn without_retries(mut self) -> Self {
        self.retries = false;
        self
    }

    /// The context name in effect.
    pub fn context_name(&self) -> &str {
        &self.settings.context.value
    }

    /// The API client of this context (built on first use; for the local context this
    /// opens the embedded server and sets it up on first use).
    ///
    /// A remote context needs a token for the server in effect (see [`Ctx::token`]);
    /// without one this fails before connecting: exit 4, `not logged in to URL`.
    pub async fn api(&self) -> Result<&ApiClient, CliError> {
        self.api.get_or_try_init(|| self.build_api(true)).await
    }

    /// Like [`Ctx::api`], but a remote context without a token for the server gets a
    /// client that sends none (`roles invitations accept` for a new account). Use it
    /// instead of `api()` for the whole command: the client is built once.
    pub async fn api_allowing_anonymous(&self) -> Result<&ApiClient, CliError> {
        self.api.get_or_try_init(|| self.build_api(false)).await
    }

    /// The token to send to the server in effect, and where it came from:
    /// `ACCESSCTL_TOKEN`, else the context's stored token only if it was saved for the
    /// same origin (scheme, host, port) as that server. `None` on the local context.
    pub fn token(&self) -> Result<Option<(crate::credentials::Secret, TokenSource)>, CliError> {
        let Some(server) = self
            .settings
            .server
            .as_ref()
            .filter(|_| !self.settings.is_embedded())
        else {
            return Ok(None);
        };
        self.tokens.get(
            self.context_name(),
            &server.value,
            self.settings.configured_server.as_deref(),
        )
    }

    /// The token for the server in effect, or why there is none: not logged in to
    /// it (exit 4), or no server at all (`auth token`, `auth status`).
    pub fn require_token(&self) -> Result<(crate::credentials::Secret, TokenSource), CliError> {
        let server = self.remote_server()?;
        self.token()?.ok_or_else(|| self.not_logged_in(&server.value))
    }

    /// The server of a remote context, or why it has none.
    fn remote_server(&self) -> Result<&crate::settings::Sourced<String>, CliError> {
        self.settings.server.as_ref().ok_or_else(|| {
            if self.settings.context_exists {
                CliError::usage(format!("context '{}' has no server", self.context_name()))
                    .with_hint("log in with `accessctl auth login --server URL`, or pass --server")
            } else {
                CliError::not_found(format!("no context named '{}'", self.context_name())).with_hint(
                    "see `accessctl config contexts list`, or log in with `accessctl auth login --context NAME`",
                )
            }
        })
    }

    /// `not logged in to URL`, hinting at `auth login` for exactly that server (and
    /// saying where the context's token does go, when it has one for another server).
    pub fn not_logged_in(&self, server: &str) -> CliError {
        let url = server.trim_end_matches('/');
        let mut hint = format!("accessctl auth login --server {url}");
        if let Ok(Some(stored)) = self.tokens.stored(self.context_name())
            && let Some(origin) = stored.bound_origin(self.settings.configured_server.as_deref())
        {
            hint.push_str(&format!(
                " (the token of context {} was saved for {origin} and is sent nowhere else)",
                self.context_name()
            ));
        }
        CliError::auth(format!("not logged in to {url}")).with_hint(hint)
    }

    async fn build_api(&self, require_token: bool) -> Result<ApiClient, CliError> {
        let tracer = self.output.tracer();
        if self.settings.is_embedded() {
            let user = local::identity(self.env.os_user.as_deref());
            let (transport, project) = local::open(
                &self.env.data_dir,
                &user,
                self.settings.timeout.value,
                &self.config,
                &tracer,
            )
            .await?;
            *self.local_project.lock().unwrap_or_else(|e| e.into_inner()) = project;
            return Ok(ApiClient::new(transport, tracer)
                .with_budget(self.settings.timeout.value)
                .with_notifier(self.output.notifier()));
        }
        let server = self.remote_server()?;
        let token = match self.token()? {
            Some((token, _)) => Some(token),
            None if require_token => return Err(self.not_logged_in(&server.value)),
            None => None,
        };
        let transport = HttpTransport::new(
            &server.value,
            token,
            self.settings.timeout.value,
            self.settings.insecure_http,
        )
        .map_err(CliError::from)?;
        let client = ApiClient::new(Arc::new(transport), tracer)
            .with_budget(self.settings.timeout.value)
            .with_notifier(self.output.notifier());
        Ok(if self.retries {
            client
        } else {
            client.without_retries()
        })
    }

    /// The project to act on: `--project`, the context's project, or (local context)
    /// the `default` project made on first use.
    pub async fn project(&self) -> Result<String, CliError> {
        if let Some(p) = &self.settings.project {
            return Ok(p.value.clone());
        }
        // Builds the client first: an unknown context or the local setup say more.
        self.api().await?;
        let local = self
            .local_project
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(p) = local.filter(|_| self.settings.is_embedded()) {
            return Ok(p);
        }
        Err(CliError::usage("no project selected")
            .with_hint("pass --project NAME, or set one with `accessctl config set project NAME`"))
    }

    /// Asks to confirm a destructive action, said as a lowercase verb phrase
    /// (`delete project 'shop'`): the prompt is `Delete project 'shop'? [y/N]`.
    /// `--yes` answers yes; without a terminal and without `--yes` it is a usage
    /// error.
    pub fn confirm(&self, action: &str) -> Result<(), CliError> {
        if self.settings.yes {
            return Ok(());
        }
        if !self.env.stdin_tty {
            return Err(
                CliError::usage(format!("refusing to {action} without confirmation"))
                    .with_hint("pass --yes to confirm without a prompt"),
            );
        }
        let mut question = action.to_owned();
        if let Some(first) = question.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        self.output.prompt(&format!("{question}? [y/N] "));
        let line = self
            .stdin()
            .read_line()
            .map_err(|e| CliError::io("cannot read the answer", e))?;
        if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            Ok(())
        } else {
            Err(CliError::new(crate::error::ErrorKind::Interrupted, "cancelled"))
        }
    }

    /// Whether stdin is a terminal.
    pub fn stdin_is_tty(&self) -> bool {
        self.env.stdin_tty
    }

    /// The run's stdin.
    pub fn stdin(&self) -> &crate::process::Stdin {
        &self.env.stdin
    }

    /// The email list of `--from-file FILE|-` (stdin for `-`): invalid lines come
    /// back beside the entries; an unreadable, non-UTF-8, empty or broken (a quote
    /// never closed) input is bad input (exit 2).
    pub fn read_email_list(&self, path: &str) -> Result<crate::input::emails::EmailList, CliError> {
        crate::input::emails::read_email_list(path, self.stdin()).map_err(|e| {
            let hint = e.hint();
            let err = CliError::usage(e.to_string());
            match hint {
                Some(h) => err.with_hint(h),
                None => err,
            }
        })
    }

    /// Opens `text` in the user's editor (a private temp file named after `stem`)
    /// and returns the file and what it holds when the editor exits. The file stays
    /// until [`Ctx::discard`]; when the editor fails it is kept and named in the hint.
    pub async fn edit(&self, text: &str, stem: &str) -> Result<(PathBuf, String), CliError> {
        let path = crate::editor::create(&self.env.temp_dir, stem, text)?;
        let edited = self.edit_file(&path).await?;
        Ok((path, edited))
    }

    /// Opens the editor again on a file [`Ctx::edit`] made; returns its new text.
    pub async fn edit_file(&self, path: &std::path::Path) -> Result<String, CliError> {
        let editor = self.env.editor.clone().unwrap_or_else(|| "vi".to_owned());
        if let Err(e) = crate::editor::run(&editor, path).await {
            return Err(e.with_hint(format!(
                "nothing was changed; the document is in {}",
                path.display()
            )));
        }
        std::fs::read_to_string(path).map_err(|e| CliError::io(format!("cannot read {}", path.display()), e))
    }

    /// Removes a file [`Ctx::edit`] made.
    pub fn discard(&self, path: &std::path::Path) {
        let _ = std::fs::remove_file(path);
    }

    /// The text of an input file given on the command line, or of stdin for `-`
    /// (`--from-file FILE|-`); an unreadable one is bad input (exit 2).
    pub fn read_input(&self, path: &str) -> Result<String, CliError> {
        if path == "-" {
            self.stdin()
                .read_to_string()
                .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))
        } else {
            std::fs::read_to_string(path).map_err(|e| CliError::usage(format!("cannot read '{path}': {e}")))
        }
    }
}
