//! `accessctl config get KEY`: the value in effect (flags > env > context > default).

use crate::config::{KEYS, unknown_key};
use crate::context::Ctx;
use crate::error::CliError;
use crate::settings::Settings;
use crate::timeparse::format_duration;

/// Print the value of a setting in effect
#[derive(clap::Args, Debug)]
pub struct GetArgs {
    /// One of: project, org, output, timeout, server
    #[arg(value_name = "KEY")]
    key: String,
}

/// The effective value of `key`; `None` when unset.
pub fn effective(settings: &Settings, key: &str) -> Option<(String, String)> {
    match key {
        "server" => settings
            .server
            .as_ref()
            .map(|s| (s.value.clone(), s.source.to_string())),
        "project" => settings
            .project
            .as_ref()
            .map(|s| (s.value.clone(), s.source.to_string())),
        "org" => Some((settings.org.value.clone(), settings.org.source.to_string())),
        "output" => {
            let name = clap::ValueEnum::to_possible_value(&settings.output.value)
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            Some((name, settings.output.source.to_string()))
        }
        "timeout" => Some((
            format_duration(settings.timeout.value),
            settings.timeout.source.to_string(),
        )),
        _ => None,
    }
}

pub async fn run(args: &GetArgs, ctx: &Ctx) -> Result<(), CliError> {
    let key = args.key.trim().to_ascii_lowercase();
    if !KEYS.contains(&key.as_str()) {
        return Err(unknown_key(&key));
    }
    match effective(&ctx.settings, &key) {
        Some((value, _)) => ctx.output().value(&value),
        None => Err(
            CliError::not_found(format!("{key} is not set in context {}", ctx.context_name()))
                .with_hint(format!("set it with `accessctl config set {key} VALUE`")),
        ),
    }
}
