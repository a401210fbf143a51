//! `kiosk-sim`: the kiosk's device simulators on the command line.
//!
//! `kiosk-sim idcard` serves a simulated ID-card reader. Standard output is a line protocol:
//! the first line names the device (`PTY /dev/pts/N` or `TCP 127.0.0.1:PORT`); then every
//! script command read from standard input is answered `OK <command>` or `ERR <reason>`, with
//! `status` printing a `STATUS ...` line and `replug` a new `PTY ...` line just before their
//! `OK`. End of input does not stop the simulator; `quit`, SIGTERM or SIGINT do (cleanly: the
//! link is removed). Logs go to standard error (`RUST_LOG`, default `warn`).
//!
//! `kiosk-sim printer` serves a simulated ESC/POS ticket printer, with the same line protocol as
//! `idcard`: first `PTY /dev/pts/N` or `TCP 127.0.0.1:PORT`, then `OK <command>` or
//! `ERR <reason>` for every script line (`near-end`, `paper-out [AFTER_LINES]`,
//! `paper-replaced`, `cover-open`, `cover-closed`, `offline`, `online`, `slow-rx BYTES_PER_SEC`,
//! `status`, `quit`), `status` printing a `STATUS ...` line first. Each cut ticket is written to
//! `--out` as `ticket-NNNN.png` with a `ticket-NNNN.json` sidecar.
//!
//! `kiosk-sim central` serves the simulated central system. The first line names it
//! (`HTTP http://127.0.0.1:PORT` or `HTTPS https://localhost:PORT`); then every command read
//! from standard input (`latency`, `errors`, `drop`, `lose`, `outage`, `clock`, `config`,
//! `call`, `clear`, `status`, `demo`, `quit`: see `kiosk_sim::central::script`) is answered
//! `OK <command>` or `ERR <reason>`, with `status`, `demo` and `call` printing their `STATUS`,
//! `DEMO` and `CALLED` lines just before their `OK`. The built-in card holders' booking codes
//! and case numbers are also logged at `info` on start. It serves until `quit`, SIGTERM or
//! SIGINT.
//!
//! `kiosk-sim camera` renders a scripted camera sequence (`--scenario cooperative`,
//! `still-photo`, `moved-photo`, `two-faces`, `no-face` or `walk-away`) from a face photo into
//! a folder of numbered PNG frames (`--out-dir`, read back by `frames:DIR`) or an MJPG AVI file
//! (`--video`, read back by `video:FILE`), and prints one JSON line: `frames`, `scenario`, `fps`,
//! `seconds`, `out`. With no screen to follow, the cooperative citizen performs `--challenges`
//! in order (the first 1.2 s in, then one every 2 s).

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use kiosk_sim::camera::{self as camera_sim, Scenario};
use kiosk_sim::central::{self, CentralSim, CentralSimConfig, Command, ServerTls};
use kiosk_sim::idcard::{self, IdcardSim, IdcardSimConfig, Script, Transport, load_card};
use kiosk_sim::printer::{self, PrinterSim, PrinterSimConfig};
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

#[derive(Debug, Parser)]
#[command(
    name = "kiosk-sim",
    version,
    about = "Simulators of the kiosk's devices"
)]
struct Cli {
    #[command(subcommand)]
    device: Device,
}

#[derive(Debug, Subcommand)]
enum Device {
    /// An ID-card reader (SAM protocol) on a pseudo-terminal or TCP, scripted from stdin.
    Idcard(IdcardArgs),
    /// An ESC/POS ticket printer on a pseudo-terminal or TCP, writing tickets as PNG, with
    /// faults scripted from stdin.
    Printer(PrinterArgs),
    /// The hall's central system (the central API over HTTP or mutual TLS, SQLite, synthetic
    /// data), with faults scripted from stdin.
    Central(CentralArgs),
    /// A camera playing a scripted face sequence built from a photo, written as PNG frames or
    /// an MJPG AVI file.
    Camera(CameraArgs),
}

#[derive(Debug, Args)]
struct CameraArgs {
    /// The face photo (JPEG or PNG) of the person, or of the print in the photo attacks.
    #[arg(long, value_name = "FILE")]
    photo: PathBuf,
    /// The second person of `two-faces` (default: the photo's mirror image).
    #[arg(long, value_name = "FILE")]
    second_photo: Option<PathBuf>,
    /// cooperative, still-photo, moved-photo, two-faces, no-face or walk-away.
    #[arg(long, value_name = "NAME", value_parser = parse_scenario)]
    scenario: Scenario,
    /// Challenges the cooperative citizen performs in order, e.g. turn-left,nod,blink.
    #[arg(long, value_name = "LIST", default_value = "", value_parser = parse_challenge_list)]
    challenges: ChallengeList,
    /// Seed of the camera noise and the micro-motion.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Frames per second.
    #[arg(long, value_name = "N", default_value_t = 15,
          value_parser = clap::value_parser!(u32).range(1..=120))]
    fps: u32,
    /// Length of the sequence in seconds.
    #[arg(long, value_name = "S", default_value_t = 10.0, value_parser = parse_seconds)]
    seconds: f64,
    /// When the walk-away citizen starts to leave, in seconds.
    #[arg(long, value_name = "S", default_value_t = 2.0, value_parser = parse_seconds)]
    walk_away_at: f64,
    /// YuNet model (ONNX) used to find the face in the photo; Haar cascades if omitted.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Folder for 00000.png, 00001.png, ... (created if missing; must hold no PNG files yet).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "video",
        conflicts_with = "video"
    )]
    out_dir: Option<PathBuf>,
    /// MJPG AVI file to write instead of frames.
    #[arg(long, value_name = "FILE.avi")]
    video: Option<PathBuf>,
}

/// A parsed `--challenges` list (a newtype: clap would take a bare `Vec` as a repeated flag).
#[derive(Debug, Clone)]
struct ChallengeList(Vec<liveness::Challenge>);

fn parse_scenario(s: &str) -> Result<Scenario, String> {
    s.parse()
        .map_err(|e: camera_sim::SimCameraError| e.to_string())
}

fn parse_challenge_list(s: &str) -> Result<ChallengeList, String> {
    camera_sim::parse_challenges(s)
        .map(ChallengeList)
        .map_err(|e| e.to_string())
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=600.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 600"
        )),
    }
}

#[derive(Debug, Args)]
struct CentralArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// SQLite file to keep the state in (created and seeded if new); in memory if omitted.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Seed of the synthetic registry.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Server certificate chain (PEM); with --tls-key and --client-ca, serves mutual TLS.
    #[arg(long, value_name = "PEM", requires_all = ["tls_key", "client_ca"])]
    tls_cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, value_name = "PEM", requires_all = ["tls_cert", "client_ca"])]
    tls_key: Option<PathBuf>,
    /// CA that kiosk client certificates must be signed by (PEM).
    #[arg(long, value_name = "PEM", requires_all = ["tls_cert", "tls_key"])]
    client_ca: Option<PathBuf>,
    /// A kiosk and its signing key, `ID:KEY` (repeatable); default `demo-kiosk:demo-key`.
    #[arg(long = "kiosk", value_name = "ID:KEY", value_parser = parse_kiosk)]
    kiosks: Vec<(String, Vec<u8>)>,
    /// Minutes before a slot's start that check-in opens.
    #[arg(long, value_name = "MIN", default_value_t = 60)]
    check_in_early: u64,
    /// Minutes after a slot's start that check-in closes.
    #[arg(long, value_name = "MIN", default_value_t = 20)]
    check_in_late: u64,
    /// Walk-in tickets per service and day.
    #[arg(long, value_name = "N", default_value_t = 200)]
    walk_in_cap: u32,
}

fn parse_kiosk(s: &str) -> Result<(String, Vec<u8>), String> {
    match s.split_once(':') {
        Some((id, key)) if !id.is_empty() && !key.is_empty() => {
            Ok((id.to_owned(), key.as_bytes().to_vec()))
        }
        _ => Err(format!("{s:?} is not ID:KEY")),
    }
}

#[derive(Debug, Args)]
struct IdcardArgs {
    /// Card on the reader at start: resident, foreigner_2017, foreigner_2023, hk_mo_tw_permit,
    /// or a TOML or JSON fixture file. No card if omitted.
    #[arg(long, value_name = "CARD")]
    card: Option<String>,
    /// Serve on TCP at this address instead of a pseudo-terminal (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", conflicts_with = "link")]
    tcp: Option<SocketAddr>,
    /// Keep a symbolic link at PATH pointing to the current pseudo-terminal.
    #[arg(long, value_name = "PATH")]
    link: Option<PathBuf>,
    /// Line speed emulated when pacing (8N1: 10 bits per byte).
    #[arg(long, value_name = "N", default_value_t = idcard::DEFAULT_BAUD,
          value_parser = clap::value_parser!(u32).range(1..))]
    baud: u32,
    /// Answer at once instead of at wire speed.
    #[arg(long)]
    no_pace: bool,
    /// Power-on time, at start and after every replug, during which input is ignored.
    #[arg(long, value_name = "N", default_value_t = 0)]
    warmup_ms: u64,
    /// Fingerprint block size in a read-with-fingerprint reply: 0, 512 or 1024.
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = parse_fingerprint_size)]
    fingerprint_size: usize,
    /// Processing delay before each reply starts.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,
}

#[derive(Debug, Args)]
struct PrinterArgs {
    /// Serve on TCP at this address instead of a pseudo-terminal (port 0 picks a free port).
    #[arg(long, value_name = "ADDR")]
    tcp: Option<SocketAddr>,
    /// Directory for `ticket-NNNN.png` and `ticket-NNNN.json` (created if missing).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Paper width in dots: 576 (80 mm) or 384 (58 mm).
    #[arg(long, value_name = "DOTS", default_value_t = 576, value_parser = parse_width)]
    width: u16,
    /// Line speed emulated when pacing (8N1: 10 bits per byte).
    #[arg(long, value_name = "N", default_value_t = printer::DEFAULT_BAUD,
          value_parser = clap::value_parser!(u32).range(1..))]
    baud: u32,
    /// Take bytes as fast as they come instead of at wire speed.
    #[arg(long)]
    no_pace: bool,
    /// Receive buffer size in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = printer::DEFAULT_RX_BUFFER)]
    rx_buffer: usize,
}

fn parse_width(s: &str) -> Result<u16, String> {
    match s.parse() {
        Ok(n @ (576 | 384)) => Ok(n),
        _ => Err(format!("{s:?} is not one of 576, 384")),
    }
}

fn parse_fingerprint_size(s: &str) -> Result<usize, String> {
    match s.parse() {
        Ok(n @ (0 | 512 | 1024)) => Ok(n),
        _ => Err(format!("{s:?} is not one of 0, 512, 1024")),
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    if let Device::Camera(args) = cli.device {
        // Rendering is synchronous: no runtime.
        return match run_camera(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kiosk-sim: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("kiosk-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.device {
            Device::Idcard(args) => run_idcard(args).await,
            Device::Central(args) => run_central(args).await,
            Device::Printer(args) => run_printer(args).await,
            Device::Camera(_) => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kiosk-sim: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_camera(args: CameraArgs) -> anyhow::Result<()> {
    let mut detector = camera::detector_from_model(args.model.as_deref())
        .context("cannot load the face detector")?;
    let photo = camera_sim::FacePhoto::load(&args.photo, detector.as_mut())?;
    let second = args
        .second_photo
        .as_deref()
        .map(|p| camera_sim::FacePhoto::load(p, detector.as_mut()))
        .transpose()?;
    let frames = (args.seconds * f64::from(args.fps)).round() as u64;
    let cfg = camera_sim::ScenarioConfig {
        scenario: args.scenario,
        fps: args.fps,
        seed: args.seed,
        frames,
        challenges: args.challenges.0,
        walk_away_ms: (args.walk_away_at * 1_000.0).round() as u64,
    };
    let mut source = camera_sim::ScriptedSource::new(cfg, &photo, second.as_ref())?;
    let out = match (args.out_dir, args.video) {
        (_, Some(file)) => camera_sim::Output::Video(file),
        (Some(dir), None) => camera_sim::Output::Frames(dir),
        (None, None) => anyhow::bail!("give --out-dir DIR or --video FILE.avi"),
    };
    let summary = camera_sim::write_sequence(&mut source, &out, args.scenario.name(), args.fps)?;
    say(&summary.to_json().to_string());
    Ok(())
}

async fn run_idcard(args: IdcardArgs) -> anyhow::Result<()> {
    let card = args.card.as_deref().map(load_card).transpose()?;
    let transport = match args.tcp {
        Some(addr) => Transport::Tcp(addr),
        None => Transport::Pty { link: args.link },
    };
    let sim = idcard::spawn(IdcardSimConfig {
        card,
        transport,
        baud: args.baud,
        pace: !args.no_pace,
        warmup: Duration::from_millis(args.warmup_ms),
        fingerprint_size: args.fingerprint_size,
        latency: Duration::from_millis(args.latency_ms),
    })
    .await?;
    say(&sim.announcement());

    serve_stdin(|line| {
        let sim = &sim;
        async move { answer(sim, &line).await }
    })
    .await?;
    sim.shutdown().await;
    Ok(())
}

async fn run_printer(args: PrinterArgs) -> anyhow::Result<()> {
    let sim = printer::spawn(PrinterSimConfig {
        transport: match args.tcp {
            Some(addr) => printer::Transport::Tcp(addr),
            None => printer::Transport::Pty,
        },
        out_dir: args.out,
        width: escpos::PaperWidth::from_dots(args.width).unwrap_or_default(),
        baud: args.baud,
        pace: !args.no_pace,
        rx_buffer: args.rx_buffer,
    })
    .await?;
    say(&sim.announcement());

    serve_stdin(|line| {
        let sim = &sim;
        async move { answer_printer(sim, &line).await }
    })
    .await?;
    sim.shutdown().await;
    Ok(())
}

/// Runs one printer script line and prints its answer.
async fn answer_printer(sim: &PrinterSim, line: &str) -> Flow {
    let command = match printer::Script::parse(line) {
        Ok(Some(command)) => command,
        Ok(None) => return Flow::Continue,
        Err(e) => {
            say(&format!("ERR {e}"));
            return Flow::Continue;
        }
    };
    if command == printer::Script::Quit {
        say(&format!("OK {command}"));
        return Flow::Quit;
    }
    if let Err(e) = sim.run(command).await {
        say(&format!("ERR {}", one_line(&format!("{e:#}"))));
        return Flow::Continue;
    }
    if command == printer::Script::Status {
        say(&sim.status_line());
    }
    say(&format!("OK {command}"));
    Flow::Continue
}

async fn run_central(args: CentralArgs) -> anyhow::Result<()> {
    let read = |path: &PathBuf| {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let tls = match (&args.tls_cert, &args.tls_key, &args.client_ca) {
        (Some(cert), Some(key), Some(ca)) => Some(ServerTls {
            cert_pem: read(cert)?,
            key_pem: read(key)?,
            client_ca_pem: read(ca)?,
        }),
        _ => None,
    };
    let mut config = CentralSimConfig {
        listen: args.listen,
        db: args.db,
        seed: args.seed,
        tls,
        check_in_early: Duration::from_secs(args.check_in_early.saturating_mul(60)),
        check_in_late: Duration::from_secs(args.check_in_late.saturating_mul(60)),
        walk_in_cap: args.walk_in_cap,
        ..CentralSimConfig::default()
    };
    if !args.kiosks.is_empty() {
        config.kiosks = args.kiosks;
    }
    let sim = central::spawn(config).await?;
    say(&sim.announcement());

    serve_stdin(|line| {
        let sim = &sim;
        async move { answer_central(sim, &line).await }
    })
    .await?;
    sim.shutdown().await;
    Ok(())
}

/// Runs one central script line and prints its answer.
async fn answer_central(sim: &CentralSim, line: &str) -> Flow {
    let command = match Command::parse(line) {
        Ok(Some(command)) => command,
        Ok(None) => return Flow::Continue,
        Err(e) => {
            say(&format!("ERR {e}"));
            return Flow::Continue;
        }
    };
    match sim.run(command.clone()).await {
        Ok(lines) => {
            for line in lines {
                say(&line);
            }
        }
        Err(e) => {
            say(&format!("ERR {}", one_line(&format!("{e:#}"))));
            return Flow::Continue;
        }
    }
    say(&format!("OK {command}"));
    if command == Command::Quit {
        Flow::Quit
    } else {
        Flow::Continue
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// Runs one script line and prints its answer.
async fn answer(sim: &IdcardSim, line: &str) -> Flow {
    let command = match Script::parse(line) {
        Ok(Some(command)) => command,
        Ok(None) => return Flow::Continue,
        Err(e) => {
            say(&format!("ERR {e}"));
            return Flow::Continue;
        }
    };
    if let Err(e) = sim.run(command.clone()).await {
        say(&format!("ERR {}", one_line(&format!("{e:#}"))));
        return Flow::Continue;
    }
    match command {
        Script::Status => say(&sim.stats().status_line()),
        Script::Replug => say(&sim.announcement()),
        _ => {}
    }
    say(&format!("OK {command}"));
    if command == Script::Quit {
        Flow::Quit
    } else {
        Flow::Continue
    }
}

/// Error chains may span lines (TOML errors show the offending line); the protocol is one
/// line per answer.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Prints one protocol line and flushes it at once: a harness waits for it.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (the harness went away) must not stop the simulator.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Standard input, line by line, read on a plain thread: tokio's stdin would make the
/// runtime's shutdown wait for a read that never ends.
fn stdin_lines() -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel(64);
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock();
        let mut line = Vec::new();
        loop {
            line.clear();
            match input.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx
                        .blocking_send(String::from_utf8_lossy(&line).into_owned())
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Answers script lines from stdin until `quit` or a signal (SIGTERM, SIGINT). End of input does
/// not stop the simulator: it keeps serving until a signal.
async fn serve_stdin<F, Fut>(mut answer: F) -> anyhow::Result<()>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Flow>,
{
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut lines = stdin_lines();
    let mut stdin_open = true;
    loop {
        tokio::select! {
            line = lines.recv(), if stdin_open => match line {
                Some(line) => {
                    if answer(line).await == Flow::Quit {
                        break;
                    }
                }
                None => stdin_open = false,
            },
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
        }
    }
    Ok(())
}
