//! The session shell: menu, availability, language, elder mode, time-outs, exits.

use super::*;

#[test]
fn idle_menu_offers_six_flows() {
    let h = H::new();
    let s = h.screen();
    assert_eq!(s.id, ScreenId::Idle);
    assert_eq!(s.items.len(), 6);
    assert!(s.items.iter().all(|i| i.enabled));
    assert!(!s.nav.back && !s.nav.home && s.nav.staffed);
}

#[test]
fn a_device_down_puts_only_its_flows_out_of_service() {
    let mut h = H::new();
    h.device(Device::A4Printer, false);
    let s = h.screen();
    let enabled: Vec<bool> = s.items.iter().map(|i| i.enabled).collect();
    assert_eq!(enabled, [false, true, true, true, true, true]);
    let records = s.items[0]
        .lines
        .iter()
        .map(|l| l.render(Lang::Zh))
        .collect::<Vec<_>>();
    assert!(records.iter().any(|l| l.contains("暂停服务")));
    assert!(records.iter().any(|l| l.contains("1 号人工窗口")));
    assert_eq!(h.k.availability(FlowKind::Records), Err(Device::A4Printer));

    // Starting it anyway explains, and starts nothing.
    h.start(FlowKind::Records);
    assert_eq!(h.k.session(), None);
    assert!(h.last.is_empty());
    assert!(h.text().contains("A4 打印机故障"));
    assert!(h.text().contains("The A4 printer is not working"));

    // The ticket printer down: check-in and walk-in out, the guide stays.
    h.device(Device::A4Printer, true)
        .device(Device::TicketPrinter, false);
    let enabled: Vec<bool> = h.screen().items.iter().map(|i| i.enabled).collect();
    assert_eq!(enabled, [true, false, false, true, true, true]);
    h.start(FlowKind::Guide);
    assert_eq!(h.k.flow(), Some(FlowKind::Guide));
}

#[test]
fn central_down_leaves_the_offline_guide() {
    let mut h = H::new();
    h.device(Device::Central, false);
    let enabled: Vec<bool> = h.screen().items.iter().map(|i| i.enabled).collect();
    assert_eq!(enabled, [false, false, false, false, true, true]);
}

#[test]
fn language_switches_at_any_time_without_losing_state() {
    let mut h = H::new();
    h.verified(ButtonId::OwnershipQuery);
    let before = h.screen();
    h.intent(Intent::Language(Lang::En));
    let after = h.screen();
    assert_eq!(after.id, ScreenId::Purpose);
    assert_eq!(after.lang, Lang::En);
    assert_eq!(after.title.get(Lang::En), "Purpose of the query");
    assert_eq!(before.items, after.items);
    h.select(1);
    assert!(matches!(h.calls()[..], [CentralCall::Records { .. }]));
    // Leaving resets the language for the next citizen.
    h.intent(Intent::Home);
    assert_eq!(h.k.lang(), Lang::Zh);
}

#[test]
fn inactivity_warns_then_extends_then_expires() {
    let mut h = H::new();
    h.start(FlowKind::Case);
    assert_eq!(h.k.next_deadline(), Some(60_000));
    h.wait_ms(59_999);
    assert!(h.screen().warning.is_none());
    h.wait_ms(1);
    assert_eq!(
        h.screen().warning,
        Some(Countdown {
            seconds_left: Some(20)
        })
    );
    h.wait_ms(5_000);
    assert_eq!(h.screen().warning.unwrap().seconds_left, Some(15));
    // Extend: the warning goes, the step is unchanged, the timer restarts.
    h.intent(Intent::Extend);
    assert!(h.screen().warning.is_none());
    assert_eq!(h.screen_id(), ScreenId::CaseMethod);
    h.wait_ms(60_000);
    assert!(h.screen().warning.is_some());
    // A touch while warned only dismisses the warning (modal).
    h.press(ButtonId::UseKeypad);
    assert_eq!(h.screen_id(), ScreenId::CaseMethod);
    h.wait_ms(60_000).wait_ms(19_999);
    assert_eq!(h.k.flow(), Some(FlowKind::Case));
    h.wait_ms(1);
    h.assert_exit("timed_out");
    assert!(h.text().contains("长时间无操作"));
    // The notice goes after its time.
    h.wait_ms(15_000);
    assert!(h.screen().lines.is_empty());
}

#[test]
fn typing_keeps_a_session_alive_without_changing_the_step() {
    let mut h = H::new();
    h.start(FlowKind::Case);
    h.press(ButtonId::UseKeypad);
    assert_eq!(h.screen_id(), ScreenId::CaseNumber);
    let before = h.screen();
    // A key every 50 s for five minutes: never warned, the step and the journal unchanged.
    let journalled = h.all.len();
    for _ in 0..6 {
        h.wait_ms(50_000);
        h.intent(Intent::Typing);
        assert!(h.screen().warning.is_none());
    }
    assert_eq!(h.screen(), before);
    assert_eq!(h.all.len(), journalled, "typing makes no effects");
    // Then nothing: warned after the step's time-out, as before.
    h.wait_ms(60_000);
    assert!(h.screen().warning.is_some());
}

#[test]
fn elder_mode_never_ends_a_session_by_itself() {
    let mut h = H::new();
    h.intent(Intent::ElderMode(true));
    h.start(FlowKind::Guide);
    h.reply(Reply::Catalogue(Ok(fresh(catalogue()))));
    h.wait_ms(179_999);
    assert!(h.screen().warning.is_none());
    h.wait_ms(1);
    assert_eq!(h.screen().warning, Some(Countdown { seconds_left: None }));
    assert!(h.screen().elder);
    assert_eq!(h.k.next_deadline(), None);
    for _ in 0..100 {
        h.wait_ms(3_600_000);
    }
    assert_eq!(h.k.flow(), Some(FlowKind::Guide));
    assert!(!h.all.contains(&Effect::WipeSession));
    h.intent(Intent::Extend);
    assert!(h.screen().warning.is_none());
    // Switching elder mode off mid-warning starts a countdown again.
    h.wait_ms(180_000);
    h.intent(Intent::ElderMode(false));
    h.wait_ms(19_999);
    assert_eq!(h.screen().warning.unwrap().seconds_left, Some(1));
    h.wait_ms(1);
    h.assert_exit("timed_out");
    assert!(!h.k.elder());
}

#[test]
fn the_timer_pauses_while_waiting_for_central() {
    let mut h = H::new();
    h.start(FlowKind::Guide);
    assert!(h.screen().busy);
    assert_eq!(h.k.next_deadline(), None);
    h.wait_ms(300_000);
    assert!(h.screen().warning.is_none());
    h.reply(Reply::Catalogue(Ok(fresh(catalogue()))));
    h.wait_ms(59_000);
    assert!(h.screen().warning.is_none());
}

#[test]
fn home_and_staffed_window_exit_from_every_flow() {
    for flow in FlowKind::ALL {
        let mut h = H::new();
        h.start(flow);
        let s = h.screen();
        assert!(s.nav.home && s.nav.staffed, "{flow:?}");
        h.intent(Intent::Home);
        h.assert_exit("home");

        h.start(flow).intent(Intent::StaffedWindow);
        h.assert_exit("staffed_window");
        assert!(h.text().contains("请到 1 号人工窗口办理"));
        assert!(h.text().contains("Please go to staffed window 1"));
    }
}

#[test]
fn back_on_a_first_step_returns_to_the_menu() {
    for flow in [
        FlowKind::Records,
        FlowKind::CheckIn,
        FlowKind::Case,
        FlowKind::AskRate,
    ] {
        let mut h = H::new();
        h.start(flow).intent(Intent::Back);
        h.assert_exit("home");
    }
}

#[test]
fn completions_of_an_ended_session_are_dropped() {
    let mut h = H::new();
    h.start(FlowKind::Guide);
    let old = h.k.session().unwrap();
    h.intent(Intent::Home);
    h.start(FlowKind::Guide);
    assert_ne!(h.k.session(), Some(old));
    h.input(Input::Done {
        session: old,
        completion: Completion::Central(Reply::Catalogue(Ok(fresh(catalogue())))),
    });
    assert!(
        h.screen().busy,
        "the old answer must not reach the new session"
    );
    // In idle too.
    h.intent(Intent::Home);
    h.input(Input::Done {
        session: old,
        completion: Completion::Printed,
    });
    assert_eq!(h.screen_id(), ScreenId::Idle);
}

#[test]
fn sessions_are_numbered_and_journaled() {
    let mut h = H::new();
    h.start(FlowKind::Case);
    assert_eq!(h.k.session(), Some(SessionId(1)));
    assert!(
        h.last.iter().any(
            |e| matches!(e, Effect::Journal(j) if j.step == "start" && j.flow == FlowKind::Case)
        )
    );
    h.intent(Intent::Home).start(FlowKind::Case);
    assert_eq!(h.k.session(), Some(SessionId(2)));
}

#[test]
fn the_flow_stands_still_behind_a_fault_screen() {
    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept)
        .device(Device::Reader, false);
    assert_eq!(h.screen_id(), ScreenId::Fault);
    h.card(card());
    assert!(
        h.last.is_empty(),
        "no face check behind the fault: {:?}",
        h.last
    );
    h.done(Completion::Printed);
    assert!(h.last.is_empty());
    assert_eq!(h.screen_id(), ScreenId::Fault);
    // Touches other than exit, home and staffed window keep the fault shown.
    h.press(ButtonId::Accept).intent(Intent::Back);
    h.assert_exit("fault");
}

#[test]
fn warning_texts_in_both_languages() {
    let normal = Countdown {
        seconds_left: Some(12),
    };
    assert_eq!(
        normal.text().render(Lang::Zh),
        "12 秒后将退出并清除您的信息"
    );
    assert!(
        normal
            .text()
            .render(Lang::En)
            .starts_with("Leaving in 12 seconds")
    );
    let elder = Countdown { seconds_left: None };
    assert_eq!(elder.text().key(), Some(TextKey::WarningElder));
}

#[test]
fn elder_mode_is_reset_for_the_next_citizen() {
    let mut h = H::new();
    h.intent(Intent::ElderMode(true))
        .intent(Intent::Language(Lang::En));
    assert!(h.screen().elder);
    h.start(FlowKind::Case);
    assert!(h.screen().elder && h.screen().lang == Lang::En);
    h.intent(Intent::Home);
    assert!(!h.screen().elder);
    assert_eq!(h.screen().lang, Lang::Zh);
}
