//! The simulated ticket printer through its real transports, driven by a plain client that
//! writes ESC/POS bytes made by the `escpos` encoder and reads the replies. Nothing sleeps to
//! wait for the printer: every wait is on data or on a ticket, with a time-out.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a failed step is a failed test"
)]

use escpos::{
    Command, Cut, Job, PaperWidth, PrinterStatus, QrErrorCorrection, RasterImage, StatusRequest,
    TextCapability,
};
use kiosk_sim::printer::{self, PrinterSim, PrinterSimConfig, Script, Transport};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PATIENCE: Duration = Duration::from_secs(10);

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiosk-printer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn tcp_sim(out: &Path, pace: bool, rx_buffer: usize) -> (PrinterSim, TcpStream) {
    let sim = printer::spawn(PrinterSimConfig {
        transport: Transport::Tcp("127.0.0.1:0".parse().unwrap()),
        out_dir: Some(out.to_owned()),
        pace,
        rx_buffer,
        ..PrinterSimConfig::default()
    })
    .await
    .unwrap();
    let addr = sim.device();
    let stream = TcpStream::connect(addr.strip_prefix("tcp://").unwrap())
        .await
        .unwrap();
    (sim, stream)
}

async fn read_exactly(stream: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        let r = tokio::time::timeout(PATIENCE, stream.read(&mut buf[got..])).await;
        match r {
            Ok(Ok(0)) | Ok(Err(_)) => panic!("stream closed after {:02X?}", &buf[..got]),
            Ok(Ok(k)) => got += k,
            Err(_) => panic!("only {:02X?} of {n} bytes in time", &buf[..got]),
        }
    }
    buf
}

/// Whether anything arrives within a short grace period (used only to check silence).
async fn silent(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1];
    tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf))
        .await
        .is_err()
}

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn black(png: &(u32, u32, Vec<u8>), x: u32, y: u32) -> bool {
    let row = png.0.div_ceil(8);
    png.2[(y * row + x / 8) as usize] & (0x80 >> (x % 8)) == 0
}

fn sample_ticket() -> Vec<u8> {
    let mut job = Job::new(TextCapability::Gb18030Full);
    job.push(&Command::AsbEnable)
        .push(&Command::Justify(escpos::Justify::Centre))
        .push(&Command::Size(escpos::CharSize::new(2, 2).unwrap()));
    job.text("A012\n").unwrap();
    job.push(&Command::Size(escpos::CharSize::NORMAL))
        .push(&Command::Justify(escpos::Justify::Left));
    job.text("张堃 ¥5\n").unwrap();
    let mut bar = RasterImage::blank(PaperWidth::Mm80, 300);
    for y in 0..300 {
        for x in 0..10 {
            bar.set(x, y, true);
        }
    }
    job.push(&Command::Raster(bar))
        .push(&Command::qr(b"https://example.cn/t/A012", 6, QrErrorCorrection::Medium).unwrap())
        .push(&Command::Cut(Cut::FeedPartial(3)))
        .push(&Command::Marker);
    job.into_bytes()
}

/// Named so that `cargo test -p kiosk-sim printer` selects these tests.
mod printer_tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn prints_a_ticket_as_png_and_sidecar_and_answers_the_marker() {
        let out = out_dir("ticket");
        let (sim, mut stream) = tcp_sim(&out, false, 4096).await;
        stream.write_all(&sample_ticket()).await.unwrap();
        // The ASB block when enabled, then the marker reply (paper fine).
        assert_eq!(read_exactly(&mut stream, 5).await, [0x10, 0, 0, 0, 0x00]);
        let tickets = sim.wait_for_tickets(1, PATIENCE).await;
        assert_eq!(tickets.len(), 1);
        let png_path = tickets[0].png.clone().unwrap();
        let sidecar: serde_json::Value =
            serde_json::from_slice(&std::fs::read(png_path.with_extension("json")).unwrap())
                .unwrap();
        assert_eq!(sidecar["text"], "A012\n张堃 ¥5\n");
        assert_eq!(sidecar["text_runs"][0]["width"], 2);
        assert_eq!(sidecar["text_runs"][0]["justify"], "centre");
        assert_eq!(sidecar["qr"][0]["data"], "https://example.cn/t/A012");
        assert_eq!(sidecar["raster"][0]["rows"], 300);
        assert_eq!(sidecar["cut"], "feed-partial 3");
        // The PNG: 576 wide, the raster bar dot for dot under two text lines (48 + 24 dots).
        let png = decode_png(&png_path);
        assert_eq!(png.0, 576);
        assert!(black(&png, 0, 72) && black(&png, 9, 72 + 299) && !black(&png, 10, 72));
        // The QR code scans back to its payload.
        let luma: Vec<u8> = (0..png.1)
            .flat_map(|y| (0..png.0).map(move |x| (x, y)))
            .map(|(x, y)| if black(&png, x, y) { 0 } else { 255 })
            .collect();
        let (w, h) = (png.0 as usize, png.1 as usize);
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, "https://example.cn/t/A012");
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn paper_out_mid_ticket_answers_only_real_time_until_replaced() {
        let out = out_dir("paper-out");
        // A buffer that holds the whole ticket, so the status request behind it gets through.
        let (sim, mut stream) = tcp_sim(&out, false, 64 * 1024).await;
        sim.run(Script::PaperOut(Some(1))).await.unwrap();
        stream.write_all(&sample_ticket()).await.unwrap();
        // ASB on (paper fine), then ASB on running out: offline, paper end.
        let asb = read_exactly(&mut stream, 8).await;
        let out_status = PrinterStatus {
            online: false,
            paper: escpos::Paper::Out,
            ..PrinterStatus::default()
        };
        assert_eq!(asb[4..], out_status.asb_block());
        // No marker while offline; real-time status still answered: 0x7E paper end.
        assert!(silent(&mut stream).await);
        stream
            .write_all(&StatusRequest::Paper.bytes())
            .await
            .unwrap();
        assert_eq!(read_exactly(&mut stream, 1).await, [0x7E]);
        assert!(sim.tickets().is_empty());
        // A new roll: ASB back online, the rest of the half ticket prints, then the marker.
        sim.run(Script::PaperReplaced).await.unwrap();
        let rest = read_exactly(&mut stream, 5).await;
        assert_eq!(rest, [0x10, 0, 0, 0, 0x00]);
        let tickets = sim.wait_for_tickets(1, PATIENCE).await;
        assert!(tickets[0].printed.continued_after_paper_out);
        assert!(sim.status_line().contains("spoiled=1"));
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cover_open_and_offline_hold_the_marker() {
        let out = out_dir("cover");
        let (sim, mut stream) = tcp_sim(&out, false, 4096).await;
        stream
            .write_all(&Command::AsbEnable.to_bytes())
            .await
            .unwrap();
        read_exactly(&mut stream, 4).await;
        sim.run(Script::CoverOpen).await.unwrap();
        assert_eq!(read_exactly(&mut stream, 4).await[0], 0x10 | 0x08 | 0x20);
        stream.write_all(&Command::Marker.to_bytes()).await.unwrap();
        stream
            .write_all(&StatusRequest::Offline.bytes())
            .await
            .unwrap();
        // n=2: bit 2 cover open.
        assert_eq!(read_exactly(&mut stream, 1).await, [0x12 | 0x04]);
        sim.run(Script::CoverClosed).await.unwrap();
        // Closed: online again, and the held marker is answered.
        assert_eq!(read_exactly(&mut stream, 5).await, [0x10, 0, 0, 0, 0x00]);
        sim.run(Script::Offline).await.unwrap();
        assert_eq!(read_exactly(&mut stream, 4).await, [0x18, 0, 0, 0]);
        stream
            .write_all(&StatusRequest::Printer.bytes())
            .await
            .unwrap();
        assert_eq!(read_exactly(&mut stream, 1).await, [0x12 | 0x08]);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_receiver_with_a_small_buffer_makes_the_host_wait() {
        let out = out_dir("slow");
        let (sim, mut stream) = tcp_sim(&out, false, 64).await;
        sim.run(Script::SlowRx(4000)).await.unwrap();
        let mut job = Job::new(TextCapability::Gb2312);
        for _ in 0..40 {
            job.text("0123456789012345678901234567890123456789\n")
                .unwrap();
        }
        job.push(&Command::Cut(Cut::Full)).push(&Command::Marker);
        let bytes = job.into_bytes();
        let started = Instant::now();
        stream.write_all(&bytes).await.unwrap();
        assert_eq!(read_exactly(&mut stream, 1).await, [0x00]);
        // 1.6 KB at 4000 bytes a second: at least 0.3 s, however large the socket buffers.
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{:?}",
            started.elapsed()
        );
        let tickets = sim.wait_for_tickets(1, PATIENCE).await;
        assert_eq!(tickets[0].printed.ticket.text().lines().count(), 40);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn command_line_speaks_the_line_protocol() {
        let out = out_dir("cli");
        let mut child = Process::new(env!("CARGO_BIN_EXE_kiosk-sim"))
            .args(["printer", "--no-pace", "--width", "384", "--out"])
            .arg(&out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.starts_with("PTY /dev/pts/"), "{first}");
        let mut ask = |line: &str| {
            writeln!(stdin, "{line}").unwrap();
            lines.next().unwrap().unwrap()
        };
        assert_eq!(ask("paper-out 3"), "OK paper-out 3");
        assert_eq!(ask("near-end"), "OK near-end");
        assert!(ask("jam").starts_with("ERR unknown command"));
        assert_eq!(
            ask("status"),
            "STATUS online=true paper=near-end cover=closed buffered=0 tickets=0 spoiled=0"
        );
        assert_eq!(ask(""), "OK status");
        assert_eq!(ask("quit"), "OK quit");
        assert!(child.wait().unwrap().success());
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn command_line_over_tcp_announces_the_address() {
        let mut child = Process::new(env!("CARGO_BIN_EXE_kiosk-sim"))
            .args([
                "printer",
                "--tcp",
                "127.0.0.1:0",
                "--rx-buffer",
                "64",
                "--baud",
                "9600",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.starts_with("TCP 127.0.0.1:"), "{first}");
        assert!(!first.ends_with(":0"), "{first}");
        writeln!(stdin, "quit").unwrap();
        assert_eq!(lines.next().unwrap().unwrap(), "OK quit");
        assert!(child.wait().unwrap().success());
    }
}
