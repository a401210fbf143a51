//! The four ticket kinds and how each is laid out.

use crate::layout::{Block, Layout, TextStyle};
use central_api::dto;
use time::OffsetDateTime;
use time::macros::{datetime, format_description};

/// A queue ticket (取号).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueTicket {
    /// The hall (`北京市朝阳区不动产登记中心`).
    pub hall: String,
    /// The number called (`A012`).
    pub number: String,
    /// The service (`二手房转移登记`).
    pub service: String,
    /// The window, when already assigned.
    pub window: Option<String>,
    /// People ahead.
    pub people_ahead: u32,
    /// Estimated wait in minutes.
    pub estimated_wait_minutes: u32,
    /// Priority class.
    pub priority: dto::Priority,
    /// Issued at (server clock, in the hall's offset).
    pub issued_at: OffsetDateTime,
    /// What the QR encodes: a page that follows the queue.
    pub follow_url: String,
}

impl QueueTicket {
    /// A ticket from the central API's answer.
    pub fn from_dto(
        hall: impl Into<String>,
        ticket: &dto::Ticket,
        follow_url: impl Into<String>,
    ) -> QueueTicket {
        QueueTicket {
            hall: hall.into(),
            number: ticket.ticket_number.clone(),
            service: ticket.service_name.clone(),
            window: ticket.window.clone(),
            people_ahead: ticket.people_ahead,
            estimated_wait_minutes: ticket.estimated_wait_minutes,
            priority: ticket.priority,
            issued_at: ticket.issued_at,
            follow_url: follow_url.into(),
        }
    }
}

/// An appointment check-in slip (预约签到).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInSlip {
    /// The hall.
    pub hall: String,
    /// The booking code.
    pub booking_code: String,
    /// The service.
    pub service: String,
    /// The citizen's name, already masked (`张*英`); see [`mask_name`].
    pub masked_name: String,
    /// Slot start.
    pub slot_start: OffsetDateTime,
    /// Slot end.
    pub slot_end: OffsetDateTime,
    /// The ticket issued for the appointment.
    pub number: String,
    /// The window, when already assigned.
    pub window: Option<String>,
    /// Checked in at.
    pub checked_in_at: OffsetDateTime,
}

/// One material of a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialItem {
    /// Name.
    pub name: String,
    /// Original required.
    pub original: bool,
    /// Copies.
    pub copies: u32,
    /// Note.
    pub note: Option<String>,
}

impl From<&dto::Material> for MaterialItem {
    fn from(m: &dto::Material) -> MaterialItem {
        MaterialItem {
            name: m.name.clone(),
            original: m.original,
            copies: m.copies,
            note: m.note.clone(),
        }
    }
}

/// The materials a service topic needs (办事材料清单).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialChecklist {
    /// The hall.
    pub hall: String,
    /// The topic (`存量房买卖转移登记（个人）`).
    pub topic: String,
    /// Business type in Chinese (`转移登记`).
    pub business_type: String,
    /// Materials.
    pub materials: Vec<MaterialItem>,
    /// Registration fee in fen.
    pub fee_fen: i64,
    /// Statutory time limit in working days.
    pub time_limit_days: u32,
    /// The queue series to take a ticket in.
    pub service_code: String,
    /// Printed at.
    pub printed_at: OffsetDateTime,
}

impl MaterialChecklist {
    /// A checklist from a catalogue topic.
    pub fn from_topic(
        hall: impl Into<String>,
        topic: &dto::Topic,
        printed_at: OffsetDateTime,
    ) -> MaterialChecklist {
        MaterialChecklist {
            hall: hall.into(),
            topic: topic.name.clone(),
            business_type: topic.business_type.chinese().to_owned(),
            materials: topic.materials.iter().map(MaterialItem::from).collect(),
            fee_fen: topic.fee_fen,
            time_limit_days: topic.time_limit_days,
            service_code: topic.service_code.clone(),
            printed_at,
        }
    }
}

/// One fee line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeLine {
    /// Name.
    pub name: String,
    /// Amount in fen.
    pub amount_fen: i64,
}

/// A payment slip (缴费通知) with the payment QR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSlip {
    /// The hall.
    pub hall: String,
    /// 受理编号.
    pub case_number: String,
    /// 缴款人, as on the payment notice.
    pub payer: String,
    /// Items.
    pub items: Vec<FeeLine>,
    /// Total in fen.
    pub total_fen: i64,
    /// The payment platform's QR payload.
    pub qr_payload: String,
    /// The order expires then.
    pub expires_at: OffsetDateTime,
}

impl PaymentSlip {
    /// A slip from the case's fees and its payment order.
    pub fn from_dto(
        hall: impl Into<String>,
        case_number: impl Into<String>,
        payer: impl Into<String>,
        fees: &dto::Fees,
        order: &dto::PaymentOrder,
    ) -> PaymentSlip {
        PaymentSlip {
            hall: hall.into(),
            case_number: case_number.into(),
            payer: payer.into(),
            items: fees
                .items
                .iter()
                .map(|i| FeeLine {
                    name: i.name.clone(),
                    amount_fen: i.amount_fen,
                })
                .collect(),
            total_fen: order.amount_fen,
            qr_payload: order.qr_payload.clone(),
            expires_at: order.expires_at,
        }
    }
}

/// Every document the ticket printer prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ticket {
    /// 取号.
    Queue(QueueTicket),
    /// 预约签到.
    CheckIn(CheckInSlip),
    /// 办事材料清单.
    Materials(MaterialChecklist),
    /// 缴费通知.
    Payment(PaymentSlip),
}

/// Masks a name for print: first and last character kept (`张𠮷英` → `张*英`); a two-character
/// name keeps its first (`王䶮` → `王*`). Counts characters, not bytes.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [first, _] => format!("{first}*"),
        [first, middle @ .., last] => {
            format!("{first}{}{last}", "*".repeat(middle.len()))
        }
    }
}

/// Formats fen as yuan with the full-width sign (`￥90.00`; GB2312 `A3 A4`, unlike `¥`).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}￥{}.{:02}", abs / 100, abs % 100)
}

fn date_time(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap_or_default()
}

fn clock(t: OffsetDateTime) -> String {
    t.format(format_description!("[hour]:[minute]"))
        .unwrap_or_default()
}

fn priority_mark(p: dto::Priority) -> Option<&'static str> {
    match p {
        dto::Priority::None => None,
        dto::Priority::Elderly => Some("★ 老年人优先 ★"),
        dto::Priority::Disabled => Some("★ 残疾人优先 ★"),
        dto::Priority::Pregnant => Some("★ 孕妇优先 ★"),
        dto::Priority::Appointment => Some("★ 预约优先 ★"),
    }
}

/// The ticket number: 112-dot digits in the raster, 7× in text mode (4 characters fit 58 mm).
const NUMBER: TextStyle = TextStyle::sized(7).centered().bold();
const TITLE: TextStyle = TextStyle::sized(2).centered().bold();
const BODY: TextStyle = TextStyle::sized(2);
const BODY_BOLD: TextStyle = TextStyle::sized(2).bold();
const SMALL: TextStyle = TextStyle::sized(1);
const SMALL_CENTER: TextStyle = TextStyle::sized(1).centered();

fn space(dots: u16) -> Block {
    Block::Spacer { dots }
}

impl Ticket {
    /// Lays the ticket out (once, for every paper width and output mode).
    pub fn layout(&self) -> Layout {
        let blocks = match self {
            Ticket::Queue(t) => queue_blocks(t),
            Ticket::CheckIn(t) => check_in_blocks(t),
            Ticket::Materials(t) => material_blocks(t),
            Ticket::Payment(t) => payment_blocks(t),
        };
        Layout { blocks }
    }

    /// A synthetic queue ticket (elderly priority).
    pub fn sample_queue() -> Ticket {
        Ticket::Queue(QueueTicket {
            hall: "朝阳区不动产登记中心".into(),
            number: "A012".into(),
            service: "二手房转移登记".into(),
            window: Some("5号窗口".into()),
            people_ahead: 4,
            estimated_wait_minutes: 18,
            priority: dto::Priority::Elderly,
            issued_at: datetime!(2026-11-28 09:12:03 +08:00),
            follow_url: "https://queue.invalid/t/20261128/A012".into(),
        })
    }

    /// A synthetic check-in slip; the citizen is 张𠮷英.
    pub fn sample_check_in() -> Ticket {
        Ticket::CheckIn(CheckInSlip {
            hall: "朝阳区不动产登记中心".into(),
            booking_code: "64785520".into(),
            service: "抵押权首次登记".into(),
            masked_name: mask_name("张𠮷英"),
            slot_start: datetime!(2026-11-28 09:30 +08:00),
            slot_end: datetime!(2026-11-28 10:00 +08:00),
            number: "Y003".into(),
            window: None,
            checked_in_at: datetime!(2026-11-28 09:05:12 +08:00),
        })
    }

    /// A synthetic material checklist.
    pub fn sample_materials() -> Ticket {
        let m = |name: &str, original, copies, note: Option<&str>| MaterialItem {
            name: name.into(),
            original,
            copies,
            note: note.map(Into::into),
        };
        Ticket::Materials(MaterialChecklist {
            hall: "朝阳区不动产登记中心".into(),
            topic: "存量房买卖转移登记（个人）".into(),
            business_type: "转移登记".into(),
            materials: vec![
                m("不动产登记申请书", true, 0, Some("现场填写，买卖双方签字")),
                m(
                    "买卖双方身份证明",
                    true,
                    1,
                    Some("姓名含生僻字（如堃、䶮、𠮷）请核对证件与户口簿一致"),
                ),
                m("不动产权属证书", true, 0, None),
                m("存量房买卖合同", true, 1, Some("网签合同")),
                m("完税凭证", false, 1, Some("税务窗口同步办理可免交")),
                m("婚姻状况证明", true, 1, None),
            ],
            fee_fen: 8000,
            time_limit_days: 5,
            service_code: "A".into(),
            printed_at: datetime!(2026-11-28 09:20 +08:00),
        })
    }

    /// A synthetic payment slip; the payer is 张𠮷英.
    pub fn sample_payment() -> Ticket {
        Ticket::Payment(PaymentSlip {
            hall: "朝阳区不动产登记中心".into(),
            case_number: "2026-CY-0012345".into(),
            payer: "张𠮷英".into(),
            items: vec![
                FeeLine {
                    name: "不动产登记费（住宅）".into(),
                    amount_fen: 8000,
                },
                FeeLine {
                    name: "证书工本费".into(),
                    amount_fen: 1000,
                },
            ],
            total_fen: 9000,
            qr_payload: "https://pay.invalid/o/PO-000017".into(),
            expires_at: datetime!(2026-11-28 09:30 +08:00),
        })
    }

    /// The four samples.
    pub fn samples() -> [Ticket; 4] {
        [
            Ticket::sample_queue(),
            Ticket::sample_check_in(),
            Ticket::sample_materials(),
            Ticket::sample_payment(),
        ]
    }

    /// A short name of the kind (`queue`, `check_in`, `materials`, `payment`).
    pub fn kind(&self) -> &'static str {
        match self {
            Ticket::Queue(_) => "queue",
            Ticket::CheckIn(_) => "check_in",
            Ticket::Materials(_) => "materials",
            Ticket::Payment(_) => "payment",
        }
    }

    /// The QR payload the ticket carries, if any.
    pub fn qr_payload(&self) -> Option<&str> {
        match self {
            Ticket::Queue(t) => Some(&t.follow_url),
            Ticket::Payment(t) => Some(&t.qr_payload),
            Ticket::CheckIn(_) | Ticket::Materials(_) => None,
        }
    }
}

fn queue_blocks(t: &QueueTicket) -> Vec<Block> {
    let mut b = vec![
        Block::text(&t.hall, TITLE),
        space(8),
        Block::text("您的排队号", TextStyle::sized(2).centered()),
        Block::text(&t.number, NUMBER),
    ];
    if let Some(mark) = priority_mark(t.priority) {
        b.push(Block::text(mark, TITLE));
    }
    b.extend([
        Block::Rule,
        Block::pair("办理业务", &t.service, BODY),
        Block::pair("前面等候", format!("{} 人", t.people_ahead), BODY),
        Block::pair(
            "预计等待",
            format!("约 {} 分钟", t.estimated_wait_minutes),
            BODY,
        ),
        Block::pair(
            "办理窗口",
            t.window.as_deref().unwrap_or("请听叫号"),
            BODY_BOLD,
        ),
        Block::Rule,
        Block::text("请留意叫号屏和广播", TextStyle::sized(2).centered()),
        Block::text("过号请到服务台重新排队", TextStyle::sized(2).centered()),
        space(8),
        Block::Qr {
            payload: t.follow_url.clone(),
        },
        Block::text("手机扫码·查看排队进度", SMALL_CENTER),
        space(8),
        Block::text(format!("取号时间 {}", date_time(t.issued_at)), SMALL_CENTER),
    ]);
    b
}

fn check_in_blocks(t: &CheckInSlip) -> Vec<Block> {
    vec![
        Block::text("预约签到凭条", TITLE),
        Block::text(&t.hall, SMALL_CENTER),
        Block::Rule,
        Block::pair("预约人", &t.masked_name, BODY),
        Block::pair("预约业务", &t.service, BODY),
        Block::pair(
            "预约时段",
            format!("{}-{}", clock(t.slot_start), clock(t.slot_end)),
            BODY,
        ),
        Block::pair("预约号", &t.booking_code, BODY),
        Block::Rule,
        Block::text("您的排队号", TextStyle::sized(2).centered()),
        Block::text(&t.number, NUMBER),
        Block::text("签到成功 请留意叫号", TITLE),
        Block::pair(
            "办理窗口",
            t.window.as_deref().unwrap_or("请听叫号"),
            BODY_BOLD,
        ),
        Block::Rule,
        Block::text(
            format!("签到时间 {}", date_time(t.checked_in_at)),
            SMALL_CENTER,
        ),
    ]
}

fn material_blocks(t: &MaterialChecklist) -> Vec<Block> {
    let mut b = vec![
        Block::text("办事材料清单", TITLE),
        Block::text(&t.hall, SMALL_CENTER),
        Block::Rule,
        Block::text(&t.topic, BODY_BOLD),
        Block::pair("登记类型", &t.business_type, BODY),
        Block::pair("办理时限", format!("{} 个工作日", t.time_limit_days), BODY),
        Block::pair("取号类别", format!("{} 类业务", t.service_code), BODY),
        Block::Rule,
    ];
    for (i, m) in t.materials.iter().enumerate() {
        b.push(Block::text(format!("□ {}. {}", i + 1, m.name), BODY_BOLD));
        let mut detail = String::from("    ");
        detail.push_str(if m.original {
            "原件 1 份"
        } else {
            "无需原件"
        });
        if m.copies > 0 {
            detail.push_str(&format!("，复印件 {} 份", m.copies));
        }
        b.push(Block::text(detail, BODY));
        if let Some(note) = &m.note {
            b.push(Block::text(format!("    注：{note}"), SMALL));
        }
        b.push(space(6));
    }
    b.extend([
        Block::Rule,
        Block::pair("登记费", yuan(t.fee_fen), BODY_BOLD),
        Block::text("以上材料以窗口审核为准", SMALL_CENTER),
        Block::text(
            format!("打印时间 {}", date_time(t.printed_at)),
            SMALL_CENTER,
        ),
    ]);
    b
}

fn payment_blocks(t: &PaymentSlip) -> Vec<Block> {
    let mut b = vec![
        Block::text("缴费通知单", TITLE),
        Block::text(&t.hall, SMALL_CENTER),
        Block::Rule,
        Block::pair("受理编号", &t.case_number, BODY),
        Block::pair("缴款人", &t.payer, BODY),
        Block::Rule,
    ];
    for item in &t.items {
        b.push(Block::pair(&item.name, yuan(item.amount_fen), BODY));
    }
    b.extend([
        Block::Rule,
        Block::pair("合计", yuan(t.total_fen), TextStyle::sized(3).bold()),
        space(8),
        Block::Qr {
            payload: t.qr_payload.clone(),
        },
        Block::text("请用手机扫码缴费", TITLE),
        space(8),
        Block::pair("缴费截止", date_time(t.expires_at), BODY_BOLD),
        Block::text("逾期请到窗口重新开具", SMALL_CENTER),
    ]);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_by_character() {
        assert_eq!(mask_name("张𠮷英"), "张*英");
        assert_eq!(mask_name("王䶮"), "王*");
        assert_eq!(mask_name("欧阳𠮷英"), "欧**英");
        assert_eq!(mask_name("堃"), "堃");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn yuan_uses_the_full_width_sign() {
        assert_eq!(yuan(9000), "￥90.00");
        assert_eq!(yuan(5), "￥0.05");
        assert_eq!(yuan(-1050), "-￥10.50");
    }

    #[test]
    fn the_check_in_slip_never_prints_the_full_name() {
        let layout = Ticket::sample_check_in().layout();
        let text: String = layout.blocks.iter().flat_map(Block::text_chars).collect();
        assert!(text.contains("张*英"));
        assert!(!text.contains('\u{20BB7}'));
    }

    #[test]
    fn a_queue_ticket_from_the_api_keeps_its_fields() {
        let dto = dto::Ticket {
            ticket_number: "B007".into(),
            service_code: "B".into(),
            service_name: "抵押登记".into(),
            priority: dto::Priority::None,
            people_ahead: 2,
            estimated_wait_minutes: 9,
            window: None,
            issued_at: datetime!(2026-11-28 10:00 +08:00),
        };
        let t = QueueTicket::from_dto("大厅", &dto, "https://queue.invalid/t/B007");
        let layout = Ticket::Queue(t).layout();
        assert!(layout.blocks.contains(&Block::text("B007", NUMBER)));
        assert!(
            layout
                .blocks
                .contains(&Block::pair("办理窗口", "请听叫号", BODY_BOLD))
        );
    }
}
