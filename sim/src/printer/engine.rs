//! The pure ticket-printer model: bytes in, replies and cut tickets out, with faults.
//!
//! Facts from `shared/reference/printing.md`: real-time requests (`10 04 n`) are answered on
//! receipt, even offline and even when they occur inside raster data by chance; everything else
//! goes through a receive buffer that is only processed while the printer is online; paper out,
//! an open cover or a forced offline stop processing and keep the unprocessed data; the
//! `1D 72 01` marker is answered when processing reaches it; with `1D 61 n` on, every status
//! change pushes a 4-byte ASB block. Parsing is the `escpos` crate's own [`Interpreter`] and the
//! status bytes its [`PrinterStatus`] encoding, so the simulator and the driver share one
//! description of the wire.
//!
//! The model owns no clock: the shell decides how many buffered bytes may be processed now
//! (the slow-receiver fault) and how fast bytes arrive (the baud rate).

use escpos::interpret::{Event, Interpreter, LINE_DOTS, MAX_HEAD, Ticket};
use escpos::{Cut, Paper, PrinterStatus, RealTimeScanner};
use std::collections::VecDeque;

/// Smallest receive buffer accepted: a command head must fit in it.
pub const MIN_RX_BUFFER: usize = 2 * MAX_HEAD;

/// A ticket as it came out of the printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedTicket {
    /// 1-based order of the cut.
    pub index: u64,
    /// How it was cut.
    pub cut: Cut,
    /// What was on it.
    pub ticket: Ticket,
    /// Its start was printed on a roll that ran out (this is the tail of a half ticket).
    pub continued_after_paper_out: bool,
}

/// The counters the `status` command reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// Bytes received.
    pub received: u64,
    /// Bytes processed.
    pub processed: u64,
    /// Tickets cut.
    pub tickets: u64,
    /// Half tickets lost when the paper ran out under them.
    pub spoiled: u64,
    /// Real-time requests answered.
    pub real_time: u64,
    /// Markers answered.
    pub markers: u64,
    /// Bytes skipped as unknown commands.
    pub unknown: u64,
}

/// The printer model.
#[derive(Debug)]
pub struct Engine {
    interpreter: Interpreter,
    scanner: RealTimeScanner,
    rx: VecDeque<u8>,
    rx_capacity: usize,
    status: PrinterStatus,
    forced_offline: bool,
    asb_mask: u8,
    /// Paper runs out once the interpreter has fed this many dots.
    paper_end_at: Option<u64>,
    continued: bool,
    outbox: Vec<u8>,
    tickets: Vec<PrintedTicket>,
    counters: Counters,
}

impl Engine {
    /// A printer at power-on, in Chinese mode, with a receive buffer of `rx_capacity` bytes (at
    /// least [`MIN_RX_BUFFER`]).
    pub fn new(rx_capacity: usize) -> Engine {
        Engine {
            interpreter: Interpreter::new(true),
            scanner: RealTimeScanner::default(),
            rx: VecDeque::new(),
            rx_capacity: rx_capacity.max(MIN_RX_BUFFER),
            status: PrinterStatus::default(),
            forced_offline: false,
            asb_mask: 0,
            paper_end_at: None,
            continued: false,
            outbox: Vec::new(),
            tickets: Vec::new(),
            counters: Counters::default(),
        }
    }

    /// Free room in the receive buffer.
    pub fn room(&self) -> usize {
        self.rx_capacity.saturating_sub(self.rx.len())
    }

    /// Bytes waiting in the receive buffer.
    pub fn buffered(&self) -> usize {
        self.rx.len()
    }

    /// The status now.
    pub fn status(&self) -> PrinterStatus {
        self.status
    }

    /// The counters now.
    pub fn counters(&self) -> Counters {
        Counters {
            unknown: self.interpreter.unknown_bytes(),
            ..self.counters
        }
    }

    /// Takes received bytes: real-time requests are answered at once (into the outbox), the
    /// rest is buffered. The caller gives at most [`Engine::room`] bytes; extra bytes are lost,
    /// as on an overrun printer.
    pub fn receive(&mut self, bytes: &[u8]) {
        self.counters.received += bytes.len() as u64;
        for request in self.scanner.scan(bytes) {
            self.counters.real_time += 1;
            self.outbox.push(self.status.real_time_reply(request));
        }
        let room = self.room().min(bytes.len());
        self.rx.extend(bytes.iter().take(room));
    }

    /// Processes at most `budget` buffered bytes while online; returns the bytes processed.
    pub fn process(&mut self, budget: usize) -> usize {
        let mut done = 0;
        while done < budget && self.status.online && !self.rx.is_empty() {
            let window = self.rx.make_contiguous();
            let end = window.len().min((budget - done).max(MAX_HEAD));
            let Some(input) = window.get(..end) else {
                break;
            };
            let step = self.interpreter.feed(input);
            // A head may need more bytes than the budget allows, never more than are there.
            if step.consumed == 0 && step.event.is_none() {
                break;
            }
            self.rx.drain(..step.consumed.min(self.rx.len()));
            done += step.consumed;
            if let Some(event) = step.event {
                self.handle(event);
            }
            self.check_paper();
        }
        self.counters.processed += done as u64;
        done
    }

    fn handle(&mut self, event: Event) {
        match event {
            // Already answered on receipt by the real-time scanner.
            Event::StatusRequest(_) => {}
            Event::AsbEnable(mask) => {
                self.asb_mask = mask;
                if mask != 0 {
                    // Epson printers send one block at once when ASB is turned on.
                    self.outbox.extend_from_slice(&self.status.asb_block());
                }
            }
            Event::Marker(_) => {
                self.counters.markers += 1;
                self.outbox.push(self.status.marker_reply());
            }
            Event::Cut { cut, ticket } => {
                self.counters.tickets += 1;
                self.tickets.push(PrintedTicket {
                    index: self.counters.tickets,
                    cut,
                    ticket,
                    continued_after_paper_out: std::mem::take(&mut self.continued),
                });
            }
        }
    }

    fn check_paper(&mut self) {
        if let Some(end) = self.paper_end_at {
            if self.interpreter.feed_dots() >= end {
                self.paper_end_at = None;
                self.run_out();
            }
        }
    }

    /// The roll ends now: what was printed of the current ticket is lost with it.
    fn run_out(&mut self) {
        let current = self.interpreter.current_ticket();
        if !current.elements.is_empty() || self.interpreter.is_mid_command() {
            self.counters.spoiled += 1;
            self.continued = true;
        }
        self.interpreter.discard_ticket();
        self.change(|s| s.paper = Paper::Out);
    }

    /// `near-end`: the roll runs low (printing continues).
    pub fn near_end(&mut self) {
        self.change(|s| s.paper = Paper::NearEnd);
    }

    /// `paper-out [AFTER_LINES]`: the roll ends now, or after that many more lines of feed.
    pub fn paper_out(&mut self, after_lines: Option<u32>) {
        match after_lines {
            Some(lines) if lines > 0 => {
                self.paper_end_at =
                    Some(self.interpreter.feed_dots() + u64::from(lines) * LINE_DOTS);
            }
            _ => {
                self.paper_end_at = None;
                self.run_out();
            }
        }
    }

    /// `paper-replaced`: a new roll; printing resumes with the buffered data.
    pub fn paper_replaced(&mut self) {
        self.paper_end_at = None;
        self.change(|s| s.paper = Paper::Ok);
    }

    /// `cover-open` / `cover-closed`.
    pub fn set_cover_open(&mut self, open: bool) {
        self.change(|s| s.cover_open = open);
    }

    /// `offline` / `online`: forced by the operator.
    pub fn set_forced_offline(&mut self, offline: bool) {
        self.forced_offline = offline;
        self.change(|_| {});
    }

    /// Applies a change, recomputes online, and pushes an ASB block if anything changed.
    fn change(&mut self, f: impl FnOnce(&mut PrinterStatus)) {
        let before = self.status;
        f(&mut self.status);
        self.status.online =
            !self.forced_offline && !self.status.cover_open && self.status.paper != Paper::Out;
        if self.status != before && self.asb_mask != 0 {
            self.outbox.extend_from_slice(&self.status.asb_block());
        }
    }

    /// Takes the bytes to send to the host.
    pub fn take_outbox(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.outbox)
    }

    /// Takes the tickets cut since the last call.
    pub fn take_tickets(&mut self) -> Vec<PrintedTicket> {
        std::mem::take(&mut self.tickets)
    }

    /// The `STATUS` line: `STATUS online=.. paper=ok|near-end|out cover=open|closed
    /// buffered=N tickets=N spoiled=N`.
    pub fn status_line(&self) -> String {
        let paper = match self.status.paper {
            Paper::Ok => "ok",
            Paper::NearEnd => "near-end",
            Paper::Out => "out",
        };
        format!(
            "STATUS online={} paper={paper} cover={} buffered={} tickets={} spoiled={}",
            self.status.online,
            if self.status.cover_open {
                "open"
            } else {
                "closed"
            },
            self.rx.len(),
            self.counters.tickets,
            self.counters.spoiled,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use escpos::{Command, Job, StatusRequest, TextCapability};

    fn ticket_bytes(lines: usize) -> Vec<u8> {
        let mut job = Job::new(TextCapability::Gb18030Full);
        for i in 0..lines {
            job.text(&format!("第{i}行\n")).unwrap();
        }
        job.push(&Command::Cut(Cut::Partial)).push(&Command::Marker);
        job.into_bytes()
    }

    #[test]
    fn prints_and_answers_the_marker() {
        let mut engine = Engine::new(4096);
        let mut bytes = Command::AsbEnable.to_bytes();
        bytes.extend(ticket_bytes(3));
        engine.receive(&bytes);
        engine.process(usize::MAX);
        // One ASB block when enabled, then the marker reply (paper fine).
        assert_eq!(engine.take_outbox(), [0x10, 0x00, 0x00, 0x00, 0x00]);
        let tickets = engine.take_tickets();
        assert_eq!(tickets.len(), 1);
        assert_eq!(tickets[0].ticket.text(), "第0行\n第1行\n第2行\n");
        assert!(!tickets[0].continued_after_paper_out);
    }

    #[test]
    fn paper_out_mid_ticket_stops_keeps_data_and_answers_only_real_time() {
        let mut engine = Engine::new(4096);
        engine.receive(&Command::AsbEnable.to_bytes());
        engine.process(usize::MAX);
        engine.take_outbox();
        engine.paper_out(Some(2));
        engine.receive(&ticket_bytes(5));
        engine.process(usize::MAX);
        assert!(!engine.status().online);
        assert!(engine.buffered() > 0);
        let asb = engine.take_outbox();
        assert_eq!(
            asb,
            PrinterStatus {
                online: false,
                paper: Paper::Out,
                ..PrinterStatus::default()
            }
            .asb_block()
        );
        assert!(engine.take_tickets().is_empty());
        // Offline: real-time requests answered, nothing else.
        engine.receive(&StatusRequest::Paper.bytes());
        engine.process(usize::MAX);
        assert_eq!(engine.take_outbox(), [0x7E]);
        // A new roll: the rest of the half ticket prints, flagged, and the marker is answered.
        engine.paper_replaced();
        engine.process(usize::MAX);
        let tickets = engine.take_tickets();
        assert_eq!(tickets.len(), 1);
        assert!(tickets[0].continued_after_paper_out);
        assert_eq!(tickets[0].ticket.text(), "第2行\n第3行\n第4行\n");
        assert_eq!(engine.take_outbox().last(), Some(&0x00));
        assert_eq!(engine.counters().spoiled, 1);
    }

    #[test]
    fn cover_and_forced_offline_push_asb_and_block_markers() {
        let mut engine = Engine::new(64);
        engine.receive(&Command::AsbEnable.to_bytes());
        engine.process(usize::MAX);
        engine.take_outbox();
        engine.set_cover_open(true);
        assert_eq!(engine.take_outbox()[0] & 0x28, 0x28);
        engine.receive(&Command::Marker.to_bytes());
        engine.process(usize::MAX);
        assert!(engine.take_outbox().is_empty());
        engine.set_cover_open(false);
        engine.set_forced_offline(true);
        engine.set_forced_offline(false);
        engine.process(usize::MAX);
        let out = engine.take_outbox();
        // Closed (still... online), offline, online, then the marker.
        assert_eq!(out.len(), 4 * 3 + 1);
        assert_eq!(engine.room(), 64);
    }

    #[test]
    fn budget_limits_processing() {
        let mut engine = Engine::new(4096);
        let bytes = ticket_bytes(10);
        engine.receive(&bytes);
        assert!(engine.process(10) < 10 + MAX_HEAD);
        engine.process(usize::MAX);
        assert_eq!(engine.take_tickets().len(), 1);
        assert_eq!(engine.counters().processed, bytes.len() as u64);
    }
}
