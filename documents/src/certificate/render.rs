//! Drawing the laid-out pages with krilla: text as real text in the embedded, subset font.

use super::layout::{self, Op, PAGE_H, PAGE_W, QR_SIZE, QR_X, QR_Y, SEAL_CX, SEAL_CY, SEAL_R};
use super::model::{CertificateDoc, Seal};
use super::{qr, seal};
use crate::fonts::{Fonts, Shaper};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use thiserror::Error;

/// Why a certificate could not be rendered.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RenderError {
    /// No configured face has a glyph for a character the certificate must print.
    #[error("no font face covers U+{code_point:04X}")]
    MissingGlyph {
        /// The character's code point (the text itself is personal data and is not kept).
        code_point: u32,
    },
    /// The verification URL does not fit in a QR code.
    #[error("the verification URL cannot be encoded as a QR code: {0}")]
    Qr(qrcode::types::QrError),
    /// The configured seal image is not a usable PNG.
    #[error("the seal image is not a usable PNG: {0}")]
    SealImage(String),
    /// krilla could not write the PDF (e.g. a font it cannot embed).
    #[error("PDF writing failed: {0}")]
    Pdf(krilla::error::KrillaError),
}

/// The seal's red.
const SEAL_RED: (u8, u8, u8) = (212, 32, 39);

/// Renders the certificate as an A4 PDF.
pub fn render_pdf(doc: &CertificateDoc, fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    let shaper = fonts.shaper();
    let body = layout::body(doc, &shaper);
    let count = body.len();
    let pages: Vec<Vec<Op>> = body
        .into_iter()
        .enumerate()
        .map(|(i, page)| {
            let mut ops = layout::header(doc, &shaper, i + 1, count);
            ops.extend(page.ops);
            ops
        })
        .collect();
    let drawn_seal = match &doc.seal {
        Seal::Drawn { agency, caption } => format!("{agency}{caption}"),
        Seal::Png(_) => String::new(),
    };
    let texts = pages
        .iter()
        .flatten()
        .filter_map(|op| match op {
            Op::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .chain(std::iter::once(drawn_seal.as_str()));
    for text in texts {
        if let Some(c) = shaper.first_missing(text) {
            return Err(RenderError::MissingGlyph {
                code_point: u32::from(c),
            });
        }
    }
    let (qr_width, qr_dark) = qr::modules(&doc.verification_url).map_err(RenderError::Qr)?;
    let seal_image = match &doc.seal {
        Seal::Png(bytes) => Some(
            Image::from_png(krilla::Data::from(bytes.clone()), true)
                .map_err(RenderError::SealImage)?,
        ),
        Seal::Drawn { .. } => None,
    };

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", doc.title, doc.query_number))
            .language("zh-CN".to_owned())
            .creator("kiosk documents".to_owned()),
    );
    for ops in &pages {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).unwrap_or_default();
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw_ops(&mut surface, &shaper, ops);
        draw_qr(&mut surface, qr_width, &qr_dark);
        match (&doc.seal, &seal_image) {
            (_, Some(image)) => draw_seal_image(&mut surface, image),
            (Seal::Drawn { agency, caption }, None) => {
                draw_seal(&mut surface, &shaper, agency, caption);
            }
            (Seal::Png(_), None) => {}
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(RenderError::Pdf)
}

fn grey(level: u8) -> rgb::Color {
    rgb::Color::new(level, level, level)
}

fn fill(color: rgb::Color) -> Fill {
    Fill {
        paint: color.into(),
        ..Fill::default()
    }
}

fn stroke(color: rgb::Color, width: f32) -> Stroke {
    Stroke {
        paint: color.into(),
        width,
        ..Stroke::default()
    }
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(krilla::geom::Rect::from_xywh(x, y, w, h)?);
    pb.finish()
}

/// Draws `text` with its left baseline at `(x, y)`, switching faces where a fallback is needed.
fn draw_text(
    surface: &mut Surface<'_>,
    shaper: &Shaper<'_>,
    x: f32,
    y: f32,
    size: f32,
    text: &str,
    outlined: bool,
) {
    let mut cursor = x;
    for run in shaper.runs(text) {
        surface.draw_glyphs(
            Point::from_xy(cursor, y),
            &run.glyphs,
            run.font.clone(),
            &run.text,
            size,
            outlined,
        );
        cursor += run.width_em * size;
    }
}

fn draw_ops(surface: &mut Surface<'_>, shaper: &Shaper<'_>, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Rect {
                x,
                y,
                w,
                h,
                fill: fill_grey,
                stroke: stroke_width,
            } => {
                let Some(path) = rect_path(*x, *y, *w, *h) else {
                    continue;
                };
                surface.set_fill(fill_grey.map(|g| fill(grey(g))));
                surface.set_stroke(stroke_width.map(|w| stroke(grey(0), w)));
                surface.draw_path(&path);
            }
            Op::Line { x1, y, x2, width } => {
                let mut pb = PathBuilder::new();
                pb.move_to(*x1, *y);
                pb.line_to(*x2, *y);
                if let Some(path) = pb.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(stroke(grey(0), *width)));
                    surface.draw_path(&path);
                }
            }
            Op::Text { .. } => {}
        }
    }
    // Text last, so no cell background covers it.
    surface.set_stroke(None);
    surface.set_fill(Some(fill(grey(0))));
    for op in ops {
        if let Op::Text { x, y, size, text } = op {
            draw_text(surface, shaper, *x, *y, *size, text, false);
        }
    }
}

fn draw_qr(surface: &mut Surface<'_>, width: usize, dark: &[bool]) {
    if width == 0 {
        return;
    }
    let module = QR_SIZE / width as f32;
    let mut pb = PathBuilder::new();
    for (row, col, len) in qr::runs(width, dark) {
        // A hair of overlap between rows so rasterisers leave no seams.
        if let Some(rect) = krilla::geom::Rect::from_xywh(
            QR_X + col as f32 * module,
            QR_Y + row as f32 * module,
            len as f32 * module,
            module + 0.05,
        ) {
            pb.push_rect(rect);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(fill(grey(0))));
        surface.draw_path(&path);
    }
}

fn seal_red() -> rgb::Color {
    rgb::Color::new(SEAL_RED.0, SEAL_RED.1, SEAL_RED.2)
}

fn draw_seal_image(surface: &mut Surface<'_>, image: &Image) {
    let (w, h) = image.size();
    if w == 0 || h == 0 {
        return;
    }
    let side = 2.0 * SEAL_R;
    let scale = side / w.max(h) as f32;
    let (dw, dh) = (w as f32 * scale, h as f32 * scale);
    let Some(size) = Size::from_wh(dw, dh) else {
        return;
    };
    surface.push_transform(&Transform::from_translate(
        SEAL_CX - dw / 2.0,
        SEAL_CY - dh / 2.0,
    ));
    surface.draw_image(image.clone(), size);
    surface.pop();
}

fn draw_seal(surface: &mut Surface<'_>, shaper: &Shaper<'_>, agency: &str, caption: &str) {
    let opacity = NormalizedF32::new(0.88).unwrap_or(NormalizedF32::ONE);
    surface.push_opacity(opacity);
    // The ring.
    let (start, segments) = seal::circle(SEAL_CX, SEAL_CY, SEAL_R - 1.2);
    let mut pb = PathBuilder::new();
    pb.move_to(start.0, start.1);
    for [c1, c2, end] in segments {
        pb.cubic_to(c1.0, c1.1, c2.0, c2.1, end.0, end.1);
    }
    pb.close();
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke(seal_red(), 2.4)));
        surface.draw_path(&path);
    }
    // The star.
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in seal::star(SEAL_CX, SEAL_CY - 2.0, 12.0)
        .into_iter()
        .enumerate()
    {
        if i == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    pb.close();
    surface.set_stroke(None);
    surface.set_fill(Some(fill(seal_red())));
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
    // The agency along the ring, outlined: the seal is a picture, not text to extract.
    let size = 10.0;
    let chars: Vec<char> = agency.chars().collect();
    for (c, angle) in chars.iter().zip(seal::arc_angles(chars.len())) {
        let mut buf = [0u8; 4];
        let text = c.encode_utf8(&mut buf);
        let w = shaper.width(text, size);
        surface.push_transform(&Transform::from_translate(SEAL_CX, SEAL_CY));
        surface.push_transform(&Transform::from_rotate(angle));
        draw_text(
            surface,
            shaper,
            -w / 2.0,
            -(SEAL_R - 5.0) + size * 0.88,
            size,
            text,
            true,
        );
        surface.pop();
        surface.pop();
    }
    let caption_size = 8.5;
    let w = shaper.width(caption, caption_size);
    draw_text(
        surface,
        shaper,
        SEAL_CX - w / 2.0,
        SEAL_CY + 24.0,
        caption_size,
        caption,
        true,
    );
    surface.pop();
}
