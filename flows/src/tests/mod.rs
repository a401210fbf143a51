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
use central_api::domain::{BusinessType, CaseStage, CaseStatus, QueryPurpose, RightType};
use central_api::dto::*;
use idcard::{CardText, Date, Expiry};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

/// 2026-11-28 09:00 Beijing time.
pub(crate) const START: OffsetDateTime = datetime!(2026-11-28 09:00 +08:00);

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

pub(crate) fn verification() -> Verification {
    samples::verification()
}

pub(crate) fn unit() -> Unit {
    samples::unit().unwrap()
}

pub(crate) fn records(units: Vec<Unit>) -> Records {
    Records {
        units,
        as_of: START,
    }
}

pub(crate) fn certificate(units: Vec<Unit>) -> Box<Certificate> {
    Box::new(Certificate {
        query_number: "Q20261128000123".parse().unwrap(),
        verification_code: "7KX2-9QPM-4RTA".parse().unwrap(),
        verification_url: "https://verify.invalid/7KX2-9QPM-4RTA".into(),
        issued_at: START,
        agency: "北京市朝阳区不动产登记中心".into(),
        agency_phone: "010-12345678".into(),
        requester_name: "张𠮷英".into(),
        requester_id_number: IdNumberDto(own_id()),
        purpose: QueryPurpose::SchoolEnrolment,
        units,
    })
}

pub(crate) fn appointment(from: OffsetDateTime, until: OffsetDateTime) -> Appointment {
    Appointment {
        appointment_id: "AP-1".into(),
        booking_code: "64785520".into(),
        service_code: "A".into(),
        service_name: "二手房转移登记".into(),
        slot_start: datetime!(2026-11-28 10:00 +08:00),
        slot_end: datetime!(2026-11-28 10:30 +08:00),
        status: AppointmentStatus::Booked,
        check_in_from: from,
        check_in_until: until,
    }
}

pub(crate) fn ticket(number: &str, priority: Priority) -> Ticket {
    Ticket {
        ticket_number: number.into(),
        service_code: "A".into(),
        service_name: "二手房转移登记".into(),
        priority,
        people_ahead: 4,
        estimated_wait_minutes: 18,
        window: Some("5".into()),
        issued_at: START,
    }
}

pub(crate) fn topic(code: &str, service: &str) -> Topic {
    Topic {
        code: code.into(),
        name: format!("二手房买卖转移登记 {code}"),
        business_type: BusinessType::Transfer,
        applicant_type: "individual".into(),
        joint_handling: "land_housing_tax".into(),
        disposition: "sale".into(),
        usage: "residential".into(),
        right_type: RightType::StateConstructionLandAndHouse,
        materials: vec![Material {
            name: "不动产权证书".into(),
            original: true,
            copies: 1,
            note: None,
        }],
        fee_fen: 8000,
        service_code: service.into(),
        time_limit_days: 5,
    }
}

pub(crate) fn catalogue() -> Catalogue {
    let c = |code: &str, name: &str| Classification {
        code: code.into(),
        name: name.into(),
    };
    Catalogue {
        version: "v1".into(),
        classifications: Classifications {
            applicant_types: vec![c("individual", "个人"), c("enterprise", "企业")],
            joint_handling: vec![c("land_housing_tax", "房地税联办")],
            dispositions: vec![c("sale", "买卖"), c("gift", "赠与")],
            uses: vec![c("residential", "住宅")],
            right_types: vec![c(
                "state_construction_land_and_house",
                "国有建设用地使用权/房屋所有权",
            )],
        },
        topics: vec![topic("T1", "A"), topic("T2", "A"), topic("T3", "B")],
    }
}

pub(crate) fn progress(changeable: bool) -> CaseProgress {
    CaseProgress {
        case_number: "BDC-2026-000101".parse().unwrap(),
        business_type: BusinessType::Transfer,
        status: CaseStatus::InProgress,
        stages: vec![
            StageProgress {
                stage: CaseStage::Accept,
                started_at: datetime!(2026-11-20 09:00 +08:00),
                finished_at: Some(datetime!(2026-11-20 09:30 +08:00)),
            },
            StageProgress {
                stage: CaseStage::Review,
                started_at: datetime!(2026-11-20 09:30 +08:00),
                finished_at: None,
            },
        ],
        pickup: Pickup {
            ready: false,
            method: Some(central_api::domain::PickupMethod::Window),
            window: Some("8".into()),
            changeable,
        },
        rated: false,
    }
}

pub(crate) fn fees() -> Fees {
    Fees {
        items: vec![
            FeeItem {
                name: "不动产登记费（住宅）".into(),
                amount_fen: 8000,
            },
            FeeItem {
                name: "证书工本费".into(),
                amount_fen: 1000,
            },
        ],
        total_fen: 9000,
        paid: false,
    }
}

pub(crate) fn order(state: PaymentState) -> PaymentOrder {
    PaymentOrder {
        order_id: "PO-000017".into(),
        qr_payload: "https://pay.invalid/o/PO-000017".into(),
        amount_fen: 9000,
        state,
        expires_at: datetime!(2026-11-28 09:30 +08:00),
    }
}

pub(crate) fn faq() -> Faq {
    Faq {
        version: "f1".into(),
        entries: vec![FaqEntry {
            id: "1".into(),
            question: "继承房产需要哪些材料？".into(),
            answer: "请携带继承公证书等材料。".into(),
            topic_code: None,
        }],
    }
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
