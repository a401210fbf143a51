//! Values every flow shares: time, language, sessions, devices, configuration, exit reasons and
//! faults.

use central_api::dto::{ErrorBody, ErrorCode};
use time::OffsetDateTime;

/// The current time, passed in with every input: nothing in this crate reads a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Monotonic milliseconds (time-outs, polling).
    pub ms: u64,
    /// Wall-clock time, corrected to central's clock (check-in windows, ages, request times).
    pub wall: OffsetDateTime,
}

impl Now {
    /// A time from its two clocks.
    pub fn new(ms: u64, wall: OffsetDateTime) -> Now {
        Now { ms, wall }
    }

    /// The same instant `ms` milliseconds later on both clocks.
    #[must_use]
    pub fn after_ms(self, ms: u64) -> Now {
        let delta = time::Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX / 2));
        Now {
            ms: self.ms.saturating_add(ms),
            wall: self.wall.checked_add(delta).unwrap_or(self.wall),
        }
    }
}

/// The language of the screens; switchable at any time without losing state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// 中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

/// One citizen's session, numbered by the kiosk; the driver tags completions with it so a late
/// answer never reaches the next citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// The six citizen flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowKind {
    /// 查询打证: records query and query-result certificate.
    Records,
    /// 预约签到: appointment check-in.
    CheckIn,
    /// 取号: walk-in ticket.
    Ticket,
    /// 办件进度: case progress, pickup, fees.
    Case,
    /// 办事指南: the service guide.
    Guide,
    /// 我要问 / 我要评: FAQ, questions, ratings.
    AskRate,
}

impl FlowKind {
    /// Every flow, in menu order.
    pub const ALL: [FlowKind; 6] = [
        FlowKind::Records,
        FlowKind::CheckIn,
        FlowKind::Ticket,
        FlowKind::Case,
        FlowKind::Guide,
        FlowKind::AskRate,
    ];

    /// Stable name for the journal.
    pub const fn as_str(self) -> &'static str {
        match self {
            FlowKind::Records => "records",
            FlowKind::CheckIn => "check_in",
            FlowKind::Ticket => "ticket",
            FlowKind::Case => "case",
            FlowKind::Guide => "guide",
            FlowKind::AskRate => "ask_rate",
        }
    }

    /// The devices without which the flow cannot start (it is out of service at the menu).
    pub const fn required(self) -> &'static [Device] {
        match self {
            FlowKind::Records => &[
                Device::Reader,
                Device::Camera,
                Device::A4Printer,
                Device::Central,
            ],
            FlowKind::CheckIn | FlowKind::Ticket => &[Device::TicketPrinter, Device::Central],
            FlowKind::Case => &[Device::Central],
            // The guide and the FAQ work from the cache; printing and sending are offered only
            // while their device is up.
            FlowKind::Guide | FlowKind::AskRate => &[],
        }
    }
}

/// The devices (and the central system) a flow may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Device {
    /// The ID-card reader.
    Reader,
    /// The camera (face check, QR codes).
    Camera,
    /// The 80 mm ticket printer.
    TicketPrinter,
    /// The A4 printer.
    A4Printer,
    /// The hall's central system.
    Central,
}

impl Device {
    /// Every device.
    pub const ALL: [Device; 5] = [
        Device::Reader,
        Device::Camera,
        Device::TicketPrinter,
        Device::A4Printer,
        Device::Central,
    ];

    /// Stable name for the journal.
    pub const fn as_str(self) -> &'static str {
        match self {
            Device::Reader => "idcard",
            Device::Camera => "camera",
            Device::TicketPrinter => "ticket_printer",
            Device::A4Printer => "a4_printer",
            Device::Central => "central",
        }
    }
}

/// Which devices are usable now (the driver derives it from each device service's status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Devices {
    up: [bool; 5],
}

impl Default for Devices {
    fn default() -> Self {
        Devices { up: [true; 5] }
    }
}

impl Devices {
    /// Every device up.
    pub fn all_up() -> Devices {
        Devices::default()
    }

    fn index(device: Device) -> usize {
        match device {
            Device::Reader => 0,
            Device::Camera => 1,
            Device::TicketPrinter => 2,
            Device::A4Printer => 3,
            Device::Central => 4,
        }
    }

    /// Whether the device is usable.
    pub fn is_up(&self, device: Device) -> bool {
        self.up
            .get(Devices::index(device))
            .copied()
            .unwrap_or(false)
    }

    /// Sets a device's availability.
    pub fn set(&mut self, device: Device, up: bool) {
        if let Some(slot) = self.up.get_mut(Devices::index(device)) {
            *slot = up;
        }
    }

    /// The first required device of `flow` that is down, if any.
    pub fn missing_for(&self, flow: FlowKind) -> Option<Device> {
        flow.required().iter().copied().find(|d| !self.is_up(*d))
    }
}

/// Time-outs and hall facts; defaults are the documented ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Inactivity before the warning, normal pace (ms).
    pub step_timeout_ms: u64,
    /// Countdown of the warning before the session ends, normal pace (ms).
    pub warning_ms: u64,
    /// Inactivity before the warning in elder mode (ms); elder mode never ends a session by
    /// itself.
    pub elder_step_timeout_ms: u64,
    /// How long the idle screen shows why the last session ended (ms).
    pub notice_ms: u64,
    /// Interval between payment status polls (ms).
    pub payment_poll_ms: u64,
    /// Age from which the elderly priority applies (reference: "elderly 70+").
    pub elderly_age: u16,
    /// The staffed window citizens are sent to (its number or name, as signposted in the hall).
    pub staffed_window: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            step_timeout_ms: 60_000,
            warning_ms: 20_000,
            elder_step_timeout_ms: 180_000,
            notice_ms: 15_000,
            payment_poll_ms: 3_000,
            elderly_age: 70,
            staffed_window: "1".to_owned(),
        }
    }
}

/// Why a session ended; every exit wipes the session's personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitReason {
    /// The citizen finished.
    Done,
    /// The citizen pressed home (or back on a flow's first step).
    Home,
    /// The inactivity warning ran out.
    TimedOut,
    /// The ID card was lifted where the flow needs it on the reader.
    CardLifted,
    /// The citizen chose, or was offered and took, the staffed window.
    StaffedWindow,
    /// The citizen declined the face-verification consent (the staffed window serves them).
    ConsentDeclined,
    /// A fault ended the session.
    Fault(Fault),
}

impl ExitReason {
    /// Stable code for the journal.
    pub fn code(&self) -> &'static str {
        match self {
            ExitReason::Done => "done",
            ExitReason::Home => "home",
            ExitReason::TimedOut => "timed_out",
            ExitReason::CardLifted => "card_lifted",
            ExitReason::StaffedWindow => "staffed_window",
            ExitReason::ConsentDeclined => "consent_declined",
            ExitReason::Fault(_) => "fault",
        }
    }
}

/// Why a print job failed (from the printer's status or the print system).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrintFault {
    /// Out of paper.
    PaperOut,
    /// Cover open.
    CoverOpen,
    /// Printer offline or not answering.
    Offline,
    /// Paper jam or another hardware error.
    Hardware,
    /// The print system refused or aborted the job.
    Aborted,
}

impl PrintFault {
    /// Stable code for the journal.
    pub const fn as_str(self) -> &'static str {
        match self {
            PrintFault::PaperOut => "paper_out",
            PrintFault::CoverOpen => "cover_open",
            PrintFault::Offline => "offline",
            PrintFault::Hardware => "hardware",
            PrintFault::Aborted => "aborted",
        }
    }
}

/// How a call to central failed, as the driver classifies the client's error. The kiosk's
/// `CentralError` maps onto it one to one (unreachable, time-out, refused, server, protocol).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CentralFailure {
    /// Central could not be reached.
    Unreachable,
    /// Central did not answer in time.
    Timeout,
    /// Central refused with an explanation.
    Refused(ErrorBody),
    /// Central failed (5xx).
    Server,
    /// Central's answer broke the contract, or the client is misconfigured.
    Broken,
}

impl CentralFailure {
    /// Whether the same call may succeed if tried again (the fault screen offers "retry").
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CentralFailure::Unreachable | CentralFailure::Timeout | CentralFailure::Server
        )
    }

    /// The refusal's code, if central refused.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CentralFailure::Refused(body) => Some(body.code),
            _ => None,
        }
    }

    /// Stable code for the journal.
    pub fn as_str(&self) -> &'static str {
        match self {
            CentralFailure::Unreachable => "central_unreachable",
            CentralFailure::Timeout => "central_timeout",
            CentralFailure::Refused(_) => "central_refused",
            CentralFailure::Server => "central_server_error",
            CentralFailure::Broken => "central_contract",
        }
    }
}

/// A fault shown to the citizen: what happened, what to do, which window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A call to central failed.
    Central(CentralFailure),
    /// A device stopped working (its status went down).
    DeviceDown(Device),
    /// A print job failed.
    Print {
        /// Which printer.
        device: Device,
        /// Why.
        fault: PrintFault,
    },
    /// The card reader could not read the card several times.
    CardUnreadable,
}

impl Fault {
    /// Stable code for the journal.
    pub fn as_str(&self) -> &'static str {
        match self {
            Fault::Central(f) => f.as_str(),
            Fault::DeviceDown(_) => "device_down",
            Fault::Print { .. } => "print_failed",
            Fault::CardUnreadable => "card_unreadable",
        }
    }

    /// English detail for the journal (never personal data).
    pub fn detail(&self) -> String {
        match self {
            Fault::Central(CentralFailure::Refused(body)) => {
                format!("central refused: {:?}", body.code)
            }
            Fault::Central(f) => f.as_str().to_owned(),
            Fault::DeviceDown(d) => format!("{} down", d.as_str()),
            Fault::Print { device, fault } => format!("{} {}", device.as_str(), fault.as_str()),
            Fault::CardUnreadable => "card unreadable".to_owned(),
        }
    }
}
