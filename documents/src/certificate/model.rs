//! The certificate as printed text, and how it is built from central's answer.

use central_api::domain::CoOwnership;
use central_api::dto::{Certificate, Holder, Requester, Restriction, Unit};
use idcard::sensitive::mask_number;
use std::path::Path;
use time::{Date, OffsetDateTime};

/// The title every certificate carries unless configured otherwise.
pub const DEFAULT_TITLE: &str = "不动产登记资料查询结果证明";

/// What the kiosk adds to central's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskContext {
    /// The kiosk's device id, printed in the header.
    pub device_id: String,
    /// When the certificate is printed (printed in the query time's offset).
    pub printed_at: OffsetDateTime,
    /// Whose view the certificate gives (decides masking).
    pub requester: Requester,
    /// Local wording from configuration.
    pub wording: Wording,
}

/// Local wording from configuration (no national text exists for these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// The document title.
    pub title: String,
    /// The agency name written around the drawn seal.
    pub agency_name: String,
    /// The numbered notes printed after the result.
    pub statements: Vec<String>,
    /// The seal to print.
    pub seal: Seal,
}

impl Wording {
    /// The default wording for an agency, with a drawn seal.
    pub fn for_agency(agency_name: &str) -> Wording {
        Wording {
            title: DEFAULT_TITLE.to_owned(),
            agency_name: agency_name.to_owned(),
            statements: vec![
                "本证明仅反映查询时点不动产登记簿记载的信息。".to_owned(),
                "本证明可扫描右上角二维码或凭验证码在登记机构网站核验真伪，涂改无效。".to_owned(),
                "本证明的使用期限由使用单位根据实际需要确定。".to_owned(),
            ],
            seal: Seal::Drawn {
                agency: agency_name.to_owned(),
                caption: "查询专用章".to_owned(),
            },
        }
    }
}

/// The query seal (查询专用章).
#[derive(Clone, PartialEq, Eq)]
pub enum Seal {
    /// A PNG image of the seal (transparent background), printed about 30 mm wide.
    Png(Vec<u8>),
    /// A seal drawn as vector graphics: a red ring, a star, the agency along the top, a caption.
    Drawn {
        /// The text along the ring.
        agency: String,
        /// The text under the star.
        caption: String,
    },
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Seal::Png(bytes) => write!(f, "Png(<{} bytes>)", bytes.len()),
            Seal::Drawn { agency, caption } => f
                .debug_struct("Drawn")
                .field("agency", agency)
                .field("caption", caption)
                .finish(),
        }
    }
}

impl Seal {
    /// Reads a PNG seal image from a file (checked when rendering).
    pub fn from_png_file(path: &Path) -> std::io::Result<Seal> {
        std::fs::read(path).map(Seal::Png)
    }
}

/// A labelled value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The label, e.g. `坐落`.
    pub label: String,
    /// The value; `\n` starts a new line.
    pub value: String,
}

impl Field {
    /// A field from a label and a value.
    pub fn new(label: &str, value: impl Into<String>) -> Field {
        Field {
            label: label.to_owned(),
            value: value.into(),
        }
    }
}

/// One row of a unit's detail table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailRow {
    /// One field across the whole width.
    Wide(Field),
    /// Two fields side by side.
    Pair(Field, Field),
}

/// One line of the summary table on page 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSummary {
    /// 不动产单元号.
    pub unit_code: String,
    /// 不动产权证书号.
    pub certificate_number: String,
    /// 坐落.
    pub location: String,
    /// 建筑面积 in m² as registered.
    pub building_area: String,
    /// How many restrictions the unit carries.
    pub restrictions: usize,
}

/// A restriction or third-party right under a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionDoc {
    /// Its kind, e.g. `抵押`.
    pub kind: String,
    /// Its fields in print order.
    pub fields: Vec<Field>,
}

/// One unit: its summary line, its detail table and its restrictions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDoc {
    /// The summary line.
    pub summary: UnitSummary,
    /// The rights table.
    pub rows: Vec<DetailRow>,
    /// Every restriction, in registration order.
    pub restrictions: Vec<RestrictionDoc>,
}

/// What the query found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryResult {
    /// No unit: the certificate is this one statement.
    NoRecord {
        /// The statement (经查询，未查询到……名下的不动产登记信息).
        statement: String,
    },
    /// One or more units.
    Units(Vec<UnitDoc>),
}

/// A query-result certificate ready to render: every value already formatted for print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDoc {
    /// The title.
    pub title: String,
    /// 查询编号.
    pub query_number: String,
    /// 查询目的.
    pub purpose: String,
    /// 查询时间.
    pub queried_at: String,
    /// 打印时间.
    pub printed_at: String,
    /// 查询人.
    pub requester_name: String,
    /// 查询人证件号 as it may be printed.
    pub requester_id_number: String,
    /// 登记机构.
    pub agency: String,
    /// The agency's phone.
    pub agency_phone: String,
    /// The kiosk's device id.
    pub device_id: String,
    /// What the QR encodes.
    pub verification_url: String,
    /// The verification code printed beside the QR.
    pub verification_code: String,
    /// The query seal.
    pub seal: Seal,
    /// Numbered notes printed after the result.
    pub statements: Vec<String>,
    /// The result.
    pub result: QueryResult,
}

impl CertificateDoc {
    /// Formats central's certificate for print with the kiosk's context.
    pub fn new(cert: &Certificate, ctx: &KioskContext) -> CertificateDoc {
        let interested = ctx.requester == Requester::InterestedParty;
        let requester_id_number = if interested {
            mask_number(&cert.requester_id_number.0)
        } else {
            cert.requester_id_number.0.clone()
        };
        let queried_at = date_time(cert.issued_at);
        let result = if cert.units.is_empty() {
            QueryResult::NoRecord {
                statement: format!(
                    "经查询，截至{queried_at}，在{}登记范围内未查询到{}（证件号码：{}）名下的不动产登记信息。",
                    cert.agency, cert.requester_name, requester_id_number
                ),
            }
        } else {
            QueryResult::Units(cert.units.iter().map(|u| unit(u, interested)).collect())
        };
        CertificateDoc {
            title: ctx.wording.title.clone(),
            query_number: cert.query_number.as_str().to_owned(),
            purpose: cert.purpose.chinese().to_owned(),
            queried_at,
            printed_at: date_time(ctx.printed_at.to_offset(cert.issued_at.offset())),
            requester_name: cert.requester_name.clone(),
            requester_id_number,
            agency: cert.agency.clone(),
            agency_phone: cert.agency_phone.clone(),
            device_id: ctx.device_id.clone(),
            verification_url: cert.verification_url.clone(),
            verification_code: cert.verification_code.as_str().to_owned(),
            seal: ctx.wording.seal.clone(),
            statements: ctx.wording.statements.clone(),
            result,
        }
    }

    /// How many units the certificate lists.
    pub fn unit_count(&self) -> usize {
        match &self.result {
            QueryResult::NoRecord { .. } => 0,
            QueryResult::Units(units) => units.len(),
        }
    }
}

fn unit(u: &Unit, interested: bool) -> UnitDoc {
    let summary = UnitSummary {
        unit_code: u.unit_code.as_str().to_owned(),
        certificate_number: u.certificate_number.to_string(),
        location: u.location.clone(),
        building_area: u.areas.building.clone(),
        restrictions: u.restrictions.len(),
    };
    let holders = u
        .holders
        .iter()
        .map(|h| holder(h, interested))
        .collect::<Vec<_>>()
        .join("\n");
    let co_ownership = match u.co_ownership {
        CoOwnership::InShares => {
            let shares = u
                .holders
                .iter()
                .filter_map(|h| h.share.as_deref())
                .collect::<Vec<_>>();
            if shares.is_empty() {
                u.co_ownership.chinese().to_owned()
            } else {
                format!("{}（{}）", u.co_ownership.chinese(), shares.join(" : "))
            }
        }
        other => other.chinese().to_owned(),
    };
    let rows = vec![
        DetailRow::Wide(Field::new("权利人", holders)),
        DetailRow::Pair(
            Field::new("共有情况", co_ownership),
            Field::new("权利类型", u.right_type.chinese()),
        ),
        DetailRow::Wide(Field::new(
            "不动产权证书号",
            u.certificate_number.to_string(),
        )),
        DetailRow::Wide(Field::new("不动产单元号", u.unit_code.as_str())),
        DetailRow::Wide(Field::new("坐落", u.location.as_str())),
        DetailRow::Pair(
            Field::new("幢号/房号", format!("{} / {}", u.building, u.room)),
            Field::new("所在层/总层数", format!("{} / {}", u.floor, u.total_floors)),
        ),
        DetailRow::Pair(
            Field::new("房屋结构", u.structure.as_str()),
            Field::new("建筑面积", area(&u.areas.building)),
        ),
        DetailRow::Pair(
            Field::new(
                "套内建筑面积",
                u.areas.inner.as_deref().map_or_else(dash, area),
            ),
            Field::new(
                "分摊建筑面积",
                u.areas.shared.as_deref().map_or_else(dash, area),
            ),
        ),
        DetailRow::Pair(
            Field::new("用途", u.usage.as_str()),
            Field::new("房屋性质", u.nature.as_str()),
        ),
        DetailRow::Pair(
            Field::new("土地权利性质", u.land_right_nature.chinese()),
            Field::new(
                "土地使用期限",
                u.land_term_to
                    .map_or_else(dash, |d| format!("{}止", date(d))),
            ),
        ),
        DetailRow::Pair(
            Field::new("登记时间", date(u.registered_on)),
            Field::new("权属状态", u.status.chinese()),
        ),
    ];
    UnitDoc {
        summary,
        rows,
        restrictions: u.restrictions.iter().map(restriction).collect(),
    }
}

fn holder(h: &Holder, interested: bool) -> String {
    let number = if interested {
        mask_number(&h.id_number.0)
    } else {
        h.id_number.0.clone()
    };
    let mut line = format!("{}　证件号码：{}", h.name, number);
    if let Some(share) = &h.share {
        line.push_str("　份额：");
        line.push_str(share);
    }
    line
}

fn restriction(r: &Restriction) -> RestrictionDoc {
    let (kind, fields) = match r {
        Restriction::Mortgage {
            mortgagee,
            proof_number,
            amount_fen,
            mortgage_kind,
            term_from,
            term_to,
        } => (
            "抵押",
            vec![
                Field::new("抵押权人", mortgagee.as_str()),
                Field::new("抵押方式", mortgage_kind.chinese()),
                Field::new("不动产登记证明号", proof_number.to_string()),
                Field::new(
                    match mortgage_kind {
                        central_api::domain::MortgageKind::Maximum => "最高债权额",
                        _ => "被担保主债权数额",
                    },
                    yuan(*amount_fen),
                ),
                Field::new("债务履行期限", term(*term_from, Some(*term_to))),
            ],
        ),
        Restriction::Seizure {
            court,
            document_number,
            seizure_kind,
            term_from,
            term_to,
        } => (
            "查封",
            vec![
                Field::new("查封机关", court.as_str()),
                Field::new("查封类型", seizure_kind.chinese()),
                Field::new("查封文号", document_number.as_str()),
                Field::new("查封期限", term(*term_from, Some(*term_to))),
            ],
        ),
        Restriction::Objection {
            registered_on,
            matter,
        } => (
            "异议",
            vec![
                Field::new("登记时间", date(*registered_on)),
                Field::new("异议事项", matter.as_str()),
            ],
        ),
        Restriction::AdvanceNotice {
            proof_number,
            pre_mortgage,
        } => (
            "预告",
            vec![
                Field::new(
                    "预告登记种类",
                    if *pre_mortgage { "预抵押" } else { "预告" },
                ),
                Field::new("预告登记证明号", proof_number.to_string()),
            ],
        ),
        Restriction::ResidenceRight { holder, term_to } => (
            "居住权",
            vec![
                Field::new("居住权人", holder.as_str()),
                Field::new(
                    "居住权期限",
                    term_to.map_or_else(|| "居住权人终身".to_owned(), |d| format!("{}止", date(d))),
                ),
            ],
        ),
        Restriction::Easement { matter } => {
            ("地役权", vec![Field::new("地役权内容", matter.as_str())])
        }
        Restriction::Lock { reason } => ("锁定", vec![Field::new("锁定原因", reason.as_str())]),
    };
    RestrictionDoc {
        kind: kind.to_owned(),
        fields,
    }
}

fn dash() -> String {
    "—".to_owned()
}

fn area(square_metres: &str) -> String {
    format!("{square_metres}平方米")
}

fn two(n: u8) -> String {
    format!("{n:02}")
}

/// `2026年11月28日`.
pub(crate) fn date(d: Date) -> String {
    format!(
        "{}年{}月{}日",
        d.year(),
        two(d.month().into()),
        two(d.day())
    )
}

/// `2026年11月28日 09:15:41`, in the value's own offset.
pub(crate) fn date_time(t: OffsetDateTime) -> String {
    format!(
        "{} {}:{}:{}",
        date(t.date()),
        two(t.hour()),
        two(t.minute()),
        two(t.second())
    )
}

fn term(from: Date, to: Option<Date>) -> String {
    match to {
        Some(to) => format!("{} 至 {}", date(from), date(to)),
        None => format!("{} 起", date(from)),
    }
}

/// Fen as yuan with thousands separators: `1,200,000.00元`.
fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let digits = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}元", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn money_is_grouped_yuan() {
        assert_eq!(yuan(120_000_000), "1,200,000.00元");
        assert_eq!(yuan(5), "0.05元");
        assert_eq!(yuan(-123_456), "-1,234.56元");
        assert_eq!(yuan(99_900), "999.00元");
    }

    #[test]
    fn dates_do_not_depend_on_locale() {
        assert_eq!(super::date(date!(2026 - 01 - 05)), "2026年01月05日");
        assert_eq!(
            date_time(datetime!(2026-11-28 09:05:01 +08:00)),
            "2026年11月28日 09:05:01"
        );
    }

    #[test]
    fn terms_with_and_without_an_end() {
        assert_eq!(
            term(date!(2020 - 01 - 01), Some(date!(2050 - 12 - 31))),
            "2020年01月01日 至 2050年12月31日"
        );
        assert_eq!(term(date!(2020 - 01 - 01), None), "2020年01月01日 起");
    }
}
