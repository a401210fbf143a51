//! What a test or an operator does to the running server from outside: injected faults, the
//! server's clock offset, the configuration handed out in heartbeat replies, and the counters.
//!
//! Faults act at three places: when a connection is accepted (`outage`), when a request arrives
//! on a connection (`drop`, `outage`, `lose`: the connection is closed without an answer, before
//! or after the request had its effect), and before the application answers (`latency`,
//! `errors`). The handle is cheap to clone; every clone acts on the same server.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU16, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use time::{OffsetDateTime, UtcOffset};

/// Beijing time, the hall's clock: every time the server sends carries this offset.
pub const BEIJING: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// The status injected errors use when none is given.
pub const DEFAULT_ERROR_STATUS: u16 = 503;

/// A handle on the server's faults, clock, heartbeat configuration and counters.
#[derive(Debug, Clone, Default)]
pub struct FaultHandle {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    latency_ms: AtomicU64,
    errors_left: AtomicU32,
    error_status: AtomicU16,
    drops_left: AtomicU32,
    losses_left: AtomicU32,
    outage: AtomicBool,
    clock_offset_ms: AtomicI64,
    config: Mutex<BTreeMap<String, String>>,
    counters: Counters,
}

/// The faults in force at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultState {
    /// Delay added before every answer.
    pub latency: Duration,
    /// Requests still to be answered with an injected error.
    pub errors_left: u32,
    /// The status of injected errors.
    pub error_status: u16,
    /// Requests whose connection is still to be closed before they take effect.
    pub drops_left: u32,
    /// Requests whose answer is still to be lost after they took effect.
    pub losses_left: u32,
    /// Whether every connection is closed at once.
    pub outage: bool,
    /// The server's clock minus the real clock, milliseconds.
    pub clock_offset_ms: i64,
}

/// The server's counters since start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// TCP connections accepted (including those closed by an outage).
    pub connections: u64,
    /// Connections closed at once because of an outage.
    pub refused_connections: u64,
    /// TLS handshakes that failed (no client certificate, an untrusted one, or garbage).
    pub tls_failures: u64,
    /// Requests that reached the application (not dropped).
    pub requests: u64,
    /// State-changing requests answered from the idempotency store instead of run again.
    pub idempotent_replays: u64,
    /// Requests refused `unauthenticated` (missing headers, unknown kiosk, bad signature).
    pub signature_failures: u64,
    /// Requests refused `clock_skew`.
    pub clock_skew_refusals: u64,
    /// Requests answered with an injected error.
    pub injected_errors: u64,
    /// Requests whose connection was closed before they took effect (`drop`, `outage`).
    pub dropped: u64,
    /// Requests that took effect but whose answer was lost (`lose`).
    pub lost_responses: u64,
}

#[derive(Debug, Default)]
struct Counters {
    connections: AtomicU64,
    refused_connections: AtomicU64,
    tls_failures: AtomicU64,
    requests: AtomicU64,
    idempotent_replays: AtomicU64,
    signature_failures: AtomicU64,
    clock_skew_refusals: AtomicU64,
    injected_errors: AtomicU64,
    dropped: AtomicU64,
    lost_responses: AtomicU64,
}

/// Which counter to bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    Connections,
    RefusedConnections,
    TlsFailures,
    Requests,
    IdempotentReplays,
    SignatureFailures,
    ClockSkewRefusals,
    InjectedErrors,
    Dropped,
    LostResponses,
}

/// Takes one from a countdown if it is not zero.
fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

impl FaultHandle {
    /// A handle with no faults, no clock offset and an empty configuration.
    pub fn new() -> FaultHandle {
        let handle = FaultHandle::default();
        handle
            .shared
            .error_status
            .store(DEFAULT_ERROR_STATUS, Ordering::SeqCst);
        handle
    }

    /// Delays every answer by `latency` (zero: no delay).
    pub fn set_latency(&self, latency: Duration) {
        let ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self.shared.latency_ms.store(ms, Ordering::SeqCst);
    }

    /// Answers the next `count` requests with `status` and an `unavailable` (or, for 500,
    /// `internal`) error body.
    pub fn fail_next(&self, count: u32, status: u16) {
        self.shared.error_status.store(status, Ordering::SeqCst);
        self.shared.errors_left.store(count, Ordering::SeqCst);
    }

    /// Closes the connection of the next `count` requests without an answer, before they take
    /// effect.
    pub fn drop_next(&self, count: u32) {
        self.shared.drops_left.store(count, Ordering::SeqCst);
    }

    /// Runs the next `count` requests, then closes their connection without the answer (what an
    /// idempotency key is for).
    pub fn lose_next(&self, count: u32) {
        self.shared.losses_left.store(count, Ordering::SeqCst);
    }

    /// While on, every connection is closed as soon as it is accepted, and every request on an
    /// open connection is dropped.
    pub fn set_outage(&self, on: bool) {
        self.shared.outage.store(on, Ordering::SeqCst);
    }

    /// Moves the server's clock by `offset_ms` from the real clock (for expiry and clock-skew
    /// tests).
    pub fn set_clock_offset_ms(&self, offset_ms: i64) {
        self.shared
            .clock_offset_ms
            .store(offset_ms, Ordering::SeqCst);
    }

    /// Removes every fault and the clock offset (the heartbeat configuration stays).
    pub fn clear(&self) {
        self.set_latency(Duration::ZERO);
        self.fail_next(0, DEFAULT_ERROR_STATUS);
        self.drop_next(0);
        self.lose_next(0);
        self.set_outage(false);
        self.set_clock_offset_ms(0);
    }

    /// Sets (`Some`) or removes (`None`) one key of the configuration heartbeat replies carry.
    pub fn set_config(&self, key: &str, value: Option<&str>) {
        let mut config = self
            .shared
            .config
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match value {
            Some(value) => {
                config.insert(key.to_owned(), value.to_owned());
            }
            None => {
                config.remove(key);
            }
        }
    }

    /// The configuration heartbeat replies carry now.
    pub fn config(&self) -> BTreeMap<String, String> {
        self.shared
            .config
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The faults in force now.
    pub fn state(&self) -> FaultState {
        let s = &self.shared;
        FaultState {
            latency: Duration::from_millis(s.latency_ms.load(Ordering::SeqCst)),
            errors_left: s.errors_left.load(Ordering::SeqCst),
            error_status: s.error_status.load(Ordering::SeqCst),
            drops_left: s.drops_left.load(Ordering::SeqCst),
            losses_left: s.losses_left.load(Ordering::SeqCst),
            outage: s.outage.load(Ordering::SeqCst),
            clock_offset_ms: s.clock_offset_ms.load(Ordering::SeqCst),
        }
    }

    /// The counters now.
    pub fn stats(&self) -> Stats {
        let c = &self.shared.counters;
        let get = |counter: &AtomicU64| counter.load(Ordering::SeqCst);
        Stats {
            connections: get(&c.connections),
            refused_connections: get(&c.refused_connections),
            tls_failures: get(&c.tls_failures),
            requests: get(&c.requests),
            idempotent_replays: get(&c.idempotent_replays),
            signature_failures: get(&c.signature_failures),
            clock_skew_refusals: get(&c.clock_skew_refusals),
            injected_errors: get(&c.injected_errors),
            dropped: get(&c.dropped),
            lost_responses: get(&c.lost_responses),
        }
    }

    /// The server's clock now, in Beijing time, to the millisecond (what it stores and sends).
    pub fn now(&self) -> OffsetDateTime {
        let offset = self.shared.clock_offset_ms.load(Ordering::SeqCst);
        let now =
            (OffsetDateTime::now_utc() + time::Duration::milliseconds(offset)).to_offset(BEIJING);
        now.replace_millisecond(now.millisecond()).unwrap_or(now)
    }

    pub(crate) fn bump(&self, counter: Counter) {
        let c = &self.shared.counters;
        let target = match counter {
            Counter::Connections => &c.connections,
            Counter::RefusedConnections => &c.refused_connections,
            Counter::TlsFailures => &c.tls_failures,
            Counter::Requests => &c.requests,
            Counter::IdempotentReplays => &c.idempotent_replays,
            Counter::SignatureFailures => &c.signature_failures,
            Counter::ClockSkewRefusals => &c.clock_skew_refusals,
            Counter::InjectedErrors => &c.injected_errors,
            Counter::Dropped => &c.dropped,
            Counter::LostResponses => &c.lost_responses,
        };
        target.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn outage(&self) -> bool {
        self.shared.outage.load(Ordering::SeqCst)
    }

    pub(crate) fn take_drop(&self) -> bool {
        take_one(&self.shared.drops_left)
    }

    pub(crate) fn take_loss(&self) -> bool {
        take_one(&self.shared.losses_left)
    }

    /// The status of an injected error, if this request gets one.
    pub(crate) fn take_error(&self) -> Option<u16> {
        take_one(&self.shared.errors_left).then(|| self.shared.error_status.load(Ordering::SeqCst))
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.shared.latency_ms.load(Ordering::SeqCst))
    }
}

impl Stats {
    /// The line the `status` command prints, with the faults in force:
    /// `STATUS requests=N replays=N signature_failures=N skew=N injected=N dropped=N lost=N
    /// connections=N refused=N tls_failures=N latency_ms=N errors_left=N drops_left=N
    /// losses_left=N outage=on|off clock_offset_ms=N`.
    pub fn status_line(&self, faults: &FaultState) -> String {
        format!(
            "STATUS requests={} replays={} signature_failures={} skew={} injected={} dropped={} \
             lost={} connections={} refused={} tls_failures={} latency_ms={} errors_left={} \
             drops_left={} losses_left={} outage={} clock_offset_ms={}",
            self.requests,
            self.idempotent_replays,
            self.signature_failures,
            self.clock_skew_refusals,
            self.injected_errors,
            self.dropped,
            self.lost_responses,
            self.connections,
            self.refused_connections,
            self.tls_failures,
            faults.latency.as_millis(),
            faults.errors_left,
            faults.drops_left,
            faults.losses_left,
            if faults.outage { "on" } else { "off" },
            faults.clock_offset_ms,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_stop_at_zero() {
        let faults = FaultHandle::new();
        faults.fail_next(2, 500);
        assert_eq!(faults.take_error(), Some(500));
        assert_eq!(faults.take_error(), Some(500));
        assert_eq!(faults.take_error(), None);
        faults.drop_next(1);
        assert!(faults.take_drop());
        assert!(!faults.take_drop());
        assert!(!faults.take_loss());
    }

    #[test]
    fn clear_keeps_the_configuration() {
        let faults = FaultHandle::new();
        faults.set_latency(Duration::from_millis(20));
        faults.set_outage(true);
        faults.set_clock_offset_ms(-5);
        faults.set_config("volume", Some("3"));
        faults.clear();
        let state = faults.state();
        assert_eq!(state.latency, Duration::ZERO);
        assert!(!state.outage);
        assert_eq!(state.clock_offset_ms, 0);
        assert_eq!(state.error_status, DEFAULT_ERROR_STATUS);
        assert_eq!(faults.config().get("volume").map(String::as_str), Some("3"));
        faults.set_config("volume", None);
        assert!(faults.config().is_empty());
    }

    #[test]
    fn clock_offset_moves_now() {
        let faults = FaultHandle::new();
        let before = faults.now();
        faults.set_clock_offset_ms(3_600_000);
        let after = faults.now();
        assert!(after - before >= time::Duration::minutes(59));
        assert_eq!(after.offset(), BEIJING);
    }
}
