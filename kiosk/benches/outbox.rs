//! Outbox throughput: durable enqueue, and replay to a central that confirms at once.
//!
//! Budget: replay of at least 1,000 records a second; the process exits non-zero below it.
//! Both figures are also given as a ratio to the disk's floor on the same run: one `fdatasync`
//! per record, the least a durable commit can cost. The store file lives under Cargo's target
//! temp dir (a real disk, not a tmpfs), or under `OUTBOX_BENCH_DIR` if that is set.

#[path = "common/disk.rs"]
mod disk;

use disk::{fdatasync_rate, per_second};
use std::error::Error;
use std::future::{Future, ready};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use kiosk::store::{
    Deliver, Delivered, DeliveryError, Method, NewRecord, OutboxKind, OutboxRecord, Store, replay,
};

/// How many records each phase handles.
const RECORDS: usize = 5_000;
/// The replay budget, in records a second.
const REPLAY_BUDGET: f64 = 1_000.0;
/// A body the size of a typical rating or check-in, in bytes.
const BODY_BYTES: usize = 300;

/// A central that confirms every record at once and counts them.
struct InstantCentral {
    delivered: usize,
}

impl Deliver for InstantCentral {
    fn deliver(
        &mut self,
        _record: &OutboxRecord,
    ) -> impl Future<Output = Result<Delivered, DeliveryError>> + Send {
        self.delivered += 1;
        ready(Ok(Delivered::Applied))
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("outbox bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the three measurements; returns whether replay met its budget.
fn run() -> Result<bool, Box<dyn Error>> {
    let dir = std::env::var_os("OUTBOX_BENCH_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from)
        .join(format!("outbox-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Measures the disk floor, enqueue and replay in `dir`.
fn measure(dir: &Path) -> Result<bool, Box<dyn Error>> {
    let floor = fdatasync_rate(&dir.join("floor.bin"), RECORDS)?;

    let store = Store::open(dir.join("store.sqlite3"))?;
    let body = vec![b'x'; BODY_BYTES];
    let started = Instant::now();
    for i in 0..RECORDS {
        store.enqueue(&NewRecord {
            kind: OutboxKind::Rating,
            idempotency_key: format!("bench-{i}"),
            method: Method::Post,
            path: "/v1/ratings".to_owned(),
            body: body.clone(),
            created_at_ms: 1_700_000_000_000,
        })?;
    }
    let enqueue_rate = per_second(RECORDS, started);

    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let mut central = InstantCentral { delivered: 0 };
    let started = Instant::now();
    let report = runtime.block_on(replay(&store, &mut central, 1_700_000_000_000, usize::MAX))?;
    let replay_rate = per_second(RECORDS, started);
    if report.delivered != RECORDS as u64 || report.remaining != 0 || central.delivered != RECORDS {
        return Err(format!("replay did not deliver every record: {report:?}").into());
    }

    println!(
        "outbox bench: {RECORDS} records of {BODY_BYTES} bytes in {}",
        dir.display()
    );
    println!("  disk floor (one fdatasync per record): {floor:>9.0} records/s");
    println!(
        "  enqueue (one durable commit each):     {enqueue_rate:>9.0} records/s ({:.2} x floor)",
        enqueue_rate / floor
    );
    println!(
        "  replay  (one durable delete each):     {replay_rate:>9.0} records/s ({:.2} x floor, budget {REPLAY_BUDGET:.0})",
        replay_rate / floor
    );
    let ok = replay_rate >= REPLAY_BUDGET;
    if !ok {
        println!("  FAILED: replay is below its budget of {REPLAY_BUDGET:.0} records/s");
    }
    Ok(ok)
}
