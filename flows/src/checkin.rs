//! Flow 2: appointment check-in.
//!
//! ```text
//! Method --card--> Identify --verified--> Loading --appointments--> List
//!        --keypad--> BookingCode --code--> Loading
//! List --choose--> (before check_in_from) TooEarly        (after check_in_until) TooLate
//!              --> (within the window) CheckingIn --ticket--> Printing --printed--> TakeTicket
//! CheckingIn --refused too_early / too_late / already_checked_in--> TooEarly / TooLate / Message
//! TooLate --walk-in--> Issuing --ticket--> Printing
//! Printing --failed--> fault (ticket printer)           TakeTicket --done--> exit Done
//! ```

use crate::cx::{Cx, Event, Step, Sx, central_fault};
use crate::identify::{IdStep, Identify};
use crate::io::{CentralCall, Completion, Intent, PrintJob, Reply};
use crate::screen::{Button, ButtonId, Field, Item, Screen, ScreenId, Text};
use crate::show;
use crate::text::TextKey;
use crate::types::{Device, ExitReason, Fault};
use central_api::dto::{
    Appointment, AppointmentStatus, CheckInRequest, ErrorCode, Priority, Ticket, TicketRequest,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// How the citizen identified the booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Via {
    /// By card and face: the verification.
    Card(Uuid),
    /// By booking code.
    Code(String),
}

/// The check-in flow's states.
#[derive(Debug)]
pub(crate) enum CheckInFlow {
    /// Card or booking code.
    Method,
    /// Identity verification (card path).
    Identify(Identify),
    /// The booking code keypad.
    Code(Option<TextKey>),
    /// Waiting for today's appointments.
    Loading(Via),
    /// Today's appointments.
    List(Via, Vec<Appointment>),
    /// Too early: the window opens later.
    TooEarly(Via, Vec<Appointment>, Box<Appointment>, OffsetDateTime),
    /// Too late: a walk-in ticket is offered.
    TooLate(Via, Vec<Appointment>, Box<Appointment>),
    /// A short message over the list.
    Message(Via, Vec<Appointment>, TextKey),
    /// Waiting for the check-in.
    CheckingIn(Via, Vec<Appointment>, Box<Appointment>),
    /// Waiting for a walk-in ticket.
    Issuing(Via, Vec<Appointment>, Box<Appointment>),
    /// Printing the ticket.
    Printing(Option<Box<Appointment>>, Ticket),
    /// Take the ticket.
    Take(Ticket),
}

/// Booking codes are digits; the length is bounded.
pub(crate) fn parse_booking_code(text: &str) -> Option<String> {
    let code = text.trim();
    ((4..=16).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()))
        .then(|| code.to_owned())
}

impl CheckInFlow {
    /// The first state.
    pub fn start() -> CheckInFlow {
        CheckInFlow::Method
    }

    /// Whether a device is needed now.
    pub fn needs(&self, device: Device) -> bool {
        match self {
            CheckInFlow::Identify(id) => id.needs(device) || device == Device::TicketPrinter,
            CheckInFlow::Take(_) => false,
            _ => matches!(device, Device::TicketPrinter | Device::Central),
        }
    }

    /// Whether it waits for a device or central.
    pub fn busy(&self) -> bool {
        match self {
            CheckInFlow::Identify(id) => id.busy(),
            CheckInFlow::Loading(_)
            | CheckInFlow::CheckingIn(..)
            | CheckInFlow::Issuing(..)
            | CheckInFlow::Printing(..) => true,
            _ => false,
        }
    }

    /// Handles one event.
    pub fn handle(self, event: Event, cx: &mut Cx<'_>) -> Step<CheckInFlow> {
        use CheckInFlow as S;
        match (self, event) {
            (S::Method, Event::Intent(Intent::Press(ButtonId::UseCard)))
                if cx.devices.is_up(Device::Reader) && cx.devices.is_up(Device::Camera) =>
            {
                Step::Next(S::Identify(Identify::start()))
            }
            (S::Method, Event::Intent(Intent::Press(ButtonId::UseKeypad))) => {
                Step::Next(S::Code(None))
            }
            (S::Method, Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (S::Identify(id), event) => match id.handle(event, cx) {
                IdStep::Next(id) => Step::Next(S::Identify(id)),
                IdStep::Verified(who) => {
                    let verification_id = who.verification.verification_id;
                    cx.call(CentralCall::AppointmentsOf { verification_id });
                    Step::Next(S::Loading(Via::Card(verification_id)))
                }
                IdStep::Back => Step::Next(S::Method),
                IdStep::Fault(id, fault, retry) => Step::Fault {
                    state: S::Identify(id),
                    fault,
                    retry,
                },
                IdStep::Exit(reason) => Step::Exit(reason),
            },
            (S::Code(_), Event::Intent(Intent::Enter(text))) => match parse_booking_code(&text) {
                Some(code) => {
                    cx.call(CentralCall::AppointmentsByCode {
                        booking_code: code.clone(),
                    });
                    Step::Next(S::Loading(Via::Code(code)))
                }
                None => Step::Next(S::Code(Some(TextKey::BookingCodeInvalid))),
            },
            (S::Code(_), Event::Intent(Intent::Back)) => Step::Next(S::Method),
            (S::Loading(via), Event::Done(Completion::Central(Reply::Appointments(result)))) => {
                match result {
                    Ok(list) => {
                        cx.journal("appointments", format!("count={}", list.appointments.len()));
                        Step::Next(S::List(via, list.appointments))
                    }
                    Err(failure) if failure.code() == Some(ErrorCode::NotFound) => {
                        cx.journal("appointments", "not found");
                        Step::Next(S::List(via, Vec::new()))
                    }
                    Err(failure) => {
                        cx.journal("appointments", failure.as_str());
                        central_fault(S::Loading(via), failure)
                    }
                }
            }
            (S::List(via, list), Event::Intent(Intent::Select(i))) => match list.get(i).cloned() {
                Some(appt) => CheckInFlow::choose(via, list, Box::new(appt), cx),
                None => Step::Next(S::List(via, list)),
            },
            (S::List(Via::Code(_), _), Event::Intent(Intent::Back)) => Step::Next(S::Code(None)),
            (S::List(Via::Card(_), _), Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (
                S::TooEarly(via, list, ..) | S::TooLate(via, list, _) | S::Message(via, list, _),
                Event::Intent(Intent::Back),
            ) => Step::Next(S::List(via, list)),
            (S::TooLate(via, list, appt), Event::Intent(Intent::Press(ButtonId::WalkIn))) => {
                let verification_id = match &via {
                    Via::Card(id) => Some(*id),
                    Via::Code(_) => None,
                };
                cx.journal("walk_in", "offered after late arrival, taken");
                cx.call(CentralCall::CreateTicket(TicketRequest {
                    service_code: appt.service_code.clone(),
                    priority: Priority::None,
                    verification_id,
                }));
                Step::Next(S::Issuing(via, list, appt))
            }
            (
                S::CheckingIn(via, list, appt),
                Event::Done(Completion::Central(Reply::Ticket(result))),
            ) => match result {
                Ok(ticket) => {
                    cx.journal("checked_in", format!("ticket={}", ticket.ticket_number));
                    cx.print(PrintJob::CheckInSlip {
                        appointment: appt.clone(),
                        ticket: ticket.clone(),
                    });
                    Step::Next(S::Printing(Some(appt), ticket))
                }
                Err(failure) => {
                    cx.journal("check_in", failure.as_str());
                    match (failure.code(), &failure) {
                        (
                            Some(ErrorCode::TooEarly),
                            crate::types::CentralFailure::Refused(body),
                        ) => {
                            let opens = body.earliest_at.unwrap_or(appt.check_in_from);
                            Step::Next(S::TooEarly(via, list, appt, opens))
                        }
                        (Some(ErrorCode::TooLate), _) => Step::Next(S::TooLate(via, list, appt)),
                        (Some(ErrorCode::AlreadyCheckedIn), _) => {
                            Step::Next(S::Message(via, list, TextKey::AlreadyCheckedIn))
                        }
                        (Some(ErrorCode::NotFound), _) => {
                            Step::Next(S::Message(via, list, TextKey::AppointmentNotFound))
                        }
                        _ => central_fault(S::CheckingIn(via, list, appt), failure),
                    }
                }
            },
            (
                S::Issuing(via, list, appt),
                Event::Done(Completion::Central(Reply::Ticket(result))),
            ) => match result {
                Ok(ticket) => {
                    cx.journal("ticket_issued", format!("ticket={}", ticket.ticket_number));
                    cx.print(PrintJob::QueueTicket(ticket.clone()));
                    Step::Next(S::Printing(None, ticket))
                }
                Err(failure) if failure.code() == Some(ErrorCode::DailyCapReached) => {
                    cx.journal("create_ticket", "daily cap reached");
                    Step::Next(S::Message(via, list, TextKey::DailyCapReached))
                }
                Err(failure) => {
                    cx.journal("create_ticket", failure.as_str());
                    central_fault(S::Issuing(via, list, appt), failure)
                }
            },
            (S::Printing(_, ticket), Event::Done(Completion::Printed)) => {
                cx.journal("printed", "ticket");
                Step::Next(S::Take(ticket))
            }
            (S::Printing(appt, ticket), Event::Done(Completion::PrintFailed(fault))) => {
                cx.journal("print_failed", fault.as_str());
                Step::Fault {
                    state: S::Printing(appt, ticket),
                    fault: Fault::Print {
                        device: Device::TicketPrinter,
                        fault,
                    },
                    retry: false,
                }
            }
            (S::Take(_), Event::Intent(Intent::Press(ButtonId::Done))) => {
                Step::Exit(ExitReason::Done)
            }
            (state, _) => Step::Next(state),
        }
    }

    fn choose(
        via: Via,
        list: Vec<Appointment>,
        appt: Box<Appointment>,
        cx: &mut Cx<'_>,
    ) -> Step<CheckInFlow> {
        use CheckInFlow as S;
        let now = cx.now.wall;
        match appt.status {
            AppointmentStatus::CheckedIn => {
                return Step::Next(S::Message(via, list, TextKey::AlreadyCheckedIn));
            }
            AppointmentStatus::Cancelled => {
                return Step::Next(S::Message(via, list, TextKey::AppointmentCancelled));
            }
            AppointmentStatus::Missed => return Step::Next(S::TooLate(via, list, appt)),
            AppointmentStatus::Booked => {}
        }
        if now < appt.check_in_from {
            cx.journal("check_in", "too early");
            let opens = appt.check_in_from;
            return Step::Next(S::TooEarly(via, list, appt, opens));
        }
        if now > appt.check_in_until {
            cx.journal("check_in", "too late");
            return Step::Next(S::TooLate(via, list, appt));
        }
        let (verification_id, booking_code) = match &via {
            Via::Card(id) => (Some(*id), None),
            Via::Code(code) => (None, Some(code.clone())),
        };
        cx.call(CentralCall::CheckIn {
            appointment_id: appt.appointment_id.clone(),
            request: CheckInRequest {
                verification_id,
                booking_code,
                checked_in_at: now,
            },
        });
        Step::Next(S::CheckingIn(via, list, appt))
    }

    /// The screen.
    pub fn screen(&self, sx: &Sx<'_>) -> Screen {
        use CheckInFlow as S;
        let card_up = sx.devices.is_up(Device::Reader) && sx.devices.is_up(Device::Camera);
        match self {
            S::Method => {
                let mut screen = Screen::new(ScreenId::CheckInMethod, TextKey::CheckInTitle)
                    .button(Button::new(ButtonId::UseCard, TextKey::UseCard).enabled(card_up))
                    .button(Button::new(ButtonId::UseKeypad, TextKey::UseBookingCode));
                if !card_up {
                    screen = screen.line(TextKey::CardPathUnavailable);
                }
                screen
            }
            S::Identify(id) => id.screen(sx),
            S::Code(error) => Screen::new(ScreenId::BookingCode, TextKey::BookingCodeTitle)
                .line(TextKey::BookingCodeBody)
                .field(Field::BookingCode)
                .error(error.map(Text::Key)),
            S::Loading(_) | S::CheckingIn(..) | S::Issuing(..) => {
                Screen::new(ScreenId::Working, TextKey::QueryingTitle)
                    .line(TextKey::PleaseWait)
                    .busy()
            }
            S::List(_, list) => {
                let mut screen = Screen::new(ScreenId::Appointments, TextKey::AppointmentsTitle)
                    .items(list.iter().map(appointment_item).collect());
                if list.is_empty() {
                    screen = screen.line(TextKey::NoAppointments);
                }
                screen
            }
            S::TooEarly(_, _, appt, opens) => {
                Screen::new(ScreenId::TooEarly, TextKey::TooEarlyTitle).line(Text::args(
                    TextKey::TooEarlyBody,
                    [
                        show::hm(appt.slot_start),
                        show::hm(*opens),
                        show::hm(appt.check_in_until),
                        show::hm(sx.now.wall.to_offset(appt.slot_start.offset())),
                    ],
                ))
            }
            S::TooLate(_, _, appt) => Screen::new(ScreenId::TooLate, TextKey::TooLateTitle)
                .line(Text::args(
                    TextKey::TooLateBody,
                    [show::hm(appt.slot_start), show::hm(appt.check_in_until)],
                ))
                .line(TextKey::WalkInOffer)
                .button(Button::new(ButtonId::WalkIn, TextKey::TakeWalkIn)),
            S::Message(_, _, key) => {
                Screen::new(ScreenId::Message, TextKey::NoticeTitle).line(*key)
            }
            S::Printing(..) => Screen::new(ScreenId::Printing, TextKey::PrintingTitle)
                .line(TextKey::PleaseWait)
                .busy(),
            S::Take(ticket) => take_ticket(ticket),
        }
    }
}

fn appointment_item(a: &Appointment) -> Item {
    Item::new(vec![
        Text::Data(a.service_name.clone()),
        Text::args(
            TextKey::AppointmentSlot,
            [show::hm(a.slot_start), show::hm(a.slot_end)],
        ),
        Text::args(
            TextKey::AppointmentWindow,
            [show::hm(a.check_in_from), show::hm(a.check_in_until)],
        ),
    ])
}

/// The "take your ticket" screen shared by check-in and walk-in.
pub(crate) fn take_ticket(ticket: &Ticket) -> Screen {
    let window = match &ticket.window {
        Some(w) => Text::args(TextKey::TicketWindow, [w.clone()]),
        None => Text::Key(TextKey::TicketWindowLater),
    };
    Screen::new(ScreenId::TakeTicket, TextKey::TakeTicketTitle)
        .line(Text::args(
            TextKey::TicketNumber,
            [ticket.ticket_number.clone()],
        ))
        .line(window)
        .line(Text::args(
            TextKey::TicketService,
            [ticket.service_name.clone()],
        ))
        .line(Text::args(
            TextKey::TicketAhead,
            [
                ticket.people_ahead.to_string(),
                ticket.estimated_wait_minutes.to_string(),
            ],
        ))
        .button(Button::new(ButtonId::Done, TextKey::Done))
        .no_back()
}
