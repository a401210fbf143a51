//! A simulated ESC/POS ticket printer.
//!
//! - [`engine`]: the pure printer model: received bytes in, replies and cut tickets out, with
//!   faults (paper near end or out, cover open, offline, a slow receiver).
//! - [`render`]: cut tickets as a 1-bit PNG and a JSON sidecar with their text and QR payloads.
//! - [`script`]: the script commands, from standard input or from Rust.
//! - the async shell ([`spawn`], [`PrinterSim`]): pseudo-terminal or TCP, wire pacing.
//!
//! Bytes are parsed and status bytes made only by the `escpos` crate's core, the same code the
//! kiosk's driver uses; facts are from `shared/reference/printing.md`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kiosk_sim::printer::{self, PrinterSimConfig, Script};
//! let sim = printer::spawn(PrinterSimConfig::default()).await?;
//! let path = sim.device(); // open it like a serial port
//! sim.run(Script::PaperOut(Some(3))).await?;
//! let tickets = sim.tickets();
//! sim.shutdown().await;
//! # let _ = (path, tickets); Ok(()) }
//! ```

pub mod engine;
pub mod render;
pub mod script;
mod server;

pub use engine::{Counters, Engine, PrintedTicket};
pub use script::{Script, ScriptError};
pub use server::{
    DEFAULT_BAUD, DEFAULT_RX_BUFFER, PrinterSim, PrinterSimConfig, TicketRecord, Transport, spawn,
};
