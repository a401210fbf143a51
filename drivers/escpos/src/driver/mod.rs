//! The async shell: a ticket printer over any `AsyncRead + AsyncWrite` (a serial port, a USB
//! printer device, a TCP socket, a pseudo-terminal, an in-memory pipe).
//!
//! Layers, bottom up: [`transport`] opens a serial port, `/dev/usb/lp*` or `tcp://HOST:PORT`;
//! [`printer`] runs one job over an open link (status back on, paced sending, the
//! processed-up-to-here marker, faults from status back and polling); [`service`] owns the
//! endpoint and reopens a printer that went away.

pub mod printer;
pub mod service;
pub mod transport;

pub use printer::{Fault, JobOutcome, PrintError, Printer, Timing, wire_time};
pub use service::TicketPrinter;
pub use transport::{BoxStream, Endpoint};
