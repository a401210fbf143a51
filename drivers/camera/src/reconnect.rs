//! Reopening a camera that disappeared (unplugged, driver reset).

use std::time::{Duration, Instant};

use liveness::Challenge;

use crate::source::FrameSource;
use crate::{CameraError, Frame};

/// How [`Reconnecting`] retries: waits `initial`, then twice as long each time up to `max`,
/// and gives up after `max_attempts` failed reopenings in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first wait.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Failed reopenings in a row after which the loss is reported.
    pub max_attempts: u32,
}

impl Default for Backoff {
    /// 100 ms, 200 ms, ... capped at 2 s, ten attempts (about 11 s in all).
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(2),
            max_attempts: 10,
        }
    }
}

impl Backoff {
    /// The wait before attempt `n` (from 0).
    #[must_use]
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.min(16)).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

type Factory<S> = Box<dyn FnMut() -> Result<S, CameraError> + Send>;
type Sleep = Box<dyn FnMut(Duration) + Send>;

/// Wraps a source and, when it reports [`CameraError::Lost`] (or cannot be opened), reopens it
/// through a factory with capped exponential backoff.
///
/// Time stays monotonic across a reopening: the new source's `at_ms` is shifted to continue
/// after the last delivered frame plus the real duration of the outage, so the check's time-outs
/// still hold; indices continue too. The current prompt is passed on to the new source. The end
/// of a file (`Ok(None)`) is not a loss and is passed through.
pub struct Reconnecting<S> {
    factory: Factory<S>,
    current: Option<S>,
    backoff: Backoff,
    sleep: Sleep,
    reconnects: u64,
    /// Added to the current source's `at_ms`.
    offset_ms: u64,
    last_at: Option<u64>,
    index: u64,
    lost_at: Option<Instant>,
    shown: Option<Challenge>,
    what: String,
}

impl<S: FrameSource> Reconnecting<S> {
    /// Wraps a factory; the source is opened (with retries) on the first [`FrameSource::next_frame`].
    pub fn new(
        what: impl Into<String>,
        factory: impl FnMut() -> Result<S, CameraError> + Send + 'static,
    ) -> Self {
        Self {
            factory: Box::new(factory),
            current: None,
            backoff: Backoff::default(),
            sleep: Box::new(std::thread::sleep),
            reconnects: 0,
            offset_ms: 0,
            last_at: None,
            index: 0,
            lost_at: None,
            shown: None,
            what: what.into(),
        }
    }

    /// Sets the retry schedule.
    #[must_use]
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Replaces the wait between attempts (tests pass a recorder instead of sleeping).
    #[must_use]
    pub fn with_sleep(mut self, sleep: impl FnMut(Duration) + Send + 'static) -> Self {
        self.sleep = Box::new(sleep);
        self
    }

    /// How many times the source was reopened after a loss (the first opening is not counted).
    #[must_use]
    pub fn reconnects(&self) -> u64 {
        self.reconnects
    }

    /// Opens the source, retrying per the backoff.
    fn reopen(&mut self) -> Result<S, CameraError> {
        let mut attempt = 0u32;
        loop {
            match (self.factory)() {
                Ok(source) => return Ok(source),
                Err(e @ (CameraError::Open { .. } | CameraError::Lost { .. })) => {
                    attempt += 1;
                    if attempt >= self.backoff.max_attempts.max(1) {
                        if self.last_at.is_none() {
                            // Never opened: report why, as a plain source would.
                            return Err(e);
                        }
                        return Err(CameraError::Lost {
                            what: self.what.clone(),
                            reason: format!("gave up after {attempt} attempts: {e}"),
                        });
                    }
                    tracing::warn!(camera = %self.what, attempt, error = %e, "camera reopen failed");
                    (self.sleep)(self.backoff.delay(attempt - 1));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl<S: FrameSource> FrameSource for Reconnecting<S> {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        loop {
            let source = match self.current.as_mut() {
                Some(s) => s,
                None => {
                    let mut fresh = self.reopen()?;
                    if let Some(lost) = self.lost_at.take() {
                        self.reconnects += 1;
                        let outage = u64::try_from(lost.elapsed().as_millis()).unwrap_or(0);
                        self.offset_ms = self.last_at.map_or(0, |l| l + 1 + outage);
                        tracing::info!(camera = %self.what, outage_ms = outage, "camera reconnected");
                    }
                    fresh.prompt(self.shown);
                    self.current.insert(fresh)
                }
            };
            match source.next_frame() {
                Ok(Some(frame)) => {
                    let mut at = frame.at_ms().saturating_add(self.offset_ms);
                    if let Some(last) = self.last_at {
                        at = at.max(last + 1);
                    }
                    self.last_at = Some(at);
                    let index = self.index;
                    self.index += 1;
                    return Ok(Some(frame.retimed(at, index)));
                }
                Ok(None) => return Ok(None),
                Err(CameraError::Lost { what, reason }) => {
                    tracing::warn!(camera = %what, %reason, "camera lost; reopening");
                    self.current = None;
                    self.lost_at = Some(Instant::now());
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn prompt(&mut self, shown: Option<Challenge>) {
        self.shown = shown;
        if let Some(s) = self.current.as_mut() {
            s.prompt(shown);
        }
    }

    fn describe(&self) -> String {
        match &self.current {
            Some(s) => format!("{} (reconnects: {})", s.describe(), self.reconnects),
            None => format!("{} (closed, reconnects: {})", self.what, self.reconnects),
        }
    }

    fn offers(&self) -> Option<String> {
        self.current.as_ref().and_then(FrameSource::offers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn backoff_grows_and_is_capped(initial in 1u64..1000, max in 1u64..10_000, n in 0u32..40) {
            let b = Backoff {
                initial: Duration::from_millis(initial),
                max: Duration::from_millis(max),
                max_attempts: 5,
            };
            prop_assert!(b.delay(n) <= b.max);
            prop_assert!(b.delay(n + 1) >= b.delay(n));
            prop_assert_eq!(b.delay(0), b.initial.min(b.max));
        }
    }
}
