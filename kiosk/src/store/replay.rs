//! Replay: hands the outbox to central in order and removes what central confirmed.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use super::outbox::Head;
use super::{OutboxRecord, Seq, Store, StoreError};

/// Sends one outbox record to central; the HTTP client implements it.
///
/// An implementation sends the record's method, path and body with its idempotency key, and
/// maps central's answer: success, or a conflict that says the key was already applied, is
/// `Ok`; a network failure, a time-out, 5xx or 429 is [`DeliveryError::Retryable`]; any other
/// refusal (4xx) is [`DeliveryError::Rejected`].
pub trait Deliver {
    /// Delivers `record` and says whether central confirmed it.
    fn deliver(
        &mut self,
        record: &OutboxRecord,
    ) -> impl Future<Output = Result<Delivered, DeliveryError>> + Send;
}

/// Central's confirmation of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// Central applied the record now.
    Applied,
    /// Central had already applied a record with this idempotency key (a re-send after a crash).
    AlreadyApplied,
}

/// Why central did not confirm a record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The attempt failed but may succeed later (network down, time-out, 5xx, 429): replay stops,
    /// the record stays at the head of the queue and is retried after a back-off.
    Retryable {
        /// What failed, for the admin screen (no personal data).
        reason: String,
        /// How long central asked the kiosk to wait, in milliseconds (`Retry-After`), if it did.
        retry_after_ms: Option<u64>,
    },
    /// Central refused the record for good (a 4xx other than a conflict on the same key): it moves
    /// to the dead letters and replay goes on with the next record.
    Rejected {
        /// Central's reason, kept with the dead letter (no personal data).
        reason: String,
    },
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Retryable { reason, .. } => write!(f, "delivery failed, will retry: {reason}"),
            Self::Rejected { reason } => write!(f, "central rejected the record: {reason}"),
        }
    }
}

impl std::error::Error for DeliveryError {}

/// The exponential back-off after retryable failures: `base_ms`, doubled per failure, at most
/// `cap_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure, in milliseconds.
    pub base_ms: u64,
    /// The longest wait, in milliseconds; also caps central's `Retry-After`.
    pub cap_ms: u64,
}

impl Backoff {
    /// One second, doubling up to five minutes.
    pub const DEFAULT: Self = Self {
        base_ms: 1_000,
        cap_ms: 5 * 60 * 1_000,
    };

    /// The wait after the `failures`-th consecutive failure (1 for the first), in milliseconds.
    pub fn delay_ms(&self, failures: u32) -> u64 {
        let doublings = failures.saturating_sub(1);
        let factor = 1_u64.checked_shl(doublings).unwrap_or(u64::MAX);
        self.base_ms.saturating_mul(factor).min(self.cap_ms)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What one [`replay`] call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    /// Records central confirmed and the outbox no longer holds (`already_applied` included).
    pub delivered: u64,
    /// Of `delivered`, those central said it had already applied (re-sends after a crash).
    pub already_applied: u64,
    /// Records moved to the dead letters (refused by central, or undecodable).
    pub rejected: u64,
    /// Records still in the outbox when the call returned.
    pub remaining: u64,
    /// Why replay stopped before the outbox was empty (`None`: it is empty).
    pub stopped_by: Option<StopReason>,
}

/// Why a replay stopped while records remained.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The call handled `limit` records.
    Limit,
    /// The head of the queue is backing off; nothing behind it is sent before it.
    NotDue {
        /// The head's sequence number.
        seq: Seq,
        /// When it is due, in unix milliseconds.
        next_attempt_at_ms: i64,
    },
    /// Delivering the head failed with a retryable error; it is now backing off.
    Retryable {
        /// The head's sequence number.
        seq: Seq,
        /// The deliverer's reason.
        reason: String,
    },
    /// Another replay of this store was running; this one did nothing.
    AlreadyRunning,
}

/// Replays up to `limit` records with the default [`Backoff`]; see [`replay_with_backoff`].
pub async fn replay<D: Deliver>(
    store: &Store,
    deliverer: &mut D,
    now_ms: i64,
    limit: usize,
) -> Result<ReplayReport, StoreError> {
    replay_with_backoff(store, deliverer, now_ms, limit, Backoff::DEFAULT).await
}

/// Delivers the outbox in sequence order, up to `limit` records, at time `now_ms`.
///
/// Each record is removed in its own durable transaction only after `deliverer` confirmed it, so
/// a crash (or dropping this future) between central's confirmation and the removal only makes
/// the next replay send the same record again under the same idempotency key. Nothing overtakes
/// the head: if it is backing off, or fails with a retryable error, replay stops there (a head
/// scheduled further ahead than the back-off cap, because the clock went back, is due at once).
/// A record central rejects, or a row that does not decode, moves to the dead letters and replay
/// goes on.
///
/// The store steps run inline on the calling task and block it for one disk write each; run
/// replay on a task of its own. Only one replay per [`Store`] runs at a time; a concurrent call
/// returns at once with [`StopReason::AlreadyRunning`]. (Two processes replaying the same file
/// are not kept apart; that would cost re-sends, which central deduplicates, not order or data.)
pub async fn replay_with_backoff<D: Deliver>(
    store: &Store,
    deliverer: &mut D,
    now_ms: i64,
    limit: usize,
    backoff: Backoff,
) -> Result<ReplayReport, StoreError> {
    let mut report = ReplayReport {
        delivered: 0,
        already_applied: 0,
        rejected: 0,
        remaining: 0,
        stopped_by: None,
    };
    let Some(_running) = RunningGuard::acquire(&store.replaying) else {
        report.remaining = store.depth()?;
        report.stopped_by = Some(StopReason::AlreadyRunning);
        return Ok(report);
    };
    let mut handled = 0_usize;
    report.stopped_by = loop {
        let head = store.head()?;
        if head.is_some() && handled >= limit {
            break Some(StopReason::Limit);
        }
        let record = match head {
            None => break None,
            Some(Head::Undecodable { seq, detail }) => {
                tracing::warn!(%seq, %detail, "outbox row does not decode; moved to dead letters");
                store.bury(seq, &format!("undecodable row: {detail}"), now_ms)?;
                report.rejected += 1;
                handled += 1;
                continue;
            }
            Some(Head::Record(record)) => record,
        };
        // A wait longer than the cap cannot come from this back-off: the clock went back since
        // the record was deferred. Treat it as due rather than stall the queue.
        let wait_ms = record.next_attempt_at_ms.saturating_sub(now_ms);
        if wait_ms > 0 && u64::try_from(wait_ms).is_ok_and(|wait| wait <= backoff.cap_ms) {
            break Some(StopReason::NotDue {
                seq: record.seq,
                next_attempt_at_ms: record.next_attempt_at_ms,
            });
        }
        match deliverer.deliver(&record).await {
            Ok(delivered) => {
                store.confirm(&[record.seq])?;
                report.delivered += 1;
                if delivered == Delivered::AlreadyApplied {
                    report.already_applied += 1;
                }
            }
            Err(DeliveryError::Retryable {
                reason,
                retry_after_ms,
            }) => {
                let failures = record.attempts.saturating_add(1);
                let asked = retry_after_ms.unwrap_or(0).min(backoff.cap_ms);
                let delay = backoff.delay_ms(failures).max(asked);
                let due = now_ms.saturating_add(i64::try_from(delay).unwrap_or(i64::MAX));
                store.defer(record.seq, &reason, due)?;
                break Some(StopReason::Retryable {
                    seq: record.seq,
                    reason,
                });
            }
            Err(DeliveryError::Rejected { reason }) => {
                tracing::warn!(
                    seq = %record.seq,
                    kind = %record.kind,
                    key = %record.idempotency_key,
                    %reason,
                    "central rejected an outbox record; moved to dead letters"
                );
                store.bury(record.seq, &reason, now_ms)?;
                report.rejected += 1;
            }
        }
        handled += 1;
    };
    report.remaining = store.depth()?;
    Ok(report)
}

/// Holds the store's "replay running" flag and clears it when dropped (a cancelled replay too).
struct RunningGuard<'a>(&'a AtomicBool);

impl<'a> RunningGuard<'a> {
    /// Sets the flag, or returns `None` if it was already set.
    fn acquire(flag: &'a AtomicBool) -> Option<Self> {
        if flag.swap(true, Ordering::Acquire) {
            None
        } else {
            Some(Self(flag))
        }
    }
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::future::pending;

    use super::super::test_support::{Scripted, TempDir, record, rejected, retryable};
    use super::*;

    const NOW: i64 = 1_000_000;

    /// A store holding records `k-0` .. `k-{n-1}`, enqueued in that order.
    fn store_with(dir: &TempDir, n: usize) -> Store {
        let store = Store::open(dir.db()).unwrap();
        for i in 0..n {
            store.enqueue(&record(&format!("k-{i}"), 1)).unwrap();
        }
        store
    }

    fn keys(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("k-{i}")).collect()
    }

    #[tokio::test]
    async fn replays_in_order_and_empties_the_outbox() {
        let dir = TempDir::new();
        let store = store_with(&dir, 5);
        let mut central = Scripted::new([]);
        let report = replay(&store, &mut central, NOW, 100).await.unwrap();
        assert_eq!(
            report,
            ReplayReport {
                delivered: 5,
                already_applied: 0,
                rejected: 0,
                remaining: 0,
                stopped_by: None,
            }
        );
        assert_eq!(central.seen, keys(5));
        assert_eq!(store.depth().unwrap(), 0);
    }

    #[tokio::test]
    async fn a_record_is_removed_only_after_central_confirms_it() {
        /// Checks, while central holds the record, that the outbox still has it.
        struct Watching<'a>(&'a Store, Vec<u64>);
        impl Deliver for Watching<'_> {
            fn deliver(
                &mut self,
                _: &OutboxRecord,
            ) -> impl Future<Output = Result<Delivered, DeliveryError>> + Send {
                self.1.push(self.0.depth().unwrap());
                std::future::ready(Ok(Delivered::AlreadyApplied))
            }
        }
        let dir = TempDir::new();
        let store = store_with(&dir, 3);
        let mut central = Watching(&store, Vec::new());
        let report = replay(&store, &mut central, NOW, 100).await.unwrap();
        assert_eq!(central.1, vec![3, 2, 1]);
        assert_eq!((report.delivered, report.already_applied), (3, 3));
    }

    #[tokio::test]
    async fn a_retryable_error_stops_replay_and_keeps_the_order() {
        let dir = TempDir::new();
        let store = store_with(&dir, 4);
        let mut central = Scripted::new([Ok(Delivered::Applied), retryable("connection refused")]);
        let report = replay(&store, &mut central, NOW, 100).await.unwrap();
        assert_eq!((report.delivered, report.remaining), (1, 3));
        let head = store.pending(1).unwrap().remove(0);
        assert_eq!(
            report.stopped_by,
            Some(StopReason::Retryable {
                seq: head.seq,
                reason: "connection refused".to_owned()
            })
        );
        assert_eq!(central.seen, ["k-0", "k-1"]);
        assert_eq!(head.idempotency_key, "k-1");
        assert_eq!(head.attempts, 1);
        assert_eq!(head.last_error.as_deref(), Some("connection refused"));
        assert_eq!(
            head.next_attempt_at_ms,
            NOW + Backoff::DEFAULT.base_ms as i64
        );

        // Later, central is back: the same record goes first, then the rest.
        let later = head.next_attempt_at_ms;
        let report = replay(&store, &mut central, later, 100).await.unwrap();
        assert_eq!((report.delivered, report.remaining), (3, 0));
        assert_eq!(central.seen, ["k-0", "k-1", "k-1", "k-2", "k-3"]);
    }

    #[tokio::test]
    async fn nothing_overtakes_a_head_that_is_backing_off() {
        let dir = TempDir::new();
        let store = store_with(&dir, 3);
        let mut central = Scripted::new([retryable("timeout")]);
        replay(&store, &mut central, NOW, 100).await.unwrap();
        let head = store.pending(1).unwrap().remove(0);

        let report = replay(&store, &mut central, head.next_attempt_at_ms - 1, 100)
            .await
            .unwrap();
        assert_eq!(
            report.stopped_by,
            Some(StopReason::NotDue {
                seq: head.seq,
                next_attempt_at_ms: head.next_attempt_at_ms
            })
        );
        assert_eq!((report.delivered, report.remaining), (0, 3));
        assert_eq!(
            central.seen,
            ["k-0"],
            "nothing was offered while the head waited"
        );
    }

    #[tokio::test]
    async fn the_backoff_doubles_and_is_capped() {
        let dir = TempDir::new();
        let store = store_with(&dir, 1);
        let backoff = Backoff {
            base_ms: 100,
            cap_ms: 1_000,
        };
        let mut central = Scripted::new((0..6).map(|_| retryable("503")));
        let mut now = NOW;
        let mut waits = Vec::new();
        for _ in 0..6 {
            replay_with_backoff(&store, &mut central, now, 100, backoff)
                .await
                .unwrap();
            let due = store.pending(1).unwrap()[0].next_attempt_at_ms;
            waits.push(due - now);
            now = due;
        }
        assert_eq!(waits, [100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(store.pending(1).unwrap()[0].attempts, 6);
        assert_eq!(Backoff::DEFAULT.delay_ms(u32::MAX), Backoff::DEFAULT.cap_ms);
        assert_eq!(Backoff::DEFAULT.delay_ms(0), Backoff::DEFAULT.base_ms);
    }

    #[tokio::test]
    async fn retry_after_is_honoured_up_to_the_cap() {
        let dir = TempDir::new();
        let store = store_with(&dir, 1);
        let backoff = Backoff {
            base_ms: 100,
            cap_ms: 10_000,
        };
        let asking = |ms| {
            Err(DeliveryError::Retryable {
                reason: "429".to_owned(),
                retry_after_ms: Some(ms),
            })
        };
        let mut central = Scripted::new([asking(5_000), asking(50), asking(u64::MAX)]);
        let mut waits = Vec::new();
        for _ in 0..3 {
            replay_with_backoff(&store, &mut central, NOW, 100, backoff)
                .await
                .unwrap();
            waits.push(store.pending(1).unwrap()[0].next_attempt_at_ms - NOW);
            store.reset_backoff().unwrap();
        }
        assert_eq!(waits, [5_000, 200, 10_000]);
    }

    #[tokio::test]
    async fn a_clock_that_went_back_does_not_stall_the_queue() {
        let dir = TempDir::new();
        let store = store_with(&dir, 2);
        let mut central = Scripted::new([retryable("timeout")]);
        replay(&store, &mut central, NOW, 100).await.unwrap();
        // An hour later by the old clock, the clock is set back by a day.
        let set_back = NOW - 24 * 3_600_000;
        let report = replay(&store, &mut central, set_back, 100).await.unwrap();
        assert_eq!((report.delivered, report.remaining), (2, 0));
        assert_eq!(central.seen, ["k-0", "k-0", "k-1"]);
    }

    #[tokio::test]
    async fn a_rejected_record_goes_to_the_dead_letters_and_the_queue_goes_on() {
        let dir = TempDir::new();
        let store = store_with(&dir, 3);
        let seq_of_k1 = store.pending(2).unwrap()[1].seq;
        let mut central =
            Scripted::new([Ok(Delivered::Applied), rejected("422 appointment_unknown")]);
        let report = replay(&store, &mut central, NOW, 100).await.unwrap();
        assert_eq!(
            (report.delivered, report.rejected, report.remaining),
            (2, 1, 0)
        );
        assert_eq!(report.stopped_by, None);
        assert_eq!(central.seen, keys(3));
        let dead = store.dead_letters().unwrap();
        assert_eq!(dead.len(), 1);
        let letter = &dead[0];
        assert_eq!(letter.seq, seq_of_k1);
        assert_eq!(letter.idempotency_key, "k-1");
        assert_eq!(letter.kind, "rating");
        assert_eq!(letter.method, "POST");
        assert_eq!(letter.body, br#"{"key":"k-1"}"#);
        assert_eq!(letter.reason, "422 appointment_unknown");
        assert_eq!(letter.dead_at_ms, NOW);
        assert_eq!(store.dead_letter_count().unwrap(), 1);
    }

    #[tokio::test]
    async fn an_undecodable_head_is_moved_aside_not_sent() {
        let dir = TempDir::new();
        let store = store_with(&dir, 2);
        store
            .lock()
            .execute(
                "UPDATE outbox SET kind = 'teleport' WHERE idempotency_key = 'k-0'",
                [],
            )
            .unwrap();
        let mut central = Scripted::new([]);
        let report = replay(&store, &mut central, NOW, 100).await.unwrap();
        assert_eq!((report.delivered, report.rejected), (1, 1));
        assert_eq!(central.seen, ["k-1"]);
        let dead = store.dead_letters().unwrap();
        assert_eq!(dead[0].kind, "teleport");
        assert!(
            dead[0].reason.starts_with("undecodable row"),
            "{}",
            dead[0].reason
        );
    }

    #[tokio::test]
    async fn the_limit_stops_replay() {
        let dir = TempDir::new();
        let store = store_with(&dir, 5);
        let mut central = Scripted::new([]);
        let report = replay(&store, &mut central, NOW, 2).await.unwrap();
        assert_eq!(report.stopped_by, Some(StopReason::Limit));
        assert_eq!((report.delivered, report.remaining), (2, 3));
        let report = replay(&store, &mut central, NOW, 0).await.unwrap();
        assert_eq!((report.delivered, report.remaining), (0, 3));
        let report = replay(&store, &mut central, NOW, 3).await.unwrap();
        assert_eq!(
            report.stopped_by, None,
            "an empty outbox is not a limit stop"
        );
        assert_eq!(central.seen, keys(5));
    }

    #[tokio::test]
    async fn a_second_replay_of_the_same_store_does_nothing() {
        /// Starts a second replay while the first one is delivering.
        struct Reentrant<'a>(&'a Store, Option<ReplayReport>);
        impl Deliver for Reentrant<'_> {
            async fn deliver(&mut self, _: &OutboxRecord) -> Result<Delivered, DeliveryError> {
                let mut other = Scripted::new([]);
                self.1 = Some(replay(self.0, &mut other, NOW, 100).await.unwrap());
                assert!(other.seen.is_empty());
                Ok(Delivered::Applied)
            }
        }
        let dir = TempDir::new();
        let store = store_with(&dir, 1);
        let mut central = Reentrant(&store, None);
        let report = replay(&store, &mut central, NOW, 1).await.unwrap();
        assert_eq!(report.delivered, 1);
        let inner = central.1.unwrap();
        assert_eq!(inner.stopped_by, Some(StopReason::AlreadyRunning));
        assert_eq!((inner.delivered, inner.remaining), (0, 1));
    }

    #[tokio::test]
    async fn a_cancelled_replay_keeps_the_record_and_frees_the_store() {
        /// Never answers, like a central that hangs.
        struct Hanging;
        impl Deliver for Hanging {
            fn deliver(
                &mut self,
                _: &OutboxRecord,
            ) -> impl Future<Output = Result<Delivered, DeliveryError>> + Send {
                pending()
            }
        }
        let dir = TempDir::new();
        let store = store_with(&dir, 2);
        let mut hanging = Hanging;
        tokio::select! {
            biased;
            _ = replay(&store, &mut hanging, NOW, 100) => unreachable!("central never answers"),
            () = std::future::ready(()) => {}
        }
        assert_eq!(store.depth().unwrap(), 2);
        let mut central = Scripted::new([]);
        let report = replay(&store, &mut central, NOW, 100).await.unwrap();
        assert_eq!(report.delivered, 2);
        assert_eq!(central.seen, keys(2));
    }

    #[test]
    fn the_replay_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let dir = TempDir::new();
        let store = store_with(&dir, 0);
        let mut central = Scripted::new([]);
        assert_send(&replay(&store, &mut central, NOW, 1));
    }
}
