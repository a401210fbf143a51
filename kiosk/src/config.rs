//! The kiosk's configuration file (`kiosk --config FILE`, TOML; `kiosk.example.toml` documents
//! every key) and the embedded demo defaults used when no file is given.
//!
//! Contracts:
//! - Unknown keys and missing required keys are refused; every semantic error names the key
//!   (`devices.ticket_printer.dots: ...`), so an installer knows which line to fix.
//! - Relative paths are resolved against the file's folder.
//! - The operator PIN is stored only as a salted PBKDF2-HMAC-SHA256 hash
//!   (`pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX`, see [`hash_pin`]); it is compared in constant
//!   time and never logged. Secrets (keys, the PIN hash) do not appear in `Debug`.

use flows::Lang;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A configuration that cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The TOML is malformed, a key is unknown or a required key is missing (the message names it).
    #[error("{path}: {reason}")]
    Syntax {
        /// The file.
        path: String,
        /// The parser's message, with the line and the key.
        reason: String,
    },
    /// A value is out of range or inconsistent.
    #[error("{key}: {problem}")]
    Invalid {
        /// The dotted key (`devices.ticket_printer.dots`).
        key: &'static str,
        /// What is wrong and what is accepted.
        problem: String,
    },
}

fn invalid(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        problem: problem.into(),
    }
}

/// Screen orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    /// 1080x1920.
    #[default]
    Portrait,
    /// 1920x1080.
    Landscape,
}

/// How tickets are sent to the ticket printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketMode {
    /// One raster image per ticket (every character prints).
    #[default]
    Raster,
    /// Native GB18030 text and QR, raster where needed.
    Text,
}

/// The ticket printer's character set in text mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketEncoding {
    /// GB2312 only.
    Gb2312,
    /// GBK.
    #[default]
    Gbk,
    /// GB18030 two-byte.
    Gb18030TwoByte,
    /// Full GB18030.
    Gb18030,
}

/// `[kiosk]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSection {
    /// The kiosk's id at central (1-64 visible ASCII characters).
    pub id: String,
    /// The hall's name, printed on tickets.
    pub hall: String,
    /// The staffed window citizens are sent to.
    pub staffed_window: String,
}

/// `[devices.reader]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaderSection {
    /// Serial device (`/dev/serial/by-id/...`) or `tcp://HOST:PORT`.
    pub port: String,
    /// Line speed.
    #[serde(default = "default_reader_baud")]
    pub baud: u32,
}

fn default_reader_baud() -> u32 {
    115_200
}

/// `[devices.camera]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraSection {
    /// `device:0`, `device:/dev/video0`, `video:FILE`, `frames:DIR`.
    pub source: String,
    /// The YuNet face-detection model (ONNX); the OpenCV cascades when absent.
    #[serde(default)]
    pub yunet_model: Option<PathBuf>,
    /// The near-infrared camera, when fitted.
    #[serde(default)]
    pub ir_source: Option<String>,
    /// For tests with a recorded camera only: the liveness challenges every face check asks, in
    /// this order (two or three of `turn-left`, `turn-right`, `nod`, `blink`, no repeats),
    /// instead of a random draw per check. A hall kiosk leaves it unset: a fixed sequence can be
    /// answered by a recording.
    #[serde(default)]
    pub challenges: Option<Vec<String>>,
}

/// `[devices.ticket_printer]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketPrinterSection {
    /// `/dev/ttyS0`, `/dev/usb/lp0` or `tcp://HOST:9100`.
    pub endpoint: String,
    /// Serial line speed (ignored for USB and TCP).
    #[serde(default = "default_printer_baud")]
    pub baud: u32,
    /// Printable dots across: 576 (80 mm) or 384 (58 mm).
    #[serde(default = "default_dots")]
    pub dots: u32,
    /// `raster` or `text`.
    #[serde(default)]
    pub mode: TicketMode,
    /// Character set in text mode.
    #[serde(default)]
    pub encoding: TicketEncoding,
    /// Whether the printer prints native QR codes.
    #[serde(default = "default_true")]
    pub native_qr: bool,
}

fn default_printer_baud() -> u32 {
    115_200
}

fn default_dots() -> u32 {
    576
}

fn default_true() -> bool {
    true
}

/// `[devices.a4]`: a CUPS queue or a PDF folder (exactly one).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct A4Section {
    /// The CUPS queue.
    #[serde(default)]
    pub cups_queue: Option<String>,
    /// The CUPS server.
    #[serde(default = "default_cups_server")]
    pub cups_server: String,
    /// Write certificates as PDF files here instead of printing.
    #[serde(default)]
    pub pdf_dir: Option<PathBuf>,
}

fn default_cups_server() -> String {
    "127.0.0.1:631".to_owned()
}

/// `[devices]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevicesSection {
    /// The ID-card reader.
    pub reader: ReaderSection,
    /// The camera.
    pub camera: CameraSection,
    /// The ticket printer.
    pub ticket_printer: TicketPrinterSection,
    /// The A4 printer.
    pub a4: A4Section,
}

/// `[central]`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentralSection {
    /// `https://central.example:8443` (plain `http://` only on loopback).
    pub url: String,
    /// The kiosk's client certificate (PEM).
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    /// Its private key (PEM).
    #[serde(default)]
    pub client_key: Option<PathBuf>,
    /// The CA that signed central's certificate (PEM).
    #[serde(default)]
    pub ca: Option<PathBuf>,
    /// The id central knows the signing key under (defaults to `kiosk.id`).
    #[serde(default)]
    pub key_id: Option<String>,
    /// The file holding the HMAC signing key.
    pub key_file: PathBuf,
}

impl std::fmt::Debug for CentralSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CentralSection")
            .field("url", &self.url)
            .field("client_cert", &self.client_cert)
            .field("ca", &self.ca)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// `[store]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSection {
    /// Where the SQLite store lives (created if missing).
    pub state_dir: PathBuf,
}

/// `[ui]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSection {
    /// `portrait` or `landscape`.
    #[serde(default)]
    pub orientation: Orientation,
    /// `zh` or `en`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Elder mode on at start.
    #[serde(default)]
    pub elder_mode: bool,
}

fn default_language() -> String {
    "zh".to_owned()
}

/// `[maintenance]`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceSection {
    /// `pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX` ([`hash_pin`]).
    pub pin_hash: String,
    /// Wrong PINs before the lockout.
    #[serde(default = "default_max_failures")]
    pub max_failures: u32,
    /// Lockout length in minutes.
    #[serde(default = "default_lockout_minutes")]
    pub lockout_minutes: u64,
}

impl std::fmt::Debug for MaintenanceSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaintenanceSection")
            .field("max_failures", &self.max_failures)
            .field("lockout_minutes", &self.lockout_minutes)
            .finish_non_exhaustive()
    }
}

fn default_max_failures() -> u32 {
    5
}

fn default_lockout_minutes() -> u64 {
    15
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `[kiosk]`.
    pub kiosk: KioskSection,
    /// `[devices]`.
    pub devices: DevicesSection,
    /// `[central]`.
    pub central: CentralSection,
    /// `[store]`.
    pub store: StoreSection,
    /// `[ui]`.
    #[serde(default = "default_ui")]
    pub ui: UiSection,
    /// `[maintenance]`.
    pub maintenance: MaintenanceSection,
}

fn default_ui() -> UiSection {
    UiSection {
        orientation: Orientation::Portrait,
        language: default_language(),
        elder_mode: false,
    }
}

/// A checked configuration: the file's values, paths resolved, the parsed values beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The values as written (paths resolved).
    pub file: FileConfig,
    /// Where it was read from.
    pub path: PathBuf,
    /// The camera source, parsed.
    pub camera_source: camera::SourceSpec,
    /// The IR camera, parsed.
    pub ir_source: Option<camera::SourceSpec>,
    /// `devices.camera.challenges`, parsed: the fixed liveness plan of a test installation.
    pub challenges: Option<liveness::ChallengePlan>,
    /// `ui.language`, parsed.
    pub language: Lang,
    /// The PIN hash, parsed.
    pub pin: PinHash,
}

impl Config {
    /// Reads and checks `path`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file or the key.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, path, base)
    }

    /// Parses and checks `text`; relative paths are resolved against `base`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the key.
    pub fn parse(text: &str, path: &Path, base: &Path) -> Result<Config, ConfigError> {
        let mut file: FileConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.display().to_string(),
            reason: e.to_string().trim().replace('\n', " "),
        })?;
        let k = &file.kiosk;
        if k.id.is_empty() || k.id.len() > 64 || !k.id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "kiosk.id",
                "1 to 64 visible ASCII characters (no spaces)",
            ));
        }
        if k.hall.trim().is_empty() {
            return Err(invalid("kiosk.hall", "the hall's name is empty"));
        }
        if k.staffed_window.trim().is_empty() {
            return Err(invalid("kiosk.staffed_window", "empty"));
        }
        let d = &mut file.devices;
        if d.reader.port.trim().is_empty() {
            return Err(invalid("devices.reader.port", "empty"));
        }
        check_baud("devices.reader.baud", d.reader.baud)?;
        let camera_source: camera::SourceSpec = d
            .camera
            .source
            .parse()
            .map_err(|e| invalid("devices.camera.source", format!("{e}")))?;
        let camera_source = resolve_spec(camera_source, base);
        let ir_source = match &d.camera.ir_source {
            Some(s) => Some(resolve_spec(
                s.parse()
                    .map_err(|e| invalid("devices.camera.ir_source", format!("{e}")))?,
                base,
            )),
            None => None,
        };
        resolve(&mut d.camera.yunet_model, base);
        let challenges = d
            .camera
            .challenges
            .as_deref()
            .map(parse_challenges)
            .transpose()?;
        if d.ticket_printer.endpoint.trim().is_empty() {
            return Err(invalid("devices.ticket_printer.endpoint", "empty"));
        }
        check_baud("devices.ticket_printer.baud", d.ticket_printer.baud)?;
        if !matches!(d.ticket_printer.dots, 384 | 576) {
            return Err(invalid(
                "devices.ticket_printer.dots",
                format!(
                    "{} dots: 576 (80 mm paper) or 384 (58 mm paper)",
                    d.ticket_printer.dots
                ),
            ));
        }
        match (&d.a4.cups_queue, &d.a4.pdf_dir) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "devices.a4",
                    "give either cups_queue or pdf_dir, not both",
                ));
            }
            (None, None) => {
                return Err(invalid(
                    "devices.a4",
                    "give cups_queue (print through CUPS) or pdf_dir (write PDF files)",
                ));
            }
            (Some(q), None) if q.trim().is_empty() => {
                return Err(invalid("devices.a4.cups_queue", "empty"));
            }
            _ => {}
        }
        resolve(&mut d.a4.pdf_dir, base);
        let c = &mut file.central;
        let url_ok = c.url.starts_with("https://") || c.url.starts_with("http://");
        if !url_ok {
            return Err(invalid(
                "central.url",
                format!("{:?}: an https:// URL", c.url),
            ));
        }
        if c.url.starts_with("https://") {
            for (key, value) in [
                ("central.client_cert", &c.client_cert),
                ("central.client_key", &c.client_key),
                ("central.ca", &c.ca),
            ] {
                if value.is_none() {
                    return Err(invalid(key, "required with an https:// URL (mutual TLS)"));
                }
            }
        } else if !is_loopback_url(&c.url) {
            return Err(invalid(
                "central.url",
                "plain http:// is allowed only on loopback; use https:// with client_cert, client_key and ca",
            ));
        }
        resolve(&mut c.client_cert, base);
        resolve(&mut c.client_key, base);
        resolve(&mut c.ca, base);
        if c.key_file.is_relative() {
            c.key_file = base.join(&c.key_file);
        }
        if let Some(id) = &c.key_id
            && id.trim().is_empty()
        {
            return Err(invalid("central.key_id", "empty"));
        }
        if file.store.state_dir.is_relative() {
            file.store.state_dir = base.join(&file.store.state_dir);
        }
        let language = match file.ui.language.as_str() {
            "zh" => Lang::Zh,
            "en" => Lang::En,
            other => {
                return Err(invalid(
                    "ui.language",
                    format!("{other:?}: \"zh\" or \"en\""),
                ));
            }
        };
        let m = &file.maintenance;
        let pin = PinHash::parse(&m.pin_hash).map_err(|p| invalid("maintenance.pin_hash", p))?;
        if m.max_failures == 0 || m.max_failures > 20 {
            return Err(invalid("maintenance.max_failures", "1 to 20"));
        }
        if m.lockout_minutes == 0 || m.lockout_minutes > 24 * 60 {
            return Err(invalid("maintenance.lockout_minutes", "1 to 1440 minutes"));
        }
        Ok(Config {
            file,
            path: path.to_owned(),
            camera_source,
            ir_source,
            challenges,
            language,
            pin,
        })
    }

    /// The PIN and gesture policy for maintenance mode.
    pub fn pin_policy(&self) -> flows::PinPolicy {
        flows::PinPolicy {
            max_failures: self.file.maintenance.max_failures,
            lockout_ms: self.file.maintenance.lockout_minutes.saturating_mul(60_000),
            ..flows::PinPolicy::default()
        }
    }

    /// The flows' configuration (staffed window; the documented time-outs).
    pub fn flows(&self) -> flows::Config {
        flows::Config {
            staffed_window: self.file.kiosk.staffed_window.clone(),
            ..flows::Config::default()
        }
    }
}

/// `devices.camera.challenges`: two or three distinct challenge names, in order.
fn parse_challenges(names: &[String]) -> Result<liveness::ChallengePlan, ConfigError> {
    const KEY: &str = "devices.camera.challenges";
    let challenges = names
        .iter()
        .map(|name| match name.trim() {
            "turn-left" => Ok(liveness::Challenge::TurnLeft),
            "turn-right" => Ok(liveness::Challenge::TurnRight),
            "nod" => Ok(liveness::Challenge::Nod),
            "blink" => Ok(liveness::Challenge::Blink),
            other => Err(invalid(
                KEY,
                format!("{other:?}: one of turn-left, turn-right, nod, blink"),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    liveness::ChallengePlan::fixed(&challenges).map_err(|e| match e {
        liveness::PlanError::CountOutOfRange(_) => invalid(
            KEY,
            format!("{} challenges: give two or three", names.len()),
        ),
        other => invalid(KEY, other.to_string()),
    })
}

fn check_baud(key: &'static str, baud: u32) -> Result<(), ConfigError> {
    if (1_200..=3_000_000).contains(&baud) {
        Ok(())
    } else {
        Err(invalid(key, format!("{baud}: 1200 to 3000000")))
    }
}

fn resolve(path: &mut Option<PathBuf>, base: &Path) {
    if let Some(p) = path
        && p.is_relative()
    {
        *p = base.join(&*p);
    }
}

fn resolve_spec(spec: camera::SourceSpec, base: &Path) -> camera::SourceSpec {
    use camera::SourceSpec as S;
    match spec {
        S::Video(p) if p.is_relative() => S::Video(base.join(p)),
        S::Frames(p) if p.is_relative() => S::Frames(base.join(p)),
        other => other,
    }
}

fn is_loopback_url(url: &str) -> bool {
    let rest = url.trim_start_matches("http://");
    let host = rest.split(['/', ':']).next().unwrap_or("");
    matches!(host, "127.0.0.1" | "localhost" | "[")
        || rest.starts_with("[::1]")
        || host.starts_with("127.")
}

/// The scheme of [`hash_pin`].
pub const PIN_SCHEME: &str = "pbkdf2-sha256";
/// PBKDF2 iterations [`hash_pin`] uses (OWASP 2023 for PBKDF2-HMAC-SHA256).
pub const PIN_ITERATIONS: u32 = 600_000;
const MIN_ITERATIONS: u32 = 100_000;

/// A salted PIN hash from the configuration.
#[derive(Clone, PartialEq, Eq)]
pub struct PinHash {
    iterations: u32,
    salt: Vec<u8>,
    hash: [u8; 32],
}

impl std::fmt::Debug for PinHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PinHash({PIN_SCHEME}, {} iterations)", self.iterations)
    }
}

impl PinHash {
    /// Parses `pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX`.
    ///
    /// # Errors
    /// What is wrong with it, in English.
    pub fn parse(text: &str) -> Result<PinHash, String> {
        let parts: Vec<&str> = text.trim().split('$').collect();
        let [scheme, iterations, salt, hash] = parts.as_slice() else {
            return Err(format!(
                "expected {PIN_SCHEME}$ITERATIONS$SALT_HEX$HASH_HEX (see `kiosk doctor --hash-pin`)"
            ));
        };
        if *scheme != PIN_SCHEME {
            return Err(format!("unknown scheme {scheme:?}: {PIN_SCHEME}"));
        }
        let iterations: u32 = iterations
            .parse()
            .map_err(|_| "the iteration count is not a number".to_owned())?;
        if iterations < MIN_ITERATIONS {
            return Err(format!(
                "{iterations} iterations is too weak: at least {MIN_ITERATIONS}"
            ));
        }
        let salt = hex::decode(salt).map_err(|_| "the salt is not hex".to_owned())?;
        if salt.len() < 16 {
            return Err("the salt must be at least 16 bytes".to_owned());
        }
        let hash: [u8; 32] = hex::decode(hash)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| "the hash must be 32 bytes of hex".to_owned())?;
        Ok(PinHash {
            iterations,
            salt,
            hash,
        })
    }

    /// Whether `pin` is the configured PIN (constant-time comparison).
    pub fn verify(&self, pin: &str) -> bool {
        let got = pbkdf2_sha256(pin.as_bytes(), &self.salt, self.iterations);
        got.iter()
            .zip(self.hash.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// Hashes a PIN for the configuration with a fresh random salt.
pub fn hash_pin(pin: &str, iterations: u32) -> String {
    let salt = *uuid::Uuid::new_v4().as_bytes();
    let hash = pbkdf2_sha256(pin.as_bytes(), &salt, iterations);
    format!(
        "{PIN_SCHEME}${iterations}${}${}",
        hex::encode(salt),
        hex::encode(hash)
    )
}

/// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) with a 32-byte output: one block.
fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let Ok(prf) = Hmac::<Sha256>::new_from_slice(password) else {
        return [0; 32];
    };
    let mut mac = prf.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut u: [u8; 32] = mac.finalize().into_bytes().into();
    let mut out = u;
    for _ in 1..iterations {
        let mut mac = prf.clone();
        mac.update(&u);
        u = mac.finalize().into_bytes().into();
        for (o, x) in out.iter_mut().zip(u.iter()) {
            *o ^= x;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_matches_the_rfc_7914_vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, first 32 bytes.
        let out = pbkdf2_sha256(b"passwd", b"salt", 1);
        assert_eq!(
            hex::encode(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn a_hashed_pin_verifies_and_others_do_not() {
        let text = hash_pin("246810", MIN_ITERATIONS);
        let hash = PinHash::parse(&text).unwrap();
        assert!(hash.verify("246810"));
        assert!(!hash.verify("246811"));
        assert!(!hash.verify(""));
        assert!(!format!("{hash:?}").contains(&text[30..]));
        // Two hashes of one PIN differ (salted).
        assert_ne!(text, hash_pin("246810", MIN_ITERATIONS));
    }

    #[test]
    fn a_fixed_challenge_list_parses_in_order_and_bad_ones_name_the_key() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let plan = parse_challenges(&names(&["blink", "turn-left", "nod"])).unwrap();
        assert_eq!(
            plan.challenges(),
            [
                liveness::Challenge::Blink,
                liveness::Challenge::TurnLeft,
                liveness::Challenge::Nod
            ]
        );
        for (bad, says) in [
            (names(&["blink"]), "1 challenges: give two or three"),
            (names(&["nod", "nod"]), "twice"),
            (names(&["nod", "wink"]), "\"wink\": one of turn-left"),
            (
                names(&["nod", "blink", "turn-left", "turn-right"]),
                "4 challenges",
            ),
        ] {
            let e = parse_challenges(&bad).unwrap_err().to_string();
            assert!(e.starts_with("devices.camera.challenges: "), "{e}");
            assert!(e.contains(says), "{bad:?}: {e}");
        }
    }

    #[test]
    fn weak_or_malformed_hashes_are_refused() {
        for bad in [
            "",
            "246810",
            "sha256$600000$00$00",
            "pbkdf2-sha256$1000$00112233445566778899aabbccddeeff$00",
            "pbkdf2-sha256$600000$0011$00",
            "pbkdf2-sha256$600000$00112233445566778899aabbccddeeff$0011",
        ] {
            assert!(PinHash::parse(bad).is_err(), "{bad}");
        }
    }
}
