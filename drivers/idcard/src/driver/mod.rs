//! The async shell: a reader over any `AsyncRead + AsyncWrite` (a serial port by default), and the
//! polling reader service.
//!
//! Layers, bottom up: [`transport`] opens a serial port or a TCP socket; [`link`] carries one
//! request and its reply with a time-out sized for the wire; [`reader`] types the commands and
//! separates the reader's refusals from link failures, retrying damaged exchanges with a cap;
//! [`service`] polls, reads each placement once, recovers from unplugging and reports events.

pub mod link;
pub mod reader;
pub mod service;
pub mod transport;

pub use link::{LinkError, Timing, wire_time};
pub use reader::{Reader, ReaderError, SamId};
pub use service::{DeviceStatus, ReaderEvent, ReaderService, ServiceConfig, StatusSnapshot};
pub use transport::{DEFAULT_BAUD, Endpoint};

#[cfg(test)]
mod service_tests;
