//! `accessctl roles invitations accept CODE`: POST /v1/invitations/accept. Needs no
//! project; accepts org invitations too (`orgs invitations invite-user`). A new account's first token is saved for the context, which (like `auth
//! login`) becomes current with the invited project as its project. An invitation
//! for an existing account needs that account's login (the context's token, sent only
//! to the server it was saved for).

use access_api::{AcceptInvitation, AcceptResponse, ProblemCode};

use crate::commands::auth::login::context_name;
use crate::context::Ctx;
use crate::credentials::{Secret, TokenSource};
use crate::error::CliError;
use crate::output::Table;

/// Accept an invitation (to a project or an organization) with its code
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl --server https://access.example.com --context work roles invitations accept inv_..."
)]
pub struct AcceptArgs {
    /// The invitation code you were given
    #[arg(value_name = "CODE")]
    code: String,
}

pub async fn run(args: &AcceptArgs, ctx: &Ctx) -> Result<(), CliError> {
    // Decide where a first token would go before the code is spent.
    let target = match (&ctx.settings.server, ctx.settings.is_embedded()) {
        (Some(server), false) => {
            let name = context_name(ctx, &server.value, &server.source)?;
            Some((name, server.value.trim_end_matches('/').to_owned()))
        }
        _ => None,
    };
    let req = AcceptInvitation {
        code: args.code.trim().to_owned(),
    };
    let accepted = ctx
        .api_allowing_anonymous()
        .await?
        .accept_invitation(&req)
        .await
        .map_err(|e| existing_account(ctx, e))?;
    let out = ctx.output();
    if let (Some(org), Some(m)) = (&accepted.org, &accepted.org_member) {
        return joined_org(ctx, &accepted, &org.name, &m.role, target);
    }
    let (Some(project), Some(binding)) = (&accepted.project, &accepted.binding) else {
        return Err(CliError::other(
            "the server's answer names neither a project nor an organization",
        ));
    };
    let project = project.name.clone();
    out.info(&format!(
        "Joined project {project} as {} ({})",
        binding.role.name, accepted.user.username
    ));
    match (&accepted.token, target) {
        (Some(token), Some((context, url))) => {
            save_first_token(ctx, &token.token, &context, &url, |t| {
                t.project = Some(project.clone())
            })?;
            out.info(&format!(
                "Saved your new token for context {context}, now the current context, with project {project}"
            ));
        }
        // An existing account, in its own context: select the project if none is.
        _ if !ctx.settings.is_embedded() => {
            let context = ctx.context_name().to_owned();
            let set = ctx.config().update(|c| {
                let table = c.contexts.entry(context.clone()).or_default();
                Ok(table.project.is_none() && {
                    table.project = Some(project.clone());
                    true
                })
            })?;
            if set {
                out.info(&format!(
                    "Project {project} is now the project of context {context}"
                ));
            } else {
                out.info(&format!(
                    "Switch to it with `accessctl config set project {project}`"
                ));
            }
        }
        _ => {}
    }
    let mut table = Table::new(&["PROJECT", "ROLE", "USERNAME", "EMAIL", "ROLE BINDING ID"]);
    table.push(
        binding.id.clone(),
        vec![
            project.clone(),
            binding.role.name.clone(),
            accepted.user.username.clone(),
            accepted.user.email.clone(),
            binding.id.clone(),
        ],
    );
    // The token went to the credential store; never print it.
    let mut shown = accepted.clone();
    shown.token = None;
    out.print(&shown, &table)
}

/// An org invitation: the membership, and a new account's first token saved for
/// the context (which becomes current, with the org as its `org`).
fn joined_org(
    ctx: &Ctx,
    accepted: &AcceptResponse,
    org: &str,
    role: &str,
    target: Option<(String, String)>,
) -> Result<(), CliError> {
    let out = ctx.output();
    out.info(&format!(
        "Joined organization {org} as {role} ({})",
        accepted.user.username
    ));
    if let (Some(token), Some((context, url))) = (&accepted.token, target) {
        save_first_token(ctx, &token.token, &context, &url, |t| {
            t.org = Some(org.to_owned())
        })?;
        out.info(&format!(
            "Saved your new token for context {context}, now the current context, with org {org}"
        ));
    } else {
        out.info(&format!("Act on it with `--org {org}`"));
    }
    let mut table = Table::new(&["ORG", "ROLE", "USERNAME", "EMAIL"]);
    table.push(
        org.to_owned(),
        vec![
            org.to_owned(),
            role.to_owned(),
            accepted.user.username.clone(),
            accepted.user.email.clone(),
        ],
    );
    let mut shown = accepted.clone();
    shown.token = None;
    out.print(&shown, &table)
}

/// A 401 `unauthenticated` without a token: the invitation's email already has an
/// account, and only that account may accept (the code alone must not bind it).
fn existing_account(ctx: &Ctx, e: crate::api::ApiError) -> CliError {
    let sent_token = matches!(ctx.token(), Ok(Some(_)));
    if e.code() != Some(ProblemCode::Unauthenticated) || sent_token {
        return CliError::from(e);
    }
    let url = ctx
        .settings
        .server
        .as_ref()
        .map(|s| s.value.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| "URL".to_owned());
    CliError::auth("this invitation is for an existing account; accept it logged in as that account").with_hint(
        format!(
            "log in first with `accessctl auth login --server {url}` (a token of that account), then run `accessctl roles invitations accept CODE` again in that context"
        ),
    )
}

/// Saves the token an accept made for a new account as context `context` of
/// `url`, which becomes the current context; `select` sets what else the
/// context holds (the project or the org joined). The token first: a locked
/// keyring leaves the config as it was.
fn save_first_token(
    ctx: &Ctx,
    token: &str,
    context: &str,
    url: &str,
    select: impl FnOnce(&mut crate::config::ContextConfig),
) -> Result<(), CliError> {
    let saved = ctx.tokens().set(context, &Secret::new(token.to_owned()), url)?;
    ctx.config().update(|c| {
        let table = c.contexts.entry(context.to_owned()).or_default();
        table.server = Some(url.to_owned());
        select(table);
        c.current_context = Some(context.to_owned());
        Ok(())
    })?;
    if let TokenSource::File(path) = saved {
        ctx.output().warn(&format!(
            "no OS keyring available; token saved to {} (mode 0600)",
            path.display()
        ));
    }
    Ok(())
}
