//! The journal's upload through the outbox to the central simulator, with the real client: every
//! entry reaches central once, in order, chained; an outage or a lost answer costs nothing; a
//! chain central cannot continue is refused and kept as a dead letter.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use central_api::dto::{ErrorCode, JournalReceipt, JournalUpload};
use kiosk::central::{CentralClient, CentralDeliverer, CentralError, ClientConfig};
use kiosk::store::journal::{
    ExitReason, FaceCheckResult, JournalEvent, JournalFlow, NewEntry, PrintOutcome,
};
use kiosk::store::{StopReason, Store, replay};
use kiosk_sim::central::{CentralSim, CentralSimConfig};
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

fn now_ms() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap()
}

fn client(sim: &CentralSim, retries: u32) -> CentralClient {
    let mut config = ClientConfig::new(sim.base_url(), "demo-kiosk", b"demo-key".to_vec());
    config.retries = retries;
    config.backoff = Duration::from_millis(10);
    config.timeouts.call = Duration::from_secs(2);
    CentralClient::new(config).unwrap()
}

/// Appends `n` entries of whole sessions (started, steps, a print, a face check, ended).
fn sessions(store: &Store, n: usize) {
    let journal = store.journal();
    for i in 0..n {
        let event = match i % 5 {
            0 => JournalEvent::SessionStarted,
            1 => JournalEvent::StepEntered {
                step: "awaiting_card".into(),
            },
            2 => JournalEvent::FaceCheck {
                outcome: FaceCheckResult::Passed,
            },
            3 => JournalEvent::PrintResult {
                printer: "a4".into(),
                job: format!("{i}"),
                outcome: PrintOutcome::Printed,
            },
            _ => JournalEvent::SessionEnded {
                exit: ExitReason::Done,
            },
        };
        journal
            .append(&NewEntry {
                at: OffsetDateTime::now_utc(),
                session: Uuid::from_u128((i / 5) as u128),
                kiosk: "demo-kiosk",
                flow: JournalFlow::RecordsQuery,
                event,
            })
            .unwrap();
    }
}

/// Batches everything not yet batched; returns how many batches.
fn batch_all(store: &Store) -> usize {
    let mut batches = 0;
    while store
        .journal()
        .enqueue_upload(100, now_ms())
        .unwrap()
        .is_some()
    {
        batches += 1;
    }
    batches
}

/// How far central's copy reaches.
async fn central_copy(client: &CentralClient) -> JournalReceipt {
    client
        .upload_journal(
            &JournalUpload {
                kiosk_id: "demo-kiosk".into(),
                entries: vec![],
            },
            Uuid::new_v4(),
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_reaches_central_once_in_order_through_outages_and_lost_answers() {
    let sim = kiosk_sim::central::spawn(CentralSimConfig::default())
        .await
        .unwrap();
    let plain = client(&sim, 0);
    let dir = kiosk_e2e::temp_dir("journal-upload");
    let store = Store::open(dir.join("kiosk.sqlite3")).unwrap();

    sessions(&store, 250);
    assert_eq!(batch_all(&store), 3, "100 + 100 + 50");
    let report = replay(&store, &mut CentralDeliverer::new(&plain), now_ms(), 100)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.remaining), (3, 0), "{report:?}");
    let copy = central_copy(&plain).await;
    let last = store.journal().tail(1).unwrap().remove(0);
    assert_eq!(copy.accepted_up_to, 250);
    assert_eq!(
        copy.last_hash,
        last.to_dto().hash,
        "central holds the same chain"
    );

    // Central down: the batch waits in the outbox; back up: it goes.
    sessions(&store, 30);
    assert_eq!(batch_all(&store), 1);
    sim.faults().set_outage(true);
    let report = replay(&store, &mut CentralDeliverer::new(&plain), now_ms(), 100)
        .await
        .unwrap();
    assert!(
        matches!(report.stopped_by, Some(StopReason::Retryable { .. })),
        "{report:?}"
    );
    assert_eq!(report.remaining, 1);
    sim.faults().set_outage(false);
    store.reset_backoff().unwrap();
    let report = replay(&store, &mut CentralDeliverer::new(&plain), now_ms(), 100)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.remaining), (1, 0), "{report:?}");

    // The answer lost after central applied the batch: the repeat under the same key changes
    // nothing.
    sessions(&store, 5);
    assert_eq!(batch_all(&store), 1);
    let retrying = client(&sim, 3);
    let before = sim.stats().idempotent_replays;
    sim.faults().lose_next(1);
    let report = replay(&store, &mut CentralDeliverer::new(&retrying), now_ms(), 100)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.remaining), (1, 0), "{report:?}");
    assert_eq!(sim.stats().idempotent_replays, before + 1);
    let copy = central_copy(&plain).await;
    assert_eq!(copy.accepted_up_to, 285);
    assert_eq!(store.journal().verify().unwrap(), 285);
    assert!(store.dead_letters().unwrap().is_empty());

    // A kiosk whose store was replaced (a new chain from 1 under the same kiosk id): central
    // refuses the break, and the batch is kept as a dead letter, not lost.
    let other_dir = kiosk_e2e::temp_dir("journal-upload-replaced");
    let replaced = Store::open(other_dir.join("kiosk.sqlite3")).unwrap();
    sessions(&replaced, 3);
    assert_eq!(batch_all(&replaced), 1);
    let report = replay(&replaced, &mut CentralDeliverer::new(&plain), now_ms(), 100)
        .await
        .unwrap();
    assert_eq!((report.rejected, report.remaining), (1, 0), "{report:?}");
    let dead = replaced.dead_letters().unwrap();
    assert_eq!(dead.len(), 1);
    assert!(
        dead[0].reason.contains("journal chain broken"),
        "{}",
        dead[0].reason
    );
    assert_eq!(central_copy(&plain).await.accepted_up_to, 285);

    // The same break through the client directly is the typed error.
    let upload = JournalUpload {
        kiosk_id: "demo-kiosk".into(),
        entries: replaced
            .journal()
            .tail(3)
            .unwrap()
            .iter()
            .map(|e| e.to_dto())
            .collect(),
    };
    match plain.upload_journal(&upload, Uuid::new_v4()).await {
        Err(CentralError::Refused { status, body }) => {
            assert_eq!((status, body.code), (409, ErrorCode::JournalChainBroken));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    drop(store);
    drop(replaced);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(other_dir);
    sim.shutdown().await;
}
