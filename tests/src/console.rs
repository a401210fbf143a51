//! The `kiosk` binary and the `kiosk-sim` devices as child processes, driven over their stdin and
//! read from their stdout: the process end-to-end test and the memory benchmark share this.
//!
//! The kiosk's text console prints each screen as a header `== <ScreenId>: <title>`, its lines,
//! its items `[i] ...` and its buttons `(i) label {ButtonId}`, then an empty line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test loudly"
)]

use crate::bin;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest any one step may take (a face check and a central call in a debug build).
pub const STEP: Duration = Duration::from_secs(30);

/// A child process killed (and reaped) on drop, so a failing test leaves none behind; its
/// stdout lines arrive on a channel, and every stdout and stderr line is kept for later checks.
pub struct Proc {
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
pub(crate) fn pump(
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
    /// Starts `command` with piped stdin, stdout and stderr.
    pub fn spawn(name: &'static str, mut command: Command) -> Proc {
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

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one line to its stdin.
    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap_or_else(|e| panic!("{}: cannot write: {e}", self.name));
        stdin.flush().unwrap();
    }

    /// The next stdout line, within [`STEP`].
    pub fn next_line(&self) -> String {
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
    pub fn command(&mut self, command: &str) -> Vec<String> {
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

    /// Everything it printed on stderr so far.
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Everything it printed so far, stdout then stderr.
    pub fn output(&self) -> String {
        format!(
            "{}\n{}",
            self.stdout.lock().unwrap().join("\n"),
            self.stderr_text()
        )
    }

    /// Waits up to `patience` for it to exit by itself (kills it after that), then for the
    /// last of its output.
    pub fn wait_exit(&mut self, patience: Duration) -> Option<i32> {
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
pub fn sim(name: &'static str, args: &[&str]) -> (Proc, String) {
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
pub struct Screen {
    /// The screen's id (`Idle`, `Purpose`, ...).
    pub id: String,
    /// The header line.
    pub header: String,
    /// The lines after it.
    pub lines: Vec<String>,
}

impl Screen {
    /// Waiting for a device or central.
    pub fn busy(&self) -> bool {
        self.header.contains(" (…)")
    }

    /// The devices are still being checked for the first time.
    pub fn starting(&self) -> bool {
        self.header.ends_with(" (starting)")
    }

    /// The item lines `[i] ...`.
    pub fn items(&self) -> Vec<&str> {
        self.lines
            .iter()
            .map(|l| l.trim_start())
            .filter(|l| l.starts_with('['))
            .collect()
    }

    /// The index of the button `{id}` on the buttons line `(0) label {Id}  (1) ...`, if shown.
    pub fn find_button(&self, id: &str) -> Option<usize> {
        let needle = format!("{{{id}}}");
        self.lines
            .iter()
            .filter(|l| l.trim_start().starts_with("(0) "))
            .flat_map(|l| l.split("  "))
            .find(|part| part.trim_end().ends_with(&needle))
            .and_then(|part| part.trim_start().strip_prefix('('))
            .and_then(|rest| rest.split_once(')'))
            .and_then(|(n, _)| n.parse().ok())
    }

    /// The index of the button `{id}`; the test fails when it is not shown.
    pub fn button(&self, id: &str) -> usize {
        self.find_button(id)
            .unwrap_or_else(|| panic!("no button {{{id}}} on {self:#?}"))
    }

    /// The header and the lines.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.header, self.lines.join("\n"))
    }
}

/// The kiosk process and its console.
pub struct Kiosk {
    /// The process.
    pub proc: Proc,
    /// The ids of the screens seen, oldest first.
    pub seen: Vec<String>,
    /// A header read while looking for the end of the screen before it.
    pending: Option<String>,
}

impl Kiosk {
    /// The kiosk's console on `proc`.
    pub fn new(proc: Proc) -> Kiosk {
        Kiosk {
            proc,
            seen: Vec::new(),
            pending: None,
        }
    }

    /// The next complete screen on stdout: a header, its lines, then an empty line or the next
    /// header (other lines before the header are skipped).
    pub fn next_screen(&mut self) -> Screen {
        let header = match self.pending.take() {
            Some(header) => header,
            None => loop {
                let line = self.proc.next_line();
                if line.starts_with("== ") {
                    break line;
                }
            },
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
            if line.starts_with("== ") {
                self.pending = Some(line);
                break;
            }
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
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&Screen) -> bool) -> Screen {
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
    pub fn at(&mut self, id: &str) -> Screen {
        self.wait_for(id, |s| s.id == id && !s.busy())
    }

    /// Waits for any of the screens `ids`, settled (a failed face check only when asked for).
    pub fn at_any(&mut self, ids: &[&str]) -> Screen {
        self.wait_for(&ids.join(" or "), |s| {
            ids.contains(&s.id.as_str()) && !s.busy()
        })
    }

    /// Waits for the idle screen with the devices checked and every flow in service.
    pub fn idle_in_service(&mut self) -> Screen {
        self.wait_for("the idle screen with every flow in service", |s| {
            s.id == "Idle"
                && !s.busy()
                && !s.starting()
                && s.items().len() == 6
                && s.items().iter().all(|i| !i.contains("(x)"))
        })
    }

    /// Writes one console command.
    pub fn send(&mut self, line: &str) {
        self.proc.send(line);
    }

    /// Presses the button `{button}` of `screen`.
    pub fn press(&mut self, screen: &Screen, button: &str) {
        let i = screen.button(button);
        self.send(&format!("press {i}"));
    }

    /// From the consent notice: accepts it and, once the kiosk asks for the card, places the
    /// resident's card on `reader` (a `kiosk-sim idcard` process).
    pub fn accept_and_place_card(&mut self, reader: &mut Proc) {
        let s = self.at("Consent");
        self.press(&s, "Accept");
        self.at("PlaceCard");
        reader.command("place resident");
    }
}

/// The challenges the recorded citizen performs and the kiosk is configured to ask.
pub const CHALLENGES: &str = "turn-left,blink";

/// A hall on this machine: `kiosk-sim` central, reader and ticket printer as separate
/// processes, the cooperative citizen recorded to a video for the camera, and a kiosk
/// configuration naming them all (certificates to a PDF folder, state under `dir`).
pub struct Hall {
    /// The central simulator.
    pub central: Proc,
    /// Its base URL.
    pub central_url: String,
    /// The ID-card reader simulator (commands: `place resident`, `lift`, ...).
    pub reader: Proc,
    /// The ticket printer simulator.
    pub printer: Proc,
    /// Where the printer simulator writes tickets.
    pub tickets: std::path::PathBuf,
    /// The kiosk configuration file.
    pub config: std::path::PathBuf,
}

impl Hall {
    /// Starts the simulators in `dir`, records the citizen (`photos`/obama.jpg, judged with the
    /// YuNet `model`) and writes `dir/kiosk.toml`; `ticket_mode` is the printer's `mode` key
    /// (`"text"` so the simulator's sidecar carries the text) or `None` for the default.
    pub fn start(
        dir: &std::path::Path,
        photos: &std::path::Path,
        model: &std::path::Path,
        ticket_mode: Option<&str>,
    ) -> Hall {
        let (central, central_url) = sim("kiosk-sim central", &["central", "--seed", "1"]);
        let (reader, reader_port) = sim("kiosk-sim idcard", &["idcard", "--no-pace"]);
        let tickets = dir.join("tickets");
        let (printer, printer_port) = sim(
            "kiosk-sim printer",
            &["printer", "--no-pace", "--out", tickets.to_str().unwrap()],
        );

        // The camera: the cooperative citizen from a photo, recorded to a video file.
        let video = dir.join("citizen.avi");
        let out = Command::new(bin("kiosk-sim"))
            .args(["camera", "--photo"])
            .arg(photos.join("obama.jpg"))
            .args(["--scenario", "cooperative", "--challenges", CHALLENGES])
            .args(["--seconds", "6", "--model"])
            .arg(model)
            .arg("--video")
            .arg(&video)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kiosk-sim camera: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        std::fs::write(dir.join("signing.key"), "demo-key").unwrap();
        let challenges: Vec<String> = CHALLENGES.split(',').map(|c| format!("{c:?}")).collect();
        let mode = ticket_mode
            .map(|m| format!("mode = \"{m}\"\n"))
            .unwrap_or_default();
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
{mode}
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
        Hall {
            central,
            central_url,
            reader,
            printer,
            tickets,
            config: config_file,
        }
    }

    /// `kiosk --config` on this hall, on its text console (no display in its environment), run
    /// under `wrapper` (a profiler and its arguments) when one is given.
    pub fn kiosk_command(&self, wrapper: &[&str]) -> Command {
        let mut command = match wrapper.split_first() {
            Some((tool, args)) => {
                let mut c = Command::new(tool);
                c.args(args).arg(bin("kiosk"));
                c
            }
            None => Command::new(bin("kiosk")),
        };
        command
            .arg("--config")
            .arg(&self.config)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("SLINT_BACKEND");
        command
    }
}
