//! The touchscreen on the driver: every [`View`] the driver publishes is mapped onto the
//! touchscreen's view model ([`crate::screens`]) and shown on the Slint event-loop thread; every
//! touch ([`UiEvent`]) is mapped back onto a citizen [`Intent`] or an operator
//! [`MaintenanceInput`] and sent to the driver in order.
//!
//! Threads: [`run_touchscreen`] creates the window and runs Slint's event loop on the calling
//! (main) thread; the view watcher and the action forwarder are tasks on the tokio runtime whose
//! handle it is given. Views cross over with [`slint::invoke_from_event_loop`].
//!
//! Maintenance pages show as a plain list screen (the PIN on the keypad, masked). The hidden
//! corner (top left of the header) reports every tap as [`MaintenanceInput::CornerTap`], whatever
//! is shown; the flows count five taps within their window before asking for the PIN. The console
//! (`maint tap`) keeps working next to the touchscreen.

use crate::app::{Command, DriverHandle, MaintenanceInfo, View};
use crate::screens;
use flows::{
    AddressForm, Choice, Device, Input, Intent, MaintenanceInput, MaintenanceView, Page,
    QuestionForm, ScreenId,
};
use kiosk_ui::{
    Entry, Item, Keys, KioskUi, Lang, Orientation, ScreenKind, ScreenView, Text, UiError, UiEvent,
};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use tokio::sync::{mpsc, watch};

/// What a touch asks of the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A citizen intent.
    Citizen(Intent),
    /// An operator input (maintenance mode).
    Operator(MaintenanceInput),
}

impl Action {
    /// The driver command.
    pub fn command(self) -> Command {
        match self {
            Action::Citizen(intent) => Command::Input(Input::Citizen(intent)),
            Action::Operator(input) => Command::Maintenance(input),
        }
    }
}

/// The prefix of maintenance item ids (citizen ids are button names or list indexes).
const MAINT: &str = "maint:";

/// The operator's choices on the maintenance list: id, Chinese, English, choice.
fn maintenance_choices() -> Vec<(&'static str, &'static str, &'static str, Choice)> {
    vec![
        (
            "devices",
            "设备状态",
            "Device status",
            Choice::Show(Page::Devices),
        ),
        ("outbox", "待上传队列", "Outbox", Choice::Show(Page::Outbox)),
        (
            "journal",
            "日志末尾",
            "Journal tail",
            Choice::Show(Page::JournalTail),
        ),
        (
            "network",
            "网络与中心",
            "Network and central",
            Choice::Show(Page::Network),
        ),
        (
            "version",
            "软件版本",
            "Version",
            Choice::Show(Page::Version),
        ),
        (
            "test-ticket",
            "票据打印机测试页",
            "Test print: ticket printer",
            Choice::TestPrint(Device::TicketPrinter),
        ),
        (
            "test-a4",
            "A4 打印机测试页",
            "Test print: A4 printer",
            Choice::TestPrint(Device::A4Printer),
        ),
        (
            "paper",
            "已更换票据纸",
            "Paper replaced (ticket printer)",
            Choice::PaperReplaced(Device::TicketPrinter),
        ),
        (
            "replay",
            "重发待上传记录",
            "Replay the outbox",
            Choice::ReplayOutbox,
        ),
        ("leave", "退出维护", "Leave maintenance", Choice::Leave),
    ]
}

/// The same text in both languages (operator pages are technical lines).
fn both(s: impl Into<String>) -> Text {
    let s = s.into();
    Text::new(s.clone(), s)
}

/// What a maintenance page lists.
fn page_lines(page: Page, info: &MaintenanceInfo) -> Vec<String> {
    match page {
        Page::Menu => Vec::new(),
        Page::Devices => info
            .devices
            .iter()
            .map(|(d, up)| format!("{d:?}: {}", if *up { "OK" } else { "DOWN" }))
            .collect(),
        Page::Outbox => vec![
            format!("outbox depth: {}", info.outbox_depth),
            format!("dead letters: {}", info.dead_letters),
        ],
        Page::JournalTail => info.journal_tail.clone(),
        Page::Network => vec![info.central.clone()],
        Page::Version => vec![info.version.clone()],
    }
}

/// The maintenance side as a screen: the PIN on the keypad, the lockout note, or the menu as a
/// list with the page's lines above it.
pub fn maintenance_view(m: &MaintenanceView, info: &MaintenanceInfo) -> ScreenView {
    let title = Text::new("维护模式", "Maintenance");
    match m {
        MaintenanceView::Pin { tries_left, .. } => {
            let mut v = ScreenView::new(ScreenKind::Entry, title);
            v.prompt = Text::new(
                format!("请输入维护口令（还可尝试 {tries_left} 次）"),
                format!("Operator PIN ({tries_left} tries left)"),
            );
            v.entry = Some(Entry {
                label: Text::new("维护口令", "PIN"),
                masked: true,
                max_len: 12,
                extra_key: None,
                keys: Keys::Digits,
            });
            v.back = true;
            v
        }
        MaintenanceView::LockedOut { seconds_left } => {
            let mut v = ScreenView::new(ScreenKind::Result, title);
            v.prompt = Text::new(
                format!("输入错误次数过多，请 {seconds_left} 秒后再试"),
                format!("Too many wrong PINs: try again in {seconds_left} s"),
            );
            v.back = true;
            v
        }
        MaintenanceView::Open { page, last_result } => {
            let page = *page;
            let mut v = ScreenView::new(ScreenKind::List, title);
            let mut lines = Vec::new();
            if let Some((ok, detail)) = last_result {
                let ok = *ok;
                lines.push(format!("{} {detail}", if ok { "OK:" } else { "FAILED:" }));
            }
            lines.extend(page_lines(page, info));
            v.prompt = both(lines.join("\n"));
            v.items = maintenance_choices()
                .into_iter()
                .map(|(id, zh, en, _)| Item::new(format!("{MAINT}{id}"), Text::new(zh, en)))
                .collect();
            v.back = page != Page::Menu;
            v.home = true;
            v
        }
        MaintenanceView::Closed => ScreenView::new(ScreenKind::Waiting, title),
    }
}

/// What the touchscreen shows for a driver view: maintenance over the citizen side when open.
pub fn screen_view(view: &View) -> ScreenView {
    match &view.maintenance {
        MaintenanceView::Closed => {
            let picture = match (&view.picture, view.screen.id) {
                // A copy for the view model: neither it nor Slint's own image buffer made from
                // it is zeroed by the driver (the driver's shared picture is, when dropped).
                (Some(p), _) => Some(p.picture().clone()),
                // No camera frame yet: a stand-in frame.
                (None, ScreenId::FaceCheck | ScreenId::ScanQr) => {
                    Some(screens::camera_frame(320, 240))
                }
                (None, _) => None,
            };
            screens::view_with(&view.screen, picture)
        }
        other => maintenance_view(other, &view.info),
    }
}

/// The flows' language for the UI's.
fn flows_lang(lang: Lang) -> flows::Lang {
    match lang {
        Lang::Zh => flows::Lang::Zh,
        Lang::En => flows::Lang::En,
    }
}

/// The UI's language for the flows'.
fn ui_lang(lang: flows::Lang) -> Lang {
    match lang {
        flows::Lang::Zh => Lang::Zh,
        flows::Lang::En => Lang::En,
    }
}

/// What a touch asks of the driver while `view` is shown; `None` for touches the driver does
/// not need (keypad typing, result lines).
pub fn action_of(event: &UiEvent, view: &View) -> Option<Action> {
    if *event == UiEvent::CornerTap {
        return Some(Action::Operator(MaintenanceInput::CornerTap));
    }
    match &view.maintenance {
        MaintenanceView::Closed => match event {
            UiEvent::FormSubmitted(values) => form_action(values, view.screen.id),
            other => citizen_action(other),
        },
        m => operator_action(event, m),
    }
}

/// A submitted form as the intent of the form screen shown; `None` when no form is shown (a
/// late touch after the screen changed). Fields the form lacks are empty, so the flow's own
/// validation names them.
fn form_action(values: &[(String, String)], screen: ScreenId) -> Option<Action> {
    use screens::form_field as f;
    let value = |id: &str| {
        values
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let intent = match screen {
        ScreenId::Address => Intent::Address(AddressForm {
            recipient: value(f::RECIPIENT),
            phone: value(f::PHONE),
            address: value(f::ADDRESS),
            postal_code: value(f::POSTAL_CODE),
        }),
        ScreenId::QuestionForm => Intent::Question(QuestionForm {
            text: value(f::QUESTION),
            phone: value(f::PHONE),
        }),
        _ => return None,
    };
    Some(Action::Citizen(intent))
}

fn citizen_action(event: &UiEvent) -> Option<Action> {
    let intent = match event {
        UiEvent::Pressed(id) => match screens::parse_button(id) {
            Some(b) => Intent::Press(b),
            None => Intent::Select(id.parse().ok()?),
        },
        UiEvent::Back => Intent::Back,
        UiEvent::Home => Intent::Home,
        UiEvent::StaffedWindow => Intent::StaffedWindow,
        UiEvent::MoreTime => Intent::Extend,
        // Typing keeps the session alive; the text stays in the UI until it is submitted.
        UiEvent::Typing => Intent::Typing,
        UiEvent::EntrySubmitted(text) => Intent::Enter(text.clone()),
        UiEvent::Language(lang) => Intent::Language(flows_lang(*lang)),
        UiEvent::ElderMode(on) => Intent::ElderMode(*on),
        _ => return None,
    };
    Some(Action::Citizen(intent))
}

fn operator_action(event: &UiEvent, m: &MaintenanceView) -> Option<Action> {
    let prompt = !matches!(m, MaintenanceView::Open { .. });
    let input = match event {
        UiEvent::EntrySubmitted(pin) if matches!(m, MaintenanceView::Pin { .. }) => {
            MaintenanceInput::Pin(pin.clone())
        }
        UiEvent::Back | UiEvent::Home if prompt => MaintenanceInput::Cancel,
        UiEvent::Back => MaintenanceInput::Back,
        UiEvent::Home => MaintenanceInput::Choose(Choice::Leave),
        UiEvent::Pressed(id) => {
            let name = id.strip_prefix(MAINT)?;
            let choice = maintenance_choices()
                .into_iter()
                .find(|(n, ..)| *n == name)?
                .3;
            MaintenanceInput::Choose(choice)
        }
        _ => return None,
    };
    Some(Action::Operator(input))
}

/// Shows a view on the touchscreen, with the flows' language and elder mode (the flows reset them
/// when a session ends). Call it on the event-loop thread.
///
/// # Errors
/// The screen refuses the view (see [`ScreenView::validate`]); the previous one stays.
pub fn show(ui: &KioskUi, view: &View) -> Result<(), UiError> {
    if view.maintenance == MaintenanceView::Closed {
        let lang = ui_lang(view.screen.lang);
        if ui.lang() != lang {
            ui.set_lang(lang);
        }
        if ui.elder() != view.screen.elder {
            ui.set_elder(view.screen.elder);
        }
    }
    let mut shown = screen_view(view);
    let result = ui.show(&shown);
    // This copy of the picture (a face, on the camera screens) is zeroed before it is freed;
    // Slint's own copy inside the window is outside our control.
    if let Some(picture) = shown.picture.as_mut() {
        zeroize::Zeroize::zeroize(&mut picture.rgba);
    }
    result
}

/// Reports the UI's touches as actions into `actions`, mapped against the latest view.
pub fn connect(ui: &KioskUi, views: watch::Receiver<View>, actions: mpsc::UnboundedSender<Action>) {
    ui.on_event(move |event| {
        let action = action_of(&event, &views.borrow());
        if let Some(action) = action {
            tracing::debug!(action = %loggable(&action), "touch");
            let _ = actions.send(action);
        }
    });
}

/// An action as the log may show it: what was typed (forms, entries, the operator PIN) is left
/// out, since it can be a citizen's phone number, address or case.
fn loggable(action: &Action) -> String {
    match action {
        Action::Citizen(Intent::Address(_)) => "citizen: address form submitted".to_owned(),
        Action::Citizen(Intent::Question(_)) => "citizen: question form submitted".to_owned(),
        Action::Citizen(Intent::Enter(text)) => {
            format!("citizen: entry of {} characters", text.chars().count())
        }
        Action::Operator(MaintenanceInput::Pin(_)) => "operator: PIN submitted".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Sends actions to the driver in the order they were touched, until either side closes.
pub async fn forward(mut actions: mpsc::UnboundedReceiver<Action>, driver: mpsc::Sender<Command>) {
    while let Some(action) = actions.recv().await {
        if driver.send(action.command()).await.is_err() {
            break;
        }
    }
}

thread_local! {
    /// The touchscreen of this (event-loop) thread, for views handed over from tokio.
    static UI: RefCell<Weak<KioskUi>> = const { RefCell::new(Weak::new()) };
}

/// Runs the touchscreen on the calling thread (the main thread: Slint's event loop) until the
/// window closes or [`slint::quit_event_loop`] is called; `runtime` runs the view watcher and
/// the action forwarder.
///
/// # Errors
/// No display backend, the font, or the event loop failed.
pub fn run_touchscreen(
    driver: &DriverHandle,
    runtime: &tokio::runtime::Handle,
    orientation: Orientation,
    lang: Lang,
    elder: bool,
) -> Result<(), UiError> {
    // The touchscreen draws from the ticket renderer's read-only mapping of the CJK font.
    let font = std::path::Path::new(kiosk_ui::fonts::DEFAULT_CJK_FONT_PATH);
    match tickets::fonts::mapped(font) {
        Ok(data) => kiosk_ui::fonts::provide_font_data(font, std::sync::Arc::new(data)),
        Err(e) => tracing::warn!(error = %e, "the CJK font cannot be mapped: it is read instead"),
    }
    let ui = Rc::new(KioskUi::new(orientation, lang, elder)?);
    UI.with(|cell| *cell.borrow_mut() = Rc::downgrade(&ui));
    let views = driver.view();
    show(&ui, &views.borrow())?;
    let (tx, rx) = mpsc::unbounded_channel();
    connect(&ui, views.clone(), tx);
    let forwarder = runtime.spawn(forward(rx, driver.sender()));
    let watcher = runtime.spawn(watch_views(views));
    let result = ui.run();
    watcher.abort();
    forwarder.abort();
    UI.with(|cell| *cell.borrow_mut() = Weak::new());
    result
}

/// Hands every new view to the event-loop thread.
async fn watch_views(mut views: watch::Receiver<View>) {
    while views.changed().await.is_ok() {
        let view = views.borrow_and_update().clone();
        let sent = slint::invoke_from_event_loop(move || {
            let Some(ui) = UI.with(|cell| cell.borrow().upgrade()) else {
                return;
            };
            if let Err(e) = show(&ui, &view) {
                tracing::warn!(screen = ?view.screen.id, "the touchscreen refused a view: {e}");
            }
        });
        if sent.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        reason = "tests fail loudly"
    )]

    use super::*;
    use crate::app::camera::StandInCamera;
    use crate::app::rig::{DemoCamera, DemoRig, RigOptions};
    use flows::ButtonId;
    use kiosk_ui::generated::Api;
    use slint::ComponentHandle;
    use std::time::Duration;

    const PATIENCE: Duration = Duration::from_secs(15);

    /// The title the touchscreen holds now, both languages.
    fn title(ui: &KioskUi) -> (String, String) {
        let t = ui.component().global::<Api>().get_title();
        (t.zh.to_string(), t.en.to_string())
    }

    /// Waits for the driver to show `id` (settled), shows it on `ui` and checks the title.
    async fn shown(driver: &DriverHandle, ui: &KioskUi, id: ScreenId) -> View {
        let v = driver
            .wait_for(PATIENCE, |v| v.screen.id == id && !v.screen.busy)
            .await;
        assert_eq!(v.screen.id, id, "waiting for {id:?}; at {:?}", v.screen.id);
        show(ui, &v).unwrap();
        assert_eq!(
            title(ui),
            (
                v.screen.title.zh().to_owned(),
                v.screen.title.en().to_owned()
            ),
            "{id:?}"
        );
        v
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn driver_views_reach_the_touchscreen_and_touches_drive_the_flows() {
        let dir = std::env::temp_dir().join(format!("kiosk-ui-bridge-{}", uuid::Uuid::new_v4()));
        let options = RigOptions::unpaced(
            dir.clone(),
            DemoCamera::StandIn(StandInCamera::passing(Duration::from_millis(50))),
        );
        let rig = DemoRig::start(options).await.unwrap();
        let (mut config, parts) = rig.parts().unwrap();
        config.monitor_interval = Duration::from_millis(300);
        let driver = crate::app::spawn(config, parts).unwrap();

        // The UI on this (the test's) thread, as the event loop's thread would hold it.
        let ui = KioskUi::headless(Orientation::Portrait, Lang::Zh, false).unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        connect(&ui, driver.view(), tx);
        tokio::spawn(forward(rx, driver.sender()));

        let idle = driver
            .wait_for(PATIENCE, |v| {
                !v.starting
                    && v.screen.id == ScreenId::Idle
                    && v.screen.items.iter().all(|i| i.enabled)
            })
            .await;
        let idle = shown(&driver, &ui, idle.screen.id).await;
        let frame = ui.render().unwrap();
        assert_eq!((frame.width, frame.height), (1080, 1920));

        // The first tile of the idle menu, pressed on the screen: the records flow starts.
        let first = screen_view(&idle).items[0].id.clone();
        assert_eq!(
            action_of(&UiEvent::Pressed(first.clone()), &idle),
            Some(Action::Citizen(Intent::Select(0)))
        );
        ui.component().global::<Api>().invoke_action(first.into());
        let kind = shown(&driver, &ui, ScreenId::RecordsKind).await;

        // A button tile by its name: the ownership query goes to the consent notice.
        let tile = screens::button_name(ButtonId::OwnershipQuery);
        assert!(screen_view(&kind).items.iter().any(|i| i.id == tile));
        ui.component().global::<Api>().invoke_action(tile.into());
        shown(&driver, &ui, ScreenId::Consent).await;

        // Home from the touchscreen ends the session.
        ui.component().global::<Api>().invoke_home();
        shown(&driver, &ui, ScreenId::Idle).await;

        driver.shutdown().await;
        rig.shutdown().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    fn citizen_view(id: ScreenId) -> View {
        View {
            screen: flows::Screen::new(id, flows::TextKey::AddressTitle),
            maintenance: MaintenanceView::Closed,
            info: MaintenanceInfo::default(),
            starting: false,
            picture: None,
        }
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn submitted_forms_become_the_flows_form_intents() {
        let address = pairs(&[
            ("recipient", "王𠮷"),
            ("phone", "13800138000"),
            ("address", "北京市朝阳区望京西园三区 312 号楼"),
            ("postal_code", "100102"),
        ]);
        assert_eq!(
            action_of(
                &UiEvent::FormSubmitted(address.clone()),
                &citizen_view(ScreenId::Address)
            ),
            Some(Action::Citizen(Intent::Address(AddressForm {
                recipient: "王𠮷".into(),
                phone: "13800138000".into(),
                address: "北京市朝阳区望京西园三区 312 号楼".into(),
                postal_code: "100102".into(),
            })))
        );
        // The field ids are the ones the screen mapping gives the form.
        let v = screen_view(&citizen_view(ScreenId::Address));
        let ids: Vec<&str> = v.form.iter().map(|f| f.id.as_str()).collect();
        let sent: Vec<&str> = address.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(ids, sent);

        let question = pairs(&[("question", "何时可以领证？"), ("phone", "13900000000")]);
        assert_eq!(
            action_of(
                &UiEvent::FormSubmitted(question.clone()),
                &citizen_view(ScreenId::QuestionForm)
            ),
            Some(Action::Citizen(Intent::Question(QuestionForm {
                text: "何时可以领证？".into(),
                phone: "13900000000".into(),
            })))
        );
        // A missing field is empty (the flow names it); a form on another screen is dropped.
        assert_eq!(
            action_of(
                &UiEvent::FormSubmitted(pairs(&[("question", "x")])),
                &citizen_view(ScreenId::QuestionForm)
            ),
            Some(Action::Citizen(Intent::Question(QuestionForm {
                text: "x".into(),
                phone: String::new(),
            })))
        );
        assert_eq!(
            action_of(
                &UiEvent::FormSubmitted(question),
                &citizen_view(ScreenId::Idle)
            ),
            None
        );
    }

    #[test]
    fn typed_text_stays_out_of_the_log() {
        let form = Action::Citizen(Intent::Address(AddressForm {
            recipient: "王𠮷".into(),
            phone: "13800138000".into(),
            address: "望京西园".into(),
            postal_code: "100102".into(),
        }));
        let question = Action::Citizen(Intent::Question(QuestionForm {
            text: "何时领证".into(),
            phone: "13900000000".into(),
        }));
        let entry = Action::Citizen(Intent::Enter("BDC-2026-000101".into()));
        let pin = Action::Operator(MaintenanceInput::Pin("246810".into()));
        for (action, secret) in [
            (form, "13800138000"),
            (question, "何时领证"),
            (entry, "000101"),
            (pin, "246810"),
        ] {
            let line = loggable(&action);
            assert!(!line.contains(secret), "{line}");
            assert!(!line.is_empty());
        }
        assert_eq!(
            loggable(&Action::Citizen(Intent::Back)),
            format!("{:?}", Action::Citizen(Intent::Back))
        );
    }

    #[test]
    fn corner_taps_reach_maintenance_whatever_is_shown() {
        let tap = Some(Action::Operator(MaintenanceInput::CornerTap));
        for id in [ScreenId::Idle, ScreenId::Address, ScreenId::FaceCheck] {
            assert_eq!(action_of(&UiEvent::CornerTap, &citizen_view(id)), tap);
        }
        let mut pin = citizen_view(ScreenId::Idle);
        pin.maintenance = MaintenanceView::Pin {
            failures: 0,
            tries_left: 5,
        };
        assert_eq!(action_of(&UiEvent::CornerTap, &pin), tap);
        assert!(matches!(
            Action::Operator(MaintenanceInput::CornerTap).command(),
            Command::Maintenance(MaintenanceInput::CornerTap)
        ));
    }

    #[test]
    fn maintenance_pages_map_both_ways() {
        let info = MaintenanceInfo {
            devices: vec![(Device::TicketPrinter, false)],
            outbox_depth: 3,
            dead_letters: 0,
            journal_tail: vec![],
            central: "ok".into(),
            version: "1".into(),
        };
        let open = MaintenanceView::Open {
            page: Page::Devices,
            last_result: Some((true, "printed".into())),
        };
        let v = maintenance_view(&open, &info);
        v.validate().unwrap();
        assert!(
            v.prompt.en.contains("TicketPrinter: DOWN"),
            "{}",
            v.prompt.en
        );
        let paper = v.items.iter().find(|i| i.id == "maint:paper").unwrap();
        assert_eq!(
            operator_action(&UiEvent::Pressed(paper.id.clone()), &open),
            Some(Action::Operator(MaintenanceInput::Choose(
                Choice::PaperReplaced(Device::TicketPrinter)
            )))
        );
        assert_eq!(
            operator_action(&UiEvent::Back, &open),
            Some(Action::Operator(MaintenanceInput::Back))
        );
        let pin = MaintenanceView::Pin {
            failures: 0,
            tries_left: 5,
        };
        let v = maintenance_view(&pin, &info);
        v.validate().unwrap();
        assert!(v.entry.as_ref().is_some_and(|e| e.masked));
        assert_eq!(
            operator_action(&UiEvent::EntrySubmitted("246810".into()), &pin),
            Some(Action::Operator(MaintenanceInput::Pin("246810".into())))
        );
        assert_eq!(
            operator_action(&UiEvent::Home, &pin),
            Some(Action::Operator(MaintenanceInput::Cancel))
        );
        assert_eq!(citizen_action(&UiEvent::Pressed("line-0".into())), None);
        assert_eq!(
            citizen_action(&UiEvent::MoreTime),
            Some(Action::Citizen(Intent::Extend))
        );
    }
}
