//! The kiosk's software time in a scripted records session (query and certificate) against the
//! in-process simulators at real device speed, with no citizen think time; and memory over many
//! sessions.
//!
//! Software time = the session's wall time minus what the devices and central take: the reader
//! (from placing the card to the card read: poll interval and wire time at 115200 baud), the face
//! check (the camera's own pace; a stand-in here), central round trips (loopback wire and the
//! simulator's own time) and printing (the PDF written). Budget 2 s.
//!
//! Memory over `SESSIONS` sessions (default 1000), sampled every 100: RSS, the Rust heap (a
//! counting global allocator), the whole malloc heap (glibc `mallinfo2`, C libraries included)
//! and SQLite's share. Budgets: RSS after the last session at most 16 MB above the RSS after the
//! first 100, and the live malloc heap outside SQLite flat (under 1 % growth over the last half
//! of the sessions). SQLite's share is reported apart and split at the end between the kiosk
//! store's page cache and the central simulator's in-memory database; it is exact: the bench
//! gives SQLite glibc's malloc as its allocator, so SQLite's own count plus one chunk header per
//! live allocation is what it holds of the heap. The RSS includes the in-process simulators
//! (central with its SQLite, reader, printer), which a hall kiosk does not carry.
//! `TRIM=1` calls `malloc_trim` after every session (to tell live heap from glibc's kept free
//! chunks). Exits non-zero when a budget is exceeded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails loudly"
)]

#[path = "common/heap.rs"]
mod heap;

use heap::{Snapshot, mb, mb_kb};
use kiosk::app::camera::StandInCamera;
use kiosk::app::flows::{ButtonId, FlowKind, Intent, ScreenId};
use kiosk::app::rig::{DemoCamera, DemoRig, RigOptions};
use kiosk::app::{DeviceTime, DriverHandle};
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(2);
const RSS_GROWTH_BUDGET_KB: u64 = 16 * 1024;
/// Live-heap growth allowed over the last half of the sessions, percent.
const HEAP_GROWTH_BUDGET_PCT: f64 = 1.0;
const PATIENCE: Duration = Duration::from_secs(60);
/// Sessions between memory samples.
const SAMPLE_EVERY: usize = 100;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

async fn at(driver: &DriverHandle, id: ScreenId) -> Instant {
    let v = driver
        .wait_for(PATIENCE, |v| v.screen.id == id && !v.screen.busy)
        .await;
    assert_eq!(v.screen.id, id, "waiting for {id:?}: {:?}", v.screen.id);
    Instant::now()
}

/// One records session; returns (wall time, reader time).
async fn session(rig: &DemoRig, driver: &DriverHandle) -> (Duration, Duration) {
    let started = Instant::now();
    driver.intent(Intent::Start(FlowKind::Records)).await;
    at(driver, ScreenId::RecordsKind).await;
    driver.intent(Intent::Press(ButtonId::OwnershipQuery)).await;
    at(driver, ScreenId::Consent).await;
    driver.intent(Intent::Press(ButtonId::Accept)).await;
    at(driver, ScreenId::PlaceCard).await;
    let placed = Instant::now();
    rig.idcard
        .run(
            kiosk_sim::idcard::Script::parse("place resident")
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    let read = driver
        .wait_for(PATIENCE, |v| v.screen.id != ScreenId::PlaceCard)
        .await;
    let reader = placed.elapsed();
    assert_ne!(read.screen.id, ScreenId::PlaceCard);
    at(driver, ScreenId::Purpose).await;
    driver.intent(Intent::Select(1)).await;
    at(driver, ScreenId::Units).await;
    driver.intent(Intent::Select(0)).await;
    at(driver, ScreenId::UnitDetail).await;
    driver.intent(Intent::Press(ButtonId::Certificate)).await;
    at(driver, ScreenId::Preview).await;
    driver.intent(Intent::Press(ButtonId::Print)).await;
    at(driver, ScreenId::TakeCertificate).await;
    driver.intent(Intent::Press(ButtonId::Done)).await;
    at(driver, ScreenId::Idle).await;
    let wall = started.elapsed();
    rig.idcard
        .run(kiosk_sim::idcard::Script::parse("lift").unwrap().unwrap())
        .await
        .unwrap();
    // The reader polls every 250 ms: let it see the card gone before the next citizen's card.
    tokio::time::sleep(Duration::from_millis(300)).await;
    (wall, reader)
}

fn minus(a: DeviceTime, b: DeviceTime) -> DeviceTime {
    DeviceTime {
        central: a.central.saturating_sub(b.central),
        print: a.print.saturating_sub(b.print),
        face: a.face.saturating_sub(b.face),
        central_calls: a.central_calls - b.central_calls,
        prints: a.prints - b.prints,
    }
}

async fn start(
    pace: bool,
    dir: &std::path::Path,
) -> (DemoRig, DriverHandle, std::sync::Arc<kiosk::store::Store>) {
    let mut options = RigOptions::demo(dir.to_owned());
    options.pace = pace;
    options.reader_warmup = Duration::ZERO;
    options.camera = DemoCamera::StandIn(StandInCamera::passing(Duration::ZERO));
    let rig = DemoRig::start(options).await.unwrap();
    let (mut config, parts) = rig.parts().unwrap();
    let store = std::sync::Arc::clone(&parts.store);
    config.monitor_interval = Duration::from_secs(5);
    let driver = kiosk::app::spawn(config, parts).unwrap();
    driver
        .wait_for(PATIENCE, |v| {
            !v.starting && v.screen.items.iter().all(|i| i.enabled)
        })
        .await;
    (rig, driver, store)
}

fn main() {
    // SQLite on glibc's malloc, so that its share of the heap is known exactly.
    heap::sqlite_on_malloc();
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let sessions: usize = std::env::var("SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("kiosk-bench-session-{}", std::process::id()));
    let ok = runtime.block_on(async {
        // 1. Software time at real device speed.
        let (rig, driver, _) = start(true, &dir.join("paced")).await;
        session(&rig, &driver).await; // warm-up: connections, fonts, caches
        let mut soft = Vec::new();
        for _ in 0..5 {
            let before = driver.device_time();
            let (wall, reader) = session(&rig, &driver).await;
            let d = minus(driver.device_time(), before);
            let software = wall
                .saturating_sub(reader)
                .saturating_sub(d.face)
                .saturating_sub(d.central)
                .saturating_sub(d.print);
            println!(
                "records session: wall {:>6.1} ms = reader {:>6.1} + face {:>5.1} + central {:>6.1} ({} calls) + print {:>5.1} + software {:>6.1} ms",
                ms(wall),
                ms(reader),
                ms(d.face),
                ms(d.central),
                d.central_calls,
                ms(d.print),
                ms(software)
            );
            soft.push(software);
        }
        driver.shutdown().await;
        rig.shutdown().await;
        soft.sort();
        let median = soft[soft.len() / 2];
        let within = median <= BUDGET;
        println!(
            "software time per records session: median {:.1} ms (budget {} ms) {}",
            ms(median),
            BUDGET.as_millis(),
            if within { "OK" } else { "OVER BUDGET" }
        );

        // 2. Memory over many sessions (devices unpaced: the software is what allocates).
        let trim = std::env::var("TRIM").is_ok_and(|v| v == "1");
        let (rig, driver, store) = start(false, &dir.join("memory")).await;
        let t0 = Instant::now();
        let mut samples: Vec<(usize, Snapshot)> = vec![(0, Snapshot::take())];
        println!(
            "memory over {sessions} sessions{}: MB  (RSS = resident set; malloc live/held = glibc \
             mallinfo2, all callers; rust = counting allocator; sqlite = SQLite's share of the malloc heap)",
            if trim { ", malloc_trim after each" } else { "" }
        );
        print_sample(0, &samples[0].1);
        for i in 1..=sessions {
            session(&rig, &driver).await;
            if trim {
                heap::trim();
            }
            if i % SAMPLE_EVERY == 0 || i == sessions {
                let s = Snapshot::take();
                print_sample(i, &s);
                samples.push((i, s));
            }
        }
        let elapsed = t0.elapsed();
        // Whose SQLite memory: the kiosk store's page cache is what release_memory frees; the
        // rest is the central simulator's in-memory database.
        let before = Snapshot::take().sqlite_live;
        store.release_memory().unwrap();
        let after = Snapshot::take().sqlite_live;
        println!(
            "SQLite at the end: {:.2} MB in all connections; the kiosk store's page cache {:.2} MB \
             (freed by Store::release_memory), the rest {:.2} MB (the central simulator's \
             in-memory database)",
            mb(before),
            mb(before.saturating_sub(after)),
            mb(after)
        );
        driver.shutdown().await;
        rig.shutdown().await;
        let flat = memory_verdict(&samples, elapsed);
        within && flat
    });
    let _ = std::fs::remove_dir_all(&dir);
    if !ok {
        std::process::exit(1);
    }
}

fn print_sample(i: usize, s: &Snapshot) {
    println!(
        "  {i:>5} sessions: RSS {:>6.1}  malloc live {:>6.1} held {:>6.1}  rust live {:>6.1} \
         ({} allocs)  sqlite {:>5.1}",
        mb_kb(s.rss_kb),
        mb(s.malloc_live),
        mb(s.malloc_held),
        mb(s.rust_live),
        s.rust_allocs,
        mb(s.sqlite_heap()),
    );
}

/// The sample taken at (or last before) `n` sessions, with its session count.
fn at_or_before(samples: &[(usize, Snapshot)], n: usize) -> (usize, Snapshot) {
    samples
        .iter()
        .rev()
        .find(|(i, _)| *i <= n)
        .copied()
        .unwrap_or_default()
}

fn delta_mb(a: u64, b: u64) -> f64 {
    (b as f64 - a as f64) / (1024.0 * 1024.0)
}

/// Prints the verdict; true when within budget.
fn memory_verdict(samples: &[(usize, Snapshot)], elapsed: Duration) -> bool {
    let Some(&(last_n, last)) = samples.last() else {
        return true;
    };
    let (_, first) = at_or_before(samples, SAMPLE_EVERY.min(last_n));
    let rss_growth = last.rss_kb.saturating_sub(first.rss_kb);
    let rss_ok = rss_growth <= RSS_GROWTH_BUDGET_KB;
    // The last quarter, as a per-250-session rate.
    let (q_n, q) = at_or_before(samples, last_n - last_n / 4);
    let per_250 = |d: f64| d * 250.0 / (last_n - q_n).max(1) as f64;
    // The last half: the live heap must be flat.
    let (_, h) = at_or_before(samples, last_n - last_n / 2);
    let pct = |a: u64, b: u64| (b as f64 - a as f64) * 100.0 / (a.max(1) as f64);
    // SQLite's pages are left out: the in-process central simulator keeps its database in
    // memory, so it grows with every record stored; the kiosk store's cache is bounded.
    let outside = |s: &Snapshot| s.malloc_live.saturating_sub(s.sqlite_heap());
    let heap_pct = pct(outside(&h), outside(&last));
    let heap_ok = heap_pct < HEAP_GROWTH_BUDGET_PCT;
    println!(
        "memory verdict after {last_n} sessions ({:.0} s): last quarter per 250 sessions: \
         RSS {:+.2} MB, malloc live {:+.2} MB (outside SQLite {:+.2} MB), rust live {:+.2} MB, \
         sqlite {:+.2} MB; last half: live heap outside SQLite {:+.2} % (rust {:+.2} %) -> live \
         heap {}; RSS {:.1} MB after {} -> {:.1} MB after {last_n}, growth {:.1} MB \
         (budget {} MB) {}",
        elapsed.as_secs_f64(),
        per_250(mb_kb(last.rss_kb) - mb_kb(q.rss_kb)),
        per_250(delta_mb(q.malloc_live, last.malloc_live)),
        per_250(delta_mb(outside(&q), outside(&last))),
        per_250(delta_mb(q.rust_live, last.rust_live)),
        per_250(delta_mb(q.sqlite_heap(), last.sqlite_heap())),
        heap_pct,
        pct(h.rust_live, last.rust_live),
        if heap_ok { "FLAT" } else { "GROWING" },
        mb_kb(first.rss_kb),
        SAMPLE_EVERY.min(last_n),
        mb_kb(last.rss_kb),
        mb_kb(rss_growth),
        RSS_GROWTH_BUDGET_KB / 1024,
        if rss_ok && heap_ok {
            "OK"
        } else {
            "OVER BUDGET"
        }
    );
    rss_ok && heap_ok
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
