//! End to end: tickets encoded by the kiosk, sent by the real ESC/POS driver (and the `kiosk`
//! binary) to the printer simulator over a pseudo-terminal, and read back from what the simulator
//! interpreted: the text is there, the QR decodes to its payload, a paper-out fails the job.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use escpos::driver::{Endpoint, TicketPrinter};
use escpos::interpret::Element;
use kiosk::printing::{Mode, PrinterProfile, encode_ticket};
use kiosk_sim::printer::{PrinterSimConfig, Script, TicketRecord};
use std::time::Duration;

fn raster_qr_payloads(image: &escpos::command::RasterImage) -> Vec<String> {
    let width = usize::from(image.row_bytes()) * 8;
    let height = image.rows();
    let mut grid = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        if image.get(x, y) { 0 } else { 255 }
    });
    grid.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

async fn print_one(mode: Mode, profile: PrinterProfile, ticket: tickets::Ticket) -> TicketRecord {
    let sim = kiosk_sim::printer::spawn(PrinterSimConfig {
        baud: 115_200,
        ..PrinterSimConfig::default()
    })
    .await
    .unwrap();
    let fonts = tickets::Fonts::load_default().unwrap();
    let bytes = encode_ticket(&ticket.layout(), mode, &profile, &fonts).unwrap();
    let mut printer = TicketPrinter::new(Endpoint::parse(&sim.device(), 115_200));
    printer.print_job(&bytes).await.unwrap();
    let tickets = sim.wait_for_tickets(1, Duration::from_secs(30)).await;
    assert_eq!(tickets.len(), 1);
    let record = tickets[0].clone();
    sim.shutdown().await;
    record
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_mode_queue_ticket_reads_back_with_native_qr() {
    let ticket = tickets::Ticket::sample_queue();
    let payload = ticket.qr_payload().unwrap().to_owned();
    let record = print_one(Mode::Text, PrinterProfile::default(), ticket).await;
    let printed = &record.printed.ticket;
    let text = printed.text();
    assert!(text.contains("A012"), "{text}");
    assert!(text.contains("二手房转移登记"), "{text}");
    let qrs: Vec<String> = printed
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Qr { data, .. } => Some(String::from_utf8(data.clone()).unwrap()),
            _ => None,
        })
        .collect();
    assert_eq!(qrs, vec![payload]);
    assert!(!record.printed.continued_after_paper_out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_mode_falls_back_to_raster_for_rare_characters() {
    // The payment slip names 张𠮷英: outside GBK, so that line goes as raster; the rest as text.
    let record = print_one(
        Mode::Text,
        PrinterProfile::default(),
        tickets::Ticket::sample_payment(),
    )
    .await;
    let elements = &record.printed.ticket.elements;
    let rasters = elements
        .iter()
        .filter(|e| matches!(e, Element::Raster { .. }))
        .count();
    assert!(rasters >= 1, "no raster fallback in {elements:?}");
    let text = record.printed.ticket.text();
    assert!(!text.contains('𠮷'), "𠮷 cannot go as GBK text");
    assert!(text.contains("合计"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raster_mode_ticket_qr_decodes_from_the_printed_image() {
    let ticket = tickets::Ticket::sample_queue();
    let payload = ticket.qr_payload().unwrap().to_owned();
    let record = print_one(Mode::Raster, PrinterProfile::default(), ticket).await;
    let images: Vec<_> = record
        .printed
        .ticket
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Raster { image, .. } => Some(image.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(images.len(), 1, "one raster image");
    assert_eq!(images[0].row_bytes(), 72);
    assert_eq!(raster_qr_payloads(&images[0]), vec![payload]);
}

#[test]
fn kiosk_binary_prints_to_the_simulator_and_reports_paper_out() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime
        .block_on(kiosk_sim::printer::spawn(PrinterSimConfig {
            baud: 115_200,
            ..PrinterSimConfig::default()
        }))
        .unwrap();
    let device = sim.device();
    let ok = kiosk_e2e::kiosk(&[
        "print", "ticket", "--sample", "checkin", "--mode", "text", "--port", &device,
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("printer confirmed"));
    runtime.block_on(sim.run(Script::PaperOut(None))).unwrap();
    let out = kiosk_e2e::kiosk(&[
        "print", "ticket", "--sample", "queue", "--mode", "raster", "--port", &device,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not printed"), "{stderr}");
    assert!(stderr.to_lowercase().contains("paper"), "{stderr}");
    let status = kiosk_e2e::kiosk(&["printer", "status", "--port", &device]);
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("Out"),
        "{status:?}"
    );
    assert_eq!(sim.tickets().len(), 1, "only the first ticket was cut");
    runtime.block_on(sim.shutdown());
}
