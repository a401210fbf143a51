//! The kiosk's software time in a scripted records session (query and certificate) against the
//! in-process simulators at real device speed, with no citizen think time; and memory over many
//! sessions.
//!
//! Software time = the session's wall time minus what the devices and central take: the reader
//! (from placing the card to the card read: poll interval and wire time at 115200 baud), the face
//! check (the camera's own pace; a stand-in here), central round trips (loopback wire and the
//! simulator's own time) and printing (the PDF written). Budget 2 s. Memory: RSS (from
//! /proc/self/statm) after `SESSIONS` sessions (default 1000) may exceed the RSS after the first
//! 100 by at most 16 MB. Exits non-zero when a budget is exceeded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails loudly"
)]

use kiosk::app::camera::StandInCamera;
use kiosk::app::flows::{ButtonId, FlowKind, Intent, ScreenId};
use kiosk::app::rig::{DemoCamera, DemoRig, RigOptions};
use kiosk::app::{DeviceTime, DriverHandle};
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(2);
const RSS_GROWTH_BUDGET_KB: u64 = 16 * 1024;
const PATIENCE: Duration = Duration::from_secs(60);

fn rss_kb() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4
}

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

async fn start(pace: bool, dir: &std::path::Path) -> (DemoRig, DriverHandle) {
    let mut options = RigOptions::demo(dir.to_owned());
    options.pace = pace;
    options.reader_warmup = Duration::ZERO;
    options.camera = DemoCamera::StandIn(StandInCamera::passing(Duration::ZERO));
    let rig = DemoRig::start(options).await.unwrap();
    let (mut config, parts) = rig.parts().unwrap();
    config.monitor_interval = Duration::from_secs(5);
    let driver = kiosk::app::spawn(config, parts).unwrap();
    driver
        .wait_for(PATIENCE, |v| {
            !v.starting && v.screen.items.iter().all(|i| i.enabled)
        })
        .await;
    (rig, driver)
}

fn main() {
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
        let (rig, driver) = start(true, &dir.join("paced")).await;
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
        let (rig, driver) = start(false, &dir.join("memory")).await;
        let mut base = 0;
        let t0 = Instant::now();
        for i in 1..=sessions {
            session(&rig, &driver).await;
            if i == sessions.min(100) {
                base = rss_kb();
            }
            if i % 250 == 0 {
                println!("  {i} sessions: RSS {} KB", rss_kb());
            }
        }
        let end = rss_kb();
        driver.shutdown().await;
        rig.shutdown().await;
        let growth = end.saturating_sub(base);
        let flat = growth <= RSS_GROWTH_BUDGET_KB;
        println!(
            "memory over {sessions} sessions ({:.1} s): RSS after 100 {base} KB, after {sessions} {end} KB, growth {growth} KB (budget {RSS_GROWTH_BUDGET_KB} KB) {}",
            t0.elapsed().as_secs_f64(),
            if flat { "OK" } else { "OVER BUDGET" }
        );
        within && flat
    });
    let _ = std::fs::remove_dir_all(&dir);
    if !ok {
        std::process::exit(1);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
