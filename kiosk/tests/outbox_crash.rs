//! The outbox survives `kill -9` in the middle of enqueueing and of replaying.
//!
//! Each round runs the `outbox-worker` helper: it enqueues 300 records and is killed (SIGKILL)
//! part-way, then restarted to completion; then it replays them to a fake central and is killed
//! part-way again, then restarted to completion. After each kill the files must show exactly what
//! a crash may leave (a prefix enqueued; central and the outbox overlapping by at most the one
//! record in flight), and at the end central must hold every key, applied once, in order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed step fails the test"
)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::Duration;

use kiosk::store::Store;
use rusqlite::Connection;

/// Records per round.
const N: usize = 300;
/// How long to wait for the worker's next line before the test fails.
const LINE_TIMEOUT: Duration = Duration::from_secs(60);

/// Where one round kills the worker, and how the worker paces itself.
struct Round {
    /// Kill the enqueueing worker after this many `enqueued` lines.
    enqueue_kill_after: usize,
    /// The enqueueing worker's pause after each record, in milliseconds.
    enqueue_pause_ms: u64,
    /// Kill the replaying worker after this many `delivered` lines.
    replay_kill_after: usize,
    /// The replaying worker's pause per record, in milliseconds, and where it goes.
    replay_pause: (u64, &'static str),
}

const ROUNDS: [Round; 3] = [
    // No pauses: the kills land wherever the worker is, most likely inside a commit.
    Round {
        enqueue_kill_after: 100,
        enqueue_pause_ms: 0,
        replay_kill_after: 100,
        replay_pause: (0, "before"),
    },
    // The replay kill lands between central's confirmation and the outbox removal.
    Round {
        enqueue_kill_after: 37,
        enqueue_pause_ms: 2,
        replay_kill_after: 150,
        replay_pause: (20, "after"),
    },
    // The replay kill lands before central applies the next record.
    Round {
        enqueue_kill_after: 211,
        enqueue_pause_ms: 1,
        replay_kill_after: 250,
        replay_pause: (5, "before"),
    },
];

#[test]
fn nothing_is_lost_or_applied_twice_across_kill_9() {
    for (index, round) in ROUNDS.iter().enumerate() {
        let dir = TempDir::new(index);
        let re_deliveries = run_round(round, &dir.0.join("outbox.db"), &dir.0.join("central.db"));
        println!(
            "round {index}: enqueue killed after {} lines, replay killed after {} lines; \
             {re_deliveries} re-delivery(ies), deduplicated by central",
            round.enqueue_kill_after, round.replay_kill_after
        );
    }
}

/// Runs one round; returns how many deliveries central deduplicated.
fn run_round(round: &Round, outbox: &Path, central: &Path) -> u64 {
    let all_keys: Vec<String> = (0..N).map(|i| format!("k-{i}")).collect();
    let (outbox_arg, central_arg) = (path_arg(outbox), path_arg(central));
    let n_arg = N.to_string();

    // Enqueue, killed part-way.
    let pause = round.enqueue_pause_ms.to_string();
    let worker = Worker::start(&["enqueue", &outbox_arg, &n_arg, &pause]);
    let printed = worker.read_lines_then_kill(round.enqueue_kill_after, "enqueued ");
    let present = outbox_keys(outbox);
    assert!(present.len() < N, "the kill came after the last enqueue");
    assert_eq!(
        present,
        all_keys[..present.len()],
        "the outbox holds a prefix, in order"
    );
    assert!(
        present.len() >= printed.len(),
        "every printed enqueue was durable"
    );
    assert_eq!(printed, all_keys[..printed.len()]);

    // Enqueue again, to completion: the restarted worker adds exactly the missing keys.
    let added = Worker::start(&["enqueue", &outbox_arg, &n_arg]).read_to_done("enqueued ");
    assert_eq!(added, all_keys[present.len()..]);
    assert_eq!(
        outbox_keys(outbox),
        all_keys,
        "each key exactly once, in order"
    );

    // Replay, killed part-way.
    let (ms, place) = round.replay_pause;
    let ms = ms.to_string();
    let replay_args = ["replay", &outbox_arg, &central_arg, &ms, place];
    let printed =
        Worker::start(&replay_args).read_lines_then_kill(round.replay_kill_after, "delivered ");
    assert_eq!(printed, all_keys[..printed.len()], "delivered in order");
    let applied = central_keys(central);
    let pending = outbox_keys(outbox);
    assert!(!pending.is_empty(), "the kill came after the last delivery");
    assert!(
        applied.len() >= printed.len(),
        "central's commits are durable"
    );
    assert_eq!(
        applied,
        all_keys[..applied.len()],
        "central applied a prefix, in order"
    );
    let first_pending = all_keys.len() - pending.len();
    assert_eq!(
        pending,
        all_keys[first_pending..],
        "the outbox holds a suffix, in order"
    );
    assert!(
        first_pending == applied.len() || first_pending + 1 == applied.len(),
        "nothing lost, and at most the record in flight is both confirmed and still queued \
         (applied {}, first pending k-{first_pending})",
        applied.len()
    );

    // Replay again, to completion (without pauses).
    let rest = Worker::start(&["replay", &outbox_arg, &central_arg]).read_to_done("delivered ");
    assert_eq!(
        rest,
        all_keys[first_pending..],
        "the restart goes on from the outbox head"
    );
    assert!(outbox_keys(outbox).is_empty(), "the outbox is empty");
    let store = Store::open(outbox).unwrap();
    assert_eq!(store.depth().unwrap(), 0);
    assert_eq!(store.dead_letter_count().unwrap(), 0);
    drop(store);

    let conn = Connection::open(central).unwrap();
    let applied = central_keys(central);
    assert_eq!(
        applied, all_keys,
        "central applied every key once, in the enqueue order"
    );
    let deliveries: i64 = conn
        .query_row("SELECT SUM(deliveries) FROM applied", [], |r| r.get(0))
        .unwrap();
    let re_deliveries = u64::try_from(deliveries).unwrap() - N as u64;
    assert!(
        re_deliveries <= 1,
        "one kill re-sends at most the record in flight"
    );
    let max_per_key: i64 = conn
        .query_row("SELECT MAX(deliveries) FROM applied", [], |r| r.get(0))
        .unwrap();
    assert!(max_per_key <= 2);
    re_deliveries
}

/// The keys waiting in the outbox, in replay order.
fn outbox_keys(outbox: &Path) -> Vec<String> {
    let store = Store::open(outbox).unwrap();
    store
        .pending(usize::MAX)
        .unwrap()
        .into_iter()
        .map(|record| record.idempotency_key)
        .collect()
}

/// The keys the fake central applied, in the order it first applied them.
fn central_keys(central: &Path) -> Vec<String> {
    if !central.exists() {
        return Vec::new();
    }
    let conn = Connection::open(central).unwrap();
    let mut stmt = conn
        .prepare("SELECT key FROM applied ORDER BY first_order")
        .unwrap();
    let keys: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let unique: BTreeSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len());
    keys
}

/// A path as a command-line argument.
fn path_arg(path: &Path) -> String {
    path.to_str().expect("temp paths are UTF-8").to_owned()
}

/// A running `outbox-worker`, killed when dropped (so a failing test leaves no process behind).
struct Worker {
    child: Child,
    lines: Receiver<String>,
}

impl Worker {
    /// Starts the worker with `args`, reading its standard output line by line.
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_outbox-worker"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start outbox-worker");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// The next line, failing the test after [`LINE_TIMEOUT`] or if the worker exits first.
    fn next_line(&self) -> String {
        match self.lines.recv_timeout(LINE_TIMEOUT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!("no line from outbox-worker in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("outbox-worker exited early"),
        }
    }

    /// Reads `n` lines starting with `prefix`, then kills the worker with SIGKILL; returns the
    /// keys those lines named.
    fn read_lines_then_kill(mut self, n: usize, prefix: &str) -> Vec<String> {
        let keys: Vec<String> = (0..n).map(|_| key_of(&self.next_line(), prefix)).collect();
        self.child.kill().expect("kill -9 outbox-worker");
        self.child.wait().expect("reap outbox-worker");
        keys
    }

    /// Reads lines starting with `prefix` until `done`, and checks the worker exits cleanly;
    /// returns the keys those lines named.
    fn read_to_done(mut self, prefix: &str) -> Vec<String> {
        let mut keys = Vec::new();
        loop {
            let line = self.next_line();
            if line == "done" {
                break;
            }
            keys.push(key_of(&line, prefix));
        }
        let status = self.child.wait().expect("wait for outbox-worker");
        assert!(status.success(), "outbox-worker failed: {status}");
        keys
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Already reaped on the normal paths; this is for a test that failed midway.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The key in a worker line `PREFIX KEY`.
fn key_of(line: &str, prefix: &str) -> String {
    line.strip_prefix(prefix)
        .unwrap_or_else(|| panic!("unexpected worker line {line:?}"))
        .to_owned()
}

/// A directory of its own under Cargo's target temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(round: usize) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("outbox-crash-{}-{round}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
