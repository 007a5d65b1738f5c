//! `accessctl auth login [--server URL] [--with-token | --email E] [--context NAME]`:
//! reads a token (hidden from a terminal, or from stdin), verifies it with GET
//! /v1/users/me, saves it and makes the context current. With `--email`, the token
//! comes from a mailed login code instead (see `login_email.rs`).

use std::sync::Arc;

use crate::api::ApiClient;
use crate::api::http::HttpTransport;
use crate::config::{LOCAL_CONTEXT, validate_context_name};
use crate::context::Ctx;
use crate::credentials::{Secret, TokenSource};
use crate::error::CliError;
use crate::settings::Source;

/// Log in to a server with an API token or an emailed code; the context becomes current
///
/// The context is named by the global --context flag (default: the server's host).
/// With --email the server mails a one-time code (valid 10 minutes), read hidden from
/// the terminal or as the first line of stdin; an account with MFA is then asked for a
/// TOTP code (the next line of stdin).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl auth login --server https://access.example.com\n  echo \"$TOKEN\" | accessctl auth login --server https://access.example.com --context prod --with-token\n  accessctl auth login --server https://access.example.com --email jane@example.com"
)]
pub struct LoginArgs {
    /// Read the token from stdin instead of prompting
    #[arg(long)]
    with_token: bool,
    /// Log in by a one-time code mailed to this address (the server needs mail delivery)
    #[arg(long, value_name = "EMAIL", conflicts_with = "with_token")]
    email: Option<String>,
}

pub async fn run(args: &LoginArgs, ctx: &Ctx) -> Result<(), CliError> {
    let server = ctx.settings.server.as_ref().ok_or_else(|| {
        CliError::usage("which server? pass --server URL")
            .with_hint("e.g. accessctl auth login --server https://access.example.com")
    })?;
    let context = context_name(ctx, &server.value, &server.source)?;
    if let Some(email) = &args.email {
        let email = crate::commands::common::email(email)?;
        let token = super::login_email::token(ctx, &server.value, &email).await?;
        let me = client(ctx, &server.value, Some(token.clone()))?.me().await?;
        return save(ctx, &context, &server.value, &token, &me.username);
    }
    let token = read_token(args, ctx).await?;
    let me = client(ctx, &server.value, Some(token.clone()))?
        .me()
        .await
        .map_err(|e| {
            let mut err = CliError::from(e);
            if err.kind == crate::error::ErrorKind::Auth {
                err.message = format!("the server rejected the token: {}", err.message);
                err.set_hint(
                    "create a token with `accessctl auth tokens create NAME` or `accessd bootstrap`",
                );
            }
            err
        })?;
    save(ctx, &context, &server.value, &token, &me.username)
}

/// A client of `server` with `token` (none: an unauthenticated request).
pub fn client(ctx: &Ctx, server: &str, token: Option<Secret>) -> Result<ApiClient, CliError> {
    let transport = HttpTransport::new(
        server,
        token,
        ctx.settings.timeout.value,
        ctx.settings.insecure_http,
    )?;
    Ok(ApiClient::new(Arc::new(transport), ctx.output().tracer())
        .with_budget(ctx.settings.timeout.value)
        .with_notifier(ctx.output().notifier()))
}

/// Saves `token` for `context` and `server` (the origin rule: it goes only there)
/// and makes the context current.
fn save(ctx: &Ctx, context: &str, server: &str, token: &Secret, username: &str) -> Result<(), CliError> {
    let context = context.to_owned();
    let url = server.trim_end_matches('/').to_owned();
    // The token first: a locked keyring changes nothing, not even the config.
    let saved = ctx.tokens().set(&context, token, &url)?;
    ctx.config().update(|c| {
        c.contexts.entry(context.clone()).or_default().server = Some(url.clone());
        c.current_context = Some(context.clone());
        Ok(())
    })?;
    if let TokenSource::File(path) = saved {
        ctx.output().warn(&format!(
            "no OS keyring available; token saved to {} (mode 0600)",
            path.display()
        ));
    }
    ctx.output()
        .info(&format!("Logged in to {url} as {username} (context {context})"));
    if ctx.tokens().env_override() {
        ctx.output()
            .warn("ACCESSCTL_TOKEN is set and wins over the saved token until you unset it");
    }
    Ok(())
}

/// `--context`, else the context that already points at this server, else the host.
pub fn context_name(ctx: &Ctx, server: &str, source: &Source) -> Result<String, CliError> {
    let name = match &ctx.settings.context.source {
        Source::Flag(_) | Source::Env(_) => ctx.settings.context.value.clone(),
        _ if matches!(source, Source::Context(_)) => ctx.settings.context.value.clone(),
        _ => host_of(server),
    };
    if name == LOCAL_CONTEXT {
        return Err(
            CliError::usage("the local context runs the embedded server and takes no login")
                .with_hint("name the remote context with --context NAME"),
        );
    }
    validate_context_name(&name)?;
    Ok(name)
}

fn host_of(server: &str) -> String {
    let rest = server.split_once("://").map(|(_, r)| r).unwrap_or(server);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let name: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.trim_matches(['-', '.']).to_owned()
}

async fn read_token(args: &LoginArgs, ctx: &Ctx) -> Result<Secret, CliError> {
    let raw = if args.with_token {
        ctx.stdin()
            .read_to_string()
            .map_err(|e| CliError::io("cannot read the token from stdin", e))?
    } else if ctx.stdin_is_tty() {
        crate::terminal::prompt_hidden("Paste your API token: ").await?
    } else {
        return Err(CliError::usage("no terminal to read the token from")
            .with_hint("pipe it in: echo \"$TOKEN\" | accessctl auth login --with-token --server URL"));
    };
    let token = raw.trim();
    if token.is_empty() {
        return Err(CliError::usage("the token is empty"));
    }
    Ok(Secret::new(token))
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_names_a_context() {
        assert_eq!(
            super::host_of("https://access.example.com/x"),
            "access.example.com"
        );
        assert_eq!(super::host_of("http://127.0.0.1:8080"), "127.0.0.1-8080");
        assert_eq!(super::host_of("http://[::1]:80"), "1--80");
    }
}
