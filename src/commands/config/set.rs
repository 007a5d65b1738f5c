//! `accessctl config set KEY VALUE`: sets a key of the current context.

use crate::commands::common;
use crate::config::{KEYS, unknown_key};
use crate::context::Ctx;
use crate::error::CliError;
use crate::settings::OutputFormat;
use crate::timeparse;

/// Set a setting of the current context
#[derive(clap::Args, Debug)]
pub struct SetArgs {
    /// One of: project, org, output, timeout, server
    #[arg(value_name = "KEY")]
    key: String,
    /// The new value
    #[arg(value_name = "VALUE")]
    value: String,
}

/// Checks `value` for `key`, returning the form to store.
pub fn check(key: &str, value: &str) -> Result<String, CliError> {
    let value = value.trim();
    match key {
        "project" => common::name("project", value),
        "org" => common::name("org", value),
        "output" => OutputFormat::parse(value)
            .map(|_| value.to_ascii_lowercase())
            .ok_or_else(|| {
                CliError::usage(format!("invalid output format '{value}'"))
                    .with_hint("one of: text, json, json-compact, yaml, csv, tsv")
            }),
        "timeout" => timeparse::timeout(value)
            .map(|_| value.to_owned())
            .map_err(|e| CliError::usage(format!("invalid timeout '{value}': {e}"))),
        "server" => {
            if value.starts_with("https://") || value.starts_with("http://") {
                Ok(value.trim_end_matches('/').to_owned())
            } else {
                Err(CliError::usage(format!("invalid server URL '{value}'"))
                    .with_hint("use https://HOST[:PORT]"))
            }
        }
        _ => Err(unknown_key(key)),
    }
}

pub async fn run(args: &SetArgs, ctx: &Ctx) -> Result<(), CliError> {
    let key = args.key.trim().to_ascii_lowercase();
    if !KEYS.contains(&key.as_str()) {
        return Err(unknown_key(&key));
    }
    let value = check(&key, &args.value)?;
    let context = ctx.context_name().to_owned();
    if key == "server" {
        // A token saved without its origin stays with the server it was saved for.
        ctx.tokens()
            .pin(&context, ctx.settings.configured_server.as_deref())?;
    }
    ctx.config().update(|c| {
        c.contexts
            .entry(context.clone())
            .or_default()
            .set(&key, Some(value.clone()))
    })?;
    ctx.output()
        .info(&format!("Set {key} = {value} in context {context}"));
    Ok(())
}
