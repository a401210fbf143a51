//! Tests of the shell and every flow under virtual time: a harness that feeds inputs and
//! collects effects, and fixtures built from the contract's types.

mod ask;
mod case;
mod guide;
mod props;
mod queue;
mod records;
mod shell;

use crate::*;
use central_api::domain::QueryPurpose;
use central_api::dto::*;
use idcard::{CardText, Date, Expiry};
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) use samples::{
    START, appointment_open, appointment_too_early, appointment_too_late, catalogue, faq, fees,
    fresh, order, records, ticket, topic, verification,
};

/// A resident card born on the date.
pub(crate) fn card_born(y: u16, m: u8, d: u8) -> CardText {
    samples::card_born(y, m, d).unwrap()
}

/// The usual citizen: born 1949-12-31 (76 years old).
pub(crate) fn card() -> CardText {
    samples::card().unwrap()
}

/// The usual citizen's full ID number.
pub(crate) fn own_id() -> String {
    samples::own_id().unwrap()
}

pub(crate) fn unit() -> Unit {
    samples::unit().unwrap()
}

/// The citizen's certificate for school enrolment.
pub(crate) fn certificate(units: Vec<Unit>) -> Box<Certificate> {
    samples::certificate(units, QueryPurpose::SchoolEnrolment).unwrap()
}

/// An appointment whose check-in window is `from` to `until`.
pub(crate) fn appointment(from: OffsetDateTime, until: OffsetDateTime) -> Appointment {
    samples::appointment("AP-1", from, until)
}

pub(crate) fn progress(changeable: bool) -> CaseProgress {
    samples::progress(changeable).unwrap()
}

pub(crate) fn refused(code: ErrorCode) -> CentralFailure {
    CentralFailure::Refused(ErrorBody::new(code, "refused", "拒绝"))
}

/// Drives a kiosk under virtual time and keeps every effect.
pub(crate) struct H {
    pub k: Kiosk,
    pub now: Now,
    /// Effects of the last input.
    pub last: Vec<Effect>,
    /// Every effect so far.
    pub all: Vec<Effect>,
}

impl H {
    pub fn new() -> H {
        H::with(Config::default())
    }

    pub fn with(config: Config) -> H {
        H {
            k: Kiosk::new(config),
            now: Now::new(0, START),
            last: Vec::new(),
            all: Vec::new(),
        }
    }

    pub fn input(&mut self, input: Input) -> &mut H {
        self.last = self.k.handle(input, self.now);
        self.all.extend(self.last.iter().cloned());
        // Every state renders.
        let _ = self.k.screen(self.now);
        self
    }

    pub fn intent(&mut self, intent: Intent) -> &mut H {
        self.input(Input::Citizen(intent))
    }

    pub fn press(&mut self, id: ButtonId) -> &mut H {
        self.intent(Intent::Press(id))
    }

    pub fn select(&mut self, i: usize) -> &mut H {
        self.intent(Intent::Select(i))
    }

    pub fn enter(&mut self, text: &str) -> &mut H {
        self.intent(Intent::Enter(text.into()))
    }

    pub fn start(&mut self, flow: FlowKind) -> &mut H {
        self.intent(Intent::Start(flow))
    }

    pub fn card(&mut self, card: CardText) -> &mut H {
        self.input(Input::Device(DeviceEvent::CardRead(Box::new(card))))
    }

    pub fn lift(&mut self) -> &mut H {
        self.input(Input::Device(DeviceEvent::CardLifted))
    }

    pub fn device(&mut self, device: Device, up: bool) -> &mut H {
        self.input(Input::Device(DeviceEvent::Status { device, up }))
    }

    pub fn done(&mut self, completion: Completion) -> &mut H {
        let session = self.k.session().expect("a session");
        self.input(Input::Done {
            session,
            completion,
        })
    }

    pub fn reply(&mut self, reply: Reply) -> &mut H {
        self.done(Completion::Central(reply))
    }

    /// Advances virtual time and ticks.
    pub fn wait_ms(&mut self, ms: u64) -> &mut H {
        self.now = self.now.after_ms(ms);
        self.input(Input::Tick)
    }

    pub fn screen(&self) -> Screen {
        self.k.screen(self.now)
    }

    pub fn screen_id(&self) -> ScreenId {
        self.screen().id
    }

    /// The central calls of the last input.
    pub fn calls(&self) -> Vec<CentralCall> {
        self.last
            .iter()
            .filter_map(|e| match e {
                Effect::Central(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn prints(&self) -> Vec<PrintJob> {
        self.last
            .iter()
            .filter_map(|e| match e {
                Effect::Print(p) => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    /// Asserts that the last input ended the session for `reason` with a wipe and a journal
    /// entry, and the kiosk is idle.
    pub fn assert_exit(&self, reason: &str) {
        assert!(
            self.last.contains(&Effect::WipeSession),
            "no wipe in {:?}",
            self.last
        );
        assert!(
            self.last.iter().any(|e| matches!(e, Effect::Journal(j) if j.step == "exit" && j.outcome.starts_with(reason))),
            "no exit journal {reason} in {:?}",
            self.last
        );
        assert_eq!(self.k.session(), None);
        assert_eq!(self.screen_id(), ScreenId::Idle);
    }

    /// Every rendered line of the screen in both languages.
    pub fn text(&self) -> String {
        let s = self.screen();
        let mut out = Vec::new();
        for lang in [Lang::Zh, Lang::En] {
            out.extend(s.rendered_lines(lang));
            if let Some(e) = &s.error {
                out.push(e.render(lang));
            }
            for item in &s.items {
                out.extend(item.lines.iter().map(|l| l.render(lang)));
            }
        }
        out.join("\n")
    }

    /// Runs the records flow to the verified purpose screen.
    pub fn verified(&mut self, kind: ButtonId) -> &mut H {
        self.start(FlowKind::Records)
            .press(kind)
            .press(ButtonId::Accept)
            .card(card());
        assert!(self.last.contains(&Effect::StartFaceCheck));
        self.done(Completion::Face(FaceOutcome::Passed { best_frame: 42 }))
            .reply(Reply::Verification(Ok(verification())));
        assert_eq!(self.screen_id(), ScreenId::Purpose);
        self
    }
}
