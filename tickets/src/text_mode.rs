//! Text mode: the layout as neutral printer instructions (text in the printer's own font, native
//! QR codes, feeds, a cut) for the ESC/POS encoder to translate. A text line with a character
//! the printer cannot encode in its GB18030 subset, or a QR code on a printer without native QR,
//! becomes a raster block instead. Text stays Unicode here: the encoder encodes it (GB18030).

use crate::fonts::Fonts;
use crate::layout::{Align, Block, Layout, TextSize};
use crate::raster::{PaperWidth, Raster};
use crate::render::{RenderError, render_block};

/// Which part of GB18030 the printer's firmware prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// GB2312 only (double-byte, rows A1-F7, cells A1-FE).
    Gb2312,
    /// GBK: the double-byte part of GB18030.
    #[default]
    Gbk,
    /// Full GB18030, four-byte sequences included (Ext-A, Ext-B, `¥` U+00A5).
    Gb18030,
}

impl TextEncoding {
    /// Whether a printer with this firmware prints `c` as text. Printable ASCII always; control
    /// characters never.
    pub fn can_print(self, c: char) -> bool {
        if c.is_ascii() {
            return !c.is_ascii_control();
        }
        if c.is_control() {
            return false;
        }
        match self {
            TextEncoding::Gb18030 => true,
            TextEncoding::Gbk => gbk_bytes(c).is_some(),
            TextEncoding::Gb2312 => gbk_bytes(c).is_some_and(|[lead, trail]| {
                (0xA1..=0xF7).contains(&lead) && (0xA1..=0xFE).contains(&trail)
            }),
        }
    }

    /// Whether every character of `text` prints as text.
    pub fn can_print_all(self, mut text: impl Iterator<Item = char>) -> bool {
        text.all(|c| self.can_print(c))
    }
}

/// The double-byte GBK code of `c`, if it has one. None for four-byte GB18030, and none for the
/// double-byte cells whose mapping differs between GBK (CP936), GB18030-2005 and GB18030-2022
/// (FE50-FEA0, A6D9-A6F5, A8BC, A8BF): encoding_rs encodes 䶮 U+4DAE as `FE 9F`, but GBK
/// firmware prints a private-use glyph there, so such characters go to the raster.
fn gbk_bytes(c: char) -> Option<[u8; 2]> {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    if unmappable {
        return None;
    }
    match *bytes {
        [lead, trail] if lead >= 0x81 => {
            let changed_2022 = (lead == 0xFE && (0x50..=0xA0).contains(&trail))
                || (lead == 0xA6 && (0xD9..=0xF5).contains(&trail))
                || (lead == 0xA8 && (trail == 0xBC || trail == 0xBF));
            (!changed_2022).then_some([lead, trail])
        }
        _ => None,
    }
}

/// What the ticket printer can do in text mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capability {
    /// Its character set.
    pub encoding: TextEncoding,
    /// Whether it prints QR codes natively (`GS ( k`); clones often do not.
    pub native_qr: bool,
    /// Its paper, for raster fallbacks and column counts.
    pub paper: PaperWidth,
}

/// QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrLevel {
    /// About 7 %.
    L,
    /// About 15 %.
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

/// One neutral printer instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextModeOp {
    /// One line of text in the printer's font, followed by a line feed.
    Text {
        /// The characters (all printable under the capability's encoding).
        text: String,
        /// Magnification (`GS !`).
        size: TextSize,
        /// Justification (`ESC a`).
        align: Align,
        /// Emphasis (`ESC E`).
        bold: bool,
    },
    /// A native QR code (model 2), centred.
    Qr {
        /// What it encodes.
        payload: String,
        /// Module size in dots (`GS ( k` function 167, 1-16).
        module_size: u8,
        /// Error correction (function 169).
        level: QrLevel,
    },
    /// A raster block as wide as the paper (`GS v 0`), for what text mode cannot print.
    Raster(Raster),
    /// Feed blank paper, in dots.
    Feed {
        /// Dots (1/8 mm at 203 dpi).
        dots: u16,
    },
    /// Feed past the cutter and cut.
    Cut,
}

/// Translates a layout into text-mode instructions for the given printer.
pub fn render_text_mode(
    layout: &Layout,
    capability: &Capability,
    fonts: &Fonts,
) -> Result<Vec<TextModeOp>, RenderError> {
    let mut ops = Vec::new();
    let columns = capability.paper.text_columns();
    for block in &layout.blocks {
        let printable = capability.encoding.can_print_all(block.text_chars());
        match block {
            Block::Text { .. } | Block::Pair { .. } if !printable => {
                ops.push(TextModeOp::Raster(render_block(
                    block,
                    capability.paper,
                    fonts,
                )?));
            }
            Block::Text { text, style } => ops.push(TextModeOp::Text {
                text: text.clone(),
                size: style.size,
                align: style.align,
                bold: style.bold,
            }),
            Block::Pair {
                label,
                value,
                style,
            } => {
                let cols = columns / usize::from(style.size.get());
                let used = display_columns(label) + display_columns(value);
                let text = if used < cols {
                    format!("{label}{}{value}", " ".repeat(cols - used))
                } else {
                    format!("{label} {value}")
                };
                ops.push(TextModeOp::Text {
                    text,
                    size: style.size,
                    align: Align::Left,
                    bold: style.bold,
                });
            }
            Block::Qr { payload } if capability.native_qr => ops.push(TextModeOp::Qr {
                payload: payload.clone(),
                module_size: match capability.paper {
                    PaperWidth::Mm80 => 6,
                    PaperWidth::Mm58 => 4,
                },
                level: QrLevel::M,
            }),
            Block::Qr { .. } => {
                ops.push(TextModeOp::Raster(render_block(
                    block,
                    capability.paper,
                    fonts,
                )?));
            }
            Block::Rule => ops.push(TextModeOp::Text {
                text: "-".repeat(columns),
                size: TextSize::NORMAL,
                align: Align::Left,
                bold: false,
            }),
            Block::Spacer { dots } => ops.push(TextModeOp::Feed { dots: *dots }),
        }
    }
    ops.push(TextModeOp::Feed { dots: 48 });
    ops.push(TextModeOp::Cut);
    Ok(ops)
}

/// Columns of the printer's normal font a string takes: one per ASCII character, two otherwise.
pub fn display_columns(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_sets_follow_gb18030_facts() {
        use TextEncoding::{Gb2312, Gb18030, Gbk};
        // (char, GB2312, GBK, GB18030)
        let cases = [
            ('A', true, true, true),
            ('张', true, true, true),
            ('·', true, true, true),  // A1A4
            ('￥', true, true, true), // A3A4
            ('□', true, true, true),  // A1F5
            ('堃', false, true, true),
            ('鎔', false, true, true),
            ('喆', false, true, true),
            ('\u{4DAE}', false, false, true),  // 䶮, Ext-A
            ('\u{20BB7}', false, false, true), // 𠮷, Ext-B
            ('¥', false, false, true),         // U+00A5: 81 30 84 36
            ('\n', false, false, false),
        ];
        for (c, gb2312, gbk, gb18030) in cases {
            assert_eq!(Gb2312.can_print(c), gb2312, "{c:?} GB2312");
            assert_eq!(Gbk.can_print(c), gbk, "{c:?} GBK");
            assert_eq!(Gb18030.can_print(c), gb18030, "{c:?} GB18030");
        }
    }

    #[test]
    fn display_columns_count_cjk_as_two() {
        assert_eq!(display_columns("A012"), 4);
        assert_eq!(display_columns("窗口5"), 5);
    }
}
