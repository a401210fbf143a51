//! Property test: any sequence of inputs never panics, every way back to idle wipes the session,
//! and no dump or journal line carries the full ID number.

use super::*;
use proptest::prelude::*;

fn reply(i: usize) -> Reply {
    let fail = |j: usize| match j % 5 {
        0 => CentralFailure::Timeout,
        1 => CentralFailure::Unreachable,
        2 => CentralFailure::Server,
        3 => CentralFailure::Broken,
        _ => refused(
            [
                ErrorCode::NotFound,
                ErrorCode::TooEarly,
                ErrorCode::TooLate,
                ErrorCode::AlreadyRated,
                ErrorCode::FaceMismatch,
                ErrorCode::DailyCapReached,
                ErrorCode::PickupLocked,
                ErrorCode::IdentityUnknown,
            ][j % 8],
        ),
    };
    match i % 30 {
        0 => Reply::Verification(Ok(verification())),
        1 => Reply::Records(Ok(records(vec![unit()]))),
        2 => Reply::Records(Ok(records(vec![]))),
        3 => Reply::PropertyCheck(Ok(PropertyCheck {
            has_property: i % 2 == 0,
            residential_units: 1,
        })),
        4 => Reply::Certificate(Ok(certificate(vec![unit()]))),
        5 => Reply::Appointments(Ok(Appointments {
            appointments: vec![appointment(
                START,
                START.saturating_add(time::Duration::hours(1)),
            )],
        })),
        6 => Reply::Ticket(Ok(ticket("A001", Priority::None))),
        7 => Reply::Case(Ok(progress(i % 2 == 0))),
        8 => Reply::Fees(Ok(fees())),
        9 => Reply::Payment(Ok(order(PaymentState::Pending))),
        10 => Reply::Payment(Ok(order(PaymentState::Paid))),
        11 => Reply::Pickup(Ok(progress(true).pickup)),
        12 => Reply::Catalogue(Ok(Cached {
            value: catalogue(),
            offline_age_ms: Some(1),
        })),
        13 => Reply::Faq(Ok(fresh(faq()))),
        14 => Reply::Question(Ok(QuestionReceipt {
            question_id: "1".into(),
        })),
        15 => Reply::Rating(Ok(RatingReceipt {
            rating_id: "1".into(),
        })),
        16 => Reply::Verification(Err(fail(i))),
        17 => Reply::Records(Err(fail(i))),
        18 => Reply::Certificate(Err(fail(i))),
        19 => Reply::Appointments(Err(fail(i))),
        20 => Reply::Ticket(Err(fail(i))),
        21 => Reply::Case(Err(fail(i))),
        22 => Reply::Payment(Err(fail(i))),
        23 => Reply::Catalogue(Err(fail(i))),
        24 => Reply::Rating(Err(fail(i))),
        25 => Reply::Question(Err(fail(i))),
        26 => Reply::Payment(Ok(order(PaymentState::Expired))),
        27 => Reply::Pickup(Err(fail(i))),
        28 => Reply::Fees(Err(fail(i))),
        _ => Reply::PropertyCheck(Err(fail(i))),
    }
}

fn button(i: usize) -> ButtonId {
    use central_api::domain::{PickupMethod, RatingLevel, RatingReason};
    let all = [
        ButtonId::OwnershipQuery,
        ButtonId::PropertyQuery,
        ButtonId::Accept,
        ButtonId::Decline,
        ButtonId::Retry,
        ButtonId::Print,
        ButtonId::Certificate,
        ButtonId::Done,
        ButtonId::Exit,
        ButtonId::UseCard,
        ButtonId::UseKeypad,
        ButtonId::ScanQr,
        ButtonId::WalkIn,
        ButtonId::PriorityNone,
        ButtonId::PriorityElderly,
        ButtonId::PriorityDisabled,
        ButtonId::PriorityPregnant,
        ButtonId::Fees,
        ButtonId::Pay,
        ButtonId::Pickup,
        ButtonId::PickupMethod(PickupMethod::Courier),
        ButtonId::PickupMethod(PickupMethod::Window),
        ButtonId::Faq,
        ButtonId::Ask,
        ButtonId::RateCase,
        ButtonId::RateTicket,
        ButtonId::Level(RatingLevel::Satisfied),
        ButtonId::Level(RatingLevel::VeryDissatisfied),
        ButtonId::Reason(RatingReason::Other),
        ButtonId::Submit,
    ];
    all[i % all.len()]
}

#[derive(Debug, Clone)]
enum Op {
    Start(usize),
    Press(usize),
    Select(usize),
    Enter(String),
    Nav(u8),
    Card(u8),
    Status(usize, bool),
    Reply(usize, bool),
    Face(bool),
    Print(bool),
    Qr(String),
    Wait(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..6).prop_map(Op::Start),
        (0usize..60).prop_map(Op::Press),
        (0usize..8).prop_map(Op::Select),
        prop_oneof![
            Just("64785520".to_owned()),
            Just("BDC-2026-000101".to_owned()),
            Just("A012".to_owned()),
            ".{0,20}",
        ]
        .prop_map(Op::Enter),
        (0u8..7).prop_map(Op::Nav),
        (0u8..4).prop_map(Op::Card),
        ((0usize..5), any::<bool>()).prop_map(|(d, up)| Op::Status(d, up)),
        ((0usize..300), any::<bool>()).prop_map(|(i, stale)| Op::Reply(i, stale)),
        any::<bool>().prop_map(Op::Face),
        any::<bool>().prop_map(Op::Print),
        ".{0,40}".prop_map(Op::Qr),
        prop_oneof![Just(1_000u64), Just(20_000), Just(60_000), Just(200_000)].prop_map(Op::Wait),
    ]
}

fn input(op: &Op, k: &Kiosk, ms: &mut u64) -> Input {
    let session = k.session().unwrap_or(SessionId(0));
    let done = |completion| Input::Done {
        session,
        completion,
    };
    match op {
        Op::Start(i) => Input::Citizen(Intent::Start(FlowKind::ALL[*i % 6])),
        Op::Press(i) => Input::Citizen(Intent::Press(button(*i))),
        Op::Select(i) => Input::Citizen(Intent::Select(*i)),
        Op::Enter(s) => Input::Citizen(Intent::Enter(s.clone())),
        Op::Nav(n) => Input::Citizen(match n {
            0 => Intent::Back,
            1 => Intent::Home,
            2 => Intent::StaffedWindow,
            3 => Intent::Extend,
            4 => Intent::Language(Lang::En),
            5 => Intent::ElderMode(true),
            _ => Intent::Address(AddressForm {
                recipient: "张三".into(),
                phone: "13800138000".into(),
                address: "北京".into(),
                postal_code: "100022".into(),
            }),
        }),
        Op::Card(n) => Input::Device(match n {
            0 => DeviceEvent::CardRead(Box::new(card())),
            1 => DeviceEvent::CardRead(Box::new(card_born(1990, 1, 1))),
            2 => DeviceEvent::CardLifted,
            _ => DeviceEvent::CardRejected,
        }),
        Op::Status(d, up) => Input::Device(DeviceEvent::Status {
            device: Device::ALL[*d % 5],
            up: *up,
        }),
        Op::Reply(i, stale) => {
            let completion = Completion::Central(reply(*i));
            if *stale {
                Input::Done {
                    session: SessionId(session.0.wrapping_sub(1)),
                    completion,
                }
            } else {
                done(completion)
            }
        }
        Op::Face(ok) => done(Completion::Face(if *ok {
            FaceOutcome::Passed { best_frame: 9 }
        } else {
            FaceOutcome::Failed(liveness::FailReason::FaceLeft)
        })),
        Op::Print(ok) => done(if *ok {
            Completion::Printed
        } else {
            Completion::PrintFailed(PrintFault::PaperOut)
        }),
        Op::Qr(s) => done(Completion::Qr(s.clone())),
        Op::Wait(d) => {
            *ms += d;
            Input::Tick
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_inputs_never_panic_and_every_exit_wipes(ops in prop::collection::vec(op(), 1..120)) {
        let mut k = Kiosk::new(Config::default());
        let mut ms = 0u64;
        let secret = own_id();
        for op in &ops {
            let before = k.session();
            let input = input(op, &k, &mut ms);
            let now = Now::new(0, START).after_ms(ms);
            let effects = k.handle(input, now);
            let after = k.session();
            let wiped = effects.contains(&Effect::WipeSession);
            if before.is_some() && after != before {
                prop_assert!(wiped, "left session {:?} without a wipe: {:?}", before, effects);
                let exit_journaled = effects.iter().any(|e| matches!(e, Effect::Journal(j) if j.step == "exit"));
                prop_assert!(exit_journaled);
            }
            if wiped {
                prop_assert!(before.is_some() && after.is_none());
                prop_assert_eq!(k.screen(now).id, ScreenId::Idle);
            }
            for e in &effects {
                if let Effect::Journal(j) = e {
                    prop_assert!(!j.outcome.contains(&secret));
                }
            }
            let screen = k.screen(now);
            for lang in [Lang::Zh, Lang::En] {
                let _ = screen.rendered_lines(lang);
            }
            let dump = format!("{:?} {:?}", screen, k);
            prop_assert!(!dump.contains(&secret));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Elder mode never ends a session by itself, whatever the devices and central answer.
    #[test]
    fn elder_mode_never_times_out(
        flow in 0usize..6,
        ops in prop::collection::vec(
            prop_oneof![
                (0usize..300).prop_map(|i| Op::Reply(i, false)),
                prop_oneof![Just(60_000u64), Just(3_600_000)].prop_map(Op::Wait),
                any::<bool>().prop_map(Op::Print),
                any::<bool>().prop_map(Op::Face),
            ],
            1..60,
        )
    ) {
        let mut k = Kiosk::new(Config::default());
        let mut ms = 0u64;
        let _ = k.handle(Input::Citizen(Intent::ElderMode(true)), Now::new(0, START));
        let _ = k.handle(Input::Citizen(Intent::Start(FlowKind::ALL[flow])), Now::new(0, START));
        for op in &ops {
            let input = input(op, &k, &mut ms);
            let effects = k.handle(input, Now::new(0, START).after_ms(ms));
            let timed_out = effects.iter().any(|e| matches!(e, Effect::Journal(j) if j.step == "exit" && j.outcome == "timed_out"));
            prop_assert!(!timed_out);
        }
    }
}
