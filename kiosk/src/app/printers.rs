//! The two printers as the driver uses them: tickets (queue tickets, check-in slips, material
//! checklists) through [`crate::printing`] to the ESC/POS driver, and the A4 certificate through
//! `documents` to CUPS or to a PDF folder.
//!
//! The PDF folder is a print *tray*: a certificate carries its holder's full ID number, so its
//! file is readable by the kiosk's user only (mode 0600, the folder 0700 when created here),
//! lives only until the session that printed it ends ([`Printers::session_ended`]: the citizen
//! took it), and files a crash left behind are removed when the printers are set up
//! ([`Printers::new`]). Only files named as this module names them (`certificate-*.pdf`) are
//! touched; anything else in the folder is left alone.

use crate::printing::{Mode, PrinterProfile, encode_ticket};
use central_api::dto::{Certificate, Requester};
use documents::certificate::{CertificateDoc, KioskContext, Wording, render_pdf};
use escpos::driver::{Endpoint, Fault as EscFault, PrintError, TicketPrinter};
use flows::{PrintFault, PrintJob};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};
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

/// The ticket and certificate fonts, with the CJK collection both use (20 MB) read once: the
/// certificate's faces are made from the ticket font's bytes when they name the same file.
/// Either is `None` (with a warning) when it cannot be loaded.
pub fn load_fonts() -> (Option<tickets::Fonts>, Option<documents::fonts::Fonts>) {
    let ticket = tickets::Fonts::load_default()
        .map_err(|e| tracing::warn!(error = %e, "ticket fonts missing: tickets will fail"))
        .ok();
    let shared = ticket
        .as_ref()
        .filter(|_| documents::fonts::DEFAULT_FONT_PATH == tickets::fonts::DEFAULT_CJK_FONT_PATH)
        .and_then(|t| {
            documents::fonts::Fonts::from_shared(vec![(
                t.shared_data(),
                documents::fonts::DEFAULT_FONT_INDEX,
            )])
        });
    let pdf = match shared {
        Some(fonts) => Some(fonts),
        None => documents::fonts::Fonts::load_default()
            .map_err(|e| tracing::warn!(error = %e, "certificate fonts missing"))
            .ok(),
    };
    (ticket, pdf)
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
    /// Certificate files written into the PDF folder and not yet removed.
    tray: std::sync::Mutex<Vec<PathBuf>>,
}

impl Printers {
    /// Printers on these endpoints. With a PDF folder, certificate files left in it by an
    /// earlier run (a crash before its session ended) are removed first.
    pub fn new(ticket: Endpoint, a4: A4Target, setup: PrintSetup) -> Arc<Printers> {
        if let A4Target::PdfDir(dir) = &a4 {
            clear_leftovers(dir);
        }
        Arc::new(Printers {
            ticket: Mutex::new(TicketPrinter::new(ticket)),
            a4,
            setup,
            jobs: std::sync::atomic::AtomicU64::new(0),
            tray: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The session ended (the citizen took the printouts): removes the certificate files
    /// written into the PDF folder since the last call, and returns how many were removed.
    /// Nothing to do for CUPS. A file still being written when this runs goes at the next
    /// call (the next session's end, or shutdown).
    ///
    /// Cheap enough for the driver's loop: a few small `unlink`s.
    pub fn session_ended(&self) -> usize {
        let files = std::mem::take(&mut *self.tray.lock().unwrap_or_else(PoisonError::into_inner));
        let mut removed = 0;
        for file in files {
            match std::fs::remove_file(&file) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(error = %e, "cannot remove a certificate from the PDF folder")
                }
            }
        }
        if removed > 0 {
            tracing::info!(removed, "certificate files removed from the PDF folder");
        }
        removed
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
                let file = dir.join(format!("{TRAY_PREFIX}{safe}{TRAY_SUFFIX}"));
                let started = Instant::now();
                let (d, f) = (dir.clone(), file.clone());
                let written = tokio::task::spawn_blocking(move || write_private(&d, &f, &pdf))
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
                // The folder, not the file: the query number stays out of the journal.
                written.map_err(|e| Failed {
                    fault: PrintFault::Offline,
                    detail: format!("PDF folder {}: {e}", dir.display()),
                })?;
                self.tray
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(file);
                // Not the file name (nor in the job's id): a query number's digits look like a
                // phone number to the journal's personal-data screen.
                tracing::info!("certificate written to the PDF folder");
                Ok(Printed {
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
            A4Target::PdfDir(dir) => {
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || create_private_dir(&dir).is_ok())
                    .await
                    .unwrap_or(false)
            }
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

/// How certificate files in the PDF folder are named: `certificate-<query number>.pdf`.
const TRAY_PREFIX: &str = "certificate-";
const TRAY_SUFFIX: &str = ".pdf";

/// Whether a file name is one of the tray's certificate files.
fn in_tray(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(TRAY_PREFIX) && n.ends_with(TRAY_SUFFIX))
}

/// Removes the certificate files an earlier run left in the PDF folder (a missing folder has
/// none); failures are logged, never fatal: printing still works.
fn clear_leftovers(dir: &Path) -> usize {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return 0,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot list the PDF folder for leftovers");
            return 0;
        }
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file || !in_tray(&entry.file_name()) {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => removed += 1,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot remove a leftover certificate");
            }
        }
    }
    if removed > 0 {
        tracing::warn!(dir = %dir.display(), removed, "removed certificate files left by an earlier run");
    }
    removed
}

/// Creates the folder (and its parents) readable by the kiosk's user only, if missing.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes the file readable and writable by its owner only (an older file of the same name,
/// whatever its mode, is replaced).
fn write_private(dir: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    create_private_dir(dir)?;
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(file)?;
    out.write_all(bytes)?;
    out.sync_all()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "kiosk-printers-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn pdf_printers(dir: &Path) -> Arc<Printers> {
        Printers::new(
            Endpoint::parse("tcp://127.0.0.1:9", 0),
            A4Target::PdfDir(dir.to_owned()),
            PrintSetup {
                hall: "大厅".to_owned(),
                kiosk_id: "KIOSK-TEST".to_owned(),
                mode: Mode::Text,
                profile: PrinterProfile::default(),
                ticket_fonts: None,
                pdf_fonts: documents::fonts::Fonts::load_default().ok(),
            },
        )
    }

    /// A file's permission bits (0o777 where there are none).
    fn mode(path: &Path) -> u32 {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(path).unwrap().permissions().mode() & 0o777
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            0o777
        }
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[tokio::test]
    async fn a_certificate_stays_in_the_tray_until_its_session_ends() {
        let dir = temp_dir("tray");
        let printers = pdf_printers(&dir.join("pdf"));
        let cert = flows::samples::certificate(
            vec![flows::samples::unit().unwrap()],
            central_api::domain::QueryPurpose::SchoolEnrolment,
        )
        .unwrap();
        let printed = printers
            .print(
                PrintJob::Certificate(cert),
                "张*英".to_owned(),
                flows::samples::START,
            )
            .await
            .unwrap();
        assert!(printed.job.starts_with("pdf-"), "{printed:?}");

        // While the session runs: the certificate waits in the tray, for the kiosk's user only.
        let pdf_dir = dir.join("pdf");
        assert_eq!(files(&pdf_dir), ["certificate-Q20261128000123.pdf"]);
        let file = pdf_dir.join("certificate-Q20261128000123.pdf");
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(b"%PDF") && bytes.len() > 10_000);
        if cfg!(unix) {
            assert_eq!(mode(&file), 0o600);
            assert_eq!(mode(&pdf_dir), 0o700, "the folder was created here");
        }
        assert!(printers.a4_up().await);

        // The session ends: the citizen took it.
        assert_eq!(printers.session_ended(), 1);
        assert!(files(&pdf_dir).is_empty());
        assert_eq!(printers.session_ended(), 0, "nothing twice");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_reprint_under_the_same_name_is_private_and_removed_once() {
        let dir = temp_dir("reprint");
        let file = dir.join("certificate-Q1.pdf");
        std::fs::write(&file, b"old").unwrap();
        // Set-up removed the leftover; a file of the same name appears again behind the
        // kiosk's back, readable by everyone.
        let printers = pdf_printers(&dir);
        assert!(files(&dir).is_empty());
        std::fs::write(&file, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        printers
            .print_pdf(b"%PDF-1.7 new".to_vec(), "Q1")
            .await
            .unwrap();
        printers
            .print_pdf(b"%PDF-1.7 new".to_vec(), "Q1")
            .await
            .unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"%PDF-1.7 new");
        if cfg!(unix) {
            assert_eq!(mode(&file), 0o600);
        }
        assert_eq!(printers.session_ended(), 1);
        assert!(files(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn set_up_removes_what_a_crash_left_and_nothing_else() {
        let dir = temp_dir("leftovers");
        for name in [
            "certificate-Q20261128000123.pdf",
            "certificate-TEST.pdf",
            "notes.txt",
            "certificate-draft.txt",
        ] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.join("certificate-kept.pdf")).unwrap();
        let _printers = pdf_printers(&dir);
        assert_eq!(
            files(&dir),
            ["certificate-draft.txt", "certificate-kept.pdf", "notes.txt"]
        );
        // A folder that does not exist yet is no error.
        let _printers = pdf_printers(&dir.join("missing"));
        assert!(!dir.join("missing").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn an_unwritable_folder_fails_the_print_as_offline() {
        let dir = temp_dir("unwritable");
        let blocker = dir.join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let printers = pdf_printers(&blocker.join("pdf"));
        let failed = printers
            .print_pdf(b"%PDF".to_vec(), "Q1")
            .await
            .unwrap_err();
        assert_eq!(failed.fault, PrintFault::Offline);
        assert!(!printers.a4_up().await);
        assert_eq!(printers.session_ended(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
