//! The flows' screen model ([`flows::Screen`]) mapped onto the touchscreen's view model
//! ([`kiosk_ui::ScreenView`]), and the pictures kiosk makes for it: the certificate preview,
//! ticket previews and QR codes (from the `tickets` raster), and a stand-in camera frame.
//!
//! The mapping is total: every [`ScreenId`] has a template ([`kind_of`]). Texts carry both
//! languages, so the UI's language toggle needs no round trip through the flows. Button ids are
//! stable names ([`button_name`]) that [`parse_button`] turns back into [`ButtonId`]s; list items
//! are pressed by their index.
//!
//! Personal values: the flows decide what is shown to whom ([`flows::Text::Personal`] is the
//! citizen's own value, other people's are already masked); the certificate preview masks the
//! requester's ID number again, since a picture can be kept longer than a screen.

pub mod journeys;

use central_api::domain::{PickupMethod, RatingLevel, RatingReason};
use central_api::dto::Certificate;
use flows::{ButtonId, Field, Lang, Screen, ScreenId};
use kiosk_ui::{
    Button, ButtonStyle, Entry, FormField, Icon, Item, Keys, Picture, ScreenKind, ScreenView,
    Section, Text, TimeoutWarning,
};
use tickets::{Block, Layout, PaperWidth, TextStyle};

/// A flows text in both languages.
pub fn text(t: &flows::Text) -> Text {
    Text::new(t.render(Lang::Zh), t.render(Lang::En))
}

/// A catalogue key in both languages.
pub fn key(k: flows::TextKey) -> Text {
    Text::new(k.zh(), k.en())
}

/// Texts joined with `sep`, both languages.
fn join(texts: &[flows::Text], sep: &str) -> Text {
    let zh: Vec<String> = texts.iter().map(|t| t.render(Lang::Zh)).collect();
    let en: Vec<String> = texts.iter().map(|t| t.render(Lang::En)).collect();
    Text::new(zh.join(sep), en.join(sep))
}

/// The template that draws a screen.
pub fn kind_of(id: ScreenId) -> ScreenKind {
    use ScreenId as S;
    match id {
        S::Idle
        | S::RecordsKind
        | S::Purpose
        | S::CheckInMethod
        | S::CaseMethod
        | S::Priority
        | S::PickupMethods
        | S::AskRateMenu
        | S::GuideDimensions
        | S::GuideValues
        | S::RateLevel
        | S::RateReasons => ScreenKind::Menu,
        S::Consent => ScreenKind::Notice,
        S::PlaceCard => ScreenKind::PlaceCard,
        S::FaceCheck | S::ScanQr => ScreenKind::FaceCheck,
        S::Units | S::Appointments | S::Services | S::GuideTopics | S::FaqList => ScreenKind::List,
        S::UnitDetail
        | S::PropertyResult
        | S::CaseProgress
        | S::GuideTopic
        | S::FaqEntry
        | S::Fees => ScreenKind::Detail,
        S::BookingCode | S::CaseNumber | S::RateTarget => ScreenKind::Entry,
        // The courier address and the question: labelled fields on the on-screen keyboard.
        S::Address | S::QuestionForm => ScreenKind::Form,
        S::Preview | S::PaymentQr => ScreenKind::Preview,
        S::Working | S::Printing => ScreenKind::Waiting,
        S::TakeCertificate
        | S::TakeTicket
        | S::Thanks
        | S::NoRecord
        | S::Message
        | S::TooEarly
        | S::TooLate
        | S::FaceFailed => ScreenKind::Result,
        S::Fault => ScreenKind::Fault,
    }
}

/// A stable kebab-case name of a screen (file names, logs).
pub fn screen_name(id: ScreenId) -> String {
    kebab(&format!("{id:?}"))
}

fn kebab(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The stable id a button is reported with.
pub fn button_name(id: ButtonId) -> String {
    use ButtonId as B;
    match id {
        B::PickupMethod(m) => format!("pickup:{}", m.as_str()),
        B::Level(l) => format!("level:{}", l.as_str()),
        B::Reason(r) => format!("reason:{}", r.as_str()),
        other => {
            let name = kebab(&format!("{other:?}"));
            name.replace('-', "_")
        }
    }
}

/// Every button id (the parameterised ones for every value).
pub fn all_buttons() -> Vec<ButtonId> {
    use ButtonId as B;
    let mut all = vec![
        B::OwnershipQuery,
        B::PropertyQuery,
        B::Accept,
        B::Decline,
        B::Retry,
        B::Print,
        B::Certificate,
        B::Done,
        B::Exit,
        B::UseCard,
        B::UseKeypad,
        B::ScanQr,
        B::WalkIn,
        B::PriorityNone,
        B::PriorityElderly,
        B::PriorityDisabled,
        B::PriorityPregnant,
        B::Fees,
        B::Pay,
        B::Pickup,
        B::Faq,
        B::Ask,
        B::RateCase,
        B::RateTicket,
        B::Submit,
    ];
    all.extend(PickupMethod::ALL.iter().map(|m| B::PickupMethod(*m)));
    all.extend(RatingLevel::ALL.iter().map(|l| B::Level(*l)));
    all.extend(RatingReason::ALL.iter().map(|r| B::Reason(*r)));
    all
}

/// The button a reported id names.
pub fn parse_button(name: &str) -> Option<ButtonId> {
    all_buttons().into_iter().find(|b| button_name(*b) == name)
}

fn button_style(id: ButtonId) -> ButtonStyle {
    use ButtonId as B;
    match id {
        B::Accept | B::Print | B::Certificate | B::Done | B::Submit | B::Pay | B::Retry => {
            ButtonStyle::Primary
        }
        B::Exit => ButtonStyle::Danger,
        _ => ButtonStyle::Secondary,
    }
}

fn button_icon(id: ButtonId) -> Option<Icon> {
    use ButtonId as B;
    Some(match id {
        B::OwnershipQuery => Icon::Records,
        B::PropertyQuery => Icon::Certificate,
        B::UseCard | B::PriorityElderly => Icon::IdCard,
        B::UseKeypad => Icon::Keypad,
        B::ScanQr => Icon::Face,
        B::WalkIn | B::PriorityNone => Icon::Ticket,
        B::PriorityDisabled | B::PriorityPregnant => Icon::Queue,
        B::Fees | B::Pay => Icon::Payment,
        B::Pickup | B::PickupMethod(_) => Icon::Progress,
        B::Faq => Icon::Guide,
        B::Ask => Icon::Ask,
        B::RateCase | B::RateTicket | B::Level(_) | B::Reason(_) => Icon::Rate,
        B::Print | B::Certificate => Icon::Printer,
        _ => return None,
    })
}

fn flow_icon(index: usize) -> Icon {
    match index {
        0 => Icon::Records,
        1 => Icon::Checkin,
        2 => Icon::Ticket,
        3 => Icon::Progress,
        4 => Icon::Guide,
        _ => Icon::Ask,
    }
}

/// An action button.
fn button(b: &flows::Button) -> Button {
    let mut out = Button::new(button_name(b.id), text(&b.label), button_style(b.id));
    out.enabled = b.enabled;
    out.selected = b.selected;
    out
}

/// A menu tile for a button (menus of choices are tiles, not the action bar).
fn tile(b: &flows::Button) -> Item {
    let mut item = Item::new(button_name(b.id), text(&b.label));
    item.icon = button_icon(b.id);
    item.enabled = b.enabled;
    if b.selected {
        item.detail = Text::new("已选", "Selected");
    }
    item
}

/// A list item, reported by its index.
fn item(index: usize, it: &flows::Item) -> Item {
    let mut out = Item::new(index.to_string(), Text::default());
    if let Some((first, rest)) = it.lines.split_first() {
        out.label = text(first);
        out.detail = join(rest, "\n");
    }
    out.enabled = it.enabled;
    out
}

/// What the keypad or keyboard of an entry screen collects.
fn entry_of(screen: &Screen, label: Text) -> Entry {
    let (max_len, keys) = match (screen.id, screen.field) {
        (_, Some(Field::BookingCode)) | (ScreenId::BookingCode, _) => (16, Keys::Digits),
        // Case numbers (BDC-2026-000101) and ticket numbers (A012) have letters and dashes.
        (_, Some(Field::CaseNumber)) | (ScreenId::CaseNumber, _) => (20, Keys::Alphanumeric),
        (_, Some(Field::TicketNumber)) => (8, Keys::Alphanumeric),
        _ => (20, Keys::Alphanumeric),
    };
    Entry {
        label,
        masked: false,
        max_len,
        extra_key: None,
        keys,
    }
}

/// The field ids of the forms, as [`kiosk_ui::UiEvent::FormSubmitted`] reports them.
pub mod form_field {
    /// Courier address: the recipient.
    pub const RECIPIENT: &str = "recipient";
    /// Courier address and question: the mobile number.
    pub const PHONE: &str = "phone";
    /// Courier address: the address in one line.
    pub const ADDRESS: &str = "address";
    /// Courier address: the postal code.
    pub const POSTAL_CODE: &str = "postal_code";
    /// Question: the question.
    pub const QUESTION: &str = "question";
}

/// The longest question the form takes (the flows accept up to 500 characters; a touchscreen
/// question stays shorter).
const QUESTION_FIELD_LEN: usize = 200;

/// The fields of a form screen (courier address, question); empty for any other screen.
pub fn form_of(screen: &Screen) -> Vec<FormField> {
    use form_field as f;
    let phone = || {
        FormField::new(
            f::PHONE,
            Text::new("手机号码", "Mobile number"),
            Keys::Digits,
            11,
        )
    };
    match (screen.id, screen.field) {
        (ScreenId::Address, _) | (_, Some(Field::Address)) => vec![
            FormField::new(
                f::RECIPIENT,
                Text::new("收件人", "Recipient"),
                Keys::Text,
                50,
            ),
            phone(),
            FormField::new(
                f::ADDRESS,
                Text::new("详细地址", "Address"),
                Keys::Text,
                200,
            ),
            FormField::new(
                f::POSTAL_CODE,
                Text::new("邮政编码", "Postal code"),
                Keys::Digits,
                6,
            ),
        ],
        (ScreenId::QuestionForm, _) | (_, Some(Field::Question)) => vec![
            FormField::new(
                f::QUESTION,
                Text::new("问题", "Question"),
                Keys::Text,
                QUESTION_FIELD_LEN,
            ),
            phone(),
        ],
        _ => Vec::new(),
    }
}

/// Maps a flows screen onto the view model, without pictures (see [`view_with`]).
pub fn view(screen: &Screen) -> ScreenView {
    view_with(screen, None)
}

/// Maps a flows screen onto the view model; `picture` is the camera frame (face check, QR
/// scan), the certificate preview or the payment QR, whichever the screen shows.
pub fn view_with(screen: &Screen, picture: Option<Picture>) -> ScreenView {
    let mut kind = kind_of(screen.id);
    // Waiting for a device or central: a spinner, except over the live camera preview.
    if screen.busy && kind != ScreenKind::FaceCheck {
        kind = ScreenKind::Waiting;
    }
    // Every service out of service (maintenance open, or every device down).
    if screen.id == ScreenId::Idle
        && !screen.items.is_empty()
        && screen.items.iter().all(|i| !i.enabled)
    {
        kind = ScreenKind::OutOfService;
    }
    let mut v = ScreenView::new(kind, key(screen.title));
    v.back = screen.nav.back && !screen.busy;
    v.home = screen.nav.home;
    v.staffed_window = screen.nav.staffed;
    v.timeout_warning = screen.warning.map(|w| TimeoutWarning {
        remaining_s: if screen.elder {
            None
        } else {
            w.seconds_left.map(|s| u32::try_from(s).unwrap_or(u32::MAX))
        },
        can_extend: true,
    });
    let mut lines: Vec<flows::Text> = Vec::with_capacity(screen.lines.len() + 1);
    if let Some(e) = &screen.error {
        lines.push(e.clone());
    }
    lines.extend(screen.lines.iter().cloned());

    match kind {
        ScreenKind::Notice => {
            v.body = join(&screen.lines, "\n\n");
            if let Some(e) = &screen.error {
                v.prompt = text(e);
            }
        }
        ScreenKind::Fault | ScreenKind::PlaceCard | ScreenKind::Result => {
            if let Some((first, rest)) = lines.split_first() {
                v.prompt = text(first);
                if kind == ScreenKind::Result {
                    v.items = rest
                        .iter()
                        .enumerate()
                        .map(|(i, l)| Item::new(format!("line-{i}"), text(l)))
                        .collect();
                } else {
                    v.body = join(rest, "\n");
                }
            }
        }
        ScreenKind::OutOfService => {
            v.prompt = key(flows::TextKey::OutOfService);
            let mut body: Vec<flows::Text> = lines.clone();
            if let Some(window) = screen.items.first().and_then(|i| i.lines.last()) {
                body.push(window.clone());
            }
            v.body = join(&body, "\n");
        }
        ScreenKind::Detail => {
            // The first line heads the screen's own lines (a unit's location, a topic's name).
            if let Some((first, rest)) = lines.split_first() {
                v.sections.push(Section {
                    heading: text(first),
                    lines: rest.iter().map(text).collect(),
                });
            }
            for it in &screen.items {
                if let Some((first, rest)) = it.lines.split_first() {
                    v.sections.push(Section {
                        heading: text(first),
                        lines: rest.iter().map(text).collect(),
                    });
                }
            }
        }
        ScreenKind::Waiting => {
            v.prompt = if lines.is_empty() {
                key(screen.title)
            } else {
                join(&lines, "\n")
            };
        }
        _ => v.prompt = join(&lines, "\n"),
    }

    if kind == ScreenKind::Entry {
        let label = screen.lines.first().map_or_else(|| key(screen.title), text);
        v.entry = Some(entry_of(screen, label));
    }
    if kind == ScreenKind::Form {
        v.form = form_of(screen);
    }

    match kind {
        // Out of service: the prompt says so for every service; no tiles to press.
        ScreenKind::OutOfService => {}
        ScreenKind::Menu | ScreenKind::List => {
            v.items = screen
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let mut item = item(i, it);
                    if screen.id == ScreenId::Idle {
                        item.icon = Some(flow_icon(i));
                    } else if kind == ScreenKind::Menu {
                        item.icon = Some(Icon::Forward);
                    }
                    item
                })
                .collect();
        }
        ScreenKind::Result | ScreenKind::Detail | ScreenKind::Fault => {}
        _ => {
            v.items = screen
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| item(i, it))
                .collect();
        }
    }

    // A menu of choices shows its buttons as tiles; "send" stays in the action bar. Any other
    // screen keeps its buttons in the bar; more than fit become tiles too.
    let as_tiles = kind == ScreenKind::Menu && screen.items.is_empty()
        || screen.buttons.len() > kiosk_ui::view::MAX_BUTTONS;
    for b in &screen.buttons {
        if as_tiles && b.id != ButtonId::Submit {
            v.items.push(tile(b));
        } else {
            v.buttons.push(button(b));
        }
    }
    if let Some(p) = picture
        && matches!(kind, ScreenKind::FaceCheck | ScreenKind::Preview)
    {
        v.picture = Some(p);
    }
    if screen.id == ScreenId::Printing || screen.id == ScreenId::Working {
        v.icon = Some(Icon::Printer).filter(|_| screen.id == ScreenId::Printing);
    }
    if kind == ScreenKind::Result {
        v.icon = Some(match screen.id {
            ScreenId::TakeCertificate => Icon::Certificate,
            ScreenId::TakeTicket => Icon::Ticket,
            ScreenId::TooEarly | ScreenId::TooLate => Icon::Clock,
            ScreenId::NoRecord => Icon::Records,
            ScreenId::FaceFailed => Icon::Warning,
            _ => Icon::Success,
        });
    }
    if kind == ScreenKind::Fault {
        v.icon = Some(Icon::Fault);
    }
    v
}

/// A 1-bit ticket raster as an RGBA picture, `scale` times larger, black on white.
pub fn raster_picture(raster: &tickets::Raster, scale: u32) -> Picture {
    let scale = scale.clamp(1, 8);
    let max = kiosk_ui::view::MAX_PICTURE_SIDE;
    let width = (raster.width_dots * scale).min(max);
    let height = (raster.height.max(1) * scale).min(max);
    let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height {
        for x in 0..width {
            let v = if raster.get(x / scale, y / scale) {
                20
            } else {
                255
            };
            rgba.extend_from_slice(&[v, v, v, 255]);
        }
    }
    Picture {
        width,
        height,
        rgba,
    }
}

/// A stand-in camera frame (the demo has no camera): a soft gradient with a face oval.
pub fn camera_frame(width: u32, height: u32) -> Picture {
    let (w, h) = (width.max(1), height.max(1));
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    let (cx, cy) = (i64::from(w) / 2, i64::from(h) * 9 / 20);
    let (rx, ry) = (i64::from(w) / 6, i64::from(h) / 4);
    for y in 0..h {
        for x in 0..w {
            let dx = i64::from(x) - cx;
            let dy = i64::from(y) - cy;
            let inside = dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry;
            let px = if inside {
                [214, 180, 150, 255]
            } else {
                let r = 70 + (x * 60 / w) as u8;
                let g = 80 + (y * 50 / h) as u8;
                [r, g, 110, 255]
            };
            rgba.extend_from_slice(&px);
        }
    }
    Picture {
        width: w,
        height: h,
        rgba,
    }
}

/// Makes the pictures that need fonts: certificate previews, ticket previews, QR codes.
pub struct Pictures {
    fonts: tickets::Fonts,
}

impl std::fmt::Debug for Pictures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pictures").finish_non_exhaustive()
    }
}

impl Pictures {
    /// With the ticket fonts installed on this machine.
    pub fn load_default() -> Result<Pictures, tickets::FontError> {
        Ok(Pictures {
            fonts: tickets::Fonts::load_default()?,
        })
    }

    /// The ticket fonts.
    pub fn fonts(&self) -> &tickets::Fonts {
        &self.fonts
    }

    /// A QR code, black on white.
    pub fn qr(&self, payload: &str) -> Result<Picture, tickets::RenderError> {
        qr_picture(payload, &self.fonts)
    }

    /// A ticket as it will come out of the printer.
    pub fn ticket(&self, ticket: &tickets::Ticket) -> Result<Picture, tickets::RenderError> {
        let raster = tickets::render_raster(&ticket.layout(), PaperWidth::Mm80, &self.fonts)?;
        Ok(raster_picture(&raster, 1))
    }

    /// A preview of the certificate's first page: its header, each unit's summary and the
    /// verification QR (the A4 PDF is rendered when it is printed). The requester's ID number
    /// is masked.
    pub fn certificate(&self, cert: &Certificate) -> Result<Picture, tickets::RenderError> {
        certificate_picture(cert, &self.fonts)
    }
}

/// A QR code, black on white, drawn with `fonts`.
pub fn qr_picture(payload: &str, fonts: &tickets::Fonts) -> Result<Picture, tickets::RenderError> {
    let block = Block::Qr {
        payload: payload.to_owned(),
    };
    let raster = tickets::render_block(&block, PaperWidth::Mm80, fonts)?;
    Ok(raster_picture(&raster, 1))
}

/// The certificate preview ([`certificate_layout`]) drawn with `fonts`.
pub fn certificate_picture(
    cert: &Certificate,
    fonts: &tickets::Fonts,
) -> Result<Picture, tickets::RenderError> {
    let raster = tickets::render_raster(&certificate_layout(cert), PaperWidth::Mm80, fonts)?;
    Ok(raster_picture(&raster, 1))
}

/// The certificate preview's layout.
pub fn certificate_layout(cert: &Certificate) -> Layout {
    let mut l = Layout::default();
    let normal = TextStyle::sized(1);
    l.push(Block::text(
        "不动产登记资料查询结果证明",
        TextStyle::sized(2).centered().bold(),
    ));
    l.push(Block::text(cert.agency.clone(), normal.centered()));
    l.push(Block::Rule);
    l.push(Block::pair(
        "查询编号",
        cert.query_number.as_str().to_owned(),
        normal,
    ));
    l.push(Block::pair("查询目的", cert.purpose.chinese(), normal));
    l.push(Block::pair(
        "查询人",
        tickets::mask_name(&cert.requester_name),
        normal,
    ));
    l.push(Block::pair(
        "证件号码",
        mask_id(&cert.requester_id_number.0),
        normal,
    ));
    l.push(Block::pair(
        "出具时间",
        cert.issued_at
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .unwrap_or_default(),
        normal,
    ));
    l.push(Block::Rule);
    if cert.units.is_empty() {
        l.push(Block::text(
            "经查询，无不动产登记记录。",
            TextStyle::sized(1).bold(),
        ));
    }
    for (i, u) in cert.units.iter().enumerate() {
        l.push(Block::text(
            format!("{}. {}", i + 1, u.location),
            normal.bold(),
        ));
        l.push(Block::pair(
            "不动产权证号",
            u.certificate_number.to_string(),
            normal,
        ));
        l.push(Block::pair("不动产单元号", u.unit_code.to_string(), normal));
        l.push(Block::pair(
            "面积",
            format!("{} ㎡", u.areas.building),
            normal,
        ));
        l.push(Block::pair(
            "限制",
            if u.restrictions.is_empty() {
                "无".to_owned()
            } else {
                format!("{} 项", u.restrictions.len())
            },
            normal,
        ));
    }
    l.push(Block::Rule);
    l.push(Block::pair(
        "验证码",
        cert.verification_code.to_string(),
        normal,
    ));
    l.push(Block::Qr {
        payload: cert.verification_url.clone(),
    });
    l
}

/// An ID number with only its first 4 and last 4 characters.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_reached_by_the_journeys_maps_to_a_valid_view() {
        let journeys = journeys::all().unwrap();
        let mut seen = std::collections::HashSet::new();
        let mut count = 0;
        for j in &journeys {
            for shot in j.shots() {
                let picture = match shot.screen.id {
                    ScreenId::FaceCheck | ScreenId::ScanQr => Some(camera_frame(64, 48)),
                    _ => None,
                };
                let v = view_with(&shot.screen, picture);
                v.validate()
                    .unwrap_or_else(|e| panic!("{:?}: {e}", shot.screen.id));
                assert!(!v.title.zh.is_empty() && !v.title.en.is_empty());
                if v.kind == ScreenKind::Entry {
                    assert!(v.entry.is_some());
                }
                seen.insert(shot.screen.id);
                count += 1;
            }
        }
        assert!(count > 50, "{count} screens");
        // The journeys reach every screen but the two forms, which are mapped all the same.
        for id in [
            ScreenId::Idle,
            ScreenId::Fault,
            ScreenId::Consent,
            ScreenId::FaceFailed,
            ScreenId::Units,
            ScreenId::UnitDetail,
            ScreenId::NoRecord,
            ScreenId::Preview,
            ScreenId::TooEarly,
            ScreenId::TooLate,
            ScreenId::Priority,
            ScreenId::PaymentQr,
            ScreenId::GuideTopic,
            ScreenId::RateReasons,
            ScreenId::Thanks,
        ] {
            assert!(seen.contains(&id), "{id:?} not reached");
        }
    }

    #[test]
    fn button_names_round_trip() {
        let all = all_buttons();
        let names: std::collections::HashSet<String> =
            all.iter().map(|b| button_name(*b)).collect();
        assert_eq!(names.len(), all.len());
        for b in all {
            assert_eq!(parse_button(&button_name(b)), Some(b));
        }
        assert_eq!(button_name(ButtonId::UseKeypad), "use_keypad");
        assert_eq!(screen_name(ScreenId::TakeCertificate), "take-certificate");
        assert_eq!(parse_button("nope"), None);
    }

    #[test]
    fn texts_carry_both_languages_and_warnings_follow_elder_mode() {
        let mut s = Screen::new(ScreenId::Units, flows::TextKey::UnitsTitle);
        s.warning = Some(flows::Countdown {
            seconds_left: Some(12),
        });
        let v = view(&s);
        assert_eq!(v.kind, ScreenKind::List);
        assert_eq!(v.title.zh, flows::TextKey::UnitsTitle.zh());
        assert_eq!(v.title.en, flows::TextKey::UnitsTitle.en());
        assert_eq!(
            v.timeout_warning.and_then(|w| w.remaining_s),
            Some(12),
            "countdown"
        );
        s.elder = true;
        assert_eq!(view(&s).timeout_warning.unwrap().remaining_s, None);
        assert_eq!(
            view(&s.clone().busy()).kind,
            ScreenKind::Waiting,
            "busy waits"
        );
    }

    #[test]
    fn the_address_and_question_screens_are_forms_with_the_flows_fields() {
        let address = Screen::new(ScreenId::Address, flows::TextKey::AddressTitle)
            .field(Field::Address)
            .error(Some(flows::Text::Key(flows::TextKey::PostalCodeInvalid)));
        let v = view(&address);
        v.validate().unwrap();
        assert_eq!(v.kind, ScreenKind::Form);
        let fields: Vec<(&str, &str, Keys, usize)> = v
            .form
            .iter()
            .map(|f| (f.id.as_str(), f.label.zh.as_str(), f.keys, f.max_len))
            .collect();
        assert_eq!(
            fields,
            [
                ("recipient", "收件人", Keys::Text, 50),
                ("phone", "手机号码", Keys::Digits, 11),
                ("address", "详细地址", Keys::Text, 200),
                ("postal_code", "邮政编码", Keys::Digits, 6),
            ]
        );
        assert!(v.form.iter().all(|f| f.required && !f.label.en.is_empty()));
        // The flow's validation error stands above the form, in both languages.
        assert_eq!(v.prompt.zh, flows::TextKey::PostalCodeInvalid.zh());
        assert_eq!(v.prompt.en, flows::TextKey::PostalCodeInvalid.en());
        // What the form takes fits what the flow accepts.
        let long = flows::AddressForm {
            recipient: "王".repeat(50),
            phone: "13800138000".into(),
            address: "路".repeat(200),
            postal_code: "100102".into(),
        };
        assert!(flows::parse_address(&long).is_ok());

        let question = Screen::new(ScreenId::QuestionForm, flows::TextKey::Ask)
            .line(flows::TextKey::QuestionBody)
            .field(Field::Question);
        let v = view(&question);
        v.validate().unwrap();
        assert_eq!(v.kind, ScreenKind::Form);
        let fields: Vec<(&str, Keys)> = v.form.iter().map(|f| (f.id.as_str(), f.keys)).collect();
        assert_eq!(fields, [("question", Keys::Text), ("phone", Keys::Digits)]);
        let question_len = v.form[0].max_len;
        assert!(
            flows::parse_question(&flows::QuestionForm {
                text: "问".repeat(question_len),
                phone: "13800138000".into(),
            })
            .is_ok()
        );
        assert_eq!(v.prompt.zh, flows::TextKey::QuestionBody.zh());
        // Busy (sending): a spinner, no form.
        assert_eq!(view(&question.busy()).kind, ScreenKind::Waiting);
    }

    #[test]
    fn entries_get_the_keys_their_numbers_need() {
        let keys = |field| {
            let s = Screen::new(ScreenId::RateTarget, flows::TextKey::RateTitle).field(field);
            let e = view(&s).entry.unwrap();
            (e.keys, e.max_len)
        };
        assert_eq!(keys(Field::CaseNumber), (Keys::Alphanumeric, 20));
        assert_eq!(keys(Field::TicketNumber), (Keys::Alphanumeric, 8));
        assert_eq!(keys(Field::BookingCode), (Keys::Digits, 16));
        let case = Screen::new(ScreenId::CaseNumber, flows::TextKey::CaseNumberTitle);
        assert_eq!(view(&case).entry.unwrap().keys, Keys::Alphanumeric);
        assert!(
            flows::parse_case_number("BDC-2026-000101").is_ok(),
            "the ABC layout types what the flow parses"
        );
    }

    #[test]
    fn ids_are_masked_on_the_preview() {
        assert_eq!(mask_id("110105194912310021"), "1101**********0021");
        assert_eq!(mask_id("123"), "***");
    }
}
