//! Scripted journeys through every flow, for `kiosk demo --out DIR` and the mapping tests: the
//! flows' state machines driven with citizen inputs, device events and central's answers built
//! from the contract's types (synthetic data; the sample citizen is the flows' test citizen),
//! under virtual time. Each journey records every new screen and every print job in order.

use anyhow::{Context, Result, anyhow};
use central_api::domain::{PickupMethod, QueryPurpose, RatingLevel, RatingReason};
use central_api::dto::*;
use flows::samples::{
    appointment_open, appointment_too_early, appointment_too_late, card, catalogue, faq, fees,
    fresh, order, progress, records as units_of, ticket, unit, verification,
};
use flows::{
    AddressForm, ButtonId, Cached, Completion, Config, Device, DeviceEvent, Effect, FaceOutcome,
    FlowKind, Input, Intent, Kiosk, Now, PrintFault, PrintJob, QuestionForm, Reply, Screen,
};
use idcard::CardText;

/// The journeys' clock starts at 2026-11-28 09:00 Beijing time (the samples' day).
pub use flows::samples::START;

/// The sample citizen's name (synthetic, with a rare character).
pub use flows::samples::CITIZEN_NAME;

/// One screen as the citizen saw it.
#[derive(Debug, Clone)]
pub struct Shot {
    /// The screen.
    pub screen: Screen,
}

/// What a journey produced, in order.
#[derive(Debug, Clone)]
pub enum Event {
    /// A new screen.
    Shot(Shot),
    /// A print job the flow sent.
    Print(PrintJob),
}

/// A scripted journey.
#[derive(Debug, Clone)]
pub struct Journey {
    /// Its name (the output folder).
    pub name: &'static str,
    /// What it showed and printed.
    pub events: Vec<Event>,
}

impl Journey {
    /// Its screens.
    pub fn shots(&self) -> impl Iterator<Item = &Shot> {
        self.events.iter().filter_map(|e| match e {
            Event::Shot(s) => Some(s),
            Event::Print(_) => None,
        })
    }

    /// Its print jobs.
    pub fn prints(&self) -> impl Iterator<Item = &PrintJob> {
        self.events.iter().filter_map(|e| match e {
            Event::Print(p) => Some(p),
            Event::Shot(_) => None,
        })
    }
}

/// A screen as `kiosk demo --out` writes it to disk: the personal values the flows show a
/// citizen as their own ([`flows::Text::Personal`], such as their full ID number on a unit's
/// detail) masked as everyone else's are: ID numbers to their first 4 and last 4 characters
/// ([`super::mask_id`]), names to their first character. What stays on the kiosk's screen is
/// the flows' business; files on disk never carry a full number, even a synthetic one.
#[must_use]
pub fn for_disk(screen: &Screen) -> Screen {
    let mut screen = screen.clone();
    let texts = screen
        .lines
        .iter_mut()
        .chain(screen.items.iter_mut().flat_map(|i| i.lines.iter_mut()))
        .chain(screen.buttons.iter_mut().map(|b| &mut b.label))
        .chain(screen.error.iter_mut());
    for text in texts {
        if let flows::Text::Personal(value) = text {
            *text = flows::Text::Data(mask_personal(value.expose()));
        }
    }
    screen
}

/// Masks each word of a personal value: a document number (9 or more letters and digits, with
/// a digit) to its first 4 and last 4 characters, a word without digits (a name) to its first
/// character; short numbers (a share, `50%`) stay.
fn mask_personal(value: &str) -> String {
    value
        .split(' ')
        .map(|word| {
            let chars = word.chars().count();
            let has_digit = word.chars().any(|c| c.is_ascii_digit());
            if chars >= 9 && has_digit && word.chars().all(|c| c.is_ascii_alphanumeric()) {
                super::mask_id(word)
            } else if !has_digit {
                idcard::sensitive::mask_name(word)
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names of every journey, in order.
pub const NAMES: [&str; 8] = [
    "records",
    "records-elder",
    "checkin",
    "ticket",
    "case",
    "guide",
    "ask-rate",
    "faults",
];

/// Every journey.
pub fn all() -> Result<Vec<Journey>> {
    NAMES.iter().map(|n| journey(n)).collect()
}

/// One journey by name.
pub fn journey(name: &str) -> Result<Journey> {
    let (name, events) = match name {
        "records" => ("records", records(false)?),
        "records-elder" => ("records-elder", records(true)?),
        "checkin" => ("checkin", checkin()?),
        "ticket" => ("ticket", ticket_flow()?),
        "case" => ("case", case()?),
        "guide" => ("guide", guide()?),
        "ask-rate" => ("ask-rate", ask_rate()?),
        "faults" => ("faults", faults()?),
        other => {
            return Err(anyhow!(
                "no journey {other:?} (known: {})",
                NAMES.join(", ")
            ));
        }
    };
    Ok(Journey { name, events })
}

/// The driver: feeds inputs under virtual time and records new screens and print jobs.
struct D {
    k: Kiosk,
    now: Now,
    events: Vec<Event>,
    last: Option<Screen>,
}

impl D {
    fn new() -> D {
        let mut d = D {
            k: Kiosk::new(Config::default()),
            now: Now::new(0, START),
            events: Vec::new(),
            last: None,
        };
        d.shoot();
        d
    }

    fn shoot(&mut self) {
        let screen = self.k.screen(self.now);
        if self.last.as_ref() == Some(&screen) {
            return;
        }
        self.last = Some(screen.clone());
        self.events.push(Event::Shot(Shot { screen }));
    }

    fn input(&mut self, input: Input) -> &mut D {
        for effect in self.k.handle(input, self.now) {
            if let Effect::Print(job) = effect {
                self.events.push(Event::Print(job));
            }
        }
        self.shoot();
        self
    }

    fn intent(&mut self, intent: Intent) -> &mut D {
        self.input(Input::Citizen(intent))
    }

    fn press(&mut self, id: ButtonId) -> &mut D {
        self.intent(Intent::Press(id))
    }

    fn select(&mut self, i: usize) -> &mut D {
        self.intent(Intent::Select(i))
    }

    fn enter(&mut self, text: &str) -> &mut D {
        self.intent(Intent::Enter(text.into()))
    }

    fn start(&mut self, flow: FlowKind) -> &mut D {
        self.intent(Intent::Start(flow))
    }

    fn card(&mut self, card: CardText) -> &mut D {
        self.input(Input::Device(DeviceEvent::CardRead(Box::new(card))))
    }

    fn device(&mut self, device: Device, up: bool) -> &mut D {
        self.input(Input::Device(DeviceEvent::Status { device, up }))
    }

    fn done(&mut self, completion: Completion) -> Result<&mut D> {
        let session = self.k.session().context("no session to complete")?;
        Ok(self.input(Input::Done {
            session,
            completion,
        }))
    }

    fn reply(&mut self, reply: Reply) -> Result<&mut D> {
        self.done(Completion::Central(reply))
    }

    fn wait_ms(&mut self, ms: u64) -> &mut D {
        self.now = self.now.after_ms(ms);
        self.input(Input::Tick)
    }

    /// Moves past the idle screen's notice of the last session.
    fn settle(&mut self) -> &mut D {
        self.now = self.now.after_ms(Config::default().notice_ms);
        self.k.handle(Input::Tick, self.now);
        self.last = Some(self.k.screen(self.now));
        self
    }

    fn finish(self) -> Vec<Event> {
        self.events
    }
}

/// Identity: consent, card, one failed face check, a passed one, verification.
fn identify(d: &mut D) -> Result<()> {
    d.press(ButtonId::Accept).card(card()?);
    d.done(Completion::Face(FaceOutcome::Failed(
        liveness::FailReason::NoMotion,
    )))?;
    d.press(ButtonId::Retry);
    d.done(Completion::Face(FaceOutcome::Passed { best_frame: 42 }))?
        .reply(Reply::Verification(Ok(verification())))?;
    Ok(())
}

/// Flow 1: ownership query with units, 有房无房 with property, and "no record" (normal or elder
/// mode; elder mode also shows its time-out warning, which never ends the session).
fn records(elder: bool) -> Result<Vec<Event>> {
    let mut d = D::new();
    if elder {
        d.intent(Intent::ElderMode(true));
    }
    d.start(FlowKind::Records).press(ButtonId::OwnershipQuery);
    identify(&mut d)?;
    d.select(1)
        .reply(Reply::Records(Ok(units_of(vec![unit()?]))))?;
    if elder {
        d.wait_ms(Config::default().elder_step_timeout_ms)
            .intent(Intent::Extend);
    }
    d.select(0).press(ButtonId::Certificate);
    d.reply(Reply::Certificate(Ok(flows::samples::certificate(
        vec![unit()?],
        QueryPurpose::SchoolEnrolment,
    )?)))?;
    d.press(ButtonId::Print).done(Completion::Printed)?;
    d.press(ButtonId::Done);
    d.settle();
    if elder {
        return Ok(d.finish());
    }

    // 有房无房: has property.
    d.start(FlowKind::Records).press(ButtonId::PropertyQuery);
    d.press(ButtonId::Accept).card(card()?);
    d.done(Completion::Face(FaceOutcome::Passed { best_frame: 43 }))?
        .reply(Reply::Verification(Ok(verification())))?;
    d.select(0).reply(Reply::PropertyCheck(Ok(PropertyCheck {
        has_property: true,
        residential_units: 2,
    })))?;
    d.intent(Intent::Home).settle();

    // No record: the no-record certificate.
    d.start(FlowKind::Records).press(ButtonId::OwnershipQuery);
    d.press(ButtonId::Accept).card(card()?);
    d.done(Completion::Face(FaceOutcome::Passed { best_frame: 44 }))?
        .reply(Reply::Verification(Ok(verification())))?;
    d.select(0).reply(Reply::Records(Ok(units_of(vec![]))))?;
    d.press(ButtonId::Certificate)
        .reply(Reply::Certificate(Ok(flows::samples::certificate(
            vec![],
            QueryPurpose::PurchaseQualification,
        )?)))?;
    d.press(ButtonId::Print).done(Completion::Printed)?;
    d.press(ButtonId::Done);
    Ok(d.finish())
}

/// Flow 2: booking code, too early, too late with a walk-in ticket, then a check-in.
fn checkin() -> Result<Vec<Event>> {
    let mut d = D::new();
    d.start(FlowKind::CheckIn)
        .press(ButtonId::UseKeypad)
        .enter("64785520");
    d.reply(Reply::Appointments(Ok(Appointments {
        appointments: vec![
            appointment_open(),
            appointment_too_early(),
            appointment_too_late(),
        ],
    })))?;
    d.select(1).intent(Intent::Back).select(2);
    d.press(ButtonId::WalkIn)
        .reply(Reply::Ticket(Ok(ticket("A031", Priority::None))))?;
    d.done(Completion::Printed)?.press(ButtonId::Done);
    d.settle();

    d.start(FlowKind::CheckIn)
        .press(ButtonId::UseKeypad)
        .enter("64785520");
    d.reply(Reply::Appointments(Ok(Appointments {
        appointments: vec![appointment_open()],
    })))?;
    d.select(0)
        .reply(Reply::Ticket(Ok(ticket("A012", Priority::Appointment))))?;
    d.done(Completion::Printed)?.press(ButtonId::Done);
    Ok(d.finish())
}

/// Flow 3: a walk-in ticket with the elderly priority read from the card.
fn ticket_flow() -> Result<Vec<Event>> {
    let mut d = D::new();
    d.start(FlowKind::Ticket)
        .reply(Reply::Catalogue(Ok(fresh(catalogue()))))?;
    d.select(0).press(ButtonId::PriorityElderly).card(card()?);
    d.reply(Reply::Ticket(Ok(ticket("A013", Priority::Elderly))))?;
    d.done(Completion::Printed)?.press(ButtonId::Done);
    Ok(d.finish())
}

/// Flow 4: case number, progress, courier pickup, fees and the payment QR until paid; then the
/// receipt's QR shown to the camera.
fn case() -> Result<Vec<Event>> {
    let mut d = D::new();
    d.start(FlowKind::Case)
        .press(ButtonId::UseKeypad)
        .enter("BDC-2026-000101");
    d.reply(Reply::Case(Ok(progress(true)?)))?;
    d.press(ButtonId::Pickup)
        .press(ButtonId::PickupMethod(PickupMethod::Courier));
    d.intent(Intent::Address(AddressForm {
        recipient: CITIZEN_NAME.into(),
        phone: "13800138000".into(),
        address: "北京市朝阳区建国路甲88号院3号楼2单元1101号".into(),
        postal_code: "100022".into(),
    }));
    d.reply(Reply::Pickup(Ok(Pickup {
        ready: false,
        method: Some(PickupMethod::Courier),
        window: None,
        changeable: true,
    })))?;
    d.press(ButtonId::Fees).reply(Reply::Fees(Ok(fees())))?;
    d.press(ButtonId::Pay)
        .reply(Reply::Payment(Ok(order(PaymentState::Pending))))?;
    d.wait_ms(Config::default().payment_poll_ms);
    d.reply(Reply::Payment(Ok(order(PaymentState::Paid))))?;
    d.press(ButtonId::Done);
    d.intent(Intent::Home).settle();

    d.start(FlowKind::Case).press(ButtonId::ScanQr);
    d.done(Completion::Qr("https://h.invalid/c/BDC-2026-000101".into()))?;
    d.reply(Reply::Case(Ok(progress(true)?)))?;
    d.intent(Intent::Home);
    Ok(d.finish())
}

/// Flow 5: the guide from a cached copy, a topic, its checklist printed.
fn guide() -> Result<Vec<Event>> {
    let mut d = D::new();
    d.start(FlowKind::Guide).reply(Reply::Catalogue(Ok(Cached {
        value: catalogue(),
        offline_age_ms: Some(125 * 60_000),
    })))?;
    d.select(0).select(0).select(0);
    d.press(ButtonId::Print).done(Completion::Printed)?;
    d.intent(Intent::Home);
    Ok(d.finish())
}

/// Flow 6: the FAQ, a question left, a dissatisfied rating with a reason.
fn ask_rate() -> Result<Vec<Event>> {
    let mut d = D::new();
    d.start(FlowKind::AskRate)
        .press(ButtonId::Faq)
        .reply(Reply::Faq(Ok(fresh(faq()))))?;
    d.select(0).intent(Intent::Back).intent(Intent::Back);
    d.press(ButtonId::Ask);
    d.intent(Intent::Question(QuestionForm {
        text: "继承需要什么材料？".into(),
        phone: "1380013800".into(),
    }));
    d.intent(Intent::Question(QuestionForm {
        text: "继承需要什么材料？".into(),
        phone: "13800138000".into(),
    }));
    d.reply(Reply::Question(Ok(QuestionReceipt {
        question_id: "Q1".into(),
    })))?;
    d.press(ButtonId::Done).settle();

    d.start(FlowKind::AskRate)
        .press(ButtonId::RateTicket)
        .enter("A012");
    d.press(ButtonId::Level(RatingLevel::Dissatisfied))
        .press(ButtonId::Submit)
        .press(ButtonId::Reason(RatingReason::LongWait));
    d.press(ButtonId::Submit)
        .reply(Reply::Rating(Ok(RatingReceipt {
            rating_id: "R1".into(),
        })))?;
    d.press(ButtonId::Done);
    Ok(d.finish())
}

/// Device and central faults, out of service, the time-out warning and its end.
fn faults() -> Result<Vec<Event>> {
    let mut d = D::new();
    // The A4 printer down: the records service is out of service, the others work.
    d.device(Device::A4Printer, false).start(FlowKind::Records);
    d.device(Device::A4Printer, true).settle();

    // Paper out while printing a ticket.
    d.start(FlowKind::Ticket)
        .reply(Reply::Catalogue(Ok(fresh(catalogue()))))?;
    d.select(1).press(ButtonId::PriorityNone);
    d.reply(Reply::Ticket(Ok(ticket("B001", Priority::None))))?;
    d.done(Completion::PrintFailed(PrintFault::PaperOut))?;
    d.press(ButtonId::Exit);
    d.settle();

    // Central busy: retry offered.
    d.start(FlowKind::Case)
        .press(ButtonId::UseKeypad)
        .enter("BDC-2026-000101");
    d.reply(Reply::Case(Err(flows::CentralFailure::Server)))?;
    d.press(ButtonId::Exit).settle();

    // Maintenance open: every service out of service.
    d.k.set_locked(true);
    d.shoot();
    d.k.set_locked(false);
    d.shoot();

    // The inactivity warning: extended once, then the session times out.
    let config = Config::default();
    d.start(FlowKind::Guide)
        .reply(Reply::Catalogue(Ok(fresh(catalogue()))))?;
    d.wait_ms(config.step_timeout_ms).intent(Intent::Extend);
    d.wait_ms(config.step_timeout_ms).wait_ms(config.warning_ms);
    Ok(d.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flows::ScreenId;

    #[test]
    fn journeys_reach_their_screens_and_print() {
        let all = all().unwrap();
        assert_eq!(all.len(), NAMES.len());
        let ids = |name: &str| -> Vec<ScreenId> {
            all.iter()
                .find(|j| j.name == name)
                .unwrap()
                .shots()
                .map(|s| s.screen.id)
                .collect()
        };
        let prints = |name: &str| -> Vec<&'static str> {
            all.iter()
                .find(|j| j.name == name)
                .unwrap()
                .prints()
                .map(PrintJob::as_str)
                .collect()
        };
        assert!(ids("records").contains(&ScreenId::TakeCertificate));
        assert!(ids("records").contains(&ScreenId::PropertyResult));
        assert!(ids("records").contains(&ScreenId::NoRecord));
        assert_eq!(prints("records"), ["certificate", "no_record_certificate"]);
        assert_eq!(prints("checkin"), ["queue_ticket", "check_in_slip"]);
        assert_eq!(prints("ticket"), ["queue_ticket"]);
        assert_eq!(prints("guide"), ["checklist"]);
        assert!(ids("case").contains(&ScreenId::PaymentQr));
        assert!(ids("case").contains(&ScreenId::ScanQr));
        assert!(ids("ticket").contains(&ScreenId::TakeTicket));
        assert!(ids("ask-rate").contains(&ScreenId::RateReasons));
        assert!(ids("faults").contains(&ScreenId::Fault));
        let elder = all.iter().find(|j| j.name == "records-elder").unwrap();
        assert!(
            elder
                .shots()
                .all(|s| s.screen.elder || s.screen.id == ScreenId::Idle)
        );
        assert!(
            elder
                .shots()
                .any(|s| s.screen.warning.is_some_and(|w| w.seconds_left.is_none()))
        );
        let faults = all.iter().find(|j| j.name == "faults").unwrap();
        assert!(
            faults
                .shots()
                .any(|s| s.screen.warning.is_some_and(|w| w.seconds_left.is_some()))
        );
        let preview = all[0]
            .shots()
            .find(|s| s.screen.id == ScreenId::Preview)
            .unwrap();
        assert!(matches!(
            preview.screen.document,
            Some(flows::screen::Document::Certificate(_))
        ));
        assert!(journey("nope").is_err());
    }

    #[test]
    fn screens_for_disk_mask_the_citizens_own_values() {
        let own = flows::samples::own_id().unwrap();
        let rendered = |s: &Screen| {
            let mut out = Vec::new();
            for lang in [flows::Lang::Zh, flows::Lang::En] {
                out.extend(s.rendered_lines(lang));
                out.extend(
                    s.items
                        .iter()
                        .flat_map(|i| i.lines.iter().map(|l| l.render(lang))),
                );
                out.extend(s.buttons.iter().map(|b| b.label.render(lang)));
                out.extend(s.error.iter().map(|e| e.render(lang)));
            }
            out.join("\n")
        };
        let mut shown = 0;
        for j in all().unwrap() {
            for shot in j.shots() {
                if rendered(&shot.screen).contains(&own) {
                    shown += 1;
                }
                let disk = for_disk(&shot.screen);
                let text = rendered(&disk);
                assert!(
                    !text.contains(&own),
                    "{} {:?}: {text}",
                    j.name,
                    shot.screen.id
                );
                assert!(
                    !text.contains(CITIZEN_NAME),
                    "{} {:?}",
                    j.name,
                    shot.screen.id
                );
            }
        }
        assert!(
            shown > 0,
            "the journeys show the citizen her own number somewhere"
        );
        assert_eq!(
            mask_personal(&format!("{CITIZEN_NAME} {own} 50%")),
            format!("张** {} 50%", super::super::mask_id(&own))
        );
    }
}
