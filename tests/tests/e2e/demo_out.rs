//! End to end: `kiosk demo --out DIR` drives scripted journeys headless and writes a screenshot
//! of every screen (both languages, both orientations), every printout and an index.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is no PNG",
        path.display()
    );
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn demo_writes_every_screen_and_printout() {
    let dir = kiosk_e2e::temp_dir("demo-out");
    let out = Command::new(kiosk_e2e::bin("kiosk"))
        .args([
            "demo",
            "--out",
            dir.to_str().unwrap(),
            "--flows",
            "records-elder,checkin",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("screenshots"), "{stdout}");

    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let files = index["files"].as_array().unwrap();
    // The index says where the synthetic full ID number stays: in the certificate PDFs only.
    let note = index["note"].as_str().unwrap();
    assert!(
        note.contains("Screenshots mask") && note.contains("certificate PDFs"),
        "{note}"
    );
    let screens = index["screens"].as_u64().unwrap();
    assert!(screens > 20, "{screens} screens");
    assert_eq!(index["screenshots"].as_u64().unwrap(), screens * 4);

    // zh and en of the same screen: (flow, step, orientation) -> [zh file, en file]
    let mut pairs: HashMap<(String, u64, String), Vec<(String, String)>> = HashMap::new();
    let mut pdfs = 0;
    let mut tickets = 0;
    let mut flows_seen = std::collections::HashSet::new();
    for f in files {
        let file = f["file"].as_str().unwrap();
        let path = dir.join(file);
        assert!(path.exists(), "{file} listed but missing");
        assert!(f["step"].as_u64().is_some() && f["screen"].as_str().is_some());
        flows_seen.insert(f["flow"].as_str().unwrap().to_owned());
        match f["kind"].as_str().unwrap() {
            "screen" => {
                let orientation = f["orientation"].as_str().unwrap();
                let lang = f["lang"].as_str().unwrap();
                let size = png_size(&path);
                match orientation {
                    "portrait" => assert_eq!(size, (1080, 1920), "{file}"),
                    "landscape" => assert_eq!(size, (1920, 1080), "{file}"),
                    other => panic!("orientation {other}"),
                }
                assert!(
                    file.ends_with(&format!("-{lang}-{orientation}.png")),
                    "{file}"
                );
                pairs
                    .entry((
                        f["flow"].as_str().unwrap().to_owned(),
                        f["step"].as_u64().unwrap(),
                        orientation.to_owned(),
                    ))
                    .or_default()
                    .push((lang.to_owned(), file.to_owned()));
            }
            "print" => {
                let bytes = std::fs::read(&path).unwrap();
                if file.ends_with(".pdf") {
                    assert!(bytes.starts_with(b"%PDF"), "{file}");
                    pdfs += 1;
                } else {
                    assert!(file.ends_with(".png"), "{file}");
                    let (w, h) = png_size(&path);
                    assert_eq!(w, 576, "80 mm tickets are 576 dots wide: {file}");
                    assert!(h > 200, "{file}");
                    tickets += 1;
                }
            }
            other => panic!("kind {other}"),
        }
    }
    assert_eq!(
        flows_seen,
        ["records-elder".to_owned(), "checkin".to_owned()].into()
    );
    assert_eq!(pdfs, 1, "the certificate of the records journey");
    assert_eq!(tickets, 2, "a walk-in ticket and a check-in slip");
    // Every screen in both languages, and the languages differ on screen.
    for ((flow, step, orientation), langs) in &pairs {
        assert_eq!(langs.len(), 2, "{flow} {step} {orientation}: {langs:?}");
        let zh = std::fs::read(dir.join(&langs.iter().find(|l| l.0 == "zh").unwrap().1)).unwrap();
        let en = std::fs::read(dir.join(&langs.iter().find(|l| l.0 == "en").unwrap().1)).unwrap();
        assert_ne!(
            zh, en,
            "{flow} {step} {orientation}: zh and en are the same"
        );
    }
    // The elder journey's screens are in elder mode and show the warning without a countdown.
    assert!(
        files
            .iter()
            .any(|f| f["flow"] == "records-elder" && f["elder"] == true)
    );
    for name in [
        "too-early",
        "too-late",
        "take-ticket",
        "take-certificate",
        "preview",
    ] {
        assert!(
            files.iter().any(|f| f["screen"].as_str() == Some(name)),
            "{name} missing"
        );
    }

    // An unknown journey is refused.
    let bad = Command::new(kiosk_e2e::bin("kiosk"))
        .args(["demo", "--out", dir.to_str().unwrap(), "--flows", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no journey"));
    let _ = std::fs::remove_dir_all(&dir);
}
