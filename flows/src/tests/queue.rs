//! Flows 2 and 3: appointment check-in and walk-in tickets.

use super::*;
use time::macros::datetime;

fn by_code(h: &mut H, appointments: Vec<Appointment>) {
    h.start(FlowKind::CheckIn).press(ButtonId::UseKeypad);
    assert_eq!(h.screen_id(), ScreenId::BookingCode);
    assert_eq!(h.screen().field, Some(Field::BookingCode));
    h.enter(" 64785520 ");
    assert_eq!(
        h.calls(),
        [CentralCall::AppointmentsByCode {
            booking_code: "64785520".into()
        }]
    );
    h.reply(Reply::Appointments(Ok(Appointments { appointments })));
    assert_eq!(h.screen_id(), ScreenId::Appointments);
}

#[test]
fn check_in_by_booking_code_prints_the_slip() {
    let mut h = H::new();
    by_code(&mut h, vec![appointment_open()]);
    assert!(h.text().contains("二手房转移登记"));
    assert!(h.text().contains("可签到 08:50-10:20"));
    h.select(0);
    match &h.calls()[..] {
        [
            CentralCall::CheckIn {
                appointment_id,
                request,
            },
        ] => {
            assert_eq!(appointment_id, "AP-1");
            assert_eq!(request.booking_code.as_deref(), Some("64785520"));
            assert_eq!(request.verification_id, None);
            assert_eq!(request.checked_in_at, START);
        }
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Ticket(Ok(ticket("A012", Priority::Appointment))));
    assert_eq!(
        h.prints(),
        [PrintJob::CheckInSlip {
            appointment: Box::new(appointment_open()),
            ticket: ticket("A012", Priority::Appointment)
        }]
    );
    h.done(Completion::Printed);
    assert_eq!(h.screen_id(), ScreenId::TakeTicket);
    let text = h.text();
    for expected in [
        "排队号 A012",
        "请到 5 号窗口",
        "业务：二手房转移登记",
        "前面还有 4 人，预计等待 18 分钟",
        "4 people ahead, about 18 minutes",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    h.press(ButtonId::Done);
    h.assert_exit("done");
}

#[test]
fn booking_code_is_validated() {
    let mut h = H::new();
    h.start(FlowKind::CheckIn).press(ButtonId::UseKeypad);
    for bad in ["", "12", "12ab5678", "12345678901234567"] {
        h.enter(bad);
        assert!(h.calls().is_empty());
        assert_eq!(
            h.screen().error,
            Some(Text::Key(TextKey::BookingCodeInvalid))
        );
    }
    h.intent(Intent::Back);
    assert_eq!(h.screen_id(), ScreenId::CheckInMethod);
}

#[test]
fn too_early_is_explained_with_times() {
    let mut h = H::new();
    let early = appointment_too_early();
    by_code(&mut h, vec![early]);
    h.select(0);
    assert!(h.calls().is_empty());
    assert_eq!(h.screen_id(), ScreenId::TooEarly);
    let text = h.text();
    assert!(
        text.contains("您的预约时间 10:00，09:40 起可签到（截至 10:20），现在是 09:00"),
        "{text}"
    );
    assert!(text.contains("check-in opens at 09:40"));
    h.intent(Intent::Back);
    assert_eq!(h.screen_id(), ScreenId::Appointments);
}

#[test]
fn too_late_offers_a_walk_in_ticket() {
    let mut h = H::new();
    let late = appointment_too_late();
    by_code(&mut h, vec![late]);
    h.select(0);
    assert_eq!(h.screen_id(), ScreenId::TooLate);
    assert!(h.text().contains("签到已于 08:20 截止"));
    h.press(ButtonId::WalkIn);
    assert_eq!(
        h.calls(),
        [CentralCall::CreateTicket(TicketRequest {
            service_code: "A".into(),
            priority: Priority::None,
            verification_id: None
        })]
    );
    h.reply(Reply::Ticket(Ok(ticket("A031", Priority::None))));
    assert_eq!(
        h.prints(),
        [PrintJob::QueueTicket(ticket("A031", Priority::None))]
    );
    h.done(Completion::Printed).press(ButtonId::Done);
    h.assert_exit("done");
}

#[test]
fn central_refusals_at_check_in() {
    let mut h = H::new();
    by_code(&mut h, vec![appointment_open()]);
    h.select(0);
    let mut body = ErrorBody::new(ErrorCode::TooEarly, "too early", "还未到签到时间");
    body.earliest_at = Some(datetime!(2026-11-28 09:10 +08:00));
    h.reply(Reply::Ticket(Err(CentralFailure::Refused(body))));
    assert_eq!(h.screen_id(), ScreenId::TooEarly);
    assert!(h.text().contains("09:10 起可签到"));
    h.intent(Intent::Back).select(0);
    h.reply(Reply::Ticket(Err(refused(ErrorCode::TooLate))));
    assert_eq!(h.screen_id(), ScreenId::TooLate);
    h.intent(Intent::Back).select(0);
    h.reply(Reply::Ticket(Err(refused(ErrorCode::AlreadyCheckedIn))));
    assert!(h.text().contains("该预约已签到"));
    h.intent(Intent::Back).select(0);
    h.reply(Reply::Ticket(Err(CentralFailure::Server)));
    assert_eq!(h.screen_id(), ScreenId::Fault);
    assert!(h.text().contains("登记中心系统繁忙"));
    h.press(ButtonId::Retry);
    assert!(matches!(h.calls()[..], [CentralCall::CheckIn { .. }]));
}

#[test]
fn check_in_by_card_uses_the_verification() {
    let mut h = H::new();
    h.start(FlowKind::CheckIn).press(ButtonId::UseCard);
    assert_eq!(h.screen_id(), ScreenId::Consent);
    h.press(ButtonId::Accept)
        .card(card())
        .done(Completion::Face(FaceOutcome::Passed { best_frame: 3 }))
        .reply(Reply::Verification(Ok(verification())));
    assert_eq!(
        h.calls(),
        [CentralCall::AppointmentsOf {
            verification_id: Uuid::from_u128(7)
        }]
    );
    h.reply(Reply::Appointments(Ok(Appointments {
        appointments: vec![appointment_open()],
    })));
    // After verification the card may go: check-in does not need it.
    h.lift();
    assert_eq!(h.screen_id(), ScreenId::Appointments);
    h.select(0);
    match &h.calls()[..] {
        [CentralCall::CheckIn { request, .. }] => {
            assert_eq!(request.verification_id, Some(Uuid::from_u128(7)));
            assert_eq!(request.booking_code, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn check_in_without_reader_offers_the_code_only() {
    let mut h = H::new();
    h.device(Device::Reader, false).start(FlowKind::CheckIn);
    assert_eq!(h.k.flow(), Some(FlowKind::CheckIn));
    assert!(!h.screen().can_press(ButtonId::UseCard));
    assert!(h.screen().can_press(ButtonId::UseKeypad));
    h.press(ButtonId::UseCard);
    assert_eq!(h.screen_id(), ScreenId::CheckInMethod);
}

#[test]
fn no_appointment_today() {
    let mut h = H::new();
    by_code(&mut h, vec![]);
    assert!(h.text().contains("未找到您今天的预约"));
}

fn to_priority(h: &mut H) {
    h.start(FlowKind::Ticket);
    assert_eq!(h.calls(), [CentralCall::Catalogue]);
    h.reply(Reply::Catalogue(Ok(fresh(catalogue()))));
    assert_eq!(h.screen_id(), ScreenId::Services);
    // One entry per queue series.
    assert_eq!(h.screen().items.len(), 2);
    h.select(1);
    assert_eq!(h.screen_id(), ScreenId::Priority);
    assert!(h.text().contains("周岁以上老人"));
}

#[test]
fn walk_in_without_priority_and_paper_out() {
    let mut h = H::new();
    to_priority(&mut h);
    h.press(ButtonId::PriorityNone);
    assert_eq!(
        h.calls(),
        [CentralCall::CreateTicket(TicketRequest {
            service_code: "B".into(),
            priority: Priority::None,
            verification_id: None
        })]
    );
    h.reply(Reply::Ticket(Ok(ticket("B001", Priority::None))));
    assert_eq!(
        h.prints(),
        [PrintJob::QueueTicket(ticket("B001", Priority::None))]
    );
    assert_eq!(h.prints()[0].device(), Device::TicketPrinter);
    h.done(Completion::PrintFailed(PrintFault::PaperOut));
    assert_eq!(h.screen_id(), ScreenId::Fault);
    assert!(h.text().contains("打印机缺纸"));
    h.wait_ms(60_000).wait_ms(20_000);
    h.assert_exit("timed_out");
}

#[test]
fn elderly_priority_from_the_card() {
    let mut h = H::new();
    to_priority(&mut h);
    h.press(ButtonId::PriorityElderly);
    assert_eq!(h.screen_id(), ScreenId::PlaceCard);
    h.card(card());
    assert!(matches!(
        &h.calls()[..],
        [CentralCall::CreateTicket(TicketRequest {
            priority: Priority::Elderly,
            ..
        })]
    ));

    // 70 tomorrow: no priority yet, explained.
    let mut h = H::new();
    to_priority(&mut h);
    h.press(ButtonId::PriorityElderly)
        .card(card_born(1956, 11, 29));
    assert!(h.calls().is_empty());
    assert_eq!(h.screen_id(), ScreenId::Priority);
    assert!(h.text().contains("未满 70 周岁"));
    // 70 today: priority.
    h.press(ButtonId::PriorityElderly)
        .card(card_born(1956, 11, 28));
    assert!(matches!(
        &h.calls()[..],
        [CentralCall::CreateTicket(TicketRequest {
            priority: Priority::Elderly,
            ..
        })]
    ));
}

#[test]
fn elderly_age_is_configurable_and_needs_the_reader() {
    let mut h = H::with(Config {
        elderly_age: 60,
        ..Config::default()
    });
    to_priority(&mut h);
    h.press(ButtonId::PriorityElderly)
        .card(card_born(1966, 1, 1));
    assert!(matches!(
        &h.calls()[..],
        [CentralCall::CreateTicket(TicketRequest {
            priority: Priority::Elderly,
            ..
        })]
    ));
    let mut h = H::new();
    h.device(Device::Reader, false);
    to_priority(&mut h);
    assert!(!h.screen().can_press(ButtonId::PriorityElderly));
}

#[test]
fn declared_priorities_and_daily_cap() {
    for (button, priority) in [
        (ButtonId::PriorityDisabled, Priority::Disabled),
        (ButtonId::PriorityPregnant, Priority::Pregnant),
    ] {
        let mut h = H::new();
        to_priority(&mut h);
        h.press(button);
        assert!(matches!(
            &h.calls()[..],
            [CentralCall::CreateTicket(TicketRequest { priority: p, .. })] if *p == priority
        ));
        h.reply(Reply::Ticket(Err(refused(ErrorCode::DailyCapReached))));
        assert!(h.text().contains("今日该业务现场号已发完"));
    }
}
