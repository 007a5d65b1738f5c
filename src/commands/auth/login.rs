//! `accessctl auth login [--server URL] [--with-token] [--context NAME]`: reads a
//! token (hidden from a terminal, or from stdin), verifies it with GET /v1/users/me,
//! saves it and makes the context current.

use std::io::Read;
use std::sync::Arc;

use crate::api::ApiClient;
use crate::api::http::HttpTransport;
use crate::config::{LOCAL_CONTEXT, validate_context_name};
use crate::context::Ctx;
use crate::credentials::{Secret, TokenSource};
use crate::error::CliError;
use crate::settings::Source;

/// Log in to a server with an API token; the context becomes current
///
/// The context is named by the global --context flag (default: the server's host).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl auth login --server https://access.example.com\n  echo \"$TOKEN\" | accessctl auth login --server https://access.example.com --context prod --with-token"
)]
pub struct LoginArgs {
    /// Read the token from stdin instead of prompting
    #[arg(long)]
    with_token: bool,
}

pub async fn run(args: &LoginArgs, ctx: &Ctx) -> Result<(), CliError> {
    let server = ctx.settings.server.as_ref().ok_or_else(|| {
        CliError::usage("which server? pass --server URL")
            .with_hint("e.g. accessctl auth login --server https://access.example.com")
    })?;
    let context = context_name(ctx, &server.value, &server.source)?;
    let token = read_token(args, ctx)?;
    let transport = HttpTransport::new(
        &server.value,
        Some(token.clone()),
        ctx.settings.timeout.value,
        ctx.settings.insecure_http,
    )?;
    let me = ApiClient::new(Arc::new(transport), ctx.output().tracer())
        .with_budget(ctx.settings.timeout.value)
        .with_notifier(ctx.output().notifier())
        .me()
        .await
        .map_err(|e| {
            let mut err = CliError::from(e);
            if err.kind == crate::error::ErrorKind::Auth {
                err.message = format!("the server rejected the token: {}", err.message);
                err.hint = Some(
                    "create a token with `accessctl auth tokens create NAME` or `accessd bootstrap`".into(),
                );
            }
            err
        })?;
    let url = server.value.trim_end_matches('/').to_owned();
    // The token first: a locked keyring changes nothing, not even the config.
    let saved = ctx.tokens().set(&context, &token, &url)?;
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
    ctx.output().info(&format!(
        "Logged in to {url} as {} (context {context})",
        me.username
    ));
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

fn read_token(args: &LoginArgs, ctx: &Ctx) -> Result<Secret, CliError> {
    let raw = if args.with_token {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::io("cannot read the token from stdin", e))?;
        s
    } else if ctx.stdin_is_tty() {
        rpassword::prompt_password("Paste your API token: ")
            .map_err(|e| CliError::io("cannot read the token", e))?
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
