//! accessctl: manage roles, role bindings and invitations of accessd projects.
//!
//! `main` parses the command line, resolves settings once, builds the [`context::Ctx`]
//! and runs the command; errors become exit codes in [`error`].

pub mod api;
pub mod batch;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod context;
pub mod credentials;
pub mod editor;
pub mod error;
pub mod fsutil;
pub mod input;
pub mod interrupt;
pub mod local;
pub mod origin;
pub mod output;
pub mod process;
pub mod settings;
pub mod suggest;
pub mod terminal;
pub mod timeparse;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::Cli;
use crate::config::ConfigStore;
use crate::context::{Ctx, Environment};
use crate::credentials::{Secret, TokenStore};
use crate::error::{CliError, ErrorKind};
use crate::output::Output;
use crate::process::Process;
use crate::settings::{OutputFormat, Settings};

/// The whole program: parse, resolve, run, map the result to an exit code.
pub fn main() -> ExitCode {
    // A completion request (`COMPLETE=bash accessctl -- …`) is answered and exits here,
    // before anything else runs (no runtime, no config, no output).
    complete::handle_request();
    output::install_panic_hook();
    // A bug must still end with one `error:` line (printed by the hook) and exit 1.
    std::panic::catch_unwind(real_main).unwrap_or(ExitCode::FAILURE)
}

fn real_main() -> ExitCode {
    ExitCode::from(run_in(&Process::inherited(), std::env::args_os()))
}

/// One run of the program in `process` (the process's own in `main`, a test's
/// in the CLI's tests): parses `args` (the program name first), resolves the
/// settings, runs the command and prints its error; returns the exit code.
pub fn run_in(process: &Process, args: impl IntoIterator<Item = std::ffi::OsString>) -> u8 {
    let plain = Output::new(OutputFormat::Text, false, false).with_streams(process.streams.clone());
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return plain.clap(&e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return plain.clap(&e),
    };
    let quiet = cli.global.quiet;
    if let cli::Command::Completion(args) = &cli.command {
        // Needs no settings: a broken config file must not break the shell's startup.
        let output = Output::new(OutputFormat::Text, quiet, false).with_streams(process.streams.clone());
        let shell = process.var("SHELL").filter(|s| !s.is_empty());
        return finish(
            commands::completion::print(args, shell.as_deref(), &output),
            &output,
        );
    }
    match prepare(&cli, &matches, process) {
        Ok(ctx) => {
            let output = ctx.output().clone();
            finish(execute(cli, ctx, process.signals), &output)
        }
        Err(e) => {
            let inputs = cli::inputs(&cli.global, &matches);
            Output::new(OutputFormat::Text, quiet, false)
                .with_streams(process.streams.clone())
                .with_terminal(terminal(process, &inputs))
                .error(&e);
            e.kind.exit_code()
        }
    }
}

fn finish(result: Result<(), CliError>, output: &Output) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            output.error(&e);
            e.kind.exit_code()
        }
    }
}

/// The terminal facts of this run (size, colour, pager), read once (part of
/// `prepare`: `COLUMNS`, `LINES`, `NO_COLOR`, `CLICOLOR_FORCE`, `ACCESSCTL_PAGER`,
/// `PAGER`).
fn terminal(process: &Process, inputs: &settings::Inputs) -> output::Terminal {
    output::Terminal::detect(process, inputs.no_color, inputs.no_pager)
}

/// Resolves settings and gathers the environment: the only place that reads env vars
/// (besides clap's documented fallbacks).
fn prepare(cli: &Cli, matches: &clap::ArgMatches, process: &Process) -> Result<Ctx, CliError> {
    let inputs = cli::inputs(&cli.global, matches);
    build_ctx(process, cli.global.config.clone(), &inputs, true)
}

/// Builds the [`Ctx`] from the command line's inputs: finds the config file, resolves
/// the settings and gathers the token store and the OS facts. Shared by a normal run
/// and by dynamic completion (`complete.rs`), so both talk to the same server the same
/// way.
pub(crate) fn build_ctx(
    process: &Process,
    config_flag: Option<PathBuf>,
    inputs: &settings::Inputs,
    use_keyring: bool,
) -> Result<Ctx, CliError> {
    let (config_dir, data_dir) = match &process.dirs {
        Some(dirs) => dirs.clone(),
        None => {
            let dirs = directories::ProjectDirs::from("", "", "accessctl")
                .ok_or_else(|| CliError::other("cannot find your home directory (is HOME set?)"))?;
            (dirs.config_dir().to_path_buf(), dirs.data_dir().to_path_buf())
        }
    };
    let config_path = config_flag.unwrap_or_else(|| config_dir.join("config.toml"));
    let config = ConfigStore::new(config_path.clone());
    let settings = Settings::resolve(inputs, &config.load()?)?;
    let output = Output::new(settings.output.value, settings.quiet, settings.verbose)
        .with_streams(process.streams.clone())
        .with_terminal(terminal(process, inputs))
        .with_filter(settings.filter.clone());
    let credentials_path = config_path
        .parent()
        .map(|d| d.join("credentials.toml"))
        .unwrap_or_else(|| PathBuf::from("credentials.toml"));
    let env_token = process.var("ACCESSCTL_TOKEN").filter(|t| !t.trim().is_empty());
    let tokens = TokenStore::new(
        env_token.map(|t| Secret::new(t.trim())),
        credentials_path,
        use_keyring,
    );
    let env = Environment {
        data_dir,
        os_user: process.var("USER").or_else(|| process.var("USERNAME")),
        stdin_tty: process.stdin_tty,
        shell: process.var("SHELL").filter(|s| !s.is_empty()),
        editor: ["VISUAL", "EDITOR"]
            .iter()
            .find_map(|k| process.var(k).filter(|v| !v.trim().is_empty())),
        temp_dir: process
            .var("TMPDIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir),
        stdin: process.stdin.clone(),
    };
    Ok(Ctx::new(settings, output, config, tokens, env))
}

fn execute(cli: Cli, ctx: Ctx, signals: bool) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::other(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        // The handler is installed before the command starts, so an early Ctrl-C is
        // never the default kill. Work that claimed Ctrl-C gets the first one.
        let interrupted: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> = if signals {
            Box::pin(ctx.interrupts().listen()?)
        } else {
            Box::pin(std::future::pending())
        };
        tokio::select! {
            biased;
            _ = interrupted => Err(CliError::new(ErrorKind::Interrupted, "interrupted")),
            result = run(cli.command, &ctx) => result,
        }
    })
}

/// Runs one command.
pub async fn run(command: cli::Command, ctx: &Ctx) -> Result<(), CliError> {
    use cli::Command::*;
    let result = match command {
        Roles(c) => commands::roles::run(c, ctx).await,
        Projects(c) => commands::projects::run(c, ctx).await,
        Auth(c) => commands::auth::run(c, ctx).await,
        Config(c) => commands::config::run(c, ctx).await,
        Orgs(c) => commands::orgs::run(c, ctx).await,
        Teams(c) => commands::teams::run(c, ctx).await,
        Users(c) => commands::users::run(c, ctx).await,
        Audit(c) => commands::audit::run(c, ctx).await,
        Completion(a) => commands::completion::run(&a, ctx).await,
    };
    match result {
        Err(e) if e.kind == ErrorKind::NotFound => Err(commands::common::project_error(ctx, e).await),
        Err(mut e) if e.hint() == Some(api::cli_error::LOGIN_HINT) && token_is_from_env(ctx) => {
            // Logging in again changes nothing: ACCESSCTL_TOKEN wins over the login.
            e.set_hint("the server refused the token in ACCESSCTL_TOKEN: set a valid one, or unset it to use the context's login");
            Err(e)
        }
        other => other,
    }
}

fn token_is_from_env(ctx: &Ctx) -> bool {
    matches!(ctx.token(), Ok(Some((_, credentials::TokenSource::Env))))
}
