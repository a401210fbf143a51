//! End to end: `kiosk print certificate --queue` renders the PDF and prints it through a real
//! cupsd (private to this test) on a raw socket queue; the device receives exactly the PDF, and the
//! kiosk reports "printed" only after CUPS completed the job. Needs root and Debian `cups`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    reason = "test helpers fail loudly; the shared cupsd support has helpers this test does not use"
)]

#[path = "../../../drivers/cups/tests/support/mod.rs"]
mod support;

use std::time::Duration;
use support::{Cupsd, device};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_printed_through_cups_only_when_completed() {
    let cupsd = Cupsd::start().await;
    let (port, received) = device().await;
    cupsd.add_raw_queue("kiosk-a4", port);
    let dir = kiosk_e2e::temp_dir("cups-cert");
    let pdf_path = dir.join("holder.pdf");
    let server = cupsd.server();
    let path = pdf_path.clone();
    let kiosk = tokio::task::spawn_blocking(move || {
        kiosk_e2e::kiosk(&[
            "print",
            "certificate",
            "--sample",
            "holder",
            "--out",
            path.to_str().unwrap(),
            "--queue",
            "kiosk-a4",
            "--cups-server",
            &server,
            "--timeout-s",
            "15",
        ])
    });
    let got = tokio::time::timeout(Duration::from_secs(20), received)
        .await
        .unwrap_or_else(|_| panic!("the device got nothing; cupsd log:\n{}", cupsd.log()))
        .unwrap();
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert!(
        got.bytes == pdf,
        "the device got {} bytes, the PDF is {}",
        got.bytes.len(),
        pdf.len()
    );
    // Only now may the job complete.
    got.release.send(()).unwrap();
    let out = kiosk.await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("printed (CUPS reports the job completed)"),
        "{stdout}"
    );
}
