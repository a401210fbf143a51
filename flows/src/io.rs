//! What goes in (citizen intents, device events, completions of effects) and what comes out
//! (effects the driver performs).

use crate::screen::ButtonId;
use crate::types::{CentralFailure, Device, FlowKind, Lang, PrintFault, SessionId};
use central_api::dto::Appointment;
use central_api::dto::{
    Appointments, CardIdentity, CaseProgress, Catalogue, Certificate, CertificateRequest,
    CheckInRequest, Faq, Fees, PaymentOrder, Pickup, PickupRequest, PropertyCheck, QuestionReceipt,
    QuestionRequest, RatingReceipt, RatingRequest, Records, Ticket, TicketRequest, Topic,
    Verification,
};
use idcard::CardText;
use liveness::FailReason;
use uuid::Uuid;

/// One input to the kiosk.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Time passed (call at least at [`crate::Kiosk::next_deadline`]).
    Tick,
    /// The citizen touched something.
    Citizen(Intent),
    /// A device reported something on its own.
    Device(DeviceEvent),
    /// An effect of the session `session` completed.
    Done {
        /// The session that asked for it; completions of an ended session are dropped.
        session: SessionId,
        /// The completion.
        completion: Completion,
    },
}

/// What the citizen did on the touchscreen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Chose a flow on the idle menu.
    Start(FlowKind),
    /// Pressed a button.
    Press(ButtonId),
    /// Chose the list item with this index.
    Select(usize),
    /// Submitted the keypad or text field of the screen.
    Enter(String),
    /// Submitted the courier address form.
    Address(AddressForm),
    /// Submitted the question form.
    Question(QuestionForm),
    /// Back (one step).
    Back,
    /// Home (ends the session).
    Home,
    /// Go to a staffed window (ends the session, says which window).
    StaffedWindow,
    /// Dismissed the inactivity warning ("I need more time").
    Extend,
    /// Typed a key into the screen's field (what was typed stays in the UI until it is
    /// submitted): activity only, so a citizen typing a long address is not warned.
    Typing,
    /// Switched the language.
    Language(Lang),
    /// Switched elder mode on or off.
    ElderMode(bool),
}

/// The courier address form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressForm {
    /// Recipient.
    pub recipient: String,
    /// Mobile phone.
    pub phone: String,
    /// Address in one line.
    pub address: String,
    /// Postal code.
    pub postal_code: String,
}

/// The question form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuestionForm {
    /// The question.
    pub text: String,
    /// Mobile phone to call back.
    pub phone: String,
}

/// Events devices report by themselves.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceEvent {
    /// A device's availability changed.
    Status {
        /// The device.
        device: Device,
        /// Whether it is usable now.
        up: bool,
    },
    /// A card was read.
    CardRead(Box<CardText>),
    /// The card left the reader.
    CardLifted,
    /// A card lies on the reader but cannot be read or accepted.
    CardRejected,
}

/// How the face check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceOutcome {
    /// Passed; the driver keeps the best frame under this handle until the session is wiped.
    Passed {
        /// The best frame's handle (the liveness crate's `best_frame`).
        best_frame: u64,
    },
    /// Failed.
    Failed(FailReason),
}

/// The completion of an effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Completion {
    /// A central call answered.
    Central(Reply),
    /// The face check ended.
    Face(FaceOutcome),
    /// The camera saw a QR code.
    Qr(String),
    /// The print job completed (the printer confirmed it).
    Printed,
    /// The print job failed.
    PrintFailed(PrintFault),
}

/// A cached value and how old it is when central could not be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached<T> {
    /// The value.
    pub value: T,
    /// Age of the cached copy in ms when it was served offline; `None` when fresh from central.
    pub offline_age_ms: Option<u64>,
}

/// Central's answer to a [`CentralCall`], variant for variant.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// To [`CentralCall::VerifyIdentity`].
    Verification(Result<Verification, CentralFailure>),
    /// To [`CentralCall::Records`].
    Records(Result<Records, CentralFailure>),
    /// To [`CentralCall::PropertyCheck`].
    PropertyCheck(Result<PropertyCheck, CentralFailure>),
    /// To [`CentralCall::IssueCertificate`].
    Certificate(Result<Box<Certificate>, CentralFailure>),
    /// To [`CentralCall::AppointmentsOf`] and [`CentralCall::AppointmentsByCode`].
    Appointments(Result<Appointments, CentralFailure>),
    /// To [`CentralCall::CheckIn`] and [`CentralCall::CreateTicket`].
    Ticket(Result<Ticket, CentralFailure>),
    /// To [`CentralCall::Case`].
    Case(Result<CaseProgress, CentralFailure>),
    /// To [`CentralCall::Fees`].
    Fees(Result<Fees, CentralFailure>),
    /// To [`CentralCall::CreatePayment`] and [`CentralCall::Payment`].
    Payment(Result<PaymentOrder, CentralFailure>),
    /// To [`CentralCall::SetPickup`].
    Pickup(Result<Pickup, CentralFailure>),
    /// To [`CentralCall::Catalogue`] (from the cache when central is unreachable).
    Catalogue(Result<Cached<Catalogue>, CentralFailure>),
    /// To [`CentralCall::Faq`] (from the cache when central is unreachable).
    Faq(Result<Cached<Faq>, CentralFailure>),
    /// To [`CentralCall::CreateQuestion`].
    Question(Result<QuestionReceipt, CentralFailure>),
    /// To [`CentralCall::CreateRating`].
    Rating(Result<RatingReceipt, CentralFailure>),
}

/// A call to central. State changes need an idempotency key: the driver makes one per effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentralCall {
    /// Verify the citizen: the driver adds the best frame (JPEG) and the liveness evidence it
    /// holds; `consent` is the citizen's separate consent.
    VerifyIdentity {
        /// The card's identity.
        identity: CardIdentity,
        /// The best frame's handle.
        best_frame: u64,
        /// The consent given on the consent screen.
        consent: bool,
    },
    /// The verified holder's units.
    Records {
        /// The verification.
        verification_id: Uuid,
    },
    /// 有房无房.
    PropertyCheck {
        /// The verification.
        verification_id: Uuid,
    },
    /// Issue a query-result certificate.
    IssueCertificate(CertificateRequest),
    /// Today's appointments of a verified person.
    AppointmentsOf {
        /// The verification.
        verification_id: Uuid,
    },
    /// Today's appointments under a booking code.
    AppointmentsByCode {
        /// The code as typed (digits).
        booking_code: String,
    },
    /// Check in.
    CheckIn {
        /// The appointment.
        appointment_id: String,
        /// The request.
        request: CheckInRequest,
    },
    /// Take a walk-in ticket.
    CreateTicket(TicketRequest),
    /// A case's progress.
    Case {
        /// The case number.
        case_number: String,
    },
    /// A case's fees.
    Fees {
        /// The case number.
        case_number: String,
    },
    /// Create a payment order for a case's fees.
    CreatePayment {
        /// The case number.
        case_number: String,
    },
    /// Poll a payment order.
    Payment {
        /// The order.
        order_id: String,
    },
    /// Choose the pickup method.
    SetPickup {
        /// The case number.
        case_number: String,
        /// The choice.
        request: PickupRequest,
    },
    /// The service catalogue (through the cache).
    Catalogue,
    /// The FAQ (through the cache).
    Faq,
    /// Leave a question.
    CreateQuestion(QuestionRequest),
    /// Rate a case or ticket.
    CreateRating(RatingRequest),
}

impl CentralCall {
    /// Stable name for the journal.
    pub fn as_str(&self) -> &'static str {
        match self {
            CentralCall::VerifyIdentity { .. } => "verify_identity",
            CentralCall::Records { .. } => "records",
            CentralCall::PropertyCheck { .. } => "property_check",
            CentralCall::IssueCertificate(_) => "issue_certificate",
            CentralCall::AppointmentsOf { .. } => "appointments_of",
            CentralCall::AppointmentsByCode { .. } => "appointments_by_code",
            CentralCall::CheckIn { .. } => "check_in",
            CentralCall::CreateTicket(_) => "create_ticket",
            CentralCall::Case { .. } => "case",
            CentralCall::Fees { .. } => "fees",
            CentralCall::CreatePayment { .. } => "create_payment",
            CentralCall::Payment { .. } => "payment",
            CentralCall::SetPickup { .. } => "set_pickup",
            CentralCall::Catalogue => "catalogue",
            CentralCall::Faq => "faq",
            CentralCall::CreateQuestion(_) => "create_question",
            CentralCall::CreateRating(_) => "create_rating",
        }
    }
}

/// What to print, with everything the layout needs.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintJob {
    /// The A4 query-result certificate (no units: the "no record" certificate).
    Certificate(Box<Certificate>),
    /// A walk-in queue ticket (ticket printer).
    QueueTicket(Ticket),
    /// A check-in slip: the appointment and the ticket issued for it (ticket printer).
    CheckInSlip {
        /// The appointment checked in.
        appointment: Box<Appointment>,
        /// The ticket.
        ticket: Ticket,
    },
    /// A topic's material checklist (ticket printer).
    Checklist(Box<Topic>),
}

impl PrintJob {
    /// The printer the job goes to.
    pub fn device(&self) -> Device {
        match self {
            PrintJob::Certificate(_) => Device::A4Printer,
            _ => Device::TicketPrinter,
        }
    }

    /// Stable name for the journal.
    pub fn as_str(&self) -> &'static str {
        match self {
            PrintJob::Certificate(c) if c.units.is_empty() => "no_record_certificate",
            PrintJob::Certificate(_) => "certificate",
            PrintJob::QueueTicket(_) => "queue_ticket",
            PrintJob::CheckInSlip { .. } => "check_in_slip",
            PrintJob::Checklist(_) => "checklist",
        }
    }
}

/// One line for the journal: what happened, never a face image or a full ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// The session.
    pub session: SessionId,
    /// The flow.
    pub flow: FlowKind,
    /// The step (stable snake_case).
    pub step: &'static str,
    /// The outcome (English, no personal data).
    pub outcome: String,
}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Call central and feed back [`Completion::Central`].
    Central(CentralCall),
    /// Start the camera and the face check; feed back [`Completion::Face`].
    StartFaceCheck,
    /// Delete the face images now: verification is over (GB/T 35273: raw images are deleted
    /// right after verification). The session goes on.
    DiscardFaceImages,
    /// Watch the camera for a QR code; feed back [`Completion::Qr`].
    StartQrScan,
    /// Stop watching for QR codes.
    StopQrScan,
    /// Print; feed back [`Completion::Printed`] or [`Completion::PrintFailed`].
    Print(PrintJob),
    /// Append to the journal.
    Journal(JournalEntry),
    /// Wipe the session: the card data, face frames and images, QR scans, anything personal the
    /// driver holds; stop the camera. Emitted on every exit.
    WipeSession,
}
