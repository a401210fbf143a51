//! The flows' journal lines as the store's typed journal events, and the writer that appends
//! them off the driver's loop (one thread, in order).
//!
//! The flows journal `step` + `outcome` text; the contract has typed events. Session starts and
//! ends, consent, face checks and device faults map onto their own events; everything else is an
//! `outcome` (`step: outcome`). Text the journal refuses as personal-looking is replaced by the
//! step alone, and the refusal is logged without the text.

use crate::store::Store;
use crate::store::journal::{
    ExitReason, FaceCheckFailure, FaceCheckResult, JournalError, JournalEvent, JournalFlow,
    NewEntry,
};
use flows::FlowKind;
use std::sync::Arc;
use std::sync::mpsc;
use time::OffsetDateTime;
use uuid::Uuid;

/// The contract's flow of a flows' flow.
pub fn flow_of(kind: FlowKind) -> JournalFlow {
    match kind {
        FlowKind::Records => JournalFlow::RecordsQuery,
        FlowKind::CheckIn => JournalFlow::AppointmentCheckIn,
        FlowKind::Ticket => JournalFlow::WalkIn,
        FlowKind::Case => JournalFlow::CaseProgress,
        FlowKind::Guide => JournalFlow::ServiceGuide,
        FlowKind::AskRate => JournalFlow::AskAndRate,
    }
}

/// The typed event of a flows' journal line.
pub fn event_of(entry: &flows::JournalEntry) -> JournalEvent {
    let outcome = entry.outcome.as_str();
    match entry.step {
        "start" => JournalEvent::SessionStarted,
        "exit" => JournalEvent::SessionEnded {
            exit: match outcome {
                "done" => ExitReason::Done,
                "home" => ExitReason::Home,
                "timed_out" => ExitReason::TimeOut,
                "card_lifted" => ExitReason::CardLifted,
                "staffed_window" | "consent_declined" => ExitReason::StaffedWindow,
                _ => ExitReason::Error,
            },
        },
        "consent" if outcome == "accepted" => JournalEvent::ConsentGiven {
            notice_version: super::camera::NOTICE_VERSION.to_owned(),
        },
        "face_check" if outcome == "passed" => JournalEvent::FaceCheck {
            outcome: FaceCheckResult::Passed,
        },
        "face_check" => JournalEvent::FaceCheck {
            outcome: FaceCheckResult::Failed {
                reason: if outcome.contains("timed out") {
                    FaceCheckFailure::TimedOut
                } else if outcome.contains("face left") || outcome.contains("calibration") {
                    FaceCheckFailure::NoFace
                } else {
                    FaceCheckFailure::LivenessFailed
                },
            },
        },
        "verify_identity" if outcome.contains("face refused") => JournalEvent::FaceCheck {
            outcome: FaceCheckResult::Failed {
                reason: FaceCheckFailure::Mismatch,
            },
        },
        // The number itself is journaled by the driver as a typed `query_number` event.
        "certificate_issued" => JournalEvent::Outcome {
            outcome: "certificate_issued".to_owned(),
        },
        "device" if outcome.ends_with(" down") => JournalEvent::DeviceFault {
            device: outcome.trim_end_matches(" down").to_owned(),
            fault: "down".to_owned(),
        },
        _ => JournalEvent::Outcome {
            outcome: clip(&format!("{}: {outcome}", entry.step)),
        },
    }
}

/// Cuts text to the journal's limit at a character boundary.
pub fn clip(text: &str) -> String {
    let max = crate::store::journal::MAX_TEXT_BYTES;
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// What the writer thread takes.
#[derive(Debug)]
pub enum JournalMsg {
    /// Append an event.
    Append {
        /// When.
        at: OffsetDateTime,
        /// The session (or the kiosk's system session).
        session: Uuid,
        /// The flow.
        flow: JournalFlow,
        /// The event.
        event: JournalEvent,
    },
    /// Answer when everything before has been written.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Starts the writer thread; it ends when every sender is dropped.
pub fn spawn_writer(store: Arc<Store>, kiosk: String) -> std::io::Result<mpsc::Sender<JournalMsg>> {
    let (tx, rx) = mpsc::channel::<JournalMsg>();
    std::thread::Builder::new()
        .name("journal".to_owned())
        .spawn(move || {
            for msg in rx {
                match msg {
                    JournalMsg::Append {
                        at,
                        session,
                        flow,
                        event,
                    } => append(&store, &kiosk, at, session, flow, event),
                    JournalMsg::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        })?;
    Ok(tx)
}

fn append(
    store: &Store,
    kiosk: &str,
    at: OffsetDateTime,
    session: Uuid,
    flow: JournalFlow,
    event: JournalEvent,
) {
    let journal = store.journal();
    let entry = NewEntry {
        at,
        session,
        kiosk,
        flow,
        event: event.clone(),
    };
    match journal.append(&entry) {
        Ok(_) => {}
        Err(JournalError::PersonalData { .. }) => {
            tracing::warn!(
                event = event.type_name(),
                "journal refused text that looks like personal data; journaling the step only"
            );
            let step = match &event {
                JournalEvent::Outcome { outcome } => {
                    outcome.split(':').next().unwrap_or("step").to_owned()
                }
                other => other.type_name().to_owned(),
            };
            let fallback = NewEntry {
                event: JournalEvent::Outcome {
                    outcome: format!("{step}: (withheld)"),
                },
                ..entry
            };
            if let Err(e) = journal.append(&fallback) {
                tracing::error!(error = %e, "journal append failed");
            }
        }
        Err(e) => tracing::error!(error = %e, "journal append failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flows::SessionId;

    fn line(step: &'static str, outcome: &str) -> flows::JournalEntry {
        flows::JournalEntry {
            session: SessionId(1),
            flow: FlowKind::Records,
            step,
            outcome: outcome.to_owned(),
        }
    }

    #[test]
    fn lines_map_onto_typed_events() {
        assert_eq!(
            event_of(&line("start", "normal")),
            JournalEvent::SessionStarted
        );
        assert_eq!(
            event_of(&line("exit", "timed_out")),
            JournalEvent::SessionEnded {
                exit: ExitReason::TimeOut
            }
        );
        assert_eq!(
            event_of(&line("exit", "fault: printer")),
            JournalEvent::SessionEnded {
                exit: ExitReason::Error
            }
        );
        assert!(matches!(
            event_of(&line("consent", "accepted")),
            JournalEvent::ConsentGiven { .. }
        ));
        assert_eq!(
            event_of(&line("face_check", "failed: the check timed out")),
            JournalEvent::FaceCheck {
                outcome: FaceCheckResult::Failed {
                    reason: FaceCheckFailure::TimedOut
                }
            }
        );
        assert_eq!(
            event_of(&line("device", "ticket_printer down")),
            JournalEvent::DeviceFault {
                device: "ticket_printer".into(),
                fault: "down".into()
            }
        );
        assert_eq!(
            event_of(&line("records", "units=2")),
            JournalEvent::Outcome {
                outcome: "records: units=2".into()
            }
        );
        assert_eq!(clip(&"查".repeat(100)).len(), 198);
    }
}
