//! End to end, as separate processes: the `kiosk` binary on a configuration file, its devices
//! being `kiosk-sim` processes (central on loopback HTTP, the ID-card reader and the ticket
//! printer on pseudo-terminals) and a recording of the simulator's cooperative citizen
//! (`kiosk-sim camera`), driven through the kiosk's text console (stdin commands, one screen per
//! block on stdout): a records query that prints a certificate, then an appointment check-in by
//! ID card that prints a queue ticket. Afterwards the journal verifies and the card's full ID
//! number is in neither the kiosk's output nor its store.
//!
//! Needs the face photos (`KIOSK_FACE_PHOTOS`) and the YuNet model (`KIOSK_YUNET_MODEL`): the
//! recording is judged by the real face pipeline. Without them the test prints that it did not
//! run, and fails instead when `KIOSK_REQUIRE_FACE_DATA=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use kiosk_e2e::{PHOTOS_ENV, YUNET_ENV, bin, face_data, temp_dir};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest any one step may take (a face check and a central call in a debug build).
const STEP: Duration = Duration::from_secs(30);

/// The challenges the recorded citizen performs and the kiosk is configured to ask.
const CHALLENGES: &str = "turn-left,blink";

/// A child process killed (and reaped) on drop, so a failing test leaves none behind; its
/// stdout lines arrive on a channel, and every stdout and stderr line is kept for later checks.
struct Proc {
    name: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    /// The threads reading stdout and stderr (they end with the pipes).
    pumps: Vec<std::thread::JoinHandle<()>>,
}

/// Reads `from` line by line on a thread into `kept`, and onto `tx` when given.
fn pump(
    from: impl Read + Send + 'static,
    kept: Arc<Mutex<Vec<String>>>,
    tx: Option<std::sync::mpsc::Sender<String>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            kept.lock().unwrap().push(line.clone());
            if let Some(tx) = &tx {
                let _ = tx.send(line);
            }
        }
    })
}

impl Proc {
    fn spawn(name: &'static str, mut command: Command) -> Proc {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let (tx, lines) = channel();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let pumps = vec![
            pump(child.stdout.take().unwrap(), Arc::clone(&stdout), Some(tx)),
            pump(child.stderr.take().unwrap(), Arc::clone(&stderr), None),
        ];
        Proc {
            name,
            stdin: child.stdin.take(),
            child,
            lines,
            stdout,
            stderr,
            pumps,
        }
    }

    /// Writes one line to its stdin.
    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap_or_else(|e| panic!("{}: cannot write: {e}", self.name));
        stdin.flush().unwrap();
    }

    /// The next stdout line, within [`STEP`].
    fn next_line(&self) -> String {
        match self.lines.recv_timeout(STEP) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!(
                "{}: no output within {STEP:?}; stderr:\n{}",
                self.name,
                self.stderr_text()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "{}: its output ended (exited?); stderr:\n{}",
                self.name,
                self.stderr_text()
            ),
        }
    }

    /// For a `kiosk-sim` device: sends a script command and waits for its `OK`, returning the
    /// lines printed before it.
    fn command(&mut self, command: &str) -> Vec<String> {
        self.send(command);
        let mut before = Vec::new();
        loop {
            let line = self.next_line();
            if line.starts_with("ERR") {
                panic!("{} refused {command:?}: {line}", self.name);
            }
            if line.starts_with("OK") {
                return before;
            }
            before.push(line);
        }
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Everything it printed so far, stdout then stderr.
    fn output(&self) -> String {
        format!(
            "{}\n{}",
            self.stdout.lock().unwrap().join("\n"),
            self.stderr_text()
        )
    }

    /// Waits up to `patience` for it to exit by itself (kills it after that), then for the
    /// last of its output.
    fn wait_exit(&mut self, patience: Duration) -> Option<i32> {
        let deadline = Instant::now() + patience;
        loop {
            match self.child.try_wait().unwrap() {
                Some(status) => {
                    for pump in self.pumps.drain(..) {
                        let _ = pump.join();
                    }
                    return status.code();
                }
                None if Instant::now() > deadline => {
                    let _ = self.child.kill();
                    panic!("{} did not exit within {patience:?}", self.name);
                }
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `kiosk-sim DEVICE ARGS` process and the endpoint its first line names.
fn sim(name: &'static str, args: &[&str]) -> (Proc, String) {
    let mut command = Command::new(bin("kiosk-sim"));
    command.args(args);
    let p = Proc::spawn(name, command);
    let first = p.next_line();
    let endpoint = first
        .strip_prefix("PTY ")
        .or_else(|| first.strip_prefix("HTTP "))
        .unwrap_or_else(|| panic!("{name}: unexpected first line {first:?}"))
        .to_owned();
    (p, endpoint)
}

/// One screen the console printed: the header `== Id: title`, then its lines up to the empty
/// line that ends it.
#[derive(Debug, Clone)]
struct Screen {
    id: String,
    header: String,
    lines: Vec<String>,
}

impl Screen {
    fn busy(&self) -> bool {
        self.header.contains(" (…)")
    }

    fn starting(&self) -> bool {
        self.header.ends_with(" (starting)")
    }

    /// The item lines `[i] ...`.
    fn items(&self) -> Vec<&str> {
        self.lines
            .iter()
            .map(|l| l.trim_start())
            .filter(|l| l.starts_with('['))
            .collect()
    }

    /// The index of the button `{id}` on the buttons line `(0) label {Id}  (1) ...`.
    fn button(&self, id: &str) -> usize {
        for line in &self.lines {
            if !line.trim_start().starts_with("(0) ") {
                continue;
            }
            for part in line.split('}') {
                let Some((label, name)) = part.rsplit_once('{') else {
                    continue;
                };
                if name != id {
                    continue;
                }
                let index = label
                    .trim_start()
                    .strip_prefix('(')
                    .and_then(|rest| rest.split_once(')'))
                    .and_then(|(n, _)| n.parse().ok());
                if let Some(i) = index {
                    return i;
                }
            }
        }
        panic!("no button {{{id}}} on {self:#?}")
    }

    fn text(&self) -> String {
        format!("{}\n{}", self.header, self.lines.join("\n"))
    }
}

/// The kiosk process and its console.
struct Kiosk {
    proc: Proc,
    /// The screens seen, oldest first.
    seen: Vec<String>,
}

impl Kiosk {
    /// The next complete screen on stdout (other lines skipped).
    fn next_screen(&mut self) -> Screen {
        let header = loop {
            let line = self.proc.next_line();
            if line.starts_with("== ") {
                break line;
            }
        };
        let id = header
            .trim_start_matches("== ")
            .split(':')
            .next()
            .unwrap_or_default()
            .to_owned();
        let mut lines = Vec::new();
        loop {
            let line = self.proc.next_line();
            if line.is_empty() {
                break;
            }
            lines.push(line);
        }
        self.seen.push(id.clone());
        Screen { id, header, lines }
    }

    /// Waits for a screen that `done` accepts, failing at once on a fault or a failed face
    /// check (unless that is what `what` waits for).
    fn wait_for(&mut self, what: &str, done: impl Fn(&Screen) -> bool) -> Screen {
        let deadline = Instant::now() + STEP;
        loop {
            assert!(
                Instant::now() < deadline,
                "waiting for {what}: none within {STEP:?}; screens seen: {:?}",
                self.seen
            );
            let screen = self.next_screen();
            if done(&screen) {
                return screen;
            }
            if matches!(screen.id.as_str(), "Fault" | "FaceFailed" | "NoRecord") {
                panic!(
                    "waiting for {what}, the kiosk showed:\n{}\nstderr:\n{}",
                    screen.text(),
                    self.proc.stderr_text()
                );
            }
        }
    }

    /// Waits for the screen `id`, settled (not busy).
    fn at(&mut self, id: &str) -> Screen {
        self.wait_for(id, |s| s.id == id && !s.busy())
    }

    /// Waits for the idle screen with the devices checked and every flow in service.
    fn idle_in_service(&mut self) -> Screen {
        self.wait_for("the idle screen with every flow in service", |s| {
            s.id == "Idle"
                && !s.busy()
                && !s.starting()
                && s.items().len() == 6
                && s.items().iter().all(|i| !i.contains("(x)"))
        })
    }

    fn send(&mut self, line: &str) {
        self.proc.send(line);
    }

    fn press(&mut self, screen: &Screen, button: &str) {
        let i = screen.button(button);
        self.send(&format!("press {i}"));
    }
}

/// `DEMO holder card=resident ...` from central's `demo` command: the holder's full ID number
/// and the slot start (`HH:MM`) of their appointment open for check-in now.
fn resident_holder(central: &mut Proc) -> (String, String) {
    let lines = central.command("demo");
    let line = lines
        .iter()
        .find(|l| l.starts_with("DEMO holder card=resident "))
        .unwrap_or_else(|| panic!("no resident holder in {lines:?}"));
    let field = |key: &str| {
        line.split(' ')
            .find_map(|w| w.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key} in {line}"))
            .to_owned()
    };
    let id = field("id=");
    // now=<booking code>:<series>@HH:MM
    let now = field("now=");
    let (_, hm) = now
        .split_once('@')
        .unwrap_or_else(|| panic!("no slot in {now}"));
    (id, hm.to_owned())
}

/// Files in `dir` with extension `ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Polls (every 20 ms, up to [`STEP`]) until `dir` holds `n` files with extension `ext`.
fn wait_files(dir: &Path, ext: &str, n: usize) -> Vec<PathBuf> {
    let deadline = Instant::now() + STEP;
    loop {
        let found = files(dir, ext);
        if found.len() >= n || Instant::now() > deadline {
            assert_eq!(found.len(), n, "{ext} files in {}", dir.display());
            return found;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn records_query_and_check_in_sessions_against_simulator_processes() {
    let test = "records_query_and_check_in_sessions_against_simulator_processes";
    let (Some(photos), Some(model)) = (face_data(PHOTOS_ENV, test), face_data(YUNET_ENV, test))
    else {
        return;
    };
    let started = Instant::now();
    let dir = temp_dir("e2e-processes");

    // The devices, each its own process.
    let (mut central, central_url) = sim("kiosk-sim central", &["central", "--seed", "1"]);
    assert!(
        central_url.starts_with("http://127.0.0.1:"),
        "{central_url}"
    );
    let (mut reader, reader_port) = sim("kiosk-sim idcard", &["idcard", "--no-pace"]);
    let tickets = dir.join("tickets");
    let (_printer, printer_port) = sim(
        "kiosk-sim printer",
        &["printer", "--no-pace", "--out", tickets.to_str().unwrap()],
    );
    let (full_id, slot) = resident_holder(&mut central);
    assert_eq!(full_id.len(), 18, "a resident ID number: {full_id}");

    // The camera: the cooperative citizen from a photo, recorded to a video file.
    let video = dir.join("citizen.avi");
    let out = Command::new(bin("kiosk-sim"))
        .args(["camera", "--photo"])
        .arg(photos.join("obama.jpg"))
        .args(["--scenario", "cooperative", "--challenges", CHALLENGES])
        .args(["--seconds", "6", "--model"])
        .arg(&model)
        .arg("--video")
        .arg(&video)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kiosk-sim camera: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recorded = started.elapsed();

    // The configuration: every device above; certificates as PDF files; tickets in text mode so
    // the printer simulator's sidecar carries the text.
    let pdf_dir = dir.join("pdf");
    let state = dir.join("state");
    std::fs::write(dir.join("signing.key"), "demo-key").unwrap();
    let challenges: Vec<String> = CHALLENGES.split(',').map(|c| format!("{c:?}")).collect();
    let config = format!(
        r#"[kiosk]
id = "demo-kiosk"
hall = "北京市朝阳区不动产登记中心"
staffed_window = "1"

[devices.reader]
port = "{reader_port}"

[devices.camera]
source = "video:{video}"
yunet_model = "{model}"
challenges = [{challenges}]

[devices.ticket_printer]
endpoint = "{printer_port}"
mode = "text"

[devices.a4]
pdf_dir = "pdf"

[central]
url = "{central_url}"
key_file = "signing.key"

[store]
state_dir = "state"

[maintenance]
pin_hash = "{pin}"
"#,
        video = video.display(),
        model = model.display(),
        challenges = challenges.join(", "),
        pin = kiosk::app::rig::DEMO_PIN_HASH,
    );
    let config_file = dir.join("kiosk.toml");
    std::fs::write(&config_file, config).unwrap();

    // The kiosk, on the text console: no display in its environment.
    let mut command = Command::new(bin("kiosk"));
    command
        .arg("--config")
        .arg(&config_file)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("SLINT_BACKEND")
        .env("RUST_LOG", "debug");
    let mut kiosk = Kiosk {
        proc: Proc::spawn("kiosk", command),
        seen: Vec::new(),
    };
    kiosk.idle_in_service();
    let ready = started.elapsed();

    // Records query: 权属查询, consent, card, face, purpose, units, a unit, certificate, print.
    kiosk.send("start 0");
    let s = kiosk.at("RecordsKind");
    kiosk.press(&s, "OwnershipQuery");
    let s = kiosk.at("Consent");
    kiosk.press(&s, "Accept");
    kiosk.at("PlaceCard");
    reader.command("place resident");
    let s = kiosk.at("Purpose");
    assert!(
        kiosk.seen.iter().any(|id| id == "FaceCheck"),
        "{:?}",
        kiosk.seen
    );
    assert!(s.items().len() > 1, "{s:#?}");
    kiosk.send("select 1");
    let s = kiosk.at("Units");
    assert!(!s.items().is_empty(), "{s:#?}");
    kiosk.send("select 0");
    let s = kiosk.at("UnitDetail");
    kiosk.press(&s, "Certificate");
    let s = kiosk.at("Preview");
    kiosk.press(&s, "Print");
    let s = kiosk.at("TakeCertificate");
    assert!(s.header.contains("请取走证明和身份证"), "{}", s.header);
    let pdfs = wait_files(&pdf_dir, "pdf", 1);
    let pdf = std::fs::read(&pdfs[0]).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "{}", pdfs[0].display());
    assert!(pdf.len() > 10_000, "a certificate of {} bytes", pdf.len());
    assert!(
        pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF"),
        "the PDF is complete"
    );
    // The citizen takes the card: the session ends.
    reader.command("lift");
    kiosk.wait_for("the idle screen after the card was taken", |s| {
        s.id == "Idle" && !s.busy()
    });
    let records_done = started.elapsed();

    // Check-in by ID card: consent, card, face, today's appointments, the one open now.
    kiosk.send("start 1");
    let s = kiosk.at("CheckInMethod");
    kiosk.press(&s, "UseCard");
    let s = kiosk.at("Consent");
    kiosk.press(&s, "Accept");
    kiosk.at("PlaceCard");
    reader.command("place resident");
    let s = kiosk.at("Appointments");
    let items = s.items();
    let chosen = items
        .iter()
        .position(|item| item.contains(&format!("{slot}-")))
        .unwrap_or_else(|| panic!("no appointment at {slot} in {s:#?}"));
    kiosk.send(&format!("select {chosen}"));
    let s = kiosk.at("TakeTicket");
    let number = s
        .lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("排队号 "))
        .unwrap_or_else(|| panic!("no queue number on {s:#?}"))
        .trim()
        .to_owned();
    assert!(
        number.len() >= 2 && number.chars().skip(1).all(|c| c.is_ascii_digit()),
        "queue number {number:?}"
    );
    let pngs = wait_files(&tickets, "png", 1);
    let png = std::fs::read(&pngs[0]).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{}",
        pngs[0].display()
    );
    let sidecar: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pngs[0].with_extension("json")).unwrap()).unwrap();
    let text = sidecar["text"].as_str().unwrap_or_default();
    assert!(text.contains("您的排队号"), "{text}");
    assert!(
        text.contains(&number),
        "queue number {number} on the ticket: {text}"
    );
    assert!(
        !text.contains(&full_id),
        "the full ID number on the ticket: {text}"
    );
    kiosk.send("home");
    kiosk.at("Idle");
    reader.command("lift");
    let check_in_done = started.elapsed();

    // Shut down: `quit` ends the kiosk cleanly (the store closed, the WAL checkpointed).
    kiosk.send("quit");
    assert_eq!(
        kiosk.proc.wait_exit(STEP),
        Some(0),
        "{}",
        kiosk.proc.stderr_text()
    );

    // The journal's hash chain is intact, and holds both sessions.
    let db = state.join("kiosk.sqlite");
    let out = kiosk_e2e::kiosk(&["journal", "verify", "--db", db.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let verdict: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(verdict["intact"], true, "{verdict}");
    let out = kiosk_e2e::kiosk(&[
        "journal",
        "tail",
        "-n",
        "1000",
        "--db",
        db.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let tail = String::from_utf8_lossy(&out.stdout);
    let entries: Vec<serde_json::Value> = tail
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        Some(entries.len() as u64),
        verdict["entries"].as_u64(),
        "every entry listed"
    );
    let sessions: std::collections::BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e["session_id"].as_str())
        .collect();
    assert!(sessions.len() >= 2, "two sessions: {sessions:?}");
    for kind in [
        "consent_given",
        "face_check",
        "print_result",
        "session_ended",
    ] {
        let n = entries
            .iter()
            .filter(|e| e["event"]["type"] == kind)
            .count();
        assert!(
            n >= 2,
            "{kind}: {n} entries, one per session expected:\n{tail}"
        );
    }

    // The card's full ID number: not in anything the kiosk printed, nor in its store.
    let printed = kiosk.proc.output();
    assert!(
        !printed.contains(&full_id),
        "the full ID number in the kiosk's output"
    );
    let mut store_files = 0;
    for entry in std::fs::read_dir(&state).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !contains(&bytes, full_id.as_bytes()),
            "the full ID number in {}",
            path.display()
        );
        store_files += 1;
    }
    assert!(store_files >= 1, "no store file in {}", state.display());
    assert!(
        !tail.contains(&full_id),
        "the full ID number in the journal"
    );

    println!(
        "video recorded {recorded:?}, kiosk ready {ready:?}, records query done \
         {records_done:?}, check-in done {check_in_done:?}, all {:?}; the kiosk printed {} \
         lines; screens: {}",
        started.elapsed(),
        printed.lines().count(),
        kiosk.seen.join(" ")
    );
    drop(kiosk);
    let _ = std::fs::remove_dir_all(&dir);
}
