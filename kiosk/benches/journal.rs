//! Journal throughput: durable appends (one `synchronous=FULL` commit each), the chain's
//! verification, and batching for upload, over 10,000 entries.
//!
//! The append rate is also given as a ratio to the disk's floor on the same run: one
//! `fdatasync` per entry, the least a durable commit can cost. A session writes a few dozen
//! entries over minutes, so no budget is enforced on appends; `kiosk journal verify` should take
//! well under a second for a year of a busy kiosk (about 10,000 entries a day), so verification
//! must reach at least 100,000 entries a second or the process exits non-zero. The store file
//! lives under Cargo's target temp dir (a real disk, not a tmpfs), or under `JOURNAL_BENCH_DIR`.

#[path = "common/disk.rs"]
mod disk;

use disk::{fdatasync_rate, per_second};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use kiosk::store::Store;
use kiosk::store::journal::{ExitReason, JournalEvent, JournalFlow, NewEntry, PrintOutcome};
use time::OffsetDateTime;
use uuid::Uuid;

/// How many entries are appended and verified.
const ENTRIES: usize = 10_000;
/// The verification budget, in entries a second.
const VERIFY_BUDGET: f64 = 100_000.0;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("journal bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the measurements in a fresh directory; returns whether verification met its budget.
fn run() -> Result<bool, Box<dyn Error>> {
    let dir = std::env::var_os("JOURNAL_BENCH_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from)
        .join(format!("journal-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A session's typical entries, in turn.
fn event(i: usize) -> JournalEvent {
    match i % 5 {
        0 => JournalEvent::SessionStarted,
        1 => JournalEvent::StepEntered {
            step: "awaiting_card".to_owned(),
        },
        2 => JournalEvent::Outcome {
            outcome: "ticket_issued".to_owned(),
        },
        3 => JournalEvent::PrintResult {
            printer: "ticket".to_owned(),
            job: i.to_string(),
            outcome: PrintOutcome::Printed,
        },
        _ => JournalEvent::SessionEnded {
            exit: ExitReason::Done,
        },
    }
}

/// Measures the disk floor, appends, verification and batching in `dir`.
fn measure(dir: &Path) -> Result<bool, Box<dyn Error>> {
    let floor = fdatasync_rate(&dir.join("floor.bin"), ENTRIES / 4)?;
    let store = Store::open(dir.join("store.sqlite3"))?;
    let journal = store.journal();
    let start = OffsetDateTime::now_utc();

    let started = Instant::now();
    for i in 0..ENTRIES {
        journal.append(&NewEntry {
            at: start + time::Duration::milliseconds(i as i64),
            session: Uuid::from_u128((i / 5) as u128),
            kiosk: "BJ-CY-KIOSK-01",
            flow: JournalFlow::WalkIn,
            event: event(i),
        })?;
    }
    let append_rate = per_second(ENTRIES, started);

    let started = Instant::now();
    let count = journal.verify()?;
    let verify_rate = per_second(ENTRIES, started);
    if count != ENTRIES as u64 {
        return Err(format!("verify counted {count} entries, not {ENTRIES}").into());
    }

    let started = Instant::now();
    let mut batches = 0;
    while journal.enqueue_upload(100, 1_700_000_000_000)?.is_some() {
        batches += 1;
    }
    let batch_rate = per_second(ENTRIES, started);

    println!("journal bench: {ENTRIES} entries in {}", dir.display());
    println!("  disk floor (one fdatasync per entry):  {floor:>10.0} entries/s");
    println!(
        "  append (one durable commit each):      {append_rate:>10.0} entries/s ({:.2} x floor)",
        append_rate / floor
    );
    println!(
        "  verify (the whole chain):              {verify_rate:>10.0} entries/s (budget {VERIFY_BUDGET:.0})"
    );
    println!("  batch for upload ({batches} outbox records): {batch_rate:>10.0} entries/s");
    let ok = verify_rate >= VERIFY_BUDGET;
    if !ok {
        println!("  FAILED: verify is below its budget of {VERIFY_BUDGET:.0} entries/s");
    }
    Ok(ok)
}
