//! The kiosk's session journal as both sides see it: flows, events, and the hash chain.
//!
//! Each journal entry is hashed over its canonical bytes, chained to the entry before it:
//!
//! ```text
//! hash = SHA-256(prev_hash || canonical)
//! canonical = {"seq":N,"time":"…","session":"…","kiosk":"…","flow":"…","event":EVENT}
//! ```
//!
//! `canonical` is that exact byte string: no whitespace, the fields in that order, strings
//! escaped as `serde_json` escapes them, `EVENT` the event's own canonical JSON
//! ([`event_json`]: the fields in declaration order, no whitespace). The first entry's
//! `prev_hash` is [`GENESIS`], 32 zero bytes. The kiosk computes the hash on append and checks it
//! in `kiosk journal verify`; central recomputes it on upload, so a changed entry or a broken
//! chain is noticed on either side.
//!
//! Personal data: no event carries an ID number, a name, a phone number or an image; the kiosk
//! refuses free text that looks like an ID or phone number before it appends.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::domain::QueryNumber;

/// The `prev_hash` of the first entry: 32 zero bytes.
pub const GENESIS: [u8; 32] = [0; 32];

/// The session flow an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum JournalFlow {
    /// 权属查询 / 有房无房: records query and certificate.
    RecordsQuery,
    /// Appointment check-in.
    AppointmentCheckIn,
    /// Walk-in ticket.
    WalkIn,
    /// Case progress, fees, pickup.
    CaseProgress,
    /// The service guide.
    ServiceGuide,
    /// Questions and ratings.
    AskAndRate,
    /// Maintenance mode (operator).
    Maintenance,
    /// The kiosk itself, outside any citizen flow (start, device faults).
    System,
}

impl JournalFlow {
    /// Every flow, in declaration order.
    pub const ALL: [Self; 8] = [
        Self::RecordsQuery,
        Self::AppointmentCheckIn,
        Self::WalkIn,
        Self::CaseProgress,
        Self::ServiceGuide,
        Self::AskAndRate,
        Self::Maintenance,
        Self::System,
    ];

    /// The name on the wire and in the store.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RecordsQuery => "records_query",
            Self::AppointmentCheckIn => "appointment_check_in",
            Self::WalkIn => "walk_in",
            Self::CaseProgress => "case_progress",
            Self::ServiceGuide => "service_guide",
            Self::AskAndRate => "ask_and_rate",
            Self::Maintenance => "maintenance",
            Self::System => "system",
        }
    }

    /// The flow named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flow| flow.as_str() == name)
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExitReason {
    /// The citizen finished.
    Done,
    /// The citizen pressed home.
    Home,
    /// The step timed out.
    TimeOut,
    /// The ID card was lifted where the flow needs it.
    CardLifted,
    /// A fault ended the session.
    Error,
    /// The citizen chose to go to a staffed window.
    StaffedWindow,
}

/// What came of a print job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PrintOutcome {
    /// The printer confirmed the job.
    Printed,
    /// The job failed.
    Failed {
        /// Why, in English (paper out, cover open, aborted, ...).
        reason: String,
    },
}

/// Why a face check failed (never the image, never a score that could identify anyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaceCheckFailure {
    /// No usable face in time (quality gate).
    NoFace,
    /// The liveness challenge was not passed.
    LivenessFailed,
    /// The face did not match the card's holder.
    Mismatch,
    /// The check timed out.
    TimedOut,
    /// The camera failed.
    CameraFault,
}

/// The result of a face check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaceCheckResult {
    /// The citizen passed.
    Passed,
    /// The check failed.
    Failed {
        /// Why.
        reason: FaceCheckFailure,
    },
}

/// What an operator did in maintenance mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OperatorAction {
    /// Maintenance mode was opened (after the PIN).
    MaintenanceEntered,
    /// Maintenance mode was closed.
    MaintenanceLeft,
    /// The PIN was refused.
    PinRefused,
    /// A test page or ticket was printed.
    TestPrint {
        /// The printer.
        printer: String,
    },
    /// Paper was replaced.
    PaperReplaced {
        /// The printer.
        printer: String,
    },
    /// The outbox was replayed by hand.
    OutboxReplayed,
}

/// What happened: one journal event.
///
/// The `type` names are stable: they are hashed, stored and uploaded. New kinds of event are
/// added as new variants; a variant's fields are never changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum JournalEvent {
    /// A session started.
    SessionStarted,
    /// A session ended; its personal data was wiped.
    SessionEnded {
        /// How it ended.
        exit: ExitReason,
    },
    /// The flow entered a step (a state's name, e.g. `awaiting_card`).
    StepEntered {
        /// The step's name.
        step: String,
    },
    /// The flow reached an outcome (e.g. `certificate_printed`, `no_record`, `too_early`).
    Outcome {
        /// The outcome's name.
        outcome: String,
    },
    /// A records query got its number (查询编号).
    QueryNumber {
        /// The number central issued.
        query_number: QueryNumber,
    },
    /// A print job ended.
    PrintResult {
        /// The printer (`ticket`, `a4`, or its configured name).
        printer: String,
        /// The job's id on that printer.
        job: String,
        /// What came of it.
        outcome: PrintOutcome,
    },
    /// A device reported a fault.
    DeviceFault {
        /// The device (`idcard`, `camera`, `ticket_printer`, `a4_printer`, `touchscreen`).
        device: String,
        /// What it reported, in English.
        fault: String,
    },
    /// The citizen gave consent to the face check.
    ConsentGiven {
        /// The version of the notice they were shown.
        notice_version: String,
    },
    /// A face check ended (no image is ever journaled).
    FaceCheck {
        /// Its result.
        outcome: FaceCheckResult,
    },
    /// An operator acted in maintenance mode.
    Operator {
        /// What they did.
        action: OperatorAction,
    },
}

impl JournalEvent {
    /// The event's `type` name.
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::SessionStarted => "session_started",
            Self::SessionEnded { .. } => "session_ended",
            Self::StepEntered { .. } => "step_entered",
            Self::Outcome { .. } => "outcome",
            Self::QueryNumber { .. } => "query_number",
            Self::PrintResult { .. } => "print_result",
            Self::DeviceFault { .. } => "device_fault",
            Self::ConsentGiven { .. } => "consent_given",
            Self::FaceCheck { .. } => "face_check",
            Self::Operator { .. } => "operator",
        }
    }

    /// Every free-text field of the event, with its name (what the kiosk screens for personal
    /// data). Typed values (reasons, flows, query numbers) are not free text.
    pub fn free_text(&self) -> Vec<(&'static str, &str)> {
        match self {
            Self::SessionStarted
            | Self::SessionEnded { .. }
            | Self::QueryNumber { .. }
            | Self::FaceCheck { .. } => Vec::new(),
            Self::StepEntered { step } => vec![("step", step)],
            Self::Outcome { outcome } => vec![("outcome", outcome)],
            Self::PrintResult {
                printer,
                job,
                outcome,
            } => {
                let mut fields = vec![("printer", printer.as_str()), ("job", job.as_str())];
                if let PrintOutcome::Failed { reason } = outcome {
                    fields.push(("reason", reason));
                }
                fields
            }
            Self::DeviceFault { device, fault } => vec![("device", device), ("fault", fault)],
            Self::ConsentGiven { notice_version } => vec![("notice_version", notice_version)],
            Self::Operator { action } => match action {
                OperatorAction::TestPrint { printer }
                | OperatorAction::PaperReplaced { printer } => {
                    vec![("printer", printer)]
                }
                OperatorAction::MaintenanceEntered
                | OperatorAction::MaintenanceLeft
                | OperatorAction::PinRefused
                | OperatorAction::OutboxReplayed => Vec::new(),
            },
        }
    }
}

/// The event's canonical JSON: its fields in declaration order, no whitespace.
pub fn event_json(event: &JournalEvent) -> String {
    // Serialising enums of strings and unit variants into a String cannot fail; the fallback
    // would make every hash check fail loudly rather than pass.
    serde_json::to_string(event).unwrap_or_default()
}

/// The entry's canonical bytes (see the module docs); `event_json` is the event's canonical JSON
/// as stored.
pub fn canonical_bytes(
    seq: u64,
    time: &str,
    session: &str,
    kiosk: &str,
    flow: &str,
    event_json: &str,
) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(96 + time.len() + session.len() + kiosk.len() + event_json.len());
    out.extend_from_slice(b"{\"seq\":");
    out.extend_from_slice(seq.to_string().as_bytes());
    for (name, value) in [
        ("time", time),
        ("session", session),
        ("kiosk", kiosk),
        ("flow", flow),
    ] {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        out.extend_from_slice(json_string(value).as_bytes());
    }
    out.extend_from_slice(b",\"event\":");
    out.extend_from_slice(event_json.as_bytes());
    out.push(b'}');
    out
}

/// `SHA-256(prev_hash || canonical)`.
pub fn chain_hash(prev_hash: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(canonical);
    hasher.finalize().into()
}

/// A string as a JSON string literal.
fn json_string(value: &str) -> String {
    // A &str always serialises.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_bytes_are_the_documented_json() {
        let event = JournalEvent::SessionEnded {
            exit: ExitReason::TimeOut,
        };
        let bytes = canonical_bytes(
            7,
            "2026-11-28T02:05:12.345Z",
            "6f1c2a4e-8d3b-4c1a-9e2f-0a1b2c3d4e5f",
            "BJ-CY-KIOSK-01",
            JournalFlow::WalkIn.as_str(),
            &event_json(&event),
        );
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"seq":7,"time":"2026-11-28T02:05:12.345Z","session":"6f1c2a4e-8d3b-4c1a-9e2f-0a1b2c3d4e5f","kiosk":"BJ-CY-KIOSK-01","flow":"walk_in","event":{"type":"session_ended","exit":"time_out"}}"#
        );
        // It is valid JSON, and the event inside it decodes back to the same event.
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let back: JournalEvent = serde_json::from_value(value["event"].clone()).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn the_chain_hash_is_sha256_of_prev_then_canonical() {
        // SHA-256 of 32 zero bytes followed by "abc", computed independently (Python hashlib).
        let hash = chain_hash(&GENESIS, b"abc");
        assert_eq!(
            hex::encode(hash),
            "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370"
        );
    }

    #[test]
    fn nested_events_round_trip_through_their_canonical_json() {
        let events = [
            JournalEvent::SessionStarted,
            JournalEvent::PrintResult {
                printer: "ticket".into(),
                job: "42".into(),
                outcome: PrintOutcome::Failed {
                    reason: "paper out".into(),
                },
            },
            JournalEvent::FaceCheck {
                outcome: FaceCheckResult::Failed {
                    reason: FaceCheckFailure::LivenessFailed,
                },
            },
            JournalEvent::Operator {
                action: OperatorAction::TestPrint {
                    printer: "a4".into(),
                },
            },
            JournalEvent::QueryNumber {
                query_number: "Q20240105000123".parse().unwrap(),
            },
        ];
        for event in events {
            let json = event_json(&event);
            let back: JournalEvent = serde_json::from_str(&json).unwrap();
            assert_eq!(back, event);
            assert_eq!(event_json(&back), json);
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(value["type"], event.type_name());
        }
    }

    #[test]
    fn the_documented_upload_example_is_a_valid_chain() {
        let doc = serde_json::to_value(crate::spec::document()).unwrap();
        let example = doc["components"]["schemas"]["JournalUpload"]["example"].clone();
        let upload: crate::dto::JournalUpload = serde_json::from_value(example).unwrap();
        assert!(!upload.entries.is_empty());
        let mut prev = GENESIS;
        for entry in &upload.entries {
            assert_eq!(entry.prev_hash, hex::encode(prev));
            let canonical = canonical_bytes(
                entry.seq,
                &entry.time,
                &entry.session_id.hyphenated().to_string(),
                &upload.kiosk_id,
                entry.flow.as_str(),
                &event_json(&entry.event),
            );
            prev = chain_hash(&prev, &canonical);
            assert_eq!(entry.hash, hex::encode(prev));
        }
    }

    #[test]
    fn flow_names_match_their_serde_names() {
        for flow in JournalFlow::ALL {
            assert_eq!(
                serde_json::to_value(flow).unwrap(),
                serde_json::Value::from(flow.as_str())
            );
            assert_eq!(JournalFlow::from_name(flow.as_str()), Some(flow));
        }
        assert_eq!(JournalFlow::from_name("walk-in"), None);
    }
}
