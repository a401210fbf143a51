//! UI tests: every citizen flow clicked through on the headless touchscreen, against the
//! in-process simulators and the real driver.
//!
//! Each step finds the element to press by its accessible label (the text the citizen reads, in
//! the language shown), presses it through Slint's testing API, and waits for the driver to show
//! the next screen, which is put on the touchscreen as the running kiosk would
//! ([`crate::app::ui_bridge::show`]). Along the way the tests check the drawn pixels (the
//! pressed label has ink), both languages (the same element found by its English label after
//! the toggle), elder mode's target sizes, and that every exit wiped the session.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use crate::app::camera::StandInCamera;
use crate::app::rig::{DemoCamera, DemoRig, RigOptions};
use crate::app::ui_bridge::{self, Action};
use crate::app::{DriverHandle, View};
use crate::screens;
use central_api::domain::{PickupMethod, RatingLevel, RatingReason};
use flows::{ButtonId, ScreenId, TextKey};
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use kiosk_sim::central::Timing;
use kiosk_ui::{Frame, KioskUi, Lang, Orientation, ScreenView};
use slint::ComponentHandle;
use slint::platform::{PointerEventButton, WindowEvent};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

const PATIENCE: Duration = Duration::from_secs(20);

/// The driver on the simulators, and the touchscreen on this (the test's) thread.
struct Harness {
    rig: DemoRig,
    driver: DriverHandle,
    ui: KioskUi,
    dir: PathBuf,
    /// The view on the touchscreen now.
    view: Option<View>,
}

impl Harness {
    async fn start(name: &str, camera: StandInCamera) -> Harness {
        let dir = std::env::temp_dir().join(format!(
            "kiosk-ui-flows-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let rig = DemoRig::start(RigOptions::unpaced(
            dir.clone(),
            DemoCamera::StandIn(camera),
        ))
        .await
        .unwrap();
        let (mut config, parts) = rig.parts().unwrap();
        config.monitor_interval = Duration::from_millis(300);
        config.pin = Some(
            crate::config::PinHash::parse(&crate::config::hash_pin("246810", 100_000)).unwrap(),
        );
        let driver = crate::app::spawn(config, parts).unwrap();
        let ui = KioskUi::headless(Orientation::Portrait, Lang::Zh, false).unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        ui_bridge::connect(&ui, driver.view(), tx);
        tokio::spawn(ui_bridge::forward(rx, driver.sender()));
        let mut h = Harness {
            rig,
            driver,
            ui,
            dir,
            view: None,
        };
        let idle = h
            .driver
            .wait_for(PATIENCE, |v| {
                !v.starting
                    && v.screen.id == ScreenId::Idle
                    && v.screen.items.iter().all(|i| i.enabled)
            })
            .await;
        assert!(idle.screen.items.iter().all(|i| i.enabled), "{idle:?}");
        h.put(idle);
        h
    }

    async fn passing(name: &str) -> Harness {
        Harness::start(name, StandInCamera::passing(Duration::from_millis(50))).await
    }

    /// Puts a driver view on the touchscreen.
    fn put(&mut self, view: View) {
        ui_bridge::show(&self.ui, &view).unwrap();
        self.view = Some(view);
    }

    /// Waits until the driver settles on `id` and shows it.
    async fn at(&mut self, id: ScreenId) -> ScreenView {
        let v = self
            .driver
            .wait_for(PATIENCE, |v| v.screen.id == id && !v.screen.busy)
            .await;
        assert_eq!(v.screen.id, id, "waiting for {id:?}; at {:#?}", v.screen);
        self.put(v);
        self.shown()
    }

    /// Every heading and line of the detail sections shown, in Chinese.
    fn section_texts(&self) -> Vec<String> {
        self.shown()
            .sections
            .iter()
            .flat_map(|s| std::iter::once(&s.heading).chain(s.lines.iter()))
            .map(|t| t.zh.clone())
            .collect()
    }

    /// The touchscreen's view model now.
    fn shown(&self) -> ScreenView {
        ui_bridge::screen_view(self.view.as_ref().expect("a view is shown"))
    }

    fn lang(&self) -> Lang {
        self.ui.lang()
    }

    /// Every accessible label on the screen (for failure messages).
    fn labels(&self) -> Vec<String> {
        ElementQuery::from_root(self.ui.component())
            .match_descendants()
            .find_all()
            .into_iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .filter(|l| !l.is_empty())
            .collect()
    }

    fn find(&self, label: &str) -> Option<ElementHandle> {
        ElementHandle::find_by_accessible_label(self.ui.component(), label)
            .find(|e| e.size().width > 0.0 && e.size().height > 0.0)
    }

    /// Presses the element labelled `label`, after checking its label is drawn.
    fn tap(&self, label: &str) {
        let e = self
            .find(label)
            .unwrap_or_else(|| panic!("no element {label:?} among {:?}", self.labels()));
        let frame = self.ui.render().unwrap();
        assert!(
            ink(&frame, &e) > 20,
            "the element {label:?} is blank on the screen"
        );
        self.touch(&e);
    }

    /// Touches the element labelled `label` that draws nothing (the hidden corner).
    fn tap_blank(&self, label: &str) {
        let e = self
            .find(label)
            .unwrap_or_else(|| panic!("no element {label:?} among {:?}", self.labels()));
        self.touch(&e);
    }

    /// A real touch at the element's centre (press and release through the window, as the
    /// display backend delivers them): whatever covers the element takes it.
    fn touch(&self, e: &ElementHandle) {
        let p = e.absolute_position();
        let s = e.size();
        let position = slint::LogicalPosition::new(p.x + s.width / 2.0, p.y + s.height / 2.0);
        let window = self.ui.component().window();
        let button = PointerEventButton::Left;
        window.dispatch_event(WindowEvent::PointerPressed { position, button });
        window.dispatch_event(WindowEvent::PointerReleased { position, button });
        window.dispatch_event(WindowEvent::PointerExited);
    }

    /// Presses the button or tile of `id` by its label in the language shown.
    fn press(&self, id: ButtonId) {
        let name = screens::button_name(id);
        let v = self.shown();
        let label = v
            .buttons
            .iter()
            .find(|b| b.id == name)
            .map(|b| b.label.clone())
            .or_else(|| {
                v.items
                    .iter()
                    .find(|i| i.id == name)
                    .map(|i| i.label.clone())
            })
            .unwrap_or_else(|| panic!("{id:?} is not on {:?}", self.view_id()));
        self.tap(label.get(self.lang()));
    }

    /// Chooses the list row or tile `index` by its label.
    fn choose(&self, index: usize) {
        let v = self.shown();
        let item = v
            .items
            .iter()
            .find(|i| i.id == index.to_string())
            .unwrap_or_else(|| panic!("no item {index} on {:?}", self.view_id()));
        self.tap(item.label.get(self.lang()));
    }

    /// Types `text` on the keypad and presses OK.
    fn type_and_submit(&self, text: &str) {
        for c in text.chars() {
            self.tap(&c.to_string());
        }
        let value = self
            .find("entry-value")
            .expect("the entry shows what was typed");
        assert_eq!(
            value.accessible_value().map(|v| v.to_string()),
            Some(text.to_owned())
        );
        self.tap(if self.lang() == Lang::Zh {
            "确定"
        } else {
            "OK"
        });
    }

    fn view_id(&self) -> Option<ScreenId> {
        self.view.as_ref().map(|v| v.screen.id)
    }

    /// The chrome's home button, and the driver back on the idle screen with nothing held.
    async fn home_and_wiped(&mut self) {
        self.tap(if self.lang() == Lang::Zh {
            "首页"
        } else {
            "Home"
        });
        self.at(ScreenId::Idle).await;
        self.assert_wiped().await;
    }

    /// Nothing of the session is held any more.
    async fn assert_wiped(&self) {
        self.driver.flush().await;
        let held = self.driver.held().await.unwrap();
        assert_eq!(held.session, None);
        assert_eq!(held.face_frames, 0);
        assert!(!held.card_name);
    }

    async fn place_card(&self) {
        self.rig.reader("place resident").await.unwrap();
    }

    async fn stop(self) {
        self.driver.shutdown().await;
        self.rig.shutdown().await;
        let _ = std::fs::remove_dir_all(self.dir);
    }
}

/// Pixels inside an element that differ clearly from its background.
fn ink(frame: &Frame, e: &ElementHandle) -> usize {
    let p = e.absolute_position();
    let s = e.size();
    let (x0, y0) = (p.x.max(0.0) as u32, p.y.max(0.0) as u32);
    let (x1, y1) = (
        (p.x + s.width).min(frame.width as f32) as u32,
        (p.y + s.height).min(frame.height as f32) as u32,
    );
    let Some(bg) = frame.pixel(x0 + 6, y0 + 6) else {
        return 0;
    };
    let mut n = 0;
    for y in y0 + 4..y1.saturating_sub(4) {
        for x in x0 + 4..x1.saturating_sub(4) {
            let Some(px) = frame.pixel(x, y) else {
                continue;
            };
            let d: i32 = (0..3)
                .map(|i| (i32::from(px[i]) - i32::from(bg[i])).abs())
                .sum();
            if d > 150 {
                n += 1;
            }
        }
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_query_clicked_through_prints_the_certificate() {
    let mut h = Harness::passing("records").await;
    h.choose(0);
    h.at(ScreenId::RecordsKind).await;
    h.press(ButtonId::OwnershipQuery);
    h.at(ScreenId::Consent).await;
    h.press(ButtonId::Accept);
    h.at(ScreenId::PlaceCard).await;
    assert!(h.find("place-card").is_some(), "{:?}", h.labels());
    h.place_card().await;
    // The stand-in camera passes the face check; the purposes follow.
    h.at(ScreenId::Purpose).await;
    h.choose(1);
    h.at(ScreenId::Units).await;
    h.choose(0);
    h.at(ScreenId::UnitDetail).await;
    h.press(ButtonId::Certificate);
    let preview = h.at(ScreenId::Preview).await;
    assert!(preview.buttons.iter().any(|b| b.id == "print"));
    h.press(ButtonId::Print);
    h.at(ScreenId::TakeCertificate).await;
    let pdfs: Vec<_> = std::fs::read_dir(h.rig.pdf_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    assert!(std::fs::read(&pdfs[0]).unwrap().starts_with(b"%PDF"));
    h.press(ButtonId::Done);
    h.at(ScreenId::Idle).await;
    h.assert_wiped().await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_in_typed_on_the_keypad_in_english_prints_the_ticket() {
    let mut h = Harness::passing("checkin").await;
    let code = h.rig.central.demo().holders[0]
        .appointments
        .iter()
        .find(|a| a.timing == Timing::Now)
        .expect("a holder with an appointment now")
        .booking_code
        .clone();
    // The language toggle: the idle tiles are found by their English labels from now on.
    let zh_first = h.shown().items[0].label.clone();
    h.tap("English");
    assert_eq!(h.ui.lang(), Lang::En);
    h.at(ScreenId::Idle).await;
    assert!(h.find(&zh_first.en).is_some(), "{:?}", h.labels());
    assert!(h.find(&zh_first.zh).is_none(), "Chinese label still shown");
    h.choose(1);
    h.at(ScreenId::CheckInMethod).await;
    h.press(ButtonId::UseKeypad);
    h.at(ScreenId::BookingCode).await;
    h.type_and_submit(&code);
    h.at(ScreenId::Appointments).await;
    h.choose(0);
    h.at(ScreenId::TakeTicket).await;
    let tickets = h.rig.printer.wait_for_tickets(1, PATIENCE).await;
    assert_eq!(tickets.len(), 1);
    h.home_and_wiped().await;
    // The session's end resets the language for the next citizen.
    assert_eq!(h.ui.lang(), Lang::Zh);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walk_in_ticket_in_elder_mode_with_large_targets_then_rated() {
    let mut h = Harness::passing("walkin").await;
    h.tap("大字模式");
    assert!(h.ui.elder());
    h.choose(2);
    h.at(ScreenId::Services).await;
    // Every pressable element of an elder-mode screen is at least 60 px both ways.
    for e in ElementQuery::from_root(h.ui.component())
        .match_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
    {
        if e.size().width > 0.0 {
            let s = e.size();
            assert!(
                s.width >= 60.0 && s.height >= 60.0,
                "{:?} is {}x{}",
                e.accessible_label(),
                s.width,
                s.height
            );
        }
    }
    h.choose(0);
    h.at(ScreenId::Priority).await;
    h.press(ButtonId::PriorityNone);
    h.at(ScreenId::TakeTicket).await;
    let tickets = h.rig.printer.wait_for_tickets(1, PATIENCE).await;
    assert_eq!(tickets.len(), 1);
    let png = tickets[0].png.clone().expect("the simulator wrote a PNG");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(png.with_extension("json")).unwrap()).unwrap();
    let text = json["text"].as_str().unwrap_or_default().to_owned();
    h.home_and_wiped().await;
    // Elder mode ends with the session.
    assert!(!h.ui.elder());

    // The next citizen rates that ticket: its number (a letter and three digits) typed on the
    // keyboard, five levels, then the reasons for a low one.
    let number = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| {
            w.len() == 4
                && w.starts_with(|c: char| c.is_ascii_uppercase())
                && w[1..].chars().all(|c| c.is_ascii_digit())
        })
        .unwrap_or_else(|| panic!("no ticket number on the ticket: {text}"))
        .to_owned();
    h.choose(5);
    h.at(ScreenId::AskRateMenu).await;
    h.press(ButtonId::RateTicket);
    h.at(ScreenId::RateTarget).await;
    h.type_and_submit(&number);
    let levels = h.at(ScreenId::RateLevel).await;
    assert_eq!(levels.items.len(), 5, "five levels: {:?}", levels.items);
    h.press(ButtonId::Level(RatingLevel::Dissatisfied));
    h.at(ScreenId::RateReasons).await;
    h.press(ButtonId::Reason(RatingReason::ALL[0]));
    let chosen = h
        .driver
        .wait_for(PATIENCE, |v| v.screen.buttons.iter().any(|b| b.selected))
        .await;
    h.put(chosen);
    h.press(ButtonId::Submit);
    h.at(ScreenId::Thanks).await;
    h.home_and_wiped().await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_progress_by_the_receipt_qr_then_back_and_home() {
    let case = demo_case_number().await;
    let camera = StandInCamera {
        delay: Duration::from_millis(50),
        fail: None,
        qr: Some(case.clone()),
    };
    let mut h = Harness::start("case", camera).await;
    h.choose(3);
    h.at(ScreenId::CaseMethod).await;
    h.press(ButtonId::ScanQr);
    h.at(ScreenId::CaseProgress).await;
    let all = h.section_texts().join("\n");
    assert!(all.contains(&case), "{all}");
    h.home_and_wiped().await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_guide_browsed_and_the_checklist_printed() {
    let mut h = Harness::passing("guide").await;
    h.choose(4);
    h.at(ScreenId::GuideDimensions).await;
    h.choose(0);
    h.at(ScreenId::GuideValues).await;
    h.choose(0);
    h.at(ScreenId::GuideTopics).await;
    h.choose(0);
    let topic = h.at(ScreenId::GuideTopic).await;
    assert!(!topic.sections.is_empty());
    // Back returns to the topics, forward again to the topic.
    h.tap("返回");
    h.at(ScreenId::GuideTopics).await;
    h.choose(0);
    h.at(ScreenId::GuideTopic).await;
    h.press(ButtonId::Print);
    let tickets = h.rig.printer.wait_for_tickets(1, PATIENCE).await;
    assert_eq!(tickets.len(), 1);
    // Back on the topic, which says the checklist was printed.
    let printed = h
        .driver
        .wait_for(PATIENCE, |v| {
            v.screen.id == ScreenId::GuideTopic
                && v.screen
                    .lines
                    .iter()
                    .any(|l| l.key() == Some(TextKey::ChecklistPrinted))
        })
        .await;
    h.put(printed);
    let all = h.section_texts();
    assert!(
        all.iter().any(|t| t == TextKey::ChecklistPrinted.zh()),
        "the printed note is on the screen: {all:?}"
    );
    h.press(ButtonId::Done);
    h.at(ScreenId::Idle).await;
    h.assert_wiped().await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faq_read_and_a_ticket_rated() {
    let mut h = Harness::passing("ask").await;
    h.choose(5);
    h.at(ScreenId::AskRateMenu).await;
    h.press(ButtonId::Faq);
    h.at(ScreenId::FaqList).await;
    h.choose(0);
    let entry = h.at(ScreenId::FaqEntry).await;
    assert!(!entry.sections.is_empty());
    h.home_and_wiped().await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staffed_window_exit_from_the_consent_notice() {
    let mut h = Harness::passing("window").await;
    h.choose(0);
    h.at(ScreenId::RecordsKind).await;
    h.press(ButtonId::OwnershipQuery);
    h.at(ScreenId::Consent).await;
    h.tap("去人工窗口");
    let v = h
        .driver
        .wait_for(PATIENCE, |v| v.screen.id != ScreenId::Consent)
        .await;
    assert_ne!(v.screen.id, ScreenId::Consent);
    h.put(v);
    h.driver.flush().await;
    assert_eq!(h.driver.held().await.unwrap().session, None);
    assert!(matches!(
        ui_bridge::action_of(&kiosk_ui::UiEvent::Home, h.view.as_ref().unwrap()),
        Some(Action::Citizen(_))
    ));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_opened_by_the_hidden_corner_and_the_pin_on_the_keypad() {
    let mut h = Harness::passing("maint").await;
    // The corner is a touch area over the header, large enough to hit on purpose.
    let corner = h.find("maintenance-corner").expect("the hidden corner");
    assert!(corner.size().width >= 100.0 && corner.size().height >= 100.0);
    for _ in 0..5 {
        h.tap_blank("maintenance-corner");
    }
    let pin = h
        .driver
        .wait_for(PATIENCE, |v| {
            matches!(v.maintenance, flows::MaintenanceView::Pin { .. })
        })
        .await;
    h.put(pin);
    // A wrong PIN first, then the right one, typed on the keypad (shown as dots).
    for c in "111111".chars() {
        h.tap(&c.to_string());
    }
    let dots = h.find("entry-value").unwrap().accessible_value().unwrap();
    assert_eq!(dots.as_str(), "●●●●●●", "the PIN is masked");
    h.tap("确定");
    let retry = h
        .driver
        .wait_for(PATIENCE, |v| {
            matches!(v.maintenance, flows::MaintenanceView::Pin { tries_left, .. } if tries_left < 5)
        })
        .await;
    h.put(retry);
    for c in "246810".chars() {
        h.tap(&c.to_string());
    }
    h.tap("确定");
    let open = h
        .driver
        .wait_for(PATIENCE, |v| {
            matches!(v.maintenance, flows::MaintenanceView::Open { .. })
        })
        .await;
    h.put(open);
    h.tap("设备状态");
    let devices = h
        .driver
        .wait_for(PATIENCE, |v| {
            matches!(
                v.maintenance,
                flows::MaintenanceView::Open {
                    page: flows::Page::Devices,
                    ..
                }
            )
        })
        .await;
    h.put(devices);
    assert!(
        h.shown().prompt.en.contains("TicketPrinter: OK"),
        "{:?}",
        h.shown().prompt
    );
    h.tap("退出维护");
    let closed = h
        .driver
        .wait_for(PATIENCE, |v| {
            v.maintenance == flows::MaintenanceView::Closed
        })
        .await;
    h.put(closed);
    h.at(ScreenId::Idle).await;
    assert!(
        h.shown().items.iter().all(|i| i.enabled),
        "citizens back in"
    );
    h.stop().await;
}

impl Harness {
    /// Types `text` key by key on the keyboard shown (digits, upper-case letters, `-`).
    fn type_keys(&self, text: &str) {
        for c in text.chars() {
            self.tap(&c.to_string());
        }
    }

    /// Types `pinyin` on the 拼音 layout and commits the candidate `word` from the bar.
    fn compose(&self, pinyin: &str, word: &str) {
        for c in pinyin.chars() {
            self.tap(&c.to_string());
        }
        assert!(
            self.find("preedit").is_some(),
            "the candidate bar shows the pinyin"
        );
        // Page through the candidates as a citizen would (a common name is on the first pages).
        for _ in 0..5 {
            if self.find(word).is_some() {
                break;
            }
            self.tap("›");
        }
        self.tap(word);
    }

    /// Focuses a form field by touching it.
    fn field(&self, id: &str) {
        self.tap_blank(&format!("field:{id}"));
    }

    /// The value a form field shows.
    fn field_value(&self, id: &str) -> String {
        self.find(&format!("field:{id}"))
            .and_then(|e| e.accessible_value())
            .map(|v| v.to_string())
            .unwrap_or_default()
    }
}

/// A case number the central simulator knows, read from a probe rig (seeded the same each run).
async fn demo_case_number() -> String {
    let dir = std::env::temp_dir().join(format!(
        "kiosk-ui-flows-probe-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let camera = DemoCamera::StandIn(StandInCamera::passing(Duration::ZERO));
    let probe = DemoRig::start(RigOptions::unpaced(dir.clone(), camera))
        .await
        .unwrap();
    let case = probe.central.demo().holders[0].case_numbers[0].clone();
    probe.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
    case
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_number_typed_on_the_abc_keyboard_then_a_courier_address_in_pinyin() {
    let case = demo_case_number().await;
    let mut h = Harness::passing("courier").await;
    h.choose(3);
    h.at(ScreenId::CaseMethod).await;
    h.press(ButtonId::UseKeypad);
    h.at(ScreenId::CaseNumber).await;
    // BDC-2026-000101: letters, digits and dashes on the ABC layout.
    h.type_and_submit(&case);
    let progress = h.at(ScreenId::CaseProgress).await;
    assert!(
        progress.buttons.iter().any(|b| b.id == "pickup"),
        "{:?}",
        progress.buttons
    );
    h.press(ButtonId::Pickup);
    h.at(ScreenId::PickupMethods).await;
    h.press(ButtonId::PickupMethod(PickupMethod::Courier));
    let form = h.at(ScreenId::Address).await;
    assert_eq!(form.kind, kiosk_ui::ScreenKind::Form);

    h.field("recipient");
    h.compose("wang", "王");
    h.compose("fang", "芳");
    assert_eq!(h.field_value("recipient"), "王芳");
    h.field("phone");
    h.type_keys("13800138000");
    h.field("address");
    h.compose("beijing", "北京");
    h.compose("chaoyang", "朝阳");
    // Letters still being composed when the field is left are kept as typed.
    for c in "lu".chars() {
        h.tap(&c.to_string());
    }
    h.field("postal_code");
    assert_eq!(h.field_value("address"), "北京朝阳lu");
    h.type_keys("100020");
    h.tap("提交");
    let updated = h
        .driver
        .wait_for(PATIENCE, |v| {
            v.screen.id == ScreenId::CaseProgress
                && v.screen.error.as_ref().and_then(flows::Text::key)
                    == Some(TextKey::PickupUpdated)
        })
        .await;
    h.put(updated);
    // The note heads the progress screen, in the citizen's language.
    let text = h.section_texts();
    assert!(
        text.iter().any(|t| t == TextKey::PickupUpdated.zh()),
        "pickup updated: {text:?}"
    );
    h.home_and_wiped().await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_typed_in_pinyin_is_sent() {
    let mut h = Harness::passing("question").await;
    h.choose(5);
    h.at(ScreenId::AskRateMenu).await;
    h.press(ButtonId::Ask);
    let form = h.at(ScreenId::QuestionForm).await;
    assert_eq!(form.kind, kiosk_ui::ScreenKind::Form);
    h.field("question");
    h.compose("banli", "办理");
    h.compose("shijian", "时间");
    // The submit with a missing phone number: the flow says what is wrong, the text stays.
    h.field("phone");
    h.type_keys("12345");
    h.tap("提交");
    let error = h
        .driver
        .wait_for(PATIENCE, |v| {
            v.screen.id == ScreenId::QuestionForm && v.screen.error.is_some()
        })
        .await;
    h.put(error);
    assert_eq!(h.field_value("question"), "办理时间");
    for _ in 0..5 {
        h.tap("删除");
    }
    h.type_keys("13800138000");
    h.tap("提交");
    h.at(ScreenId::Thanks).await;
    h.home_and_wiped().await;
    h.stop().await;
}
