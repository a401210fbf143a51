//! `kiosk doctor`: checks an installation and says what to fix.
//!
//! One [`Check`] per line: the configuration, the reader (answers, SAM id), the ticket printer
//! (status), the camera (opens, gives a frame), the face model (loads), the fonts (Noto CJK),
//! the A4 printer (CUPS queue exists and accepts jobs, or the PDF folder is writable), central
//! (reachable, TLS, clock skew) and the store (writable, the journal's chain verifies).
//!
//! With a CUPS server on this machine it also reads `cupsd.conf`: CUPS keeps a printed job's
//! document for a day by default (`PreserveJobFiles 86400`), and a certificate carries its
//! holder's full ID number, so a hall kiosk must say `PreserveJobFiles No` (and, for the job
//! titles with their query numbers, `PreserveJobHistory No`). That check WARNs: the kiosk works,
//! but personal data stays on disk.

use super::camera::{Camera, OpenCvCamera, OpenSource};
use crate::central::CentralClient;
use crate::config::Config;
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Clock skew beyond which printed times are wrong enough to fix the kiosk's clock.
pub const MAX_SKEW: Duration = Duration::from_secs(60);

/// Where a local CUPS server keeps its configuration.
pub const CUPSD_CONF: &str = "/etc/cups/cupsd.conf";

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked (`reader`, `ticket printer`, ...).
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to do when it failed.
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            ok: true,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            ok: false,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    /// Passed, but with something to fix: the kiosk works (`ok`), yet should not stay so.
    fn warn(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            ok: true,
            ..Check::fail(name, detail, fix)
        }
    }

    /// Whether it passed with something to fix.
    pub fn is_warning(&self) -> bool {
        self.ok && self.fix.is_some()
    }

    /// The line `kiosk doctor` prints: `OK   name: detail`, `WARN name: detail -- fix: ...` or
    /// `FAIL name: detail -- fix: ...`.
    pub fn line(&self) -> String {
        match (&self.fix, self.ok) {
            (None, true) => format!("OK   {}: {}", self.name, self.detail),
            (None, false) => format!("FAIL {}: {}", self.name, self.detail),
            (Some(fix), true) => format!("WARN {}: {} -- fix: {fix}", self.name, self.detail),
            (Some(fix), false) => format!("FAIL {}: {} -- fix: {fix}", self.name, self.detail),
        }
    }
}

/// Where the A4 output goes.
#[derive(Debug, Clone)]
pub enum A4 {
    /// A CUPS queue on a server.
    Cups {
        /// `HOST:PORT`.
        server: String,
        /// The queue.
        queue: String,
        /// The server's `cupsd.conf` when the server runs on this machine ([`CUPSD_CONF`]);
        /// `None` for a server elsewhere (its job files are not on this disk).
        cupsd_conf: Option<PathBuf>,
    },
    /// A PDF folder.
    PdfDir(PathBuf),
}

/// What to check.
pub struct Target {
    /// Where the configuration came from (`embedded demo defaults` or the file).
    pub config: String,
    /// The reader's port.
    pub reader: idcard::driver::Endpoint,
    /// The ticket printer.
    pub printer: escpos::driver::Endpoint,
    /// The camera.
    pub camera: Box<dyn Camera>,
    /// The YuNet model, when configured.
    pub yunet_model: Option<PathBuf>,
    /// The A4 output.
    pub a4: A4,
    /// Central.
    pub central: Arc<CentralClient>,
    /// Whether central is configured over TLS.
    pub tls: bool,
    /// The state folder.
    pub state_dir: PathBuf,
    /// How long the reader may take to answer.
    pub reader_patience: Duration,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("config", &self.config)
            .field("state_dir", &self.state_dir)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// The target a configuration file describes.
    ///
    /// # Errors
    /// The central client cannot be built from it (a key or certificate file unreadable).
    pub fn from_config(config: &Config) -> anyhow::Result<Target> {
        let f = &config.file;
        let spec = config.camera_source.clone();
        let open: OpenSource =
            Box::new(move || ::camera::open_source(&spec, &::camera::SourceOptions::default()));
        let detector = ::camera::detector_from_model(f.devices.camera.yunet_model.as_deref());
        let camera: Box<dyn Camera> = match detector {
            Ok(d) => Box::new(OpenCvCamera::new(open, d)),
            Err(_) => Box::new(NoDetector(open)),
        };
        Ok(Target {
            config: config.path.display().to_string(),
            reader: idcard::driver::Endpoint::parse(&f.devices.reader.port, f.devices.reader.baud),
            printer: escpos::driver::Endpoint::parse(
                &f.devices.ticket_printer.endpoint,
                f.devices.ticket_printer.baud,
            ),
            camera,
            yunet_model: f.devices.camera.yunet_model.clone(),
            a4: match (&f.devices.a4.cups_queue, &f.devices.a4.pdf_dir) {
                (Some(q), _) => A4::Cups {
                    server: f.devices.a4.cups_server.clone(),
                    queue: q.clone(),
                    cupsd_conf: is_local_server(&f.devices.a4.cups_server)
                        .then(|| PathBuf::from(CUPSD_CONF)),
                },
                (None, Some(d)) => A4::PdfDir(d.clone()),
                (None, None) => A4::PdfDir(f.store.state_dir.join("pdf")),
            },
            central: Arc::new(super::central_client(config)?),
            tls: f.central.url.starts_with("https://"),
            state_dir: f.store.state_dir.clone(),
            reader_patience: Duration::from_secs(8),
        })
    }
}

/// A camera whose detector could not load: probing still opens the source.
struct NoDetector(OpenSource);

impl Camera for NoDetector {
    fn face_check_previewed(
        &mut self,
        _: &std::sync::atomic::AtomicBool,
        _: &mut super::camera::PreviewSink<'_>,
    ) -> Result<super::camera::FaceResult, ::camera::CameraError> {
        Err(::camera::CameraError::BadSpec(
            "no face detector".to_owned(),
        ))
    }

    fn scan_qr_previewed(
        &mut self,
        _: &std::sync::atomic::AtomicBool,
        _: &mut dyn FnMut(String),
        _: &mut super::camera::PreviewSink<'_>,
    ) -> Result<(), ::camera::CameraError> {
        Err(::camera::CameraError::BadSpec(
            "no face detector".to_owned(),
        ))
    }

    fn probe(&mut self) -> Result<String, ::camera::CameraError> {
        super::camera::probe_source((self.0)()?.as_mut())
    }
}

/// Runs every check, in order.
pub async fn run(target: Target) -> Vec<Check> {
    let Target {
        config,
        reader: reader_port,
        printer,
        mut camera,
        yunet_model,
        a4: a4_target,
        central: client,
        tls,
        state_dir,
        reader_patience,
    } = target;
    let mut checks = vec![Check::ok("configuration", config)];
    checks.push(reader(&reader_port, reader_patience).await);
    checks.push(ticket_printer(&printer).await);
    let cam = tokio::task::spawn_blocking(move || camera.probe())
        .await
        .unwrap_or_else(|e| Err(::camera::CameraError::BadSpec(e.to_string())));
    checks.push(match cam {
        Ok(what) => Check::ok("camera", what),
        Err(e) => Check::fail(
            "camera",
            e.to_string(),
            "check devices.camera.source and the cable; `v4l2-ctl --list-devices` lists cameras",
        ),
    });
    checks.push(face_model(yunet_model).await);
    checks.extend(fonts());
    checks.push(a4(&a4_target).await);
    if let A4::Cups {
        cupsd_conf: Some(conf),
        ..
    } = &a4_target
    {
        checks.push(cups_job_files(conf));
    }
    checks.extend(central(&client, tls).await);
    checks.extend(store(&state_dir));
    checks
}

async fn reader(port: &idcard::driver::Endpoint, patience: Duration) -> Check {
    use idcard::driver::{DeviceStatus, ReaderService, ServiceConfig};
    let service = ReaderService::spawn(port.clone(), ServiceConfig::default());
    let mut status = service.watch_status();
    let deadline = tokio::time::Instant::now() + patience;
    let result = loop {
        let now = status.borrow_and_update().clone();
        if now.status == DeviceStatus::Online {
            break Ok(now);
        }
        match tokio::time::timeout_at(deadline, status.changed()).await {
            Ok(Ok(())) => {}
            _ => break Err(now),
        }
    };
    service.stop();
    match result {
        Ok(s) => Check::ok(
            "reader",
            format!(
                "{port} answers{}",
                s.sam_id
                    .map(|id| format!(" (SAM {id})"))
                    .unwrap_or_default()
            ),
        ),
        Err(s) => Check::fail(
            "reader",
            format!(
                "{port} is {}{}",
                s.status,
                s.last_error.map(|e| format!(": {e}")).unwrap_or_default()
            ),
            "check devices.reader.port (prefer /dev/serial/by-id/...), the baud rate and the reader's power",
        ),
    }
}

async fn ticket_printer(endpoint: &escpos::driver::Endpoint) -> Check {
    let mut printer = escpos::driver::TicketPrinter::new(endpoint.clone());
    match tokio::time::timeout(Duration::from_secs(5), printer.status()).await {
        Ok(Ok(status)) => match escpos::driver::Fault::of(&status) {
            None => Check::ok("ticket printer", format!("{} ready", endpoint)),
            Some(fault) => Check::fail(
                "ticket printer",
                format!("{} reports {fault:?}", endpoint),
                match fault {
                    escpos::driver::Fault::PaperOut => "load a paper roll",
                    escpos::driver::Fault::CoverOpen => "close the printer cover",
                    _ => "check the printer's panel; power-cycle it",
                },
            ),
        },
        Ok(Err(e)) => Check::fail(
            "ticket printer",
            format!("{}: {e}", endpoint),
            "check devices.ticket_printer.endpoint, the cable and the printer's power",
        ),
        Err(_) => Check::fail(
            "ticket printer",
            format!("{}: no answer in 5 s", endpoint),
            "check devices.ticket_printer.endpoint and baud",
        ),
    }
}

async fn face_model(model: Option<PathBuf>) -> Check {
    let result = tokio::task::spawn_blocking(move || {
        ::camera::detector_from_model(model.as_deref()).map(|d| d.name())
    })
    .await;
    match result {
        Ok(Ok(name)) => Check::ok("face model", format!("{name} detector loads")),
        Ok(Err(e)) => Check::fail(
            "face model",
            e.to_string(),
            "set devices.camera.yunet_model to the YuNet ONNX file, or install opencv-data for the cascades",
        ),
        Err(e) => Check::fail("face model", e.to_string(), "report this"),
    }
}

fn fonts() -> Vec<Check> {
    let tickets = match tickets::Fonts::load_default() {
        Ok(_) => Check::ok("fonts (tickets)", "Noto CJK loads"),
        Err(e) => Check::fail(
            "fonts (tickets)",
            e.to_string(),
            "apt-get install fonts-noto-cjk",
        ),
    };
    let pdf = match documents::fonts::Fonts::load_default() {
        Ok(_) => Check::ok("fonts (certificates)", "Noto CJK loads"),
        Err(e) => Check::fail(
            "fonts (certificates)",
            e.to_string(),
            "apt-get install fonts-noto-cjk",
        ),
    };
    vec![tickets, pdf]
}

async fn a4(a4: &A4) -> Check {
    match a4 {
        A4::PdfDir(dir) => {
            let probe = dir.join(".kiosk-doctor");
            let result = std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(&probe, b"ok"))
                .and_then(|()| std::fs::remove_file(&probe));
            match result {
                Ok(()) => Check::ok(
                    "A4 output",
                    format!("PDF folder {} writable", dir.display()),
                ),
                Err(e) => Check::fail(
                    "A4 output",
                    format!("{}: {e}", dir.display()),
                    "fix devices.a4.pdf_dir or its permissions",
                ),
            }
        }
        A4::Cups { server, queue, .. } => {
            let printer =
                match cups::Printer::on_server(server, queue, cups::PrinterConfig::default()) {
                    Ok(p) => p,
                    Err(e) => {
                        return Check::fail(
                            "A4 printer",
                            e.to_string(),
                            "fix devices.a4.cups_server / cups_queue",
                        );
                    }
                };
            match printer.printer_status().await {
                Ok(s) if s.accepting_jobs && s.blocking_reason().is_none() => Check::ok(
                    "A4 printer",
                    format!(
                        "CUPS queue {queue} on {server} accepts jobs ({:?})",
                        s.state
                    ),
                ),
                Ok(s) => Check::fail(
                    "A4 printer",
                    format!(
                        "CUPS queue {queue}: accepting={} reasons={:?}",
                        s.accepting_jobs, s.reasons
                    ),
                    format!("cupsenable {queue} && cupsaccept {queue}; clear the printer's fault"),
                ),
                Err(e) => Check::fail(
                    "A4 printer",
                    format!("CUPS queue {queue} on {server}: {e}"),
                    "lpstat -p lists queues; start cups and create the queue (lpadmin)",
                ),
            }
        }
    }
}

async fn central(client: &CentralClient, tls: bool) -> Vec<Check> {
    match client.server_time().await {
        Ok(_) => {
            let skew = client.clock_offset_ms();
            let mut checks = vec![Check::ok(
                "central",
                format!(
                    "reachable{}",
                    if tls {
                        " over mutual TLS"
                    } else {
                        " (plain HTTP on loopback)"
                    }
                ),
            )];
            let skew_abs = Duration::from_millis(skew.unsigned_abs());
            checks.push(if skew_abs <= MAX_SKEW {
                Check::ok("clock", format!("{skew} ms from central"))
            } else {
                Check::fail(
                    "clock",
                    format!("{skew} ms from central"),
                    "enable NTP (timedatectl set-ntp true); printed times use central's clock meanwhile",
                )
            });
            checks
        }
        Err(e) => vec![Check::fail(
            "central",
            e.to_string(),
            if tls {
                "check central.url, the network, and central.client_cert/client_key/ca"
            } else {
                "check central.url and the network"
            },
        )],
    }
}

fn store(state_dir: &std::path::Path) -> Vec<Check> {
    let path = state_dir.join(crate::store::STORE_FILE);
    let store = match std::fs::create_dir_all(state_dir)
        .map_err(|e| e.to_string())
        .and_then(|()| Store::open(&path).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            return vec![Check::fail(
                "store",
                format!("{}: {e}", path.display()),
                "fix store.state_dir or its permissions",
            )];
        }
    };
    let writable = match store.depth() {
        Ok(depth) => Check::ok(
            "store",
            format!("{} writable; outbox depth {depth}", path.display()),
        ),
        Err(e) => Check::fail("store", e.to_string(), "check the disk"),
    };
    let journal = match store.journal().verify() {
        Ok(n) => Check::ok("journal", format!("chain of {n} entries verifies")),
        Err(e) => Check::fail(
            "journal",
            e.to_string(),
            "keep the file for investigation; `kiosk journal verify` shows the break",
        ),
    };
    vec![writable, journal]
}

/// Whether every check passed (warnings pass).
pub fn all_ok(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.ok)
}

/// Whether a CUPS server (`HOST:PORT`, `[V6]:PORT`, or a socket path) runs on this machine.
pub fn is_local_server(server: &str) -> bool {
    if server.starts_with('/') {
        return true;
    }
    let host = match server.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => match server.rsplit_once(':') {
            Some((host, port))
                if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) =>
            {
                host
            }
            _ => server,
        },
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// How long CUPS keeps something after a job: `PreserveJobFiles` or `PreserveJobHistory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preserve {
    /// Not kept (`No`, `Off`, `False`, `0`).
    No,
    /// Kept until the job limit (`Yes`, `On`, `True`).
    Yes,
    /// Kept this many seconds (`86400`, `1d`, `12h`, `30m`, `1w`).
    Seconds(u64),
}

impl Preserve {
    /// Parses a directive's value as cupsd does (case-insensitive); `None` when it is not one.
    pub fn parse(value: &str) -> Option<Preserve> {
        let v = value.trim().to_ascii_lowercase();
        match v.as_str() {
            "no" | "off" | "false" => return Some(Preserve::No),
            "yes" | "on" | "true" => return Some(Preserve::Yes),
            _ => {}
        }
        let (digits, unit) = match v.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            Some((i, _)) => v.split_at(i),
            None => (v.as_str(), ""),
        };
        let n: u64 = digits.parse().ok()?;
        let scale = match unit {
            "" | "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 604_800,
            _ => return None,
        };
        Some(match n.saturating_mul(scale) {
            0 => Preserve::No,
            s => Preserve::Seconds(s),
        })
    }

    fn describe(self) -> String {
        match self {
            Preserve::No => "No".to_owned(),
            Preserve::Yes => "Yes (until the job limit)".to_owned(),
            Preserve::Seconds(s) => format!("{s} s"),
        }
    }
}

/// `PreserveJobFiles` where `cupsd.conf` does not say: CUPS 2.x keeps documents for a day.
pub const DEFAULT_PRESERVE_FILES: Preserve = Preserve::Seconds(86_400);
/// `PreserveJobHistory` where `cupsd.conf` does not say.
pub const DEFAULT_PRESERVE_HISTORY: Preserve = Preserve::Yes;

/// The top-level `PreserveJobFiles` and `PreserveJobHistory` of a `cupsd.conf` text, `None`
/// where absent; the last of repeated directives wins, as in cupsd.
///
/// # Errors
/// A value that is neither Yes/No nor a time, naming its line.
pub fn preserved(conf: &str) -> Result<(Option<Preserve>, Option<Preserve>), String> {
    let (mut files, mut history) = (None, None);
    let mut depth = 0usize;
    for (n, line) in conf.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("</") {
            depth = depth.saturating_sub(1);
            continue;
        }
        if line.starts_with('<') {
            depth += 1;
            continue;
        }
        if depth > 0 {
            continue;
        }
        let mut words = line.splitn(2, char::is_whitespace);
        let name = words.next().unwrap_or_default();
        let value = words.next().unwrap_or_default();
        let slot = if name.eq_ignore_ascii_case("PreserveJobFiles") {
            &mut files
        } else if name.eq_ignore_ascii_case("PreserveJobHistory") {
            &mut history
        } else {
            continue;
        };
        *slot =
            Some(Preserve::parse(value).ok_or_else(|| {
                format!("line {}: {name} {value:?} is not Yes, No or a time", n + 1)
            })?);
    }
    Ok((files, history))
}

/// The `CUPS job files` check of a local server's `cupsd.conf`: a WARN while printed documents
/// (certificates with full ID numbers) or job histories (titles with query numbers) are kept.
pub fn cups_job_files(conf: &Path) -> Check {
    const NAME: &str = "CUPS job files";
    let fix = format!(
        "set `PreserveJobFiles No` and `PreserveJobHistory No` in {}, then `systemctl restart cups`",
        conf.display()
    );
    let text = match std::fs::read_to_string(conf) {
        Ok(t) => t,
        Err(e) => {
            return Check::warn(
                NAME,
                format!(
                    "cannot read {} ({e}): whether printed certificates stay in the spool is unknown",
                    conf.display()
                ),
                format!(
                    "run `kiosk doctor` as a user who can read it (root, or group lp), or {fix}"
                ),
            );
        }
    };
    let (files, history) = match preserved(&text) {
        Ok(found) => found,
        Err(e) => return Check::warn(NAME, format!("{}: {e}", conf.display()), fix),
    };
    let said = |p: Option<Preserve>, default: Preserve| match p {
        Some(p) => (p, p.describe()),
        None => (default, format!("{} (the default)", default.describe())),
    };
    let (files, files_said) = said(files, DEFAULT_PRESERVE_FILES);
    let (history, history_said) = said(history, DEFAULT_PRESERVE_HISTORY);
    match (files, history) {
        (Preserve::No, Preserve::No) => Check::ok(
            NAME,
            format!(
                "{}: PreserveJobFiles No, PreserveJobHistory No",
                conf.display()
            ),
        ),
        (Preserve::No, _) => Check::warn(
            NAME,
            format!(
                "{}: PreserveJobHistory {history_said}: finished jobs' titles (with query numbers) stay in the spool",
                conf.display(),
            ),
            fix,
        ),
        _ => Check::warn(
            NAME,
            format!(
                "{}: PreserveJobFiles {files_said}: printed certificates, with their holders' full ID numbers, stay in the spool",
                conf.display(),
            ),
            fix,
        ),
    }
}
