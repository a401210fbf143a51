//! Flow 1: records query and the query-result certificate.
//!
//! ```text
//! ChooseKind --权属查询 / 有房无房--> Identify (consent, card, face, verify) --> Purpose
//!   Purpose --purpose--> Loading (records | property check)
//!   Loading --units--> Units <--back--> Detail(unit)
//!   Loading --has property--> Property          Loading --nothing--> NoRecord
//!   Units | Detail | Property | NoRecord --certificate--> Issuing --> Preview --print-->
//!   Printing --printed--> TakeCertificate --done / card lifted--> exit Done
//!   Printing --failed--> fault (printer, which window)
//! card lifted from the card read until printing starts: exit CardLifted
//! ```

use crate::cx::{Cx, Event, Step, Sx, central_fault};
use crate::identify::{IdStep, Identify, Verified};
use crate::io::{CentralCall, Completion, DeviceEvent, Intent, PrintJob, Reply};
use crate::screen::{Button, ButtonId, Document, Item, Screen, ScreenId, Text};
use crate::show;
use crate::text::TextKey;
use crate::types::{Device, ExitReason, Fault};
use central_api::domain::QueryPurpose;
use central_api::dto::{Certificate, CertificateRequest, PropertyCheck, Records, Requester};
use std::sync::Arc;

/// The two query kinds of the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// 权属查询: the holder's own units.
    Ownership,
    /// 有房无房查询: whether the person holds residential property.
    Property,
}

/// The verified citizen and their query.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    kind: QueryKind,
    who: Verified,
    purpose: QueryPurpose,
}

/// The records flow's states.
#[derive(Debug)]
pub(crate) enum RecordsFlow {
    /// 权属查询 or 有房无房.
    ChooseKind,
    /// Identity verification.
    Identify(QueryKind, Identify),
    /// 查询目的.
    Purpose(QueryKind, Box<Verified>),
    /// Waiting for the records or the property check.
    Loading(Box<Query>),
    /// The units.
    Units(Box<Query>, Records),
    /// One unit.
    Detail(Box<Query>, Records, usize),
    /// 有房无房: has property.
    Property(Box<Query>, PropertyCheck),
    /// No record.
    NoRecord(Box<Query>),
    /// Waiting for the certificate; `from` is where back leads after the preview.
    Issuing(Box<Query>, Box<RecordsFlow>),
    /// The certificate preview (shared with the screen's [`Document`], not copied per screen).
    Preview(Box<Query>, Arc<Certificate>, Box<RecordsFlow>),
    /// Printing.
    Printing(Box<Certificate>),
    /// Take the certificate and the card.
    Take(Box<Certificate>),
}

impl RecordsFlow {
    /// The first state.
    pub fn start() -> RecordsFlow {
        RecordsFlow::ChooseKind
    }

    /// Whether a device is needed now.
    pub fn needs(&self, device: Device) -> bool {
        match self {
            RecordsFlow::ChooseKind => RecordsFlow::NEEDS.contains(&device),
            RecordsFlow::Identify(_, id) => id.needs(device) || device == Device::A4Printer,
            RecordsFlow::Printing(_) => device == Device::A4Printer,
            RecordsFlow::Take(_) => false,
            _ => matches!(device, Device::A4Printer | Device::Central | Device::Reader),
        }
    }

    const NEEDS: [Device; 4] = [
        Device::Reader,
        Device::Camera,
        Device::A4Printer,
        Device::Central,
    ];

    /// Whether it waits for a device or central.
    pub fn busy(&self) -> bool {
        match self {
            RecordsFlow::Identify(_, id) => id.busy(),
            RecordsFlow::Loading(_) | RecordsFlow::Issuing(..) | RecordsFlow::Printing(_) => true,
            _ => false,
        }
    }

    /// Handles one event.
    pub fn handle(self, event: Event, cx: &mut Cx<'_>) -> Step<RecordsFlow> {
        use RecordsFlow as S;
        // The card must stay on the reader until printing starts.
        if matches!(event, Event::Card(DeviceEvent::CardLifted))
            && matches!(
                self,
                S::Purpose(..)
                    | S::Loading(_)
                    | S::Units(..)
                    | S::Detail(..)
                    | S::Property(..)
                    | S::NoRecord(_)
                    | S::Issuing(..)
                    | S::Preview(..)
            )
        {
            return Step::Exit(ExitReason::CardLifted);
        }
        match (self, event) {
            (S::ChooseKind, Event::Intent(Intent::Press(ButtonId::OwnershipQuery))) => {
                cx.journal("query_kind", "ownership");
                Step::Next(S::Identify(QueryKind::Ownership, Identify::start()))
            }
            (S::ChooseKind, Event::Intent(Intent::Press(ButtonId::PropertyQuery))) => {
                cx.journal("query_kind", "property");
                Step::Next(S::Identify(QueryKind::Property, Identify::start()))
            }
            (S::ChooseKind, Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (S::Identify(kind, id), event) => match id.handle(event, cx) {
                IdStep::Next(id) => Step::Next(S::Identify(kind, id)),
                IdStep::Verified(who) => Step::Next(S::Purpose(kind, Box::new(who))),
                IdStep::Back => Step::Next(S::ChooseKind),
                IdStep::Fault(id, fault, retry) => Step::Fault {
                    state: S::Identify(kind, id),
                    fault,
                    retry,
                },
                IdStep::Exit(reason) => Step::Exit(reason),
            },
            (S::Purpose(kind, who), Event::Intent(Intent::Select(i))) => {
                match QueryPurpose::ALL.get(i) {
                    Some(purpose) => {
                        cx.journal("purpose", purpose.as_str());
                        let query = Query {
                            kind,
                            who: *who,
                            purpose: *purpose,
                        };
                        let verification_id = query.who.verification.verification_id;
                        cx.call(match kind {
                            QueryKind::Ownership => CentralCall::Records { verification_id },
                            QueryKind::Property => CentralCall::PropertyCheck { verification_id },
                        });
                        Step::Next(S::Loading(Box::new(query)))
                    }
                    None => Step::Next(S::Purpose(kind, who)),
                }
            }
            // Back from the purpose would need a new verification: go to the start instead.
            (S::Purpose(..), Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (S::Loading(query), Event::Done(Completion::Central(reply))) => {
                RecordsFlow::loaded(query, reply, cx)
            }
            (S::Units(query, records), Event::Intent(Intent::Select(i)))
                if i < records.units.len() =>
            {
                Step::Next(S::Detail(query, records, i))
            }
            (S::Units(..), Event::Intent(Intent::Back))
            | (S::Property(..), Event::Intent(Intent::Back))
            | (S::NoRecord(_), Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (S::Detail(query, records, _), Event::Intent(Intent::Back)) => {
                Step::Next(S::Units(query, records))
            }
            (S::Units(query, records), Event::Intent(Intent::Press(ButtonId::Certificate))) => {
                let request = RecordsFlow::request(&query, None);
                RecordsFlow::issue(query, S::Units, records, request, cx)
            }
            (S::Detail(query, records, i), Event::Intent(Intent::Press(ButtonId::Certificate))) => {
                let code = records.units.get(i).map(|u| vec![u.unit_code.clone()]);
                let request = RecordsFlow::request(&query, code);
                let from = S::Detail(query.clone(), records, i);
                cx.call(CentralCall::IssueCertificate(request));
                Step::Next(S::Issuing(query, Box::new(from)))
            }
            (S::Property(query, check), Event::Intent(Intent::Press(ButtonId::Certificate))) => {
                let request = RecordsFlow::request(&query, None);
                RecordsFlow::issue(query, S::Property, check, request, cx)
            }
            (S::NoRecord(query), Event::Intent(Intent::Press(ButtonId::Certificate))) => {
                let request = RecordsFlow::request(&query, None);
                cx.call(CentralCall::IssueCertificate(request));
                let from = S::NoRecord(query.clone());
                Step::Next(S::Issuing(query, Box::new(from)))
            }
            (
                S::Issuing(query, from),
                Event::Done(Completion::Central(Reply::Certificate(result))),
            ) => match result {
                Ok(certificate) => {
                    cx.journal(
                        "certificate_issued",
                        format!(
                            "query_number={} units={}",
                            certificate.query_number,
                            certificate.units.len()
                        ),
                    );
                    Step::Next(S::Preview(query, Arc::from(certificate), from))
                }
                Err(failure) => {
                    cx.journal("issue_certificate", failure.as_str());
                    central_fault(S::Issuing(query, from), failure)
                }
            },
            (S::Preview(_, _, from), Event::Intent(Intent::Back)) => Step::Next(*from),
            (S::Preview(_, certificate, _), Event::Intent(Intent::Press(ButtonId::Print))) => {
                let certificate = Box::new(Arc::unwrap_or_clone(certificate));
                cx.print(PrintJob::Certificate(certificate.clone()));
                Step::Next(S::Printing(certificate))
            }
            (S::Printing(certificate), Event::Done(Completion::Printed)) => {
                cx.journal(
                    "printed",
                    PrintJob::Certificate(certificate.clone()).as_str(),
                );
                Step::Next(S::Take(certificate))
            }
            (S::Printing(certificate), Event::Done(Completion::PrintFailed(fault))) => {
                cx.journal("print_failed", fault.as_str());
                Step::Fault {
                    state: S::Printing(certificate),
                    fault: Fault::Print {
                        device: Device::A4Printer,
                        fault,
                    },
                    retry: false,
                }
            }
            (S::Take(_), Event::Intent(Intent::Press(ButtonId::Done)))
            | (S::Take(_), Event::Card(DeviceEvent::CardLifted)) => Step::Exit(ExitReason::Done),
            (state, _) => Step::Next(state),
        }
    }

    fn request(
        query: &Query,
        unit_codes: Option<Vec<central_api::domain::UnitCode>>,
    ) -> CertificateRequest {
        CertificateRequest {
            verification_id: query.who.verification.verification_id,
            purpose: query.purpose,
            purpose_note: None,
            requester: Requester::Holder,
            unit_codes,
        }
    }

    fn issue<T>(
        query: Box<Query>,
        back: fn(Box<Query>, T) -> RecordsFlow,
        data: T,
        request: CertificateRequest,
        cx: &mut Cx<'_>,
    ) -> Step<RecordsFlow> {
        cx.call(CentralCall::IssueCertificate(request));
        let from = back(query.clone(), data);
        Step::Next(RecordsFlow::Issuing(query, Box::new(from)))
    }

    fn loaded(query: Box<Query>, reply: Reply, cx: &mut Cx<'_>) -> Step<RecordsFlow> {
        match reply {
            Reply::Records(Ok(records)) => {
                cx.journal("records", format!("units={}", records.units.len()));
                if records.units.is_empty() {
                    Step::Next(RecordsFlow::NoRecord(query))
                } else {
                    Step::Next(RecordsFlow::Units(query, records))
                }
            }
            Reply::PropertyCheck(Ok(check)) => {
                cx.journal(
                    "property_check",
                    format!("residential_units={}", check.residential_units),
                );
                if check.has_property {
                    Step::Next(RecordsFlow::Property(query, check))
                } else {
                    Step::Next(RecordsFlow::NoRecord(query))
                }
            }
            Reply::Records(Err(failure)) | Reply::PropertyCheck(Err(failure)) => {
                cx.journal("records", failure.as_str());
                central_fault(RecordsFlow::Loading(query), failure)
            }
            _ => Step::Next(RecordsFlow::Loading(query)),
        }
    }

    /// The screen.
    pub fn screen(&self, sx: &Sx<'_>) -> Screen {
        use RecordsFlow as S;
        let print_up = sx.devices.is_up(Device::A4Printer);
        let cert_button =
            || Button::new(ButtonId::Certificate, TextKey::IssueCertificate).enabled(print_up);
        match self {
            S::ChooseKind => Screen::new(ScreenId::RecordsKind, TextKey::RecordsTitle)
                .button(Button::new(
                    ButtonId::OwnershipQuery,
                    TextKey::OwnershipQuery,
                ))
                .button(Button::new(ButtonId::PropertyQuery, TextKey::PropertyQuery)),
            S::Identify(_, id) => id.screen(sx),
            S::Purpose(..) => Screen::new(ScreenId::Purpose, TextKey::PurposeTitle)
                .line(TextKey::PurposeBody)
                .items(
                    QueryPurpose::ALL
                        .iter()
                        .map(|p| Item::new(vec![Text::Data(p.chinese().to_owned())]))
                        .collect(),
                ),
            S::Loading(_) | S::Issuing(..) => {
                Screen::new(ScreenId::Working, TextKey::QueryingTitle)
                    .line(TextKey::PleaseWait)
                    .busy()
            }
            S::Units(_, records) => Screen::new(ScreenId::Units, TextKey::UnitsTitle)
                .line(Text::args(
                    TextKey::UnitsCount,
                    [
                        records.units.len().to_string(),
                        show::datetime(records.as_of),
                    ],
                ))
                .items(
                    records
                        .units
                        .iter()
                        .map(|u| Item::new(show::unit_item(u)))
                        .collect(),
                )
                .button(cert_button()),
            S::Detail(query, records, i) => {
                let own = query.who.card.document_number();
                let mut screen = Screen::new(ScreenId::UnitDetail, TextKey::UnitDetailTitle);
                if let Some(unit) = records.units.get(*i) {
                    screen.lines = show::unit_detail(unit, own);
                }
                screen.button(cert_button())
            }
            S::Property(_, check) => Screen::new(ScreenId::PropertyResult, TextKey::PropertyTitle)
                .line(Text::args(
                    TextKey::PropertyHas,
                    [check.residential_units.to_string()],
                ))
                .button(cert_button()),
            S::NoRecord(_) => Screen::new(ScreenId::NoRecord, TextKey::NoRecordTitle)
                .line(TextKey::NoRecordBody)
                .button(cert_button()),
            S::Preview(query, c, _) => {
                let mut screen = Screen::new(ScreenId::Preview, TextKey::PreviewTitle);
                screen.document = Some(Document::Certificate(Arc::clone(c)));
                screen = screen
                    .line(match query.kind {
                        QueryKind::Ownership => TextKey::OwnershipQuery,
                        QueryKind::Property => TextKey::PropertyQuery,
                    })
                    .line(Text::args(
                        TextKey::LabelQueryNumber,
                        [c.query_number.to_string()],
                    ))
                    .line(Text::args(
                        TextKey::LabelQueryTime,
                        [show::datetime(c.issued_at)],
                    ))
                    .line(Text::args(
                        TextKey::LabelPurpose,
                        [c.purpose.chinese().to_owned()],
                    ))
                    .line(Text::args(
                        TextKey::LabelAgency,
                        [c.agency.clone(), c.agency_phone.clone()],
                    ));
                if c.units.is_empty() {
                    screen = screen.line(TextKey::NoRecordStatement);
                }
                for u in &c.units {
                    screen = screen.line(Text::Data(u.location.clone()));
                }
                screen.button(Button::new(ButtonId::Print, TextKey::Print).enabled(print_up))
            }
            S::Printing(_) => Screen::new(ScreenId::Printing, TextKey::PrintingTitle)
                .line(TextKey::PleaseWait)
                .busy(),
            S::Take(c) => Screen::new(ScreenId::TakeCertificate, TextKey::TakeCertificateTitle)
                .line(TextKey::TakeCertificateBody)
                .line(Text::args(
                    TextKey::LabelQueryNumber,
                    [c.query_number.to_string()],
                ))
                .button(Button::new(ButtonId::Done, TextKey::Done))
                .no_back(),
        }
    }
}
