//! Cut tickets as files: a 1-bit PNG as wide as the paper, and a JSON sidecar with the content.
//!
//! Raster images are drawn dot for dot (reference: MSB leftmost, 1 = black); QR codes are drawn
//! from their payload with the `qrcode` crate at the module size asked for, with the standard
//! four-module quiet zone; text runs are drawn as placeholder boxes, one per character (12 x 24
//! dots for ASCII, 24 x 24 for the rest, times the magnification), since the sidecar carries
//! the text itself.

use super::engine::PrintedTicket;
use escpos::interpret::Element;
use escpos::{CharSize, Cut, Justify, QrErrorCorrection, RasterImage};
use qrcode::{Color, EcLevel, QrCode};
use serde_json::json;
use std::io;
use std::path::{Path, PathBuf};

/// Height of a text line at single size, in dots.
const LINE_DOTS: usize = 24;
/// Blank paper left under the last line before the cut.
const BOTTOM_MARGIN: usize = 24;

/// A growing 1-bit canvas as wide as the paper.
#[derive(Debug)]
struct Canvas {
    width: usize,
    rows: usize,
    data: Vec<u8>,
}

impl Canvas {
    fn new(width_dots: u16) -> Canvas {
        Canvas {
            width: usize::from(width_dots),
            rows: 0,
            data: Vec::new(),
        }
    }

    fn row_bytes(&self) -> usize {
        self.width.div_ceil(8)
    }

    fn grow(&mut self, rows: usize) {
        if rows > self.rows {
            self.rows = rows;
            self.data.resize(rows * self.row_bytes(), 0);
        }
    }

    fn set(&mut self, x: usize, y: usize) {
        if x >= self.width {
            return;
        }
        self.grow(y + 1);
        let index = y * self.row_bytes() + x / 8;
        if let Some(byte) = self.data.get_mut(index) {
            *byte |= 0x80 >> (x % 8);
        }
    }

    fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, filled: bool) {
        for dy in 0..h {
            for dx in 0..w {
                if filled || dy == 0 || dx == 0 || dy + 1 == h || dx + 1 == w {
                    self.set(x + dx, y + dy);
                }
            }
        }
    }

    fn left(&self, justify: Justify, width: usize) -> usize {
        let free = self.width.saturating_sub(width);
        match justify {
            Justify::Left => 0,
            Justify::Centre => free / 2,
            Justify::Right => free,
        }
    }
}

/// Width of one character cell at single size.
fn cell_width(ch: char) -> usize {
    if ch.is_ascii() { 12 } else { 24 }
}

/// One line of text being laid out.
#[derive(Debug, Default)]
struct Line {
    cells: Vec<(char, CharSize, bool)>,
    justify: Justify,
}

impl Line {
    fn width(&self) -> usize {
        self.cells
            .iter()
            .map(|(ch, size, _)| cell_width(*ch) * usize::from(size.width()))
            .sum()
    }

    fn height(&self) -> usize {
        self.cells
            .iter()
            .map(|(_, size, _)| LINE_DOTS * usize::from(size.height()))
            .max()
            .unwrap_or(LINE_DOTS)
    }

    /// Draws the line with its top at `y`; returns its height.
    fn draw(&mut self, canvas: &mut Canvas, y: usize) -> usize {
        let height = self.height();
        let mut x = canvas.left(self.justify, self.width());
        for (ch, size, bold) in &self.cells {
            let w = cell_width(*ch) * usize::from(size.width());
            let h = LINE_DOTS * usize::from(size.height());
            if !ch.is_whitespace() {
                // Baseline-aligned box, a dot of space around it; bold boxes are filled.
                canvas.rect(
                    x + 1,
                    y + height - h + 1,
                    w.saturating_sub(2),
                    h.saturating_sub(2),
                    *bold,
                );
            }
            x += w;
        }
        self.cells.clear();
        canvas.grow(y + height);
        height
    }
}

fn ec_level(ecc: QrErrorCorrection) -> EcLevel {
    match ecc {
        QrErrorCorrection::Low => EcLevel::L,
        QrErrorCorrection::Medium => EcLevel::M,
        QrErrorCorrection::Quartile => EcLevel::Q,
        QrErrorCorrection::High => EcLevel::H,
    }
}

/// Draws a ticket; the result is a raster image as wide as the paper.
pub fn render(ticket: &PrintedTicket, width_dots: u16) -> RasterImage {
    let mut canvas = Canvas::new(width_dots);
    let mut y = 0;
    let mut line = Line::default();
    for element in &ticket.ticket.elements {
        match element {
            Element::Text(run) => {
                line.justify = run.justify;
                line.cells
                    .extend(run.text.chars().map(|ch| (ch, run.size, run.bold)));
            }
            Element::Feed(n) => {
                let mut lines = usize::from(*n);
                if !line.cells.is_empty() {
                    y += line.draw(&mut canvas, y);
                    lines = lines.saturating_sub(1);
                }
                y += lines * LINE_DOTS;
            }
            Element::Raster { image, justify } => {
                if !line.cells.is_empty() {
                    y += line.draw(&mut canvas, y);
                }
                let width = usize::from(image.row_bytes()) * 8;
                let left = canvas.left(*justify, width);
                for row in 0..image.rows() {
                    for x in 0..width {
                        if image.get(x, row) {
                            canvas.set(left + x, y + row);
                        }
                    }
                }
                y += image.rows();
                canvas.grow(y);
            }
            Element::Qr {
                data,
                module,
                ecc,
                justify,
            } => {
                if !line.cells.is_empty() {
                    y += line.draw(&mut canvas, y);
                }
                // A payload the QR encoder refuses prints nothing, as on a printer.
                let Ok(code) = QrCode::with_error_correction_level(data, ec_level(*ecc)) else {
                    continue;
                };
                let module = usize::from(*module);
                let modules = code.width();
                let quiet = 4 * module;
                let side = modules * module + 2 * quiet;
                let left = canvas.left(*justify, side);
                for (i, color) in code.to_colors().into_iter().enumerate() {
                    if color == Color::Dark {
                        let (mx, my) = (i % modules, i / modules);
                        canvas.rect(
                            left + quiet + mx * module,
                            y + quiet + my * module,
                            module,
                            module,
                            true,
                        );
                    }
                }
                y += side;
                canvas.grow(y);
            }
        }
    }
    if !line.cells.is_empty() {
        y += line.draw(&mut canvas, y);
    }
    canvas.grow(y + BOTTOM_MARGIN);
    let row_bytes = u16::try_from(canvas.row_bytes()).unwrap_or(u16::MAX);
    RasterImage::new(row_bytes, canvas.data)
        .unwrap_or_else(|_| RasterImage::blank(escpos::PaperWidth::Mm80, 1))
}

/// Encodes a raster image as a 1-bit grayscale PNG (black where the raster has a 1).
pub fn png_bytes(image: &RasterImage) -> io::Result<Vec<u8>> {
    let width = u32::from(image.row_bytes()) * 8;
    let height = u32::try_from(image.rows()).map_err(io::Error::other)?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height.max(1));
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().map_err(io::Error::other)?;
    // PNG grayscale: 0 is black; the raster's 1 is black.
    let mut data: Vec<u8> = image.data().iter().map(|b| !b).collect();
    if data.is_empty() {
        data = vec![0xFF; usize::from(image.row_bytes())];
    }
    writer.write_image_data(&data).map_err(io::Error::other)?;
    writer.finish().map_err(io::Error::other)?;
    Ok(out)
}

fn cut_name(cut: Cut) -> String {
    match cut {
        Cut::Full => "full".into(),
        Cut::Partial => "partial".into(),
        Cut::FeedFull(n) => format!("feed-full {n}"),
        Cut::FeedPartial(n) => format!("feed-partial {n}"),
    }
}

fn justify_name(justify: Justify) -> &'static str {
    match justify {
        Justify::Left => "left",
        Justify::Centre => "centre",
        Justify::Right => "right",
    }
}

/// The sidecar: what a test checks instead of reading pixels.
pub fn sidecar(ticket: &PrintedTicket, image: &RasterImage) -> serde_json::Value {
    let mut runs = Vec::new();
    let mut qr = Vec::new();
    let mut rasters = Vec::new();
    for element in &ticket.ticket.elements {
        match element {
            Element::Text(run) => runs.push(json!({
                "text": run.text,
                "width": run.size.width(),
                "height": run.size.height(),
                "justify": justify_name(run.justify),
                "bold": run.bold,
            })),
            Element::Qr {
                data,
                module,
                ecc,
                justify,
            } => qr.push(json!({
                "data": String::from_utf8_lossy(data),
                "module": module,
                "ecc": format!("{ecc:?}"),
                "justify": justify_name(*justify),
            })),
            Element::Raster { image, justify } => rasters.push(json!({
                "width_bytes": image.row_bytes(),
                "rows": image.rows(),
                "justify": justify_name(*justify),
            })),
            Element::Feed(_) => {}
        }
    }
    json!({
        "index": ticket.index,
        "cut": cut_name(ticket.cut),
        "continued_after_paper_out": ticket.continued_after_paper_out,
        "text": ticket.ticket.text(),
        "text_runs": runs,
        "qr": qr,
        "raster": rasters,
        "width_dots": u32::from(image.row_bytes()) * 8,
        "height_dots": image.rows(),
    })
}

/// Writes `ticket-NNNN.png` and `ticket-NNNN.json` into `dir`; returns the PNG's path.
pub fn write_ticket(dir: &Path, ticket: &PrintedTicket, width_dots: u16) -> io::Result<PathBuf> {
    let image = render(ticket, width_dots);
    let png = dir.join(format!("ticket-{:04}.png", ticket.index));
    std::fs::write(&png, png_bytes(&image)?)?;
    let json = serde_json::to_vec_pretty(&sidecar(ticket, &image)).map_err(io::Error::other)?;
    std::fs::write(dir.join(format!("ticket-{:04}.json", ticket.index)), json)?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;
    use escpos::interpret::{Event, Interpreter, interpret_all};
    use escpos::{Command, Job, PaperWidth, TextCapability};

    fn printed(bytes: &[u8]) -> PrintedTicket {
        let events = interpret_all(&mut Interpreter::new(true), bytes);
        let Some(Event::Cut { cut, ticket }) = events.into_iter().next() else {
            panic!()
        };
        PrintedTicket {
            index: 1,
            cut,
            ticket,
            continued_after_paper_out: false,
        }
    }

    #[test]
    fn raster_is_drawn_dot_for_dot_and_justified() {
        let mut image = RasterImage::blank(PaperWidth::Mm58, 3);
        image.set(0, 0, true);
        image.set(383, 2, true);
        let mut bytes = Command::Raster(image).to_bytes();
        Command::Cut(Cut::Full).encode(&mut bytes);
        let out = render(&printed(&bytes), 576);
        assert_eq!(out.row_bytes(), 72);
        assert_eq!(out.rows(), 3 + BOTTOM_MARGIN);
        assert!(out.get(0, 0) && out.get(383, 2) && !out.get(1, 0));
        // Centred: (576 - 384) / 2 = 96 dots in.
        let mut centred = Command::Justify(Justify::Centre).to_bytes();
        centred.extend_from_slice(&bytes);
        let out = render(&printed(&centred), 576);
        assert!(out.get(96, 0) && out.get(96 + 383, 2));
    }

    #[test]
    fn qr_text_boxes_png_and_sidecar() {
        let mut job = Job::new(TextCapability::Gb18030Full);
        job.text("A号\n").unwrap();
        job.push(&Command::qr(b"hello", 4, QrErrorCorrection::Medium).unwrap())
            .push(&Command::Cut(Cut::Partial));
        let ticket = printed(job.bytes());
        let image = render(&ticket, 576);
        // 21 modules of 4 dots plus a quiet zone of 16 each side under a 24-dot line.
        assert_eq!(image.rows(), 24 + 21 * 4 + 32 + BOTTOM_MARGIN);
        assert!(image.get(1, 1), "box outline of 'A'");
        let png = png_bytes(&image).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let side = sidecar(&ticket, &image);
        assert_eq!(side["text"], "A号\n");
        assert_eq!(side["qr"][0]["data"], "hello");
        assert_eq!(side["cut"], "partial");
        assert_eq!(side["width_dots"], 576);
    }
}
