//! Request signing: every request carries the kiosk's id, a timestamp and an HMAC-SHA256 over
//! the method, the path with its query, the timestamp, the body's SHA-256 and the kiosk id. The
//! server recomputes it with the kiosk's key and refuses a mismatch or a timestamp outside
//! [`MAX_SKEW_MS`] (answering with its own time in [`HEADER_SERVER_TIME`], so the kiosk corrects
//! its clock offset and retries).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The kiosk's id.
pub const HEADER_KIOSK_ID: &str = "x-kiosk-id";
/// Unix time of signing, milliseconds.
pub const HEADER_TIMESTAMP: &str = "x-timestamp";
/// Hex HMAC-SHA256 of [`canonical`].
pub const HEADER_SIGNATURE: &str = "x-signature";
/// A UUID per state-changing call; a replay with the same key gets the first answer.
pub const HEADER_IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Sent by the server on every response: its clock, unix milliseconds.
pub const HEADER_SERVER_TIME: &str = "x-server-time";
/// How far a request's timestamp may be from the server's clock.
pub const MAX_SKEW_MS: i64 = 300_000;

/// The string that is signed.
pub fn canonical(
    method: &str,
    path_and_query: &str,
    timestamp_ms: i64,
    body: &[u8],
    kiosk_id: &str,
) -> String {
    let digest = hex::encode(Sha256::digest(body));
    format!(
        "{}\n{path_and_query}\n{timestamp_ms}\n{digest}\n{kiosk_id}",
        method.to_ascii_uppercase()
    )
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => Hmac::<Sha256>::new(&Default::default()),
    }
}

/// The hex signature of a canonical string.
pub fn sign(key: &[u8], canonical: &str) -> String {
    let mut mac = mac(key);
    mac.update(canonical.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature_hex` is the signature of `canonical` (compared in constant time).
pub fn verify(key: &[u8], canonical: &str, signature_hex: &str) -> bool {
    let Ok(signature) = hex::decode(signature_hex) else {
        return false;
    };
    let mut mac = mac(key);
    mac.update(canonical.as_bytes());
    mac.verify_slice(&signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form() {
        let c = canonical(
            "post",
            "/v1/tickets?x=1",
            1_700_000_000_000,
            b"{}",
            "kiosk-01",
        );
        assert_eq!(
            c,
            "POST\n/v1/tickets?x=1\n1700000000000\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\nkiosk-01"
        );
    }

    #[test]
    fn rfc4231_test_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verify_accepts_only_the_right_signature() {
        let c = canonical("GET", "/v1/time", 1, b"", "k");
        let s = sign(b"secret", &c);
        assert!(verify(b"secret", &c, &s));
        assert!(!verify(b"other", &c, &s));
        assert!(!verify(
            b"secret",
            &canonical("GET", "/v1/time", 2, b"", "k"),
            &s
        ));
        assert!(!verify(b"secret", &c, "zz"));
        assert!(!verify(b"secret", &c, ""));
    }
}
