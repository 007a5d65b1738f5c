//! Dynamic shell completion with clap_complete's engine and its env protocol: the
//! registration script (`accessctl completion bash`, or `COMPLETE=bash accessctl`)
//! makes the shell run `COMPLETE=bash accessctl -- accessctl roles …` on TAB, and
//! [`handle_request`] answers that at the very start of `main`.
//!
//! Values that live on the server (roles, binding ids, invitation and member emails,
//! projects, teams) come from the context in effect — including `--context`, `--project`,
//! `--server` and `--config` already typed on the line — through the normal settings
//! resolution and API client, with a short deadline. Any failure (no config, not
//! logged in, server unreachable, no local database yet) completes nothing, silently.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use access_api::{InvitationStatus, Principal, PrincipalType};
use clap::CommandFactory;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::{Bash, CompleteEnv, Elvish, EnvCompleter, Fish, Powershell, Shells, Zsh};

use crate::cli::Cli;
use crate::config::{ConfigStore, LOCAL_CONTEXT};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::sanitize::{is_unsafe, sanitize};
use crate::output::views::principal_label;
use crate::settings::{Inputs, Source, Sourced};

/// The environment variable of the completion protocol.
pub const VAR: &str = "COMPLETE";
/// The command the scripts complete and call.
pub const BIN: &str = "accessctl";
/// The shells `accessctl completion` knows, in the order the help lists them.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell", "elvish"];
/// How long a completion may take in all (requests, keyring, local database).
pub const DEADLINE: Duration = Duration::from_secs(2);

/// Answers a completion request and exits, when `COMPLETE` is set; otherwise returns
/// at once. Must run before anything writes to stdout or starts a runtime.
pub fn handle_request() {
    if std::env::var_os(VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        // Completion never prints a panic message into the user's prompt.
        std::panic::set_hook(Box::new(|_| {}));
    }
    CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .bin(BIN)
        .completer(BIN)
        .shells(shells())
        .complete();
}

/// clap_complete's shells, with zsh's registration made to work from `$fpath` too.
fn shells() -> Shells<'static> {
    Shells(&[&Bash, &Elvish, &Fish, &Powershell, &FpathZsh])
}

/// clap_complete's zsh script is made to be sourced: it defines the completer and
/// registers it with `compdef`. Installed as `_accessctl` on `$fpath`, compinit
/// autoloads the file as the function `_accessctl` on the first TAB instead, so the
/// body only defines and registers the real completer and that TAB offers nothing.
/// The appended bridge calls the completer when the file runs as `_accessctl` (the
/// autoload); sourced, `funcstack[1]` is not `_accessctl` and it does nothing.
struct FpathZsh;

/// The last lines of the zsh script (see [`FpathZsh`]).
pub const ZSH_AUTOLOAD_BRIDGE: &str = "
# Autoloaded from $fpath as _accessctl (compinit), this file is the first TAB's
# completion function: complete that TAB too. Sourced, this does nothing.
if [[ ${funcstack[1]} == _accessctl ]]; then
    _clap_dynamic_completer_accessctl \"$@\"
fi
";

impl EnvCompleter for FpathZsh {
    fn name(&self) -> &'static str {
        Zsh.name()
    }
    fn is(&self, name: &str) -> bool {
        Zsh.is(name)
    }
    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn std::io::Write,
    ) -> Result<(), std::io::Error> {
        Zsh.write_registration(var, name, bin, completer, buf)?;
        buf.write_all(ZSH_AUTOLOAD_BRIDGE.as_bytes())
    }
    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&std::path::Path>,
        buf: &mut dyn std::io::Write,
    ) -> Result<(), std::io::Error> {
        Zsh.write_complete(cmd, args, current_dir, buf)
    }
}

/// The registration script for `shell` (one of [`SHELLS`]): the same text as
/// `COMPLETE=<shell> accessctl` prints, and as `completions/` holds.
pub fn registration(shell: &str) -> Option<String> {
    if !SHELLS.contains(&shell) {
        return None;
    }
    let shells = shells();
    let completer = shells.completer(shell)?;
    let mut buf = Vec::new();
    completer.write_registration(VAR, BIN, BIN, BIN, &mut buf).ok()?;
    String::from_utf8(buf).ok()
}

/// The file name of a shell's script in `completions/`.
pub fn script_file_name(shell: &str) -> String {
    match shell {
        "bash" => format!("{BIN}.bash"),
        "zsh" => format!("_{BIN}"),
        "fish" => format!("{BIN}.fish"),
        "powershell" => format!("_{BIN}.ps1"),
        "elvish" => format!("{BIN}.elv"),
        other => format!("{BIN}.{other}"),
    }
}

// ------------------------------------------------------------------ completers

/// Role names of the project, described by their description.
pub fn roles() -> ArgValueCandidates {
    remote(Kind::Roles)
}

/// The project's custom roles (the ones `roles update | delete` can change).
pub fn custom_roles() -> ArgValueCandidates {
    remote(Kind::CustomRoles)
}

/// The permission catalogue, described by what each permission allows.
pub fn permissions() -> ArgValueCandidates {
    remote(Kind::Permissions)
}

/// Role binding ids of the project, described by role and principal.
pub fn bindings() -> ArgValueCandidates {
    remote(Kind::Bindings)
}

/// Emails of the project's open invitations, described by role and status.
pub fn invitations() -> ArgValueCandidates {
    remote(Kind::Invitations)
}

/// Emails of the project's user members, described by name and roles. For
/// `project users update | remove`.
pub fn members() -> ArgValueCandidates {
    remote(Kind::Members)
}

/// Emails of the members of the team named on the line (`teams remove-member NAME
/// --email`), described by their name.
pub fn team_members() -> ArgValueCandidates {
    remote(Kind::TeamMembers)
}

/// Names of the org's teams, described by their member count. For `--team` and
/// the `teams` subcommands.
pub fn teams() -> ArgValueCandidates {
    remote(Kind::Teams)
}

/// Names of the organizations the user belongs to.
pub fn orgs() -> ArgValueCandidates {
    remote(Kind::Orgs)
}

/// Org role names (base and custom) of the current organization.
pub fn org_roles() -> ArgValueCandidates {
    remote(Kind::OrgRoles)
}

/// Emails of the current organization's open invitations, described by their org role.
pub fn org_invitations() -> ArgValueCandidates {
    remote(Kind::OrgInvitations)
}

/// Cluster names of the current organization.
pub fn clusters() -> ArgValueCandidates {
    remote(Kind::Clusters)
}

/// Names of the projects the user can see.
pub fn projects() -> ArgValueCandidates {
    remote(Kind::Projects)
}

/// Names of the saved contexts (and `local`), from config.toml only.
pub fn contexts() -> ArgValueCandidates {
    ArgValueCandidates::new(|| with_deadline(context_names).unwrap_or_default())
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Roles,
    CustomRoles,
    Permissions,
    Bindings,
    Invitations,
    Members,
    TeamMembers,
    Projects,
    Teams,
    Orgs,
    OrgRoles,
    OrgInvitations,
    Clusters,
}

fn remote(kind: Kind) -> ArgValueCandidates {
    ArgValueCandidates::new(move || with_deadline(move || fetch_blocking(kind)).unwrap_or_default())
}

/// Runs `f` on its own thread and gives up after [`DEADLINE`] (a hanging keyring or
/// server must not hang the shell); a panic or an error is no candidates.
fn with_deadline<F>(f: F) -> Option<Vec<CompletionCandidate>>
where
    F: FnOnce() -> Result<Vec<CompletionCandidate>, CliError> + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("complete".into())
        .spawn(move || {
            if let Ok(Ok(c)) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                let _ = tx.send(c);
            }
        })
        .ok()?;
    rx.recv_timeout(DEADLINE).ok()
}

fn fetch_blocking(kind: Kind) -> Result<Vec<CompletionCandidate>, CliError> {
    let line = typed();
    let mut ctx = crate::build_ctx(
        &crate::process::Process::inherited(),
        line.config.clone(),
        &line.inputs(),
        true,
    )?
    .without_retries();
    let team = line.team.clone();
    ctx.settings.timeout.value = ctx.settings.timeout.value.min(DEADLINE);
    // Completion never creates the local database; it only reads one that exists.
    if ctx.settings.is_embedded() && !crate::local::database_path(&ctx.env().data_dir).exists() {
        return Ok(Vec::new());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::other(e.to_string()))?;
    runtime.block_on(fetch(kind, team.as_deref(), &ctx))
}

type Items = Vec<(String, Option<String>)>;

/// `team` is the team named on the line, for [`Kind::TeamMembers`].
async fn fetch(kind: Kind, team: Option<&str>, ctx: &Ctx) -> Result<Vec<CompletionCandidate>, CliError> {
    let api = ctx.api().await?;
    let items: Items = match kind {
        Kind::Projects => api
            .list_projects()
            .await?
            .into_iter()
            .map(|p| (p.name, p.description))
            .collect(),
        Kind::Roles => api
            .list_roles(&ctx.project().await?)
            .await?
            .into_iter()
            .map(|r| (r.name, r.description))
            .collect(),
        Kind::CustomRoles => api
            .list_roles(&ctx.project().await?)
            .await?
            .into_iter()
            .filter(|r| !r.built_in)
            .map(|r| (r.name, r.description))
            .collect(),
        Kind::Permissions => api
            .list_permissions()
            .await?
            .into_iter()
            .map(|p| (p.name, Some(p.description)))
            .collect(),
        Kind::Bindings => api
            .list_role_bindings(&ctx.project().await?, None, None)
            .await?
            .into_iter()
            .map(|b| {
                let help = format!("{}  {}", b.role.name, principal_label(&b.principal));
                (b.id, Some(help))
            })
            .collect(),
        Kind::Invitations => api
            .list_invitations(&ctx.project().await?)
            .await?
            .into_iter()
            .map(|i| {
                let status = match i.status {
                    InvitationStatus::Pending => "pending",
                    InvitationStatus::Expired => "expired",
                };
                (i.email, Some(format!("{}  {status}", i.role.name)))
            })
            .collect(),
        Kind::OrgRoles => api
            .list_org_roles(&ctx.settings.org.value)
            .await?
            .into_iter()
            .map(|r| (access_api::validate::role_key(&r.name), r.description))
            .collect(),
        Kind::Clusters => api
            .list_clusters(&ctx.settings.org.value)
            .await?
            .into_iter()
            .map(|k| (k.name, None))
            .collect(),
        Kind::OrgInvitations => api
            .list_org_invitations(&ctx.settings.org.value)
            .await?
            .into_iter()
            .map(|i| (i.email, Some(i.role)))
            .collect(),
        Kind::Orgs => api
            .list_orgs()
            .await?
            .into_iter()
            .map(|o| (o.name, None))
            .collect(),
        Kind::Teams => api
            .list_teams(&ctx.settings.org.value)
            .await?
            .into_iter()
            .map(|t| {
                let help = match t.member_count {
                    1 => "1 member".to_owned(),
                    n => format!("{n} members"),
                };
                (t.name, Some(help))
            })
            .collect(),
        Kind::TeamMembers => match team {
            None => Vec::new(),
            Some(team) => api
                .list_team_members(&ctx.settings.org.value, team)
                .await?
                .into_iter()
                .map(|m| {
                    let name = m.name.filter(|n| !n.is_empty()).unwrap_or(m.username);
                    (m.email, Some(name))
                })
                .collect(),
        },
        Kind::Members => members_of(
            api.list_role_bindings(&ctx.project().await?, None, Some(PrincipalType::User))
                .await?,
        ),
    };
    Ok(candidates(items))
}

/// One candidate per member email, described by name and roles.
fn members_of(bindings: Vec<access_api::RoleBinding>) -> Items {
    let mut members: Vec<(String, String, Vec<String>)> = Vec::new();
    for b in bindings {
        if let Principal::User {
            email,
            name,
            username,
            ..
        } = &b.principal
        {
            match members.iter_mut().find(|m| &m.0 == email) {
                Some(m) => m.2.push(b.role.name.clone()),
                None => members.push((
                    email.clone(),
                    name.clone().filter(|n| !n.is_empty()).unwrap_or(username.clone()),
                    vec![b.role.name.clone()],
                )),
            }
        }
    }
    members
        .into_iter()
        .map(|(email, name, roles)| (email, Some(format!("{name}  {}", roles.join(", ")))))
        .collect()
}

/// Candidates from server strings: a value that would need escaping is left out (it
/// could not be typed back anyway); descriptions are sanitized.
fn candidates(items: Items) -> Vec<CompletionCandidate> {
    items
        .into_iter()
        .filter(|(v, _)| !v.is_empty() && !v.chars().any(is_unsafe))
        .map(|(v, help)| {
            let help = help
                .filter(|h| !h.is_empty())
                .map(|h| sanitize(&h).replace(['\t', '\n'], " ").into());
            CompletionCandidate::new(v).help(help)
        })
        .collect()
}

fn context_names() -> Result<Vec<CompletionCandidate>, CliError> {
    let line = typed();
    let path = match line.config {
        Some(p) => p,
        None => directories::ProjectDirs::from("", "", "accessctl")
            .ok_or_else(|| CliError::other("no home"))?
            .config_dir()
            .join("config.toml"),
    };
    let config = ConfigStore::new(path).load()?;
    let current = config.current_context.clone();
    let mut names: Vec<String> = config.contexts.keys().cloned().collect();
    if !names.iter().any(|n| n == LOCAL_CONTEXT) {
        names.push(LOCAL_CONTEXT.to_owned());
    }
    names.sort();
    let items = names
        .into_iter()
        .map(|n| {
            let server = config.contexts.get(&n).and_then(|c| c.server.clone());
            let mut help = server.unwrap_or_else(|| "embedded (this machine)".to_owned());
            if current.as_deref().unwrap_or(LOCAL_CONTEXT) == n {
                help.push_str("  (current)");
            }
            (n, Some(help))
        })
        .collect();
    Ok(candidates(items))
}

// ------------------------------------------------------------------ the typed line

/// The global flags already typed on the line being completed (with their env
/// fallbacks), as far as they can be read from the words the shell passed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Typed {
    context: Option<String>,
    project: Option<String>,
    org: Option<String>,
    server: Option<String>,
    config: Option<PathBuf>,
    timeout: Option<String>,
    insecure_http: bool,
    /// The NAME of `teams add-member | remove-member NAME`, when typed.
    team: Option<String>,
}

impl Typed {
    fn inputs(&self) -> Inputs {
        let from = |flag: &Option<String>, env: &'static str| {
            flag.clone()
                .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
                .map(|v| Sourced::new(v, Source::Env(env)))
        };
        Inputs {
            context: from(&self.context, "ACCESSCTL_CONTEXT"),
            project: from(&self.project, "ACCESSCTL_PROJECT"),
            org: from(&self.org, "ACCESSCTL_ORG"),
            server: from(&self.server, "ACCESSCTL_SERVER"),
            timeout: from(&self.timeout, "ACCESSCTL_TIMEOUT"),
            quiet: true,
            insecure_http: self.insecure_http,
            ..Default::default()
        }
    }
}

/// The words of the request: `accessctl -- accessctl roles add-binding --role ''`.
fn typed() -> Typed {
    let args: Vec<OsString> = std::env::args_os().collect();
    let words: Vec<String> = match args.iter().position(|a| a == "--") {
        Some(i) => args[i + 1..]
            .iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        None => Vec::new(),
    };
    let mut t = scan(&words);
    if t.config.is_none() {
        t.config = std::env::var_os("ACCESSCTL_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
    }
    t
}

/// What the words already typed say: the global flags that choose the server
/// (`--flag VALUE` or `--flag=VALUE`, as typed; env fallbacks come later, in
/// [`Typed::inputs`]) and the team of `teams add-member | remove-member NAME`.
/// The words are parsed by the CLI's own clap command with errors ignored (the
/// line is unfinished), so every spelling clap accepts is read the same way; the
/// last word is the one being completed and is not a value yet.
fn scan(words: &[String]) -> Typed {
    use clap::parser::ValueSource;
    let done = &words[..words.len().saturating_sub(1)];
    let argv = std::iter::once("accessctl".to_owned()).chain(done.iter().cloned());
    let Ok(m) = Cli::command().ignore_errors(true).try_get_matches_from(argv) else {
        return Typed::default();
    };
    let typed = |id: &str| -> Option<String> {
        if m.value_source(id) != Some(ValueSource::CommandLine) {
            return None;
        }
        m.try_get_one::<String>(id)
            .ok()
            .flatten()
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let team = match m.subcommand() {
        Some(("teams", t)) => match t.subcommand() {
            Some(("add-member" | "remove-member", a)) => {
                a.try_get_one::<String>("name").ok().flatten().cloned()
            }
            _ => None,
        },
        _ => None,
    };
    Typed {
        context: typed("context"),
        project: typed("project"),
        org: typed("org"),
        server: typed("server"),
        timeout: typed("timeout"),
        config: (m.value_source("config") == Some(ValueSource::CommandLine))
            .then(|| m.try_get_one::<PathBuf>("config").ok().flatten().cloned())
            .flatten(),
        insecure_http: m.value_source("insecure_http") == Some(ValueSource::CommandLine)
            && m.get_flag("insecure_http"),
        team,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn scan_reads_typed_global_flags() {
        let t = scan(&words(
            "roles --context prod add-binding --project=shop --role x --config /x/c.toml --insecure-http ",
        ));
        assert_eq!(t.context.as_deref(), Some("prod"));
        assert_eq!(t.project.as_deref(), Some("shop"));
        assert_eq!(
            scan(&words("--org acme orgs members add --role ")).org.as_deref(),
            Some("acme")
        );
        assert_eq!(t.config, Some(PathBuf::from("/x/c.toml")));
        assert!(t.insecure_http);
        assert_eq!(t.server, None);
        // After `--` everything is positional; a flag without its value yet is unset.
        let t = scan(&words("roles delete-binding -- --project x"));
        assert_eq!(t.project, None);
        let t = scan(&words("roles list --project"));
        assert_eq!(t.project, None);
    }

    #[test]
    fn scan_reads_the_team_of_a_member_command() {
        let team = |line: &str| scan(&words(line)).team;
        assert_eq!(
            team("teams remove-member backend --email "),
            Some("backend".into())
        );
        assert_eq!(
            team("--context x teams --project p remove-member --email a@b.c backend --email "),
            Some("backend".into())
        );
        assert_eq!(team("teams add-member back"), None, "still being typed");
        assert_eq!(team("teams remove-member --email "), None);
        assert_eq!(team("roles add-binding backend --email "), None);
    }

    /// Whether `--email` of the command at `path` names someone who already is a
    /// member (of the project or a team): every one under `roles`, `project users`
    /// and `teams` (the emails to invite are `--emails`).
    fn member_email(path: &str) -> bool {
        [
            "accessctl roles ",
            "accessctl projects users ",
            "accessctl teams ",
        ]
        .iter()
        .any(|p| path.starts_with(p))
    }

    /// Every `--role`, `--project`, `--context`, `--*permission` and ROLE/PROJECT/
    /// PERMISSION positional of the tree (including commands added later) has a
    /// completer; so does every member `--email` ([`member_email`]).
    #[test]
    fn every_server_value_has_a_completer() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let value_name = arg
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
                let wants = matches!(
                    arg.get_long(),
                    Some(
                        "role"
                            | "project"
                            | "context"
                            | "permission"
                            | "add-permission"
                            | "remove-permission"
                    )
                ) || (arg.is_positional()
                    && matches!(value_name.as_str(), "ROLE" | "PROJECT" | "PERMISSION"))
                    || member_email(path) && arg.get_long() == Some("email");
                if wants && arg.get::<ArgValueCandidates>().is_none() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "accessctl", &mut missing);
        assert!(missing.is_empty(), "no completer: {missing:?}");
    }

    #[test]
    fn every_shell_has_a_script() {
        for shell in SHELLS {
            let script = registration(shell).unwrap();
            assert!(script.contains(BIN), "{shell}");
            assert!(script.contains(VAR), "{shell}");
        }
        assert!(registration("tcsh").is_none());
    }

    #[test]
    fn members_are_one_per_email_with_their_roles() {
        let binding = |role: &str, principal: serde_json::Value| -> access_api::RoleBinding {
            serde_json::from_value(serde_json::json!({
                "id": format!("b-{role}"),
                "role": {"id": "r", "name": role},
                "principal": principal,
                "created_at": "2026-01-01T00:00:00Z",
            }))
            .unwrap()
        };
        let jane = serde_json::json!({"type": "user", "id": "u1", "username": "jane", "email": "jane@x.com", "name": "Jane"});
        let bob = serde_json::json!({"type": "user", "id": "u2", "username": "bob", "email": "bob@x.com"});
        let items = members_of(vec![
            binding("admin", jane.clone()),
            binding("viewer", bob),
            binding("developer", jane),
        ]);
        assert_eq!(
            items,
            vec![
                ("jane@x.com".to_owned(), Some("Jane  admin, developer".to_owned())),
                ("bob@x.com".to_owned(), Some("bob  viewer".to_owned())),
            ]
        );
    }

    #[test]
    fn unsafe_values_are_dropped_and_help_sanitized() {
        let c = candidates(vec![
            ("ok".into(), Some("a\u{1b}[31m\tb".into())),
            ("bad\u{1b}".into(), None),
            ("".into(), None),
        ]);
        assert_eq!(c.len(), 1);
        let help = c[0].get_help().unwrap().to_string();
        assert!(!help.chars().any(|c| c.is_control()), "{help:?}");
    }
}
