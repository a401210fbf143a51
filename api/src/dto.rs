//! Request and response bodies of the central API, shared by the kiosk's client and the
//! simulator's server so the two cannot drift. JSON, snake_case; times RFC 3339 with offset;
//! dates `YYYY-MM-DD`; money in fen (1/100 yuan) as integers.
//!
//! Personal data crosses this boundary (the citizen's identity, their records). Types that carry
//! it do not implement `Display`; their `Debug` masks the ID number through [`IdNumberDto`].

use crate::domain::{
    BusinessType, CaseNumber, CaseStage, CaseStatus, CertificateNumber, CoOwnership,
    LandRightNature, MortgageKind, PickupMethod, QueryNumber, QueryPurpose, RatingLevel,
    RatingReason, RecordStatus, RightType, SeizureKind, UnitCode, VerificationCode,
};
use crate::journal::{JournalEvent, JournalFlow};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Optional `YYYY-MM-DD` dates.
pub mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::Date;

    /// Serialises an optional date as `YYYY-MM-DD` or null.
    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wrap<'a>(#[serde(with = "super::iso_date")] &'a Date);
        date.as_ref().map(Wrap).serialize(s)
    }

    /// Parses an optional `YYYY-MM-DD` date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::iso_date")] Date);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Machine-readable error codes. The kiosk maps each to a screen; the messages are for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request body or parameters are malformed.
    BadRequest,
    /// Signature missing, wrong, or the kiosk is unknown.
    Unauthenticated,
    /// The request's timestamp is too far from the server's clock (see `X-Server-Time`).
    ClockSkew,
    /// The verification id is unknown or expired: verify the citizen again.
    VerificationExpired,
    /// The citizen did not give consent to face verification.
    ConsentMissing,
    /// The face did not match the card's holder.
    FaceMismatch,
    /// The liveness evidence was not sufficient.
    LivenessFailed,
    /// The identity is not known to the registration system.
    IdentityUnknown,
    /// The thing asked for does not exist.
    NotFound,
    /// Too early to check in: see `earliest_at`.
    TooEarly,
    /// Too late to check in: a walk-in ticket is offered.
    TooLate,
    /// The appointment was already checked in (with another idempotency key).
    AlreadyCheckedIn,
    /// The slot is taken.
    SlotTaken,
    /// Today's walk-in tickets for this service are all issued.
    DailyCapReached,
    /// The case or ticket was already rated.
    AlreadyRated,
    /// The idempotency key was used before with a different request body.
    IdempotencyConflict,
    /// A journal upload does not continue the chain central holds for the kiosk (a gap, a
    /// different `prev_hash`, an entry whose hash does not match, or a different entry under a
    /// number central already holds).
    JournalChainBroken,
    /// The case has nothing to pay, or is already paid.
    NothingToPay,
    /// The pickup method cannot be changed any more.
    PickupLocked,
    /// The server failed; the request may be retried.
    Internal,
    /// The server is unavailable (maintenance, overload); retry later.
    Unavailable,
}

/// Every error response's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"code": "too_late", "message": "check-in window closed 20 minutes after the slot start", "message_zh": "已超过签到时间，可领取现场号", "walk_in_offered": true}))]
pub struct ErrorBody {
    /// What went wrong, for the kiosk to decide on.
    pub code: ErrorCode,
    /// English, for logs.
    pub message: String,
    /// Chinese, for the citizen.
    pub message_zh: String,
    /// For `too_early`: the earliest check-in time.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub earliest_at: Option<OffsetDateTime>,
    /// For `too_late`: whether a walk-in ticket is offered instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_in_offered: Option<bool>,
    /// For `unavailable` and rate limits: when to retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl ErrorBody {
    /// An error with its two messages.
    pub fn new(
        code: ErrorCode,
        message: impl Into<String>,
        message_zh: impl Into<String>,
    ) -> ErrorBody {
        ErrorBody {
            code,
            message: message.into(),
            message_zh: message_zh.into(),
            earliest_at: None,
            walk_in_offered: None,
            retry_after_ms: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Identity verification

/// An ID number on the wire. `Debug` masks it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "11010519491231002X", pattern = "^[0-9A-Z*]{15,18}$")]
pub struct IdNumberDto(pub String);

impl fmt::Debug for IdNumberDto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", idcard::sensitive::mask_number(&self.0))
    }
}

/// The document types the reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// 居民身份证.
    Resident,
    /// 外国人永久居留身份证 (2017).
    Foreigner2017,
    /// 外国人永久居留身份证 (2023).
    Foreigner2023,
    /// 港澳台居民居住证.
    HkMoTwPermit,
}

/// The identity read from the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CardIdentity {
    /// The card type.
    pub document_type: DocumentType,
    /// The holder's name as on the card.
    pub name: String,
    /// The document number.
    pub id_number: IdNumberDto,
    /// Birth date.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub birth_date: Date,
}

/// One liveness challenge and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChallengeEvidence {
    /// `turn_left`, `turn_right`, `nod` or `blink`.
    pub challenge: String,
    /// Whether the transition sequence was observed.
    pub passed: bool,
    /// How long it took.
    pub duration_ms: u32,
}

/// The liveness check's evidence (no images: only what was observed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LivenessEvidence {
    /// The challenges in the order given.
    pub challenges: Vec<ChallengeEvidence>,
    /// Frames analysed.
    pub frames: u32,
    /// Detector used (`yunet`, `haar`).
    pub detector: String,
}

/// Request: verify that the person at the kiosk is the card's holder.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"identity": {"document_type": "resident", "name": "张𠮷英", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}, "face_jpeg_base64": "/9j/4AAQSkZJRgABAQAAAQABAAD/2w==", "liveness": {"challenges": [{"challenge": "turn_left", "passed": true, "duration_ms": 1800}, {"challenge": "blink", "passed": true, "duration_ms": 900}], "frames": 84, "detector": "yunet"}, "consent": true}))]
pub struct VerificationRequest {
    /// The card's identity.
    pub identity: CardIdentity,
    /// The best frame, JPEG, base64. Sent only with consent; the kiosk keeps no copy.
    #[schema(format = Byte)]
    pub face_jpeg_base64: String,
    /// The liveness evidence.
    pub liveness: LivenessEvidence,
    /// The citizen's separate consent to face verification (PIPL Art. 29).
    pub consent: bool,
}

impl fmt::Debug for VerificationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationRequest")
            .field("identity", &self.identity)
            .field(
                "face_jpeg_base64",
                &format_args!("<{} bytes>", self.face_jpeg_base64.len()),
            )
            .field("liveness", &self.liveness)
            .field("consent", &self.consent)
            .finish()
    }
}

/// Response: the citizen is verified for a short time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"verification_id": "6f1c2a4e-8d1b-4c55-9a0e-2f7b8c9d0e11", "expires_at": "2026-11-28T09:22:03+08:00"}))]
pub struct Verification {
    /// Pass this id to the records, certificate and appointment calls.
    pub verification_id: Uuid,
    /// It expires then (server clock).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

// ---------------------------------------------------------------------------------------------
// Records

/// A right holder of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Holder {
    /// Name.
    pub name: String,
    /// ID number, masked by central unless it is the verified citizen's own.
    pub id_number: IdNumberDto,
    /// Share, for 按份共有 (e.g. `50%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
}

/// Areas in square metres, as decimal strings (`"89.56"`) to keep the registry's precision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Areas {
    /// 建筑面积.
    pub building: String,
    /// 套内建筑面积.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner: Option<String>,
    /// 分摊建筑面积.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<String>,
}

/// A restriction on a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Restriction {
    /// 抵押.
    Mortgage {
        /// 抵押权人.
        mortgagee: String,
        /// 不动产登记证明号.
        proof_number: CertificateNumber,
        /// Secured amount in fen.
        amount_fen: i64,
        /// 一般抵押 or 最高额抵押.
        mortgage_kind: MortgageKind,
        /// Term start.
        #[serde(with = "iso_date")]
        #[schema(value_type = String, format = Date)]
        term_from: Date,
        /// Term end.
        #[serde(with = "iso_date")]
        #[schema(value_type = String, format = Date)]
        term_to: Date,
    },
    /// 查封.
    Seizure {
        /// The court.
        court: String,
        /// 文书号.
        document_number: String,
        /// 查封, 轮候查封 or 预查封.
        seizure_kind: SeizureKind,
        /// Term start.
        #[serde(with = "iso_date")]
        #[schema(value_type = String, format = Date)]
        term_from: Date,
        /// Term end.
        #[serde(with = "iso_date")]
        #[schema(value_type = String, format = Date)]
        term_to: Date,
    },
    /// 异议登记.
    Objection {
        /// Registered on.
        #[serde(with = "iso_date")]
        #[schema(value_type = String, format = Date)]
        registered_on: Date,
        /// 异议事项.
        matter: String,
    },
    /// 预告登记 (预告 or 预抵押).
    AdvanceNotice {
        /// 预告登记证明号.
        proof_number: CertificateNumber,
        /// Whether it is a 预抵押.
        pre_mortgage: bool,
    },
    /// 居住权.
    ResidenceRight {
        /// The holder of the residence right (masked).
        holder: String,
        /// End of the right; none while the holder lives.
        #[serde(
            default,
            with = "iso_date_opt",
            skip_serializing_if = "Option::is_none"
        )]
        #[schema(value_type = Option<String>, format = Date)]
        term_to: Option<Date>,
    },
    /// 地役权.
    Easement {
        /// What the easement allows.
        matter: String,
    },
    /// 锁定.
    Lock {
        /// Why the unit is locked.
        reason: String,
    },
}

/// One real-estate unit and its registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    /// 不动产单元号.
    pub unit_code: UnitCode,
    /// 不动产权证书号.
    pub certificate_number: CertificateNumber,
    /// 权利类型.
    pub right_type: RightType,
    /// 权利人.
    pub holders: Vec<Holder>,
    /// 共有情况.
    pub co_ownership: CoOwnership,
    /// 坐落.
    pub location: String,
    /// 幢号.
    pub building: String,
    /// 房号.
    pub room: String,
    /// 所在层.
    pub floor: i32,
    /// 总层数.
    pub total_floors: i32,
    /// 房屋结构.
    pub structure: String,
    /// 面积.
    pub areas: Areas,
    /// 用途.
    pub usage: String,
    /// 房屋性质.
    pub nature: String,
    /// 土地权利性质.
    pub land_right_nature: LandRightNature,
    /// 土地使用期限 end.
    #[serde(
        default,
        with = "iso_date_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = Date)]
    pub land_term_to: Option<Date>,
    /// 登记时间.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub registered_on: Date,
    /// 权属状态.
    pub status: RecordStatus,
    /// Every restriction, in registration order.
    pub restrictions: Vec<Restriction>,
}

/// Response: the verified holder's units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Records {
    /// Units, possibly none.
    pub units: Vec<Unit>,
    /// When central produced this answer.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub as_of: OffsetDateTime,
}

/// Response: whether the verified person holds residential property (有房无房).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"has_property": true, "residential_units": 2}))]
pub struct PropertyCheck {
    /// Whether any current residential unit is registered to them.
    pub has_property: bool,
    /// How many current residential units (房屋套次).
    pub residential_units: u32,
}

// ---------------------------------------------------------------------------------------------
// Certificates

/// Whose view the certificate gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requester {
    /// 权利人: the holder queries their own records.
    Holder,
    /// 利害关系人: an interested party sees less.
    InterestedParty,
}

/// Request: issue a query-result certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"verification_id": "6f1c2a4e-8d1b-4c55-9a0e-2f7b8c9d0e11", "purpose": "school_enrolment", "requester": "holder"}))]
pub struct CertificateRequest {
    /// The verification.
    pub verification_id: Uuid,
    /// 查询目的 (required by 实施细则 Art. 102).
    pub purpose: QueryPurpose,
    /// Free text when the purpose is `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose_note: Option<String>,
    /// Holder or interested party.
    pub requester: Requester,
    /// Limit to these units; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_codes: Option<Vec<UnitCode>>,
}

/// Response: the issued certificate and what to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Certificate {
    /// 查询编号.
    pub query_number: QueryNumber,
    /// The code anyone can check (also in the QR).
    pub verification_code: VerificationCode,
    /// The URL the QR encodes.
    pub verification_url: String,
    /// 查询时间, from the server's clock.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: OffsetDateTime,
    /// 登记机构.
    pub agency: String,
    /// Agency phone.
    pub agency_phone: String,
    /// 查询人 (masked as the requester kind demands).
    pub requester_name: String,
    /// 查询人证件号 (masked unless the holder's own query).
    pub requester_id_number: IdNumberDto,
    /// The purpose.
    pub purpose: QueryPurpose,
    /// The units to print; empty: the "no record" certificate.
    pub units: Vec<Unit>,
}

/// Response: public verification of a certificate code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"valid": true, "query_number": "CX20261128000123", "issued_at": "2026-11-28T09:15:41+08:00", "units": 2}))]
pub struct CertificateCheck {
    /// Whether the code belongs to a certificate central issued.
    pub valid: bool,
    /// Its query number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_number: Option<QueryNumber>,
    /// When it was issued.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub issued_at: Option<OffsetDateTime>,
    /// How many units it lists (0: a "no record" certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<u32>,
}

// ---------------------------------------------------------------------------------------------
// Appointments, tickets, queue

/// An appointment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked, not yet checked in.
    Booked,
    /// Checked in; a ticket was issued.
    CheckedIn,
    /// Not checked in within the window.
    Missed,
    /// Cancelled.
    Cancelled,
}

/// An appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Appointment {
    /// Its id.
    pub appointment_id: String,
    /// The booking code the citizen received (typed at the kiosk as an alternative to the card).
    pub booking_code: String,
    /// Service code (the queue series).
    pub service_code: String,
    /// Service name.
    pub service_name: String,
    /// Slot start.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub slot_start: OffsetDateTime,
    /// Slot end.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub slot_end: OffsetDateTime,
    /// State.
    pub status: AppointmentStatus,
    /// Earliest check-in.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub check_in_from: OffsetDateTime,
    /// Latest check-in.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub check_in_until: OffsetDateTime,
}

/// Response: today's appointments of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Appointments {
    /// Today's appointments, by slot start.
    pub appointments: Vec<Appointment>,
}

/// Priority classes of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// No priority.
    #[default]
    None,
    /// 70 or older.
    Elderly,
    /// Disabled.
    Disabled,
    /// Pregnant.
    Pregnant,
    /// Checked in for an appointment.
    Appointment,
}

/// A queue ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"ticket_number": "A012", "service_code": "A", "service_name": "二手房转移登记", "priority": "none", "people_ahead": 4, "estimated_wait_minutes": 18, "window": null, "issued_at": "2026-11-28T09:12:03+08:00"}))]
pub struct Ticket {
    /// The number called (`A012`).
    pub ticket_number: String,
    /// Service code.
    pub service_code: String,
    /// Service name.
    pub service_name: String,
    /// Priority class.
    pub priority: Priority,
    /// People ahead in the queue.
    pub people_ahead: u32,
    /// Estimated wait.
    pub estimated_wait_minutes: u32,
    /// The window, when already assigned.
    #[serde(default)]
    pub window: Option<String>,
    /// Issued at (server clock).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: OffsetDateTime,
}

/// Request: check in for an appointment (`Idempotency-Key` required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"booking_code": "64785520", "checked_in_at": "2026-11-28T09:05:12+08:00"}))]
pub struct CheckInRequest {
    /// The verification, when the citizen used their card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_id: Option<Uuid>,
    /// The booking code, when typed instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_code: Option<String>,
    /// When the citizen checked in at the kiosk (differs from the server's time when replayed
    /// from the outbox after an outage).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub checked_in_at: OffsetDateTime,
}

/// Request: book a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BookingRequest {
    /// The verification.
    pub verification_id: Uuid,
    /// Service code.
    pub service_code: String,
    /// The slot's start, as listed.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub slot_start: OffsetDateTime,
}

/// A bookable slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Slot {
    /// Start.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub start: OffsetDateTime,
    /// End.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub end: OffsetDateTime,
    /// Places left.
    pub remaining: u32,
}

/// Response: slots of a service on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Slots {
    /// The slots.
    pub slots: Vec<Slot>,
}

/// Request: a walk-in ticket (`Idempotency-Key` required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"service_code": "A", "priority": "elderly"}))]
pub struct TicketRequest {
    /// Service code.
    pub service_code: String,
    /// Declared or derived priority (elderly from the card's birth date).
    #[serde(default)]
    pub priority: Priority,
    /// The verification, if the citizen used their card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_id: Option<Uuid>,
}

/// Response: a service's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"service_code": "A", "waiting": 5, "estimated_wait_minutes": 25, "now_serving": "A002", "walk_in_remaining": 193}))]
pub struct QueueStatus {
    /// Service code.
    pub service_code: String,
    /// People waiting.
    pub waiting: u32,
    /// Estimated wait for a new ticket.
    pub estimated_wait_minutes: u32,
    /// The number being served.
    #[serde(default)]
    pub now_serving: Option<String>,
    /// Walk-in tickets left today.
    pub walk_in_remaining: u32,
}

// ---------------------------------------------------------------------------------------------
// Cases, fees, pickup

/// One stage of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StageProgress {
    /// The stage.
    pub stage: CaseStage,
    /// Started.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: OffsetDateTime,
    /// Finished, when done.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<OffsetDateTime>,
}

/// Pickup readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Pickup {
    /// Whether the certificate is ready.
    pub ready: bool,
    /// The chosen method.
    #[serde(default)]
    pub method: Option<PickupMethod>,
    /// The window for window pickup.
    #[serde(default)]
    pub window: Option<String>,
    /// Whether the method can still be changed.
    pub changeable: bool,
}

/// Response: a case's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseProgress {
    /// 受理编号.
    pub case_number: CaseNumber,
    /// Business type.
    pub business_type: BusinessType,
    /// Status.
    pub status: CaseStatus,
    /// Stages so far, in order.
    pub stages: Vec<StageProgress>,
    /// Pickup.
    pub pickup: Pickup,
    /// Whether the case was already rated.
    pub rated: bool,
}

/// One fee item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FeeItem {
    /// 登记费, 工本费, ...
    pub name: String,
    /// Amount in fen.
    pub amount_fen: i64,
}

/// Response: a case's fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"name": "不动产登记费（住宅）", "amount_fen": 8000}, {"name": "证书工本费", "amount_fen": 1000}], "total_fen": 9000, "paid": false}))]
pub struct Fees {
    /// Items.
    pub items: Vec<FeeItem>,
    /// Total in fen.
    pub total_fen: i64,
    /// Whether they are paid.
    pub paid: bool,
}

/// Payment order state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Waiting for the citizen to pay.
    Pending,
    /// Paid.
    Paid,
    /// Expired unpaid.
    Expired,
    /// Failed.
    Failed,
}

/// Response: a payment order (`Idempotency-Key` required to create one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"order_id": "PO-000017", "qr_payload": "https://pay.invalid/o/PO-000017", "amount_fen": 9000, "state": "pending", "expires_at": "2026-11-28T09:30:00+08:00"}))]
pub struct PaymentOrder {
    /// Order id.
    pub order_id: String,
    /// What the QR code encodes (the non-tax revenue platform's payment URL).
    pub qr_payload: String,
    /// Amount in fen.
    pub amount_fen: i64,
    /// State.
    pub state: PaymentState,
    /// The order expires then.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

/// A courier address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CourierAddress {
    /// Recipient.
    pub recipient: String,
    /// Mobile phone, 11 digits.
    #[schema(pattern = "^1[0-9]{10}$")]
    pub phone: String,
    /// Province / city / district / street address in one line.
    pub address: String,
    /// Postal code, 6 digits.
    #[schema(pattern = "^[0-9]{6}$")]
    pub postal_code: String,
}

/// Request: choose how to receive the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"method": "courier", "address": {"recipient": "张𠮷英", "phone": "13800138000", "address": "北京市朝阳区建国路甲88号院3号楼2单元1101号", "postal_code": "100022"}}))]
pub struct PickupRequest {
    /// The method.
    pub method: PickupMethod,
    /// Required for courier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<CourierAddress>,
}

// ---------------------------------------------------------------------------------------------
// Service guide, questions, ratings

/// A classification value of the service-topic list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Classification {
    /// Stable code.
    pub code: String,
    /// Chinese name.
    pub name: String,
}

/// The classifications the topics are browsed by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Classifications {
    /// 申请人类型 (individual, enterprise, ...).
    pub applicant_types: Vec<Classification>,
    /// 联办形式 (land+housing, +tax, ...).
    pub joint_handling: Vec<Classification>,
    /// 处分类型 (sale, gift, inheritance, ...).
    pub dispositions: Vec<Classification>,
    /// 用途 (residential, commercial, ...).
    pub uses: Vec<Classification>,
    /// 权利类型.
    pub right_types: Vec<Classification>,
}

/// A material a topic needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Material {
    /// Name.
    pub name: String,
    /// Original required.
    pub original: bool,
    /// Copies.
    pub copies: u32,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
}

/// One service topic ("I want to ...").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Topic {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Business type.
    pub business_type: BusinessType,
    /// Applicant type code.
    pub applicant_type: String,
    /// Joint-handling code.
    pub joint_handling: String,
    /// Disposition code.
    pub disposition: String,
    /// Use code.
    pub usage: String,
    /// Right type.
    pub right_type: RightType,
    /// Materials.
    pub materials: Vec<Material>,
    /// Registration fee in fen.
    pub fee_fen: i64,
    /// The queue series to take a ticket in.
    pub service_code: String,
    /// Statutory time limit in working days.
    pub time_limit_days: u32,
}

/// Response: the service-topic catalogue (cacheable: `ETag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Catalogue {
    /// Version (also the ETag).
    pub version: String,
    /// The classifications.
    pub classifications: Classifications,
    /// Topics.
    pub topics: Vec<Topic>,
}

/// A frequently asked question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FaqEntry {
    /// Id.
    pub id: String,
    /// Question.
    pub question: String,
    /// Answer.
    pub answer: String,
    /// Related topic.
    #[serde(default)]
    pub topic_code: Option<String>,
}

/// Response: the FAQ (cacheable: `ETag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Faq {
    /// Version (also the ETag).
    pub version: String,
    /// Entries.
    pub entries: Vec<FaqEntry>,
}

/// Request: leave a question (`Idempotency-Key` required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"text": "继承房产需要哪些材料？", "phone": "13800138000", "asked_at": "2026-11-28T09:05:12+08:00"}))]
pub struct QuestionRequest {
    /// The question.
    pub text: String,
    /// A mobile phone to call back, 11 digits.
    #[schema(pattern = "^1[0-9]{10}$")]
    pub phone: String,
    /// Related topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_code: Option<String>,
    /// When it was asked at the kiosk.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub asked_at: OffsetDateTime,
}

/// Response: a question was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QuestionReceipt {
    /// Its id.
    pub question_id: String,
}

/// What is rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RatingTarget {
    /// A case.
    Case {
        /// The case.
        case_number: CaseNumber,
    },
    /// A ticket (a visit without a case).
    Ticket {
        /// The ticket.
        ticket_number: String,
    },
}

/// Request: rate the service (`Idempotency-Key` required; one rating per case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"target": {"kind": "case", "case_number": "BDC-2026-000101"}, "level": "dissatisfied", "reasons": ["long_wait"], "rated_at": "2026-11-28T09:05:12+08:00"}))]
pub struct RatingRequest {
    /// What is rated.
    pub target: RatingTarget,
    /// Level.
    pub level: RatingLevel,
    /// Reasons (required when dissatisfied).
    #[serde(default)]
    pub reasons: Vec<RatingReason>,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it was given at the kiosk.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub rated_at: OffsetDateTime,
}

/// Response: a rating was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RatingReceipt {
    /// Its id.
    pub rating_id: String,
}

// ---------------------------------------------------------------------------------------------
// Kiosk management

/// A device's state in the heartbeat (XFS4IoT names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceState {
    /// `idcard`, `camera`, `ticket_printer`, `a4_printer`, `touchscreen`.
    pub device: String,
    /// `online`, `offline`, `noDevice`, `hardwareError`, `userError`, `starting`, ...
    pub status: String,
    /// Last fault, English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Request: the kiosk's heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"devices": [{"device": "idcard", "status": "online"}, {"device": "ticket_printer", "status": "userError", "detail": "paper near end"}], "software_version": "0.1.0", "outbox_depth": 3, "uptime_s": 86400}))]
pub struct Heartbeat {
    /// Devices.
    pub devices: Vec<DeviceState>,
    /// Software version.
    pub software_version: String,
    /// Outbox records waiting.
    pub outbox_depth: u64,
    /// Seconds since start.
    pub uptime_s: u64,
}

/// Response: the heartbeat's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HeartbeatReply {
    /// The server's clock.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub server_time: OffsetDateTime,
    /// Configuration changes to apply (key -> value); empty when none.
    pub config: std::collections::BTreeMap<String, String>,
}

/// The most entries one journal upload may carry.
pub const JOURNAL_UPLOAD_MAX_ENTRIES: usize = 500;

/// One entry of a kiosk's session journal, with its place in the hash chain (no biometrics, no
/// ID numbers, no names, no phone numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"seq": 1, "time": "2026-11-28T01:05:12.345Z", "session_id": "6f1c2a4e-8d3b-4c1a-9e2f-0a1b2c3d4e5f", "flow": "walk_in", "event": {"type": "session_started"}, "prev_hash": "0000000000000000000000000000000000000000000000000000000000000000", "hash": "84dfc462b6b4fa377b5e2eed64819818a2d902dcc04f3c1711ecd169029eb675"}))]
pub struct JournalEntry {
    /// Position in the kiosk's journal: 1, 2, 3, ... without gaps.
    #[schema(minimum = 1)]
    pub seq: u64,
    /// When, on the kiosk's clock, in UTC (RFC 3339, as hashed: `YYYY-MM-DDTHH:MM:SS.mmmZ`).
    #[schema(format = DateTime)]
    pub time: String,
    /// The session the entry belongs to.
    pub session_id: Uuid,
    /// The flow.
    pub flow: JournalFlow,
    /// What happened.
    pub event: JournalEvent,
    /// The previous entry's hash, lowercase hex (64 zeros for the first entry).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub prev_hash: String,
    /// This entry's hash, lowercase hex: SHA-256 of the 32 bytes of `prev_hash` followed by the
    /// entry's canonical bytes, the compact JSON
    /// `{"seq":N,"time":"…","session":"…","kiosk":"…","flow":"…","event":{…}}` with the fields in
    /// that order, `kiosk` the upload's `kiosk_id`, and the event's fields in the order this
    /// document lists them.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub hash: String,
}

/// Request: upload a run of journal entries (`Idempotency-Key` required).
///
/// The entries are consecutive (`seq` without gaps, each `prev_hash` the previous entry's `hash`)
/// and continue the chain central holds for the kiosk: the first new entry's `prev_hash` is the
/// hash of the last entry central holds (64 zeros if none). Entries central already holds with the
/// same hash are skipped (an upload repeated under a new key); any other break is refused with
/// `409 journal_chain_broken`. An empty upload asks how far central's copy reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"kiosk_id": "demo-kiosk", "entries": [{"seq": 1, "time": "2026-11-28T01:05:12.345Z", "session_id": "6f1c2a4e-8d3b-4c1a-9e2f-0a1b2c3d4e5f", "flow": "walk_in", "event": {"type": "session_started"}, "prev_hash": "0000000000000000000000000000000000000000000000000000000000000000", "hash": "84dfc462b6b4fa377b5e2eed64819818a2d902dcc04f3c1711ecd169029eb675"}]}))]
pub struct JournalUpload {
    /// The kiosk the journal belongs to: the signing kiosk (it is part of every entry's hash).
    #[schema(min_length = 1, max_length = 64)]
    pub kiosk_id: String,
    /// Entries, in order.
    #[schema(max_items = 500)]
    pub entries: Vec<JournalEntry>,
}

/// Response: journal entries accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"accepted_up_to": 1, "last_hash": "84dfc462b6b4fa377b5e2eed64819818a2d902dcc04f3c1711ecd169029eb675"}))]
pub struct JournalReceipt {
    /// Highest sequence number central holds for the kiosk (0: none).
    pub accepted_up_to: u64,
    /// The hash of that entry, hex (64 zeros when central holds none).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub last_hash: String,
}

/// Response: the server's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"server_time": "2026-11-28T09:05:12.345+08:00"}))]
pub struct ServerTime {
    /// Now, on the server.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub server_time: OffsetDateTime,
}
