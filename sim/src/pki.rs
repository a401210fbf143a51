//! A throw-away public-key infrastructure for mutual TLS between the kiosk and the central
//! simulator: one CA that signs the server's certificate and a kiosk's client certificate, and a
//! second, unrelated CA that signs a client certificate the server must refuse.
//!
//! Everything is generated in memory with ECDSA P-256 keys (rcgen, ring) and returned as PEM.
//! Nothing here is for production: keys are fresh on every call and never stored.
//!
//! ```no_run
//! # fn demo() -> anyhow::Result<()> {
//! use kiosk_sim::pki::TestPki;
//! let pki = TestPki::generate()?;
//! // server: pki.server_cert_pem, pki.server_key_pem, trusting pki.client_ca_pem
//! // kiosk:  trusts pki.ca_pem, presents pki.client_identity_pem
//! # let _ = pki; Ok(()) }
//! ```

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use std::net::{IpAddr, Ipv4Addr};
use time::{Duration, OffsetDateTime};

/// How long the generated certificates are valid on either side of now (a test machine's clock
/// may be off; the certificates must not be the thing that fails).
const VALIDITY: Duration = Duration::days(365);

/// Generated CA, server and client material, all PEM.
#[derive(Clone)]
pub struct TestPki {
    /// The CA certificate that signed the server's certificate (the kiosk trusts it).
    pub ca_pem: Vec<u8>,
    /// The server's certificate, for `localhost` and `127.0.0.1`.
    pub server_cert_pem: Vec<u8>,
    /// The server's private key (PKCS#8).
    pub server_key_pem: Vec<u8>,
    /// A kiosk's client certificate followed by its PKCS#8 key, as `reqwest::Identity::from_pem`
    /// expects.
    pub client_identity_pem: Vec<u8>,
    /// The CA the server trusts for client certificates (the same CA as [`TestPki::ca_pem`]).
    pub client_ca_pem: Vec<u8>,
    /// A client certificate and key signed by an unrelated CA, which the server must refuse.
    pub untrusted_client_identity_pem: Vec<u8>,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki").finish_non_exhaustive()
    }
}

impl TestPki {
    /// Generates a fresh CA, a server certificate and two client identities (one trusted, one
    /// signed by another CA).
    pub fn generate() -> Result<TestPki, rcgen::Error> {
        let now = OffsetDateTime::now_utc();
        let (ca_pem, ca) = certificate_authority("Hall kiosk test CA", now)?;
        let (_, other_ca) = certificate_authority("Unrelated test CA", now)?;

        let server_key = KeyPair::generate()?;
        let mut server = leaf_params("central-sim", now)?;
        server.subject_alt_names = vec![
            SanType::DnsName("localhost".try_into()?),
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        ];
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server.signed_by(&server_key, &ca)?;

        let client_identity_pem = client_identity("demo-kiosk", &ca, now)?;
        let untrusted_client_identity_pem = client_identity("demo-kiosk", &other_ca, now)?;

        Ok(TestPki {
            ca_pem: ca_pem.clone().into_bytes(),
            server_cert_pem: server_cert.pem().into_bytes(),
            server_key_pem: server_key.serialize_pem().into_bytes(),
            client_identity_pem,
            client_ca_pem: ca_pem.into_bytes(),
            untrusted_client_identity_pem,
        })
    }
}

/// A self-signed CA: its certificate PEM and an issuer that signs with its key.
fn certificate_authority(
    name: &str,
    now: OffsetDateTime,
) -> Result<(String, Issuer<'static, KeyPair>), rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = now - VALIDITY;
    params.not_after = now + VALIDITY;
    let cert = params.self_signed(&key)?;
    Ok((cert.pem(), Issuer::new(params, key)))
}

/// The parameters every end-entity certificate shares.
fn leaf_params(common_name: &str, now: OffsetDateTime) -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.not_before = now - VALIDITY;
    params.not_after = now + VALIDITY;
    Ok(params)
}

/// A client certificate for `kiosk_id` signed by `issuer`, then its key: one PEM text.
fn client_identity(
    kiosk_id: &str,
    issuer: &Issuer<'_, KeyPair>,
    now: OffsetDateTime,
) -> Result<Vec<u8>, rcgen::Error> {
    let key = KeyPair::generate()?;
    let mut params = leaf_params(kiosk_id, now)?;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.signed_by(&key, issuer)?;
    let mut pem = cert.pem();
    if !pem.ends_with('\n') {
        pem.push('\n');
    }
    pem.push_str(&key.serialize_pem());
    Ok(pem.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(pem: &[u8]) -> Vec<String> {
        String::from_utf8_lossy(pem)
            .lines()
            .filter(|l| l.starts_with("-----BEGIN "))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn identities_are_certificate_then_pkcs8_key() {
        let pki = TestPki::generate().unwrap();
        for identity in [&pki.client_identity_pem, &pki.untrusted_client_identity_pem] {
            assert_eq!(
                blocks(identity),
                ["-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"]
            );
        }
        assert_eq!(blocks(&pki.server_key_pem), ["-----BEGIN PRIVATE KEY-----"]);
        assert_eq!(
            blocks(&pki.server_cert_pem),
            ["-----BEGIN CERTIFICATE-----"]
        );
        assert_eq!(pki.ca_pem, pki.client_ca_pem);
        assert_ne!(pki.client_identity_pem, pki.untrusted_client_identity_pem);
    }
}
