//! The network shell: the listener, mutual TLS, HTTP/1.1 connections, the connection-level
//! faults, and the handle a test or the command line holds.
//!
//! One task accepts connections and owns a task per connection. With TLS, a connection must
//! complete a handshake in which the client presents a certificate signed by the configured
//! client CA (rustls' WebPKI verifier, ring provider); without one, or with an untrusted one, the
//! handshake fails and the connection is closed. Each request is served by the axum router
//! through hyper's HTTP/1.1 server, except that while a `drop` or `outage` is in force the
//! connection is closed instead (no answer, no effect), and after a `lose` the answer is
//! discarded and the connection closed (effect kept).

use super::app::{AppState, Rules, router};
use super::faults::{Counter, FaultHandle, Stats};
use super::guide::Guide;
use super::routes::queue::{call_next, day_key};
use super::script::Command;
use super::seed::{self, Demo};
use super::store::{self, Db};
use anyhow::{Context as _, anyhow};
use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;
use tracing::{debug, info, warn};

/// The demo kiosk configured when none is given.
pub const DEMO_KIOSK_ID: &str = "demo-kiosk";
/// The demo kiosk's HMAC key.
pub const DEMO_KIOSK_KEY: &[u8] = b"demo-key";
/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to back off after a failed accept (a full file table, say) before retrying.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Server certificate, key and the CA trusted for client certificates, all PEM.
#[derive(Clone)]
pub struct ServerTls {
    /// The server's certificate chain.
    pub cert_pem: Vec<u8>,
    /// The server's private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
    /// The CA that client certificates must be signed by.
    pub client_ca_pem: Vec<u8>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls").finish_non_exhaustive()
    }
}

/// How to run the central simulator.
#[derive(Clone)]
pub struct CentralSimConfig {
    /// Where to listen (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The SQLite file; `None` keeps the database in memory.
    pub db: Option<PathBuf>,
    /// The seed of the synthetic registry.
    pub seed: u64,
    /// Mutual TLS; `None` serves plain HTTP (for loopback demos).
    pub tls: Option<ServerTls>,
    /// Kiosk ids and their HMAC keys.
    pub kiosks: Vec<(String, Vec<u8>)>,
    /// How long before a slot's start check-in opens.
    pub check_in_early: Duration,
    /// How long after a slot's start check-in closes.
    pub check_in_late: Duration,
    /// Walk-in tickets per service and day.
    pub walk_in_cap: u32,
}

impl std::fmt::Debug for CentralSimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kiosks: Vec<&str> = self.kiosks.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("CentralSimConfig")
            .field("listen", &self.listen)
            .field("db", &self.db)
            .field("seed", &self.seed)
            .field("tls", &self.tls.is_some())
            .field("kiosks", &kiosks)
            .field("check_in_early", &self.check_in_early)
            .field("check_in_late", &self.check_in_late)
            .field("walk_in_cap", &self.walk_in_cap)
            .finish()
    }
}

impl Default for CentralSimConfig {
    /// Loopback on a free port, in memory, seed 1, plain HTTP, the demo kiosk (`demo-kiosk`,
    /// key `demo-key`), check-in from 60 minutes before to 20 after, 200 walk-ins a day.
    fn default() -> CentralSimConfig {
        CentralSimConfig {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            db: None,
            seed: 1,
            tls: None,
            kiosks: vec![(DEMO_KIOSK_ID.to_owned(), DEMO_KIOSK_KEY.to_vec())],
            check_in_early: Duration::from_secs(60 * 60),
            check_in_late: Duration::from_secs(20 * 60),
            walk_in_cap: 200,
        }
    }
}

/// A running central simulator. Dropping it stops the server too; [`CentralSim::shutdown`]
/// waits until every connection is closed.
#[derive(Debug)]
pub struct CentralSim {
    addr: SocketAddr,
    tls: bool,
    faults: FaultHandle,
    db: Db,
    demo: Demo,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

fn to_time(duration: Duration) -> anyhow::Result<time::Duration> {
    time::Duration::try_from(duration).map_err(|e| anyhow!("duration out of range: {e}"))
}

/// Starts the central simulator on the current tokio runtime: opens and seeds the database,
/// binds the listener, and serves until shut down.
pub async fn spawn(config: CentralSimConfig) -> anyhow::Result<CentralSim> {
    if config.kiosks.is_empty() {
        return Err(anyhow!("at least one kiosk must be configured"));
    }
    let faults = FaultHandle::new();
    let start = faults.now();
    let db = Db::open(config.db.as_deref()).with_context(|| match &config.db {
        Some(path) => format!("cannot open the database {}", path.display()),
        None => "cannot open an in-memory database".to_owned(),
    })?;
    let data = seed::generate(config.seed, start).context("cannot generate the registry")?;
    let demo = data.demo.clone();
    let seed_value = config.seed;
    let day = day_key(start);
    db.setup(move |tx| store::install(tx, &data, seed_value, &day))
        .await?;
    for holder in &demo.holders {
        info!("built-in card holder: {}", holder.line(true));
    }
    let tls = config
        .tls
        .as_ref()
        .map(tls_acceptor)
        .transpose()
        .context("cannot set up TLS")?;
    let state = AppState {
        db: db.clone(),
        faults: faults.clone(),
        kiosks: Arc::new(config.kiosks.iter().cloned().collect::<BTreeMap<_, _>>()),
        rules: Rules {
            check_in_early: to_time(config.check_in_early)?,
            check_in_late: to_time(config.check_in_late)?,
            walk_in_cap: config.walk_in_cap,
        },
        guide: Arc::new(Guide::build()),
    };
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(
        listener,
        tls.clone(),
        router(state),
        faults.clone(),
        shutdown_rx,
    ));
    Ok(CentralSim {
        addr,
        tls: tls.is_some(),
        faults,
        db,
        demo,
        shutdown,
        task,
    })
}

impl CentralSim {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What a client uses: `http://127.0.0.1:PORT` (the bound address, loopback for an
    /// unspecified one), or `https://localhost:PORT` with TLS (the name on the certificate).
    pub fn base_url(&self) -> String {
        let port = self.addr.port();
        if self.tls {
            return format!("https://localhost:{port}");
        }
        match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{port}"),
            IpAddr::V6(ip) if ip.is_unspecified() => {
                format!("http://[{}]:{port}", Ipv6Addr::LOCALHOST)
            }
            IpAddr::V4(ip) => format!("http://{ip}:{port}"),
            IpAddr::V6(ip) => format!("http://[{ip}]:{port}"),
        }
    }

    /// The first line on standard output: `HTTP <base url>` or `HTTPS <base url>`.
    pub fn announcement(&self) -> String {
        let scheme = if self.tls { "HTTPS" } else { "HTTP" };
        format!("{scheme} {}", self.base_url())
    }

    /// The handle on faults, clock, heartbeat configuration and counters.
    pub fn faults(&self) -> FaultHandle {
        self.faults.clone()
    }

    /// The counters now.
    pub fn stats(&self) -> Stats {
        self.faults.stats()
    }

    /// The built-in holders' booking codes and case numbers, and notable generated people.
    pub fn demo(&self) -> &Demo {
        &self.demo
    }

    /// Calls the next waiting ticket of a series: its number and window, or `None` when nobody
    /// waits. Fails for an unknown series.
    pub async fn call_next(&self, service_code: &str) -> anyhow::Result<Option<(String, String)>> {
        let code = service_code.to_owned();
        let now = self.faults.now();
        self.db.setup(move |tx| call_next(tx, now, &code)).await
    }

    /// Runs one script command, as if typed on standard input; returns the lines to print
    /// before its `OK` (`status`: a `STATUS` line; `demo`: `DEMO` lines; `call`: a `CALLED`
    /// line). `quit` stops the server (then call [`CentralSim::shutdown`] to wait for it).
    pub async fn run(&self, command: Command) -> anyhow::Result<Vec<String>> {
        let faults = &self.faults;
        match command {
            Command::Latency(delay) => faults.set_latency(delay),
            Command::Errors { count, status } => faults.fail_next(count, status),
            Command::Drop(count) => faults.drop_next(count),
            Command::Lose(count) => faults.lose_next(count),
            Command::Outage(on) => faults.set_outage(on),
            Command::Clock(ms) => faults.set_clock_offset_ms(ms),
            Command::Config { key, value } => faults.set_config(&key, value.as_deref()),
            Command::Clear => faults.clear(),
            Command::Status => return Ok(vec![faults.stats().status_line(&faults.state())]),
            Command::Demo => return Ok(self.demo.lines()),
            Command::Call(code) => {
                return Ok(vec![match self.call_next(&code).await? {
                    Some((number, window)) => format!("CALLED {number} {window}"),
                    None => format!("CALLED none {code}"),
                }]);
            }
            Command::Quit => {
                let _ = self.shutdown.send(true);
            }
        }
        Ok(Vec::new())
    }

    /// Stops accepting, closes every connection, and waits until the server task has ended.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let task = self.task;
        if let Err(e) = task.await {
            warn!("central simulator task ended abnormally: {e}");
        }
    }
}

fn tls_acceptor(tls: &ServerTls) -> anyhow::Result<TlsAcceptor> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut tls.client_ca_pem.as_slice()) {
        roots
            .add(cert.context("the client CA PEM")?)
            .context("the client CA certificate")?;
    }
    if roots.is_empty() {
        return Err(anyhow!("the client CA PEM holds no certificate"));
    }
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
            .build()
            .context("the client certificate verifier")?;
    let chain: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut tls.cert_pem.as_slice())
        .collect::<Result<_, _>>()
        .context("the server certificate PEM")?;
    if chain.is_empty() {
        return Err(anyhow!("the server certificate PEM holds no certificate"));
    }
    let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut tls.key_pem.as_slice())
        .context("the server key PEM")?
        .ok_or_else(|| anyhow!("the server key PEM holds no private key"))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .context("the server certificate and key")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    faults: FaultHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // A send or a dropped handle: either way, stop.
            _ = shutdown.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        warn!("accept failed: {e}");
                        tokio::time::sleep(ACCEPT_RETRY).await;
                        continue;
                    }
                };
                faults.bump(Counter::Connections);
                if faults.outage() {
                    faults.bump(Counter::RefusedConnections);
                    debug!(%peer, "outage: connection closed at once");
                    drop(stream);
                    continue;
                }
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let faults = faults.clone();
                let tls = tls.clone();
                connections.spawn(async move {
                    match tls {
                        None => serve_connection(stream, app, faults).await,
                        Some(acceptor) => {
                            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                                Ok(Ok(stream)) => serve_connection(stream, app, faults).await,
                                Ok(Err(e)) => {
                                    faults.bump(Counter::TlsFailures);
                                    debug!(%peer, "TLS handshake failed: {e}");
                                }
                                Err(_) => {
                                    faults.bump(Counter::TlsFailures);
                                    debug!(%peer, "TLS handshake timed out");
                                }
                            }
                        }
                    }
                });
            }
        }
    }
    connections.shutdown().await;
    info!("central simulator stopped");
}

/// Why a connection was closed without an answer.
#[derive(Debug, Error)]
enum Closed {
    /// `drop` or `outage`: before the request took effect.
    #[error("connection dropped by fault injection")]
    Dropped,
    /// `lose`: after the request took effect.
    #[error("answer lost by fault injection")]
    Lost,
}

async fn serve_connection<S>(io: S, app: Router, faults: FaultHandle)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let app = app.clone();
        let faults = faults.clone();
        async move {
            if faults.outage() || faults.take_drop() {
                faults.bump(Counter::Dropped);
                return Err(Closed::Dropped);
            }
            let lose = faults.take_loss();
            let response = match app.oneshot(request.map(Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if lose {
                faults.bump(Counter::LostResponses);
                return Err(Closed::Lost);
            }
            Ok(response)
        }
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), service);
    if let Err(e) = connection.await {
        debug!("connection ended: {e}");
    }
}
