//! `outbox-worker`: a helper for the outbox crash test (`kiosk/tests/outbox_crash.rs`), not a
//! tool for installers.
//!
//! ```text
//! outbox-worker enqueue DB N [PAUSE_MS]
//! outbox-worker replay DB CENTRAL_DB [PAUSE_MS [before|after]]
//! ```
//!
//! `enqueue` puts records with keys `k-0` .. `k-{N-1}` into the outbox at `DB`, skipping keys that
//! are already there (so a restarted worker goes on where the killed one stopped), prints
//! `enqueued KEY` after each durable enqueue, and pauses `PAUSE_MS` after each.
//!
//! `replay` replays the outbox to a fake central: another SQLite file whose `applied` table holds
//! each key once, with the number of deliveries of that key and the order in which keys were first
//! applied. It prints `delivered KEY` once central's commit is durable; the pause goes before
//! central applies the record, or after it (the window between central's confirmation and the
//! outbox removal, where a kill causes a re-send). Both modes print `done` at the end.

use std::error::Error;
use std::future::{Future, ready};
use std::process::ExitCode;
use std::thread::sleep;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kiosk::store::{
    Deliver, Delivered, DeliveryError, Method, NewRecord, OutboxKind, OutboxRecord, Store,
    StoreError, replay,
};
use rusqlite::Connection;

/// How many records one replay call handles before the worker reports progress to itself.
const REPLAY_CHUNK: usize = 64;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("outbox-worker: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches on the mode.
fn run(args: &[String]) -> Result<(), Box<dyn Error>> {
    let arg = |i: usize| args.get(i).map(String::as_str);
    let pause = |i: usize| -> Result<Duration, Box<dyn Error>> {
        Ok(Duration::from_millis(arg(i).map_or(Ok(0), str::parse)?))
    };
    match (arg(0), arg(1), arg(2)) {
        (Some("enqueue"), Some(db), Some(n)) => enqueue(db, n.parse()?, pause(3)?),
        (Some("replay"), Some(db), Some(central)) => {
            let after = match arg(4) {
                None | Some("before") => false,
                Some("after") => true,
                Some(other) => {
                    return Err(format!("pause must be before or after, not {other}").into());
                }
            };
            replay_all(db, central, pause(3)?, after)
        }
        _ => Err("usage: outbox-worker enqueue DB N [PAUSE_MS] | \
                  replay DB CENTRAL_DB [PAUSE_MS [before|after]]"
            .into()),
    }
}

/// Enqueues `k-0` .. `k-{n-1}`, skipping keys already present.
fn enqueue(db: &str, n: usize, pause: Duration) -> Result<(), Box<dyn Error>> {
    let store = Store::open(db)?;
    for i in 0..n {
        let key = format!("k-{i}");
        let record = NewRecord {
            kind: OutboxKind::Rating,
            idempotency_key: key.clone(),
            method: Method::Post,
            path: "/v1/ratings".to_owned(),
            body: format!(r#"{{"key":"{key}","stars":5}}"#).into_bytes(),
            created_at_ms: now_ms(),
        };
        match store.enqueue(&record) {
            Ok(_) => println!("enqueued {key}"),
            Err(StoreError::DuplicateKey { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
        sleep(pause);
    }
    println!("done");
    Ok(())
}

/// Replays the whole outbox to the fake central at `central`.
fn replay_all(db: &str, central: &str, pause: Duration, after: bool) -> Result<(), Box<dyn Error>> {
    let store = Store::open(db)?;
    let mut central = FakeCentral::open(central, pause, after)?;
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    loop {
        let report = runtime.block_on(replay(&store, &mut central, now_ms(), REPLAY_CHUNK))?;
        if let Some(reason) = central.failure.take() {
            return Err(reason.into());
        }
        if report.remaining == 0 {
            break;
        }
        if report.stopped_by.is_some() && report.delivered == 0 && report.rejected == 0 {
            return Err(format!("replay made no progress: {report:?}").into());
        }
    }
    println!("done");
    Ok(())
}

/// Central as the crash test sees it: applies each key once and counts deliveries.
struct FakeCentral {
    /// The fake central's own database.
    conn: Connection,
    /// How long to pause per record.
    pause: Duration,
    /// Whether the pause comes after central's commit (else before it).
    after: bool,
    /// A failure of central's own database, which the deliverer cannot return as a store error.
    failure: Option<String>,
}

impl FakeCentral {
    /// Opens (creating) central's database, durable like a real server's.
    fn open(path: &str, pause: Duration, after: bool) -> Result<Self, rusqlite::Error> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS applied (
                 key         TEXT    PRIMARY KEY,
                 deliveries  INTEGER NOT NULL,
                 first_order INTEGER NOT NULL
             )",
        )?;
        Ok(Self {
            conn,
            pause,
            after,
            failure: None,
        })
    }

    /// Applies `key` (or counts a repeated delivery); returns how often it was delivered.
    fn apply(&self, key: &str) -> Result<i64, rusqlite::Error> {
        self.conn.query_row(
            "INSERT INTO applied (key, deliveries, first_order)
             VALUES (?1, 1, (SELECT COALESCE(MAX(first_order), 0) + 1 FROM applied))
             ON CONFLICT (key) DO UPDATE SET deliveries = deliveries + 1
             RETURNING deliveries",
            [key],
            |row| row.get(0),
        )
    }
}

impl Deliver for FakeCentral {
    fn deliver(
        &mut self,
        record: &OutboxRecord,
    ) -> impl Future<Output = Result<Delivered, DeliveryError>> + Send {
        if !self.after {
            sleep(self.pause);
        }
        let answer = match self.apply(&record.idempotency_key) {
            Ok(1) => Ok(Delivered::Applied),
            Ok(_) => Ok(Delivered::AlreadyApplied),
            Err(e) => {
                self.failure = Some(format!("fake central: {e}"));
                Err(DeliveryError::Retryable {
                    reason: e.to_string(),
                    retry_after_ms: None,
                })
            }
        };
        if answer.is_ok() {
            println!("delivered {}", record.idempotency_key);
            if self.after {
                sleep(self.pause);
            }
        }
        ready(answer)
    }
}

/// The wall clock in unix milliseconds.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
