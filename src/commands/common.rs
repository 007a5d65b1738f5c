//! Small helpers shared by commands: input checks, batch results, and printing a
//! paginated list as it arrives.

use access_api::validate;

use crate::api::{ApiClient, ApiError, Pages};
use crate::error::{CliError, ErrorKind};
use crate::suggest;

/// Checks an email before any request (exit 2 naming it).
pub fn email(s: &str) -> Result<String, CliError> {
    let s = s.trim();
    validate::email(s).map_err(|why| CliError::usage(format!("invalid email '{s}': {why}")))?;
    Ok(s.to_owned())
}

/// Checks a project, role, team or user name before any request.
pub fn name(kind: &str, s: &str) -> Result<String, CliError> {
    let s = s.trim();
    validate::name(kind, s).map_err(CliError::usage)?;
    Ok(s.to_owned())
}

/// The user a `USER` argument names (server administrators): an id, a unique id
/// prefix of 8+ characters, a username or an email (both case-insensitive). None
/// is exit 3 with a hint; an ambiguous prefix exit 2 (see `ids`).
pub async fn user(api: &ApiClient, given: &str) -> Result<access_api::User, CliError> {
    let given = given.trim();
    if given.is_empty() {
        return Err(CliError::usage("the user is empty").with_hint("give a username, email or id"));
    }
    let wanted = validate::normalize(given);
    let mut users = api.list_users().await?;
    if let Some(i) = users.iter().position(|u| {
        u.id == given || validate::normalize(&u.username) == wanted || validate::normalize(&u.email) == wanted
    }) {
        return Ok(users.swap_remove(i));
    }
    if !crate::commands::ids::is_whole(given) {
        let candidates: Vec<(String, String)> =
            users.iter().map(|u| (u.id.clone(), u.username.clone())).collect();
        let id = crate::commands::ids::pick(given, &candidates, "user", "accessctl users list")?;
        if let Some(i) = users.iter().position(|u| u.id == id) {
            return Ok(users.swap_remove(i));
        }
    }
    Err(CliError::not_found(format!("no user '{given}'")).with_hint("see `accessctl users list`"))
}

/// Role names are case-insensitive; the server matches them that way too.
pub fn role(s: &str) -> String {
    validate::normalize(s)
}

/// `--idempotency-key KEY` (a clap value parser, so a bad key is exit 2 before
/// anything is read or sent): 1 to 128 ASCII letters, digits and `-_.:`. The key
/// names a run, it is not a secret, so it may appear in scripts and logs.
pub fn idempotency_key(s: &str) -> Result<String, String> {
    const MAX: usize = 128;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    if s.is_empty() || s.len() > MAX || !s.chars().all(allowed) {
        return Err(format!(
            "must be 1 to {MAX} characters of ASCII letters, digits, '-', '_', '.' and ':'"
        ));
    }
    Ok(s.to_owned())
}

/// A failed request about role `role`: a 404 names the role and lists the project's
/// roles in the hint; a built-in role says how to make a custom one.
pub async fn role_error(api: &ApiClient, e: ApiError, project: &str, role: &str) -> CliError {
    let mut err = CliError::from(e);
    if err.kind == ErrorKind::NotFound {
        err.message = format!("no role '{role}' in project '{project}'");
        if let Ok(roles) = api.list_roles(project).await {
            let names: Vec<_> = roles.into_iter().map(|r| r.name).collect();
            err.set_hint(
                suggest::did_you_mean(role, names.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("valid roles: {}", names.join(", "))),
            );
        }
    }
    err
}

/// Permission names, normalized, checked against the server's catalogue before any
/// change: an unknown one is a usage error (exit 2) naming it.
pub async fn permissions(api: &ApiClient, given: &[String]) -> Result<Vec<String>, CliError> {
    let catalogue = api.list_permissions().await?;
    let mut out: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for p in given {
        let p = validate::normalize(p);
        if !catalogue.iter().any(|c| c.name == p) {
            unknown.push(p);
        } else if !out.contains(&p) {
            out.push(p);
        }
    }
    let names = || catalogue.iter().map(|c| c.name.as_str());
    let catalogue_hint = "see the catalogue with `accessctl roles permissions`";
    match unknown.as_slice() {
        [] => Ok(out),
        [one] => Err(CliError::usage(format!("unknown permission '{one}'"))
            .with_hint(suggest::did_you_mean(one, names()).unwrap_or_else(|| catalogue_hint.into()))),
        many => {
            let guesses: Vec<String> = many
                .iter()
                .filter_map(|p| suggest::closest(p, names()).map(|c| format!("'{c}' for '{p}'")))
                .collect();
            let hint = if guesses.is_empty() {
                catalogue_hint.to_owned()
            } else {
                format!("did you mean {}?", guesses.join(", "))
            };
            Err(CliError::usage(format!("unknown permissions: {}", many.join(", "))).with_hint(hint))
        }
    }
}

/// A failed request about team `team`: a 404 for a team that does not exist names
/// it and points to `teams list`; an email that is not in the org says so.
pub async fn team_error(
    api: &ApiClient,
    org: &str,
    e: ApiError,
    team: &str,
    email: Option<&str>,
) -> CliError {
    let user_not_found = e.code() == Some(access_api::ProblemCode::UserNotFound);
    let mut err = CliError::from(e);
    if user_not_found && let Some(email) = email {
        err.message = format!("{email} is not a member of the organization");
        err.set_hint(format!(
            "add them to it first: `accessctl orgs members add --email {email}` (org owners and admins)"
        ));
    } else if err.kind == ErrorKind::NotFound
        && let Ok(teams) = api.list_teams(org).await
        && !teams
            .iter()
            .any(|t| validate::normalize(&t.name) == validate::normalize(team))
    {
        err.message = format!("no team '{}'", team.trim());
        err.set_hint(
            suggest::did_you_mean(team, teams.iter().map(|t| t.name.as_str()))
                .unwrap_or_else(|| "see `accessctl teams list`".into()),
        );
    }
    err
}

/// A command's failure on a project that does not exist ("project 'X' not found",
/// the server's words) gets the closest project the caller can see as a hint.
pub async fn project_error(ctx: &crate::context::Ctx, mut err: CliError) -> CliError {
    if err.kind != ErrorKind::NotFound {
        return err;
    }
    let Some(name) = not_found_project(&err).map(str::to_owned) else {
        return err;
    };
    // The same words as `projects get` (a project you cannot see is not found).
    err.message = format!("no project '{name}' (or you cannot see it)");
    if let Ok(api) = ctx.api().await
        && let Ok(projects) = api.list_projects().await
        && let Some(mean) = suggest::did_you_mean(&name, projects.iter().map(|p| p.name.as_str()))
    {
        err.set_hint(mean);
    }
    if err.hints.is_empty() {
        err.set_hint("see `accessctl projects list`");
    }
    err
}

/// The project of the server's "project 'X' not found", which `project_error` words.
fn not_found_project(err: &CliError) -> Option<&str> {
    err.message
        .strip_prefix("project '")
        .and_then(|m| m.strip_suffix("' not found"))
}

/// A 404 about a member, said in the Goldsky tree's words (`project users …`).
pub fn not_a_member(e: crate::api::ApiError, email: &str, project: &str) -> CliError {
    let user_not_found = e.code() == Some(access_api::ProblemCode::UserNotFound);
    let mut err = CliError::from(e);
    if user_not_found {
        err.message = format!("'{email}' is not a member of project '{project}'");
    }
    // Only a missing member: a missing project is `project_error`'s (its hint names
    // the projects the caller can see, not an invitation into one they cannot).
    if err.kind == crate::error::ErrorKind::NotFound && not_found_project(&err).is_none() {
        err.set_hint(format!(
            "see `accessctl project users list`; invite them with `accessctl project users invite --emails {email}`"
        ));
    }
    err
}

/// The result of a batch: `Ok` when every item succeeded; one failure is that
/// failure. Several are summarized: when every item failed the same way (all not
/// found, all forbidden) the summary keeps that exit code and hint, else it is a
/// conflict (exit 5, the batch rule of docs/cli.md, "Errors and exit codes").
pub fn batch_result(mut failures: Vec<CliError>, total: usize) -> Result<(), CliError> {
    match failures.len() {
        0 => Ok(()),
        1 if total == 1 => Err(failures.remove(0)),
        n => {
            let summary = format!("{n} of {total} failed");
            let first = failures.remove(0);
            Err(if n == total && failures.iter().all(|f| f.kind == first.kind) {
                let mut err = CliError::new(first.kind, summary);
                err.hints = first.hints;
                err
            } else {
                CliError::conflict(summary)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys() {
        for good in ["a", "release-2024.06:batch_1", &"k".repeat(128)] {
            assert_eq!(idempotency_key(good).as_deref(), Ok(good));
        }
        for bad in ["", " ", "a b", "ключ", "a/b", "x\n", &"k".repeat(129)] {
            assert!(idempotency_key(bad).is_err(), "{bad:?}");
        }
    }
}

/// `--limit N` of every list command: at most N items, fetched page by page only as
/// far as needed.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct Limit {
    /// Show at most N items
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,
}

impl Limit {
    /// The limit, if one was given.
    pub fn get(&self) -> Option<usize> {
        self.limit.map(|n| n as usize)
    }

    /// `items` cut to the limit (for lists made locally).
    pub fn apply<T>(&self, mut items: Vec<T>) -> Vec<T> {
        if let Some(n) = self.get() {
            items.truncate(n);
        }
        items
    }
}

/// Prints a paginated list page by page, in the server's order, each page before
/// the next is fetched (`output::stream`: json, yaml, csv, tsv and `-q` keep nothing
/// from earlier pages; text tables collect). Stops fetching when stdout's reader
/// has gone.
pub async fn print_pages<T>(
    ctx: &crate::context::Ctx,
    mut pages: Pages<T>,
    empty: &str,
) -> Result<(), CliError>
where
    T: crate::output::Tabular + serde::Serialize + serde::de::DeserializeOwned,
{
    let mut list = ctx.output().list_stream::<T>(empty);
    while !list.is_closed()
        && let Some(page) = pages.next().await?
    {
        list.page(page)?;
    }
    list.finish()
}
