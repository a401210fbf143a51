//! Identity verification, records, the property check and query-result certificates against
//! the seeded registry (the four built-in card holders).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests: a failed step is a failed test"
)]

mod central_support;

use central_api::dto::{
    CardIdentity, Certificate, CertificateCheck, ErrorCode, IdNumberDto, PropertyCheck, Records,
    Restriction,
};
use central_support::{Call, Client, chen, maria, smith, start, verification_request, zhang};
use serde_json::json;

#[tokio::test]
async fn verification_rules_in_order() {
    let sim = start().await;
    let client = Client::new(&sim);
    let path = "/v1/identity/verifications";

    let mut no_consent = verification_request(zhang());
    no_consent.consent = false;
    no_consent.face_jpeg_base64 = String::new();
    client
        .post(path, &no_consent)
        .await
        .assert_error(422, ErrorCode::ConsentMissing);

    let mut wrong_name = verification_request(zhang());
    wrong_name.identity.name = "张三".into();
    client
        .post(path, &wrong_name)
        .await
        .assert_error(422, ErrorCode::IdentityUnknown);

    let mut unknown = verification_request(zhang());
    unknown.identity.id_number = IdNumberDto("110101199001011234".into());
    client
        .post(path, &unknown)
        .await
        .assert_error(422, ErrorCode::IdentityUnknown);

    let mut one_challenge = verification_request(zhang());
    one_challenge.liveness.challenges.truncate(1);
    client
        .post(path, &one_challenge)
        .await
        .assert_error(422, ErrorCode::LivenessFailed);

    let mut failed_challenge = verification_request(zhang());
    failed_challenge.liveness.challenges[1].passed = false;
    client
        .post(path, &failed_challenge)
        .await
        .assert_error(422, ErrorCode::LivenessFailed);

    let mut not_jpeg = verification_request(zhang());
    not_jpeg.face_jpeg_base64 = "iVBORw0KGgo=".into(); // PNG magic
    client
        .post(path, &not_jpeg)
        .await
        .assert_error(422, ErrorCode::FaceMismatch);

    let mismatch = &sim.demo().face_mismatch[0];
    let stranger = CardIdentity {
        document_type: mismatch.document_type,
        name: mismatch.name.clone(),
        id_number: IdNumberDto(mismatch.id_number.clone()),
        birth_date: time::macros::date!(1980 - 01 - 01),
    };
    client
        .post(path, &verification_request(stranger))
        .await
        .assert_error(422, ErrorCode::FaceMismatch);

    let before = central_support::now_ms();
    let verification = client.verify(zhang()).await;
    let expires =
        i64::try_from(verification.expires_at.unix_timestamp_nanos() / 1_000_000).unwrap();
    assert!(
        (expires - before - 600_000).abs() < 5_000,
        "valid ten minutes"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn every_built_in_holder_verifies_and_a_foreigner_also_by_english_name() {
    let sim = start().await;
    let client = Client::new(&sim);
    for identity in [zhang(), smith(), maria(), chen()] {
        client.verify(identity).await;
    }
    let mut english = smith();
    english.name = "smith, john william".into();
    client.verify(english).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn holder_records_and_property_check() {
    let sim = start().await;
    let client = Client::new(&sim);
    let v = client.verify(zhang()).await.verification_id;
    let records: Records = client
        .get(&format!("/v1/records?verification_id={v}"))
        .await
        .expect(200);
    assert_eq!(records.units.len(), 2);
    for unit in &records.units {
        assert_eq!(
            unit.holders[0].id_number.0, "11010519491231002X",
            "own number unmasked"
        );
        assert_eq!(unit.holders[0].name, "张𠮷英");
    }
    let all: Vec<&Restriction> = records.units.iter().flat_map(|u| &u.restrictions).collect();
    assert!(
        all.iter()
            .any(|r| matches!(r, Restriction::Mortgage { .. }))
    );
    assert!(all.iter().any(|r| matches!(r, Restriction::Seizure { .. })));
    let check: PropertyCheck = client
        .get(&format!("/v1/records/property-check?verification_id={v}"))
        .await
        .expect(200);
    assert_eq!((check.has_property, check.residential_units), (true, 2));

    let m = client.verify(maria()).await.verification_id;
    let records: Records = client
        .get(&format!("/v1/records?verification_id={m}"))
        .await
        .expect(200);
    assert!(records.units.is_empty());
    let check: PropertyCheck = client
        .get(&format!("/v1/records/property-check?verification_id={m}"))
        .await
        .expect(200);
    assert_eq!((check.has_property, check.residential_units), (false, 0));

    let c = client.verify(chen()).await.verification_id;
    let records: Records = client
        .get(&format!("/v1/records?verification_id={c}"))
        .await
        .expect(200);
    assert!(matches!(
        records.units[0].restrictions[..],
        [
            Restriction::Objection { .. },
            Restriction::AdvanceNotice { .. }
        ]
    ));
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_or_expired_verifications_are_refused() {
    let sim = start().await;
    let mut client = Client::new(&sim);
    let unknown = uuid::Uuid::new_v4();
    client
        .get(&format!("/v1/records?verification_id={unknown}"))
        .await
        .assert_error(403, ErrorCode::VerificationExpired);
    let v = client.verify(smith()).await.verification_id;
    assert_eq!(
        client
            .get(&format!("/v1/records?verification_id={v}"))
            .await
            .status,
        200
    );
    // Eleven minutes later (the server's clock moved, the client follows it).
    sim.faults().set_clock_offset_ms(11 * 60_000);
    client.clock_offset_ms = 11 * 60_000;
    client
        .get(&format!("/v1/records?verification_id={v}"))
        .await
        .assert_error(403, ErrorCode::VerificationExpired);
    client
        .get(&format!("/v1/records/property-check?verification_id={v}"))
        .await
        .assert_error(403, ErrorCode::VerificationExpired);
    let body = json!({"verification_id": v, "purpose": "loan", "requester": "holder"});
    client
        .post("/v1/certificates", &body)
        .await
        .assert_error(403, ErrorCode::VerificationExpired);
    sim.shutdown().await;
}

#[tokio::test]
async fn holder_certificate_and_its_public_check() {
    let sim = start().await;
    let client = Client::new(&sim);
    let v = client.verify(zhang()).await.verification_id;
    let body = json!({"verification_id": v, "purpose": "school_enrolment", "requester": "holder"});
    let certificate: Certificate = client.post("/v1/certificates", &body).await.expect(201);
    let number = certificate.query_number.as_str();
    assert!(number.starts_with("CX") && number.len() == 16, "{number}");
    assert!(number[2..].bytes().all(|b| b.is_ascii_digit()));
    let code = certificate.verification_code.as_str();
    assert_eq!(code.len(), 12);
    assert_eq!(
        certificate.verification_url,
        format!("https://verify.invalid/c/{code}")
    );
    assert_eq!(certificate.requester_name, "张𠮷英");
    assert_eq!(certificate.requester_id_number.0, "11010519491231002X");
    assert_eq!(certificate.units.len(), 2);
    let now = time::OffsetDateTime::now_utc();
    assert!((certificate.issued_at - now).abs() < time::Duration::seconds(5));

    let check: CertificateCheck = client
        .ask(Call::get(&format!("/v1/certificates/verify/{code}")).unsigned())
        .await
        .expect(200);
    assert!(check.valid);
    assert_eq!(check.query_number.as_ref(), Some(&certificate.query_number));
    assert_eq!(check.units, Some(2));
    assert_eq!(check.issued_at, Some(certificate.issued_at));

    // Narrowed to one unit; a unit that is not hers is refused.
    let one = certificate.units[0].unit_code.clone();
    let narrowed = json!({"verification_id": v, "purpose": "loan", "requester": "holder", "unit_codes": [one]});
    let narrowed: Certificate = client.post("/v1/certificates", &narrowed).await.expect(201);
    assert_eq!(narrowed.units.len(), 1);
    assert_ne!(narrowed.query_number, certificate.query_number);
    let foreign = json!({"verification_id": v, "purpose": "loan", "requester": "holder",
        "unit_codes": ["110101003004GB00011F00020803"]});
    client
        .post("/v1/certificates", &foreign)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    sim.shutdown().await;
}

#[tokio::test]
async fn interested_party_view_is_masked_and_leaves_out_residence_rights_and_locks() {
    let sim = start().await;
    let client = Client::new(&sim);
    let v = client.verify(maria()).await.verification_id;
    // 玛丽亚 asks, as an interested party, about 史密斯's flat.
    let body = json!({"verification_id": v, "purpose": "litigation", "requester": "interested_party",
        "unit_codes": ["110101003004GB00011F00020803"]});
    let certificate: Certificate = client.post("/v1/certificates", &body).await.expect(201);
    assert_eq!(certificate.requester_name, "玛**");
    assert_eq!(certificate.requester_id_number.0, "9117**********0027");
    let unit = &certificate.units[0];
    assert_eq!(unit.holders[0].name, "史**");
    assert_eq!(unit.holders[0].id_number.0, "USA1*******0131");
    assert!(
        unit.restrictions.is_empty(),
        "the residence right is left out"
    );
    // The same flat in its holder's own view keeps the residence right.
    let s = client.verify(smith()).await.verification_id;
    let records: Records = client
        .get(&format!("/v1/records?verification_id={s}"))
        .await
        .expect(200);
    assert!(matches!(
        records.units[0].restrictions[..],
        [Restriction::ResidenceRight { .. }]
    ));
    // An unregistered unit is refused.
    let body = json!({"verification_id": v, "purpose": "litigation", "requester": "interested_party",
        "unit_codes": ["110101003004GB99999F00020803"]});
    client
        .post("/v1/certificates", &body)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    sim.shutdown().await;
}

#[tokio::test]
async fn no_record_certificate_and_purpose_rules() {
    let sim = start().await;
    let client = Client::new(&sim);
    let v = client.verify(maria()).await.verification_id;
    let body =
        json!({"verification_id": v, "purpose": "purchase_qualification", "requester": "holder"});
    let certificate: Certificate = client.post("/v1/certificates", &body).await.expect(201);
    assert!(certificate.units.is_empty(), "the no-record certificate");
    let check: CertificateCheck = client
        .ask(
            Call::get(&format!(
                "/v1/certificates/verify/{}",
                certificate.verification_code
            ))
            .unsigned(),
        )
        .await
        .expect(200);
    assert_eq!((check.valid, check.units), (true, Some(0)));

    let missing = json!({"verification_id": v, "requester": "holder"});
    client
        .post("/v1/certificates", &missing)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    let unknown = json!({"verification_id": v, "purpose": "curiosity", "requester": "holder"});
    client
        .post("/v1/certificates", &unknown)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    let other = json!({"verification_id": v, "purpose": "other", "requester": "holder"});
    client
        .post("/v1/certificates", &other)
        .await
        .assert_error(400, ErrorCode::BadRequest);
    let other = json!({"verification_id": v, "purpose": "other", "purpose_note": "公积金提取", "requester": "holder"});
    assert_eq!(client.post("/v1/certificates", &other).await.status, 201);
    sim.shutdown().await;
}
