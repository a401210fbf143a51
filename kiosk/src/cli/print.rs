//! `kiosk print ...`: diagnostics for installers: print a sample ticket or certificate the way the
//! kiosk does, to a file, a preview or a real printer.

use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Printing diagnostics.
#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// Prints a sample ticket: as ESC/POS to a printer (`--port`, `--tcp`) or a file (`--out`),
    /// and/or as a PNG preview of the raster (`--png`).
    Ticket {
        /// Which ticket.
        #[arg(long, value_enum)]
        sample: TicketSample,
        /// Raster (every character prints) or native text with raster fallback.
        #[arg(long, value_enum, default_value_t = ModeArg::Raster)]
        mode: ModeArg,
        /// Paper width in millimetres.
        #[arg(long, default_value_t = 80)]
        paper: u32,
        /// The printer's character set in text mode.
        #[arg(long, value_enum, default_value_t = EncodingArg::Gbk)]
        encoding: EncodingArg,
        /// The printer lacks native QR codes (clones): send them as raster.
        #[arg(long)]
        no_native_qr: bool,
        /// Serial device (`/dev/ttyS0`, `/dev/serial/by-id/...`) or USB printer (`/dev/usb/lp0`).
        #[arg(long, conflicts_with_all = ["tcp", "out"])]
        port: Option<String>,
        /// Serial line speed.
        #[arg(long, default_value_t = 115_200)]
        baud: u32,
        /// A network printer (`HOST:9100`).
        #[arg(long, conflicts_with = "out")]
        tcp: Option<String>,
        /// Write the ESC/POS bytes to a file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write a PNG preview here.
        #[arg(long)]
        png: Option<PathBuf>,
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

/// Ticket-printer diagnostics.
#[derive(Debug, Subcommand)]
pub enum PrinterCommand {
    /// Asks a ticket printer for its status (DLE EOT 1-4).
    Status {
        /// Serial device or USB printer.
        #[arg(long, conflicts_with = "tcp")]
        port: Option<String>,
        /// Serial line speed.
        #[arg(long, default_value_t = 115_200)]
        baud: u32,
        /// A network printer (`HOST:9100`).
        #[arg(long)]
        tcp: Option<String>,
    },
}

/// Runs a `printer` subcommand. Exit codes: 0 answered, 1 bad arguments, 3 printer unreachable.
pub async fn run_printer(command: PrinterCommand) -> ExitCode {
    let PrinterCommand::Status { port, baud, tcp } = command;
    let endpoint = match (port, tcp) {
        (Some(port), _) => escpos::driver::Endpoint::parse(&port, baud),
        (_, Some(addr)) => escpos::driver::Endpoint::parse(&format!("tcp://{addr}"), baud),
        _ => {
            eprintln!("kiosk printer status: give --port or --tcp");
            return ExitCode::FAILURE;
        }
    };
    status(endpoint).await
}

/// How the ticket is sent.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// One raster image.
    Raster,
    /// Native text and QR.
    Text,
}

/// A printer's character set.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    /// GB2312 only.
    Gb2312,
    /// GBK.
    Gbk,
    /// GB18030 two-byte sequences.
    Gb18030TwoByte,
    /// Full GB18030 (four-byte sequences too).
    Gb18030,
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
        PrintCommand::Ticket {
            sample,
            mode,
            paper,
            encoding,
            no_native_qr,
            port,
            baud,
            tcp,
            out,
            png,
        } => {
            let target = match (port, tcp, out) {
                (Some(port), _, _) => Some(Target::Printer(escpos::driver::Endpoint::parse(
                    &port, baud,
                ))),
                (_, Some(addr), _) => Some(Target::Printer(escpos::driver::Endpoint::parse(
                    &format!("tcp://{addr}"),
                    baud,
                ))),
                (_, _, Some(file)) => Some(Target::File(file)),
                _ => None,
            };
            ticket(TicketArgs {
                sample,
                mode,
                paper,
                encoding,
                native_qr: !no_native_qr,
                target,
                png,
            })
            .await
        }
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

enum Target {
    Printer(escpos::driver::Endpoint),
    File(PathBuf),
}

struct TicketArgs {
    sample: TicketSample,
    mode: ModeArg,
    paper: u32,
    encoding: EncodingArg,
    native_qr: bool,
    target: Option<Target>,
    png: Option<PathBuf>,
}

async fn ticket(args: TicketArgs) -> Result<(), String> {
    use kiosk::printing::{Mode, PrinterProfile, encode_ticket};
    let ticket = match args.sample {
        TicketSample::Queue => tickets::Ticket::sample_queue(),
        TicketSample::Checkin => tickets::Ticket::sample_check_in(),
        TicketSample::Checklist => tickets::Ticket::sample_materials(),
        TicketSample::Payment => tickets::Ticket::sample_payment(),
    };
    let width = match args.paper {
        80 => tickets::PaperWidth::Mm80,
        58 => tickets::PaperWidth::Mm58,
        other => return Err(format!("paper width {other} mm: 80 or 58")),
    };
    if args.target.is_none() && args.png.is_none() {
        return Err("nothing to do: give --port, --tcp, --out or --png".to_owned());
    }
    let fonts = tickets::Fonts::load_default().map_err(|e| format!("fonts: {e}"))?;
    let layout = ticket.layout();
    if let Some(png) = &args.png {
        let raster = tickets::render_raster(&layout, width, &fonts).map_err(|e| e.to_string())?;
        let bytes = raster.to_png().map_err(|e| e.to_string())?;
        std::fs::write(png, bytes).map_err(|e| format!("{}: {e}", png.display()))?;
        println!(
            "{}: {} x {} dots, {} bytes of raster",
            png.display(),
            raster.width_dots,
            raster.height,
            raster.bytes.len()
        );
    }
    let Some(target) = args.target else {
        return Ok(());
    };
    let profile = PrinterProfile {
        paper: width,
        encoding: match args.encoding {
            EncodingArg::Gb2312 => escpos::text::TextCapability::Gb2312,
            EncodingArg::Gbk => escpos::text::TextCapability::Gbk,
            EncodingArg::Gb18030TwoByte => escpos::text::TextCapability::Gb18030TwoByte,
            EncodingArg::Gb18030 => escpos::text::TextCapability::Gb18030Full,
        },
        native_qr: args.native_qr,
    };
    let mode = match args.mode {
        ModeArg::Raster => Mode::Raster,
        ModeArg::Text => Mode::Text,
    };
    let bytes = encode_ticket(&layout, mode, &profile, &fonts).map_err(|e| e.to_string())?;
    match target {
        Target::File(path) => {
            std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            println!(
                "{}: {} bytes of ESC/POS ({mode} mode)",
                path.display(),
                bytes.len()
            );
        }
        Target::Printer(endpoint) => {
            let mut printer = escpos::driver::TicketPrinter::new(endpoint);
            printer
                .print_job(&bytes)
                .await
                .map_err(|e| format!("not printed: {e}"))?;
            println!(
                "printed: the printer confirmed the whole ticket ({} bytes, {mode} mode)",
                bytes.len()
            );
        }
    }
    Ok(())
}

async fn status(endpoint: escpos::driver::Endpoint) -> ExitCode {
    let mut printer = escpos::driver::TicketPrinter::new(endpoint);
    match printer.status().await {
        Ok(status) => {
            println!("{status:?}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kiosk printer status: {e}");
            ExitCode::from(3)
        }
    }
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
