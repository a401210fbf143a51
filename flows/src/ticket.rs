//! Flow 3: walk-in ticket.
//!
//! ```text
//! Loading (catalogue) --> Services --choose--> Priority
//! Priority --none / disabled / pregnant (declared)--> Issuing
//!          --elderly--> ReadCard --card read, age >= elderly_age--> Issuing (elderly)
//!                                --younger--> Priority (explained)
//! Issuing --ticket--> Printing --printed--> TakeTicket --done--> exit Done
//! Issuing --daily cap reached--> Message
//! ```

use crate::checkin::take_ticket;
use crate::cx::{Cx, Event, Step, Sx, central_fault};
use crate::identify::card_today;
use crate::io::{CentralCall, Completion, DeviceEvent, Intent, PrintJob, Reply};
use crate::screen::{Button, ButtonId, Item, Screen, ScreenId, Text};
use crate::text::TextKey;
use crate::types::{Device, ExitReason, Fault};
use central_api::dto::{ErrorCode, Priority, Ticket, TicketRequest, Topic};

/// A service to take a ticket for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Service {
    /// The queue series.
    code: String,
    /// The topic name shown.
    name: String,
}

/// The walk-in flow's states.
#[derive(Debug)]
pub(crate) enum TicketFlow {
    /// Waiting for the catalogue.
    Loading,
    /// The services.
    Services(Vec<Service>),
    /// The priority; the key explains why elderly priority was not given.
    Priority(Vec<Service>, Service, Option<TextKey>),
    /// Reading the card for the birth date.
    ReadCard(Vec<Service>, Service),
    /// Waiting for the ticket.
    Issuing(Vec<Service>, Service, Priority),
    /// A message (daily cap).
    Message(Vec<Service>, TextKey),
    /// Printing.
    Printing(Ticket),
    /// Take the ticket.
    Take(Ticket),
}

/// One service per queue series, named after its first topic.
fn services(topics: &[Topic]) -> Vec<Service> {
    let mut out: Vec<Service> = Vec::new();
    for t in topics {
        if !out.iter().any(|s| s.code == t.service_code) {
            out.push(Service {
                code: t.service_code.clone(),
                name: t.name.clone(),
            });
        }
    }
    out
}

impl TicketFlow {
    /// The first state, with its effects.
    pub fn start(cx: &mut Cx<'_>) -> TicketFlow {
        cx.call(CentralCall::Catalogue);
        TicketFlow::Loading
    }

    /// Whether a device is needed now.
    pub fn needs(&self, device: Device) -> bool {
        match self {
            TicketFlow::Take(_) => false,
            TicketFlow::ReadCard(..) => {
                matches!(
                    device,
                    Device::Reader | Device::TicketPrinter | Device::Central
                )
            }
            _ => matches!(device, Device::TicketPrinter | Device::Central),
        }
    }

    /// Whether it waits for a device or central.
    pub fn busy(&self) -> bool {
        matches!(
            self,
            TicketFlow::Loading | TicketFlow::Issuing(..) | TicketFlow::Printing(_)
        )
    }

    fn issue(
        list: Vec<Service>,
        service: Service,
        priority: Priority,
        cx: &mut Cx<'_>,
    ) -> Step<TicketFlow> {
        cx.journal("priority", format!("{priority:?}"));
        cx.call(CentralCall::CreateTicket(TicketRequest {
            service_code: service.code.clone(),
            priority,
            verification_id: None,
        }));
        Step::Next(TicketFlow::Issuing(list, service, priority))
    }

    /// Handles one event.
    pub fn handle(self, event: Event, cx: &mut Cx<'_>) -> Step<TicketFlow> {
        use TicketFlow as S;
        match (self, event) {
            (S::Loading, Event::Done(Completion::Central(Reply::Catalogue(result)))) => {
                match result {
                    Ok(cached) => Step::Next(S::Services(services(&cached.value.topics))),
                    Err(failure) => {
                        cx.journal("catalogue", failure.as_str());
                        central_fault(S::Loading, failure)
                    }
                }
            }
            (S::Loading | S::Services(_), Event::Intent(Intent::Back)) => {
                Step::Exit(ExitReason::Home)
            }
            (S::Services(list), Event::Intent(Intent::Select(i))) => match list.get(i).cloned() {
                Some(service) => Step::Next(S::Priority(list, service, None)),
                None => Step::Next(S::Services(list)),
            },
            (S::Priority(list, ..), Event::Intent(Intent::Back)) => Step::Next(S::Services(list)),
            (S::Priority(list, service, _), Event::Intent(Intent::Press(id))) => match id {
                ButtonId::PriorityNone => TicketFlow::issue(list, service, Priority::None, cx),
                ButtonId::PriorityDisabled => {
                    TicketFlow::issue(list, service, Priority::Disabled, cx)
                }
                ButtonId::PriorityPregnant => {
                    TicketFlow::issue(list, service, Priority::Pregnant, cx)
                }
                ButtonId::PriorityElderly if cx.devices.is_up(Device::Reader) => {
                    Step::Next(S::ReadCard(list, service))
                }
                _ => Step::Next(S::Priority(list, service, None)),
            },
            (S::ReadCard(list, service), Event::Intent(Intent::Back)) => {
                Step::Next(S::Priority(list, service, None))
            }
            (S::ReadCard(list, service), Event::Card(DeviceEvent::CardRead(card))) => {
                // Only the birth date is used; the card data is dropped here.
                let age = card_today(cx.now.wall).map(|today| card.birth_date().age_on(today));
                drop(card);
                match age {
                    Some(age) if age >= cx.config.elderly_age => {
                        TicketFlow::issue(list, service, Priority::Elderly, cx)
                    }
                    _ => {
                        cx.journal("priority", "elderly refused: under the age");
                        Step::Next(S::Priority(list, service, Some(TextKey::NotElderly)))
                    }
                }
            }
            (S::ReadCard(list, service), Event::Card(DeviceEvent::CardRejected)) => {
                Step::Next(S::Priority(list, service, Some(TextKey::CardRejected)))
            }
            (
                S::Issuing(list, service, priority),
                Event::Done(Completion::Central(Reply::Ticket(result))),
            ) => match result {
                Ok(ticket) => {
                    cx.journal("ticket_issued", format!("ticket={}", ticket.ticket_number));
                    cx.print(PrintJob::QueueTicket(ticket.clone()));
                    Step::Next(S::Printing(ticket))
                }
                Err(failure) if failure.code() == Some(ErrorCode::DailyCapReached) => {
                    cx.journal("create_ticket", "daily cap reached");
                    Step::Next(S::Message(list, TextKey::DailyCapReached))
                }
                Err(failure) => {
                    cx.journal("create_ticket", failure.as_str());
                    central_fault(S::Issuing(list, service, priority), failure)
                }
            },
            (S::Message(list, _), Event::Intent(Intent::Back)) => Step::Next(S::Services(list)),
            (S::Printing(ticket), Event::Done(Completion::Printed)) => {
                cx.journal("printed", "ticket");
                Step::Next(S::Take(ticket))
            }
            (S::Printing(ticket), Event::Done(Completion::PrintFailed(fault))) => {
                cx.journal("print_failed", fault.as_str());
                Step::Fault {
                    state: S::Printing(ticket),
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

    /// The screen.
    pub fn screen(&self, sx: &Sx<'_>) -> Screen {
        use TicketFlow as S;
        match self {
            S::Loading | S::Issuing(..) => Screen::new(ScreenId::Working, TextKey::QueryingTitle)
                .line(TextKey::PleaseWait)
                .busy(),
            S::Services(list) => Screen::new(ScreenId::Services, TextKey::ServicesTitle).items(
                list.iter()
                    .map(|s| {
                        Item::new(vec![
                            Text::Data(s.name.clone()),
                            Text::args(TextKey::ServiceSeries, [s.code.clone()]),
                        ])
                    })
                    .collect(),
            ),
            S::Priority(_, service, note) => {
                let reader_up = sx.devices.is_up(Device::Reader);
                Screen::new(ScreenId::Priority, TextKey::PriorityTitle)
                    .line(Text::Data(service.name.clone()))
                    .line(Text::args(
                        TextKey::PriorityBody,
                        [sx.config.elderly_age.to_string()],
                    ))
                    .button(Button::new(ButtonId::PriorityNone, TextKey::PriorityNone))
                    .button(
                        Button::new(ButtonId::PriorityElderly, TextKey::PriorityElderly)
                            .enabled(reader_up),
                    )
                    .button(Button::new(
                        ButtonId::PriorityDisabled,
                        TextKey::PriorityDisabled,
                    ))
                    .button(Button::new(
                        ButtonId::PriorityPregnant,
                        TextKey::PriorityPregnant,
                    ))
                    .error(note.map(|k| {
                        if k == TextKey::NotElderly {
                            Text::args(k, [sx.config.elderly_age.to_string()])
                        } else {
                            Text::Key(k)
                        }
                    }))
            }
            S::ReadCard(..) => Screen::new(ScreenId::PlaceCard, TextKey::PlaceCardTitle)
                .line(TextKey::PlaceCardForAge),
            S::Message(_, key) => Screen::new(ScreenId::Message, TextKey::NoticeTitle).line(*key),
            S::Printing(_) => Screen::new(ScreenId::Printing, TextKey::PrintingTitle)
                .line(TextKey::PleaseWait)
                .busy(),
            S::Take(ticket) => take_ticket(ticket),
        }
    }
}
