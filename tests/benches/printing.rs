//! Benchmark: printing.
//!
//! 1. The standard queue ticket: time to build the ESC/POS bytes and bytes on the wire, in raster
//!    and text mode, side by side in one run with python-escpos building the same ticket (same
//!    lines, same QR, same raster). Budgets: under 5 ms to build; under 2 KB in text mode.
//! 2. The A4 certificate PDF once fonts are loaded: one unit under 100 ms, ten units under 300 ms,
//!    under 100 KB a page.
//!
//! Run with `cargo bench -p kiosk-e2e --bench printing` (python-escpos is installed into
//! `target/bench-venv` from PyPI on first use). Exits non-zero when a budget is exceeded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark binary reports on stdout and fails loudly"
)]

use documents::certificate::{CertificateDoc, QueryResult, render_pdf};
use kiosk::printing::{Mode, PrinterProfile, encode_ticket};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;
use tickets::{Align, Capability, TextEncoding, TextModeOp};

const REPEATS: usize = 50;

fn median_ms(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn time<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    (median_ms(times), last.unwrap())
}

fn target_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-printing");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// python-escpos in a venv of its own, installed on first use.
fn python() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import escpos, PIL"])
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        let made = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status();
        if !made.is_ok_and(|s| s.success()) {
            return Err("python3 -m venv failed (Debian python3-venv)".into());
        }
        let pip = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "python-escpos",
                "pillow",
            ])
            .status();
        if !pip.is_ok_and(|s| s.success()) {
            return Err("pip install python-escpos failed".into());
        }
    }
    Ok(python)
}

fn tickets_bench() -> bool {
    let fonts = tickets::Fonts::load_default().unwrap();
    let ticket = tickets::Ticket::sample_queue();
    let layout = ticket.layout();
    let profile = PrinterProfile::default();
    let (raster_ms, raster) = time(REPEATS, || {
        encode_ticket(&layout, Mode::Raster, &profile, &fonts).unwrap()
    });
    let (text_ms, text) = time(REPEATS, || {
        encode_ticket(&layout, Mode::Text, &profile, &fonts).unwrap()
    });
    let ok = raster_ms < 5.0 && text_ms < 5.0 && text.len() < 2048;
    println!("standard queue ticket (80 mm), median of {REPEATS}:");
    println!(
        "  this project  raster: {raster_ms:7.3} ms, {:6} bytes | text: {text_ms:7.3} ms, {:5} bytes",
        raster.len(),
        text.len()
    );

    // The same ticket for python-escpos: the text-mode lines (full GB18030, so nothing falls back)
    // and the raster as a PNG.
    let capability = Capability {
        encoding: TextEncoding::Gb18030,
        native_qr: true,
        paper: tickets::PaperWidth::Mm80,
    };
    let ops: Vec<serde_json::Value> = tickets::render_text_mode(&layout, &capability, &fonts)
        .unwrap()
        .into_iter()
        .filter_map(|op| match op {
            TextModeOp::Text { text, size, align, bold } => Some(json!({
                "text": text,
                "size": size.get(),
                "align": match align { Align::Left => "left", Align::Center => "center", Align::Right => "right" },
                "bold": bold,
            })),
            TextModeOp::Qr { payload, .. } => Some(json!({"qr": payload})),
            _ => None,
        })
        .collect();
    let dir = target_dir();
    let lines = dir.join("queue-lines.json");
    std::fs::write(&lines, serde_json::to_vec(&ops).unwrap()).unwrap();
    let png = dir.join("queue.png");
    let raster_image = tickets::render_raster(&layout, tickets::PaperWidth::Mm80, &fonts).unwrap();
    std::fs::write(&png, raster_image.to_png().unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/python_escpos_ticket.py");
    match python() {
        Ok(python) => {
            let out = Command::new(python)
                .arg(script)
                .arg(&lines)
                .arg(&png)
                .arg(REPEATS.to_string())
                .output()
                .unwrap();
            // python-escpos prints warnings on stdout: the JSON is the last line.
            let stdout = String::from_utf8_lossy(&out.stdout);
            let last = stdout.lines().last().unwrap_or_default();
            match serde_json::from_str::<serde_json::Value>(last) {
                Ok(py) => println!(
                    "  python-escpos raster: {:7.3} ms, {:6} bytes | text: {:7.3} ms, {:5} bytes ({} lines it could not encode)",
                    py["raster_ms"].as_f64().unwrap_or(f64::NAN),
                    py["raster_bytes"],
                    py["text_ms"].as_f64().unwrap_or(f64::NAN),
                    py["text_bytes"],
                    py["unencodable_lines"],
                ),
                Err(_) => println!(
                    "  python-escpos comparison did not run: {}",
                    String::from_utf8_lossy(&out.stderr)
                        .lines()
                        .last()
                        .unwrap_or_default()
                ),
            }
        }
        Err(why) => println!("  python-escpos comparison did not run: {why}"),
    }
    println!(
        "  budgets: build < 5 ms, text mode < 2 KB: {}",
        if ok { "met" } else { "EXCEEDED" }
    );
    ok
}

fn pages(pdf: &[u8], name: &str) -> usize {
    let path = target_dir().join(name);
    std::fs::write(&path, pdf).unwrap();
    let info = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (Debian poppler-utils)");
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap()
}

fn certificate_bench() -> bool {
    let fonts = documents::fonts::Fonts::load_default().unwrap();
    let mut ok = true;
    for (units, budget_ms) in [(1usize, 100.0), (10, 300.0)] {
        let mut doc = CertificateDoc::sample_holder();
        if let QueryResult::Units(list) = &mut doc.result {
            let first = list[0].clone();
            list.clear();
            list.extend(std::iter::repeat_n(first, units));
        }
        let (ms, pdf) = time(10, || render_pdf(&doc, &fonts).unwrap());
        let n = pages(&pdf, &format!("certificate-{units}.pdf"));
        let per_page = pdf.len() / n;
        let met = ms < budget_ms && per_page < 100 * 1024;
        ok &= met;
        println!(
            "certificate, {units} unit(s): {ms:.1} ms (budget {budget_ms} ms), {} bytes, {n} pages, {per_page} bytes a page (budget 100 KB): {}",
            pdf.len(),
            if met { "met" } else { "EXCEEDED" }
        );
    }
    ok
}

fn main() -> ExitCode {
    let ok = tickets_bench() & certificate_bench();
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
