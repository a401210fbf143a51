//! The screen model: what each state shows, as data a UI renders and tests assert.
//!
//! Texts are message keys ([`TextKey`], both languages in [`crate::text`]) or data from the card
//! or central shown as is; personal values stay [`Sensitive`] so a `{:?}` of a screen masks them.

use crate::text::TextKey;
use crate::types::Lang;
use central_api::domain::{PickupMethod, RatingLevel, RatingReason};
use central_api::dto::Certificate;
use idcard::Sensitive;
use std::sync::Arc;

/// One piece of text on a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// A catalogue text.
    Key(TextKey),
    /// A catalogue text with `{0}`, `{1}`, ... filled in.
    Args(TextKey, Vec<String>),
    /// Data shown as is (registry values, times, numbers); not personal.
    Data(String),
    /// A personal value shown to its owner; masked in `Debug`.
    Personal(Sensitive),
}

impl Text {
    /// A catalogue text with arguments.
    pub fn args(key: TextKey, args: impl IntoIterator<Item = String>) -> Text {
        Text::Args(key, args.into_iter().collect())
    }

    /// The text in `lang`, as the UI shows it.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Text::Key(key) => key.get(lang).to_owned(),
            Text::Args(key, args) => crate::text::fill(key.get(lang), args),
            Text::Data(s) => s.clone(),
            Text::Personal(s) => s.expose().to_owned(),
        }
    }

    /// The catalogue key, if the text is one.
    pub fn key(&self) -> Option<TextKey> {
        match self {
            Text::Key(k) | Text::Args(k, _) => Some(*k),
            _ => None,
        }
    }
}

impl From<TextKey> for Text {
    fn from(key: TextKey) -> Self {
        Text::Key(key)
    }
}

/// Stable button ids: the UI labels them from the screen, tests press them by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ButtonId {
    /// 权属查询.
    OwnershipQuery,
    /// 有房无房查询.
    PropertyQuery,
    /// Agree (consent).
    Accept,
    /// Decline (consent).
    Decline,
    /// Try again.
    Retry,
    /// Print.
    Print,
    /// Issue the certificate (preview first).
    Certificate,
    /// OK / finish.
    Done,
    /// End the session after a fault.
    Exit,
    /// Use the ID card.
    UseCard,
    /// Type a number on the keypad.
    UseKeypad,
    /// Show a QR code to the camera.
    ScanQr,
    /// Take a walk-in ticket instead.
    WalkIn,
    /// No priority.
    PriorityNone,
    /// Elderly priority (read the ID card for the birth date).
    PriorityElderly,
    /// Disabled (declared).
    PriorityDisabled,
    /// Pregnant (declared).
    PriorityPregnant,
    /// Show the fees.
    Fees,
    /// Pay by QR.
    Pay,
    /// Choose the pickup method.
    Pickup,
    /// A pickup method.
    PickupMethod(PickupMethod),
    /// The FAQ.
    Faq,
    /// Leave a question.
    Ask,
    /// Rate a case.
    RateCase,
    /// Rate a ticket (a visit without a case).
    RateTicket,
    /// A rating level.
    Level(RatingLevel),
    /// Toggle a reason for dissatisfaction.
    Reason(RatingReason),
    /// Send.
    Submit,
}

/// A button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// Its id.
    pub id: ButtonId,
    /// Its label.
    pub label: Text,
    /// Whether it can be pressed (a disabled button says why in the screen's lines).
    pub enabled: bool,
    /// Whether it is toggled on (reasons).
    pub selected: bool,
}

impl Button {
    /// An enabled button.
    pub fn new(id: ButtonId, label: TextKey) -> Button {
        Button {
            id,
            label: Text::Key(label),
            enabled: true,
            selected: false,
        }
    }

    /// The same button, enabled or not.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Button {
        self.enabled = enabled;
        self
    }

    /// The same button, toggled or not.
    #[must_use]
    pub fn selected(mut self, selected: bool) -> Button {
        self.selected = selected;
        self
    }
}

/// A list item, chosen with [`crate::Intent::Select`] by its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its lines (the first is the heading).
    pub lines: Vec<Text>,
    /// Whether it can be chosen.
    pub enabled: bool,
}

impl Item {
    /// An enabled item.
    pub fn new(lines: Vec<Text>) -> Item {
        Item {
            lines,
            enabled: true,
        }
    }
}

/// What the screen's text field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A booking code (digits keypad).
    BookingCode,
    /// A case number (keypad with letters and `-`).
    CaseNumber,
    /// A ticket number (`A012`).
    TicketNumber,
    /// The courier address form.
    Address,
    /// The question form.
    Question,
}

/// The inactivity warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    /// Seconds left before the session ends; `None` in elder mode (it never ends by itself).
    pub seconds_left: Option<u64>,
}

impl Countdown {
    /// The warning's text: the seconds left, or in elder mode a plain "tap continue".
    pub fn text(&self) -> Text {
        match self.seconds_left {
            Some(s) => Text::args(TextKey::WarningCountdown, [s.to_string()]),
            None => Text::Key(TextKey::WarningElder),
        }
    }
}

/// Which screens exist (stable ids for the UI's pages and for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenId {
    /// The idle / attract screen with the flow menu.
    Idle,
    /// A fault: what happened, what to do, which window.
    Fault,
    /// 权属查询 or 有房无房.
    RecordsKind,
    /// The face-verification consent notice.
    Consent,
    /// Place the ID card.
    PlaceCard,
    /// The face check (over the live preview).
    FaceCheck,
    /// The face check failed; try again or go to the window.
    FaceFailed,
    /// Waiting for central.
    Working,
    /// 查询目的.
    Purpose,
    /// The list of units.
    Units,
    /// A unit's detail.
    UnitDetail,
    /// 有房无房 result.
    PropertyResult,
    /// No record.
    NoRecord,
    /// The certificate preview.
    Preview,
    /// Printing.
    Printing,
    /// Take your certificate and ID card.
    TakeCertificate,
    /// Card or booking code.
    CheckInMethod,
    /// The booking code keypad.
    BookingCode,
    /// Today's appointments.
    Appointments,
    /// Too early to check in.
    TooEarly,
    /// Too late to check in.
    TooLate,
    /// A short message (already checked in, no appointment, daily cap, ...).
    Message,
    /// Take your ticket.
    TakeTicket,
    /// Choose a service.
    Services,
    /// Choose a priority.
    Priority,
    /// Case number or QR.
    CaseMethod,
    /// The case number keypad.
    CaseNumber,
    /// Scanning a QR code.
    ScanQr,
    /// A case's progress.
    CaseProgress,
    /// Choose a pickup method.
    PickupMethods,
    /// The courier address form.
    Address,
    /// Fees.
    Fees,
    /// The payment QR.
    PaymentQr,
    /// Guide: classification dimensions.
    GuideDimensions,
    /// Guide: values of a dimension.
    GuideValues,
    /// Guide: topics.
    GuideTopics,
    /// Guide: a topic's materials.
    GuideTopic,
    /// Ask and rate menu.
    AskRateMenu,
    /// The FAQ list.
    FaqList,
    /// One FAQ answer.
    FaqEntry,
    /// The question form.
    QuestionForm,
    /// The rating target keypad.
    RateTarget,
    /// Rating levels.
    RateLevel,
    /// Reasons for dissatisfaction.
    RateReasons,
    /// Thank you.
    Thanks,
}

/// A document the screen previews; the UI draws it (the flows hold no pixels).
///
/// Shared, not copied: building a screen clones the handle, and two screens of the same state
/// compare equal by pointer before comparing contents.
#[derive(Clone, PartialEq, Eq)]
pub enum Document {
    /// The certificate central issued, before it is printed (the requester's ID number is
    /// masked in the preview).
    Certificate(Arc<Certificate>),
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the requester's name or ID number: the query number only.
        match self {
            Document::Certificate(c) => write!(f, "Certificate({})", c.query_number),
        }
    }
}

/// Which navigation buttons show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nav {
    /// Back.
    pub back: bool,
    /// Home.
    pub home: bool,
    /// Go to a staffed window.
    pub staffed: bool,
}

/// Everything the UI needs to draw one screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// Which screen.
    pub id: ScreenId,
    /// Title.
    pub title: TextKey,
    /// Body lines.
    pub lines: Vec<Text>,
    /// Selectable items.
    pub items: Vec<Item>,
    /// Buttons.
    pub buttons: Vec<Button>,
    /// A text field or form, if the screen takes input.
    pub field: Option<Field>,
    /// A QR code to show (payment).
    pub qr: Option<String>,
    /// A document to preview (the certificate before printing).
    pub document: Option<Document>,
    /// An error about the citizen's last input.
    pub error: Option<Text>,
    /// Waiting for a device or central (spinner; the inactivity timer is paused).
    pub busy: bool,
    /// Navigation buttons.
    pub nav: Nav,
    /// The inactivity warning, when shown.
    pub warning: Option<Countdown>,
    /// The language.
    pub lang: Lang,
    /// Elder mode.
    pub elder: bool,
}

impl Screen {
    /// A screen with a title, all navigation shown, nothing else.
    pub fn new(id: ScreenId, title: TextKey) -> Screen {
        Screen {
            id,
            title,
            lines: Vec::new(),
            items: Vec::new(),
            buttons: Vec::new(),
            field: None,
            qr: None,
            document: None,
            error: None,
            busy: false,
            nav: Nav {
                back: true,
                home: true,
                staffed: true,
            },
            warning: None,
            lang: Lang::Zh,
            elder: false,
        }
    }

    /// Adds a line.
    #[must_use]
    pub fn line(mut self, text: impl Into<Text>) -> Screen {
        self.lines.push(text.into());
        self
    }

    /// Adds a button.
    #[must_use]
    pub fn button(mut self, button: Button) -> Screen {
        self.buttons.push(button);
        self
    }

    /// Sets the items.
    #[must_use]
    pub fn items(mut self, items: Vec<Item>) -> Screen {
        self.items = items;
        self
    }

    /// Marks the screen as waiting (no back button: the answer is on its way).
    #[must_use]
    pub fn busy(mut self) -> Screen {
        self.busy = true;
        self.nav.back = false;
        self
    }

    /// Hides the back button.
    #[must_use]
    pub fn no_back(mut self) -> Screen {
        self.nav.back = false;
        self
    }

    /// Sets the text field.
    #[must_use]
    pub fn field(mut self, field: Field) -> Screen {
        self.field = Some(field);
        self
    }

    /// Sets the input error.
    #[must_use]
    pub fn error(mut self, error: Option<Text>) -> Screen {
        self.error = error;
        self
    }

    /// Whether a button with this id is shown and enabled.
    pub fn can_press(&self, id: ButtonId) -> bool {
        self.buttons.iter().any(|b| b.id == id && b.enabled)
    }

    /// Every line rendered in `lang` (for tests and logs of non-personal screens).
    pub fn rendered_lines(&self, lang: Lang) -> Vec<String> {
        self.lines.iter().map(|l| l.render(lang)).collect()
    }
}

#[cfg(test)]
mod document_tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;
    use central_api::domain::QueryPurpose;

    #[test]
    fn a_previewed_certificate_shows_only_its_query_number_in_debug() {
        let cert = crate::samples::certificate(
            vec![crate::samples::unit().unwrap()],
            QueryPurpose::SchoolEnrolment,
        )
        .unwrap();
        let own = crate::samples::own_id().unwrap();
        let mut screen = Screen::new(ScreenId::Preview, TextKey::PreviewTitle);
        screen.document = Some(Document::Certificate(Arc::from(cert)));
        let debug = format!("{screen:?}");
        assert!(debug.contains("Certificate(Q20261128000123)"), "{debug}");
        assert!(!debug.contains(&own), "{debug}");
        assert!(!debug.contains(crate::samples::CITIZEN_NAME), "{debug}");
        // Equal screens share the document.
        assert_eq!(screen.clone(), screen);
    }
}
