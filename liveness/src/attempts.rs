//! Counting failed attempts, so a citizen who cannot pass is offered the staffed window.

/// Failed attempts after which the staffed window is offered.
pub const MAX_FAILURES: u8 = 3;

/// Failures and declines for one citizen's session.
///
/// The staffed window is always reachable from every screen (face must not be the only way);
/// this counter decides when the kiosk actively offers it instead of another try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    failures: u8,
    declined: bool,
}

impl Attempts {
    /// A fresh counter.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one failed check.
    pub fn record_failure(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }

    /// Records that the citizen declined face verification.
    pub fn decline(&mut self) {
        self.declined = true;
    }

    /// The number of failed checks so far.
    #[must_use]
    pub fn failures(&self) -> u8 {
        self.failures
    }

    /// Whether the kiosk should offer the staffed window now (declined, or three failures).
    #[must_use]
    pub fn offer_staffed_window(&self) -> bool {
        self.declined || self.failures >= MAX_FAILURES
    }

    /// Whether another face check may be started.
    #[must_use]
    pub fn may_retry(&self) -> bool {
        !self.offer_staffed_window()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_failures_offer_the_window() {
        let mut a = Attempts::new();
        a.record_failure();
        a.record_failure();
        assert!(!a.offer_staffed_window() && a.may_retry());
        a.record_failure();
        assert!(a.offer_staffed_window() && !a.may_retry());
        assert_eq!(a.failures(), 3);
    }

    #[test]
    fn declining_offers_the_window_at_once() {
        let mut a = Attempts::new();
        a.decline();
        assert!(a.offer_staffed_window());
    }
}
