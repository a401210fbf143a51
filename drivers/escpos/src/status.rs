//! Status from the printer: the bit layouts, a value type, and a decoder for the incoming byte
//! stream.
//!
//! Source: `shared/reference/printing.md`, rows "real-time status", "automatic status back" and
//! "processed-up-to-here marker". Three kinds of bytes come back, on the same line and in any
//! interleaving:
//! - real-time replies to `10 04 n`, one byte of the pattern `0xx1xx10`, answered even offline,
//!   and sometimes unsolicited (raster data can contain `10 04 0n` by chance);
//! - automatic status back (ASB) blocks of four bytes, pushed on every change once `1D 61 0F` is
//!   on: the first byte `0xx1xx00` (Epson), later bytes `0xx0xxxx`; some clones send the first
//!   byte as `0xx0xx00`, which is tolerated while no marker reply is awaited;
//! - replies to the `1D 72 01` marker, one byte `0000xxxx` (paper sensor, Epson `GS r 1`).
//!
//! [`StatusDecoder`] never panics; bytes that fit none of these are counted and skipped.

use crate::command::StatusRequest;
use std::collections::VecDeque;

/// Most real-time requests remembered as outstanding; older ones are forgotten.
pub const MAX_PENDING_REQUESTS: usize = 16;

/// The paper roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    /// Enough paper.
    #[default]
    Ok,
    /// The near-end sensor sees the roll running low.
    NearEnd,
    /// No paper: the printer stops.
    Out,
}

/// Everything the kiosk needs to know about the printer, folded from every reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PrinterStatus {
    /// Online (ready to print).
    pub online: bool,
    /// Paper roll state.
    pub paper: Paper,
    /// The cover is open.
    pub cover_open: bool,
    /// The auto-cutter failed.
    pub cutter_error: bool,
    /// An unrecoverable error (needs service).
    pub unrecoverable: bool,
    /// An auto-recoverable error (head overheated, say).
    pub recoverable: bool,
}

impl Default for PrinterStatus {
    /// Online, paper fine, no error.
    fn default() -> PrinterStatus {
        PrinterStatus {
            online: true,
            paper: Paper::Ok,
            cover_open: false,
            cutter_error: false,
            unrecoverable: false,
            recoverable: false,
        }
    }
}

/// Fixed bits of a real-time reply: `0xx1xx10`.
const REAL_TIME_BASE: u8 = 0x12;
/// Mask of the fixed bits of real-time replies and ASB first bytes (bits 0, 1, 4, 7).
const FIXED_MASK: u8 = 0x93;
/// Fixed bits of an Epson ASB first byte: `0xx1xx00`.
const ASB_FIRST_BASE: u8 = 0x10;

fn bit(byte: u8, n: u8) -> bool {
    byte & (1 << n) != 0
}

fn set(on: bool, mask: u8) -> u8 {
    if on { mask } else { 0 }
}

/// Paper from a field with near-end bits `near` and end bits `end`.
fn paper_from(byte: u8, near: u8, end: u8) -> Paper {
    if byte & end != 0 {
        Paper::Out
    } else if byte & near != 0 {
        Paper::NearEnd
    } else {
        Paper::Ok
    }
}

fn paper_bits(paper: Paper, near: u8, end: u8) -> u8 {
    match paper {
        Paper::Ok => 0,
        // A roll that is out is also near its end.
        Paper::NearEnd => near,
        Paper::Out => near | end,
    }
}

impl PrinterStatus {
    /// Whether the printer can print now.
    pub fn ready(&self) -> bool {
        self.online
            && self.paper != Paper::Out
            && !self.cover_open
            && !self.cutter_error
            && !self.unrecoverable
            && !self.recoverable
    }

    /// Folds one real-time reply in (the bits the reference gives for each `n`).
    pub fn apply_real_time(&mut self, request: StatusRequest, byte: u8) {
        match request {
            // n=1: bit 3 offline.
            StatusRequest::Printer => self.online = !bit(byte, 3),
            // n=2: bit 2 cover open, bit 5 stopped by paper end, bit 6 error.
            StatusRequest::Offline => {
                self.cover_open = bit(byte, 2);
                if bit(byte, 5) {
                    self.paper = Paper::Out;
                } else if self.paper == Paper::Out {
                    self.paper = Paper::Ok;
                }
            }
            // n=3: bit 3 cutter error, bit 5 unrecoverable, bit 6 auto-recoverable.
            StatusRequest::Error => {
                self.cutter_error = bit(byte, 3);
                self.unrecoverable = bit(byte, 5);
                self.recoverable = bit(byte, 6);
            }
            // n=4: bits 2+3 near end (0x0C), bits 5+6 paper end (0x60).
            StatusRequest::Paper => self.paper = paper_from(byte, 0x0C, 0x60),
        }
    }

    /// Folds one ASB block in.
    pub fn apply_asb(&mut self, block: [u8; 4]) {
        let [first, second, third, _] = block;
        // Byte 1: bit 3 offline, bit 5 cover open.
        self.online = !bit(first, 3);
        self.cover_open = bit(first, 5);
        // Byte 2: bit 3 cutter, bit 5 unrecoverable, bit 6 auto-recoverable.
        self.cutter_error = bit(second, 3);
        self.unrecoverable = bit(second, 5);
        self.recoverable = bit(second, 6);
        // Byte 3: bits 0+1 near end, bits 2+3 paper end.
        self.paper = paper_from(third, 0x03, 0x0C);
    }

    /// Folds a marker reply in (paper sensor: bits 0+1 near end, bits 2+3 end).
    pub fn apply_marker(&mut self, byte: u8) {
        self.paper = paper_from(byte, 0x03, 0x0C);
    }

    /// The printer's reply to `10 04 n` in this state.
    pub fn real_time_reply(&self, request: StatusRequest) -> u8 {
        REAL_TIME_BASE
            | match request {
                StatusRequest::Printer => set(!self.online, 0x08),
                StatusRequest::Offline => {
                    set(self.cover_open, 0x04)
                        | set(self.paper == Paper::Out, 0x20)
                        | set(
                            self.cutter_error || self.unrecoverable || self.recoverable,
                            0x40,
                        )
                }
                StatusRequest::Error => {
                    set(self.cutter_error, 0x08)
                        | set(self.unrecoverable, 0x20)
                        | set(self.recoverable, 0x40)
                }
                StatusRequest::Paper => paper_bits(self.paper, 0x0C, 0x60),
            }
    }

    /// The ASB block the printer pushes in this state (Epson framing).
    pub fn asb_block(&self) -> [u8; 4] {
        [
            ASB_FIRST_BASE | set(!self.online, 0x08) | set(self.cover_open, 0x20),
            set(self.cutter_error, 0x08)
                | set(self.unrecoverable, 0x20)
                | set(self.recoverable, 0x40),
            paper_bits(self.paper, 0x03, 0x0C),
            0x00,
        ]
    }

    /// The printer's reply to the `1D 72 01` marker in this state.
    pub fn marker_reply(&self) -> u8 {
        paper_bits(self.paper, 0x03, 0x0C)
    }
}

/// One thing the printer said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusEvent {
    /// The reply to an outstanding `10 04 n`.
    RealTime {
        /// What was asked.
        request: StatusRequest,
        /// The reply byte.
        byte: u8,
    },
    /// An automatic status back block.
    Asb([u8; 4]),
    /// The reply to a `1D 72 01` marker: everything sent before it was processed.
    Marker(u8),
}

/// Decodes incoming bytes against what was asked, folding everything into a [`PrinterStatus`].
#[derive(Debug, Clone, Default)]
pub struct StatusDecoder {
    pending: VecDeque<StatusRequest>,
    markers: usize,
    asb_on: bool,
    asb: [u8; 4],
    asb_len: usize,
    status: PrinterStatus,
    unknown: u64,
}

impl StatusDecoder {
    /// A decoder expecting nothing, with the printer assumed ready.
    pub fn new() -> StatusDecoder {
        StatusDecoder::default()
    }

    /// Records that `10 04 n` was sent.
    pub fn requested(&mut self, request: StatusRequest) {
        if self.pending.len() >= MAX_PENDING_REQUESTS {
            self.pending.pop_front();
        }
        self.pending.push_back(request);
    }

    /// Records that `1D 61 0F` was sent.
    pub fn asb_enabled(&mut self) {
        self.asb_on = true;
    }

    /// Records that a `1D 72 01` marker was sent.
    pub fn marker_sent(&mut self) {
        self.markers = self.markers.saturating_add(1);
    }

    /// Forgets outstanding real-time requests (they went unanswered); markers are kept, since
    /// a printer answers them once it resumes.
    pub fn forget_requests(&mut self) {
        self.pending.clear();
    }

    /// Forgets outstanding requests and markers and any half block (after reopening the link).
    pub fn reset_expectations(&mut self) {
        self.pending.clear();
        self.markers = 0;
        self.asb_on = false;
        self.asb_len = 0;
    }

    /// Real-time requests still unanswered.
    pub fn pending_requests(&self) -> usize {
        self.pending.len()
    }

    /// Markers still unanswered.
    pub fn pending_markers(&self) -> usize {
        self.markers
    }

    /// The status folded from everything decoded so far.
    pub fn status(&self) -> PrinterStatus {
        self.status
    }

    /// Bytes that fit nothing expected and were skipped.
    pub fn unknown_bytes(&self) -> u64 {
        self.unknown
    }

    /// Decodes `input`, returning what the printer said, in order.
    pub fn feed(&mut self, input: &[u8]) -> Vec<StatusEvent> {
        let mut events = Vec::new();
        for &byte in input {
            if let Some(event) = self.push(byte) {
                events.push(event);
            }
        }
        events
    }

    /// Decodes one byte.
    pub fn push(&mut self, byte: u8) -> Option<StatusEvent> {
        // A real-time reply may overtake anything, even a half-sent ASB block.
        if byte & FIXED_MASK == REAL_TIME_BASE {
            if let Some(request) = self.pending.pop_front() {
                self.status.apply_real_time(request, byte);
                return Some(StatusEvent::RealTime { request, byte });
            }
        }
        if self.asb_len > 0 {
            // Later ASB bytes are 0xx0xxxx.
            if byte & 0x90 == 0 {
                if let Some(slot) = self.asb.get_mut(self.asb_len) {
                    *slot = byte;
                }
                self.asb_len += 1;
                if self.asb_len == self.asb.len() {
                    self.asb_len = 0;
                    self.status.apply_asb(self.asb);
                    return Some(StatusEvent::Asb(self.asb));
                }
                return None;
            }
            // A broken block: drop it and read this byte afresh.
            self.unknown += self.asb_len as u64;
            self.asb_len = 0;
        }
        if byte & FIXED_MASK == ASB_FIRST_BASE {
            self.start_asb(byte);
            return None;
        }
        if self.markers > 0 && byte & 0xF0 == 0 {
            self.markers -= 1;
            self.status.apply_marker(byte);
            return Some(StatusEvent::Marker(byte));
        }
        if self.asb_on && byte & FIXED_MASK == 0 {
            // Clone framing of the first byte (0xx0xx00), only while no marker is awaited.
            self.start_asb(byte);
            return None;
        }
        self.unknown += 1;
        None
    }

    fn start_asb(&mut self, byte: u8) {
        self.asb = [byte, 0, 0, 0];
        self.asb_len = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StatusRequest::*;

    #[test]
    fn typical_paper_replies_from_the_reference() {
        let mut status = PrinterStatus::default();
        status.apply_real_time(Paper, 0x12);
        assert_eq!(status.paper, super::Paper::Ok);
        status.apply_real_time(Paper, 0x1E);
        assert_eq!(status.paper, super::Paper::NearEnd);
        status.apply_real_time(Paper, 0x7E);
        assert_eq!(status.paper, super::Paper::Out);
        // And the printer side produces the same bytes.
        let mut out = PrinterStatus {
            paper: super::Paper::Out,
            ..PrinterStatus::default()
        };
        assert_eq!(out.real_time_reply(Paper), 0x7E);
        out.paper = super::Paper::NearEnd;
        assert_eq!(out.real_time_reply(Paper), 0x1E);
        assert_eq!(PrinterStatus::default().real_time_reply(Paper), 0x12);
        assert_eq!(PrinterStatus::default().real_time_reply(Printer), 0x12);
    }

    #[test]
    fn real_time_bits_per_request() {
        let mut s = PrinterStatus::default();
        s.apply_real_time(Printer, 0x1A);
        assert!(!s.online);
        s.apply_real_time(Offline, 0x12 | 0x04 | 0x20);
        assert!(s.cover_open);
        assert_eq!(s.paper, super::Paper::Out);
        s.apply_real_time(Error, 0x12 | 0x08 | 0x40);
        assert!(s.cutter_error && s.recoverable && !s.unrecoverable);
    }

    fn every_status() -> Vec<PrinterStatus> {
        let mut all = Vec::new();
        for bits in 0u8..32 {
            for paper in [super::Paper::Ok, super::Paper::NearEnd, super::Paper::Out] {
                all.push(PrinterStatus {
                    online: bit(bits, 0),
                    paper,
                    cover_open: bit(bits, 1),
                    cutter_error: bit(bits, 2),
                    unrecoverable: bit(bits, 3),
                    recoverable: bit(bits, 4),
                });
            }
        }
        all
    }

    #[test]
    fn printer_side_encoding_round_trips() {
        for status in every_status() {
            let mut asb = PrinterStatus::default();
            asb.apply_asb(status.asb_block());
            assert_eq!(asb, status);
            let mut polled = PrinterStatus::default();
            for request in [Printer, Error, Paper, Offline] {
                let reply = status.real_time_reply(request);
                assert_eq!(reply & FIXED_MASK, REAL_TIME_BASE, "{reply:02X}");
                polled.apply_real_time(request, reply);
            }
            assert_eq!(polled, status);
        }
    }

    #[test]
    fn decoder_sorts_interleaved_replies() {
        let mut decoder = StatusDecoder::new();
        decoder.asb_enabled();
        decoder.requested(Paper);
        decoder.marker_sent();
        let out = PrinterStatus {
            online: false,
            paper: super::Paper::Out,
            ..PrinterStatus::default()
        };
        let mut input = vec![0x12]; // reply to n=4: paper fine
        input.extend_from_slice(&out.asb_block());
        input.push(0x00); // the marker
        input.push(0xFF); // noise
        let events = decoder.feed(&input);
        assert_eq!(
            events,
            [
                StatusEvent::RealTime {
                    request: Paper,
                    byte: 0x12
                },
                StatusEvent::Asb(out.asb_block()),
                StatusEvent::Marker(0x00),
            ]
        );
        assert_eq!(decoder.status().paper, super::Paper::Ok);
        assert!(!decoder.status().online);
        assert_eq!(decoder.unknown_bytes(), 1);
        assert_eq!(decoder.pending_markers(), 0);
    }

    #[test]
    fn real_time_reply_inside_an_asb_block_and_clone_framing() {
        let mut decoder = StatusDecoder::new();
        decoder.asb_enabled();
        decoder.requested(Printer);
        let events = decoder.feed(&[0x18, 0x00, 0x12, 0x0C, 0x00]);
        assert_eq!(
            events,
            [
                StatusEvent::RealTime {
                    request: Printer,
                    byte: 0x12
                },
                StatusEvent::Asb([0x18, 0x00, 0x0C, 0x00]),
            ]
        );
        // Clone framing: first byte 0xx0xx00.
        assert_eq!(
            decoder.feed(&[0x28, 0x00, 0x00, 0x00]),
            [StatusEvent::Asb([0x28, 0x00, 0x00, 0x00])]
        );
        assert!(decoder.status().cover_open);
    }

    #[test]
    fn unsolicited_and_broken_bytes_are_counted() {
        let mut decoder = StatusDecoder::new();
        // A real-time reply nobody asked for, an ASB block cut short by 0xFF.
        assert!(decoder.feed(&[0x12, 0x10, 0x00, 0xFF]).is_empty());
        assert_eq!(decoder.unknown_bytes(), 4);
        assert_eq!(decoder.status(), PrinterStatus::default());
    }
}
