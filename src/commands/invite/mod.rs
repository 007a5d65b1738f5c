//! The invitation batch shared by `roles invitations invite-user` and `project users
//! invite`: the email list (EMAIL arguments and `--from-file`), grouped by role;
//! sending in batches with bounded concurrency, one idempotency key per batch and a
//! Ctrl-C that finishes what is in flight (`send.rs`); one result per email, the
//! summary and the exit code (`report.rs`).

mod report;
mod send;

use std::collections::HashMap;

use crate::context::Ctx;
use crate::error::CliError;
use crate::input::emails::{self, EmailEntry, EmailList, InvalidLine};

pub use report::{EmailResult, EmailStatus, code_cell};

/// The emails of EMAIL arguments and `--from-file FILE|-`. An unusable input
/// (unreadable, not UTF-8, no emails at all) is exit 2. Invalid entries come back in
/// the list, to be reported and never sent; when nothing valid remains it is exit 2
/// (every invalid entry reported), and nothing is sent.
pub fn email_list(args: &[String], from_file: Option<&str>, ctx: &Ctx) -> Result<EmailList, CliError> {
    let file = match from_file {
        Some(path) => ctx.read_email_list(path)?,
        None => EmailList::default(),
    };
    let list = emails::merge(args, file).map_err(|e| CliError::usage(e.to_string()))?;
    if list.entries.is_empty() {
        return Err(nothing_valid(&list.invalid, ctx.output()));
    }
    Ok(list)
}

fn nothing_valid(invalid: &[InvalidLine], out: &crate::output::Output) -> CliError {
    if let [one] = invalid {
        return CliError::usage(one.to_string());
    }
    for line in invalid {
        out.item_failure(&CliError::usage(line.to_string()));
    }
    CliError::usage(format!(
        "none of the {} emails is valid; nothing was sent",
        invalid.len()
    ))
}

/// What to send: the valid entries grouped by role (a row's own role wins over
/// `--role`) and the invalid entries, reported beside the results.
pub struct Plan {
    entries: Vec<EmailEntry>,
    invalid: Vec<InvalidLine>,
    groups: Vec<(String, Vec<String>)>,
}

impl Plan {
    /// Groups by role; entries without a role while `default_role` is `None` are
    /// exit 2, naming their lines.
    pub fn new(list: EmailList, default_role: Option<&str>) -> Result<Plan, CliError> {
        let groups =
            emails::group_by_role(&list.entries, default_role).map_err(|e| CliError::usage(e.to_string()))?;
        Ok(Plan {
            entries: list.entries,
            invalid: list.invalid,
            groups,
        })
    }
}

/// The request settings both commands share.
pub struct Options<'a> {
    pub project: &'a str,
    pub ttl_days: Option<u32>,
    /// `--idempotency-key`: the run's nonce instead of a random UUID.
    pub idempotency_key: Option<&'a str>,
}

/// Sends the plan, prints one result per email and the summary, and returns how the
/// run ended (the batch rule of docs/cli.md, "Errors and exit codes").
pub async fn invite(plan: Plan, opts: &Options<'_>, ctx: &Ctx) -> Result<(), CliError> {
    let api = ctx.api().await?;
    // One nonce per invocation: a retry inside this run reuses a batch's key, a
    // re-run is new requests (unless the user names the run with --idempotency-key).
    let nonce = opts
        .idempotency_key
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let sent = send::send_all(api, ctx, opts, plan.groups, &nonce).await;

    // One result per email: the invalid entries, then the rest in input order.
    let mut by_email: HashMap<String, EmailResult> =
        sent.results.into_iter().map(|r| (r.email.clone(), r)).collect();
    let mut results: Vec<EmailResult> = plan.invalid.iter().map(EmailResult::invalid).collect();
    for entry in &plan.entries {
        if let Some(mut r) = by_email.remove(&entry.email) {
            r.line = (entry.line > 0).then_some(entry.line);
            results.push(r);
        }
    }
    report::report(&results, sent.failures, sent.answered, ctx.output())
}
