//! End to end: `kiosk journal verify` and `kiosk journal tail` on a store file written by the
//! kiosk's journal, intact and after its bytes were changed on disk (as someone editing the file
//! would, past the database's append-only triggers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use kiosk::store::Store;
use kiosk::store::journal::{JournalEvent, JournalFlow, NewEntry, PrintOutcome};
use kiosk_e2e::kiosk;
use serde_json::Value;
use std::path::{Path, PathBuf};
use time::macros::datetime;
use uuid::Uuid;

/// A store with `n` entries; entry `i` (from 1) has the step `marker_step_{i:04}`.
fn store_with(name: &str, n: u32) -> (PathBuf, PathBuf) {
    let dir = kiosk_e2e::temp_dir(name);
    let db = dir.join("kiosk.sqlite3");
    let store = Store::open(&db).unwrap();
    for i in 1..=n {
        let event = if i % 2 == 0 {
            JournalEvent::PrintResult {
                printer: "ticket".into(),
                job: i.to_string(),
                outcome: PrintOutcome::Printed,
            }
        } else {
            JournalEvent::StepEntered {
                step: format!("marker_step_{i:04}"),
            }
        };
        store
            .journal()
            .append(&NewEntry {
                at: datetime!(2026-11-28 09:30 +08:00) + time::Duration::seconds(i.into()),
                session: Uuid::from_u128(u128::from(i / 4)),
                kiosk: "BJ-CY-KIOSK-01",
                flow: JournalFlow::RecordsQuery,
                event,
            })
            .unwrap();
    }
    // Closing the last connection checkpoints the WAL into the main file.
    drop(store);
    (dir, db)
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = kiosk(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn verify_reports_an_intact_chain_with_its_count() {
    let (dir, db) = store_with("cli-journal-intact", 25);
    let (code, stdout, stderr) = run(&["journal", "verify", "--db", text(&db)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("journal intact: 25 entries"), "{stdout}");
    let (code, stdout, _) = run(&["journal", "verify", "--db", text(&db), "--json"]);
    assert_eq!(code, Some(0));
    let json: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        (json["intact"].as_bool(), json["entries"].as_u64()),
        (Some(true), Some(25))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn tail_prints_the_last_entries_oldest_first() {
    let (dir, db) = store_with("cli-journal-tail", 12);
    let (code, stdout, stderr) = run(&["journal", "tail", "-n", "3", "--db", text(&db), "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, vec![10, 11, 12]);
    assert_eq!(lines[1]["event"]["step"], "marker_step_0011");
    assert_eq!(lines[2]["event"]["type"], "print_result");
    assert_eq!(lines[2]["prev_hash"], lines[1]["hash"]);
    assert_eq!(lines[0]["kiosk"], "BJ-CY-KIOSK-01");
    assert_eq!(lines[0]["time"], "2026-11-28T01:30:10.000Z");

    let (code, stdout, _) = run(&["journal", "tail", "--lines", "2", "--db", text(&db)]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].contains("11") && lines[0].contains("marker_step_0011"),
        "{stdout}"
    );
    assert!(lines[0].contains("records_query"), "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn verify_names_the_entry_whose_bytes_changed_on_disk() {
    let (dir, db) = store_with("cli-journal-tampered", 20);
    let mut bytes = std::fs::read(&db).unwrap();
    let marker = b"marker_step_0007";
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the entry's text is in the file");
    // One byte: "marker_step_0007" becomes "marker_step_0008" (still a well-formed entry).
    bytes[at + marker.len() - 1] = b'8';
    std::fs::write(&db, &bytes).unwrap();

    let (code, stdout, stderr) = run(&["journal", "verify", "--db", text(&db)]);
    assert_eq!(code, Some(1), "{stdout} {stderr}");
    assert!(stdout.contains("journal broken at entry 7"), "{stdout}");
    let (code, stdout, _) = run(&["journal", "verify", "--db", text(&db), "--json"]);
    assert_eq!(code, Some(1));
    let json: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(json["intact"], false);
    assert_eq!(json["seq"], 7);
    assert_eq!(json["reason"], "hash_mismatch");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_store_is_an_error_not_an_empty_journal() {
    let dir = kiosk_e2e::temp_dir("cli-journal-missing");
    let db = dir.join("nothing-here.sqlite3");
    for command in ["verify", "tail"] {
        let (code, _, stderr) = run(&["journal", command, "--db", text(&db)]);
        assert_eq!(code, Some(2), "{command}: {stderr}");
        assert!(stderr.contains("no kiosk store"), "{stderr}");
    }
    assert!(!db.exists(), "no store file was created");
    let _ = std::fs::remove_dir_all(dir);
}
