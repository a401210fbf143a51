//! The two printers as the driver uses them: tickets (queue tickets, check-in slips, material
//! checklists) through [`crate::printing`] to the ESC/POS driver, and the A4 certificate through
//! `documents` to CUPS or to a PDF folder.

use crate::printing::{Mode, PrinterProfile, encode_ticket};
use central_api::dto::{Certificate, Requester};
use documents::certificate::{CertificateDoc, KioskContext, Wording, render_pdf};
use escpos::driver::{Endpoint, Fault as EscFault, PrintError, TicketPrinter};
use flows::{PrintFault, PrintJob};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long CUPS may take to complete a certificate.
const CUPS_TIMEOUT: Duration = Duration::from_secs(180);

/// Where certificates go.
#[derive(Debug)]
pub enum A4Target {
    /// A CUPS queue.
    Cups(Box<cups::Printer>),
    /// PDF files in a folder (demo, or a kiosk without an A4 printer).
    PdfDir(PathBuf),
}

/// What printing needs besides the job: fonts, the printer profile, the hall.
#[derive(Debug)]
pub struct PrintSetup {
    /// The hall's name on tickets.
    pub hall: String,
    /// The kiosk's id on certificates.
    pub kiosk_id: String,
    /// Raster or text.
    pub mode: Mode,
    /// The ticket printer's profile.
    pub profile: PrinterProfile,
    /// Ticket fonts; `None` when they could not be loaded (tickets then fail).
    pub ticket_fonts: Option<tickets::Fonts>,
    /// Certificate fonts; `None` when they could not be loaded.
    pub pdf_fonts: Option<documents::fonts::Fonts>,
}

/// A print that completed, with the time spent on the wire and in the printer (for benches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The job's id on its printer (`ticket-N`, the CUPS job, or the PDF file name).
    pub job: String,
    /// Time from the first byte sent to the printer's confirmation (wire and print time).
    pub device_time: Duration,
}

/// Why a print failed, for the flows and the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// The flows' classification.
    pub fault: PrintFault,
    /// English detail for the log and the journal.
    pub detail: String,
}

/// The printers.
#[derive(Debug)]
pub struct Printers {
    /// The ticket printer (one job at a time).
    pub ticket: Mutex<TicketPrinter>,
    /// The A4 target.
    pub a4: A4Target,
    /// Fonts and profile.
    pub setup: PrintSetup,
    jobs: std::sync::atomic::AtomicU64,
}

impl Printers {
    /// Printers on these endpoints.
    pub fn new(ticket: Endpoint, a4: A4Target, setup: PrintSetup) -> Arc<Printers> {
        Arc::new(Printers {
            ticket: Mutex::new(TicketPrinter::new(ticket)),
            a4,
            setup,
            jobs: std::sync::atomic::AtomicU64::new(0),
        })
    }

    fn next_job(&self) -> u64 {
        self.jobs
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .saturating_add(1)
    }

    /// Prints one job; `masked_name` goes on a check-in slip.
    pub async fn print(
        self: &Arc<Self>,
        job: PrintJob,
        masked_name: String,
        wall: time::OffsetDateTime,
    ) -> Result<Printed, Failed> {
        match printout(job, &self.setup.hall, masked_name, wall) {
            Printout::Certificate(cert) => self.certificate(*cert, wall).await,
            Printout::Ticket(ticket) => self.print_ticket(ticket).await,
        }
    }

    /// Lays out, encodes and prints a ticket; the printer confirms it or the job fails.
    pub async fn print_ticket(
        self: &Arc<Self>,
        ticket: tickets::Ticket,
    ) -> Result<Printed, Failed> {
        let this = Arc::clone(self);
        let bytes = tokio::task::spawn_blocking(move || {
            let fonts = this.setup.ticket_fonts.as_ref().ok_or(Failed {
                fault: PrintFault::Hardware,
                detail: "ticket fonts not loaded".to_owned(),
            })?;
            encode_ticket(
                &ticket.layout(),
                this.setup.mode,
                &this.setup.profile,
                fonts,
            )
            .map_err(|e| Failed {
                fault: PrintFault::Aborted,
                detail: format!("ticket encoding: {e}"),
            })
        })
        .await
        .map_err(|e| Failed {
            fault: PrintFault::Aborted,
            detail: format!("ticket encoding task: {e}"),
        })??;
        let mut printer = self.ticket.lock().await;
        match printer.print_job(&bytes).await {
            Ok(outcome) => Ok(Printed {
                job: format!("ticket-{}", self.next_job()),
                device_time: outcome.elapsed,
            }),
            Err(e) => Err(Failed {
                fault: ticket_fault(&e),
                detail: e.to_string(),
            }),
        }
    }

    async fn certificate(
        self: &Arc<Self>,
        cert: central_api::dto::Certificate,
        wall: time::OffsetDateTime,
    ) -> Result<Printed, Failed> {
        let this = Arc::clone(self);
        let query_number = cert.query_number.as_str().to_owned();
        let pdf = tokio::task::spawn_blocking(move || {
            let fonts = this.setup.pdf_fonts.as_ref().ok_or(Failed {
                fault: PrintFault::Hardware,
                detail: "certificate fonts not loaded".to_owned(),
            })?;
            let ctx = KioskContext {
                device_id: this.setup.kiosk_id.clone(),
                printed_at: wall,
                requester: Requester::Holder,
                wording: Wording::for_agency(&cert.agency),
            };
            render_pdf(&CertificateDoc::new(&cert, &ctx), fonts).map_err(|e| Failed {
                fault: PrintFault::Aborted,
                detail: format!("certificate rendering: {e}"),
            })
        })
        .await
        .map_err(|e| Failed {
            fault: PrintFault::Aborted,
            detail: format!("certificate task: {e}"),
        })??;
        self.print_pdf(pdf, &query_number).await
    }

    /// Sends a PDF to the A4 target.
    pub async fn print_pdf(&self, pdf: Vec<u8>, name: &str) -> Result<Printed, Failed> {
        match &self.a4 {
            A4Target::PdfDir(dir) => {
                let safe: String = name
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let file = dir.join(format!("certificate-{safe}.pdf"));
                let started = Instant::now();
                let written = tokio::fs::create_dir_all(dir).await;
                let written = match written {
                    Ok(()) => tokio::fs::write(&file, &pdf).await,
                    Err(e) => Err(e),
                };
                written.map_err(|e| Failed {
                    fault: PrintFault::Offline,
                    detail: format!("{}: {e}", file.display()),
                })?;
                tracing::info!(file = %file.display(), "certificate written");
                Ok(Printed {
                    // Not the file name: a query number's digits look like a phone number to
                    // the journal's personal-data screen.
                    job: format!("pdf-{}", self.next_job()),
                    device_time: started.elapsed(),
                })
            }
            A4Target::Cups(printer) => {
                let started = Instant::now();
                let job = printer
                    .submit(
                        pdf,
                        cups::DocumentFormat::Pdf,
                        &format!("certificate {name}"),
                    )
                    .await
                    .map_err(|e| Failed {
                        fault: if e.is_refusal() {
                            PrintFault::Aborted
                        } else {
                            PrintFault::Offline
                        },
                        detail: format!("CUPS submit: {e}"),
                    })?;
                match printer.follow(job, CUPS_TIMEOUT).await {
                    Ok(cups::JobOutcome::Completed { .. }) => Ok(Printed {
                        job: format!("{job:?}"),
                        device_time: started.elapsed(),
                    }),
                    Ok(cups::JobOutcome::Failed(failure)) => {
                        let detail = format!("{failure:?}");
                        let fault =
                            if detail.contains("MediaEmpty") || detail.contains("media-empty") {
                                PrintFault::PaperOut
                            } else {
                                PrintFault::Aborted
                            };
                        let _ = printer.cancel(job).await;
                        Err(Failed { fault, detail })
                    }
                    Ok(other) => {
                        let _ = printer.cancel(job).await;
                        Err(Failed {
                            fault: PrintFault::Offline,
                            detail: format!("{other:?}"),
                        })
                    }
                    Err(e) => Err(Failed {
                        fault: PrintFault::Offline,
                        detail: format!("CUPS follow: {e}"),
                    }),
                }
            }
        }
    }

    /// Whether the A4 target is usable now.
    pub async fn a4_up(&self) -> bool {
        match &self.a4 {
            A4Target::PdfDir(dir) => tokio::fs::create_dir_all(dir).await.is_ok(),
            A4Target::Cups(printer) => match printer.printer_status().await {
                Ok(status) => status.accepting_jobs && status.blocking_reason().is_none(),
                Err(_) => false,
            },
        }
    }

    /// Whether the ticket printer is ready (paper near end counts as ready); `None` while a job
    /// holds the printer.
    pub async fn ticket_up(&self) -> Option<bool> {
        let mut printer = self.ticket.try_lock().ok()?;
        Some(match printer.status().await {
            Ok(status) => EscFault::of(&status).is_none(),
            Err(_) => false,
        })
    }
}

/// What a print job becomes: an A4 certificate, or a ticket for the ticket printer.
#[derive(Debug)]
pub enum Printout {
    /// The query-result certificate, for the A4 printer.
    Certificate(Box<Certificate>),
    /// A ticket laid out for the ticket printer.
    Ticket(tickets::Ticket),
}

/// Turns a flows print job into what is printed: tickets carry the hall's name, a check-in slip
/// the citizen's `masked_name`, a checklist the time `wall`.
#[must_use]
pub fn printout(
    job: PrintJob,
    hall: &str,
    masked_name: String,
    wall: time::OffsetDateTime,
) -> Printout {
    let hall = hall.to_owned();
    Printout::Ticket(match job {
        PrintJob::Certificate(cert) => return Printout::Certificate(cert),
        PrintJob::QueueTicket(t) => tickets::Ticket::Queue(tickets::QueueTicket::from_dto(
            hall,
            &t,
            follow_url(&t.ticket_number),
        )),
        PrintJob::CheckInSlip {
            appointment,
            ticket,
        } => tickets::Ticket::CheckIn(tickets::CheckInSlip {
            hall,
            booking_code: appointment.booking_code,
            service: appointment.service_name,
            masked_name,
            slot_start: appointment.slot_start,
            slot_end: appointment.slot_end,
            number: ticket.ticket_number,
            window: ticket.window,
            checked_in_at: ticket.issued_at,
        }),
        PrintJob::Checklist(topic) => {
            tickets::Ticket::Materials(tickets::MaterialChecklist::from_topic(hall, &topic, wall))
        }
    })
}

/// The page a queue ticket's QR leads to.
fn follow_url(number: &str) -> String {
    format!("https://hall.example/queue/{number}")
}

/// The flows' fault for a ticket-printer error.
pub fn ticket_fault(error: &PrintError) -> PrintFault {
    match error {
        PrintError::Printer(EscFault::PaperOut) => PrintFault::PaperOut,
        PrintError::Printer(EscFault::CoverOpen) => PrintFault::CoverOpen,
        PrintError::Printer(EscFault::Offline) => PrintFault::Offline,
        PrintError::Printer(_) => PrintFault::Hardware,
        PrintError::NotFinished | PrintError::Link(_) => PrintFault::Offline,
        _ => PrintFault::Hardware,
    }
}

/// A test ticket for maintenance mode.
pub fn test_ticket(hall: &str, wall: time::OffsetDateTime) -> tickets::Ticket {
    tickets::Ticket::Materials(tickets::MaterialChecklist {
        hall: hall.to_owned(),
        topic: "打印测试 Test print".to_owned(),
        business_type: "维护".to_owned(),
        materials: Vec::new(),
        fee_fen: 0,
        time_limit_days: 0,
        service_code: "TEST".to_owned(),
        printed_at: wall,
    })
}
