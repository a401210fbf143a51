//! The central simulator's door: signatures, clock skew, the server's clock on every answer,
//! body limits, error bodies for malformed input, unknown routes, idempotency keys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests: a failed step is a failed test"
)]

mod central_support;

use central_api::dto::{ErrorCode, ServerTime};
use central_api::signing::{HEADER_SERVER_TIME, MAX_SKEW_MS};
use central_support::{Call, Client, now_ms, start, zhang};
use serde_json::json;

#[tokio::test]
async fn public_routes_need_no_signature_and_carry_the_server_time() {
    let sim = start().await;
    let client = Client::new(&sim);
    let reply = client.ask(Call::get("/v1/time").unsigned()).await;
    let time: ServerTime = reply.expect(200);
    let header: i64 = reply.header(HEADER_SERVER_TIME).unwrap().parse().unwrap();
    assert!((header - now_ms()).abs() < 5_000);
    let body_ms = i64::try_from(time.server_time.unix_timestamp_nanos() / 1_000_000).unwrap();
    assert!((body_ms - header).abs() < 5_000);
    let check = client
        .ask(Call::get("/v1/certificates/verify/NOSUCHCODE12").unsigned())
        .await;
    assert_eq!(check.status, 200);
    assert_eq!(check.value()["valid"], false);
    assert!(check.header(HEADER_SERVER_TIME).is_some());
    sim.shutdown().await;
}

#[tokio::test]
async fn signature_is_required_and_checked() {
    let sim = start().await;
    let client = Client::new(&sim);
    // No signature headers at all.
    client
        .ask(Call::get("/v1/catalogue").unsigned())
        .await
        .assert_error(401, ErrorCode::Unauthenticated);
    // The right kiosk with the wrong key.
    let wrong_key = Client {
        key: b"not-the-key".to_vec(),
        ..client.clone()
    };
    wrong_key
        .get("/v1/catalogue")
        .await
        .assert_error(401, ErrorCode::Unauthenticated);
    // An unknown kiosk.
    let stranger = Client {
        kiosk_id: "kiosk-nobody".into(),
        ..client.clone()
    };
    stranger
        .get("/v1/catalogue")
        .await
        .assert_error(401, ErrorCode::Unauthenticated);
    // The query string is signed too: a signature over another query fails.
    let mut moved = Call::get("/v1/catalogue?x=1");
    moved.path = "/v1/catalogue?x=2".into();
    assert_eq!(client.ask(moved).await.status, 200, "signed as sent");
    assert!(sim.stats().signature_failures >= 3);
    // And the right signature works.
    assert_eq!(client.get("/v1/catalogue").await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_tampered_body_fails_the_signature() {
    let sim = start().await;
    let client = Client::new(&sim);
    let mut forged = Call::post("/v1/tickets", &json!({"service_code": "B"}));
    forged.signed_body = Some(serde_json::to_vec(&json!({"service_code": "A"})).unwrap());
    client
        .ask(forged)
        .await
        .assert_error(401, ErrorCode::Unauthenticated);
    assert_eq!(sim.stats().signature_failures, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn clock_skew_is_refused_with_the_server_time() {
    let sim = start().await;
    let client = Client::new(&sim);
    for offset in [MAX_SKEW_MS + 5_000, -(MAX_SKEW_MS + 5_000)] {
        let call = Call {
            timestamp: Some(now_ms() + offset),
            ..Call::get("/v1/catalogue")
        };
        let reply = client.ask(call).await;
        reply.assert_error(401, ErrorCode::ClockSkew);
        let server: i64 = reply.header(HEADER_SERVER_TIME).unwrap().parse().unwrap();
        assert!((server - now_ms()).abs() < 5_000);
    }
    // Within the bound is fine.
    let call = Call {
        timestamp: Some(now_ms() - MAX_SKEW_MS / 2),
        ..Call::get("/v1/catalogue")
    };
    assert_eq!(client.ask(call).await.status, 200);
    assert_eq!(sim.stats().clock_skew_refusals, 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_shifted_server_clock_is_followed_through_x_server_time() {
    let sim = start().await;
    let mut client = Client::new(&sim);
    sim.faults().set_clock_offset_ms(3_600_000);
    let refused = client.get("/v1/catalogue").await;
    refused.assert_error(401, ErrorCode::ClockSkew);
    let server: i64 = refused.header(HEADER_SERVER_TIME).unwrap().parse().unwrap();
    client.clock_offset_ms = server - now_ms();
    assert!((client.clock_offset_ms - 3_600_000).abs() < 5_000);
    assert_eq!(client.get("/v1/catalogue").await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn malformed_input_gets_an_error_body() {
    let sim = start().await;
    let client = Client::new(&sim);
    // Not JSON.
    let call = Call::post("/v1/tickets", &json!({})).raw_body(b"{not json");
    client
        .ask(call)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    // JSON, but a domain value that does not parse (a unit code with a bad layer).
    let verification = client.verify(zhang()).await;
    let bad = json!({
        "verification_id": verification.verification_id,
        "purpose": "loan",
        "requester": "holder",
        "unit_codes": ["110105012003XB00001F00020063"]
    });
    let error = client
        .post("/v1/certificates", &bad)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    assert!(
        error.message.contains("parcel ownership"),
        "{}",
        error.message
    );
    // A query parameter that is not a UUID.
    client
        .get("/v1/records?verification_id=nope")
        .await
        .assert_error(400, ErrorCode::BadRequest);
    // A verification code that breaks the opaque rule (public route).
    client
        .ask(Call::get("/v1/certificates/verify/a.b").unsigned())
        .await
        .assert_error(400, ErrorCode::BadRequest);
    sim.shutdown().await;
}

#[tokio::test]
async fn state_changing_calls_need_a_uuid_idempotency_key() {
    let sim = start().await;
    let client = Client::new(&sim);
    let body = json!({"service_code": "A"});
    client
        .ask(Call::post("/v1/tickets", &body).no_key())
        .await
        .assert_error(400, ErrorCode::BadRequest);
    client
        .ask(Call::post("/v1/tickets", &body).key("not-a-uuid"))
        .await
        .assert_error(400, ErrorCode::BadRequest);
    assert_eq!(client.post("/v1/tickets", &body).await.status, 201);
    sim.shutdown().await;
}

#[tokio::test]
async fn oversized_bodies_unknown_routes_and_wrong_methods() {
    let sim = start().await;
    let client = Client::new(&sim);
    let huge = vec![b'x'; kiosk_sim::central::app::MAX_BODY_BYTES + 1];
    let call = Call::post("/v1/questions", &json!({})).raw_body(&huge);
    let error = client
        .ask(call)
        .await
        .assert_error(413, ErrorCode::BadRequest);
    assert!(error.message.contains("larger"));
    client
        .get("/v1/no-such-thing")
        .await
        .assert_error(404, ErrorCode::NotFound);
    client
        .ask(Call::send("DELETE", "/v1/tickets", &json!({})))
        .await
        .assert_error(405, ErrorCode::BadRequest);
    sim.shutdown().await;
}
