//! Benchmark: the central client against the central simulator over loopback.
//!
//! 1. Client overhead per call: the client's elapsed time minus the server's own time for the
//!    request (its `server-timing` header), for a signed GET and a signed idempotent POST.
//!    Budget: p99 under 5 ms.
//! 2. Outbox replay through the client to the simulator (HTTP, signature, idempotency store,
//!    durable delete per record). Budget: at least 1,000 records a second.
//!
//! Run with `cargo bench -p kiosk-e2e --bench central_client`; exits non-zero when a budget is
//! exceeded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark binary reports on stdout and fails loudly"
)]

use central_api::dto::QuestionRequest;
use kiosk::central::{CentralClient, CentralDeliverer, ClientConfig};
use kiosk::store::{Method, NewRecord, OutboxKind, Store, replay};
use kiosk_sim::central::CentralSimConfig;
use std::process::ExitCode;
use std::time::Instant;
use time::OffsetDateTime;
use uuid::Uuid;

const CALLS: usize = 2000;
const RECORDS: usize = 2000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn now_ms() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap()
}

fn question_body() -> Vec<u8> {
    serde_json::to_vec(&QuestionRequest {
        text: "办理抵押登记需要带哪些材料？".into(),
        phone: "13800138000".into(),
        topic_code: None,
        asked_at: OffsetDateTime::now_utc(),
    })
    .unwrap()
}

async fn overhead(client: &CentralClient, label: &str, post: bool) -> bool {
    let body = question_body();
    let mut overheads = Vec::with_capacity(CALLS);
    let mut servers = Vec::with_capacity(CALLS);
    for i in 0..CALLS + 100 {
        let start = Instant::now();
        let raw = if post {
            client
                .send_raw("POST", "/v1/questions", &body, Uuid::new_v4())
                .await
                .unwrap()
        } else {
            client.get_raw("/v1/queue/A").await.unwrap()
        };
        let total = start.elapsed().as_secs_f64() * 1000.0;
        let server = raw.server_ms.expect("server-timing header");
        // The first 100 calls warm the connection pool and caches.
        if i >= 100 {
            overheads.push(total - server);
            servers.push(server);
        }
    }
    overheads.sort_by(f64::total_cmp);
    servers.sort_by(f64::total_cmp);
    let p99 = percentile(&overheads, 0.99);
    let ok = p99 < 5.0;
    println!(
        "{label}: {CALLS} calls | server median {:.3} ms | client overhead median {:.3} ms, p99 {:.3} ms, max {:.3} ms | budget p99 < 5 ms: {}",
        percentile(&servers, 0.5),
        percentile(&overheads, 0.5),
        p99,
        overheads.last().copied().unwrap_or_default(),
        if ok { "met" } else { "EXCEEDED" }
    );
    ok
}

async fn replay_rate(client: &CentralClient) -> bool {
    let dir = std::env::temp_dir().join(format!("central-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("bench.db")).unwrap();
    let body = question_body();
    for _ in 0..RECORDS {
        store
            .enqueue(&NewRecord {
                kind: OutboxKind::Question,
                idempotency_key: Uuid::new_v4().to_string(),
                method: Method::Post,
                path: "/v1/questions".into(),
                body: body.clone(),
                created_at_ms: now_ms(),
            })
            .unwrap();
    }
    let start = Instant::now();
    let report = replay(
        &store,
        &mut CentralDeliverer::new(client),
        now_ms(),
        RECORDS,
    )
    .await
    .unwrap();
    let rate = report.delivered as f64 / start.elapsed().as_secs_f64();
    let ok = report.delivered == RECORDS as u64 && rate >= 1000.0;
    println!(
        "outbox replay to central over HTTP: {} records in {:.2} s = {rate:.0} records/s | budget >= 1000/s: {}",
        report.delivered,
        start.elapsed().as_secs_f64(),
        if ok { "met" } else { "EXCEEDED" }
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    ok
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ok = runtime.block_on(async {
        let sim = kiosk_sim::central::spawn(CentralSimConfig::default())
            .await
            .unwrap();
        let client = CentralClient::new(ClientConfig::new(
            sim.base_url(),
            "demo-kiosk",
            b"demo-key".to_vec(),
        ))
        .unwrap();
        let get = overhead(&client, "signed GET /v1/queue/A", false).await;
        let post = overhead(&client, "signed idempotent POST /v1/questions", true).await;
        let replayed = replay_rate(&client).await;
        sim.shutdown().await;
        get & post & replayed
    });
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
