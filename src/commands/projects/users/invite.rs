//! `accessctl project users invite --emails A B ... [--role R]`:
//! POST /v1/projects/{p}/invitations, one result line per email.

use crate::commands::{common, invite};
use crate::context::Ctx;
use crate::error::CliError;

/// Invite people to the project by email
///
/// Invalid emails are reported without being sent; the others are invited. Exit 0
/// when every email ends invited (or already was), 5 when some did not.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl project users invite --emails a@x.com b@x.com --role editor\n  accessctl project users invite --from-file team.txt\n  cut -d, -f1 people.csv | accessctl project users invite --from-file - --role admin"
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
    /// Read emails from FILE (`-` = stdin): one a line, `#` starts a comment
    #[arg(long, value_name = "FILE")]
    from_file: Option<String>,
    /// Role the invitations grant (case-insensitive) [default: the lowest role of the
    /// project's preset, viewer for goldsky]
    #[arg(long, value_name = "ROLE", add = crate::complete::roles())]
    role: Option<String>,
}

pub async fn run(args: &InviteArgs, ctx: &Ctx) -> Result<(), CliError> {
    let mut raw = args.emails.clone();
    if let Some(path) = &args.from_file {
        raw.extend(common::list_lines(&ctx.read_input(path)?));
    }
    let mut seen = std::collections::HashSet::new();
    raw.retain(|e| seen.insert(e.trim().to_ascii_lowercase()));
    if raw.is_empty() {
        return Err(CliError::usage("no emails to invite"));
    }
    let (mut emails, mut invalid) = (Vec::new(), Vec::new());
    for e in &raw {
        let e = e.trim();
        match access_api::validate::email(e) {
            Ok(()) => emails.push(e.to_owned()),
            Err(why) => invalid.push((e.to_owned(), why)),
        }
    }
    if emails.is_empty() {
        let mut errors: Vec<CliError> = invalid
            .iter()
            .map(|(e, why)| CliError::usage(format!("invalid email '{e}': {why}")))
            .collect();
        return Err(match errors.len() {
            1 => errors.remove(0),
            n => {
                for err in &errors {
                    crate::output::print_error(err);
                }
                CliError::usage(format!("none of the {n} emails is valid; nothing was sent"))
            }
        });
    }
    let project = ctx.project().await?;
    let role = match &args.role {
        Some(r) => common::role(r),
        None => default_role(&project, ctx).await?,
    };
    let batch = invite::Batch {
        project: &project,
        emails,
        role,
        ttl_days: None,
        invalid,
    };
    invite::invite(batch, ctx).await
}

/// The lowest role of the project's preset (roles.md: viewer for goldsky and akka).
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
