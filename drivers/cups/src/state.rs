//! What CUPS says about a job and a printer, decoded once into value types.
//!
//! Numbers and keywords are from RFC 8011 (IPP/1.1 Model): `job-state` §5.3.7, `job-state-reasons`
//! §5.3.8, `printer-state` §5.4.11, `printer-state-reasons` §5.4.12. Decoding never fails on odd
//! values: an unknown state is kept as [`JobState::Unknown`] and an unknown reason as
//! [`Condition::Other`], so a newer CUPS cannot make the driver panic or lose the keyword.

use ipp::attribute::IppAttributes;
use ipp::model::DelimiterTag;
use ipp::value::IppValue;
use std::fmt;

/// The job number CUPS assigned (`job-id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub i32);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {}", self.0)
    }
}

/// `job-state` (RFC 8011 §5.3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobState {
    /// 3: waiting in the queue.
    Pending,
    /// 4: held (`job-hold-until`, or held by an operator).
    Held,
    /// 5: being sent to the printer.
    Processing,
    /// 6: was processing, then stopped (the printer stopped under it).
    Stopped,
    /// 7: canceled by a user or an operator.
    Canceled,
    /// 8: aborted by the system (a filter or backend failed).
    Aborted,
    /// 9: completed: the backend delivered every byte and the device closed the connection.
    Completed,
    /// A value outside 3..=9.
    Unknown(i32),
}

impl JobState {
    /// Decodes the enum value.
    pub fn from_ipp(value: i32) -> JobState {
        match value {
            3 => JobState::Pending,
            4 => JobState::Held,
            5 => JobState::Processing,
            6 => JobState::Stopped,
            7 => JobState::Canceled,
            8 => JobState::Aborted,
            9 => JobState::Completed,
            other => JobState::Unknown(other),
        }
    }

    /// Whether CUPS will never change this state again (canceled, aborted, completed).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobState::Canceled | JobState::Aborted | JobState::Completed
        )
    }
}

/// `printer-state` (RFC 8011 §5.4.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrinterState {
    /// 3: idle, ready for jobs.
    Idle,
    /// 4: processing a job.
    Processing,
    /// 5: stopped (disabled with `cupsdisable`, or stopped by the error policy).
    Stopped,
    /// A value outside 3..=5.
    Unknown(i32),
}

impl PrinterState {
    /// Decodes the enum value.
    pub fn from_ipp(value: i32) -> PrinterState {
        match value {
            3 => PrinterState::Idle,
            4 => PrinterState::Processing,
            5 => PrinterState::Stopped,
            other => PrinterState::Unknown(other),
        }
    }
}

/// The suffix of a `printer-state-reasons` keyword (RFC 8011 §5.4.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// `-report`: information only.
    Report,
    /// `-warning`: printing continues.
    Warning,
    /// `-error`, or no suffix (RFC 8011 §5.4.12: a keyword without a suffix is an error).
    Error,
}

/// A printer condition, the keyword of a `printer-state-reasons` value without its suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Condition {
    /// `none`: nothing to report.
    None,
    /// `media-empty`: out of paper.
    MediaEmpty,
    /// `media-needed`: paper must be loaded for this job.
    MediaNeeded,
    /// `media-jam`: paper jam.
    MediaJam,
    /// `door-open` or `cover-open`.
    DoorOpen,
    /// `marker-supply-empty` or `toner-empty`: out of toner or ink.
    MarkerSupplyEmpty,
    /// `offline`: the device is offline (CUPS backends say `offline-report`).
    Offline,
    /// `connecting-to-device`: the backend is (re)trying to reach the device.
    ConnectingToDevice,
    /// `paused`: the queue is stopped (`cupsdisable`).
    Paused,
    /// Any other keyword, kept verbatim (without suffix).
    Other(String),
}

impl Condition {
    fn from_keyword(keyword: &str) -> Condition {
        match keyword {
            "none" => Condition::None,
            "media-empty" => Condition::MediaEmpty,
            "media-needed" => Condition::MediaNeeded,
            "media-jam" => Condition::MediaJam,
            "door-open" | "cover-open" => Condition::DoorOpen,
            "marker-supply-empty" | "toner-empty" => Condition::MarkerSupplyEmpty,
            "offline" => Condition::Offline,
            "connecting-to-device" => Condition::ConnectingToDevice,
            "paused" => Condition::Paused,
            other => Condition::Other(other.to_owned()),
        }
    }

    /// Whether the condition stops printing until someone acts at the printer (paper, jam,
    /// door, toner). Only meaningful at [`Severity::Error`].
    pub fn needs_attention(&self) -> bool {
        matches!(
            self,
            Condition::MediaEmpty
                | Condition::MediaNeeded
                | Condition::MediaJam
                | Condition::DoorOpen
                | Condition::MarkerSupplyEmpty
        )
    }
}

/// One `printer-state-reasons` value, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reason {
    /// What is the matter.
    pub condition: Condition,
    /// How bad it is.
    pub severity: Severity,
    /// The keyword as CUPS sent it, suffix included.
    pub keyword: String,
}

impl Reason {
    /// Decodes a keyword such as `media-empty-error` or `offline-report`.
    pub fn parse(keyword: &str) -> Reason {
        let (stem, severity) = if let Some(stem) = keyword.strip_suffix("-error") {
            (stem, Severity::Error)
        } else if let Some(stem) = keyword.strip_suffix("-warning") {
            (stem, Severity::Warning)
        } else if let Some(stem) = keyword.strip_suffix("-report") {
            (stem, Severity::Report)
        } else {
            (keyword, Severity::Error)
        };
        let condition = Condition::from_keyword(stem);
        // `none` carries no severity worth acting on.
        let severity = if condition == Condition::None {
            Severity::Report
        } else {
            severity
        };
        Reason {
            condition,
            severity,
            keyword: keyword.to_owned(),
        }
    }

    /// Whether this reason blocks printing until someone acts at the printer.
    pub fn blocks_printing(&self) -> bool {
        self.severity == Severity::Error && self.condition.needs_attention()
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.keyword)
    }
}

/// A printer's state as reported by Get-Printer-Attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterStatus {
    /// `printer-state`.
    pub state: PrinterState,
    /// `printer-state-reasons`, `none` left out.
    pub reasons: Vec<Reason>,
    /// `printer-state-message`, if any (free text from CUPS or the backend).
    pub message: Option<String>,
    /// `printer-is-accepting-jobs` (false after `cupsreject`).
    pub accepting_jobs: bool,
}

impl PrinterStatus {
    /// The first reason that blocks printing until someone acts at the printer.
    pub fn blocking_reason(&self) -> Option<&Reason> {
        self.reasons.iter().find(|r| r.blocks_printing())
    }

    /// Whether any reason has this condition.
    pub fn has(&self, condition: &Condition) -> bool {
        self.reasons.iter().any(|r| &r.condition == condition)
    }
}

/// A job's state as reported by Get-Job-Attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    /// `job-state`.
    pub state: JobState,
    /// `job-state-reasons` keywords verbatim (for example `job-canceled-by-user`,
    /// `job-completed-successfully`, `printer-stopped`), `none` left out.
    pub reasons: Vec<String>,
    /// `job-printer-state-message`, if any (the backend's last message while on this job).
    pub message: Option<String>,
}

/// A response lacked an attribute the driver needs, or carried it with the wrong type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("response lacks a usable `{attribute}` attribute")]
pub struct MissingAttribute {
    /// The attribute's name.
    pub attribute: &'static str,
}

fn find<'a>(attrs: &'a IppAttributes, tag: DelimiterTag, name: &str) -> Option<&'a IppValue> {
    attrs
        .groups_of(tag)
        .find_map(|g| g.get(name))
        .map(|a| a.value())
}

fn enum_value(value: &IppValue) -> Option<i32> {
    match value {
        IppValue::Enum(v) | IppValue::Integer(v) => Some(*v),
        _ => None,
    }
}

/// Keywords of a single or multi-valued attribute, `none` left out.
fn keywords(value: Option<&IppValue>) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: &IppValue| {
        if let IppValue::Keyword(k) = v
            && k.as_str() != "none"
        {
            out.push(k.as_str().to_owned());
        }
    };
    match value {
        Some(IppValue::Array(values)) => values.iter().for_each(&mut push),
        Some(v) => push(v),
        None => {}
    }
    out
}

fn text(value: Option<&IppValue>) -> Option<String> {
    let s = match value? {
        IppValue::TextWithoutLanguage(t) => t.to_string(),
        IppValue::TextWithLanguage { text, .. } => text.to_string(),
        IppValue::NameWithoutLanguage(n) => n.as_str().to_owned(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// The `job-id` of a Print-Job response.
pub fn job_id_from(attrs: &IppAttributes) -> Result<JobId, MissingAttribute> {
    find(attrs, DelimiterTag::JobAttributes, "job-id")
        .and_then(enum_value)
        .map(JobId)
        .ok_or(MissingAttribute {
            attribute: "job-id",
        })
}

/// Decodes a Get-Job-Attributes response.
pub fn job_status_from(attrs: &IppAttributes) -> Result<JobStatus, MissingAttribute> {
    let tag = DelimiterTag::JobAttributes;
    let state = find(attrs, tag, "job-state")
        .and_then(enum_value)
        .map(JobState::from_ipp)
        .ok_or(MissingAttribute {
            attribute: "job-state",
        })?;
    Ok(JobStatus {
        state,
        reasons: keywords(find(attrs, tag, "job-state-reasons")),
        message: text(find(attrs, tag, "job-printer-state-message")),
    })
}

/// Decodes a Get-Printer-Attributes response.
pub fn printer_status_from(attrs: &IppAttributes) -> Result<PrinterStatus, MissingAttribute> {
    let tag = DelimiterTag::PrinterAttributes;
    let state = find(attrs, tag, "printer-state")
        .and_then(enum_value)
        .map(PrinterState::from_ipp)
        .ok_or(MissingAttribute {
            attribute: "printer-state",
        })?;
    let reasons = keywords(find(attrs, tag, "printer-state-reasons"))
        .iter()
        .map(|k| Reason::parse(k))
        .collect();
    let accepting_jobs = !matches!(
        find(attrs, tag, "printer-is-accepting-jobs"),
        Some(IppValue::Boolean(false))
    );
    Ok(PrinterStatus {
        state,
        reasons,
        message: text(find(attrs, tag, "printer-state-message")),
        accepting_jobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipp::attribute::IppAttribute;

    fn attrs(tag: DelimiterTag, list: Vec<(&str, IppValue)>) -> IppAttributes {
        let mut a = IppAttributes::new();
        for (name, value) in list {
            a.add(tag, IppAttribute::with_name(name, value).unwrap());
        }
        a
    }

    fn kw(s: &str) -> IppValue {
        IppValue::new_keyword(s).unwrap()
    }

    #[test]
    fn reasons_split_into_condition_and_severity() {
        let r = Reason::parse("media-empty-error");
        assert_eq!(
            (r.condition.clone(), r.severity),
            (Condition::MediaEmpty, Severity::Error)
        );
        assert!(r.blocks_printing());
        let r = Reason::parse("media-empty-warning");
        assert_eq!(r.severity, Severity::Warning);
        assert!(!r.blocks_printing());
        let r = Reason::parse("offline-report");
        assert_eq!(
            (r.condition.clone(), r.severity),
            (Condition::Offline, Severity::Report)
        );
        assert!(!r.blocks_printing());
        assert_eq!(
            Reason::parse("cover-open-error").condition,
            Condition::DoorOpen
        );
        assert_eq!(Reason::parse("media-jam").severity, Severity::Error);
        assert!(Reason::parse("media-jam").blocks_printing());
        assert_eq!(Reason::parse("paused").condition, Condition::Paused);
        assert_eq!(
            Reason::parse("cups-waiting-for-job-completed").condition,
            Condition::Other("cups-waiting-for-job-completed".into())
        );
        assert_eq!(Reason::parse("weird-error").to_string(), "weird-error");
    }

    #[test]
    fn job_states_cover_rfc_8011() {
        let states: Vec<JobState> = (2..=10).map(JobState::from_ipp).collect();
        assert_eq!(
            states,
            [
                JobState::Unknown(2),
                JobState::Pending,
                JobState::Held,
                JobState::Processing,
                JobState::Stopped,
                JobState::Canceled,
                JobState::Aborted,
                JobState::Completed,
                JobState::Unknown(10),
            ]
        );
        assert!(JobState::Completed.is_terminal() && JobState::Aborted.is_terminal());
        assert!(!JobState::Stopped.is_terminal() && !JobState::Held.is_terminal());
        assert_eq!(PrinterState::from_ipp(5), PrinterState::Stopped);
        assert_eq!(PrinterState::from_ipp(7), PrinterState::Unknown(7));
    }

    #[test]
    fn job_status_decodes_single_and_multi_valued_reasons() {
        let a = attrs(
            DelimiterTag::JobAttributes,
            vec![
                ("job-id", IppValue::Integer(17)),
                ("job-state", IppValue::Enum(6)),
                (
                    "job-state-reasons",
                    IppValue::Array(vec![kw("printer-stopped"), kw("job-printing")]),
                ),
                (
                    "job-printer-state-message",
                    IppValue::new_text_without_language("The printer is in use.").unwrap(),
                ),
            ],
        );
        assert_eq!(job_id_from(&a), Ok(JobId(17)));
        assert_eq!(
            job_status_from(&a),
            Ok(JobStatus {
                state: JobState::Stopped,
                reasons: vec!["printer-stopped".into(), "job-printing".into()],
                message: Some("The printer is in use.".into()),
            })
        );
        let single = attrs(
            DelimiterTag::JobAttributes,
            vec![
                ("job-state", IppValue::Enum(3)),
                ("job-state-reasons", kw("none")),
                (
                    "job-printer-state-message",
                    IppValue::new_text_without_language("").unwrap(),
                ),
            ],
        );
        assert_eq!(
            job_status_from(&single),
            Ok(JobStatus {
                state: JobState::Pending,
                reasons: vec![],
                message: None
            })
        );
    }

    #[test]
    fn missing_or_mistyped_attributes_are_errors_not_panics() {
        let empty = IppAttributes::new();
        assert_eq!(
            job_status_from(&empty),
            Err(MissingAttribute {
                attribute: "job-state"
            })
        );
        assert_eq!(
            job_id_from(&empty),
            Err(MissingAttribute {
                attribute: "job-id"
            })
        );
        // The state in the wrong group does not count.
        let wrong_group = attrs(
            DelimiterTag::OperationAttributes,
            vec![("printer-state", IppValue::Enum(3))],
        );
        assert!(printer_status_from(&wrong_group).is_err());
        let wrong_type = attrs(
            DelimiterTag::JobAttributes,
            vec![("job-state", kw("completed"))],
        );
        assert!(job_status_from(&wrong_type).is_err());
    }

    #[test]
    fn printer_status_decodes_reasons_and_acceptance() {
        let a = attrs(
            DelimiterTag::PrinterAttributes,
            vec![
                ("printer-state", IppValue::Enum(4)),
                (
                    "printer-state-reasons",
                    IppValue::Array(vec![kw("connecting-to-device"), kw("media-empty-error")]),
                ),
                ("printer-is-accepting-jobs", IppValue::Boolean(false)),
            ],
        );
        let s = printer_status_from(&a).unwrap();
        assert_eq!(s.state, PrinterState::Processing);
        assert!(!s.accepting_jobs);
        assert!(s.has(&Condition::ConnectingToDevice));
        assert_eq!(
            s.blocking_reason().map(|r| r.keyword.as_str()),
            Some("media-empty-error")
        );
        let idle = attrs(
            DelimiterTag::PrinterAttributes,
            vec![
                ("printer-state", IppValue::Enum(3)),
                ("printer-state-reasons", kw("none")),
            ],
        );
        let s = printer_status_from(&idle).unwrap();
        assert_eq!(
            (s.state, s.reasons.len(), s.accepting_jobs),
            (PrinterState::Idle, 0, true)
        );
    }
}
