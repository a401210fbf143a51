//! Following a job to its end: a pure state machine fed with what CUPS reports and the time.
//!
//! The rule that matters: success is reported only when CUPS says `job-state` 9 (completed).
//! For a raw `socket://` queue CUPS says so after the backend wrote every byte and the device
//! closed the connection; before that the job is pending or processing, whatever the printer says.

use crate::state::{JobState, JobStatus, PrinterState, PrinterStatus, Reason};
use std::time::{Duration, Instant};

/// How a followed job ended, or why following it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum JobOutcome {
    /// CUPS says the job completed.
    Completed {
        /// The job's last status.
        job: JobStatus,
    },
    /// The job failed or cannot progress without someone acting.
    Failed(JobFailure),
    /// The time-out expired while the job was still pending, held or processing. The job is
    /// still in the queue: cancel it or follow it again.
    TimedOut {
        /// The time-out that expired.
        timeout: Duration,
        /// The job's last status.
        job: JobStatus,
        /// The printer's last status (for example `connecting-to-device` while the backend
        /// retries a printer that refuses connections).
        printer: PrinterStatus,
    },
}

impl JobOutcome {
    /// Whether CUPS said the job completed.
    pub fn is_completed(&self) -> bool {
        matches!(self, JobOutcome::Completed { .. })
    }
}

/// Why a job did not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobFailure {
    /// `job-state` 7: canceled (by us, a user or an operator). Terminal.
    Canceled {
        /// The job's last status (`job-state-reasons` such as `job-canceled-by-user`).
        job: JobStatus,
    },
    /// `job-state` 8: aborted by CUPS (a filter or backend failed). Terminal.
    Aborted {
        /// The job's last status.
        job: JobStatus,
    },
    /// `job-state` 6: the job was processing and stopped. Still in the queue.
    Stopped {
        /// The job's last status.
        job: JobStatus,
        /// The printer's status, which usually says why.
        printer: PrinterStatus,
    },
    /// The queue is stopped (`cupsdisable`, or stopped by CUPS's error policy): the job waits
    /// and will not print until the queue is enabled again. Still in the queue.
    PrinterStopped {
        /// The job's last status.
        job: JobStatus,
        /// The printer's status (`paused`, and the message given when it was stopped).
        printer: PrinterStatus,
    },
    /// The printer needs someone: out of paper, jammed, door open, out of toner. The job is
    /// still in the queue and resumes once the condition clears.
    PrinterNeedsAttention {
        /// The first blocking reason (`media-empty-error`, `media-jam-error`, ...).
        reason: Reason,
        /// The job's last status.
        job: JobStatus,
        /// The printer's status.
        printer: PrinterStatus,
    },
}

impl JobFailure {
    /// Whether the job is gone for good (canceled or aborted) rather than waiting in the queue.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobFailure::Canceled { .. } | JobFailure::Aborted { .. }
        )
    }

    /// The job's last status.
    pub fn job(&self) -> &JobStatus {
        match self {
            JobFailure::Canceled { job }
            | JobFailure::Aborted { job }
            | JobFailure::Stopped { job, .. }
            | JobFailure::PrinterStopped { job, .. }
            | JobFailure::PrinterNeedsAttention { job, .. } => job,
        }
    }
}

/// What one observation of a job and its printer means, independent of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The job is done, one way or the other: stop following.
    Final(JobOutcome),
    /// The job may still complete: keep following.
    Waiting,
}

/// Judges one observation. Pure.
pub fn assess(job: &JobStatus, printer: &PrinterStatus) -> Verdict {
    let failed = |f| Verdict::Final(JobOutcome::Failed(f));
    match job.state {
        JobState::Completed => Verdict::Final(JobOutcome::Completed { job: job.clone() }),
        JobState::Canceled => failed(JobFailure::Canceled { job: job.clone() }),
        JobState::Aborted => failed(JobFailure::Aborted { job: job.clone() }),
        JobState::Stopped => failed(JobFailure::Stopped {
            job: job.clone(),
            printer: printer.clone(),
        }),
        JobState::Pending | JobState::Held | JobState::Processing | JobState::Unknown(_) => {
            if printer.state == PrinterState::Stopped {
                failed(JobFailure::PrinterStopped {
                    job: job.clone(),
                    printer: printer.clone(),
                })
            } else if let Some(reason) = printer.blocking_reason() {
                failed(JobFailure::PrinterNeedsAttention {
                    reason: reason.clone(),
                    job: job.clone(),
                    printer: printer.clone(),
                })
            } else {
                Verdict::Waiting
            }
        }
    }
}

/// What the shell should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Stop: this is the outcome.
    Done(JobOutcome),
    /// Query the job and printer again at this instant.
    PollAt(Instant),
}

/// Following one job: feed it observations with the time they were made; it says when to poll
/// again and when to stop. It never reads the clock.
#[derive(Debug, Clone)]
pub struct Follow {
    deadline: Instant,
    timeout: Duration,
    interval: Duration,
}

impl Follow {
    /// Starts following at `now`, giving up `timeout` later, polling every `interval`.
    pub fn new(now: Instant, timeout: Duration, interval: Duration) -> Follow {
        Follow {
            deadline: now + timeout,
            timeout,
            interval,
        }
    }

    /// Handles the observation made at `now`.
    pub fn observe(&self, now: Instant, job: &JobStatus, printer: &PrinterStatus) -> Step {
        match assess(job, printer) {
            Verdict::Final(outcome) => Step::Done(outcome),
            Verdict::Waiting if now >= self.deadline => Step::Done(JobOutcome::TimedOut {
                timeout: self.timeout,
                job: job.clone(),
                printer: printer.clone(),
            }),
            // The last poll happens at the deadline itself, so a job that completes just before
            // it is reported completed rather than timed out.
            Verdict::Waiting => Step::PollAt((now + self.interval).min(self.deadline)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Condition;

    fn job(state: JobState) -> JobStatus {
        JobStatus {
            state,
            reasons: vec![],
            message: None,
        }
    }

    fn printer(state: PrinterState, reasons: &[&str]) -> PrinterStatus {
        PrinterStatus {
            state,
            reasons: reasons.iter().map(|k| Reason::parse(k)).collect(),
            message: None,
            accepting_jobs: true,
        }
    }

    #[test]
    fn only_completed_is_success() {
        let idle = printer(PrinterState::Idle, &[]);
        for state in [
            JobState::Pending,
            JobState::Held,
            JobState::Processing,
            JobState::Unknown(42),
        ] {
            assert_eq!(assess(&job(state), &idle), Verdict::Waiting, "{state:?}");
        }
        assert!(matches!(
            assess(&job(JobState::Completed), &idle),
            Verdict::Final(JobOutcome::Completed { .. })
        ));
        // Completed wins over whatever the printer says afterwards.
        let jammed = printer(PrinterState::Stopped, &["media-jam-error", "paused"]);
        assert!(matches!(
            assess(&job(JobState::Completed), &jammed),
            Verdict::Final(JobOutcome::Completed { .. })
        ));
    }

    #[test]
    fn terminal_states_are_typed_failures() {
        let idle = printer(PrinterState::Idle, &[]);
        let canceled = JobStatus {
            reasons: vec!["job-canceled-by-user".into()],
            ..job(JobState::Canceled)
        };
        match assess(&canceled, &idle) {
            Verdict::Final(JobOutcome::Failed(f @ JobFailure::Canceled { .. })) => {
                assert!(f.is_terminal());
                assert_eq!(f.job().reasons, ["job-canceled-by-user"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            assess(&job(JobState::Aborted), &idle),
            Verdict::Final(JobOutcome::Failed(JobFailure::Aborted { .. }))
        ));
        match assess(&job(JobState::Stopped), &idle) {
            Verdict::Final(JobOutcome::Failed(f @ JobFailure::Stopped { .. })) => {
                assert!(!f.is_terminal());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_stopped_queue_fails_a_waiting_job() {
        let paused = printer(PrinterState::Stopped, &["paused"]);
        match assess(&job(JobState::Pending), &paused) {
            Verdict::Final(JobOutcome::Failed(JobFailure::PrinterStopped { printer, .. })) => {
                assert!(printer.has(&Condition::Paused));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn paper_out_jam_and_door_fail_but_warnings_and_reports_wait() {
        for keyword in [
            "media-empty-error",
            "media-jam-error",
            "door-open-error",
            "media-needed",
        ] {
            let p = printer(PrinterState::Processing, &["connecting-to-device", keyword]);
            match assess(&job(JobState::Processing), &p) {
                Verdict::Final(JobOutcome::Failed(JobFailure::PrinterNeedsAttention {
                    reason,
                    ..
                })) => assert_eq!(reason.keyword, keyword),
                other => panic!("{keyword}: {other:?}"),
            }
        }
        for keyword in [
            "media-empty-warning",
            "offline-report",
            "connecting-to-device",
            "toner-low-warning",
        ] {
            let p = printer(PrinterState::Processing, &[keyword]);
            assert_eq!(
                assess(&job(JobState::Processing), &p),
                Verdict::Waiting,
                "{keyword}"
            );
        }
    }

    #[test]
    fn follow_polls_until_the_deadline_then_times_out_with_the_last_state() {
        let t0 = Instant::now();
        let f = Follow::new(t0, Duration::from_secs(2), Duration::from_millis(500));
        let p = printer(
            PrinterState::Processing,
            &["connecting-to-device", "offline-report"],
        );
        let j = job(JobState::Processing);
        assert_eq!(
            f.observe(t0, &j, &p),
            Step::PollAt(t0 + Duration::from_millis(500))
        );
        // Near the deadline the next poll is clamped to it.
        let late = t0 + Duration::from_millis(1800);
        assert_eq!(
            f.observe(late, &j, &p),
            Step::PollAt(t0 + Duration::from_secs(2))
        );
        match f.observe(t0 + Duration::from_secs(2), &j, &p) {
            Step::Done(JobOutcome::TimedOut {
                timeout,
                job,
                printer,
            }) => {
                assert_eq!(timeout, Duration::from_secs(2));
                assert_eq!(job.state, JobState::Processing);
                assert!(printer.has(&Condition::Offline));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn completion_seen_at_the_deadline_is_completion() {
        let t0 = Instant::now();
        let f = Follow::new(t0, Duration::from_secs(1), Duration::from_millis(100));
        let idle = printer(PrinterState::Idle, &[]);
        let step = f.observe(
            t0 + Duration::from_secs(5),
            &job(JobState::Completed),
            &idle,
        );
        assert!(matches!(step, Step::Done(JobOutcome::Completed { .. })));
    }
}
