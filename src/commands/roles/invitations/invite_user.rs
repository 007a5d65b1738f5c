//! `accessctl roles invitations invite-user EMAIL... --role R [--from-file FILE|-]`:
//! POST /v1/projects/{p}/invitations in batches, one result per email.

use crate::commands::{common, invite};
use crate::context::Ctx;
use crate::error::CliError;

/// Invite people to the project by email
///
/// Emails come from the arguments and/or --from-file: one email a line, `#` comments
/// and blank lines skipped, or CSV with `email,role` columns (a row's role wins over
/// --role). Invalid emails are reported and never sent; the others are sent in
/// batches of 100, 4 at a time. Exit 0 when every email ends invited (or already
/// was), 5 when some did not. Ctrl-C finishes the requests in flight and reports what
/// was not sent (exit 130); a second Ctrl-C quits at once. Re-running the same command
/// is safe: already invited emails are reported as such.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles invitations invite-user carol@example.com --role admin\n  accessctl roles invitations invite-user a@example.com b@example.com --role viewer --ttl-days 14\n  accessctl roles invitations invite-user --from-file team.csv              # columns email,role\n  cut -d, -f1 people.csv | accessctl roles invitations invite-user --from-file - --role viewer"
)]
pub struct InviteUserArgs {
    /// Emails to invite
    #[arg(value_name = "EMAIL", required_unless_present = "from_file")]
    emails: Vec<String>,
    /// Read emails from FILE (`-` = stdin): one a line, `email,role` rows, or a CSV export
    /// with an Email column (`,` `;` or TAB; an optional role column); `#` starts a comment
    #[arg(long, value_name = "FILE|-", value_hint = clap::ValueHint::FilePath)]
    from_file: Option<String>,
    /// Role the invitations grant (case-insensitive); optional when every row of
    /// --from-file has a role
    #[arg(
        long,
        value_name = "ROLE",
        required_unless_present = "from_file",
        add = crate::complete::roles()
    )]
    role: Option<String>,
    /// Days until the invitations expire (1-30) [default: the server's, 7]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=30))]
    ttl_days: Option<u32>,
    /// Name this run: the same KEY with the same emails replays the server's first
    /// answers instead of inviting again (1-128 of A-Z a-z 0-9 - _ . :)
    #[arg(long, value_name = "KEY", value_parser = common::idempotency_key)]
    idempotency_key: Option<String>,
}

pub async fn run(args: &InviteUserArgs, ctx: &Ctx) -> Result<(), CliError> {
    let list = invite::email_list(&args.emails, args.from_file.as_deref(), ctx)?;
    let role = args.role.as_deref().map(common::role);
    let plan = invite::Plan::new(list, role.as_deref())?;
    let project = ctx.project().await?;
    let opts = invite::Options {
        project: &project,
        ttl_days: args.ttl_days,
        idempotency_key: args.idempotency_key.as_deref(),
    };
    invite::invite(plan, &opts, ctx).await
}
