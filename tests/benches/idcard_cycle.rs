//! Benchmark: the reader driver against the simulator over a real pseudo-terminal at an emulated
//! 115200 baud.
//!
//! 1. A find/select/read cycle, reported as a ratio to the wire-time floor (bytes x 10 / baud,
//!    both directions). Budget: 1.10 x floor + 20 ms (checked on the 90th percentile).
//! 2. Card detection latency: from the card landing on the reader to the driver's find being
//!    answered "card found", with the card placed at varying phases of the poll. Budget: one poll
//!    interval (plus the find exchange's own wire time).
//!
//! Run with `cargo bench -p kiosk-e2e --bench idcard_cycle`. Exits non-zero when a budget is
//! exceeded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark binary reports on stdout and fails loudly"
)]

use idcard::driver::{
    Endpoint, Reader, ReaderEvent, ReaderService, ServiceConfig, Timing, wire_time,
};
use kiosk_sim::idcard::{CardSpec, IdcardSimConfig, Script, Transport, load_card};
use std::process::ExitCode;
use std::time::Duration;
use tokio::time::Instant;

const BAUD: u32 = 115_200;
const CYCLES: usize = 30;
const PLACEMENTS: u32 = 12;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn cycle() -> bool {
    let sim = kiosk_sim::idcard::spawn(IdcardSimConfig {
        card: Some(load_card("resident").unwrap()),
        transport: Transport::Pty { link: None },
        baud: BAUD,
        ..IdcardSimConfig::default()
    })
    .await
    .unwrap();
    let stream = Endpoint::parse(&sim.device(), BAUD).open().await.unwrap();
    let timing = Timing {
        baud: BAUD,
        ..Timing::default()
    };
    let mut reader = Reader::new(stream, timing, 0);
    reader.sam_status().await.unwrap();
    let mut times = Vec::with_capacity(CYCLES);
    let mut floor = Duration::ZERO;
    for _ in 0..CYCLES {
        let bytes_before = reader.link().bytes_on_wire();
        let start = Instant::now();
        assert!(reader.find_card().await.unwrap());
        reader.select_card().await.unwrap();
        let card = reader.read_card(false).await.unwrap();
        times.push(start.elapsed());
        std::hint::black_box(card);
        let bytes = reader.link().bytes_on_wire() - bytes_before;
        floor = wire_time(bytes as usize, BAUD);
        if bytes != 1359 {
            println!("unexpected cycle size: {bytes} bytes");
            return false;
        }
    }
    times.sort_unstable();
    let (median, p90, max) = (
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        *times.last().unwrap(),
    );
    let budget = floor.mul_f64(1.10) + Duration::from_millis(20);
    println!(
        "find/select/read cycle over a pty at {BAUD} baud, {CYCLES} cycles, 1359 bytes on the wire"
    );
    println!(
        "  floor {:.1} ms | median {:.1} ms ({:.3} x floor) | p90 {:.1} ms ({:.3} x) | max {:.1} ms ({:.3} x)",
        ms(floor),
        ms(median),
        median.as_secs_f64() / floor.as_secs_f64(),
        ms(p90),
        p90.as_secs_f64() / floor.as_secs_f64(),
        ms(max),
        max.as_secs_f64() / floor.as_secs_f64(),
    );
    let ok = p90 <= budget;
    println!(
        "  budget 1.10 x floor + 20 ms = {:.1} ms: {}",
        ms(budget),
        if ok { "met" } else { "EXCEEDED" }
    );
    sim.shutdown().await;
    ok
}

async fn detection() -> bool {
    let sim = kiosk_sim::idcard::spawn(IdcardSimConfig {
        transport: Transport::Pty { link: None },
        baud: BAUD,
        ..IdcardSimConfig::default()
    })
    .await
    .unwrap();
    let config = ServiceConfig::default();
    let mut service = ReaderService::spawn(Endpoint::parse(&sim.device(), BAUD), config);
    let mut status = service.watch_status();
    status
        .wait_for(|s| s.status == idcard::driver::DeviceStatus::Online)
        .await
        .unwrap();
    let mut latencies = Vec::new();
    for i in 0..PLACEMENTS {
        // Land the card at a different phase of the poll each time.
        tokio::time::sleep(
            config.poll_interval * (i % 5) / 5 + Duration::from_millis(u64::from(i * 7)),
        )
        .await;
        sim.run(Script::Place(CardSpec::parse("resident")))
            .await
            .unwrap();
        match tokio::time::timeout(Duration::from_secs(5), service.next_event()).await {
            Ok(Some(ReaderEvent::CardPresented(_))) => {}
            other => panic!("expected a card, got {other:?}"),
        }
        let stats = sim.stats();
        let placed = stats.card_placed_at.unwrap();
        let found = stats.last_find_ok.unwrap();
        latencies.push(found.saturating_duration_since(placed));
        sim.run(Script::Lift).await.unwrap();
        match tokio::time::timeout(Duration::from_secs(5), service.next_event()).await {
            Ok(Some(ReaderEvent::CardRemoved)) => {}
            other => panic!("expected removal, got {other:?}"),
        }
    }
    latencies.sort_unstable();
    let max = *latencies.last().unwrap();
    // The find exchange itself: 10 bytes out, 15 back.
    let budget = config.poll_interval + wire_time(25, BAUD);
    println!(
        "card detection latency, {PLACEMENTS} placements, poll {} ms: median {:.1} ms, max {:.1} ms; budget {:.1} ms: {}",
        config.poll_interval.as_millis(),
        ms(percentile(&latencies, 0.5)),
        ms(max),
        ms(budget),
        if max <= budget { "met" } else { "EXCEEDED" }
    );
    service.stop();
    sim.shutdown().await;
    max <= budget
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ok = runtime.block_on(async { cycle().await & detection().await });
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
