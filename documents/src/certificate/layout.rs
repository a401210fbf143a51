//! Page geometry: where every piece of text, rule and box goes, in points from the page's top
//! left corner (A4, 595.28 × 841.89 pt). Text positions are baselines.

use super::model::{CertificateDoc, DetailRow, Field, QueryResult, RestrictionDoc, UnitDoc};
use crate::fonts::Shaper;

/// A4 width in points.
pub(crate) const PAGE_W: f32 = 595.276;
/// A4 height in points.
pub(crate) const PAGE_H: f32 = 841.89;
/// Left and right margins.
const MARGIN: f32 = 50.0;
/// Width between the margins.
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Top of the page's header.
const TOP: f32 = 36.0;
/// Where the body starts under the header.
const BODY_TOP: f32 = 186.0;
/// Where the body must end above the footer.
const BODY_BOTTOM: f32 = PAGE_H - 56.0;

/// The QR's side and top-left corner.
pub(crate) const QR_SIZE: f32 = 80.0;
/// The QR's left edge.
pub(crate) const QR_X: f32 = PAGE_W - MARGIN - QR_SIZE;
/// The QR's top edge.
pub(crate) const QR_Y: f32 = TOP;
/// The seal's centre: stamped over the end of the agency's name, as seals are.
pub(crate) const SEAL_CX: f32 = 246.0;
/// The seal's centre, vertically.
pub(crate) const SEAL_CY: f32 = 130.0;
/// The seal's radius (a 29 mm seal).
pub(crate) const SEAL_R: f32 = 41.0;

/// A grey level, 0 black to 255 white.
pub(crate) type Grey = u8;

/// One drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// Text on one line, starting at a baseline point.
    Text {
        /// Left edge.
        x: f32,
        /// Baseline.
        y: f32,
        /// Font size in points.
        size: f32,
        /// The text.
        text: String,
    },
    /// A rectangle, filled and/or outlined.
    Rect {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Fill grey, if filled.
        fill: Option<Grey>,
        /// Outline width, if outlined.
        stroke: Option<f32>,
    },
    /// A straight line.
    Line {
        /// Start x.
        x1: f32,
        /// Start and end y.
        y: f32,
        /// End x.
        x2: f32,
        /// Line width.
        width: f32,
    },
}

/// The operations of one page.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Page {
    /// Operations in drawing order.
    pub ops: Vec<Op>,
}

/// Breaks `text` into lines no wider than `width` at `size` (any character may end a line, as
/// in Chinese typesetting; `\n` forces a break; closing punctuation never starts a line).
pub(crate) fn wrap(shaper: &Shaper<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        for c in paragraph.chars() {
            let mut buf = [0u8; 4];
            let w = shaper.width(c.encode_utf8(&mut buf), size);
            let closing = "，。、；：）》」』！？,.;:)".contains(c);
            if line_w + w > width && !line.is_empty() && !closing {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += w;
        }
        lines.push(line);
    }
    lines
}

/// The header of every page, with its page number.
pub(crate) fn header(
    doc: &CertificateDoc,
    shaper: &Shaper<'_>,
    page: usize,
    pages: usize,
) -> Vec<Op> {
    let mut ops = Vec::new();
    let title_size = 20.0;
    let title_w = shaper.width(&doc.title, title_size);
    ops.push(Op::Text {
        x: (PAGE_W - title_w) / 2.0,
        y: TOP + 26.0,
        size: title_size,
        text: doc.title.clone(),
    });

    let size = 9.5;
    let row_h = 17.5;
    let first = TOP + 58.0;
    let label_w = 5.6 * size;
    let left = MARGIN;
    let right = MARGIN + 215.0;
    let right_end = QR_X - 10.0;
    let cells: [(f32, f32, &str, &str); 9] = [
        (left, right, "查询编号：", &doc.query_number),
        (right, right_end, "查询目的：", &doc.purpose),
        (left, right, "查询时间：", &doc.queried_at),
        (right, right_end, "打印时间：", &doc.printed_at),
        (left, right, "查询人：", &doc.requester_name),
        (right, right_end, "证件号码：", &doc.requester_id_number),
        (left, right_end, "登记机构：", &doc.agency),
        (left, right, "联系电话：", &doc.agency_phone),
        (right, right_end, "设备编号：", &doc.device_id),
    ];
    let rows = [0, 0, 1, 1, 2, 2, 3, 4, 4];
    for ((x, end, label, value), row) in cells.into_iter().zip(rows) {
        let y = first + row as f32 * row_h;
        ops.push(Op::Text {
            x,
            y,
            size,
            text: label.to_owned(),
        });
        // Shrink a value that does not fit rather than run into the next column.
        let room = end - x - label_w - 4.0;
        let natural = shaper.width(value, size);
        let value_size = if natural > room && natural > 0.0 {
            (size * room / natural).max(6.0)
        } else {
            size
        };
        ops.push(Op::Text {
            x: x + label_w,
            y,
            size: value_size,
            text: value.to_owned(),
        });
    }

    // The verification code under the QR.
    let centre = QR_X + QR_SIZE / 2.0;
    for (text, size, y) in [
        ("扫码或凭验证码核验", 7.0, QR_Y + QR_SIZE + 10.0),
        (doc.verification_code.as_str(), 9.0, QR_Y + QR_SIZE + 22.0),
    ] {
        let w = shaper.width(text, size);
        ops.push(Op::Text {
            x: centre - w / 2.0,
            y,
            size,
            text: text.to_owned(),
        });
    }
    let rule = BODY_TOP - 12.0;
    ops.push(Op::Line {
        x1: MARGIN,
        y: rule,
        x2: PAGE_W - MARGIN,
        width: 1.2,
    });
    ops.push(Op::Line {
        x1: MARGIN,
        y: rule + 2.5,
        x2: PAGE_W - MARGIN,
        width: 0.4,
    });

    let footer = format!("第 {page} 页 共 {pages} 页");
    let size = 9.0;
    let w = shaper.width(&footer, size);
    ops.push(Op::Text {
        x: (PAGE_W - w) / 2.0,
        y: PAGE_H - 30.0,
        size,
        text: footer,
    });
    ops
}

/// A table cell.
struct Cell<'t> {
    width: f32,
    text: &'t str,
    fill: Option<Grey>,
    centred: bool,
}

impl<'t> Cell<'t> {
    fn label(width: f32, text: &'t str) -> Self {
        Cell {
            width,
            text,
            fill: Some(LABEL_GREY),
            centred: false,
        }
    }

    fn value(width: f32, text: &'t str) -> Self {
        Cell {
            width,
            text,
            fill: None,
            centred: false,
        }
    }

    fn centred(mut self) -> Self {
        self.centred = true;
        self
    }
}

/// The body laid out into pages.
struct Flow<'s, 'f> {
    shaper: &'s Shaper<'f>,
    pages: Vec<Page>,
    y: f32,
}

const PAD: f32 = 3.5;
const LINE: f32 = 1.45;
const LABEL_GREY: Grey = 236;
const HEAD_GREY: Grey = 220;

impl Flow<'_, '_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last].ops
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = BODY_TOP;
    }

    /// Starts a new page unless `height` still fits.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BODY_BOTTOM && self.y > BODY_TOP {
            self.new_page();
        }
    }

    fn row_height(&self, cells: &[Cell<'_>], size: f32) -> f32 {
        cells
            .iter()
            .map(|c| wrap(self.shaper, c.text, size, c.width - 2.0 * PAD).len())
            .max()
            .unwrap_or(1) as f32
            * size
            * LINE
            + 2.0 * PAD
    }

    /// A table row; cells wrap and the row takes the tallest cell's height.
    fn row(&mut self, cells: &[Cell<'_>], size: f32) {
        let height = self.row_height(cells, size);
        self.ensure(height);
        let top = self.y;
        let shaper = self.shaper;
        let mut x = MARGIN;
        let mut ops = Vec::new();
        for cell in cells {
            ops.push(Op::Rect {
                x,
                y: top,
                w: cell.width,
                h: height,
                fill: cell.fill,
                stroke: Some(0.5),
            });
            let lines = wrap(shaper, cell.text, size, cell.width - 2.0 * PAD);
            let block = lines.len() as f32 * size * LINE;
            let mut baseline =
                top + (height - block) / 2.0 + size * (LINE - 1.0) / 2.0 + size * 0.88;
            for line in lines {
                let lx = if cell.centred {
                    x + (cell.width - shaper.width(&line, size)) / 2.0
                } else {
                    x + PAD
                };
                ops.push(Op::Text {
                    x: lx,
                    y: baseline,
                    size,
                    text: line,
                });
                baseline += size * LINE;
            }
            x += cell.width;
        }
        self.ops().extend(ops);
        self.y = top + height;
    }

    /// A heading that stays with at least `keep` points of what follows.
    fn heading(&mut self, text: &str, size: f32, keep: f32) {
        self.y += size * 0.6;
        self.ensure(size * 1.6 + keep);
        let y = self.y + size;
        self.ops().push(Op::Text {
            x: MARGIN,
            y,
            size,
            text: text.to_owned(),
        });
        self.y = y + size * 0.6;
    }

    /// Wrapped running text with an optional first-line indent.
    fn paragraph(&mut self, text: &str, size: f32, line: f32, indent: f32) {
        let shaper = self.shaper;
        let mut first = true;
        for wrapped in wrap(shaper, text, size, CONTENT_W - indent) {
            self.ensure(size * line);
            let x = if first { MARGIN + indent } else { MARGIN };
            first = false;
            let y = self.y + size;
            self.ops().push(Op::Text {
                x,
                y,
                size,
                text: wrapped,
            });
            self.y += size * line;
        }
    }

    fn statements(&mut self, statements: &[String]) {
        if statements.is_empty() {
            return;
        }
        self.y += 14.0;
        self.heading("说明：", 9.5, 30.0);
        for (i, s) in statements.iter().enumerate() {
            self.paragraph(&format!("{}. {s}", i + 1), 9.0, 1.6, 0.0);
        }
    }

    /// Label/value pairs, two to a row; a value too long for half a row, or a field left
    /// without a partner, takes the whole row.
    fn fields(&mut self, fields: &[Field], size: f32) {
        let room = CONTENT_W / 2.0 - KV_LABEL - 2.0 * PAD;
        let fits = |f: &Field| {
            self.shaper.width(&f.value, size) <= room
                && self.shaper.width(&f.label, size) <= KV_LABEL - 2.0 * PAD
        };
        let mut pending: Option<&Field> = None;
        for field in fields {
            if !fits(field) {
                self.wide(field, size);
            } else if let Some(first) = pending.take() {
                self.pair(first, field, size);
            } else {
                pending = Some(field);
            }
        }
        if let Some(last) = pending {
            self.wide(last, size);
        }
    }

    fn pair(&mut self, a: &Field, b: &Field, size: f32) {
        let value_w = CONTENT_W / 2.0 - KV_LABEL;
        self.row(
            &[
                Cell::label(KV_LABEL, &a.label),
                Cell::value(value_w, &a.value),
                Cell::label(KV_LABEL, &b.label),
                Cell::value(value_w, &b.value),
            ],
            size,
        );
    }

    fn wide(&mut self, a: &Field, size: f32) {
        self.row(
            &[
                Cell::label(KV_LABEL, &a.label),
                Cell::value(CONTENT_W - KV_LABEL, &a.value),
            ],
            size,
        );
    }
}

/// Label column width in detail tables.
const KV_LABEL: f32 = 86.0;

/// Lays out the body (everything under the header) into pages.
pub(crate) fn body(doc: &CertificateDoc, shaper: &Shaper<'_>) -> Vec<Page> {
    let mut flow = Flow {
        shaper,
        pages: vec![Page::default()],
        y: BODY_TOP,
    };
    match &doc.result {
        QueryResult::NoRecord { statement } => {
            flow.heading("查询结果", 13.0, 60.0);
            flow.y += 6.0;
            flow.paragraph(statement, 12.0, 1.9, 24.0);
            flow.statements(&doc.statements);
        }
        QueryResult::Units(units) => {
            summary(&mut flow, units);
            flow.statements(&doc.statements);
            for (i, unit) in units.iter().enumerate() {
                flow.new_page();
                detail(&mut flow, unit, i + 1, units.len());
            }
        }
    }
    flow.pages
}

/// Font size of the summary table.
const SUMMARY_SIZE: f32 = 8.0;
/// Column widths of the summary table: 序号, 单元号, 证书号, 坐落, 面积, 限制.
const SUMMARY_WIDTHS: [f32; 6] = [24.0, 134.0, 142.0, CONTENT_W - 380.0, 46.0, 34.0];

fn summary(flow: &mut Flow<'_, '_>, units: &[UnitDoc]) {
    flow.heading("查询结果汇总", 13.0, 60.0);
    flow.paragraph(
        &format!(
            "经查询，共查得不动产单元 {} 个，汇总如下；各单元的权利及限制情况详见后附单元登记信息页。",
            units.len()
        ),
        10.0,
        1.7,
        20.0,
    );
    flow.y += 6.0;
    let widths = SUMMARY_WIDTHS;
    let size = SUMMARY_SIZE;
    let head = [
        "序号",
        "不动产单元号",
        "不动产权证书号",
        "坐落",
        "建筑面积\n（㎡）",
        "限制\n事项",
    ];
    let head_cells: Vec<Cell<'_>> = widths
        .iter()
        .zip(head)
        .map(|(&w, t)| Cell {
            width: w,
            text: t,
            fill: Some(HEAD_GREY),
            centred: true,
        })
        .collect();
    flow.row(&head_cells, size);
    for (i, unit) in units.iter().enumerate() {
        let s = &unit.summary;
        let number = (i + 1).to_string();
        let restrictions = match s.restrictions {
            0 => "无".to_owned(),
            n => format!("{n} 项"),
        };
        let cells = [
            Cell::value(widths[0], &number).centred(),
            Cell::value(widths[1], &s.unit_code),
            Cell::value(widths[2], &s.certificate_number),
            Cell::value(widths[3], &s.location),
            Cell::value(widths[4], &s.building_area).centred(),
            Cell::value(widths[5], &restrictions).centred(),
        ];
        // A table continued on a new page repeats its head row.
        if flow.y + flow.row_height(&cells, size) > BODY_BOTTOM {
            flow.new_page();
            flow.row(&head_cells, size);
        }
        flow.row(&cells, size);
    }
}

fn detail(flow: &mut Flow<'_, '_>, unit: &UnitDoc, number: usize, count: usize) {
    let size = 9.0;
    flow.heading(
        &format!("不动产单元登记信息（第 {number} 个，共 {count} 个）"),
        12.0,
        60.0,
    );
    for row in &unit.rows {
        match row {
            DetailRow::Wide(f) => flow.wide(f, size),
            DetailRow::Pair(a, b) => flow.pair(a, b, size),
        }
    }
    flow.y += 6.0;
    flow.heading(
        &format!("限制及其他权利情况（{} 项）", unit.restrictions.len()),
        11.0,
        40.0,
    );
    if unit.restrictions.is_empty() {
        flow.row(&[Cell::value(CONTENT_W, "无")], size);
    }
    for (i, r) in unit.restrictions.iter().enumerate() {
        restriction(flow, r, i + 1, size);
    }
}

fn restriction(flow: &mut Flow<'_, '_>, r: &RestrictionDoc, number: usize, size: f32) {
    let title = format!("（{number}）{}", r.kind);
    // Keep the title row with the first field row.
    let title_h = size * LINE + 2.0 * PAD;
    flow.ensure(title_h * 2.0 + 4.0);
    flow.y += 4.0;
    flow.row(
        &[Cell {
            width: CONTENT_W,
            text: &title,
            fill: Some(HEAD_GREY),
            centred: false,
        }],
        size,
    );
    flow.fields(&r.fields, size);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Fonts;

    #[test]
    fn summary_identifiers_fit_on_one_line() {
        let fonts = Fonts::load_default().unwrap();
        let shaper = fonts.shaper();
        let QueryResult::Units(units) = CertificateDoc::sample_holder().result else {
            panic!("units expected");
        };
        for unit in &units {
            for (text, width) in [
                (&unit.summary.unit_code, SUMMARY_WIDTHS[1]),
                (&unit.summary.certificate_number, SUMMARY_WIDTHS[2]),
            ] {
                let lines = wrap(&shaper, text, SUMMARY_SIZE, width - 2.0 * PAD);
                assert_eq!(lines.len(), 1, "{lines:?}");
            }
        }
    }

    #[test]
    fn summary_columns_fill_the_width() {
        assert!((SUMMARY_WIDTHS.iter().sum::<f32>() - CONTENT_W).abs() < 0.01);
    }

    #[test]
    fn wrapping_keeps_closing_punctuation_on_the_line() {
        let fonts = Fonts::load_default().unwrap();
        let shaper = fonts.shaper();
        // Two ideographs per line at 10 pt in 20 pt, but the full stop stays with its line.
        assert_eq!(wrap(&shaper, "一二。三四", 10.0, 20.0), ["一二。", "三四"]);
        assert_eq!(wrap(&shaper, "一\n二", 10.0, 100.0), ["一", "二"]);
        assert_eq!(wrap(&shaper, "", 10.0, 100.0), [""]);
    }
}
