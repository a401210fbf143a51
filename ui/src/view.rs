//! The plain Rust view model a flow hands to the screen: what one screen shows, in both languages.
//!
//! It holds no Slint types, so flows and tests build it without a window. [`ScreenView::validate`]
//! checks what the screen cannot show (a picture whose bytes do not match its size, more tiles
//! than fit); [`crate::KioskUi::show`] calls it and refuses such a view with a [`UiError`].

use crate::UiError;

/// The most tiles, rows or result lines one screen takes.
pub const MAX_ITEMS: usize = 64;
/// The most action buttons one screen takes.
pub const MAX_BUTTONS: usize = 4;
/// The most characters an entry or a form field takes (a question, an address).
pub const MAX_ENTRY_LEN: usize = 200;
/// The most fields one form takes.
pub const MAX_FORM_FIELDS: usize = 6;
/// The largest picture side in pixels (camera frames and document previews).
pub const MAX_PICTURE_SIDE: u32 = 4096;

/// The language texts are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese.
    #[default]
    Zh,
    /// English.
    En,
}

/// How the screen is mounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// 1080 x 1920.
    #[default]
    Portrait,
    /// 1920 x 1080.
    Landscape,
}

impl Orientation {
    /// The screen size in pixels, width then height.
    pub fn size(self) -> (u32, u32) {
        match self {
            Orientation::Portrait => (1080, 1920),
            Orientation::Landscape => (1920, 1080),
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    /// The Chinese text.
    pub zh: String,
    /// The English text.
    pub en: String,
}

impl Text {
    /// A text from its two languages.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The same text in both languages (numbers, codes, names).
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text {
            zh: text.clone(),
            en: text,
        }
    }

    /// The text in one language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Whether both languages are empty.
    pub fn is_empty(&self) -> bool {
        self.zh.is_empty() && self.en.is_empty()
    }
}

/// Which template draws the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScreenKind {
    /// Large tiles with icons (`items`).
    #[default]
    Menu,
    /// A scrolling notice (`body`) with agree / decline `buttons`.
    Notice,
    /// "Place your ID card" with the illustration (`prompt`, `body`).
    PlaceCard,
    /// The live camera `picture` with the `prompt` over it and an optional `countdown` ring.
    FaceCheck,
    /// Rows to choose from (`items`; disabled rows are shown, not pressable).
    List,
    /// Titled `sections` of lines.
    Detail,
    /// A keypad or keyboard entry (`entry`).
    Entry,
    /// Labelled fields typed one at a time on the on-screen keyboard (`form`), and a submit
    /// button that reports every field's value.
    Form,
    /// A document or ticket `picture` before printing.
    Preview,
    /// A spinner with the `prompt`, and a bar when `progress` is known.
    Waiting,
    /// Done: a big icon, the `prompt` and item lines ("take your ID card").
    Result,
    /// A device or central fault: what happened (`prompt`), what to do (`body`).
    Fault,
    /// The service is out of service (`prompt`, `body`).
    OutOfService,
}

/// The icons a view can name (SVG files in `ui/assets/icons`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "the names are the pictures")]
pub enum Icon {
    Records,
    Certificate,
    Checkin,
    Ticket,
    Progress,
    Guide,
    Ask,
    Rate,
    IdCard,
    Face,
    Printer,
    Success,
    Warning,
    Window,
    Back,
    Home,
    Language,
    Elder,
    Clock,
    Keypad,
    Queue,
    Payment,
    Fault,
    Forward,
}

/// A tile, a list row or a result line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Item {
    /// The id reported when it is pressed.
    pub id: String,
    /// The main text.
    pub label: Text,
    /// A second, smaller line (may be empty).
    pub detail: Text,
    /// The picture beside or above the text.
    pub icon: Option<Icon>,
    /// Whether it can be pressed.
    pub enabled: bool,
}

impl Item {
    /// An enabled item with a label.
    pub fn new(id: impl Into<String>, label: Text) -> Item {
        Item {
            id: id.into(),
            label,
            detail: Text::default(),
            icon: None,
            enabled: true,
        }
    }

    /// With a second line.
    pub fn detail(mut self, detail: Text) -> Item {
        self.detail = detail;
        self
    }

    /// With an icon.
    pub fn icon(mut self, icon: Icon) -> Item {
        self.icon = Some(icon);
        self
    }

    /// Shown but not pressable.
    pub fn disabled(mut self) -> Item {
        self.enabled = false;
        self
    }
}

/// How an action button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonStyle {
    /// The step forward.
    Primary,
    /// Any other choice.
    #[default]
    Secondary,
    /// A choice that ends or refuses.
    Danger,
}

/// An action button in the bar above the footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// The id reported when it is pressed.
    pub id: String,
    /// Its text.
    pub label: Text,
    /// Its look.
    pub style: ButtonStyle,
    /// Whether it can be pressed.
    pub enabled: bool,
    /// Whether it is toggled on (for example a chosen reason).
    pub selected: bool,
}

impl Button {
    /// An enabled button.
    pub fn new(id: impl Into<String>, label: Text, style: ButtonStyle) -> Button {
        Button {
            id: id.into(),
            label,
            style,
            enabled: true,
            selected: false,
        }
    }
}

/// A titled block of lines on a detail screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading.
    pub heading: Text,
    /// The lines.
    pub lines: Vec<Text>,
}

/// An RGBA8 picture: a camera frame or a document preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes, rows top to bottom, not premultiplied.
    pub rgba: Vec<u8>,
}

/// Which keys an entry or a form field takes, and so which keyboard layouts it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keys {
    /// Digits only (booking codes, phone numbers, postal codes): the numeric keypad, plus the
    /// entry's extra key.
    #[default]
    Digits,
    /// Upper-case letters, digits and `-` (case numbers `BDC-2026-000101`, ticket numbers
    /// `A012`): the ABC layout.
    Alphanumeric,
    /// Free text: 拼音 (pinyin composed into Chinese characters), ABC and 123 layouts.
    Text,
}

/// What an entry screen collects, on the keypad (digits) or the on-screen keyboard.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// What to type ("booking code", "case number").
    pub label: Text,
    /// Show dots instead of the characters.
    pub masked: bool,
    /// The most characters accepted (at most [`MAX_ENTRY_LEN`]).
    pub max_len: usize,
    /// A key beside 0 (for example `X` of an ID number); `None` makes it a "clear" key.
    pub extra_key: Option<char>,
    /// Which keys it takes.
    pub keys: Keys,
}

/// One labelled field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormField {
    /// The id the value is reported with.
    pub id: String,
    /// What to type ("收件人").
    pub label: Text,
    /// The text the field starts with (typed text replaces it while the same form is shown).
    pub value: String,
    /// Which keys it takes.
    pub keys: Keys,
    /// The most characters it takes (1..=[`MAX_ENTRY_LEN`]).
    pub max_len: usize,
    /// Whether the form can be submitted with it empty.
    pub required: bool,
}

impl FormField {
    /// A required, empty field.
    pub fn new(id: impl Into<String>, label: Text, keys: Keys, max_len: usize) -> FormField {
        FormField {
            id: id.into(),
            label,
            value: String::new(),
            keys,
            max_len,
            required: true,
        }
    }

    /// Whether two fields are the same field of the same form (the value aside).
    pub(crate) fn same_field(&self, other: &FormField) -> bool {
        self.id == other.id
            && self.label == other.label
            && self.keys == other.keys
            && self.max_len == other.max_len
    }
}

/// A countdown shown as a ring (face-check challenges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    /// Seconds left.
    pub remaining_s: u32,
    /// Seconds at the start.
    pub total_s: u32,
}

/// The time-out warning over the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutWarning {
    /// Seconds before the session ends; `None` when it never ends by itself (elder mode), and
    /// the warning only asks whether the citizen wants to go on.
    pub remaining_s: Option<u32>,
    /// Whether "more time" is offered.
    pub can_extend: bool,
}

/// Everything one screen shows. Fields a template does not use are ignored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScreenView {
    /// The template.
    pub kind: ScreenKind,
    /// The header title.
    pub title: Text,
    /// The main message or question.
    pub prompt: Text,
    /// Longer text: the notice, what to do after a fault.
    pub body: Text,
    /// The big icon of result and fault screens (a default when `None`).
    pub icon: Option<Icon>,
    /// Tiles, rows or result lines.
    pub items: Vec<Item>,
    /// Action buttons.
    pub buttons: Vec<Button>,
    /// Detail sections.
    pub sections: Vec<Section>,
    /// The camera frame or document preview.
    pub picture: Option<Picture>,
    /// The keypad entry (required for [`ScreenKind::Entry`]).
    pub entry: Option<Entry>,
    /// The form's fields (at least one for [`ScreenKind::Form`]).
    pub form: Vec<FormField>,
    /// The countdown ring.
    pub countdown: Option<Countdown>,
    /// Known progress from 0 to 1.
    pub progress: Option<f32>,
    /// Show the back button.
    pub back: bool,
    /// Show the home button.
    pub home: bool,
    /// Show the "go to a staffed window" button.
    pub staffed_window: bool,
    /// The time-out warning overlay.
    pub timeout_warning: Option<TimeoutWarning>,
}

impl ScreenView {
    /// A screen with a title and the back, home and staffed-window buttons shown.
    pub fn new(kind: ScreenKind, title: Text) -> ScreenView {
        ScreenView {
            kind,
            title,
            back: true,
            home: true,
            staffed_window: true,
            ..ScreenView::default()
        }
    }

    /// Checks what the screen cannot show.
    pub fn validate(&self) -> Result<(), UiError> {
        if self.items.len() > MAX_ITEMS {
            return Err(UiError::TooManyItems {
                count: self.items.len(),
                max: MAX_ITEMS,
            });
        }
        if self.buttons.len() > MAX_BUTTONS {
            return Err(UiError::TooManyButtons {
                count: self.buttons.len(),
                max: MAX_BUTTONS,
            });
        }
        if let Some(p) = &self.picture {
            let expected = u64::from(p.width) * u64::from(p.height) * 4;
            if p.width == 0
                || p.height == 0
                || p.width > MAX_PICTURE_SIDE
                || p.height > MAX_PICTURE_SIDE
                || expected != p.rgba.len() as u64
            {
                return Err(UiError::PictureSize {
                    width: p.width,
                    height: p.height,
                    len: p.rgba.len(),
                });
            }
        }
        if let Some(progress) = self.progress
            && !(0.0..=1.0).contains(&progress)
        {
            return Err(UiError::Progress(progress));
        }
        match (&self.kind, &self.entry) {
            (ScreenKind::Entry, None) => return Err(UiError::EntryMissing),
            (_, Some(e)) if e.max_len == 0 || e.max_len > MAX_ENTRY_LEN => {
                return Err(UiError::EntryLength {
                    max_len: e.max_len,
                    limit: MAX_ENTRY_LEN,
                });
            }
            (
                _,
                Some(Entry {
                    extra_key: Some(c), ..
                }),
            ) if !c.is_ascii_alphanumeric() => {
                return Err(UiError::ExtraKey(*c));
            }
            _ => {}
        }
        if self.kind == ScreenKind::Form && self.form.is_empty() {
            return Err(UiError::FormEmpty);
        }
        if self.form.len() > MAX_FORM_FIELDS {
            return Err(UiError::TooManyFields {
                count: self.form.len(),
                max: MAX_FORM_FIELDS,
            });
        }
        for (i, f) in self.form.iter().enumerate() {
            if f.max_len == 0 || f.max_len > MAX_ENTRY_LEN {
                return Err(UiError::EntryLength {
                    max_len: f.max_len,
                    limit: MAX_ENTRY_LEN,
                });
            }
            if f.id.is_empty() || self.form[..i].iter().any(|g| g.id == f.id) {
                return Err(UiError::FieldId(f.id.clone()));
            }
            if f.value.chars().count() > f.max_len {
                return Err(UiError::FieldValue(f.id.clone()));
            }
        }
        if let Some(c) = self.countdown
            && c.remaining_s > c.total_s
        {
            return Err(UiError::Countdown {
                remaining_s: c.remaining_s,
                total_s: c.total_s,
            });
        }
        Ok(())
    }
}
