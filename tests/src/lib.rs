//! Helpers for the end-to-end tests: run the workspace's binaries (`kiosk`, `kiosk-sim`) as
//! processes, talk to them over stdin and stdout, and never wait longer than a bound.
//!
//! The binaries are the ones built beside the test executables: `scripts/test` runs
//! `cargo build --workspace --bins` first (cargo builds a package's binaries for its own
//! integration tests only).
#![allow(clippy::panic, reason = "test helpers fail the test loudly")]

pub mod console;
pub mod contract;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long any single wait in these helpers may last before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// The path of a workspace binary built for this test run.
///
/// # Panics
/// When the binary was not built (run the tests with `--workspace`).
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} not built: run `cargo build --workspace --bins` before these tests (scripts/test does)",
        path.display()
    );
    path
}

/// Runs `kiosk` with arguments to completion (killed after [`WAIT`]).
///
/// # Panics
/// When it cannot be started or does not finish in time.
pub fn kiosk(args: &[&str]) -> Output {
    let child = Command::new(bin("kiosk"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start kiosk: {e}"));
    finish(child)
}

fn finish(mut child: Child) -> Output {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > WAIT => {
                let _ = child.kill();
                panic!("process did not finish within {WAIT:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("wait failed: {e}"),
        }
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("cannot collect output: {e}"))
}

/// Lines of a child's stdout, read on a thread.
fn line_channel(stdout: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn next_line_matching(lines: &Receiver<String>, needle: &str, what: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => {
                panic!("{what}: no line with {needle:?} within {WAIT:?}")
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("{what}: exited before printing {needle:?}")
            }
        }
    }
}

/// A `kiosk-sim idcard` process.
pub struct SimProcess {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    device: String,
}

impl SimProcess {
    /// Starts `kiosk-sim idcard ARGS` and waits for the line naming its device.
    ///
    /// # Panics
    /// When it cannot be started or names no device.
    pub fn start(args: &[&str]) -> SimProcess {
        let mut child = Command::new(bin("kiosk-sim"))
            .arg("idcard")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start kiosk-sim: {e}"));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let lines = line_channel(stdout);
        let first = lines
            .recv_timeout(WAIT)
            .unwrap_or_else(|e| panic!("kiosk-sim printed no device line: {e}"));
        let device = if let Some(path) = first.strip_prefix("PTY ") {
            path.to_owned()
        } else if let Some(addr) = first.strip_prefix("TCP ") {
            format!("tcp://{addr}")
        } else {
            panic!("unexpected first line {first:?}")
        };
        SimProcess {
            child,
            stdin,
            lines,
            device,
        }
    }

    /// The device to pass as `--port`.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Sends a script command and waits for its `OK`.
    ///
    /// # Panics
    /// When the simulator refuses it or does not answer.
    pub fn command(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").unwrap_or_else(|e| panic!("cannot write: {e}"));
        let _ = self.stdin.flush();
        let line = next_line_matching(&self.lines, "OK", "kiosk-sim");
        assert!(
            !line.starts_with("ERR"),
            "kiosk-sim refused {command:?}: {line}"
        );
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `kiosk idcard watch --json` process.
pub struct Watch {
    child: Child,
    lines: Receiver<String>,
}

impl Watch {
    /// Starts watching a port.
    ///
    /// # Panics
    /// When it cannot be started.
    pub fn start(port: &str) -> Watch {
        let mut child = Command::new(bin("kiosk"))
            .args(["idcard", "watch", "--json", "--port", port])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start kiosk: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        Watch {
            child,
            lines: line_channel(stdout),
        }
    }

    /// Waits for the next line containing `needle`.
    pub fn line_matching(&mut self, needle: &str) -> String {
        next_line_matching(&self.lines, needle, "kiosk idcard watch")
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh, empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("kiosk-e2e-{name}-{}-{nanos}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// The documented example configuration, `kiosk/kiosk.example.toml`.
pub const EXAMPLE_CONFIG: &str = include_str!("../../kiosk/kiosk.example.toml");

/// `text` with each `(from, to)` applied once, in order.
///
/// # Panics
/// When a `from` does not occur (the example changed under the test: fix the test).
pub fn edited(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "{from:?} is not in the configuration");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The example configuration pointed at simulators and local files: the reader's and the
/// ticket printer's devices, central's URL (plain HTTP on loopback, so no TLS files), certificates
/// as PDF files in `pdf/`, the camera from the `frames/` folder, no YuNet model, the signing
/// key in `signing.key` and the state in `state/` (relative paths: beside the file).
///
/// # Panics
/// When the example no longer has a line this edits.
pub fn simulator_config(reader: &str, printer: &str, central_url: &str) -> String {
    edited(
        EXAMPLE_CONFIG,
        &[
            ("id = \"cy-hall-01\"", "id = \"demo-kiosk\""),
            (
                "port = \"/dev/serial/by-id/usb-Synjones_SS628_100-if00\"",
                &format!("port = \"{reader}\""),
            ),
            (
                "source = \"device:/dev/v4l/by-id/usb-kiosk-camera-video-index0\"",
                "source = \"frames:frames\"",
            ),
            (
                "yunet_model = \"/usr/share/kiosk/face_detection_yunet.onnx\"\n",
                "",
            ),
            (
                "endpoint = \"/dev/usb/lp0\"\n# Serial line speed; ignored for USB and TCP. Default 115200.\nbaud = 115200",
                &format!("endpoint = \"{printer}\"\nbaud = 57600"),
            ),
            ("cups_queue = \"kiosk-a4\"", "pdf_dir = \"pdf\""),
            (
                "url = \"https://central.hall.example:8443\"",
                &format!("url = \"{central_url}\""),
            ),
            ("client_cert = \"/etc/kiosk/tls/kiosk.crt\"\n", ""),
            ("client_key = \"/etc/kiosk/tls/kiosk.key\"\n", ""),
            ("ca = \"/etc/kiosk/tls/central-ca.crt\"\n", ""),
            (
                "key_file = \"/etc/kiosk/signing.key\"",
                "key_file = \"signing.key\"",
            ),
            ("state_dir = \"/var/lib/kiosk\"", "state_dir = \"state\""),
        ],
    )
}

/// Environment variable: the folder with the face_recognition test photos (scripts/fetch-face-data).
pub const PHOTOS_ENV: &str = "KIOSK_FACE_PHOTOS";
/// Environment variable: the YuNet model file (optional; CI points it at ../shared/models).
pub const YUNET_ENV: &str = "KIOSK_YUNET_MODEL";
/// Environment variable: `1` makes a face test fail, instead of skipping, when its data is missing.
pub const REQUIRE_FACE_DATA_ENV: &str = "KIOSK_REQUIRE_FACE_DATA";

/// The path an environment variable names for a face test, or `None` after printing that the
/// test did not run; a failure instead when `KIOSK_REQUIRE_FACE_DATA=1` (the test command sets
/// it when the data is there).
///
/// # Panics
/// When the variable names a missing path, or is unset while the data is required.
pub fn face_data(var: &str, test: &str) -> Option<PathBuf> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(v) => {
            let p = PathBuf::from(v);
            assert!(p.exists(), "{var}={} does not exist", p.display());
            Some(p)
        }
        None => {
            assert!(
                std::env::var(REQUIRE_FACE_DATA_ENV).as_deref() != Ok("1"),
                "{test}: {var} is not set and {REQUIRE_FACE_DATA_ENV}=1"
            );
            println!("SKIPPED: {test} did not run because {var} is not set");
            None
        }
    }
}
