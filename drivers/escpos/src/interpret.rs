//! The printer's side: an ESC/POS byte stream in, a document model out (for the simulator).
//!
//! The bytes are untrusted, so the rules of the status decoder hold: nothing here panics, every
//! buffer is capped, and parsing always makes progress. [`Interpreter::feed`] takes the front of
//! the printer's receive buffer and consumes at most one command (or as much of a long raster or
//! QR payload as is there), so a printer model can stop between commands (paper out) and keep
//! the rest in its buffer, and a receive buffer smaller than one raster band still drains.
//!
//! Commands with a known length are skipped whole when they do not matter to the document;
//! an unknown `ESC`, `FS` or `GS` loses only its prefix byte and the rest prints as text, which
//! is what clones do with commands they lack (reference, "QR code" row). Commands are those of
//! `shared/reference/printing.md`, table "ESC/POS (hex)", plus the lengths of common Epson
//! commands so they can be skipped.

use crate::command::{
    CharSize, Cut, Justify, MAX_QR_DATA, QrErrorCorrection, RasterImage, StatusRequest,
};
use encoding_rs::GB18030;

/// Longest command head the interpreter needs in one piece (`10 14 08` takes 10 bytes).
pub const MAX_HEAD: usize = 10;
/// Text bytes kept before a run is flushed anyway.
const MAX_TEXT_RUN: usize = 4096;
/// Widest raster row kept, in bytes (wider bands are skipped).
const MAX_RASTER_ROW_BYTES: usize = 256;
/// Most raster rows kept in one ticket (the rest are skipped).
const MAX_TICKET_RASTER_ROWS: usize = 16_384;
/// Most elements kept in one ticket.
const MAX_ELEMENTS: usize = 10_000;
/// Dots a line feed advances the paper (24-dot font, as the simulator renders it).
pub const LINE_DOTS: u64 = 24;

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRun {
    /// The decoded text (GB18030 in Chinese mode; undecodable bytes become U+FFFD).
    pub text: String,
    /// Character magnification.
    pub size: CharSize,
    /// Alignment of the line.
    pub justify: Justify,
    /// Emphasised.
    pub bold: bool,
}

/// One thing printed on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// Text on the current line.
    Text(TextRun),
    /// End of a line (`0A`), or `n` blank lines fed (`1B 64 n`).
    Feed(u8),
    /// A raster image, its consecutive bands joined.
    Raster {
        /// The image.
        image: RasterImage,
        /// Alignment when it was printed.
        justify: Justify,
    },
    /// A native QR code printed from the stored payload.
    Qr {
        /// The stored payload.
        data: Vec<u8>,
        /// Module size in dots.
        module: u8,
        /// Error-correction level.
        ecc: QrErrorCorrection,
        /// Alignment when it was printed.
        justify: Justify,
    },
}

/// Everything printed between two cuts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ticket {
    /// What was printed, in order.
    pub elements: Vec<Element>,
}

impl Ticket {
    /// The text of every run, lines joined with `\n`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for element in &self.elements {
            match element {
                Element::Text(run) => out.push_str(&run.text),
                Element::Feed(n) => out.extend(std::iter::repeat_n('\n', usize::from((*n).max(1)))),
                _ => {}
            }
        }
        out
    }
}

/// Something the printer model must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `10 04 n` met in the command stream (printers answer these on receipt instead).
    StatusRequest(StatusRequest),
    /// `1D 61 n`: automatic status back for the conditions in `n` (0 turns it off).
    AsbEnable(u8),
    /// `1D 72 n`: answer the marker now, everything before it being processed.
    Marker(u8),
    /// A cut: the finished ticket.
    Cut {
        /// How it was cut.
        cut: Cut,
        /// What was on it.
        ticket: Ticket,
    },
}

/// The result of one [`Interpreter::feed`] step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Bytes consumed from the front of the input; 0 with no event means "need more bytes".
    pub consumed: usize,
    /// What the model must act on, if anything.
    pub event: Option<Event>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    Command,
    Skip(usize),
    Raster {
        row_bytes: usize,
        remaining: usize,
        keep: bool,
    },
    QrStore(usize),
    UntilNul,
}

/// The printer-side interpreter.
#[derive(Debug, Clone)]
pub struct Interpreter {
    mode: Mode,
    chinese: bool,
    size: CharSize,
    justify: Justify,
    bold: bool,
    text: Vec<u8>,
    band: Vec<u8>,
    raster_rows: usize,
    qr_data: Vec<u8>,
    qr_module: u8,
    qr_ecc: QrErrorCorrection,
    ticket: Ticket,
    feed_dots: u64,
    unknown: u64,
}

impl Default for Interpreter {
    fn default() -> Interpreter {
        Interpreter::new(true)
    }
}

impl Interpreter {
    /// A printer at power-on; `chinese` is whether it starts in Chinese mode (many do).
    pub fn new(chinese: bool) -> Interpreter {
        Interpreter {
            mode: Mode::Command,
            chinese,
            size: CharSize::NORMAL,
            justify: Justify::Left,
            bold: false,
            text: Vec::new(),
            band: Vec::new(),
            raster_rows: 0,
            qr_data: Vec::new(),
            qr_module: 3,
            qr_ecc: QrErrorCorrection::Low,
            ticket: Ticket::default(),
            feed_dots: 0,
            unknown: 0,
        }
    }

    /// Bytes skipped as unknown commands.
    pub fn unknown_bytes(&self) -> u64 {
        self.unknown
    }

    /// Paper advanced so far, in dots (line feeds count [`LINE_DOTS`], raster its rows).
    pub fn feed_dots(&self) -> u64 {
        self.feed_dots
    }

    /// What has been printed since the last cut (pending text included).
    pub fn current_ticket(&self) -> Ticket {
        let mut ticket = self.ticket.clone();
        if !self.text.is_empty() {
            ticket.elements.push(Element::Text(self.run()));
        }
        ticket
    }

    /// Throws away what was printed since the last cut (paper ran out under it).
    pub fn discard_ticket(&mut self) {
        self.ticket = Ticket::default();
        self.text.clear();
        self.raster_rows = 0;
    }

    /// Whether a command is half-way (a raster or QR payload still expected).
    pub fn is_mid_command(&self) -> bool {
        self.mode != Mode::Command
    }

    /// Bytes still owed to a half-received payload (raster, QR data, a skipped body), or 1 for a
    /// barcode awaiting its NUL; any bytes complete it (zeros print white).
    pub fn pending_payload(&self) -> usize {
        match self.mode {
            Mode::Command => 0,
            Mode::Skip(n) | Mode::QrStore(n) => n,
            Mode::Raster { remaining, .. } => remaining,
            Mode::UntilNul => 1,
        }
    }

    /// Interprets the front of `input`: one command, or part of a long payload.
    pub fn feed(&mut self, input: &[u8]) -> Step {
        let step = |consumed, event| Step { consumed, event };
        if input.is_empty() {
            return step(0, None);
        }
        match self.mode {
            Mode::Command => self.command(input),
            Mode::Skip(remaining) => {
                let n = remaining.min(input.len());
                self.mode = if n == remaining {
                    Mode::Command
                } else {
                    Mode::Skip(remaining - n)
                };
                step(n, None)
            }
            Mode::Raster {
                row_bytes,
                remaining,
                keep,
            } => {
                let n = remaining.min(input.len());
                if keep {
                    self.band
                        .extend_from_slice(input.get(..n).unwrap_or_default());
                }
                if n == remaining {
                    self.mode = Mode::Command;
                    self.finish_band(row_bytes, keep);
                } else {
                    self.mode = Mode::Raster {
                        row_bytes,
                        remaining: remaining - n,
                        keep,
                    };
                }
                step(n, None)
            }
            Mode::UntilNul => {
                let n = match input.iter().position(|b| *b == 0) {
                    Some(end) => {
                        self.mode = Mode::Command;
                        end + 1
                    }
                    None => input.len(),
                };
                step(n, None)
            }
            Mode::QrStore(remaining) => {
                let n = remaining.min(input.len());
                let room = MAX_QR_DATA.saturating_sub(self.qr_data.len()).min(n);
                self.qr_data
                    .extend_from_slice(input.get(..room).unwrap_or_default());
                self.mode = if n == remaining {
                    Mode::Command
                } else {
                    Mode::QrStore(remaining - n)
                };
                step(n, None)
            }
        }
    }

    fn command(&mut self, input: &[u8]) -> Step {
        let at = |i: usize| input.get(i).copied();
        let need = |n: usize| Step {
            consumed: if input.len() >= n { n } else { 0 },
            event: None,
        };
        let Some(first) = at(0) else {
            return Step {
                consumed: 0,
                event: None,
            };
        };
        if first >= 0x20 {
            let len = input.iter().take_while(|b| **b >= 0x20).count();
            let room = MAX_TEXT_RUN.saturating_sub(self.text.len()).max(1).min(len);
            self.text
                .extend_from_slice(input.get(..room).unwrap_or_default());
            if self.text.len() >= MAX_TEXT_RUN {
                self.flush_text();
            }
            return Step {
                consumed: room,
                event: None,
            };
        }
        match first {
            0x0A => {
                self.flush_text();
                self.push(Element::Feed(1));
                self.feed_dots += LINE_DOTS;
                Step {
                    consumed: 1,
                    event: None,
                }
            }
            // CR, HT, FF, NUL: nothing to draw.
            0x0D | 0x09 | 0x0C | 0x00 => Step {
                consumed: 1,
                event: None,
            },
            0x10 => self.dle(input),
            0x1B => self.esc(input),
            0x1C => {
                let Some(second) = at(1) else { return need(2) };
                match second {
                    0x26 => {
                        self.flush_text();
                        self.chinese = true;
                        need(2)
                    }
                    0x2E => {
                        self.flush_text();
                        self.chinese = false;
                        need(2)
                    }
                    0x21 | 0x2D | 0x57 | 0x43 => need(3),
                    0x53 | 0x70 => need(4),
                    _ => self.unknown_prefix(),
                }
            }
            0x1D => self.gs(input),
            _ => self.unknown_prefix(),
        }
    }

    fn dle(&mut self, input: &[u8]) -> Step {
        let (Some(second), Some(third)) = (input.get(1).copied(), input.get(2).copied()) else {
            return Step {
                consumed: 0,
                event: None,
            };
        };
        match second {
            0x04 => Step {
                consumed: 3,
                event: StatusRequest::from_n(third).map(Event::StatusRequest),
            },
            0x05 => Step {
                consumed: 3,
                event: None,
            },
            // DLE DC4 fn: 1 and 2 take 5 bytes, 7 takes 4, 8 takes 10 (Epson).
            0x14 => {
                let len = match third {
                    1 | 2 => 5,
                    7 => 4,
                    8 => 10,
                    _ => return self.unknown_prefix(),
                };
                Step {
                    consumed: if input.len() >= len { len } else { 0 },
                    event: None,
                }
            }
            _ => self.unknown_prefix(),
        }
    }

    fn esc(&mut self, input: &[u8]) -> Step {
        let at = |i: usize| input.get(i).copied();
        let need = |n: usize| Step {
            consumed: if input.len() >= n { n } else { 0 },
            event: None,
        };
        let Some(second) = at(1) else { return need(2) };
        match second {
            0x40 => {
                self.flush_text();
                self.reset_modes();
                need(2)
            }
            0x61 | 0x45 | 0x64 | 0x21 => {
                let Some(n) = at(2) else { return need(3) };
                self.flush_text();
                match second {
                    0x61 => self.justify = Justify::from_code(n).unwrap_or(self.justify),
                    0x45 => self.bold = n & 1 != 0,
                    // ESC ! n: bit 3 emphasised.
                    0x21 => self.bold = n & 0x08 != 0,
                    _ => {
                        self.push(Element::Feed(n));
                        self.feed_dots += LINE_DOTS * u64::from(n);
                    }
                }
                need(3)
            }
            0x32 | 0x3C | 0x69 | 0x6D => need(2),
            0x20 | 0x2D | 0x33 | 0x3D | 0x3F | 0x47 | 0x4A | 0x4D | 0x52 | 0x54 | 0x56 | 0x74
            | 0x7B | 0x4B | 0x65 | 0x72 | 0x55 => need(3),
            0x24 | 0x5C | 0x63 => need(4),
            0x70 => need(5),
            // ESC * m nL nH d: bit image, 1 byte a column for m 0/1, 3 for m 32/33.
            0x2A => {
                let (Some(m), Some(lo), Some(hi)) = (at(2), at(3), at(4)) else {
                    return need(5);
                };
                let columns = usize::from(u16::from_le_bytes([lo, hi]));
                let per = if m >= 32 { 3 } else { 1 };
                self.mode = Mode::Skip(columns * per);
                if self.mode == Mode::Skip(0) {
                    self.mode = Mode::Command;
                }
                need(5)
            }
            _ => self.unknown_prefix(),
        }
    }

    fn gs(&mut self, input: &[u8]) -> Step {
        let at = |i: usize| input.get(i).copied();
        let need = |n: usize| Step {
            consumed: if input.len() >= n { n } else { 0 },
            event: None,
        };
        let Some(second) = at(1) else { return need(2) };
        match second {
            0x21 => {
                let Some(n) = at(2) else { return need(3) };
                self.flush_text();
                self.size = CharSize::from_byte(n);
                need(3)
            }
            0x56 => {
                let Some(m) = at(2) else { return need(3) };
                let (cut, len) = match m {
                    0x00 | 0x30 => (Cut::Full, 3),
                    0x01 | 0x31 => (Cut::Partial, 3),
                    0x41 | 0x42 => {
                        let Some(n) = at(3) else { return need(4) };
                        (
                            if m == 0x41 {
                                Cut::FeedFull(n)
                            } else {
                                Cut::FeedPartial(n)
                            },
                            4,
                        )
                    }
                    _ => return self.unknown_prefix(),
                };
                self.flush_text();
                let ticket = std::mem::take(&mut self.ticket);
                self.raster_rows = 0;
                Step {
                    consumed: len,
                    event: Some(Event::Cut { cut, ticket }),
                }
            }
            0x61 => {
                let Some(n) = at(2) else { return need(3) };
                Step {
                    consumed: 3,
                    event: Some(Event::AsbEnable(n)),
                }
            }
            0x72 => {
                let Some(n) = at(2) else { return need(3) };
                self.flush_text();
                Step {
                    consumed: 3,
                    event: Some(Event::Marker(n)),
                }
            }
            0x76 => self.raster_head(input),
            0x28 => self.function(input),
            0x42 | 0x48 | 0x66 | 0x68 | 0x77 | 0x2F | 0x49 | 0x62 | 0x7C | 0x45 => need(3),
            0x4C | 0x57 | 0x24 | 0x50 | 0x5C => need(4),
            0x3A => need(2),
            // GS k: barcode; m 0..6 is NUL-terminated, m 65..73 has a length byte.
            0x6B => {
                let Some(m) = at(2) else { return need(3) };
                if m <= 6 {
                    self.mode = Mode::UntilNul;
                    need(3)
                } else {
                    let Some(n) = at(3) else { return need(4) };
                    self.mode = Mode::Skip(usize::from(n));
                    if n == 0 {
                        self.mode = Mode::Command;
                    }
                    need(4)
                }
            }
            // GS * x y d: downloaded bit image, x * y * 8 bytes.
            0x2A => {
                let (Some(x), Some(y)) = (at(2), at(3)) else {
                    return need(4);
                };
                let len = usize::from(x) * usize::from(y) * 8;
                self.mode = if len == 0 {
                    Mode::Command
                } else {
                    Mode::Skip(len)
                };
                need(4)
            }
            _ => self.unknown_prefix(),
        }
    }

    /// `1D 76 30 m xL xH yL yH`.
    fn raster_head(&mut self, input: &[u8]) -> Step {
        if input.len() < 8 {
            return Step {
                consumed: 0,
                event: None,
            };
        }
        let byte = |i: usize| input.get(i).copied().unwrap_or(0);
        if byte(2) != 0x30 && byte(2) != 0x00 {
            return self.unknown_prefix();
        }
        let row_bytes = usize::from(u16::from_le_bytes([byte(4), byte(5)]));
        let rows = usize::from(u16::from_le_bytes([byte(6), byte(7)]));
        self.flush_text();
        let keep = (1..=MAX_RASTER_ROW_BYTES).contains(&row_bytes)
            && self.raster_rows + rows <= MAX_TICKET_RASTER_ROWS;
        self.band.clear();
        let remaining = row_bytes * rows;
        if keep {
            self.raster_rows += rows;
        } else if remaining > 0 {
            self.unknown += 8;
        }
        self.feed_dots += rows as u64;
        self.mode = if remaining == 0 {
            Mode::Command
        } else {
            Mode::Raster {
                row_bytes,
                remaining,
                keep,
            }
        };
        Step {
            consumed: 8,
            event: None,
        }
    }

    fn finish_band(&mut self, row_bytes: usize, keep: bool) {
        if !keep {
            return;
        }
        let band = std::mem::take(&mut self.band);
        let Ok(width) = u16::try_from(row_bytes) else {
            return;
        };
        let justify = self.justify;
        if let Some(Element::Raster { image, justify: j }) = self.ticket.elements.last_mut() {
            if image.row_bytes() == width && *j == justify {
                image.extend_rows(&band);
                return;
            }
        }
        if let Ok(image) = RasterImage::new(width, band) {
            self.push(Element::Raster { image, justify });
        }
    }

    /// `1D 28 fn pL pH ...`: QR functions of `1D 28 6B`, every other function skipped by length.
    fn function(&mut self, input: &[u8]) -> Step {
        if input.len() < 5 {
            return Step {
                consumed: 0,
                event: None,
            };
        }
        let byte = |i: usize| input.get(i).copied().unwrap_or(0);
        let len = usize::from(u16::from_le_bytes([byte(3), byte(4)]));
        if byte(2) != 0x6B || len < 3 {
            self.mode = if len == 0 {
                Mode::Command
            } else {
                Mode::Skip(len)
            };
            return Step {
                consumed: 5,
                event: None,
            };
        }
        // cn fn m: 31 41 .. model, 31 43 n size, 31 45 n level, 31 50 30 store, 31 51 30 print.
        if input.len() < 8 {
            return Step {
                consumed: 0,
                event: None,
            };
        }
        let (cn, f, m) = (byte(5), byte(6), byte(7));
        let rest = len - 3;
        self.mode = if rest == 0 {
            Mode::Command
        } else {
            Mode::Skip(rest)
        };
        if cn != 0x31 {
            return Step {
                consumed: 8,
                event: None,
            };
        }
        match f {
            0x43 => self.qr_module = m.clamp(1, 16),
            0x45 => self.qr_ecc = QrErrorCorrection::from_code(m).unwrap_or(self.qr_ecc),
            0x50 => {
                self.qr_data.clear();
                self.mode = if rest == 0 {
                    Mode::Command
                } else {
                    Mode::QrStore(rest)
                };
            }
            0x51 => {
                self.flush_text();
                if !self.qr_data.is_empty() {
                    self.push(Element::Qr {
                        data: self.qr_data.clone(),
                        module: self.qr_module,
                        ecc: self.qr_ecc,
                        justify: self.justify,
                    });
                }
            }
            _ => {}
        }
        Step {
            consumed: 8,
            event: None,
        }
    }

    fn unknown_prefix(&mut self) -> Step {
        self.unknown += 1;
        Step {
            consumed: 1,
            event: None,
        }
    }

    fn reset_modes(&mut self) {
        self.size = CharSize::NORMAL;
        self.justify = Justify::Left;
        self.bold = false;
        self.qr_module = 3;
        self.qr_ecc = QrErrorCorrection::Low;
    }

    fn run(&self) -> TextRun {
        let text = if self.chinese {
            let (text, _) = GB18030.decode_without_bom_handling(&self.text);
            text.into_owned()
        } else {
            self.text.iter().map(|b| char::from(*b)).collect()
        };
        TextRun {
            text,
            size: self.size,
            justify: self.justify,
            bold: self.bold,
        }
    }

    fn flush_text(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let run = self.run();
        self.text.clear();
        self.push(Element::Text(run));
    }

    fn push(&mut self, element: Element) {
        if self.ticket.elements.len() < MAX_ELEMENTS {
            self.ticket.elements.push(element);
        }
    }
}

/// Runs `input` through a fresh [`Interpreter`] to the end, collecting events (for tests and
/// fuzzing). Incomplete trailing commands are left unconsumed.
pub fn interpret_all(interpreter: &mut Interpreter, mut input: &[u8]) -> Vec<Event> {
    let mut events = Vec::new();
    loop {
        let step = interpreter.feed(input);
        if let Some(event) = step.event {
            events.push(event);
        }
        if step.consumed == 0 {
            return events;
        }
        input = input.get(step.consumed..).unwrap_or_default();
    }
}

/// Spots real-time commands (`10 04 n`) in raw received bytes, the way a printer answers them on
/// receipt, before and regardless of the receive buffer, even inside raster data.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealTimeScanner {
    seen: u8,
}

impl RealTimeScanner {
    /// Feeds received bytes; returns the requests found, in order.
    pub fn scan(&mut self, input: &[u8]) -> Vec<StatusRequest> {
        let mut found = Vec::new();
        for &byte in input {
            self.seen = match (self.seen, byte) {
                (_, 0x10) => 1,
                (1, 0x04) => 2,
                (2, n) => {
                    if let Some(request) = StatusRequest::from_n(n) {
                        found.push(request);
                    }
                    0
                }
                _ => 0,
            };
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, Job, PaperWidth};
    use crate::text::TextCapability;

    fn run(bytes: &[u8]) -> (Vec<Event>, Interpreter) {
        let mut interpreter = Interpreter::new(true);
        let events = interpret_all(&mut interpreter, bytes);
        (events, interpreter)
    }

    fn one_ticket(bytes: &[u8]) -> Ticket {
        let (events, _) = run(bytes);
        let tickets: Vec<_> = events
            .into_iter()
            .filter_map(|e| match e {
                Event::Cut { ticket, .. } => Some(ticket),
                _ => None,
            })
            .collect();
        assert_eq!(tickets.len(), 1);
        tickets.into_iter().next().unwrap()
    }

    #[test]
    fn text_with_styles_round_trips_through_the_encoder() {
        let mut job = Job::new(TextCapability::Gb18030Full);
        job.push(&Command::Justify(Justify::Centre))
            .push(&Command::Size(CharSize::new(2, 2).unwrap()))
            .push(&Command::Bold(true));
        job.text("排队号 A012").unwrap();
        job.push(&Command::LineFeed)
            .push(&Command::Size(CharSize::NORMAL))
            .push(&Command::Bold(false))
            .push(&Command::Justify(Justify::Left));
        job.text("¥12 𠮷\n").unwrap();
        job.push(&Command::Cut(Cut::Partial));
        let ticket = one_ticket(job.bytes());
        assert_eq!(ticket.text(), "排队号 A012\n¥12 𠮷\n");
        let Element::Text(first) = &ticket.elements[0] else {
            panic!()
        };
        assert_eq!(first.size, CharSize::new(2, 2).unwrap());
        assert!(first.bold);
        assert_eq!(first.justify, Justify::Centre);
        let Element::Text(second) = &ticket.elements[2] else {
            panic!()
        };
        assert!(!second.bold);
        assert_eq!(second.justify, Justify::Left);
    }

    #[test]
    fn raster_bands_are_joined_into_one_image() {
        let mut image = RasterImage::blank(PaperWidth::Mm58, 600);
        for y in 0..600 {
            image.set(y % 384, y, true);
        }
        let mut bytes = Command::Raster(image.clone()).to_bytes();
        Command::Cut(Cut::Full).encode(&mut bytes);
        let ticket = one_ticket(&bytes);
        assert_eq!(
            ticket.elements,
            [Element::Raster {
                image,
                justify: Justify::Left
            }]
        );
    }

    #[test]
    fn qr_payload_status_marker_and_asb() {
        let mut bytes = Command::AsbEnable.to_bytes();
        Command::qr(b"https://example.cn/q?id=1", 6, QrErrorCorrection::High)
            .unwrap()
            .encode(&mut bytes);
        Command::Status(StatusRequest::Paper).encode(&mut bytes);
        Command::Cut(Cut::FeedPartial(3)).encode(&mut bytes);
        Command::Marker.encode(&mut bytes);
        let (events, _) = run(&bytes);
        assert_eq!(events[0], Event::AsbEnable(0x0F));
        assert_eq!(events[1], Event::StatusRequest(StatusRequest::Paper));
        let Event::Cut { cut, ticket } = &events[2] else {
            panic!()
        };
        assert_eq!(*cut, Cut::FeedPartial(3));
        assert_eq!(
            ticket.elements,
            [Element::Qr {
                data: b"https://example.cn/q?id=1".to_vec(),
                module: 6,
                ecc: QrErrorCorrection::High,
                justify: Justify::Left
            }]
        );
        assert_eq!(events[3], Event::Marker(1));
        assert_eq!(events.len(), 4);
    }

    #[test]
    fn byte_at_a_time_gives_the_same_result() {
        let mut job = Job::new(TextCapability::Gb18030Full);
        job.text("张三\n").unwrap();
        job.push(&Command::Raster(
            RasterImage::new(2, vec![0xAA; 2 * 300]).unwrap(),
        ))
        .push(&Command::qr(b"x", 3, QrErrorCorrection::Low).unwrap())
        .push(&Command::Cut(Cut::Full));
        let (whole, _) = run(job.bytes());
        let mut interpreter = Interpreter::new(true);
        let mut events = Vec::new();
        let mut buffer: Vec<u8> = Vec::new();
        for &byte in job.bytes() {
            buffer.push(byte);
            loop {
                let step = interpreter.feed(&buffer);
                events.extend(step.event);
                if step.consumed == 0 {
                    break;
                }
                buffer.drain(..step.consumed);
            }
        }
        assert_eq!(events, whole);
        assert!(buffer.is_empty());
    }

    #[test]
    fn unknown_commands_lose_only_their_prefix_and_known_ones_keep_sync() {
        // ESC ~ is unknown: its prefix is dropped and "~A" prints as text, as on clones.
        // GS ( L with a 4-byte body is skipped whole; ESC t 0x1B keeps its argument.
        let bytes = [
            0x1B, b'~', b'A', 0x1D, 0x28, 0x4C, 0x04, 0x00, 0x1B, 0x40, 0x0A, 0x0A, 0x1B, 0x74,
            0x1B, b'B', 0x1D, 0x56, 0x00,
        ];
        let (events, interpreter) = run(&bytes);
        let Event::Cut { ticket, .. } = &events[0] else {
            panic!()
        };
        assert_eq!(ticket.text(), "~AB");
        assert_eq!(interpreter.unknown_bytes(), 1);
    }

    #[test]
    fn real_time_requests_are_spotted_even_inside_raster_data() {
        let mut scanner = RealTimeScanner::default();
        let mut bytes = vec![0x1D, 0x76, 0x30, 0x00, 0x03, 0x00, 0x01, 0x00, 0x10, 0x04];
        assert!(scanner.scan(&bytes).is_empty());
        assert_eq!(scanner.scan(&[0x02]), [StatusRequest::Offline]);
        bytes.extend_from_slice(&[0x02, 0x10, 0x04, 0x09]);
        assert_eq!(
            RealTimeScanner::default().scan(&bytes),
            [StatusRequest::Offline]
        );
    }

    #[test]
    fn chinese_mode_off_reads_single_bytes() {
        let ticket = one_ticket(&[
            0x1C, 0x2E, 0xD6, 0xD0, 0x1C, 0x26, 0xD6, 0xD0, 0x1D, 0x56, 0x01,
        ]);
        assert_eq!(ticket.text(), "\u{D6}\u{D0}中");
    }
}
