//! Cases (progress, fees, payment, pickup), the guide (catalogue and FAQ with ETags),
//! questions, ratings, heartbeat and journal.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests: a failed step is a failed test"
)]

mod central_support;

use central_api::domain::{CaseStage, CaseStatus, PickupMethod};
use central_api::dto::{
    CaseProgress, Catalogue, ErrorCode, Faq, Fees, HeartbeatReply, JournalEntry, JournalReceipt,
    JournalUpload, PaymentOrder, PaymentState, Pickup, QuestionReceipt, RatingReceipt,
};
use central_api::journal::{self, ExitReason, JournalEvent, JournalFlow};
use central_support::{Call, Client, Reply, start};
use kiosk_sim::central::DEMO_KIOSK_ID;
use serde_json::json;

fn case_of(sim: &kiosk_sim::central::CentralSim, holder: usize) -> String {
    sim.demo().holders[holder].case_numbers[0].clone()
}

#[tokio::test]
async fn case_progress_of_the_built_in_holders() {
    let sim = start().await;
    let client = Client::new(&sim);
    let zhang: CaseProgress = client
        .get(&format!("/v1/cases/{}", case_of(&sim, 0)))
        .await
        .expect(200);
    assert_eq!(zhang.status, CaseStatus::InProgress);
    assert_eq!(zhang.stages.last().unwrap().stage, CaseStage::Prepare);
    assert!(zhang.stages.last().unwrap().finished_at.is_none());
    assert!(
        zhang.stages[..zhang.stages.len() - 1]
            .iter()
            .all(|s| s.finished_at.is_some())
    );
    assert!(!zhang.pickup.ready && zhang.pickup.changeable && !zhang.rated);

    let smith: CaseProgress = client
        .get(&format!("/v1/cases/{}", case_of(&sim, 1)))
        .await
        .expect(200);
    assert_eq!(smith.status, CaseStatus::Completed);
    assert!(smith.pickup.ready && smith.pickup.changeable);
    assert_eq!(smith.pickup.method, Some(PickupMethod::Window));

    let chen: CaseProgress = client
        .get(&format!("/v1/cases/{}", case_of(&sim, 3)))
        .await
        .expect(200);
    assert_eq!(chen.stages.last().unwrap().stage, CaseStage::Archive);
    assert!(!chen.pickup.changeable);

    client
        .get("/v1/cases/BDC-0000-000000")
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .get("/v1/cases/BDC-0000-000000/fees")
        .await
        .assert_error(404, ErrorCode::NotFound);
    sim.shutdown().await;
}

#[tokio::test]
async fn fees_and_a_payment_that_the_citizen_pays_on_their_phone() {
    let sim = start().await;
    let client = Client::new(&sim);
    let case = case_of(&sim, 0);
    let fees: Fees = client
        .get(&format!("/v1/cases/{case}/fees"))
        .await
        .expect(200);
    assert_eq!(
        fees.total_fen,
        8_000 + 1_000,
        "80 元 registration, one extra book at 10 元"
    );
    assert_eq!(
        fees.items.iter().map(|i| i.amount_fen).sum::<i64>(),
        fees.total_fen
    );
    assert!(!fees.paid);

    let payments = format!("/v1/cases/{case}/payments");
    let order: PaymentOrder = client
        .ask(Call::post(&payments, &json!({})).raw_body(b""))
        .await
        .expect(201);
    assert_eq!(order.amount_fen, 9_000);
    assert_eq!(order.state, PaymentState::Pending);
    assert_eq!(
        order.qr_payload,
        format!("https://pay.invalid/o/{}", order.order_id)
    );
    let poll = format!("/v1/payments/{}", order.order_id);
    let states: Vec<PaymentState> = {
        let mut states = Vec::new();
        for _ in 0..4 {
            let polled: PaymentOrder = client.get(&poll).await.expect(200);
            states.push(polled.state);
        }
        states
    };
    assert_eq!(
        states,
        [
            PaymentState::Pending,
            PaymentState::Pending,
            PaymentState::Paid,
            PaymentState::Paid
        ]
    );
    let fees: Fees = client
        .get(&format!("/v1/cases/{case}/fees"))
        .await
        .expect(200);
    assert!(fees.paid);
    client
        .ask(Call::post(&payments, &json!({})).raw_body(b""))
        .await
        .assert_error(409, ErrorCode::NothingToPay);
    // An archived objection registration owes nothing.
    let free = case_of(&sim, 3);
    let fees: Fees = client
        .get(&format!("/v1/cases/{free}/fees"))
        .await
        .expect(200);
    assert_eq!((fees.total_fen, fees.paid), (0, true));
    client
        .ask(Call::post(&format!("/v1/cases/{free}/payments"), &json!({})).raw_body(b""))
        .await
        .assert_error(409, ErrorCode::NothingToPay);
    client
        .get("/v1/payments/PO-NONE")
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .ask(Call::post("/v1/cases/BDC-0000-000000/payments", &json!({})).raw_body(b""))
        .await
        .assert_error(404, ErrorCode::NotFound);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_new_order_expires_the_earlier_one() {
    let sim = start().await;
    let client = Client::new(&sim);
    let payments = format!("/v1/cases/{}/payments", case_of(&sim, 2));
    let first: PaymentOrder = client
        .ask(Call::post(&payments, &json!({})).raw_body(b""))
        .await
        .expect(201);
    let second: PaymentOrder = client
        .ask(Call::post(&payments, &json!({})).raw_body(b""))
        .await
        .expect(201);
    assert_ne!(first.order_id, second.order_id);
    assert_eq!(second.amount_fen, 8_000);
    let polled: PaymentOrder = client
        .get(&format!("/v1/payments/{}", first.order_id))
        .await
        .expect(200);
    assert_eq!(polled.state, PaymentState::Expired);
    sim.shutdown().await;
}

#[tokio::test]
async fn pickup_choices_and_their_rules() {
    let sim = start().await;
    let client = Client::new(&sim);
    let path = format!("/v1/cases/{}/pickup", case_of(&sim, 1));
    let address = json!({"recipient": "史密斯", "phone": "13800138000",
        "address": "北京市东城区东直门南大街11号院2号楼1单元803", "postal_code": "100007"});
    let pickup: Pickup = client
        .put(&path, &json!({"method": "courier", "address": address}))
        .await
        .expect(200);
    assert_eq!(pickup.method, Some(PickupMethod::Courier));
    assert!(pickup.ready && pickup.changeable);
    assert!(pickup.window.is_none());
    for bad in [
        json!({"method": "courier"}),
        json!({"method": "courier", "address": {"recipient": "x", "phone": "1380013800", "address": "y", "postal_code": "100007"}}),
        json!({"method": "courier", "address": {"recipient": "x", "phone": "13800138000", "address": "y", "postal_code": "1000"}}),
        json!({"method": "carrier_pigeon"}),
    ] {
        client
            .put(&path, &bad)
            .await
            .assert_error(400, ErrorCode::BadRequest);
    }
    let pickup: Pickup = client
        .put(&path, &json!({"method": "window"}))
        .await
        .expect(200);
    assert_eq!(pickup.window.as_deref(), Some("8号窗口"));
    let progress: CaseProgress = client
        .get(&format!("/v1/cases/{}", case_of(&sim, 1)))
        .await
        .expect(200);
    assert_eq!(progress.pickup, pickup);
    client
        .put(
            &format!("/v1/cases/{}/pickup", case_of(&sim, 3)),
            &json!({"method": "self_print"}),
        )
        .await
        .assert_error(409, ErrorCode::PickupLocked);
    client
        .put(
            "/v1/cases/BDC-0000-000000/pickup",
            &json!({"method": "window"}),
        )
        .await
        .assert_error(404, ErrorCode::NotFound);
    sim.shutdown().await;
}

#[tokio::test]
async fn ratings_once_per_case_with_reasons_when_dissatisfied() {
    let sim = start().await;
    let client = Client::new(&sim);
    let case = case_of(&sim, 1);
    let at = "2026-11-28T10:00:00+08:00";
    let unhappy = json!({"target": {"kind": "case", "case_number": case}, "level": "dissatisfied", "rated_at": at});
    client
        .post("/v1/ratings", &unhappy)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    let unhappy = json!({"target": {"kind": "case", "case_number": case}, "level": "dissatisfied",
        "reasons": ["long_wait"], "comment": "排队太久", "rated_at": at});
    let receipt: RatingReceipt = client.post("/v1/ratings", &unhappy).await.expect(201);
    assert!(!receipt.rating_id.is_empty());
    let happy = json!({"target": {"kind": "case", "case_number": case}, "level": "very_satisfied", "rated_at": at});
    client
        .post("/v1/ratings", &happy)
        .await
        .assert_error(409, ErrorCode::AlreadyRated);
    let progress: CaseProgress = client.get(&format!("/v1/cases/{case}")).await.expect(200);
    assert!(progress.rated);
    let unknown = json!({"target": {"kind": "case", "case_number": "BDC-0000-000000"}, "level": "satisfied", "rated_at": at});
    client
        .post("/v1/ratings", &unknown)
        .await
        .assert_error(404, ErrorCode::NotFound);

    // A ticket of today can be rated once; an unknown one cannot.
    let ticket: central_api::dto::Ticket = client
        .post("/v1/tickets", &json!({"service_code": "F"}))
        .await
        .expect(201);
    let by_ticket = json!({"target": {"kind": "ticket", "ticket_number": ticket.ticket_number}, "level": "satisfied", "rated_at": at});
    assert_eq!(client.post("/v1/ratings", &by_ticket).await.status, 201);
    client
        .post("/v1/ratings", &by_ticket)
        .await
        .assert_error(409, ErrorCode::AlreadyRated);
    let nobody = json!({"target": {"kind": "ticket", "ticket_number": "F999"}, "level": "satisfied", "rated_at": at});
    client
        .post("/v1/ratings", &nobody)
        .await
        .assert_error(404, ErrorCode::NotFound);
    sim.shutdown().await;
}

#[tokio::test]
async fn questions_need_text_and_a_mobile_number() {
    let sim = start().await;
    let client = Client::new(&sim);
    let at = "2026-11-28T10:00:00+08:00";
    let good = json!({"text": "继承房产需要哪些材料？", "phone": "13912345678", "topic_code": "T04", "asked_at": at});
    let receipt: QuestionReceipt = client.post("/v1/questions", &good).await.expect(201);
    assert!(receipt.question_id.starts_with('Q'));
    for bad in [
        json!({"text": "   ", "phone": "13912345678", "asked_at": at}),
        json!({"text": "问题", "phone": "010-12345678", "asked_at": at}),
        json!({"text": "问题", "phone": "1391234567", "asked_at": at}),
        json!({"text": "问题", "phone": "13912345678", "topic_code": "T99", "asked_at": at}),
        json!({"text": "问题", "phone": "13912345678"}),
    ] {
        client
            .post("/v1/questions", &bad)
            .await
            .assert_error(400, ErrorCode::BadRequest);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn catalogue_and_faq_are_cacheable() {
    let sim = start().await;
    let client = Client::new(&sim);
    let fresh = client.get("/v1/catalogue").await;
    let catalogue: Catalogue = fresh.expect(200);
    let etag = fresh.header("etag").unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", catalogue.version));
    assert!(catalogue.topics.len() >= 10);
    let cached = client
        .ask(Call::get("/v1/catalogue").header("if-none-match", &etag))
        .await;
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
    assert_eq!(cached.header("etag"), Some(etag.as_str()));
    assert!(cached.header("x-server-time").is_some());
    let stale = client
        .ask(Call::get("/v1/catalogue").header("if-none-match", "\"old\""))
        .await;
    assert_eq!(stale.status, 200);

    let fresh = client.get("/v1/faq").await;
    let faq: Faq = fresh.expect(200);
    assert_eq!(faq.entries.len(), 8);
    let etag = fresh.header("etag").unwrap().to_owned();
    let cached = client
        .ask(Call::get("/v1/faq").header("if-none-match", &etag))
        .await;
    assert_eq!(cached.status, 304);
    // The catalogue's ETag does not fit the FAQ.
    let other = client
        .ask(Call::get("/v1/faq").header("if-none-match", &format!("\"{}\"", catalogue.version)))
        .await;
    assert_eq!(other.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn heartbeat_carries_the_configuration() {
    let sim = start().await;
    let client = Client::new(&sim);
    let beat = json!({"devices": [{"device": "idcard", "status": "online"}],
        "software_version": "0.1.0", "outbox_depth": 0, "uptime_s": 12});
    let reply: HeartbeatReply = client.post("/v1/kiosk/heartbeat", &beat).await.expect(200);
    assert!(reply.config.is_empty());
    sim.faults().set_config("elder_mode", Some("on"));
    let reply: HeartbeatReply = client.post("/v1/kiosk/heartbeat", &beat).await.expect(200);
    assert_eq!(
        reply.config.get("elder_mode").map(String::as_str),
        Some("on")
    );
    assert!(
        (reply.server_time - time::OffsetDateTime::now_utc()).abs() < time::Duration::seconds(5)
    );
    sim.shutdown().await;
}

/// `n` entries of a real chain for `kiosk`, from entry `first` on after `prev`.
fn chain(kiosk: &str, first: u64, n: u64, prev: [u8; 32]) -> Vec<JournalEntry> {
    let mut prev = prev;
    (first..first + n)
        .map(|seq| {
            let entry = entry(kiosk, seq, prev, JournalEvent::SessionStarted);
            prev = hex::decode(&entry.hash).unwrap().try_into().unwrap();
            entry
        })
        .collect()
}

/// Entry `seq` of `kiosk`'s journal after `prev`, with its hash computed.
fn entry(kiosk: &str, seq: u64, prev: [u8; 32], event: JournalEvent) -> JournalEntry {
    let time = format!("2026-11-28T02:{:02}:00.000Z", seq % 60);
    let session = uuid::Uuid::from_u128(u128::from(seq / 3));
    let canonical = journal::canonical_bytes(
        seq,
        &time,
        &session.hyphenated().to_string(),
        kiosk,
        JournalFlow::RecordsQuery.as_str(),
        &journal::event_json(&event),
    );
    JournalEntry {
        seq,
        time,
        session_id: session,
        flow: JournalFlow::RecordsQuery,
        event,
        prev_hash: hex::encode(prev),
        hash: hex::encode(journal::chain_hash(&prev, &canonical)),
    }
}

fn upload(entries: &[JournalEntry]) -> JournalUpload {
    JournalUpload {
        kiosk_id: DEMO_KIOSK_ID.into(),
        entries: entries.to_vec(),
    }
}

#[tokio::test]
async fn journal_chain_continuity() {
    let sim = start().await;
    let client = Client::new(&sim);
    let entries = chain(DEMO_KIOSK_ID, 1, 6, journal::GENESIS);
    let broken = |reply: Reply| {
        let body = reply.assert_error(409, ErrorCode::JournalChainBroken);
        assert!(!body.message_zh.is_empty());
        body.message
    };
    let receipt: JournalReceipt = client
        .post("/v1/kiosk/journal", &upload(&entries[..3]))
        .await
        .expect(200);
    assert_eq!(receipt.accepted_up_to, 3);
    assert_eq!(receipt.last_hash, entries[2].hash);

    // The same batch under the same key: the first answer, nothing applied twice.
    let key = uuid::Uuid::new_v4().to_string();
    let first: JournalReceipt = client
        .ask(Call::post("/v1/kiosk/journal", &upload(&entries[3..4])).key(&key))
        .await
        .expect(200);
    let again: JournalReceipt = client
        .ask(Call::post("/v1/kiosk/journal", &upload(&entries[3..4])).key(&key))
        .await
        .expect(200);
    assert_eq!((first.accepted_up_to, again.accepted_up_to), (4, 4));

    // Entries already held are skipped (a batch repeated under a new key); the new one is kept.
    let receipt: JournalReceipt = client
        .post("/v1/kiosk/journal", &upload(&entries[2..5]))
        .await
        .expect(200);
    assert_eq!(receipt.accepted_up_to, 5);

    // A gap: entry 7 without 6.
    let later = chain(
        DEMO_KIOSK_ID,
        7,
        1,
        hex::decode(&entries[5].hash).unwrap().try_into().unwrap(),
    );
    let message = broken(client.post("/v1/kiosk/journal", &upload(&later)).await);
    assert!(message.contains("entry 7"), "{message}");
    // A changed entry whose hash was not recomputed.
    let mut changed = entries[5].clone();
    changed.event = JournalEvent::SessionEnded {
        exit: ExitReason::Done,
    };
    broken(client.post("/v1/kiosk/journal", &upload(&[changed])).await);
    // A different entry 5 (its own hash right) where central holds another.
    let fork = entry(
        DEMO_KIOSK_ID,
        5,
        hex::decode(&entries[3].hash).unwrap().try_into().unwrap(),
        JournalEvent::SessionEnded {
            exit: ExitReason::Home,
        },
    );
    broken(client.post("/v1/kiosk/journal", &upload(&[fork])).await);
    // Entry 6 chained to something else than entry 5.
    let stray = entry(DEMO_KIOSK_ID, 6, [7; 32], JournalEvent::SessionStarted);
    broken(client.post("/v1/kiosk/journal", &upload(&[stray])).await);
    // Another kiosk's journal under this kiosk's signature.
    let other = JournalUpload {
        kiosk_id: "BJ-CY-KIOSK-99".into(),
        entries: chain("BJ-CY-KIOSK-99", 1, 1, journal::GENESIS),
    };
    client
        .post("/v1/kiosk/journal", &other)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    // Refused uploads kept nothing: the chain goes on from 5.
    let receipt: JournalReceipt = client
        .post("/v1/kiosk/journal", &upload(&[]))
        .await
        .expect(200);
    assert_eq!(receipt.accepted_up_to, 5);
    let receipt: JournalReceipt = client
        .post("/v1/kiosk/journal", &upload(&entries[5..]))
        .await
        .expect(200);
    assert_eq!(
        (receipt.accepted_up_to, receipt.last_hash.as_str()),
        (6, entries[5].hash.as_str())
    );
    sim.shutdown().await;
}
