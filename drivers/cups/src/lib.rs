//! A4 printing through CUPS over IPP: submit a document to a queue, follow the job until CUPS says
//! it completed, and report typed failures (canceled, aborted, stopped, queue stopped, paper out,
//! jam, door open) with CUPS's reasons.
//!
//! The core ([`state`], [`outcome`]) is pure: it decodes IPP attributes into value types and
//! judges them; [`outcome::Follow`] decides when to poll again and when to give up from the time
//! it is given, never reading the clock. [`Printer`] is the thin async shell: it talks IPP over
//! plain HTTP to a (local) cupsd with the `ipp` crate, without TLS.
//!
//! What it is not: no PPD or queue management (that is `lpadmin`'s job), no PDF rendering, no
//! retry of failed jobs. A job that is still in the queue when [`Printer::follow`] returns
//! (time-out, stopped queue, paper out) stays there: cancel it or follow it again.
//!
//! Facts from `shared/reference/printing.md`, "A4 certificates"; IPP numbers from RFC 8011.

pub mod error;
pub mod outcome;
pub mod printer;
pub mod state;

pub use error::{ConfigError, CupsError};
pub use outcome::{JobFailure, JobOutcome};
pub use printer::{DocumentFormat, Printer, PrinterConfig};
pub use state::{
    Condition, JobId, JobState, JobStatus, PrinterState, PrinterStatus, Reason, Severity,
};
