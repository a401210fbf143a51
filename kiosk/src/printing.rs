//! Tickets to ESC/POS bytes: a ticket laid out once ([`tickets`]) is sent either as one raster
//! image (the safe default: every character prints, the printer's fonts and code pages do not
//! matter) or as native GB18030 text with a native QR, where lines the printer cannot encode fall
//! back to raster. Which mode a printer gets is configuration.

use escpos::command::{Command, Cut, Job, QrErrorCorrection, RasterImage};
use escpos::text::TextCapability;
use std::fmt;
use thiserror::Error;
use tickets::{
    Align, Capability, Fonts, Layout, PaperWidth, QrLevel, Raster, TextEncoding, TextModeOp,
};

/// How a ticket printer is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The whole ticket as one raster image.
    Raster,
    /// Native text and QR, raster only where needed.
    Text,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Raster => "raster",
            Mode::Text => "text",
        })
    }
}

/// What the ticket printer can do (configuration per printer model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrinterProfile {
    /// Paper width.
    pub paper: PaperWidth,
    /// Its character set in Chinese mode.
    pub encoding: TextCapability,
    /// Whether `GS ( k` prints QR codes (clones often do not).
    pub native_qr: bool,
}

impl Default for PrinterProfile {
    /// 80 mm, GBK, native QR: a common kiosk printer.
    fn default() -> PrinterProfile {
        PrinterProfile {
            paper: PaperWidth::Mm80,
            encoding: TextCapability::Gbk,
            native_qr: true,
        }
    }
}

/// A ticket could not be turned into printer bytes.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EncodeTicketError {
    /// Rendering failed (a font missing, a layout too tall).
    #[error("ticket rendering: {0}")]
    Render(#[from] tickets::RenderError),
    /// The ESC/POS encoder refused something (a character the printer cannot print, a QR too long).
    #[error("ESC/POS encoding: {0}")]
    Encode(#[from] escpos::command::EncodeError),
}

fn raster_image(raster: &Raster) -> Result<RasterImage, EncodeTicketError> {
    let row_bytes = u16::try_from(raster.width_dots / 8).unwrap_or(u16::MAX);
    Ok(RasterImage::new(row_bytes, raster.bytes.clone())?)
}

fn capability(profile: &PrinterProfile) -> Capability {
    Capability {
        // Two-byte GB18030 is GBK plus a few cells; treat it as GBK (conservative).
        encoding: match profile.encoding {
            TextCapability::Gb2312 => TextEncoding::Gb2312,
            TextCapability::Gbk | TextCapability::Gb18030TwoByte => TextEncoding::Gbk,
            TextCapability::Gb18030Full => TextEncoding::Gb18030,
        },
        native_qr: profile.native_qr,
        paper: profile.paper,
    }
}

/// The ESC/POS bytes of one ticket, ending with a cut.
pub fn encode_ticket(
    layout: &Layout,
    mode: Mode,
    profile: &PrinterProfile,
    fonts: &Fonts,
) -> Result<Vec<u8>, EncodeTicketError> {
    let mut job = Job::new(profile.encoding);
    match mode {
        Mode::Raster => {
            let raster = tickets::render_raster(layout, profile.paper, fonts)?;
            job.push(&Command::Justify(escpos::command::Justify::Left));
            job.push(&Command::Raster(raster_image(&raster)?));
            job.push(&Command::Cut(Cut::FeedPartial(48)));
        }
        Mode::Text => {
            for op in tickets::render_text_mode(layout, &capability(profile), fonts)? {
                match op {
                    TextModeOp::Text {
                        text,
                        size,
                        align,
                        bold,
                    } => {
                        let n = size.get().clamp(1, 8);
                        let size = escpos::command::CharSize::new(n, n)
                            .unwrap_or(escpos::command::CharSize::from_byte(0));
                        job.push(&Command::Justify(justify(align)));
                        job.push(&Command::Size(size));
                        job.push(&Command::Bold(bold));
                        job.text(&text)?;
                        job.push(&Command::LineFeed);
                    }
                    TextModeOp::Qr {
                        payload,
                        module_size,
                        level,
                    } => {
                        job.push(&Command::Justify(escpos::command::Justify::Centre));
                        job.push(&Command::qr(payload.as_bytes(), module_size, ecc(level))?);
                        job.push(&Command::LineFeed);
                    }
                    TextModeOp::Raster(raster) => {
                        job.push(&Command::Justify(escpos::command::Justify::Left));
                        job.push(&Command::Raster(raster_image(&raster)?));
                    }
                    TextModeOp::Feed { dots } => {
                        // ESC d feeds lines of about 30 dots at the default line spacing.
                        let lines = u8::try_from(dots.div_ceil(30)).unwrap_or(u8::MAX);
                        job.push(&Command::Feed(lines));
                    }
                    TextModeOp::Cut => {
                        job.push(&Command::Cut(Cut::FeedPartial(48)));
                    }
                    _ => {}
                }
            }
            job.push(&Command::Size(escpos::command::CharSize::from_byte(0)));
        }
    }
    Ok(job.into_bytes())
}

fn justify(align: Align) -> escpos::command::Justify {
    match align {
        Align::Left => escpos::command::Justify::Left,
        Align::Center => escpos::command::Justify::Centre,
        Align::Right => escpos::command::Justify::Right,
    }
}

fn ecc(level: QrLevel) -> QrErrorCorrection {
    match level {
        QrLevel::L => QrErrorCorrection::Low,
        QrLevel::M => QrErrorCorrection::Medium,
        QrLevel::Q => QrErrorCorrection::Quartile,
        QrLevel::H => QrErrorCorrection::High,
    }
}
