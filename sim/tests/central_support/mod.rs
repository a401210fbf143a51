//! Shared by the `central_*` tests: a tiny signed HTTP/1.1 client over a TCP or TLS stream (one
//! request per connection), and request builders for the contract's bodies.
//!
//! The kiosk's real client (reqwest) lives in the kiosk crate and is tested against the
//! simulator there; this one is deliberately small so each test controls every header.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: each test binary uses a part of them, and a failed step is a failed test"
)]

use base64::Engine as _;
use central_api::dto::{
    CardIdentity, ChallengeEvidence, DocumentType, ErrorBody, ErrorCode, IdNumberDto,
    LivenessEvidence, Verification, VerificationRequest,
};
use central_api::signing::{
    self, HEADER_IDEMPOTENCY_KEY, HEADER_KIOSK_ID, HEADER_SERVER_TIME, HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
};
use kiosk_sim::central::{self, CentralSim, CentralSimConfig, DEMO_KIOSK_ID, DEMO_KIOSK_KEY};
use rustls::pki_types::ServerName;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use uuid::Uuid;

/// How long any one exchange may take.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Starts a simulator with the default configuration.
pub async fn start() -> CentralSim {
    central::spawn(CentralSimConfig::default()).await.unwrap()
}

/// Starts a simulator with a configuration.
pub async fn start_with(config: CentralSimConfig) -> CentralSim {
    central::spawn(config).await.unwrap()
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as a contract type.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "HTTP {} body is not the expected type ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as JSON.
    pub fn value(&self) -> serde_json::Value {
        self.json()
    }

    /// The error body.
    pub fn error(&self) -> ErrorBody {
        self.json()
    }

    /// Asserts a refusal: status, code, and the server's clock header.
    pub fn assert_error(&self, status: u16, code: ErrorCode) -> ErrorBody {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(self.header(HEADER_SERVER_TIME).is_some());
        let error = self.error();
        assert_eq!(error.code, code);
        assert!(!error.message.is_empty() && !error.message_zh.is_empty());
        error
    }

    /// Asserts a status and returns the typed body.
    pub fn expect<T: DeserializeOwned>(&self, status: u16) -> T {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self.json()
    }
}

/// One request, before signing.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
    pub idempotency_key: Option<String>,
    pub headers: Vec<(String, String)>,
    /// Sign it (otherwise no signature headers at all).
    pub sign: bool,
    /// Sign with this timestamp instead of the client's clock.
    pub timestamp: Option<i64>,
    /// Sign over this body instead of the one sent (a tampered request).
    pub signed_body: Option<Vec<u8>>,
}

impl Call {
    /// A GET.
    pub fn get(path: &str) -> Call {
        Call {
            method: "GET".into(),
            path: path.into(),
            body: Vec::new(),
            idempotency_key: None,
            headers: Vec::new(),
            sign: true,
            timestamp: None,
            signed_body: None,
        }
    }

    /// A state-changing call with a JSON body and a fresh idempotency key.
    pub fn send<B: Serialize>(method: &str, path: &str, body: &B) -> Call {
        Call {
            method: method.into(),
            path: path.into(),
            body: serde_json::to_vec(body).unwrap(),
            idempotency_key: Some(Uuid::new_v4().to_string()),
            headers: Vec::new(),
            sign: true,
            timestamp: None,
            signed_body: None,
        }
    }

    /// A POST with a JSON body and a fresh idempotency key.
    pub fn post<B: Serialize>(path: &str, body: &B) -> Call {
        Call::send("POST", path, body)
    }

    /// Uses this idempotency key.
    pub fn key(mut self, key: &str) -> Call {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Sends no idempotency key.
    pub fn no_key(mut self) -> Call {
        self.idempotency_key = None;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Call {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends without signature headers.
    pub fn unsigned(mut self) -> Call {
        self.sign = false;
        self
    }

    /// Replaces the body (after construction), keeping the key.
    pub fn raw_body(mut self, body: &[u8]) -> Call {
        self.body = body.to_vec();
        self
    }
}

/// How the client reaches the server.
#[derive(Clone)]
pub enum Link {
    Plain,
    Tls(TlsConnector),
}

/// The signed test client.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    pub kiosk_id: String,
    pub key: Vec<u8>,
    /// Added to the local clock when signing (to follow a shifted server clock).
    pub clock_offset_ms: i64,
    pub link: Link,
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap()
}

impl Client {
    /// The demo kiosk over plain HTTP.
    pub fn new(sim: &CentralSim) -> Client {
        Client {
            addr: sim.addr(),
            kiosk_id: DEMO_KIOSK_ID.into(),
            key: DEMO_KIOSK_KEY.to_vec(),
            clock_offset_ms: 0,
            link: Link::Plain,
        }
    }

    /// The demo kiosk over TLS, trusting `ca_pem`, presenting `identity_pem` if given.
    pub fn tls(sim: &CentralSim, ca_pem: &[u8], identity_pem: Option<&[u8]>) -> Client {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_pemfile::certs(&mut &ca_pem[..]) {
            roots.add(cert.unwrap()).unwrap();
        }
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots);
        let config = match identity_pem {
            Some(pem) => {
                let certs = rustls_pemfile::certs(&mut &pem[..])
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap();
                let key = rustls_pemfile::private_key(&mut &pem[..]).unwrap().unwrap();
                builder.with_client_auth_cert(certs, key).unwrap()
            }
            None => builder.with_no_client_auth(),
        };
        Client {
            link: Link::Tls(TlsConnector::from(Arc::new(config))),
            ..Client::new(sim)
        }
    }

    /// Sends one call on a new connection and reads the answer until the server closes it.
    pub async fn call(&self, call: Call) -> std::io::Result<Reply> {
        tokio::time::timeout(PATIENCE, self.exchange(call))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in time"))?
    }

    /// Sends a call and expects an answer.
    pub async fn ask(&self, call: Call) -> Reply {
        self.call(call).await.expect("the server answered")
    }

    async fn exchange(&self, call: Call) -> std::io::Result<Reply> {
        let request = self.encode(&call);
        let stream = TcpStream::connect(self.addr).await?;
        match &self.link {
            Link::Plain => roundtrip(stream, &request).await,
            Link::Tls(connector) => {
                let name = ServerName::try_from("localhost").unwrap();
                let stream = connector.connect(name, stream).await?;
                roundtrip(stream, &request).await
            }
        }
    }

    fn encode(&self, call: &Call) -> Vec<u8> {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-length: {}\r\n",
            call.method,
            call.path,
            call.body.len()
        );
        if !call.body.is_empty() {
            head.push_str("content-type: application/json\r\n");
        }
        if call.sign {
            let timestamp = call
                .timestamp
                .unwrap_or_else(|| now_ms() + self.clock_offset_ms);
            let signed_body = call.signed_body.as_deref().unwrap_or(&call.body);
            let canonical = signing::canonical(
                &call.method,
                &call.path,
                timestamp,
                signed_body,
                &self.kiosk_id,
            );
            let signature = signing::sign(&self.key, &canonical);
            head.push_str(&format!(
                "{HEADER_KIOSK_ID}: {}\r\n{HEADER_TIMESTAMP}: {timestamp}\r\n{HEADER_SIGNATURE}: {signature}\r\n",
                self.kiosk_id
            ));
        }
        if let Some(key) = &call.idempotency_key {
            head.push_str(&format!("{HEADER_IDEMPOTENCY_KEY}: {key}\r\n"));
        }
        for (name, value) in &call.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&call.body);
        bytes
    }

    /// GET, expecting an answer.
    pub async fn get(&self, path: &str) -> Reply {
        self.ask(Call::get(path)).await
    }

    /// POST with a fresh key, expecting an answer.
    pub async fn post<B: Serialize>(&self, path: &str, body: &B) -> Reply {
        self.ask(Call::post(path, body)).await
    }

    /// PUT with a fresh key, expecting an answer.
    pub async fn put<B: Serialize>(&self, path: &str, body: &B) -> Reply {
        self.ask(Call::send("PUT", path, body)).await
    }

    /// Verifies a person (consent given, two passed challenges, a JPEG face).
    pub async fn verify(&self, identity: CardIdentity) -> Verification {
        self.post(
            "/v1/identity/verifications",
            &verification_request(identity),
        )
        .await
        .expect(201)
    }
}

async fn roundtrip<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
) -> std::io::Result<Reply> {
    stream.write_all(request).await?;
    stream.flush().await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> std::io::Result<Reply> {
    let closed = || {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed without a complete answer",
        )
    };
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(closed)?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(closed)?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(closed)?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let body = match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, len)) => {
            let len: usize = len.parse().map_err(|_| closed())?;
            if rest.len() < len {
                return Err(closed());
            }
            rest[..len].to_vec()
        }
        None if headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) =>
        {
            dechunk(rest).ok_or_else(closed)?
        }
        None => rest.to_vec(),
    };
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).ok()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// A JPEG-looking face payload.
pub fn jpeg_base64() -> String {
    base64::engine::general_purpose::STANDARD
        .encode([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'])
}

/// A verification request that passes every check for a known identity.
pub fn verification_request(identity: CardIdentity) -> VerificationRequest {
    VerificationRequest {
        identity,
        face_jpeg_base64: jpeg_base64(),
        liveness: LivenessEvidence {
            challenges: vec![
                ChallengeEvidence {
                    challenge: "turn_left".into(),
                    passed: true,
                    duration_ms: 900,
                },
                ChallengeEvidence {
                    challenge: "blink".into(),
                    passed: true,
                    duration_ms: 600,
                },
            ],
            frames: 40,
            detector: "yunet".into(),
        },
        consent: true,
    }
}

fn identity(document_type: DocumentType, name: &str, id: &str, birth: time::Date) -> CardIdentity {
    CardIdentity {
        document_type,
        name: name.into(),
        id_number: IdNumberDto(id.into()),
        birth_date: birth,
    }
}

/// The built-in resident card's holder (sim/cards/resident.toml).
pub fn zhang() -> CardIdentity {
    identity(
        DocumentType::Resident,
        "张𠮷英",
        "11010519491231002X",
        time::macros::date!(1949 - 12 - 31),
    )
}

/// The built-in 2017 foreigner card's holder.
pub fn smith() -> CardIdentity {
    identity(
        DocumentType::Foreigner2017,
        "史密斯",
        "USA118506120131",
        time::macros::date!(1985 - 06 - 12),
    )
}

/// The built-in 2023 foreigner card's holder.
pub fn maria() -> CardIdentity {
    identity(
        DocumentType::Foreigner2023,
        "玛丽亚",
        "911724199003150027",
        time::macros::date!(1990 - 03 - 15),
    )
}

/// The built-in residence permit's holder.
pub fn chen() -> CardIdentity {
    identity(
        DocumentType::HkMoTwPermit,
        "陈大文",
        "810000198001010014",
        time::macros::date!(1980 - 01 - 01),
    )
}
