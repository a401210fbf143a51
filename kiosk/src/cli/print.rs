//! `kiosk print ...`: diagnostics for installers: print a sample ticket or certificate the way the
//! kiosk does, to a file, a preview or a real printer.

use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Printing diagnostics.
#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// Renders a sample ticket: a PNG preview of the 1-bit raster the ticket printer receives.
    Ticket {
        /// Which ticket.
        #[arg(long, value_enum)]
        sample: TicketSample,
        /// Paper width in millimetres.
        #[arg(long, default_value_t = 80)]
        paper: u32,
        /// Write a PNG preview here.
        #[arg(long)]
        png: PathBuf,
    },
    /// Renders a sample A4 query-result certificate to PDF, and prints it through CUPS when a
    /// queue is given.
    Certificate {
        /// Which certificate.
        #[arg(long, value_enum)]
        sample: CertificateSample,
        /// Write the PDF here.
        #[arg(long)]
        out: PathBuf,
        /// CUPS queue to print on (e.g. `kiosk-a4`).
        #[arg(long)]
        queue: Option<String>,
        /// CUPS server.
        #[arg(long, default_value = "127.0.0.1:631")]
        cups_server: String,
        /// How long to wait for CUPS to report the job completed.
        #[arg(long, default_value_t = 120)]
        timeout_s: u64,
    },
}

/// Sample tickets.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TicketSample {
    /// A queue ticket.
    Queue,
    /// An appointment check-in slip.
    Checkin,
    /// A material checklist.
    Checklist,
    /// A payment slip.
    Payment,
}

/// Sample certificates.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CertificateSample {
    /// The holder's own records.
    Holder,
    /// The "no record" certificate.
    NoRecord,
    /// An interested party's (masked) view.
    Interested,
}

/// Runs a `print` subcommand. Exit codes: 0 done, 1 failed (the reason on stderr).
pub async fn run(command: PrintCommand) -> ExitCode {
    let result = match command {
        PrintCommand::Ticket { sample, paper, png } => ticket(sample, paper, &png),
        PrintCommand::Certificate {
            sample,
            out,
            queue,
            cups_server,
            timeout_s,
        } => certificate(sample, &out, queue.as_deref(), &cups_server, timeout_s).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kiosk print: {e}");
            ExitCode::FAILURE
        }
    }
}

fn ticket(sample: TicketSample, paper: u32, png: &PathBuf) -> Result<(), String> {
    let ticket = match sample {
        TicketSample::Queue => tickets::Ticket::sample_queue(),
        TicketSample::Checkin => tickets::Ticket::sample_check_in(),
        TicketSample::Checklist => tickets::Ticket::sample_materials(),
        TicketSample::Payment => tickets::Ticket::sample_payment(),
    };
    let width = match paper {
        80 => tickets::PaperWidth::Mm80,
        58 => tickets::PaperWidth::Mm58,
        other => return Err(format!("paper width {other} mm: 80 or 58")),
    };
    let fonts = tickets::Fonts::load_default().map_err(|e| format!("fonts: {e}"))?;
    let raster =
        tickets::render_raster(&ticket.layout(), width, &fonts).map_err(|e| e.to_string())?;
    let bytes = raster.to_png().map_err(|e| e.to_string())?;
    std::fs::write(png, bytes).map_err(|e| format!("{}: {e}", png.display()))?;
    println!(
        "{}: {} x {} dots, {} bytes of raster",
        png.display(),
        raster.width_dots,
        raster.height,
        raster.bytes.len()
    );
    Ok(())
}

async fn certificate(
    sample: CertificateSample,
    out: &PathBuf,
    queue: Option<&str>,
    cups_server: &str,
    timeout_s: u64,
) -> Result<(), String> {
    use documents::certificate::{CertificateDoc, render_pdf};
    let doc = match sample {
        CertificateSample::Holder => CertificateDoc::sample_holder(),
        CertificateSample::NoRecord => CertificateDoc::sample_no_record(),
        CertificateSample::Interested => CertificateDoc::sample_interested(),
    };
    let fonts = documents::fonts::Fonts::load_default().map_err(|e| format!("fonts: {e}"))?;
    let pdf = render_pdf(&doc, &fonts).map_err(|e| e.to_string())?;
    std::fs::write(out, &pdf).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("{}: {} bytes", out.display(), pdf.len());
    let Some(queue) = queue else {
        return Ok(());
    };
    let printer = cups::Printer::on_server(cups_server, queue, cups::PrinterConfig::default())
        .map_err(|e| e.to_string())?;
    let job = printer
        .submit(pdf, cups::DocumentFormat::Pdf, "kiosk sample certificate")
        .await
        .map_err(|e| format!("CUPS refused the job: {e}"))?;
    println!("submitted to {queue} as job {job:?}; waiting for CUPS to complete it");
    match printer
        .follow(job, Duration::from_secs(timeout_s))
        .await
        .map_err(|e| e.to_string())?
    {
        cups::JobOutcome::Completed { .. } => {
            println!("printed (CUPS reports the job completed)");
            Ok(())
        }
        other => Err(format!("not printed: {other:?}")),
    }
}
