//! The ticket printer by endpoint: opened on first use and reopened after the link fails, so
//! a printer that disappears (USB unplugged, power cycled, network down) and returns is used
//! again without the caller's help.

use super::printer::{JobOutcome, PrintError, Printer, Timing};
use super::transport::{BoxStream, Endpoint};
use crate::status::PrinterStatus;
use tracing::info;

/// A ticket printer at an endpoint.
pub struct TicketPrinter {
    endpoint: Endpoint,
    timing: Timing,
    link: Option<Printer<BoxStream>>,
}

impl std::fmt::Debug for TicketPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketPrinter")
            .field("endpoint", &self.endpoint)
            .field("timing", &self.timing)
            .field("open", &self.link.is_some())
            .finish()
    }
}

impl TicketPrinter {
    /// A printer at `endpoint`, paced to its baud rate if it is a serial line; not opened yet.
    pub fn new(endpoint: Endpoint) -> TicketPrinter {
        let timing = Timing::new(endpoint.baud());
        TicketPrinter::with_timing(endpoint, timing)
    }

    /// A printer with explicit timing.
    pub fn with_timing(endpoint: Endpoint, timing: Timing) -> TicketPrinter {
        TicketPrinter {
            endpoint,
            timing,
            link: None,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Prints one job (see [`Printer::print_job`]); a link failure closes the link, and the
    /// next call reopens it.
    pub async fn print_job(&mut self, job: &[u8]) -> Result<JobOutcome, PrintError> {
        let result = self.printer().await?.print_job(job).await;
        self.keep_if_alive(result)
    }

    /// Queries the status (`10 04 1..4`).
    pub async fn status(&mut self) -> Result<PrinterStatus, PrintError> {
        let result = self.printer().await?.status().await;
        self.keep_if_alive(result)
    }

    async fn printer(&mut self) -> Result<&mut Printer<BoxStream>, PrintError> {
        if self.link.is_none() {
            let stream = self.endpoint.open().await?;
            info!(endpoint = %self.endpoint, "printer opened");
            self.link = Some(Printer::new(stream, self.timing));
        }
        self.link.as_mut().ok_or(PrintError::NotFinished)
    }

    fn keep_if_alive<T>(&mut self, result: Result<T, PrintError>) -> Result<T, PrintError> {
        if matches!(result, Err(PrintError::Link(_))) {
            self.link = None;
        }
        result
    }
}
