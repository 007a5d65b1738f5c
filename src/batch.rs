//! Sending many items (invitation emails) to the server in batches.
//!
//! [`run_batches`] splits the items into batches of at most `batch_size`
//! (the server takes at most [`access_api::validate::MAX_INVITE_BATCH`] emails per
//! request), keeps at most `concurrency` requests in flight, and returns the results
//! in input order. A batch that fails (transport error, 5xx after retries) does not
//! stop the others. On cancellation (Ctrl-C) no new batch is started, the batches in
//! flight are awaited and their results count, and the items never sent are returned
//! so the summary can say exactly what was and was not sent.
//!
//! [`idempotency_key`] gives each batch request a key that is the same every time that
//! batch is (re)sent within one run, so a retried POST never invites twice.

use access_api::CreateInvitations;
use access_api::validate::normalize;
use futures_util::stream::{FuturesUnordered, StreamExt};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::future::Future;
use tokio_util::sync::CancellationToken;

/// What happened to every item.
#[derive(Debug)]
pub struct BatchOutcome<T, R, E> {
    /// One result per item of every batch that succeeded, in input order.
    pub results: Vec<(T, R)>,
    /// Batches that failed as a whole, in input order, with why.
    pub failed: Vec<(Vec<T>, E)>,
    /// Items never sent because of cancellation, in input order.
    pub not_sent: Vec<T>,
    /// Cancellation left items unsent. (A cancel that arrives after the last batch was
    /// started interrupts nothing.)
    pub interrupted: bool,
}

impl<T, R, E> BatchOutcome<T, R, E> {
    /// How many items were sent (their batch completed, successfully or not).
    pub fn sent(&self) -> usize {
        self.results.len() + self.failed.iter().map(|(items, _)| items.len()).sum::<usize>()
    }

    /// How many items were failed by a failing batch.
    pub fn failed_items(&self) -> usize {
        self.failed.iter().map(|(items, _)| items.len()).sum()
    }
}

/// A batch answered with a different number of results than items it carried; the
/// batch counts as failed. The caller's error type converts from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the server answered with {received} results for {sent} items")]
pub struct CountMismatch {
    pub sent: usize,
    pub received: usize,
}

/// A completed batch: its items and what the server said.
type Finished<T, R, E> = (Vec<T>, Result<Vec<R>, E>);

/// Sends `items` in batches of at most `batch_size` with at most `concurrency`
/// batches in flight (both at least 1).
///
/// `send` gets one batch and must return one result per item in the same order
/// (pairing a server response with its request, e.g. by email, belongs in `send`);
/// a response of another length fails the batch with [`CountMismatch`].
/// `progress(done, total)` is called with `(0, total)` first and then after every
/// batch completes, `done` counting the items of completed batches.
///
/// Batches run concurrently on the calling task (no spawning), so `send` may borrow.
pub async fn run_batches<T, R, E, F, Fut>(
    items: Vec<T>,
    batch_size: usize,
    concurrency: usize,
    cancel: &CancellationToken,
    mut progress: impl FnMut(usize, usize),
    mut send: F,
) -> BatchOutcome<T, R, E>
where
    T: Clone,
    F: FnMut(Vec<T>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, E>>,
    E: From<CountMismatch>,
{
    let total = items.len();
    let batch_size = batch_size.max(1);
    let concurrency = concurrency.max(1);

    let mut pending: VecDeque<(usize, Vec<T>)> = VecDeque::new();
    let mut iter = items.into_iter().peekable();
    while iter.peek().is_some() {
        let chunk: Vec<T> = iter.by_ref().take(batch_size).collect();
        pending.push_back((pending.len(), chunk));
    }
    let mut finished: Vec<Option<Finished<T, R, E>>> = (0..pending.len()).map(|_| None).collect();

    progress(0, total);
    let mut done = 0;
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < concurrency && !cancel.is_cancelled() {
            let Some((index, chunk)) = pending.pop_front() else {
                break;
            };
            let request = send(chunk.clone());
            in_flight.push(async move { (index, chunk, request.await) });
        }
        let Some((index, chunk, result)) = in_flight.next().await else {
            break;
        };
        done += chunk.len();
        finished[index] = Some((chunk, result));
        progress(done, total);
    }

    let mut outcome = BatchOutcome {
        results: Vec::new(),
        failed: Vec::new(),
        not_sent: pending.into_iter().flat_map(|(_, chunk)| chunk).collect(),
        interrupted: false,
    };
    outcome.interrupted = !outcome.not_sent.is_empty();
    for (chunk, result) in finished.into_iter().flatten() {
        match result {
            Ok(results) if results.len() == chunk.len() => {
                outcome.results.extend(chunk.into_iter().zip(results))
            }
            Ok(results) => {
                let mismatch = CountMismatch {
                    sent: chunk.len(),
                    received: results.len(),
                };
                outcome.failed.push((chunk, E::from(mismatch)));
            }
            Err(e) => outcome.failed.push((chunk, e)),
        }
    }
    outcome
}

/// The `Idempotency-Key` of one invitation batch: SHA-256 (hex) over the run's nonce,
/// the project, the role, the TTL and the sorted, normalized, distinct emails.
///
/// The same batch in the same run (a retry) gets the same key; anything else gets
/// another. `run_nonce` must be new for every invocation (e.g. a random UUID, or the
/// user's `--idempotency-key`): a re-run of the same command must reach the server as
/// new requests so it reports "already invited" instead of replaying the first answer.
pub fn idempotency_key(run_nonce: &str, project: &str, request: &CreateInvitations) -> String {
    let mut emails: Vec<String> = request.emails.iter().map(|e| normalize(e)).collect();
    emails.sort();
    emails.dedup();
    let ttl = request.ttl_days.map(|d| d.to_string()).unwrap_or_default();

    let mut hash = Sha256::new();
    // Every field is length-prefixed so no two different inputs share an encoding.
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_be_bytes());
        hash.update(bytes);
    };
    field(b"accessctl invitations v1");
    field(run_nonce.as_bytes());
    field(normalize(project).as_bytes());
    field(normalize(&request.role).as_bytes());
    field(ttl.as_bytes());
    for email in &emails {
        field(email.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use tokio::sync::{mpsc, oneshot};

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum TestError {
        Transport(String),
        Count(CountMismatch),
    }

    impl From<CountMismatch> for TestError {
        fn from(m: CountMismatch) -> Self {
            TestError::Count(m)
        }
    }

    type Outcome = BatchOutcome<u32, u64, TestError>;

    /// A failsafe so a broken runner fails the test instead of hanging it.
    async fn within<F: Future>(f: F) -> F::Output {
        tokio::time::timeout(Duration::from_secs(20), f)
            .await
            .expect("batch test did not finish")
    }

    fn items(n: u32) -> Vec<u32> {
        (0..n).collect()
    }

    #[tokio::test]
    async fn results_keep_input_order_when_batches_finish_out_of_order() {
        let completed = RefCell::new(Vec::new());
        let sizes = RefCell::new(Vec::new());
        let outcome: Outcome = within(run_batches(
            items(1000),
            100,
            4,
            &CancellationToken::new(),
            |_, _| {},
            |batch: Vec<u32>| {
                sizes.borrow_mut().push(batch.len());
                let completed = &completed;
                async move {
                    // Later batches need fewer polls: they finish first.
                    for _ in 0..(10 - batch[0] / 100) * 3 {
                        tokio::task::yield_now().await;
                    }
                    completed.borrow_mut().push(batch[0]);
                    Ok(batch.iter().map(|i| u64::from(*i) * 2).collect())
                }
            },
        ))
        .await;
        let expected: Vec<(u32, u64)> = (0..1000).map(|i| (i, u64::from(i) * 2)).collect();
        assert_eq!(outcome.results, expected);
        assert!(outcome.failed.is_empty() && outcome.not_sent.is_empty());
        assert!(!outcome.interrupted);
        assert_eq!(outcome.sent(), 1000);
        assert_eq!(*sizes.borrow(), vec![100; 10]);
        let completed = completed.into_inner();
        let mut sorted = completed.clone();
        sorted.sort();
        assert_ne!(
            completed, sorted,
            "the test must make batches complete out of order"
        );
    }

    #[tokio::test]
    async fn last_batch_is_the_remainder_and_progress_is_reported() {
        let calls = RefCell::new(Vec::new());
        let sizes = RefCell::new(Vec::new());
        let outcome: Outcome = run_batches(
            items(35),
            10,
            1,
            &CancellationToken::new(),
            |done, total| calls.borrow_mut().push((done, total)),
            |batch: Vec<u32>| {
                sizes.borrow_mut().push(batch.len());
                async move { Ok(batch.iter().map(|i| u64::from(*i)).collect()) }
            },
        )
        .await;
        assert_eq!(outcome.results.len(), 35);
        assert_eq!(*sizes.borrow(), vec![10, 10, 10, 5]);
        assert_eq!(
            *calls.borrow(),
            vec![(0, 35), (10, 35), (20, 35), (30, 35), (35, 35)]
        );
    }

    /// Senders that block until the test releases them, reporting when they start.
    struct Gated {
        in_flight: Arc<AtomicUsize>,
        max_in_flight: Arc<AtomicUsize>,
        started: mpsc::UnboundedSender<(u32, oneshot::Sender<()>)>,
    }

    impl Gated {
        fn send(&self, batch: Vec<u32>) -> impl Future<Output = Result<Vec<u64>, TestError>> + use<> {
            let in_flight = self.in_flight.clone();
            let max = self.max_in_flight.clone();
            let started = self.started.clone();
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(now, Ordering::SeqCst);
                let (release, wait) = oneshot::channel();
                started.send((batch[0], release)).expect("test controller gone");
                wait.await.expect("released");
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(batch.iter().map(|i| u64::from(*i)).collect())
            }
        }
    }

    fn gated() -> (Gated, mpsc::UnboundedReceiver<(u32, oneshot::Sender<()>)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let g = Gated {
            in_flight: Arc::default(),
            max_in_flight: Arc::default(),
            started: tx,
        };
        (g, rx)
    }

    #[tokio::test]
    async fn concurrency_is_bounded_and_reached() {
        for (n_items, batch_size, limit) in [(100u32, 10usize, 3usize), (95, 10, 4), (20, 10, 5), (50, 1, 7)]
        {
            let (g, mut started) = gated();
            let n_batches = (n_items as usize).div_ceil(batch_size);
            let in_flight = g.in_flight.clone();
            let controller = async {
                let mut held: Vec<oneshot::Sender<()>> = Vec::new();
                let mut released = 0;
                let mut full_seen = 0;
                while released < n_batches {
                    let target = limit.min(n_batches - released);
                    while held.len() < target {
                        let (_, release) = started.recv().await.expect("runner stopped early");
                        held.push(release);
                    }
                    // The runner filled every free slot before waiting (we hold `target`
                    // started senders) and never more than the limit.
                    assert!(in_flight.load(Ordering::SeqCst) <= limit);
                    if target == limit {
                        full_seen += 1;
                    }
                    // Release the newest: completions out of order.
                    held.pop().unwrap().send(()).unwrap();
                    released += 1;
                }
                full_seen
            };
            let cancel = CancellationToken::new();
            let runner = run_batches(
                items(n_items),
                batch_size,
                limit,
                &cancel,
                |_, _| {},
                |b| g.send(b),
            );
            let (outcome, full_seen): (Outcome, usize) =
                within(async { tokio::join!(runner, controller) }).await;
            assert_eq!(outcome.results.len(), n_items as usize);
            assert!(
                outcome
                    .results
                    .iter()
                    .enumerate()
                    .all(|(i, (t, r))| *t as usize == i && *r == i as u64)
            );
            let max = g.max_in_flight.load(Ordering::SeqCst);
            assert_eq!(max, limit.min(n_batches), "{n_items}/{batch_size}/{limit}");
            if n_batches >= limit {
                assert!(full_seen >= 1);
            }
        }
    }

    #[tokio::test]
    async fn cancel_after_k_batches_leaves_the_rest_unsent() {
        for k in 0..=5usize {
            let cancel = CancellationToken::new();
            let calls = Cell::new(0);
            let outcome: Outcome = run_batches(
                items(50),
                10,
                1,
                &cancel,
                |done, _| {
                    if done == k * 10 {
                        cancel.cancel();
                    }
                },
                |batch: Vec<u32>| {
                    calls.set(calls.get() + 1);
                    async move { Ok(batch.iter().map(|i| u64::from(*i)).collect()) }
                },
            )
            .await;
            assert_eq!(calls.get(), k, "k={k}");
            let sent: Vec<u32> = outcome.results.iter().map(|(t, _)| *t).collect();
            assert_eq!(sent, (0..(k as u32 * 10)).collect::<Vec<_>>(), "k={k}");
            assert_eq!(
                outcome.not_sent,
                ((k as u32 * 10)..50).collect::<Vec<_>>(),
                "k={k}"
            );
            assert_eq!(outcome.interrupted, k < 5, "k={k}");
            assert_eq!(outcome.sent() + outcome.not_sent.len(), 50);
        }
    }

    #[tokio::test]
    async fn in_flight_batches_finish_after_cancel_and_count() {
        let (g, mut started) = gated();
        let cancel = CancellationToken::new();
        let controller = async {
            let mut held = Vec::new();
            for _ in 0..3 {
                held.push(started.recv().await.unwrap().1);
            }
            // Ctrl-C while three batches are in flight.
            cancel.cancel();
            for release in held {
                release.send(()).unwrap();
            }
            // Nothing else may start.
            assert!(started.try_recv().is_err());
        };
        let runner = run_batches(items(100), 10, 3, &cancel, |_, _| {}, |b| g.send(b));
        let (outcome, ()): (Outcome, ()) = within(async { tokio::join!(runner, controller) }).await;
        let sent: Vec<u32> = outcome.results.iter().map(|(t, _)| *t).collect();
        assert_eq!(sent, (0..30).collect::<Vec<_>>());
        assert_eq!(outcome.not_sent, (30..100).collect::<Vec<_>>());
        assert!(outcome.interrupted);
        assert!(started.try_recv().is_err(), "no batch started after the cancel");
    }

    #[tokio::test]
    async fn cancelled_before_start_sends_nothing() {
        let cancel = CancellationToken::new();
        cancel.cancel();
        let outcome: Outcome = run_batches(
            items(25),
            10,
            2,
            &cancel,
            |_, _| {},
            |_b: Vec<u32>| async { panic!("nothing may be sent") },
        )
        .await;
        assert_eq!(outcome.not_sent, items(25));
        assert!(outcome.results.is_empty() && outcome.failed.is_empty());
        assert!(outcome.interrupted);
        assert_eq!(outcome.sent(), 0);
    }

    #[tokio::test]
    async fn a_failed_batch_does_not_stop_the_others() {
        let outcome: Outcome = run_batches(
            items(50),
            10,
            2,
            &CancellationToken::new(),
            |_, _| {},
            |batch: Vec<u32>| async move {
                if batch[0] == 10 || batch[0] == 30 {
                    Err(TestError::Transport(format!("connection reset at {}", batch[0])))
                } else {
                    Ok(batch.iter().map(|i| u64::from(*i)).collect())
                }
            },
        )
        .await;
        let ok: Vec<u32> = outcome.results.iter().map(|(t, _)| *t).collect();
        let expected: Vec<u32> = (0..10).chain(20..30).chain(40..50).collect();
        assert_eq!(ok, expected);
        assert_eq!(
            outcome.failed,
            vec![
                (
                    (10..20).collect(),
                    TestError::Transport("connection reset at 10".into())
                ),
                (
                    (30..40).collect(),
                    TestError::Transport("connection reset at 30".into())
                ),
            ]
        );
        assert!(outcome.not_sent.is_empty() && !outcome.interrupted);
        assert_eq!(outcome.sent(), 50);
        assert_eq!(outcome.failed_items(), 20);
    }

    #[tokio::test]
    async fn wrong_result_count_fails_the_batch() {
        let outcome: Outcome = run_batches(
            items(20),
            10,
            1,
            &CancellationToken::new(),
            |_, _| {},
            |batch: Vec<u32>| async move {
                let mut r: Vec<u64> = batch.iter().map(|i| u64::from(*i)).collect();
                if batch[0] == 10 {
                    r.pop();
                }
                Ok(r)
            },
        )
        .await;
        assert_eq!(outcome.results.len(), 10);
        assert_eq!(
            outcome.failed,
            vec![(
                (10..20).collect(),
                TestError::Count(CountMismatch {
                    sent: 10,
                    received: 9
                })
            )]
        );
        assert_eq!(
            CountMismatch {
                sent: 10,
                received: 9
            }
            .to_string(),
            "the server answered with 9 results for 10 items"
        );
    }

    #[tokio::test]
    async fn degenerate_sizes() {
        let calls = RefCell::new(Vec::new());
        let outcome: Outcome = run_batches(
            Vec::new(),
            10,
            2,
            &CancellationToken::new(),
            |d, t| calls.borrow_mut().push((d, t)),
            |_b: Vec<u32>| async { panic!("nothing to send") },
        )
        .await;
        assert!(outcome.results.is_empty() && !outcome.interrupted);
        assert_eq!(*calls.borrow(), vec![(0, 0)]);

        // Zero batch size and concurrency are treated as 1.
        let sizes = RefCell::new(Vec::new());
        let outcome: Outcome = run_batches(
            items(3),
            0,
            0,
            &CancellationToken::new(),
            |_, _| {},
            |b: Vec<u32>| {
                sizes.borrow_mut().push(b.len());
                async move { Ok(b.iter().map(|i| u64::from(*i)).collect()) }
            },
        )
        .await;
        assert_eq!(outcome.results.len(), 3);
        assert_eq!(*sizes.borrow(), vec![1, 1, 1]);
    }

    fn req(role: &str, emails: &[&str], ttl_days: Option<u32>) -> CreateInvitations {
        CreateInvitations {
            emails: emails.iter().map(|e| e.to_string()).collect(),
            role: role.into(),
            ttl_days,
        }
    }

    #[test]
    fn idempotency_key_is_deterministic() {
        let a = idempotency_key("run-1", "default", &req("viewer", &["a@x.io", "b@x.io"], None));
        assert_eq!(a.len(), 64);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        // Same batch, other order, case, duplicates: same key.
        let b = idempotency_key(
            "run-1",
            "Default",
            &req("Viewer", &["B@x.io", "a@X.io", "b@x.io"], None),
        );
        assert_eq!(a, b);
        // Pinned: a change of the encoding must be deliberate.
        assert_eq!(
            a,
            idempotency_key("run-1", "default", &req("viewer", &["a@x.io", "b@x.io"], None))
        );
        assert_eq!(
            idempotency_key("n", "p", &req("viewer", &["a@x.io"], None)),
            PINNED_KEY
        );
    }

    /// Computed independently: SHA-256 over the length-prefixed (u64 big-endian) fields
    /// "accessctl invitations v1", "n", "p", "viewer", "", "a@x.io".
    const PINNED_KEY: &str = "fe7f71973e7c34abe543ad90689e60afbaff6b3b98ec6a2d34786d62afc0a7fb";

    #[test]
    fn idempotency_key_changes_with_every_input() {
        let base = idempotency_key("run-1", "default", &req("viewer", &["a@x.io", "b@x.io"], None));
        let others = [
            idempotency_key("run-2", "default", &req("viewer", &["a@x.io", "b@x.io"], None)),
            idempotency_key("run-1", "other", &req("viewer", &["a@x.io", "b@x.io"], None)),
            idempotency_key("run-1", "default", &req("admin", &["a@x.io", "b@x.io"], None)),
            idempotency_key("run-1", "default", &req("viewer", &["a@x.io", "b@x.io"], Some(7))),
            idempotency_key("run-1", "default", &req("viewer", &["a@x.io"], None)),
            idempotency_key(
                "run-1",
                "default",
                &req("viewer", &["a@x.io", "b@x.io", "c@x.io"], None),
            ),
            idempotency_key("run-1", "default", &req("viewer", &["a@x.io", "c@x.io"], None)),
        ];
        for (i, k) in others.iter().enumerate() {
            assert_ne!(&base, k, "variant {i}");
        }
        // Field boundaries cannot be shifted.
        assert_ne!(
            idempotency_key("ab", "c", &req("viewer", &["a@x.io"], None)),
            idempotency_key("a", "bc", &req("viewer", &["a@x.io"], None))
        );
        assert_ne!(
            idempotency_key("n", "p", &req("viewer", &["a@x.io", "b@x.io"], None)),
            idempotency_key("n", "p", &req("viewer", &["a@x.iob@x.io"], None))
        );
    }
}
