//! Sending the role groups: `batch::run_batches` with at most [`CONCURRENCY`]
//! requests in flight, a progress bar, and Ctrl-C claimed for a clean stop.

use std::cell::Cell;
use std::collections::HashMap;

use access_api::validate::{MAX_INVITE_BATCH, normalize};
use access_api::{CreateInvitations, InviteResult, ProblemCode};
use tokio_util::sync::CancellationToken;

use super::{EmailResult, Options};
use crate::api::{ApiClient, ApiError};
use crate::batch::{self, CountMismatch};
use crate::context::Ctx;
use crate::error::CliError;

/// Invitation requests in flight at once.
const CONCURRENCY: usize = 4;

/// Why a batch request failed as a whole, and the server's problem code if any.
pub(super) struct Failure {
    pub err: CliError,
    pub problem: Option<ProblemCode>,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure {
            problem: e.code(),
            err: CliError::from(e),
        }
    }
}

impl From<CountMismatch> for Failure {
    fn from(m: CountMismatch) -> Self {
        Failure {
            err: CliError::other(m.to_string()),
            problem: None,
        }
    }
}

/// What came back: one result per email sent or not, in no particular order.
#[derive(Default)]
pub(super) struct Sent {
    pub results: Vec<EmailResult>,
    /// One per failed batch request.
    pub failures: Vec<Failure>,
    /// Emails the server answered for (their batch succeeded).
    pub answered: usize,
}

/// Sends every role group with the same cancellation token: after the first Ctrl-C
/// no batch starts (later groups included), the batches in flight finish and count.
pub(super) async fn send_all(
    api: &ApiClient,
    ctx: &Ctx,
    opts: &Options<'_>,
    groups: Vec<(String, Vec<String>)>,
    nonce: &str,
) -> Sent {
    let total: usize = groups.iter().map(|(_, emails)| emails.len()).sum();
    let progress = ctx.output().progress("emails");
    let cancel = CancellationToken::new();
    let _claim = ctx.interrupts().claim(&cancel);
    let in_flight = Cell::new(0usize);

    let notice = async {
        cancel.cancelled().await;
        let n = in_flight.get();
        let what = if n == 1 { "request" } else { "requests" };
        progress.line(&format!(
            "interrupted: finishing {n} {what} in flight (Ctrl-C again to quit now)"
        ));
        std::future::pending::<Sent>().await
    };
    let work = async {
        let mut sent = Sent::default();
        let mut offset = 0;
        for (role, emails) in groups {
            let count = emails.len();
            let outcome = batch::run_batches(
                emails,
                MAX_INVITE_BATCH,
                CONCURRENCY,
                &cancel,
                |done, _| progress.set(offset + done, total),
                |chunk: Vec<String>| {
                    let req = CreateInvitations {
                        emails: chunk,
                        role: role.clone(),
                        ttl_days: opts.ttl_days,
                    };
                    let key = batch::idempotency_key(nonce, opts.project, &req);
                    let in_flight = &in_flight;
                    async move {
                        in_flight.set(in_flight.get() + 1);
                        let answer = api.create_invitations(opts.project, &req, &key).await;
                        in_flight.set(in_flight.get() - 1);
                        in_request_order(&req.emails, answer?.results)
                    }
                },
            )
            .await;
            offset += count;
            sent.answered += outcome.results.len();
            for (email, r) in outcome.results {
                sent.results.push(EmailResult::answered(email, &role, r));
            }
            for (emails, failure) in outcome.failed {
                for email in emails {
                    sent.results
                        .push(EmailResult::failed(email, &role, &failure.err, failure.problem));
                }
                sent.failures.push(failure);
            }
            for email in outcome.not_sent {
                sent.results.push(EmailResult::not_sent(email, &role));
            }
        }
        sent
    };
    let sent = tokio::select! {
        sent = work => sent,
        sent = notice => sent,
    };
    progress.clear();
    sent
}

/// The server's results in the order of the request's emails, matched by normalized
/// email; a missing one fails the batch.
fn in_request_order(emails: &[String], results: Vec<InviteResult>) -> Result<Vec<InviteResult>, Failure> {
    let mut by_email: HashMap<String, InviteResult> =
        results.into_iter().map(|r| (normalize(&r.email), r)).collect();
    emails
        .iter()
        .map(|email| {
            by_email.remove(&normalize(email)).ok_or_else(|| Failure {
                err: CliError::other(format!("the server's answer has no result for {email}")),
                problem: None,
            })
        })
        .collect()
}
