//! The async shell: one CUPS queue, spoken to over IPP (plain HTTP to the local cupsd).

use crate::error::{ConfigError, CupsError};
use crate::outcome::{Follow, JobOutcome, Step};
use crate::state::{
    JobId, JobStatus, PrinterStatus, job_id_from, job_status_from, printer_status_from,
};
use ipp::prelude::{AsyncIppClient, IppOperationBuilder, IppPayload, IppRequestResponse, Uri};
use std::io::Cursor;
use std::time::Duration;
use tokio::time::{Instant, sleep_until};

/// The document formats the kiosk sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentFormat {
    /// `application/pdf`: filtered by CUPS on a driver queue, passed through on a raw queue.
    Pdf,
    /// `application/octet-stream`: raw bytes, passed to the device unchanged.
    OctetStream,
}

impl DocumentFormat {
    /// The MIME type sent as `document-format`.
    pub fn mime_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::OctetStream => "application/octet-stream",
        }
    }
}

/// Defaults for [`Printer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterConfig {
    /// `requesting-user-name`; CUPS lets this user cancel its own jobs.
    pub user: String,
    /// How often [`Printer::follow`] asks CUPS for the job's state.
    pub poll_interval: Duration,
    /// Limit for one IPP request (connect, send, answer). A 40 KB certificate to a local cupsd
    /// takes milliseconds; this only catches a hung daemon.
    pub request_timeout: Duration,
}

impl Default for PrinterConfig {
    fn default() -> PrinterConfig {
        PrinterConfig {
            user: "kiosk".to_owned(),
            poll_interval: Duration::from_millis(500),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// One CUPS queue.
pub struct Printer {
    uri: Uri,
    client: AsyncIppClient,
    config: PrinterConfig,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("uri", &self.uri)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Printer {
    /// A queue by its IPP URI, such as `ipp://127.0.0.1:631/printers/kiosk-a4`.
    pub fn new(uri: &str, config: PrinterConfig) -> Result<Printer, ConfigError> {
        let bad = || ConfigError::BadUri {
            uri: uri.to_owned(),
        };
        let parsed: Uri = uri.parse().map_err(|_| bad())?;
        if !matches!(parsed.scheme_str(), Some("ipp" | "http")) || parsed.host().is_none() {
            return Err(bad());
        }
        let client = AsyncIppClient::builder(parsed.clone())
            .request_timeout(config.request_timeout)
            .build();
        Ok(Printer {
            uri: parsed,
            client,
            config,
        })
    }

    /// A queue by server (`host:port`) and queue name.
    pub fn on_server(
        server: &str,
        queue: &str,
        config: PrinterConfig,
    ) -> Result<Printer, ConfigError> {
        Printer::new(&format!("ipp://{server}/printers/{queue}"), config)
    }

    /// The queue's URI.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    async fn send(
        &self,
        operation: &'static str,
        request: IppRequestResponse,
    ) -> Result<IppRequestResponse, CupsError> {
        let response = self
            .client
            .send(request)
            .await
            .map_err(|source| CupsError::Link { operation, source })?;
        let status = response.header().status_code();
        if !status.is_success() {
            let message = response
                .attributes()
                .groups()
                .iter()
                .find_map(|g| g.get("status-message"))
                .map(|a| a.value().to_string());
            return Err(CupsError::Refused {
                operation,
                status,
                message,
            });
        }
        Ok(response)
    }

    /// Submits a document (Print-Job) and returns the job number. Accepted is not printed:
    /// follow the job with [`Printer::follow`].
    pub async fn submit(
        &self,
        document: Vec<u8>,
        format: DocumentFormat,
        job_name: &str,
    ) -> Result<JobId, CupsError> {
        const OP: &str = "Print-Job";
        let len = document.len();
        let request = IppOperationBuilder::print_job(
            self.uri.clone(),
            IppPayload::new(Cursor::new(document)),
        )
        .user_name(&self.config.user)
        .job_title(job_name)
        .document_format(format.mime_type())
        .build()
        .map_err(|source| CupsError::Request {
            operation: OP,
            source,
        })?;
        let response = self.send(OP, request.into()).await?;
        let job = job_id_from(response.attributes()).map_err(|source| CupsError::Response {
            operation: OP,
            source,
        })?;
        tracing::info!(printer = %self.uri, %job, bytes = len, "job submitted");
        Ok(job)
    }

    /// The job's state now (Get-Job-Attributes).
    pub async fn job_status(&self, job: JobId) -> Result<JobStatus, CupsError> {
        const OP: &str = "Get-Job-Attributes";
        let request = IppOperationBuilder::get_job_attributes(self.uri.clone(), job.0)
            .user_name(&self.config.user)
            .build()
            .map_err(|source| CupsError::Request {
                operation: OP,
                source,
            })?;
        let response = self.send(OP, request.into()).await?;
        job_status_from(response.attributes()).map_err(|source| CupsError::Response {
            operation: OP,
            source,
        })
    }

    /// The queue's state now (Get-Printer-Attributes): idle, processing or stopped, and why.
    pub async fn printer_status(&self) -> Result<PrinterStatus, CupsError> {
        const OP: &str = "Get-Printer-Attributes";
        let request = IppOperationBuilder::get_printer_attributes(self.uri.clone())
            .attributes([
                "printer-state",
                "printer-state-reasons",
                "printer-state-message",
                "printer-is-accepting-jobs",
            ])
            .build()
            .map_err(|source| CupsError::Request {
                operation: OP,
                source,
            })?;
        let response = self.send(OP, request.into()).await?;
        printer_status_from(response.attributes()).map_err(|source| CupsError::Response {
            operation: OP,
            source,
        })
    }

    /// Follows a job until CUPS says it completed, it fails, or `timeout` expires. Polls
    /// Get-Job-Attributes and Get-Printer-Attributes every `poll_interval`. Success is only ever
    /// [`JobOutcome::Completed`], reported when CUPS says `job-state` 9.
    pub async fn follow(&self, job: JobId, timeout: Duration) -> Result<JobOutcome, CupsError> {
        let follow = Follow::new(
            Instant::now().into_std(),
            timeout,
            self.config.poll_interval,
        );
        loop {
            let job_status = self.job_status(job).await?;
            let printer = self.printer_status().await?;
            tracing::debug!(%job, state = ?job_status.state, reasons = ?job_status.reasons,
                printer_state = ?printer.state, printer_reasons = ?printer.reasons, "job polled");
            match follow.observe(Instant::now().into_std(), &job_status, &printer) {
                Step::Done(outcome) => {
                    tracing::info!(%job, ?outcome, "job followed to its end");
                    return Ok(outcome);
                }
                Step::PollAt(at) => sleep_until(Instant::from_std(at)).await,
            }
        }
    }

    /// Cancels a job (Cancel-Job). CUPS refuses with `client-error-not-possible` if the job has
    /// already completed, been canceled or aborted.
    pub async fn cancel(&self, job: JobId) -> Result<(), CupsError> {
        const OP: &str = "Cancel-Job";
        let request = IppOperationBuilder::cancel_job(self.uri.clone(), job.0)
            .user_name(&self.config.user)
            .build()
            .map_err(|source| CupsError::Request {
                operation: OP,
                source,
            })?;
        self.send(OP, request.into()).await?;
        tracing::info!(printer = %self.uri, %job, "job canceled");
        Ok(())
    }
}
