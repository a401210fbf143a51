//! End to end, as separate processes: the `kiosk` binary on a configuration file, its devices
//! being `kiosk-sim` processes (central on loopback HTTP, the ID-card reader and the ticket
//! printer on pseudo-terminals) and a recording of the simulator's cooperative citizen
//! (`kiosk-sim camera`), driven through the kiosk's text console (stdin commands, one screen per
//! block on stdout): a records query that prints a certificate, then an appointment check-in by
//! ID card that prints a queue ticket. Afterwards the journal verifies and the card's full ID
//! number is in neither the kiosk's output nor its store.
//!
//! Needs the face photos (`KIOSK_FACE_PHOTOS`) and the YuNet model (`KIOSK_YUNET_MODEL`): the
//! recording is judged by the real face pipeline. Without them the test prints that it did not
//! run, and fails instead when `KIOSK_REQUIRE_FACE_DATA=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use kiosk_e2e::console::{Hall, Kiosk, Proc, STEP};
use kiosk_e2e::{PHOTOS_ENV, YUNET_ENV, face_data, temp_dir};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// `DEMO holder card=resident ...` from central's `demo` command: the holder's full ID number
/// and the slot start (`HH:MM`) of their appointment open for check-in now.
fn resident_holder(central: &mut Proc) -> (String, String) {
    let lines = central.command("demo");
    let line = lines
        .iter()
        .find(|l| l.starts_with("DEMO holder card=resident "))
        .unwrap_or_else(|| panic!("no resident holder in {lines:?}"));
    let field = |key: &str| {
        line.split(' ')
            .find_map(|w| w.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key} in {line}"))
            .to_owned()
    };
    let id = field("id=");
    // now=<booking code>:<series>@HH:MM
    let now = field("now=");
    let (_, hm) = now
        .split_once('@')
        .unwrap_or_else(|| panic!("no slot in {now}"));
    (id, hm.to_owned())
}

/// Files in `dir` with extension `ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Polls (every 20 ms, up to [`STEP`]) until `dir` holds `n` files with extension `ext`.
fn wait_files(dir: &Path, ext: &str, n: usize) -> Vec<PathBuf> {
    let deadline = Instant::now() + STEP;
    loop {
        let found = files(dir, ext);
        if found.len() >= n || Instant::now() > deadline {
            assert_eq!(found.len(), n, "{ext} files in {}", dir.display());
            return found;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn records_query_and_check_in_sessions_against_simulator_processes() {
    let test = "records_query_and_check_in_sessions_against_simulator_processes";
    let (Some(photos), Some(model)) = (face_data(PHOTOS_ENV, test), face_data(YUNET_ENV, test))
    else {
        return;
    };
    let started = Instant::now();
    let dir = temp_dir("e2e-processes");

    // The devices, each its own process; the citizen recorded; the configuration: certificates
    // as PDF files, tickets in text mode so the printer simulator's sidecar carries the text.
    let mut hall = Hall::start(&dir, &photos, &model, Some("text"));
    assert!(
        hall.central_url.starts_with("http://127.0.0.1:"),
        "{}",
        hall.central_url
    );
    let (full_id, slot) = resident_holder(&mut hall.central);
    assert_eq!(full_id.len(), 18, "a resident ID number: {full_id}");
    let recorded = started.elapsed();
    let (pdf_dir, state, tickets) = (dir.join("pdf"), dir.join("state"), hall.tickets.clone());

    // The kiosk, on the text console.
    let mut command = hall.kiosk_command(&[]);
    command.env("RUST_LOG", "debug");
    let mut reader = hall.reader;
    let mut kiosk = Kiosk::new(Proc::spawn("kiosk", command));
    kiosk.idle_in_service();
    let ready = started.elapsed();

    // Records query: 权属查询, consent, card, face, purpose, units, a unit, certificate, print.
    kiosk.send("start 0");
    let s = kiosk.at("RecordsKind");
    kiosk.press(&s, "OwnershipQuery");
    kiosk.accept_and_place_card(&mut reader);
    let s = kiosk.at("Purpose");
    assert!(
        kiosk.seen.iter().any(|id| id == "FaceCheck"),
        "{:?}",
        kiosk.seen
    );
    assert!(s.items().len() > 1, "{s:#?}");
    kiosk.send("select 1");
    let s = kiosk.at("Units");
    assert!(!s.items().is_empty(), "{s:#?}");
    kiosk.send("select 0");
    let s = kiosk.at("UnitDetail");
    kiosk.press(&s, "Certificate");
    let s = kiosk.at("Preview");
    kiosk.press(&s, "Print");
    let s = kiosk.at("TakeCertificate");
    assert!(s.header.contains("请取走证明和身份证"), "{}", s.header);
    let pdfs = wait_files(&pdf_dir, "pdf", 1);
    let pdf = std::fs::read(&pdfs[0]).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "{}", pdfs[0].display());
    assert!(pdf.len() > 10_000, "a certificate of {} bytes", pdf.len());
    assert!(
        pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF"),
        "the PDF is complete"
    );
    // The citizen takes the card: the session ends.
    reader.command("lift");
    kiosk.wait_for("the idle screen after the card was taken", |s| {
        s.id == "Idle" && !s.busy()
    });
    let records_done = started.elapsed();

    // Check-in by ID card: consent, card, face, today's appointments, the one open now.
    kiosk.send("start 1");
    let s = kiosk.at("CheckInMethod");
    kiosk.press(&s, "UseCard");
    kiosk.accept_and_place_card(&mut reader);
    let s = kiosk.at("Appointments");
    let items = s.items();
    let chosen = items
        .iter()
        .position(|item| item.contains(&format!("{slot}-")))
        .unwrap_or_else(|| panic!("no appointment at {slot} in {s:#?}"));
    kiosk.send(&format!("select {chosen}"));
    let s = kiosk.at("TakeTicket");
    let number = s
        .lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("排队号 "))
        .unwrap_or_else(|| panic!("no queue number on {s:#?}"))
        .trim()
        .to_owned();
    assert!(
        number.len() >= 2 && number.chars().skip(1).all(|c| c.is_ascii_digit()),
        "queue number {number:?}"
    );
    let pngs = wait_files(&tickets, "png", 1);
    let png = std::fs::read(&pngs[0]).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{}",
        pngs[0].display()
    );
    let sidecar: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pngs[0].with_extension("json")).unwrap()).unwrap();
    let text = sidecar["text"].as_str().unwrap_or_default();
    assert!(text.contains("您的排队号"), "{text}");
    assert!(
        text.contains(&number),
        "queue number {number} on the ticket: {text}"
    );
    assert!(
        !text.contains(&full_id),
        "the full ID number on the ticket: {text}"
    );
    kiosk.send("home");
    kiosk.at("Idle");
    reader.command("lift");
    let check_in_done = started.elapsed();

    // Shut down: `quit` ends the kiosk cleanly (the store closed, the WAL checkpointed).
    kiosk.send("quit");
    assert_eq!(
        kiosk.proc.wait_exit(STEP),
        Some(0),
        "{}",
        kiosk.proc.stderr_text()
    );

    // The journal's hash chain is intact, and holds both sessions.
    let db = state.join("kiosk.sqlite");
    let out = kiosk_e2e::kiosk(&["journal", "verify", "--db", db.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let verdict: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(verdict["intact"], true, "{verdict}");
    let out = kiosk_e2e::kiosk(&[
        "journal",
        "tail",
        "-n",
        "1000",
        "--db",
        db.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let tail = String::from_utf8_lossy(&out.stdout);
    let entries: Vec<serde_json::Value> = tail
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        Some(entries.len() as u64),
        verdict["entries"].as_u64(),
        "every entry listed"
    );
    let sessions: std::collections::BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e["session_id"].as_str())
        .collect();
    assert!(sessions.len() >= 2, "two sessions: {sessions:?}");
    for kind in [
        "consent_given",
        "face_check",
        "print_result",
        "session_ended",
    ] {
        let n = entries
            .iter()
            .filter(|e| e["event"]["type"] == kind)
            .count();
        assert!(
            n >= 2,
            "{kind}: {n} entries, one per session expected:\n{tail}"
        );
    }

    // The card's full ID number: not in anything the kiosk printed, nor in its store.
    let printed = kiosk.proc.output();
    assert!(
        !printed.contains(&full_id),
        "the full ID number in the kiosk's output"
    );
    let mut store_files = 0;
    for entry in std::fs::read_dir(&state).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !contains(&bytes, full_id.as_bytes()),
            "the full ID number in {}",
            path.display()
        );
        store_files += 1;
    }
    assert!(store_files >= 1, "no store file in {}", state.display());
    assert!(
        !tail.contains(&full_id),
        "the full ID number in the journal"
    );

    println!(
        "video recorded {recorded:?}, kiosk ready {ready:?}, records query done \
         {records_done:?}, check-in done {check_in_done:?}, all {:?}; the kiosk printed {} \
         lines; screens: {}",
        started.elapsed(),
        printed.lines().count(),
        kiosk.seen.join(" ")
    );
    drop(kiosk);
    let _ = std::fs::remove_dir_all(&dir);
}
