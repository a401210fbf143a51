//! The kiosk's citizen flows as pure, explicit state machines.
//!
//! What this crate is: the session shell ([`Kiosk`]) and the six flows of issue 6 (records query
//! and certificate, appointment check-in, walk-in ticket, case progress, service guide, ask and
//! rate), each state an enum variant holding its data; every [`Input`] consumes the state and
//! yields the next one plus [`Effect`]s. Each state renders as a [`Screen`] value (message keys
//! from [`text`], both languages, stable button ids) for the UI and for tests.
//!
//! What it is not: no I/O, no clock, no randomness, no async. The driver (in `kiosk`) performs
//! the effects (calls central, starts the face check, prints, journals, wipes the session) and
//! feeds their completions back as [`Input::Done`] tagged with the [`SessionId`], so a late
//! answer never reaches the next citizen. Time comes in with every input ([`Now`]: monotonic ms
//! for time-outs, wall clock for check-in windows and ages); [`Kiosk::next_deadline`] says when
//! the next [`Input::Tick`] matters. Idempotency keys for state-changing calls are the driver's.
//!
//! Contracts:
//! - every exit (done, home, time-out, card lifted, staffed window, consent declined, fault)
//!   emits a journal entry with the reason and [`Effect::WipeSession`], and returns to the idle
//!   menu, which shows why the session ended and which window to go to;
//! - every step shows home and "staffed window"; back where a step has one; the inactivity
//!   warning counts down and the citizen extends it; elder mode has a longer pace and never ends
//!   a session by itself (the warning stays until dismissed); the timer pauses while the kiosk
//!   waits for a device or central;
//! - a flow whose required device is down is out of service at the menu (with the window),
//!   others stay available; a device the current step needs going down, a failed print and a
//!   failed central call show a fault screen (what happened, what to do, which window; "retry"
//!   for transient central failures);
//! - personal data: the card masks itself in `Debug`; other people's names and ID numbers are
//!   masked on screen; the citizen's own appear as [`screen::Text::Personal`] (masked in
//!   `Debug`); the journal gets codes, counts and query numbers, never names or ID numbers.
//!
//! ```text
//! Kiosk:  Idle(menu, notice) --Start(flow), flow in service--> Active(session, flow)
//!         Active --Home | StaffedWindow | time-out | flow exit--> journal + WipeSession --> Idle
//!         Active: inactivity --warn (countdown; elder: none)--> Extend: back to the step
//!                                                               countdown over: exit TimedOut
//!         Active: fault (device down, print failed, central failed) --> Fault screen
//!                 --retry (transient central failure)--> the step re-sends its call
//!                 --End--> exit Fault
//! ```
//! The flows (each module repeats its own diagram beside the code):
//! ```text
//! identify (records; check-in by card):
//!   Consent --accept--> PlaceCard --card read--> FaceChecking --passed--> Verifying --ok--> verified
//!   Consent --decline--> exit ConsentDeclined      PlaceCard --rejected x3--> exit Fault(card)
//!   FaceChecking / central face_mismatch --> FaceFailed --retry (liveness::Attempts allows)-->
//!   FaceChecking; after 3 failures only the staffed window is offered
//!   card lifted while the card is held --> exit CardLifted
//!
//! 1 records: ChooseKind(权属查询 | 有房无房) --> identify --> Purpose --> Loading
//!   Loading --units--> Units <--> Detail(unit: rights, every restriction)
//!   Loading --has property--> Property           Loading --nothing--> NoRecord
//!   Units | Detail | Property | NoRecord --certificate--> Issuing --> Preview --print-->
//!   Printing --printed--> TakeCertificate --done | card lifted--> exit Done
//!   Printing --failed--> fault; card lifted before printing --> exit CardLifted
//!
//! 2 check-in: Method --card--> identify --> Loading;  Method --keypad--> BookingCode --> Loading
//!   Loading --> List --choose--> TooEarly (times) | TooLate (walk-in offered) | CheckingIn
//!   CheckingIn --ticket--> Printing(slip) --printed--> TakeTicket --done--> exit Done
//!   CheckingIn --refused too_early | too_late | already_checked_in--> TooEarly | TooLate | Message
//!   TooLate --walk-in--> Issuing --ticket--> Printing
//!
//! 3 walk-in: Loading(catalogue) --> Services --> Priority
//!   Priority --none | disabled | pregnant (declared)--> Issuing
//!   Priority --elderly--> ReadCard --age >= Config::elderly_age (70)--> Issuing(elderly)
//!                                  --younger--> Priority (explained)
//!   Issuing --ticket--> Printing --printed--> TakeTicket;  --daily cap--> Message
//!
//! 4 case: Method --keypad--> Keypad --> Loading;  Method --QR--> Scan --case QR--> Loading
//!   Loading --> Progress (stages, pickup readiness) --pickup--> Pickups --courier--> Address
//!   --valid--> SettingPickup --> Progress;  Progress --fees--> Fees --pay--> CreatingPayment
//!   --> PayQr, polled every Config::payment_poll_ms: pending | paid | expired/failed (retry)
//!
//! 5 guide: Loading(catalogue, cache; offline copies show their age) --> Dimensions --> Values
//!   --> Topics --> Topic (materials, fee, time limit) --print--> Printing --> Topic (printed)
//!
//! 6 ask and rate: Menu --FAQ--> FaqList --> FaqEntry
//!   Menu --ask--> Question --valid text and phone--> SendingQuestion --> Message
//!   Menu --rate case | ticket--> RateTarget --> RateLevel --satisfied--> SendingRating
//!   RateLevel --dissatisfied--> RateReasons --at least one--> SendingRating
//!   SendingRating --ok--> Message (thanks);  --already_rated--> Message (once per case)
//! ```

mod ask;
mod case;
mod checkin;
mod cx;
mod guide;
mod identify;
mod io;
mod kiosk;
pub mod maintenance;
pub mod records;
pub mod samples;
pub mod screen;
mod show;
pub mod text;
mod ticket;
mod types;

pub use ask::parse_question;
pub use case::{FormError, parse_address, parse_case_number, parse_phone};
pub use guide::Dimension;
pub use io::{
    AddressForm, Cached, CentralCall, Completion, DeviceEvent, Effect, FaceOutcome, Input, Intent,
    JournalEntry, PrintJob, QuestionForm, Reply,
};
pub use kiosk::Kiosk;
pub use maintenance::{
    Choice, Maintenance, MaintenanceEffect, MaintenanceInput, MaintenanceView, Page, PinPolicy,
};
pub use records::QueryKind;
pub use screen::{Button, ButtonId, Countdown, Field, Item, Nav, Screen, ScreenId, Text};
pub use text::TextKey;
pub use types::{
    CentralFailure, Config, Device, Devices, ExitReason, Fault, FlowKind, Lang, Now, PrintFault,
    SessionId,
};

#[cfg(test)]
mod tests;
