//! The seeded registry: deterministic per seed, served as generated, kept in a database file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests: a failed step is a failed test"
)]

mod central_support;

use central_api::dto::{CardIdentity, CaseProgress, IdNumberDto, QueueStatus, Records, Ticket};
use central_support::{Client, start_with};
use kiosk_sim::central::seed::generate;
use kiosk_sim::central::{self, CentralSimConfig};
use serde_json::json;

/// What a demo operator types: case numbers and booking codes (the slot times follow the start).
fn typed(demo: &central::Demo) -> Vec<String> {
    demo.holders
        .iter()
        .flat_map(|h| {
            h.case_numbers
                .iter()
                .cloned()
                .chain(h.appointments.iter().map(|a| a.booking_code.clone()))
        })
        .collect()
}

fn seeded(seed: u64) -> CentralSimConfig {
    CentralSimConfig {
        seed,
        ..CentralSimConfig::default()
    }
}

#[tokio::test]
async fn same_seed_same_demo_values_other_seed_other_codes() {
    let a = start_with(seeded(1)).await;
    let b = start_with(seeded(1)).await;
    let c = start_with(seeded(2)).await;
    let codes = |sim: &central::CentralSim| {
        sim.demo()
            .holders
            .iter()
            .flat_map(|h| h.appointments.iter().map(|a| a.booking_code.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&a), codes(&b));
    assert_ne!(codes(&a), codes(&c));
    let names = |sim: &central::CentralSim| {
        sim.demo()
            .holders
            .iter()
            .map(|h| (h.card, h.name.clone(), h.id_number.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&a),
        [
            (
                "resident",
                "张𠮷英".to_owned(),
                "11010519491231002X".to_owned()
            ),
            (
                "foreigner_2017",
                "史密斯".to_owned(),
                "USA118506120131".to_owned()
            ),
            (
                "foreigner_2023",
                "玛丽亚".to_owned(),
                "911724199003150027".to_owned()
            ),
            (
                "hk_mo_tw_permit",
                "陈大文".to_owned(),
                "810000198001010014".to_owned()
            ),
        ]
    );
    assert_eq!(names(&a), names(&c));
    // The same records are served for the same seed.
    let (ca, cb) = (Client::new(&a), Client::new(&b));
    let ra: Records = {
        let v = ca.verify(central_support::zhang()).await.verification_id;
        ca.get(&format!("/v1/records?verification_id={v}"))
            .await
            .expect(200)
    };
    let rb: Records = {
        let v = cb.verify(central_support::zhang()).await.verification_id;
        cb.get(&format!("/v1/records?verification_id={v}"))
            .await
            .expect(200)
    };
    assert_eq!(ra.units, rb.units);
    for sim in [a, b, c] {
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn the_server_serves_the_generated_registry() {
    let sim = start_with(seeded(5)).await;
    let client = Client::new(&sim);
    let data = generate(5, time::OffsetDateTime::now_utc()).unwrap();
    assert_eq!(typed(&data.demo), typed(sim.demo()));
    assert_eq!(data.demo.face_mismatch, sim.demo().face_mismatch);
    for case in &data.cases {
        let progress: CaseProgress = client
            .get(&format!("/v1/cases/{}", case.case_number))
            .await
            .expect(200);
        assert_eq!(progress.status, case.status);
        assert_eq!(progress.business_type, case.business_type);
        assert_eq!(progress.stages, case.stages);
    }
    // A generated holder of several units sees them all.
    let holder = data
        .persons
        .iter()
        .filter(|p| !p.builtin && !p.face_mismatch)
        .max_by_key(|p| {
            data.units
                .iter()
                .filter(|u| u.unit.holders.iter().any(|h| h.id_number.0 == p.id_number))
                .count()
        })
        .unwrap();
    let held: Vec<_> = data
        .units
        .iter()
        .filter(|u| {
            u.unit
                .holders
                .iter()
                .any(|h| h.id_number.0 == holder.id_number)
        })
        .collect();
    assert!(!held.is_empty());
    let identity = CardIdentity {
        document_type: holder.document_type,
        name: holder.name.clone(),
        id_number: IdNumberDto(holder.id_number.clone()),
        birth_date: holder.birth_date,
    };
    let v = client.verify(identity).await.verification_id;
    let records: Records = client
        .get(&format!("/v1/records?verification_id={v}"))
        .await
        .expect(200);
    assert_eq!(records.units.len(), held.len());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_database_file_keeps_its_state_and_its_seed() {
    let dir = std::env::temp_dir().join(format!("central-sim-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("central.sqlite");
    let config = CentralSimConfig {
        db: Some(file.clone()),
        ..seeded(3)
    };
    let sim = start_with(config.clone()).await;
    let client = Client::new(&sim);
    let before: QueueStatus = client.get("/v1/queue/A").await.expect(200);
    let ticket: Ticket = client
        .post("/v1/tickets", &json!({"service_code": "A"}))
        .await
        .expect(201);
    let demo = typed(sim.demo());
    sim.shutdown().await;

    let sim = start_with(config.clone()).await;
    let client = Client::new(&sim);
    let after: QueueStatus = client.get("/v1/queue/A").await.expect(200);
    assert_eq!(
        after.waiting,
        before.waiting + 1,
        "the ticket {} is still there",
        ticket.ticket_number
    );
    assert_eq!(typed(sim.demo()), demo);
    sim.shutdown().await;

    let other_seed = CentralSimConfig { seed: 4, ..config };
    let refused = central::spawn(other_seed).await.unwrap_err();
    assert!(format!("{refused:#}").contains("--seed 3"), "{refused:#}");
    std::fs::remove_dir_all(&dir).unwrap();
}
