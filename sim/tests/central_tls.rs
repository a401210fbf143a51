//! Mutual TLS: the server requires a client certificate signed by the configured client CA.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests: a failed step is a failed test"
)]

mod central_support;

use central_api::dto::ServerTime;
use central_support::{Call, Client, start_with};
use kiosk_sim::central::{CentralSim, CentralSimConfig, ServerTls};
use kiosk_sim::pki::TestPki;

async fn tls_sim(pki: &TestPki) -> CentralSim {
    start_with(CentralSimConfig {
        tls: Some(ServerTls {
            cert_pem: pki.server_cert_pem.clone(),
            key_pem: pki.server_key_pem.clone(),
            client_ca_pem: pki.client_ca_pem.clone(),
        }),
        ..CentralSimConfig::default()
    })
    .await
}

#[tokio::test]
async fn the_right_client_certificate_gets_in() {
    let pki = TestPki::generate().unwrap();
    let sim = tls_sim(&pki).await;
    assert_eq!(
        sim.base_url(),
        format!("https://localhost:{}", sim.addr().port())
    );
    assert!(sim.announcement().starts_with("HTTPS https://localhost:"));
    let client = Client::tls(&sim, &pki.ca_pem, Some(&pki.client_identity_pem));
    let _: ServerTime = client
        .ask(Call::get("/v1/time").unsigned())
        .await
        .expect(200);
    // Signed calls work over TLS as over plain HTTP.
    assert_eq!(client.get("/v1/catalogue").await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn no_client_certificate_or_an_untrusted_one_is_refused() {
    let pki = TestPki::generate().unwrap();
    let sim = tls_sim(&pki).await;
    let anonymous = Client::tls(&sim, &pki.ca_pem, None);
    assert!(
        anonymous
            .call(Call::get("/v1/time").unsigned())
            .await
            .is_err()
    );
    let untrusted = Client::tls(&sim, &pki.ca_pem, Some(&pki.untrusted_client_identity_pem));
    assert!(
        untrusted
            .call(Call::get("/v1/time").unsigned())
            .await
            .is_err()
    );
    // Plain HTTP to the TLS port gets no HTTP answer either.
    let plain = Client::new(&sim);
    assert!(plain.call(Call::get("/v1/time").unsigned()).await.is_err());
    // The trusted client still gets in.
    let trusted = Client::tls(&sim, &pki.ca_pem, Some(&pki.client_identity_pem));
    assert_eq!(
        trusted.ask(Call::get("/v1/time").unsigned()).await.status,
        200
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_server_cannot_connect() {
    let pki = TestPki::generate().unwrap();
    let other = TestPki::generate().unwrap();
    let sim = tls_sim(&pki).await;
    let suspicious = Client::tls(&sim, &other.ca_pem, Some(&pki.client_identity_pem));
    assert!(
        suspicious
            .call(Call::get("/v1/time").unsigned())
            .await
            .is_err()
    );
    sim.shutdown().await;
}
