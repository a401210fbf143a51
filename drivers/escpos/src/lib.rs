//! ESC/POS ticket printers: a pure protocol core and an async driver.
//!
//! The core is sans-IO: [`command`] encodes typed commands into the exact bytes of
//! `shared/reference/printing.md` (table "ESC/POS (hex)"), [`text`] says whether a string can be
//! printed in the printer's Chinese mode (or must go out as raster). It never reads the clock,
//! sleeps or owns a port, and never panics on device bytes. [`status`] decodes what the printer
//! sends back into a [`PrinterStatus`]; [`interpret`] is the printer's side (a byte stream into
//! tickets, for the simulator).
//!
//! The [`driver`] module is the thin async shell: a serial port, `/dev/usb/lp*` or TCP, paced
//! jobs confirmed by the processed-up-to-here marker, faults from status back and polling.

//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use escpos::driver::{Endpoint, Fault, PrintError, TicketPrinter};
//! use escpos::{Command, Cut, Job, QrErrorCorrection, TextCapability, text};
//!
//! let name = "张堃";
//! let mut job = Job::new(TextCapability::Gbk);
//! if text::is_printable(name, TextCapability::Gbk) {
//!     job.text(name)?.push(&Command::LineFeed);
//! } // else: render the name into a RasterImage and push Command::Raster
//! job.push(&Command::qr(b"https://example.cn/q/A012", 6, QrErrorCorrection::Medium)?)
//!     .push(&Command::Cut(Cut::FeedPartial(3)));
//! let mut printer = TicketPrinter::new(Endpoint::parse("/dev/ttyS0", 57_600));
//! match printer.print_job(job.bytes()).await {
//!     Ok(outcome) => println!("printed in {:?}", outcome.elapsed),
//!     // Ask for a new roll, then reprint the whole ticket.
//!     Err(PrintError::Printer(Fault::PaperOut)) => {}
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(()) }
//! ```

#![warn(clippy::indexing_slicing)]

pub mod command;
pub mod driver;
pub mod interpret;
pub mod status;
pub mod text;

pub use command::{
    CharSize, Command, Cut, EncodeError, Job, Justify, PaperWidth, QrErrorCorrection, RasterImage,
    StatusRequest,
};
pub use interpret::{Element, Event, Interpreter, RealTimeScanner, Step, TextRun, Ticket};
pub use status::{Paper, PrinterStatus, StatusDecoder, StatusEvent};
pub use text::{TextCapability, Unprintable};
