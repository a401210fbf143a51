//! End to end: the `kiosk print` diagnostics write real files an installer can check.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use kiosk_e2e::kiosk;
use std::process::Command;

#[test]
fn sample_certificate_pdf_has_extractable_rare_characters() {
    let dir = kiosk_e2e::temp_dir("print-cert");
    let pdf = dir.join("holder.pdf");
    let out = kiosk(&[
        "print",
        "certificate",
        "--sample",
        "holder",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (Debian poppler-utils) missing: {e}"));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("不动产登记资料查询结果证明"), "{text}");
    assert!(text.contains('𠮷'), "{text}");
}

#[test]
fn sample_ticket_png_has_the_paper_width() {
    let dir = kiosk_e2e::temp_dir("print-ticket");
    for (paper, width) in [("80", "576"), ("58", "384")] {
        let png = dir.join(format!("queue-{paper}.png"));
        let out = kiosk(&[
            "print",
            "ticket",
            "--sample",
            "queue",
            "--paper",
            paper,
            "--png",
            png.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("{width} x ")), "{stdout}");
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    }
    let bad = kiosk(&[
        "print",
        "ticket",
        "--sample",
        "queue",
        "--paper",
        "70",
        "--png",
        "/tmp/x.png",
    ]);
    assert_eq!(bad.status.code(), Some(1));
}
