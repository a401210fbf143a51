//! The outbox against the central simulator through the real client: records queued while central
//! is down are replayed in order with their idempotency keys when it comes back, and an answer
//! lost on the way is recovered without a second effect.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use central_api::dto::{JournalEntry, JournalUpload, QuestionRequest};
use kiosk::central::{CentralClient, CentralDeliverer, ClientConfig};
use kiosk::store::journal::{JournalEvent, JournalFlow, NewEntry};
use kiosk::store::{Method, NewRecord, OutboxKind, StopReason, Store, replay};
use kiosk_sim::central::CentralSimConfig;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

fn now_ms() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap()
}

fn question(i: usize) -> NewRecord {
    let body = QuestionRequest {
        text: format!("第{i}个问题：继承登记需要公证吗？"),
        phone: "13800138000".into(),
        topic_code: None,
        asked_at: OffsetDateTime::now_utc(),
    };
    NewRecord {
        kind: OutboxKind::Question,
        idempotency_key: Uuid::new_v4().to_string(),
        method: Method::Post,
        path: "/v1/questions".into(),
        body: serde_json::to_vec(&body).unwrap(),
        created_at_ms: now_ms(),
    }
}

/// Eleven entries of a real journal chain, written by the kiosk's journal.
fn journal_chain() -> Vec<JournalEntry> {
    let dir = kiosk_e2e::temp_dir("outbox-central-journal");
    let store = Store::open(dir.join("journal.sqlite3")).unwrap();
    let entries = (0..11)
        .map(|i| {
            store
                .journal()
                .append(&NewEntry {
                    at: OffsetDateTime::now_utc(),
                    session: Uuid::from_u128(i),
                    kiosk: "demo-kiosk",
                    flow: JournalFlow::WalkIn,
                    event: JournalEvent::Outcome {
                        outcome: "ticket_printed".into(),
                    },
                })
                .unwrap()
                .to_dto()
        })
        .collect();
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
    entries
}

/// An outbox record uploading one journal entry (central refuses out-of-order entries).
fn journal(entry: &JournalEntry) -> NewRecord {
    let body = JournalUpload {
        kiosk_id: "demo-kiosk".into(),
        entries: vec![entry.clone()],
    };
    NewRecord {
        kind: OutboxKind::Journal,
        idempotency_key: Uuid::new_v4().to_string(),
        method: Method::Post,
        path: "/v1/kiosk/journal".into(),
        body: serde_json::to_vec(&body).unwrap(),
        created_at_ms: now_ms(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_while_central_is_down_replayed_in_order_when_it_returns() {
    let sim = kiosk_sim::central::spawn(CentralSimConfig::default())
        .await
        .unwrap();
    let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
    config.retries = 0;
    config.timeouts.call = Duration::from_secs(2);
    let client = CentralClient::new(config).unwrap();
    let dir = kiosk_e2e::temp_dir("outbox-central");
    let store = Store::open(dir.join("kiosk.db")).unwrap();

    // Central is down: state changes queue up.
    sim.faults().set_outage(true);
    let chain = journal_chain();
    for (i, entry) in chain.iter().take(10).enumerate() {
        store.enqueue(&question(i)).unwrap();
        store.enqueue(&journal(entry)).unwrap();
    }
    let mut deliverer = CentralDeliverer::new(&client);
    let report = replay(&store, &mut deliverer, now_ms(), 100).await.unwrap();
    assert_eq!((report.delivered, report.remaining), (0, 20), "{report:?}");
    assert!(
        matches!(report.stopped_by, Some(StopReason::Retryable { .. })),
        "{report:?}"
    );

    // Central is back: everything goes, in order (the journal refuses out-of-order records, so
    // order is checked by central itself).
    sim.faults().set_outage(false);
    store.reset_backoff().unwrap();
    let report = replay(&store, &mut deliverer, now_ms(), 100).await.unwrap();
    assert_eq!(
        (report.delivered, report.rejected, report.remaining),
        (20, 0, 0),
        "{report:?}"
    );
    assert_eq!(store.depth().unwrap(), 0);
    assert_eq!(sim.stats().idempotent_replays, 0);

    // An answer lost after central applied the record: the client repeats it with the same key;
    // central answers from its idempotency store, nothing is applied twice.
    let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
    config.backoff = Duration::from_millis(10);
    let retrying = CentralClient::new(config).unwrap();
    store.enqueue(&journal(&chain[10])).unwrap();
    sim.faults().lose_next(1);
    let report = replay(&store, &mut CentralDeliverer::new(&retrying), now_ms(), 100)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.remaining), (1, 0), "{report:?}");
    assert_eq!(sim.stats().idempotent_replays, 1);
    let receipt = retrying
        .upload_journal(
            &JournalUpload {
                kiosk_id: "demo-kiosk".into(),
                entries: vec![],
            },
            Uuid::new_v4(),
        )
        .await
        .unwrap();
    assert_eq!(
        receipt.accepted_up_to, 11,
        "journal holds 1..=11 exactly once"
    );

    // A record central refuses for good goes to the dead letters; the queue goes on.
    let mut bad = question(99);
    bad.body = br#"{"text":"","phone":"1"}"#.to_vec();
    store.enqueue(&bad).unwrap();
    store.enqueue(&question(100)).unwrap();
    let report = replay(&store, &mut deliverer, now_ms(), 100).await.unwrap();
    assert_eq!(
        (report.delivered, report.rejected, report.remaining),
        (1, 1, 0),
        "{report:?}"
    );
    assert_eq!(store.dead_letter_count().unwrap(), 1);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_guide_works_offline_from_the_cache() {
    use kiosk::central::guide::{self, GuideError, Source};
    let sim = kiosk_sim::central::spawn(CentralSimConfig::default())
        .await
        .unwrap();
    let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
    config.retries = 0;
    let client = CentralClient::new(config).unwrap();
    let dir = kiosk_e2e::temp_dir("guide");
    let store = Store::open(dir.join("kiosk.db")).unwrap();

    // Nothing cached and central down: the guide says so.
    sim.faults().set_outage(true);
    assert!(matches!(
        guide::catalogue(&client, &store, 1_000).await,
        Err(GuideError::NoCopy(_))
    ));
    sim.faults().set_outage(false);

    let first = guide::catalogue(&client, &store, 2_000).await.unwrap();
    assert_eq!(first.source, Source::Central);
    assert!(first.value.topics.iter().all(|t| !t.materials.is_empty()));
    let again = guide::catalogue(&client, &store, 3_000).await.unwrap();
    assert_eq!(again.source, Source::Revalidated);
    assert_eq!(again.value, first.value);
    let faq = guide::faq(&client, &store, 3_000).await.unwrap();
    assert_eq!(faq.source, Source::Central);

    // Central down: the cached copies, with their age.
    sim.faults().set_outage(true);
    let offline = guide::catalogue(&client, &store, 9_000).await.unwrap();
    assert_eq!(
        offline.source,
        Source::Offline {
            fetched_at_ms: 3_000
        }
    );
    assert_eq!(offline.value, first.value);
    let offline_faq = guide::faq(&client, &store, 9_000).await.unwrap();
    assert_eq!(offline_faq.value, faq.value);
    // Across a restart of the kiosk too.
    drop(store);
    let store = Store::open(dir.join("kiosk.db")).unwrap();
    let offline = guide::catalogue(&client, &store, 10_000).await.unwrap();
    assert!(matches!(offline.source, Source::Offline { .. }));
    sim.shutdown().await;
}
