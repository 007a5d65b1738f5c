//! `accessctl config list`: every setting in effect and where it came from.

use serde::Serialize;

use crate::config::KEYS;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Tabular;

/// Show the settings in effect and where each came from
#[derive(clap::Args, Debug)]
pub struct ListArgs {}

#[derive(Serialize)]
struct Entry {
    key: String,
    value: String,
    source: String,
}

impl Tabular for Entry {
    const HEADERS: &'static [&'static str] = &["KEY", "VALUE", "SOURCE"];
    fn row(&self) -> Vec<String> {
        vec![self.key.clone(), self.value.clone(), self.source.clone()]
    }
    fn id(&self) -> String {
        self.key.clone()
    }
}

pub async fn run(_args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let s = &ctx.settings;
    let entry = |key: &str, value: String, source: String| Entry {
        key: key.into(),
        value,
        source,
    };
    let mut entries = vec![entry(
        "context",
        s.context.value.clone(),
        s.context.source.to_string(),
    )];
    for key in KEYS {
        let (value, source) = super::get::effective(s, key).unwrap_or_else(|| match *key {
            "server" if s.is_embedded() => ("embedded".into(), "local context".into()),
            "project" if s.is_embedded() => ("default".into(), "local context (on first use)".into()),
            _ => (String::new(), "unset".into()),
        });
        entries.push(entry(key, value, source));
    }
    // Where the token comes from, never the token.
    let token = if s.is_embedded() {
        ("none needed".into(), "local context".into())
    } else {
        // A locked keyring is shown, not fatal: `config list` is how one finds out.
        match ctx.token() {
            Ok(Some((_, source))) => ("***".into(), source.to_string()),
            Ok(None) => (String::new(), "not logged in to this server".into()),
            Err(e) => (String::new(), e.message),
        }
    };
    entries.push(entry("token", token.0, token.1));
    entries.push(entry(
        "config",
        ctx.config().path().display().to_string(),
        "file".into(),
    ));
    ctx.output().list(&entries, "")
}
