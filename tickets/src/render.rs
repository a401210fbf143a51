//! The raster renderer: draws a [`Layout`] into a packed 1-bit [`Raster`] through
//! embedded-graphics.
//!
//! Normal-size text uses the 16-dot WenQuanYi bitmap font; any character it lacks, and all text
//! of size 2 and more, is rasterised from the outline face (16·size dots per em, coverage
//! threshold 50 %, 30 % at normal size). A character no font has prints as the outline face's "missing glyph" box.

use crate::fonts::Fonts;
use crate::layout::{Align, Block, Layout, TextStyle};
use crate::raster::{MAX_HEIGHT, PaperWidth, Raster};
use ab_glyph::{Font, PxScale, ScaleFont, point};
use embedded_graphics::geometry::{Point, Size};
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::DrawTarget;
use embedded_graphics::primitives::Rectangle;
use u8g2_fonts::types::{FontColor, VerticalPosition};

/// White dots kept at the left and right edges.
pub const SIDE_MARGIN: u32 = 8;
/// White rows above the first block.
const TOP_MARGIN: u32 = 16;
/// White rows below the last block.
const BOTTOM_MARGIN: u32 = 24;
/// Dots per em of size 1.
const UNIT_PX: u32 = 16;
/// Space between a label and its value, in dots.
const PAIR_GAP: i32 = 16;

/// Why a layout could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A QR payload is too long for any QR version.
    #[error("QR payload of {len} bytes cannot be encoded: {source}")]
    Qr {
        /// Payload length in bytes.
        len: usize,
        /// The encoder's reason.
        source: qrcode::types::QrError,
    },
    /// A QR code is wider than the paper.
    #[error("QR code of {modules} modules does not fit {dots} dots")]
    QrTooWide {
        /// Modules across (with the quiet zone).
        modules: u32,
        /// Paper width in dots.
        dots: u32,
    },
    /// The ticket would be taller than [`MAX_HEIGHT`] rows.
    #[error("ticket taller than {MAX_HEIGHT} rows")]
    TooTall,
}

/// Renders a layout for the given paper.
pub fn render_raster(
    layout: &Layout,
    paper: PaperWidth,
    fonts: &Fonts,
) -> Result<Raster, RenderError> {
    let mut raster = Raster::blank(paper.dots(), TOP_MARGIN);
    let mut y = TOP_MARGIN;
    for block in &layout.blocks {
        y = draw_block(&mut raster, block, y, fonts)?;
    }
    grow(&mut raster, y + BOTTOM_MARGIN)?;
    Ok(raster)
}

/// Renders one block on its own, as wide as the paper, without the ticket's top and bottom
/// margins (text mode uses it for lines the printer cannot print as text).
pub fn render_block(
    block: &Block,
    paper: PaperWidth,
    fonts: &Fonts,
) -> Result<Raster, RenderError> {
    let mut raster = Raster::blank(paper.dots(), 0);
    let y = draw_block(&mut raster, block, 0, fonts)?;
    grow(&mut raster, y)?;
    Ok(raster)
}

fn grow(raster: &mut Raster, height: u32) -> Result<(), RenderError> {
    if height > MAX_HEIGHT {
        return Err(RenderError::TooTall);
    }
    raster.grow_to(height);
    Ok(())
}

fn content_width(raster: &Raster) -> i32 {
    to_i32(raster.width_dots.saturating_sub(2 * SIDE_MARGIN))
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn to_u32(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// Draws a block with its top at row `y`; returns the row below it.
fn draw_block(
    raster: &mut Raster,
    block: &Block,
    y: u32,
    fonts: &Fonts,
) -> Result<u32, RenderError> {
    let width = content_width(raster);
    let left = to_i32(SIDE_MARGIN);
    match block {
        Block::Text { text, style } => {
            let mut y = y;
            for line in wrap(text, width, *style, fonts) {
                let h = line_height(*style);
                grow(raster, y + h)?;
                let w = measure(&line, *style, fonts);
                let x = match style.align {
                    Align::Left => left,
                    Align::Center => left + (width - w).max(0) / 2,
                    Align::Right => left + (width - w).max(0),
                };
                draw_line(raster, &line, x, y, *style, fonts);
                y += h;
            }
            Ok(y)
        }
        Block::Pair {
            label,
            value,
            style,
        } => {
            let lw = measure(label, *style, fonts);
            let vw = measure(value, *style, fonts);
            let h = line_height(*style);
            if lw + PAIR_GAP + vw <= width {
                grow(raster, y + h)?;
                draw_line(raster, label, left, y, *style, fonts);
                draw_line(raster, value, left + width - vw, y, *style, fonts);
                Ok(y + h)
            } else {
                let y = draw_block(raster, &Block::text(label.clone(), *style), y, fonts)?;
                draw_block(raster, &Block::text(value.clone(), style.right()), y, fonts)
            }
        }
        Block::Qr { payload } => draw_qr(raster, payload, y),
        Block::Rule => {
            grow(raster, y + 18)?;
            fill(raster, left, to_i32(y) + 8, to_u32(width), 2);
            Ok(y + 18)
        }
        Block::Spacer { dots } => {
            let y = y + u32::from(*dots);
            grow(raster, y)?;
            Ok(y)
        }
    }
}

fn fill(raster: &mut Raster, x: i32, y: i32, w: u32, h: u32) {
    let area = Rectangle::new(Point::new(x, y), Size::new(w, h));
    // Infallible: the raster clips.
    let _ = raster.fill_solid(&area, BinaryColor::On);
}

fn draw_qr(raster: &mut Raster, payload: &str, y: u32) -> Result<u32, RenderError> {
    let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M).map_err(
        |source| RenderError::Qr {
            len: payload.len(),
            source,
        },
    )?;
    let modules = u32::try_from(code.width()).unwrap_or(u32::MAX);
    let quiet = 4;
    let dots = raster.width_dots;
    // About 40 % of the paper, 3 to 8 dots a module (0.4 to 1 mm at 203 dpi).
    let module = (dots * 2 / 5 / modules.max(1)).clamp(3, 8);
    let total = (modules + 2 * quiet) * module;
    if total > dots {
        return Err(RenderError::QrTooWide {
            modules: modules + 2 * quiet,
            dots,
        });
    }
    grow(raster, y + total)?;
    let x0 = to_i32((dots - modules * module) / 2);
    let y0 = to_i32(y + quiet * module);
    let m = to_i32(module);
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (col, row) = (i % code.width(), i / code.width());
            let (col, row) = (
                i32::try_from(col).unwrap_or(0),
                i32::try_from(row).unwrap_or(0),
            );
            fill(raster, x0 + col * m, y0 + row * m, module, module);
        }
    }
    Ok(y + total)
}

fn px(style: TextStyle) -> u32 {
    UNIT_PX * u32::from(style.size.get())
}

/// Height of one line of text in rows.
fn line_height(style: TextStyle) -> u32 {
    px(style) * 11 / 8 + 4
}

/// The outline scale whose em square is `px(style)` dots (ab_glyph scales by ascent - descent).
fn em_scale(fonts: &Fonts, style: TextStyle) -> PxScale {
    let font = fonts.outline();
    let ratio = match font.units_per_em() {
        Some(upem) if upem > 0.0 => font.height_unscaled() / upem,
        _ => 1.0,
    };
    PxScale::from(px(style) as f32 * ratio)
}

fn uses_bitmap(c: char, style: TextStyle, fonts: &Fonts) -> bool {
    style.size.get() == 1
        && fonts
            .bitmap()
            .get_rendered_dimensions(c, Point::zero(), VerticalPosition::Baseline)
            .is_ok()
}

fn bold_offset(style: TextStyle) -> i32 {
    to_i32((px(style) / 24).max(1))
}

fn char_advance(c: char, style: TextStyle, fonts: &Fonts) -> i32 {
    if uses_bitmap(c, style, fonts) {
        return fonts
            .bitmap()
            .get_rendered_dimensions(c, Point::zero(), VerticalPosition::Baseline)
            .map(|d| d.advance.x)
            .unwrap_or(0);
    }
    let font = fonts.outline();
    let scaled = font.as_scaled(em_scale(fonts, style));
    scaled.h_advance(font.glyph_id(c)).round() as i32
}

/// Width of a line in dots.
fn measure(text: &str, style: TextStyle, fonts: &Fonts) -> i32 {
    let bold = if style.bold { bold_offset(style) } else { 0 };
    text.chars()
        .map(|c| char_advance(c, style, fonts))
        .sum::<i32>()
        + bold
}

/// Splits a paragraph into lines no wider than `width`: anywhere between CJK characters,
/// preferably at a space within Latin text.
fn wrap(text: &str, width: i32, style: TextStyle, fonts: &Fonts) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for c in text.chars() {
        let w = char_advance(c, style, fonts);
        if line_w + w > width && !line.is_empty() {
            let break_at = line
                .rfind(' ')
                .filter(|&i| i > 0 && c.is_ascii_alphanumeric());
            match break_at {
                Some(i) => {
                    let rest = line.split_off(i);
                    lines.push(std::mem::take(&mut line));
                    line = rest.trim_start().to_owned();
                }
                None => lines.push(std::mem::take(&mut line)),
            }
            // No closing punctuation at the start of a line: the character before comes along.
            if is_closing(c) && line.is_empty() {
                if let Some(last) = lines.last_mut().filter(|l| l.chars().count() > 1) {
                    if let Some(prev) = last.pop() {
                        line.push(prev);
                    }
                }
            }
            line_w = measure(
                &line,
                TextStyle {
                    bold: false,
                    ..style
                },
                fonts,
            );
            if line.is_empty() && c == ' ' {
                continue;
            }
        }
        line.push(c);
        line_w += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Punctuation that must not start a line.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '）' | ')'
            | '，'
            | '。'
            | '、'
            | '：'
            | '；'
            | '！'
            | '？'
            | '」'
            | '》'
            | '】'
            | ','
            | '.'
            | ':'
    )
}

/// Draws one line with its line box's top-left corner at (x, top).
fn draw_line(raster: &mut Raster, text: &str, x: i32, top: u32, style: TextStyle, fonts: &Fonts) {
    let size = px(style);
    // The em square centred in the line box; ideographs rise 7/8 em above the baseline.
    let baseline = to_i32(top + (line_height(style) - size) / 2 + size * 7 / 8);
    let passes: &[i32] = if style.bold {
        &[0, bold_offset(style)]
    } else {
        &[0]
    };
    for &dx in passes {
        let mut pen = x + dx;
        for c in text.chars() {
            pen += draw_char(raster, c, pen, baseline, style, fonts);
        }
    }
}

/// Draws one character with its origin at (x, baseline); returns its advance.
fn draw_char(
    raster: &mut Raster,
    c: char,
    x: i32,
    baseline: i32,
    style: TextStyle,
    fonts: &Fonts,
) -> i32 {
    if uses_bitmap(c, style, fonts) {
        if let Ok(d) = fonts.bitmap().render(
            c,
            Point::new(x, baseline),
            VerticalPosition::Baseline,
            FontColor::Transparent(BinaryColor::On),
            raster,
        ) {
            return d.advance.x;
        }
    }
    let font = fonts.outline();
    let scale = em_scale(fonts, style);
    let id = font.glyph_id(c);
    let glyph = id.with_scale_and_position(scale, point(x as f32, baseline as f32));
    if let Some(outlined) = font.outline_glyph(glyph) {
        let bounds = outlined.px_bounds();
        let (bx, by) = (bounds.min.x as i32, bounds.min.y as i32);
        // Small sizes keep thin strokes with a lower threshold.
        let threshold = if px(style) <= 20 { 0.3 } else { 0.5 };
        outlined.draw(|gx, gy, coverage| {
            if coverage >= threshold {
                raster.set(bx + to_i32(gx), by + to_i32(gy), true);
            }
        });
    }
    font.as_scaled(scale).h_advance(id).round() as i32
}
