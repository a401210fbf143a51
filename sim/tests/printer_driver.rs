//! The `escpos` driver against the simulated printer over real pseudo-terminals (and TCP for
//! reopening): success, paper out mid-job and the reprint, cover open, offline, a slow
//! receiver, a printer that goes away and returns. Nothing sleeps to wait for a peer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a failed step is a failed test"
)]

use escpos::driver::{Endpoint, Fault, PrintError, TicketPrinter};
use escpos::{Command, Cut, Job, PaperWidth, QrErrorCorrection, RasterImage, TextCapability};
use kiosk_sim::printer::{self, PrinterSim, PrinterSimConfig, Script, TicketRecord, Transport};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const BAUD: u32 = 115_200;
const PATIENCE: Duration = Duration::from_secs(20);

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiosk-driver-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn pty_sim(name: &str, rx_buffer: usize) -> (PrinterSim, TicketPrinter, PathBuf) {
    let out = out_dir(name);
    let sim = printer::spawn(PrinterSimConfig {
        out_dir: Some(out.clone()),
        baud: BAUD,
        rx_buffer,
        ..PrinterSimConfig::default()
    })
    .await
    .unwrap();
    let printer = TicketPrinter::new(Endpoint::parse(&sim.device(), BAUD));
    (sim, printer, out)
}

const LINES: usize = 12;

/// A queue ticket: text lines, a raster logo of 300 rows (two bands), a QR code, a cut.
fn ticket() -> (Vec<u8>, String) {
    let mut job = Job::new(TextCapability::Gb18030Full);
    let mut text = String::new();
    for i in 0..LINES {
        let line = format!("第{i:02}行 排队号 A012 ¥5\n");
        job.text(&line).unwrap();
        text.push_str(&line);
    }
    let mut logo = RasterImage::blank(PaperWidth::Mm80, 300);
    for y in 0..300 {
        logo.set(y, y, true);
    }
    job.push(&Command::Raster(logo))
        .push(&Command::qr(b"https://example.cn/q/A012", 5, QrErrorCorrection::Medium).unwrap())
        .push(&Command::Cut(Cut::FeedPartial(3)));
    (job.into_bytes(), text)
}

fn whole(tickets: &[TicketRecord], text: &str) -> usize {
    tickets
        .iter()
        .filter(|t| !t.printed.continued_after_paper_out && t.printed.ticket.text() == text)
        .count()
}

/// Named so that `cargo test -p kiosk-sim printer` selects these tests.
mod printer_tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_ticket_is_reported_printed_after_the_marker() {
        let (sim, mut printer, out) = pty_sim("ok", 4096).await;
        let (job, text) = ticket();
        let outcome = printer.print_job(&job).await.unwrap();
        // Paced: 115200 baud carries the job in about len / 11520 seconds.
        assert!(outcome.elapsed >= Duration::from_secs_f64(job.len() as f64 / 11_520.0 * 0.9));
        let tickets = sim.tickets();
        assert_eq!(
            tickets.len(),
            1,
            "the ticket is cut before the marker is answered"
        );
        assert_eq!(tickets[0].printed.ticket.text(), text);
        assert!(tickets[0].png.as_ref().unwrap().exists());
        let status = printer.status().await.unwrap();
        assert!(status.ready());
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    /// Paper runs out after `lines` lines of feed; the job fails, the reprint is whole.
    async fn paper_out_then_reprint(name: &str, lines: u32) {
        let (sim, mut printer, out) = pty_sim(name, 4096).await;
        let (job, text) = ticket();
        sim.run(Script::PaperOut(Some(lines))).await.unwrap();
        let err = printer.print_job(&job).await.unwrap_err();
        assert!(matches!(err, PrintError::Printer(Fault::PaperOut)), "{err}");
        assert!(sim.tickets().is_empty(), "nothing printed");
        // Still out: a new job is refused at once.
        let err = printer.print_job(&job).await.unwrap_err();
        assert!(matches!(err, PrintError::Printer(Fault::PaperOut)), "{err}");
        sim.run(Script::PaperReplaced).await.unwrap();
        printer.print_job(&job).await.unwrap();
        let tickets = sim.tickets();
        assert_eq!(whole(&tickets, &text), 1, "{tickets:#?}");
        // Whatever else came out is the half ticket's tail, flagged as such.
        for t in &tickets {
            assert!(t.printed.continued_after_paper_out || t.printed.ticket.text() == text);
        }
        let pngs = std::fs::read_dir(&out)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "png")
            .count();
        assert_eq!(pngs, tickets.len());
        // The half ticket's tail came out as its own slip, before the reprint.
        assert_eq!(tickets.len(), 2);
        assert!(tickets[0].printed.continued_after_paper_out);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn paper_out_mid_text_fails_and_the_reprint_is_one_whole_ticket() {
        paper_out_then_reprint("paper-out-text", 4).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn paper_out_mid_raster_fails_and_the_reprint_is_one_whole_ticket() {
        // 12 text lines, then 2 lines (48 rows) into the 300-row logo.
        paper_out_then_reprint("paper-out-raster", LINES as u32 + 2).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cover_open_and_offline_are_refusals_with_their_reason() {
        let (sim, mut printer, out) = pty_sim("cover", 4096).await;
        let (job, text) = ticket();
        sim.run(Script::CoverOpen).await.unwrap();
        let err = printer.print_job(&job).await.unwrap_err();
        assert!(
            matches!(err, PrintError::Printer(Fault::CoverOpen)),
            "{err}"
        );
        sim.run(Script::CoverClosed).await.unwrap();
        sim.run(Script::Offline).await.unwrap();
        let err = printer.print_job(&job).await.unwrap_err();
        assert!(matches!(err, PrintError::Printer(Fault::Offline)), "{err}");
        sim.run(Script::Online).await.unwrap();
        printer.print_job(&job).await.unwrap();
        let tickets = sim.tickets();
        assert_eq!(tickets.len(), 1);
        assert_eq!(whole(&tickets, &text), 1);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cover_opened_mid_job_fails_it() {
        let (sim, mut printer, out) = pty_sim("cover-mid", 256).await;
        // A slow printer with a small buffer: the job takes seconds to get through.
        sim.run(Script::SlowRx(2000)).await.unwrap();
        let (job, _) = ticket();
        let job_task = tokio::spawn(async move { (printer.print_job(&job).await, printer) });
        // Open the cover once the printer has started receiving.
        let started = Instant::now();
        let buffered = |line: String| -> usize {
            let field = line.split(' ').find_map(|f| f.strip_prefix("buffered="));
            field.unwrap().parse().unwrap()
        };
        // Job data (not just the status-back and status requests) is in the printer's buffer.
        while buffered(sim.status_line()) < 64 {
            assert!(started.elapsed() < PATIENCE);
            tokio::task::yield_now().await;
        }
        sim.run(Script::CoverOpen).await.unwrap();
        let (result, _printer) = job_task.await.unwrap();
        let err = result.unwrap_err();
        assert!(
            matches!(err, PrintError::Printer(Fault::CoverOpen)),
            "{err}"
        );
        assert!(sim.tickets().is_empty());
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_receiver_is_waited_for() {
        let (sim, mut printer, out) = pty_sim("slow", 128).await;
        sim.run(Script::SlowRx(3000)).await.unwrap();
        let mut job = Job::new(TextCapability::Gb2312);
        for i in 0..100 {
            job.text(&format!("{i:03} 0123456789012345678901234567890123456\n"))
                .unwrap();
        }
        job.push(&Command::Cut(Cut::Full));
        let job = job.into_bytes();
        let outcome = printer.print_job(&job).await.unwrap();
        // 4.1 KB at 3000 bytes a second: over a second, far slower than the wire.
        assert!(
            outcome.elapsed >= Duration::from_secs(1),
            "{:?}",
            outcome.elapsed
        );
        let tickets = sim.tickets();
        assert_eq!(tickets.len(), 1);
        assert_eq!(tickets[0].printed.ticket.text().lines().count(), 100);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_printer_that_goes_away_and_returns_is_reopened() {
        let out = out_dir("reopen");
        let config = |addr| PrinterSimConfig {
            transport: Transport::Tcp(addr),
            out_dir: Some(out.clone()),
            pace: false,
            ..PrinterSimConfig::default()
        };
        let sim = printer::spawn(config("127.0.0.1:0".parse().unwrap()))
            .await
            .unwrap();
        let addr = sim.device();
        let mut printer = TicketPrinter::new(Endpoint::parse(&addr, BAUD));
        let (job, text) = ticket();
        printer.print_job(&job).await.unwrap();
        sim.shutdown().await;
        let err = printer.print_job(&job).await.unwrap_err();
        assert!(matches!(err, PrintError::Link(_)), "{err}");
        let sim = printer::spawn(config(
            addr.strip_prefix("tcp://").unwrap().parse().unwrap(),
        ))
        .await
        .unwrap();
        printer.print_job(&job).await.unwrap();
        assert_eq!(whole(&sim.tickets(), &text), 1);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn raster_data_that_looks_like_a_status_request_is_tolerated() {
        let (sim, mut printer, out) = pty_sim("unsolicited", 4096).await;
        // Rows whose bytes contain 10 04 01..04: the printer answers each on receipt.
        let mut data = Vec::new();
        for n in 1..=4u8 {
            let mut row = vec![0u8; 72];
            row[10..13].copy_from_slice(&[0x10, 0x04, n]);
            data.extend_from_slice(&row);
        }
        let mut job = Job::new(TextCapability::Gb2312);
        job.push(&Command::Raster(
            RasterImage::new(72, data.clone()).unwrap(),
        ))
        .push(&Command::Cut(Cut::Full));
        printer.print_job(job.bytes()).await.unwrap();
        let tickets = sim.tickets();
        assert_eq!(tickets.len(), 1);
        let escpos::interpret::Element::Raster { image, .. } =
            &tickets[0].printed.ticket.elements[0]
        else {
            panic!("{tickets:?}");
        };
        assert_eq!(image.data(), &data[..]);
        assert!(printer.status().await.unwrap().ready());
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }
}
