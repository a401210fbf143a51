//! The kiosk's software time in a scripted records session (query and certificate) against the
//! simulators at real device speed, with no citizen think time; and memory over many sessions.
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
//! store's page cache and the idle rig central simulator's seeded database; it is exact: the bench
//! gives SQLite glibc's malloc as its allocator, so SQLite's own count plus one chunk header per
//! live allocation is what it holds of the heap. The central simulator that answers the kiosk
//! runs in a child process (this bench re-run with `SESSION_BENCH_ROLE=central`), as central
//! does in a hall: its database grows with every query and certificate recorded, and that
//! growth is central's, not the kiosk's. The reader and printer simulators stay in process
//! (their state does not grow), and so does the demo rig's own central simulator, idle: nothing
//! talks to it. The RSS includes them, which a hall kiosk does not carry.
//!
//! glibc's per-thread caches (tcache) are turned off for this bench: the bench re-runs itself
//! with `GLIBC_TUNABLES=glibc.malloc.tcache_count=0` unless `GLIBC_TUNABLES` already sets
//! `tcache_count`. A chunk freed into a thread's cache still counts as in use in `mallinfo2`
//! (glibc 2.36: 7 chunks of 200 bytes malloc'd and freed leave `uordblks` at 2112 with the
//! cache, 656 without), so with the caches on, their slow filling, bounded at 7 chunks per size
//! class per thread, reads as live-heap growth. `GLIBC_TUNABLES=glibc.malloc.tcache_count=7`
//! measures with glibc's default caches.
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
use kiosk::central::{CentralClient, ClientConfig};
use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
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

/// The environment variable that makes this bench the central simulator's child process.
const ROLE: &str = "SESSION_BENCH_ROLE";

/// The child's life: the central simulator (the demo rig's configuration and seed, so the
/// rig's cards and cases are there) on loopback; its base URL on the first line of stdout; it
/// ends when its stdin closes (the bench ended, or died).
fn serve_central() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sim = kiosk_sim::central::spawn(kiosk_sim::central::CentralSimConfig::default())
            .await
            .unwrap();
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", sim.base_url()).unwrap();
        out.flush().unwrap();
        drop(out);
        tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink()))
            .await
            .unwrap()
            .ok();
        sim.shutdown().await;
    });
}

/// Re-runs the bench with glibc's per-thread malloc caches off (see the module documentation),
/// unless `GLIBC_TUNABLES` already says how many chunks they keep. glibc reads its tunables
/// once, at start-up, hence the re-run.
fn without_thread_caches() {
    use std::os::unix::process::CommandExt;
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if tunables.contains("glibc.malloc.tcache_count") {
        return;
    }
    let tunables = if tunables.is_empty() {
        "glibc.malloc.tcache_count=0".to_owned()
    } else {
        format!("{tunables}:glibc.malloc.tcache_count=0")
    };
    let error = Command::new(std::env::current_exe().unwrap())
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", tunables)
        .exec();
    panic!("cannot re-run the bench without thread caches: {error}");
}

/// The central simulator in a child process: the child and its base URL.
fn spawn_central() -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(ROLE, "central")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();
    assert!(
        url.starts_with("http://"),
        "the central child process gave no URL: {url:?}"
    );
    (child, url)
}

async fn start(
    pace: bool,
    dir: &std::path::Path,
    central_url: &str,
) -> (DemoRig, DriverHandle, Arc<kiosk::store::Store>) {
    let mut options = RigOptions::demo(dir.to_owned());
    options.pace = pace;
    options.reader_warmup = Duration::ZERO;
    options.camera = DemoCamera::StandIn(StandInCamera::passing(Duration::ZERO));
    let rig = DemoRig::start(options).await.unwrap();
    let (mut config, mut parts) = rig.parts().unwrap();
    // Central answers from the child process, not from the rig's own (idle) simulator.
    parts.central = Arc::new(
        CentralClient::new(ClientConfig::new(
            central_url,
            kiosk_sim::central::DEMO_KIOSK_ID,
            kiosk_sim::central::DEMO_KIOSK_KEY.to_vec(),
        ))
        .unwrap(),
    );
    let store = Arc::clone(&parts.store);
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
    if std::env::var_os(ROLE).is_some_and(|r| r == "central") {
        serve_central();
        return;
    }
    without_thread_caches();
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
    let (mut central, central_url) = spawn_central();
    let ok = runtime.block_on(async {
        // 1. Software time at real device speed.
        let (rig, driver, _) = start(true, &dir.join("paced"), &central_url).await;
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
        println!(
            "malloc: GLIBC_TUNABLES={}",
            std::env::var("GLIBC_TUNABLES").unwrap_or_default()
        );
        let (rig, driver, store) = start(false, &dir.join("memory"), &central_url).await;
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
        // rest is the idle rig central simulator's in-memory database (seeded, unchanged).
        let before = Snapshot::take().sqlite_live;
        store.release_memory().unwrap();
        let after = Snapshot::take().sqlite_live;
        println!(
            "SQLite at the end: {:.2} MB in all connections; the kiosk store's page cache {:.2} MB \
             (freed by Store::release_memory), the rest {:.2} MB (the idle in-process central \
             simulator's seeded in-memory database)",
            mb(before),
            mb(before.saturating_sub(after)),
            mb(after)
        );
        driver.shutdown().await;
        rig.shutdown().await;
        let flat = memory_verdict(&samples, elapsed);
        within && flat
    });
    // Closing its stdin ends the central child.
    drop(central.stdin.take());
    let _ = central.wait();
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
    // SQLite's pages are reported apart: the kiosk store's page cache fills up to its bound.
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
