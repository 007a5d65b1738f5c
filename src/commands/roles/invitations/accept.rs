//! `accessctl roles invitations accept CODE`: POST /v1/invitations/accept. Needs no
//! project; when the invitation creates the user, their first token is saved for the
//! context, which (like `auth login`) becomes current.

use access_api::AcceptInvitation;

use crate::commands::auth::login::context_name;
use crate::context::Ctx;
use crate::credentials::{Secret, TokenSource};
use crate::error::CliError;
use crate::output::Table;

/// Accept an invitation with its code
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
    let accepted = ctx.api().await?.accept_invitation(&req).await?;
    let out = ctx.output();
    out.info(&format!(
        "Joined project {} as {} ({})",
        accepted.project.name, accepted.binding.role.name, accepted.user.username
    ));
    if let (Some(token), Some((context, url))) = (&accepted.token, target) {
        ctx.config().update(|c| {
            c.contexts.entry(context.clone()).or_default().server = Some(url.clone());
            c.current_context = Some(context.clone());
            Ok(())
        })?;
        if let TokenSource::File(path) = ctx.tokens().set(&context, &Secret::new(token.token.clone()))? {
            out.warn(&format!(
                "no OS keyring available; token saved to {} (mode 0600)",
                path.display()
            ));
        }
        out.info(&format!(
            "Saved your new token for context {context}, now the current context"
        ));
    }
    let mut table = Table::new(&["PROJECT", "ROLE", "USERNAME", "EMAIL", "ROLE BINDING ID"]);
    table.push(
        accepted.binding.id.clone(),
        vec![
            accepted.project.name.clone(),
            accepted.binding.role.name.clone(),
            accepted.user.username.clone(),
            accepted.user.email.clone(),
            accepted.binding.id.clone(),
        ],
    );
    // The token went to the credential store; never print it.
    let mut shown = accepted.clone();
    shown.token = None;
    out.print(&shown, &table)
}
