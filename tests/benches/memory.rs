//! The kiosk process's memory as it runs in a hall: the release `kiosk --config FILE`, its devices
//! separate `kiosk-sim` processes (central on loopback HTTP, the ID-card reader and the ticket
//! printer on pseudo-terminals), the camera a recording of the simulator's cooperative citizen
//! (`kiosk-sim camera --video`) judged by the real face pipeline (YuNet). The bench plays
//! citizens through the kiosk's text console: records sessions (consent, card, face check,
//! purpose, units, certificate printed as PDF, card taken), back to back, so the camera runs in
//! nearly every second of the measurement.
//!
//! Two runs, each a fresh kiosk process: on the text console alone (no display), and with the
//! Slint touchscreen drawn by the software renderer into a 1080x1920 Xvfb the bench starts
//! (installing the `xvfb` package when it is missing). Both are held to the budget.
//!
//! The camera source is opened afresh for every face check, so each check plays the recording
//! from its first frame: the recording loops once per check. A video file is read as fast as it
//! decodes (not at the camera's 15 fps), so the pipeline runs flat out: a worst case for CPU and
//! frame churn.
//!
//! The kiosk's `VmRSS` and `VmHWM` (`/proc/PID/status`) are sampled every 100 ms. Reported: the
//! peak (`VmHWM`), the steady RSS (median of the last half of the samples) against the budget of
//! 120 MB, and the largest mappings (`/proc/PID/smaps`, by mapping name) at the end.
//!
//! Needs the release binaries (`cargo build --release -p kiosk -p kiosk-sim --bins`), the face
//! photos (`KIOSK_FACE_PHOTOS`, else `scripts/fetch-face-data` is run) and the YuNet model
//! (`KIOSK_YUNET_MODEL`, else `/work/shared/models/yunet_120x160.onnx` or
//! `../shared/models/yunet_120x160.onnx` beside the checkout). `SESSIONS` (default 60) sets the
//! number of sessions of each run; `MEMORY_SCREENS=console` or `=touchscreen` makes one run only;
//! `FACE_ONLY=1` ends each session once the face check has passed (no certificate: the camera's
//! share alone); `MEMORY_KIOSK_WRAPPER` runs the kiosk under a tool (`heaptrack -o FILE`, a
//! namespace wrapper). Exits non-zero when a run exceeds the budget or a session goes wrong.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails loudly"
)]

#[path = "../../kiosk/benches/common/heap.rs"]
mod heap;

use kiosk_e2e::console::{Hall, Kiosk, Proc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The budget for the kiosk process's steady RSS.
const BUDGET_MB: f64 = 120.0;
/// The RSS sampling interval.
const SAMPLE: Duration = Duration::from_millis(100);

/// The workspace root (the kiosk package's parent).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The folder with `obama.jpg`: `KIOSK_FACE_PHOTOS`, else what `scripts/fetch-face-data` prints.
fn photos() -> PathBuf {
    if let Some(p) = std::env::var_os("KIOSK_FACE_PHOTOS").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let out = Command::new(workspace().join("scripts/fetch-face-data"))
        .stderr(Stdio::inherit())
        .output()
        .expect("scripts/fetch-face-data");
    assert!(out.status.success(), "scripts/fetch-face-data failed");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The YuNet model: `KIOSK_YUNET_MODEL`, else the shared models folder.
fn yunet() -> PathBuf {
    if let Some(p) = std::env::var_os("KIOSK_YUNET_MODEL").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let candidates = [
        PathBuf::from("/work/shared/models/yunet_120x160.onnx"),
        workspace().join("../shared/models/yunet_120x160.onnx"),
    ];
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            eprintln!("memory: no YuNet model: set KIOSK_YUNET_MODEL");
            std::process::exit(2);
        })
}

/// `VmRSS` samples of one process, every [`SAMPLE`], on a thread until stopped.
struct Sampler {
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<(Duration, u64)>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, samples) = (Arc::clone(&stop), Arc::clone(&samples));
            std::thread::spawn(move || {
                let t0 = Instant::now();
                let pid = pid.to_string();
                while !stop.load(Ordering::Relaxed) {
                    let (rss, _) = heap::proc_status(&pid);
                    if rss > 0 {
                        samples.lock().unwrap().push((t0.elapsed(), rss));
                    }
                    std::thread::sleep(SAMPLE);
                }
            })
        };
        Sampler {
            stop,
            samples,
            thread: Some(thread),
        }
    }

    /// Stops it; the samples in KB.
    fn finish(mut self) -> Vec<(Duration, u64)> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        std::mem::take(&mut *self.samples.lock().unwrap())
    }
}

/// Resident KB by mapping (`/proc/PID/smaps`): a file's name, `[heap]`, `[stack]`, or
/// `[anon]` for anonymous memory (malloc's thread arenas and large blocks, thread stacks); and
/// the resident KB of the largest single anonymous regions (a large block malloc mapped on its
/// own shows as one region of its size).
fn smaps_by_mapping(pid: u32) -> (Vec<(String, u64)>, Vec<u64>) {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    let mut regions = Vec::new();
    let mut current = String::new();
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default();
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            // addr perms offset dev inode [path]
            let path = words.nth(4).unwrap_or_default();
            current = if path.is_empty() {
                "[anon]".to_owned()
            } else {
                Path::new(path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .filter(|_| !path.starts_with('['))
                    .unwrap_or_else(|| path.to_owned())
            };
        } else if first == "Rss:" {
            let kb: u64 = words.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            *by.entry(current.clone()).or_default() += kb;
            if current == "[anon]" {
                regions.push(kb);
            }
        }
    }
    let mut out: Vec<(String, u64)> = by.into_iter().collect();
    out.sort_by_key(|(_, kb)| std::cmp::Reverse(*kb));
    regions.sort_unstable_by_key(|kb| std::cmp::Reverse(*kb));
    regions.truncate(6);
    (out, regions)
}

/// `Rss`, `Pss`, `Anonymous` and the file-backed share (`/proc/PID/smaps_rollup`), KB.
fn smaps_rollup(pid: u32) -> String {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let rss = field("Rss:");
    let anon = field("Anonymous:");
    format!(
        "Rss {:.1} MB = anonymous {:.1} MB + file-backed {:.1} MB (Pss {:.1} MB)",
        heap::mb_kb(rss),
        heap::mb_kb(anon),
        heap::mb_kb(rss.saturating_sub(anon)),
        heap::mb_kb(field("Pss:")),
    )
}

fn threads(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// How one session went.
#[derive(Debug, Default)]
struct Tally {
    certificates: usize,
    face_failures: usize,
}

/// One records session: 权属查询, consent, card, face check (retried after a failure),
/// purpose, units, a unit, certificate, print, card taken; with `face_only`, the citizen leaves
/// (home) once the face check has passed.
fn session(kiosk: &mut Kiosk, reader: &mut Proc, tally: &mut Tally, face_only: bool) {
    kiosk.proc.send("start 0");
    let s = kiosk.at("RecordsKind");
    kiosk.press(&s, "OwnershipQuery");
    kiosk.accept_and_place_card(reader);
    loop {
        let s = kiosk.at_any(&["Purpose", "FaceFailed"]);
        if s.id == "Purpose" {
            break;
        }
        tally.face_failures += 1;
        match s.find_button("Retry") {
            Some(i) => kiosk.proc.send(&format!("press {i}")),
            None => {
                // Attempts used up: the session ends at the staffed window.
                kiosk.proc.send("home");
                kiosk.at("Idle");
                reader.command("lift");
                return;
            }
        }
    }
    if face_only {
        kiosk.proc.send("home");
        kiosk.at("Idle");
        reader.command("lift");
        std::thread::sleep(Duration::from_millis(300));
        return;
    }
    kiosk.proc.send("select 1");
    kiosk.at("Units");
    kiosk.proc.send("select 0");
    let s = kiosk.at("UnitDetail");
    kiosk.press(&s, "Certificate");
    let s = kiosk.at("Preview");
    kiosk.press(&s, "Print");
    kiosk.at("TakeCertificate");
    tally.certificates += 1;
    // The citizen takes the card: the session ends.
    reader.command("lift");
    kiosk.at("Idle");
    // The reader polls every 250 ms: let it see the card gone before the next citizen's card.
    std::thread::sleep(Duration::from_millis(300));
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// Where the kiosk shows its screens during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    /// The text console only (no display): the kiosk as a headless service.
    Console,
    /// The Slint touchscreen too, drawn by the software renderer into an X server (Xvfb, the
    /// size of the hall's portrait screen): the kiosk as a citizen sees it.
    Touchscreen,
}

impl Screen {
    fn name(self) -> &'static str {
        match self {
            Screen::Console => "text console",
            Screen::Touchscreen => "touchscreen (winit-software on Xvfb 1080x1920)",
        }
    }
}

/// A virtual X server for the touchscreen run, stopped when dropped.
struct Xvfb {
    child: std::process::Child,
    display: String,
}

impl Xvfb {
    /// Starts `Xvfb` on a free display (`-displayfd` tells which), installing the Debian package
    /// first when it is missing (as the quick-start scripts do).
    fn start() -> Xvfb {
        if Command::new("Xvfb")
            .arg("-help")
            .stderr(Stdio::null())
            .status()
            .is_err()
        {
            let lib = workspace().join("scripts/lib.sh");
            let ok = Command::new("bash")
                .arg("-c")
                .arg(format!(". '{}' && ensure_packages xvfb", lib.display()))
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "the touchscreen run needs Xvfb: apt-get install xvfb");
        }
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1080x1920x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let n: u32 = line
            .trim()
            .parse()
            .expect("Xvfb printed its display number");
        Xvfb {
            child,
            display: format!(":{n}"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The figures of one run.
struct Measured {
    screen: Screen,
    steady: f64,
    peak: f64,
    ok: bool,
}

fn main() {
    let sessions: usize = std::env::var("SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let face_only = std::env::var("FACE_ONLY").is_ok_and(|v| v == "1");
    // `MEMORY_SCREENS=console` or `=touchscreen` measures one of the two; both by default.
    let screens: Vec<Screen> = match std::env::var("MEMORY_SCREENS").as_deref() {
        Ok("console") => vec![Screen::Console],
        Ok("touchscreen") => vec![Screen::Touchscreen],
        _ => vec![Screen::Console, Screen::Touchscreen],
    };
    let (photos, model) = (photos(), yunet());
    let results: Vec<Measured> = screens
        .into_iter()
        .map(|screen| run(screen, sessions, face_only, &photos, &model))
        .collect();
    println!();
    for m in &results {
        println!(
            "{}: steady {:.1} MB, peak {:.1} MB, budget {BUDGET_MB:.0} MB: {}",
            m.screen.name(),
            m.steady,
            m.peak,
            if m.ok {
                "OK"
            } else {
                "OVER BUDGET or a session failed"
            }
        );
    }
    if results.iter().any(|m| !m.ok) {
        std::process::exit(1);
    }
}

/// Plays `sessions` citizens through a fresh kiosk process on `screen` and reports its memory.
fn run(screen: Screen, sessions: usize, face_only: bool, photos: &Path, model: &Path) -> Measured {
    println!("== {}", screen.name());
    let dir = std::env::temp_dir().join(format!(
        "kiosk-bench-memory-{}-{screen:?}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();

    // The devices, each its own process; the citizen recorded; the configuration.
    let hall = Hall::start(&dir, photos, model, None);

    // The kiosk, driven through its text console in both runs; `MEMORY_KIOSK_WRAPPER` (e.g.
    // `heaptrack -o FILE`) runs it under a profiler (the figures are then the profiler's process).
    let wrapper = std::env::var("MEMORY_KIOSK_WRAPPER").unwrap_or_default();
    let wrapper: Vec<&str> = wrapper.split_whitespace().collect();
    let mut command = hall.kiosk_command(&wrapper);
    command.env("RUST_LOG", "warn");
    let xvfb = (screen == Screen::Touchscreen).then(Xvfb::start);
    if let Some(x) = &xvfb {
        command
            .env("DISPLAY", &x.display)
            .env("SLINT_BACKEND", "winit-software");
    }
    let (central, mut reader, printer) = (hall.central, hall.reader, hall.printer);
    let started = Instant::now();
    let proc = Proc::spawn("kiosk", command);
    let pid = proc.pid();
    let sampler = Sampler::start(pid);
    let mut kiosk = Kiosk::new(proc);
    loop {
        let s = kiosk.at("Idle");
        if !s.starting() && s.items().len() == 6 && s.items().iter().all(|i| !i.contains("(x)")) {
            break;
        }
    }
    let ready = started.elapsed();
    let (idle_rss, _) = heap::proc_status(&pid.to_string());
    println!(
        "kiosk ready in {:.1} s: RSS {:.1} MB at idle, {} threads",
        ready.as_secs_f64(),
        heap::mb_kb(idle_rss),
        threads(pid)
    );
    if xvfb.is_some() {
        // The touchscreen must really be up: the X server's window of the kiosk process.
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap_or_default();
        assert!(
            maps.contains("softbuffer") || maps.contains("libX11"),
            "the kiosk did not open its touchscreen window"
        );
    }

    let mut tally = Tally::default();
    let t0 = Instant::now();
    for i in 1..=sessions {
        session(&mut kiosk, &mut reader, &mut tally, face_only);
        if i % 10 == 0 || i == sessions {
            let (rss, hwm) = heap::proc_status(&pid.to_string());
            println!(
                "  {i:>4} sessions ({:.0} s): RSS {:.1} MB, VmHWM {:.1} MB, {} threads",
                t0.elapsed().as_secs_f64(),
                heap::mb_kb(rss),
                heap::mb_kb(hwm),
                threads(pid)
            );
        }
    }
    let run = t0.elapsed();
    let (_, hwm) = heap::proc_status(&pid.to_string());
    let rollup = smaps_rollup(pid);
    let (mappings, regions) = smaps_by_mapping(pid);
    let samples = sampler.finish();
    let sims: Vec<String> = [
        (&central, "central"),
        (&reader, "idcard"),
        (&printer, "printer"),
    ]
    .iter()
    .map(|(p, n)| {
        format!(
            "{n} {:.1} MB",
            heap::mb_kb(heap::proc_status(&p.pid().to_string()).0)
        )
    })
    .collect();

    kiosk.proc.send("quit");
    drop(kiosk);
    drop((central, reader, printer));
    drop(xvfb);
    let _ = std::fs::remove_dir_all(&dir);

    // Steady: the median of the samples taken in the last half of the sessions.
    let from = ready + run / 2;
    let mut last_half: Vec<u64> = samples
        .iter()
        .filter(|(t, _)| *t >= from)
        .map(|(_, kb)| *kb)
        .collect();
    if last_half.is_empty() {
        // No sessions: the RSS at the end.
        last_half.extend(samples.last().map(|(_, kb)| *kb));
    }
    let steady = heap::mb_kb(median(last_half.clone()));
    let peak = heap::mb_kb(hwm);
    println!(
        "{} sessions{} in {:.0} s ({:.1} s each): {} certificates, {} failed face checks; {} RSS \
         samples every {} ms",
        sessions,
        if face_only { " (face check only)" } else { "" },
        run.as_secs_f64(),
        run.as_secs_f64() / sessions.max(1) as f64,
        tally.certificates,
        tally.face_failures,
        samples.len(),
        SAMPLE.as_millis()
    );
    println!("at the end: {rollup}");
    let top: Vec<String> = mappings
        .iter()
        .take(10)
        .map(|(n, kb)| format!("{n} {:.1}", heap::mb_kb(*kb)))
        .collect();
    println!("largest mappings (resident MB): {}", top.join(", "));
    let regions: Vec<String> = regions
        .iter()
        .map(|kb| format!("{:.1}", heap::mb_kb(*kb)))
        .collect();
    println!(
        "largest anonymous regions (resident MB): {}",
        regions.join(", ")
    );
    println!("the simulators (not the kiosk): {}", sims.join(", "));
    let within = steady <= BUDGET_MB;
    println!(
        "kiosk process memory with the camera running, {}: steady RSS {steady:.1} MB (median of \
         the last half, {} samples), peak {peak:.1} MB (VmHWM, {}); budget {BUDGET_MB:.0} MB {}",
        screen.name(),
        last_half.len(),
        if peak <= BUDGET_MB { "within" } else { "above" },
        if within { "OK" } else { "OVER BUDGET" }
    );
    let sessions_ok = tally.certificates > 0 || face_only || sessions == 0;
    Measured {
        screen,
        steady,
        peak,
        ok: within && sessions_ok,
    }
}
