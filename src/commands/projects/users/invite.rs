//! `accessctl project users invite --emails A B ... [--role R]`:
//! POST /v1/projects/{p}/invitations, one result line per email.

use crate::commands::{common, invite};
use crate::context::Ctx;
use crate::error::CliError;

/// Invite people to the project by email
///
/// Emails come from --emails and/or --from-file: one email a line, `#` comments and
/// blank lines skipped, or CSV with `email,role` columns (a row's role wins over
/// --role). Invalid emails are reported without being sent; the others are invited in
/// batches of 100, 4 at a time. Exit 0 when every email ends invited (or already
/// was), 5 when some did not. Ctrl-C finishes the requests in flight and reports what
/// was not sent (exit 130); a second Ctrl-C quits at once.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl project users invite --emails a@x.com b@x.com --role editor\n  accessctl project users invite --from-file team.txt\n  accessctl project users invite --from-file team.csv                       # columns email,role\n  cut -d, -f1 people.csv | accessctl project users invite --from-file - --role admin"
)]
pub struct InviteArgs {
    /// Emails to invite
    #[arg(
        long,
        num_args = 1..,
        value_name = "EMAIL",
        required_unless_present = "from_file"
    )]
    emails: Vec<String>,
    /// Read emails from FILE (`-` = stdin): one a line, `email,role` rows, or a CSV export
    /// with an Email column (`,` `;` or TAB; an optional role column); `#` starts a comment
    #[arg(long, value_name = "FILE|-", value_hint = clap::ValueHint::FilePath)]
    from_file: Option<String>,
    /// Role the invitations grant (case-insensitive) [default: the lowest role of the
    /// project's preset, viewer for goldsky]
    #[arg(long, value_name = "ROLE", add = crate::complete::roles())]
    role: Option<String>,
    /// Name this run: the same KEY with the same emails replays the server's first
    /// answers instead of inviting again (1-128 of A-Z a-z 0-9 - _ . :)
    #[arg(long, value_name = "KEY", value_parser = common::idempotency_key)]
    idempotency_key: Option<String>,
}

pub async fn run(args: &InviteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let list = invite::email_list(&args.emails, args.from_file.as_deref(), ctx)?;
    let project = ctx.project().await?;
    let role = match &args.role {
        Some(r) => Some(common::role(r)),
        None if list.entries.iter().all(|e| e.role.is_some()) => None,
        None => Some(default_role(&project, ctx).await?),
    };
    let plan = invite::Plan::new(list, role.as_deref())?;
    let opts = invite::Options {
        project: &project,
        ttl_days: None,
        idempotency_key: args.idempotency_key.as_deref(),
    };
    invite::invite(plan, &opts, ctx).await
}

/// The lowest role of the project's preset (docs/access-model.md, "Presets": viewer for goldsky and akka).
async fn default_role(project: &str, ctx: &Ctx) -> Result<String, CliError> {
    let found = ctx
        .api()
        .await?
        .get_project(project)
        .await
        .map_err(|e| super::super::get::not_found(e, project))?;
    access_api::presets::find(&found.role_preset)
        .map(|p| p.default_invite_role.to_owned())
        .ok_or_else(|| {
            CliError::usage(format!(
                "project '{project}' has preset '{}', which has no default role",
                found.role_preset
            ))
            .with_hint("pass --role ROLE (see `accessctl roles list`)")
        })
}
