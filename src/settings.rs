//! Settings resolved once, in a pure function: flags > env > context > defaults.
//! Each value remembers where it came from, for `accessctl config list`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{self, ConfigFile, LOCAL_CONTEXT};
use crate::error::CliError;
use crate::output::Filter;
use crate::output::jq::{JqError, JqFilter};
use crate::output::template::{Template, TemplateError};

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    /// The named context of config.toml.
    Context(String),
    /// `current_context` of config.toml.
    CurrentContext,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Context(name) => write!(f, "context {name}"),
            Source::CurrentContext => f.write_str("config current_context"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and its [`Source`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }
}

/// Output formats of `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Wide,
    Json,
    JsonCompact,
    Yaml,
    Csv,
    Tsv,
}

impl OutputFormat {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(s, true).ok()
    }
}

/// What the command line (flags and their env fallbacks) said, before resolution.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub context: Option<Sourced<String>>,
    pub project: Option<Sourced<String>>,
    pub org: Option<Sourced<String>>,
    pub server: Option<Sourced<String>>,
    pub output: Option<Sourced<String>>,
    pub timeout: Option<Sourced<String>>,
    pub jq: Option<String>,
    pub template: Option<String>,
    pub quiet: bool,
    pub yes: bool,
    pub no_color: bool,
    /// `--no-pager`.
    pub no_pager: bool,
    pub verbose: bool,
    pub insecure_http: bool,
}

/// The settings every command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub context: Sourced<String>,
    /// Whether config.toml has a table for the context.
    pub context_exists: bool,
    pub server: Option<Sourced<String>>,
    /// The context's own `server` in config.toml, whatever `--server` says: a token
    /// saved without an origin belongs to it.
    pub configured_server: Option<String>,
    pub project: Option<Sourced<String>>,
    /// The organization: `--org`, `ACCESSCTL_ORG`, the context's `org`, else `default`.
    pub org: Sourced<String>,
    pub output: Sourced<OutputFormat>,
    pub timeout: Sourced<Duration>,
    /// `--jq EXPR` or `--template TPL`, compiled before any request.
    pub filter: Option<Filter>,
    pub quiet: bool,
    pub yes: bool,
    pub no_color: bool,
    pub verbose: bool,
    pub insecure_http: bool,
}

/// The organization when none is set (the server's first org).
pub const DEFAULT_ORG: &str = "default";

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl Settings {
    /// Resolves `inputs` against the config file. Pure: reads nothing else.
    pub fn resolve(inputs: &Inputs, config: &ConfigFile) -> Result<Settings, CliError> {
        let context = match (&inputs.context, &config.current_context) {
            (Some(c), _) => c.clone(),
            (None, Some(current)) => Sourced::new(current.clone(), Source::CurrentContext),
            (None, None) => Sourced::new(LOCAL_CONTEXT.to_owned(), Source::Default),
        };
        config::validate_context_name(&context.value)?;
        let table = config.contexts.get(&context.value);
        let from_context = |key: &str| -> Option<Sourced<String>> {
            table
                .and_then(|t| t.get(key))
                .map(|v| Sourced::new(v.clone(), Source::Context(context.value.clone())))
        };
        let server = inputs.server.clone().or_else(|| from_context("server"));
        let project = inputs.project.clone().or_else(|| from_context("project"));
        let org = inputs
            .org
            .clone()
            .or_else(|| from_context("org"))
            .unwrap_or_else(|| Sourced::new(DEFAULT_ORG.to_owned(), Source::Default));
        let output = match inputs.output.clone().or_else(|| from_context("output")) {
            None => Sourced::new(OutputFormat::Text, Source::Default),
            Some(s) => Sourced::new(
                OutputFormat::parse(&s.value).ok_or_else(|| {
                    CliError::usage(format!("invalid output format '{}' (from {})", s.value, s.source))
                        .with_hint("one of: text, wide, json, json-compact, yaml, csv, tsv")
                })?,
                s.source,
            ),
        };
        let timeout = match inputs.timeout.clone().or_else(|| from_context("timeout")) {
            None => Sourced::new(DEFAULT_TIMEOUT, Source::Default),
            Some(s) => Sourced::new(
                crate::timeparse::timeout(&s.value).map_err(|e| {
                    CliError::usage(format!("invalid timeout '{}' (from {}): {e}", s.value, s.source))
                })?,
                s.source,
            ),
        };
        let filter = match (&inputs.jq, &inputs.template) {
            (Some(expr), _) => Some(Filter::Jq(Arc::new(JqFilter::compile(expr).map_err(jq_usage)?))),
            (None, Some(src)) => Some(Filter::Template(Arc::new(
                Template::compile(src).map_err(template_usage)?,
            ))),
            (None, None) => None,
        };
        Ok(Settings {
            filter,
            context_exists: table.is_some(),
            configured_server: table.and_then(|t| t.server.clone()),
            context,
            server,
            project,
            org,
            output,
            timeout,
            quiet: inputs.quiet,
            yes: inputs.yes,
            no_color: inputs.no_color,
            verbose: inputs.verbose,
            insecure_http: inputs.insecure_http,
        })
    }

    /// Whether this context runs the embedded server (no server configured).
    pub fn is_embedded(&self) -> bool {
        self.server.is_none() && self.context.value == LOCAL_CONTEXT
    }
}

fn jq_usage(e: JqError) -> CliError {
    CliError::usage(e.to_string())
        .with_hint("--jq takes a jq filter over the JSON that `-o json` prints, e.g. '.[].email'")
}

fn template_usage(e: TemplateError) -> CliError {
    CliError::usage(e.to_string()).with_hint(
        "--template takes minijinja syntax over the fields that `-o json` prints, e.g. '{{ email }}'",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ContextConfig;

    fn config() -> ConfigFile {
        let mut c = ConfigFile {
            current_context: Some("prod".into()),
            ..Default::default()
        };
        c.contexts.insert(
            "prod".into(),
            ContextConfig {
                server: Some("https://prod.example".into()),
                project: Some("shop".into()),
                org: Some("acme".into()),
                output: Some("json".into()),
                timeout: Some("30s".into()),
            },
        );
        c.contexts.insert("dev".into(), ContextConfig::default());
        c
    }

    fn flag(v: &str) -> Option<Sourced<String>> {
        Some(Sourced::new(v.into(), Source::Flag("--x")))
    }

    #[test]
    fn empty_config_is_local_with_defaults() {
        let s = Settings::resolve(&Inputs::default(), &ConfigFile::default()).unwrap();
        assert_eq!(s.context, Sourced::new("local".into(), Source::Default));
        assert!(s.is_embedded());
        assert_eq!(s.output.value, OutputFormat::Text);
        assert_eq!(s.timeout, Sourced::new(DEFAULT_TIMEOUT, Source::Default));
        assert!(s.project.is_none() && s.server.is_none());
        assert_eq!(s.org, Sourced::new("default".into(), Source::Default));
    }

    #[test]
    fn current_context_supplies_values() {
        let s = Settings::resolve(&Inputs::default(), &config()).unwrap();
        assert_eq!(s.context.source, Source::CurrentContext);
        assert_eq!(
            s.project.unwrap(),
            Sourced::new("shop".into(), Source::Context("prod".into()))
        );
        assert_eq!(s.org, Sourced::new("acme".into(), Source::Context("prod".into())));
        assert_eq!(s.output.value, OutputFormat::Json);
        assert_eq!(s.timeout.value, Duration::from_secs(30));
        assert!(
            !Settings::resolve(&Inputs::default(), &config())
                .unwrap()
                .is_embedded()
        );
    }

    #[test]
    fn flags_and_env_win_over_context() {
        let inputs = Inputs {
            project: flag("other"),
            org: Some(Sourced::new("beta".into(), Source::Env("ACCESSCTL_ORG"))),
            output: Some(Sourced::new("yaml".into(), Source::Env("ACCESSCTL_OUTPUT"))),
            timeout: flag("500ms"),
            ..Default::default()
        };
        let s = Settings::resolve(&inputs, &config()).unwrap();
        assert_eq!(s.project.unwrap().value, "other");
        assert_eq!(s.org, Sourced::new("beta".into(), Source::Env("ACCESSCTL_ORG")));
        assert_eq!(
            s.output,
            Sourced::new(OutputFormat::Yaml, Source::Env("ACCESSCTL_OUTPUT"))
        );
        assert_eq!(s.timeout.value, Duration::from_millis(500));
    }

    #[test]
    fn context_flag_selects_table() {
        let inputs = Inputs {
            context: flag("dev"),
            ..Default::default()
        };
        let s = Settings::resolve(&inputs, &config()).unwrap();
        assert_eq!(s.context.value, "dev");
        assert!(s.project.is_none());
    }

    #[test]
    fn unknown_and_invalid_contexts() {
        let inputs = Inputs {
            context: flag("nope"),
            ..Default::default()
        };
        let s = Settings::resolve(&inputs, &config()).unwrap();
        assert!(!s.context_exists && !s.is_embedded());
        let inputs = Inputs {
            context: flag("../x"),
            ..Default::default()
        };
        assert_eq!(
            Settings::resolve(&inputs, &config())
                .unwrap_err()
                .kind
                .exit_code(),
            2
        );
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for inputs in [
            Inputs {
                output: flag("xml"),
                ..Default::default()
            },
            Inputs {
                timeout: flag("ten"),
                ..Default::default()
            },
            Inputs {
                timeout: flag("0s"),
                ..Default::default()
            },
        ] {
            let err = Settings::resolve(&inputs, &ConfigFile::default()).unwrap_err();
            assert_eq!(err.kind.exit_code(), 2, "{}", err.message);
        }
    }

    #[test]
    fn timeout_errors_say_the_range() {
        for (value, says) in [
            ("0s", "must be positive"),
            ("-5s", "must be positive"),
            ("25h", "too long"),
        ] {
            let inputs = Inputs {
                timeout: flag(value),
                ..Default::default()
            };
            let err = Settings::resolve(&inputs, &ConfigFile::default()).unwrap_err();
            assert_eq!(err.kind.exit_code(), 2);
            assert_eq!(
                err.message,
                format!(
                    "invalid timeout '{value}' (from flag --x): {says}; a timeout is more than 0s and at most 24h"
                )
            );
        }
    }
}
