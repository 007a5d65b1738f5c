//! The clap tree: global flags (accepted before or after the subcommand) and the
//! top-level commands. Each leaf's Args struct lives in its own file under commands/.

use std::path::PathBuf;

use clap::builder::FalseyValueParser;
use clap::parser::ValueSource;
use clap::{ArgMatches, Parser, Subcommand};

use crate::settings::{Inputs, OutputFormat, Source, Sourced};
use crate::{commands, complete};

/// Manage who may do what in a project: roles, role bindings and invitations.
///
/// With no configuration, commands run against the `local` context: an embedded
/// accessd on a SQLite database in your data directory, with you as its admin and a
/// project named `default`. `accessctl auth login --server URL` adds a remote context.
#[derive(Parser, Debug)]
#[command(name = "accessctl", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Saved context to use (default: the current one; on a fresh machine `local`)
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        env = "ACCESSCTL_CONTEXT",
        hide_env_values = true,
        add = complete::contexts()
    )]
    pub context: Option<String>,

    /// Project to act on (name or id); overrides the context's project
    #[arg(
        long,
        global = true,
        value_name = "NAME|ID",
        env = "ACCESSCTL_PROJECT",
        hide_env_values = true,
        add = complete::projects()
    )]
    pub project: Option<String>,

    /// Organization to act on: `orgs …`, `teams …`, `projects new`, `audit list --org NAME` [default: default]
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        env = "ACCESSCTL_ORG",
        hide_env_values = true,
        add = complete::orgs()
    )]
    pub org: Option<String>,

    /// Server URL for this call, overriding the context
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "ACCESSCTL_SERVER",
        hide_env_values = true
    )]
    pub server: Option<String>,

    /// Output format
    #[arg(
        short,
        long,
        global = true,
        value_name = "FORMAT",
        value_enum,
        env = "ACCESSCTL_OUTPUT",
        hide_env_values = true
    )]
    pub output: Option<OutputFormat>,

    /// Filter the JSON output with a jq expression (implies json), e.g. '.[].email'
    #[arg(long, global = true, value_name = "EXPR", conflicts_with_all = ["template", "quiet"])]
    pub jq: Option<String>,

    /// Render each result with a minijinja template, e.g. '{{ email }}'
    #[arg(long, global = true, value_name = "TPL", conflicts_with = "quiet")]
    pub template: Option<String>,

    /// Print only identifiers (binding IDs, emails…), one a line
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Config file [default: <config dir>/accessctl/config.toml]
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "ACCESSCTL_CONFIG",
        hide_env_values = true
    )]
    pub config: Option<PathBuf>,

    /// Per-request timeout, e.g. 10s, 500ms, 2m [default: 10s]
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        env = "ACCESSCTL_TIMEOUT",
        hide_env_values = true
    )]
    pub timeout: Option<String>,

    /// Never ask for confirmation
    #[arg(
        short = 'y',
        long = "yes",
        visible_alias = "disable-prompt",
        global = true,
        env = "ACCESSCTL_DISABLE_PROMPTS",
        hide_env_values = true,
        value_parser = FalseyValueParser::new()
    )]
    pub yes: bool,

    /// Plain output without colour (so does NO_COLOR set to anything)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Print long output at once instead of through the pager ($ACCESSCTL_PAGER, $PAGER,
    /// else `less -FRX`)
    #[arg(long, global = true)]
    pub no_pager: bool,

    /// Trace requests and responses on stderr (secrets redacted)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Allow sending a token over plain http:// to a non-loopback server
    #[arg(long, global = true)]
    pub insecure_http: bool,
}

/// The nouns.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Roles, role bindings and invitations of a project
    #[command(subcommand)]
    Roles(commands::roles::RolesCommand),
    /// Projects
    #[command(subcommand, visible_alias = "project")]
    Projects(commands::projects::ProjectsCommand),
    /// Log in and out, and manage API tokens
    #[command(subcommand)]
    Auth(commands::auth::AuthCommand),
    /// Settings of the current context, and the contexts themselves
    #[command(subcommand)]
    Config(commands::config::ConfigCommand),
    /// Organizations and their members (org roles apply in every project of the org)
    #[command(subcommand)]
    Orgs(commands::orgs::OrgsCommand),
    /// Teams of the organization: named sets of users that role bindings can name
    #[command(subcommand)]
    Teams(commands::teams::TeamsCommand),
    /// Users of the server (server administrators)
    #[command(subcommand)]
    Users(commands::users::UsersCommand),
    /// The audit log
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    Completion(commands::completion::CompletionArgs),
}

/// The command line's settings with where each came from (flag or env).
pub fn inputs(global: &GlobalArgs, matches: &ArgMatches) -> Inputs {
    let sourced = |id: &str, flag: &'static str, env: &'static str, value: Option<String>| {
        value.map(|v| {
            let source = match matches.value_source(id) {
                Some(ValueSource::EnvVariable) => Source::Env(env),
                _ => Source::Flag(flag),
            };
            Sourced::new(v, source)
        })
    };
    let output = global
        .output
        .and_then(|o| clap::ValueEnum::to_possible_value(&o))
        .map(|v| v.get_name().to_owned());
    Inputs {
        context: sourced(
            "context",
            "--context",
            "ACCESSCTL_CONTEXT",
            global.context.clone(),
        ),
        project: sourced(
            "project",
            "--project",
            "ACCESSCTL_PROJECT",
            global.project.clone(),
        ),
        org: sourced("org", "--org", "ACCESSCTL_ORG", global.org.clone()),
        server: sourced("server", "--server", "ACCESSCTL_SERVER", global.server.clone()),
        output: sourced("output", "--output", "ACCESSCTL_OUTPUT", output),
        timeout: sourced(
            "timeout",
            "--timeout",
            "ACCESSCTL_TIMEOUT",
            global.timeout.clone(),
        ),
        jq: global.jq.clone(),
        template: global.template.clone(),
        quiet: global.quiet,
        yes: global.yes,
        no_color: global.no_color,
        no_pager: global.no_pager,
        verbose: global.verbose,
        insecure_http: global.insecure_http,
    }
}
