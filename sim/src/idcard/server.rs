//! The async shell around the reader model: the transport (pseudo-terminal or TCP), wire
//! pacing, warm-up, and the channel that carries script commands.
//!
//! One task owns the device. It reads host bytes, decodes them with the core's request decoder,
//! asks the [`Engine`] for a [`ReplyPlan`] and writes it, paced like a serial line. Script
//! commands that only change the reader (place, lift, faults, SAM state, warm-up) are applied by
//! the handle directly under a short lock; those that change the device (unplug, replug, quit)
//! go to the task over a channel and are acknowledged once done.
//!
//! Pacing (reference, "Link" and "Timing"): 8N1 is 10 bits per byte, so `n` bytes take
//! `n * 10 / baud` seconds. A request counts as arrived no earlier than the time its first byte
//! was seen plus its own wire time; the reply starts `latency` later and goes out in chunks of
//! [`PACE_CHUNK`] bytes, each sent when the wire would have carried it, against absolute
//! deadlines so the error does not accumulate.

use super::cards::SimCard;
use super::engine::{Counters, Engine, FingerprintSize, ReplyPlan};
use super::script::Script;
use crate::pty::{Pty, StableLink};
use anyhow::{Context as _, anyhow, bail};
use idcard::driver::wire_time;
use idcard::frame::HEADER_LEN;
use idcard::{CardRecord, CardType, Decoder, Status};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, sleep_until};
use tracing::{debug, trace, warn};

/// The reference's line speed (section "Link": 115200 baud, 8N1).
pub const DEFAULT_BAUD: u32 = 115_200;

/// Bytes written per paced chunk.
pub const PACE_CHUNK: usize = 16;

/// Bytes of a frame around its body: preamble, LEN, CHK (reference, "Frame").
const FRAME_OVERHEAD: usize = HEADER_LEN + 1;

/// How long to back off after a failed TCP accept (a full file table, say) before retrying.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Where the simulated reader is reachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A pseudo-terminal; optionally a stable symbolic link to its slave, kept current across
    /// replugs and removed on unplug and exit.
    Pty {
        /// Path of the link, like a udev rule's name.
        link: Option<PathBuf>,
    },
    /// A TCP listener, one client at a time. Port 0 picks a free port, kept across replugs.
    Tcp(SocketAddr),
}

/// How to run a simulated reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdcardSimConfig {
    /// The card on the reader at start, if any.
    pub card: Option<CardRecord>,
    /// Pseudo-terminal or TCP.
    pub transport: Transport,
    /// Emulated line speed in baud, used when pacing.
    pub baud: u32,
    /// Whether to emulate the wire's speed; off, replies go out at once.
    pub pace: bool,
    /// Power-on time at start and after every replug: bytes received meanwhile are ignored.
    pub warmup: Duration,
    /// Fingerprint block size in a `30 10` reply: 0, 512 or 1024.
    pub fingerprint_size: usize,
    /// Processing delay between a request's arrival and the start of its reply.
    pub latency: Duration,
}

impl Default for IdcardSimConfig {
    /// No card, a pseudo-terminal without a link, 115200 baud paced, no warm-up, a 1024-byte
    /// fingerprint, no latency.
    fn default() -> IdcardSimConfig {
        IdcardSimConfig {
            card: None,
            transport: Transport::Pty { link: None },
            baud: DEFAULT_BAUD,
            pace: true,
            warmup: Duration::ZERO,
            fingerprint_size: FingerprintSize::Full.bytes(),
            latency: Duration::ZERO,
        }
    }
}

/// What the reader has seen and its state, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// What the reader model has counted.
    pub counters: Counters,
    /// When the last `9F` (card found) reply went out (stamped as its last bytes are written).
    pub last_find_ok: Option<Instant>,
    /// When the card now on the reader was placed; `None` with no card.
    pub card_placed_at: Option<Instant>,
    /// The type of the card on the reader.
    pub card: Option<CardType>,
    /// Whether the device is plugged in.
    pub plugged: bool,
}

impl Stats {
    /// The line the `status` script command prints:
    /// `STATUS card=<type|none> reads=<n> finds=<n> selects=<n> plugged=<bool>`.
    pub fn status_line(&self) -> String {
        format!(
            "STATUS card={} reads={} finds={} selects={} plugged={}",
            self.card.map_or("none", CardType::as_str),
            self.counters.reads,
            self.counters.finds,
            self.counters.selects,
            self.plugged
        )
    }
}

/// A running simulated reader. Dropping it stops the simulator too, but
/// [`IdcardSim::shutdown`] waits until the device is gone.
#[derive(Debug)]
pub struct IdcardSim {
    shared: Arc<Shared>,
    control: mpsc::Sender<Control>,
    task: JoinHandle<()>,
}

/// Starts a simulated reader on the current tokio runtime; it serves until shut down.
///
/// Returns once the device exists: [`IdcardSim::device`] is ready to open.
pub async fn spawn(config: IdcardSimConfig) -> anyhow::Result<IdcardSim> {
    let fingerprint = FingerprintSize::from_bytes(config.fingerprint_size).ok_or_else(|| {
        anyhow!(
            "fingerprint size {} is not one of 0, 512, 1024",
            config.fingerprint_size
        )
    })?;
    if config.baud == 0 {
        bail!("the baud rate must be positive");
    }
    let mut engine = Engine::new(fingerprint);
    let mut card_placed_at = None;
    if let Some(record) = config.card {
        engine.place(SimCard::new(record).context("the initial card")?);
        card_placed_at = Some(Instant::now());
    }
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            engine,
            card_placed_at,
            last_find_ok: None,
            warmup_until: None,
            warmup_generation: 0,
            device: None,
            plugged: false,
        }),
    });
    let (control, control_rx) = mpsc::channel(8);
    let mut server = Server {
        shared: Arc::clone(&shared),
        pacing: Pacing {
            pace: config.pace,
            baud: config.baud,
            latency: config.latency,
        },
        transport: config.transport,
        tcp_bound: None,
        warmup: config.warmup,
        control: control_rx,
    };
    let device = server.plug().await?;
    let task = tokio::spawn(server.run(device));
    Ok(IdcardSim {
        shared,
        control,
        task,
    })
}

impl IdcardSim {
    /// What a client opens: the link path if one is set, else the pseudo-terminal's slave
    /// (`/dev/pts/N`); `tcp://127.0.0.1:PORT` on TCP. After an unplug, the last device.
    pub fn device(&self) -> String {
        match &self.shared.lock().device {
            Some(DeviceInfo::Pty { slave, link }) => {
                link.as_ref().unwrap_or(slave).display().to_string()
            }
            Some(DeviceInfo::Tcp(addr)) => format!("tcp://{addr}"),
            None => String::new(),
        }
    }

    /// The line announcing the device on standard output: `PTY /dev/pts/N` (the slave, even
    /// with a link) or `TCP 127.0.0.1:PORT` (the bound address).
    pub fn announcement(&self) -> String {
        match &self.shared.lock().device {
            Some(DeviceInfo::Pty { slave, .. }) => format!("PTY {}", slave.display()),
            Some(DeviceInfo::Tcp(addr)) => format!("TCP {addr}"),
            None => String::new(),
        }
    }

    /// The pseudo-terminal's slave path, in PTY mode.
    pub fn pty_path(&self) -> Option<PathBuf> {
        match &self.shared.lock().device {
            Some(DeviceInfo::Pty { slave, .. }) => Some(slave.clone()),
            _ => None,
        }
    }

    /// The bound address, in TCP mode.
    pub fn tcp_addr(&self) -> Option<SocketAddr> {
        match &self.shared.lock().device {
            Some(DeviceInfo::Tcp(addr)) => Some(*addr),
            _ => None,
        }
    }

    /// Runs one script command, as if typed on the simulator's standard input.
    ///
    /// Fails on a card that cannot be loaded, an unplug while unplugged (or a replug while
    /// plugged), a device that cannot be recreated, or a simulator that has stopped.
    pub async fn run(&self, command: Script) -> anyhow::Result<()> {
        match command {
            Script::Place(spec) => {
                let card = SimCard::load(&spec)?;
                let mut state = self.shared.lock();
                state.engine.place(card);
                state.card_placed_at = Some(Instant::now());
            }
            Script::Lift => {
                let mut state = self.shared.lock();
                state.engine.lift();
                state.card_placed_at = None;
            }
            Script::LiftMidRead(cut) => self.shared.lock().engine.arm_lift_mid_read(cut),
            Script::Noise(count) => self.shared.lock().engine.add_noise(count),
            Script::BadChecksum => self.shared.lock().engine.arm_bad_checksum(),
            Script::SamFail => self.shared.lock().engine.set_sam_failed(true),
            Script::SamOk => self.shared.lock().engine.set_sam_failed(false),
            Script::Warmup(duration) => self.shared.lock().start_warmup(duration),
            Script::Status => {}
            Script::Unplug => self.control(Control::Unplug).await?,
            Script::Replug => self.control(Control::Replug).await?,
            Script::Quit => self.control(Control::Quit).await?,
        }
        Ok(())
    }

    /// The counters and state now.
    pub fn stats(&self) -> Stats {
        let state = self.shared.lock();
        Stats {
            counters: state.engine.counters(),
            last_find_ok: state.last_find_ok,
            card_placed_at: state.card_placed_at,
            card: state.engine.card().map(SimCard::card_type),
            plugged: state.plugged,
        }
    }

    /// Stops the simulator and waits until the device is closed and the link removed.
    pub async fn shutdown(self) {
        // Fails only when the task has already stopped, which is what we want anyway.
        let _ = self.control(Control::Quit).await;
        drop(self.control);
        if let Err(e) = self.task.await {
            warn!("simulator task ended abnormally: {e}");
        }
    }

    async fn control(&self, message: fn(Ack) -> Control) -> anyhow::Result<()> {
        let stopped = || anyhow!("the simulator has stopped");
        let (ack, done) = oneshot::channel();
        self.control
            .send(message(ack))
            .await
            .map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }
}

/// State shared by the handle and the device task. The lock is never held across an await.
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves consistent plain data: keep going.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug)]
struct State {
    engine: Engine,
    card_placed_at: Option<Instant>,
    last_find_ok: Option<Instant>,
    /// Bytes received before this instant are ignored.
    warmup_until: Option<Instant>,
    /// Bumped at every warm-up, so the device task drops any half-received frame.
    warmup_generation: u64,
    device: Option<DeviceInfo>,
    plugged: bool,
}

impl State {
    fn start_warmup(&mut self, duration: Duration) {
        self.warmup_until = Some(Instant::now() + duration);
        self.warmup_generation += 1;
    }
}

#[derive(Debug, Clone)]
enum DeviceInfo {
    Pty {
        slave: PathBuf,
        link: Option<PathBuf>,
    },
    Tcp(SocketAddr),
}

/// The open device, owned by the device task. Dropping it is unplugging.
enum Device {
    Pty { pty: Pty, _link: Option<StableLink> },
    Tcp(TcpListener),
}

type Ack = oneshot::Sender<anyhow::Result<()>>;

enum Control {
    Unplug(Ack),
    Replug(Ack),
    Quit(Ack),
}

/// Why serving a plugged device stopped.
enum Outcome {
    Unplug(Ack),
    Quit(Option<Ack>),
    Failed(io::Result<()>),
}

/// What the device task does after serving.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Unplugged,
    Quit,
}

#[derive(Debug, Clone, Copy)]
struct Pacing {
    pace: bool,
    baud: u32,
    latency: Duration,
}

impl Pacing {
    fn wire_time(&self, bytes: usize) -> Duration {
        wire_time(bytes, self.baud)
    }
}

struct Server {
    shared: Arc<Shared>,
    pacing: Pacing,
    transport: Transport,
    /// The address actually bound the first time, so a replug listens on the same port.
    tcp_bound: Option<SocketAddr>,
    warmup: Duration,
    control: mpsc::Receiver<Control>,
}

impl Server {
    /// Creates the device, publishes it and starts the power-on warm-up.
    async fn plug(&mut self) -> anyhow::Result<Device> {
        let (device, info) = match &self.transport {
            Transport::Pty { link } => {
                let pty = Pty::open().context("cannot open a pseudo-terminal")?;
                let slave = pty.slave_path().to_owned();
                let stable = match link {
                    Some(path) => {
                        Some(StableLink::create(path, &slave).with_context(|| {
                            format!("cannot create the link {}", path.display())
                        })?)
                    }
                    None => None,
                };
                let info = DeviceInfo::Pty {
                    slave,
                    link: link.clone(),
                };
                (Device::Pty { pty, _link: stable }, info)
            }
            Transport::Tcp(addr) => {
                let addr = self.tcp_bound.unwrap_or(*addr);
                let listener = TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                let bound = listener.local_addr()?;
                self.tcp_bound = Some(bound);
                (Device::Tcp(listener), DeviceInfo::Tcp(bound))
            }
        };
        let mut state = self.shared.lock();
        state.device = Some(info);
        state.plugged = true;
        if !self.warmup.is_zero() {
            state.start_warmup(self.warmup);
        }
        Ok(device)
    }

    /// Serves until quit: the device while plugged, the control channel always.
    async fn run(mut self, first: Device) {
        let mut device = first;
        loop {
            if self.serve(device).await == Next::Quit {
                return;
            }
            match self.unplugged().await {
                Some(replugged) => device = replugged,
                None => return,
            }
        }
    }

    /// Serves a plugged device until unplug or quit; the device is closed on return.
    async fn serve(&mut self, mut device: Device) -> Next {
        let outcome = {
            let serving = serve_device(&mut device, &self.shared, self.pacing);
            tokio::pin!(serving);
            loop {
                tokio::select! {
                    result = &mut serving => break Outcome::Failed(result),
                    message = self.control.recv() => match message {
                        Some(Control::Replug(ack)) => {
                            let _ = ack.send(Err(anyhow!("the device is already plugged in")));
                        }
                        Some(Control::Unplug(ack)) => break Outcome::Unplug(ack),
                        Some(Control::Quit(ack)) => break Outcome::Quit(Some(ack)),
                        None => break Outcome::Quit(None),
                    },
                }
            }
        };
        // Closes the pseudo-terminal (both sides) or the listener and its client, and removes
        // the link: to the client, the device is gone. Acknowledged only after that.
        drop(device);
        self.shared.lock().plugged = false;
        match outcome {
            Outcome::Unplug(ack) => {
                let _ = ack.send(Ok(()));
                Next::Unplugged
            }
            Outcome::Quit(ack) => {
                if let Some(ack) = ack {
                    let _ = ack.send(Ok(()));
                }
                Next::Quit
            }
            Outcome::Failed(result) => {
                warn!("the device stopped working ({result:?}); it is now unplugged");
                Next::Unplugged
            }
        }
    }

    /// Waits, unplugged, for a replug (the new device) or quit (`None`).
    async fn unplugged(&mut self) -> Option<Device> {
        loop {
            match self.control.recv().await? {
                Control::Replug(ack) => match self.plug().await {
                    Ok(device) => {
                        let _ = ack.send(Ok(()));
                        return Some(device);
                    }
                    Err(e) => {
                        let _ = ack.send(Err(e));
                    }
                },
                Control::Unplug(ack) => {
                    let _ = ack.send(Err(anyhow!("the device is already unplugged")));
                }
                Control::Quit(ack) => {
                    let _ = ack.send(Ok(()));
                    return None;
                }
            }
        }
    }
}

/// Serves the device's clients until an unrecoverable error.
async fn serve_device(device: &mut Device, shared: &Shared, pacing: Pacing) -> io::Result<()> {
    match device {
        Device::Pty { pty, .. } => serve_stream(pty, shared, pacing).await,
        Device::Tcp(listener) => loop {
            let (mut stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    warn!("accept failed: {e}");
                    sleep(ACCEPT_RETRY).await;
                    continue;
                }
            };
            // Paced chunks are small; Nagle's algorithm would hold them back.
            stream.set_nodelay(true)?;
            debug!(%peer, "client connected");
            match serve_stream(&mut stream, shared, pacing).await {
                Ok(()) => debug!(%peer, "client disconnected"),
                Err(e) => debug!(%peer, "client connection failed: {e}"),
            }
        },
    }
}

/// Answers host frames on one stream until it ends (`Ok`) or fails.
async fn serve_stream<S>(stream: &mut S, shared: &Shared, pacing: Pacing) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut decoder = Decoder::for_requests();
    let mut buf = vec![0u8; 4096];
    let mut frame_start = Instant::now();
    let mut warmup_seen = shared.lock().warmup_generation;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let now = Instant::now();
        {
            let state = shared.lock();
            if state.warmup_generation != warmup_seen {
                // A power-on: whatever was half-received before it is lost.
                warmup_seen = state.warmup_generation;
                decoder.reset();
            }
            if state.warmup_until.is_some_and(|until| now < until) {
                trace!(bytes = n, "warming up: bytes ignored");
                continue;
            }
        }
        let mut input = buf.get(..n).unwrap_or_default();
        loop {
            // All bytes of one read arrived together; a frame begun in an earlier read keeps
            // its earlier start.
            if !decoder.is_mid_frame() {
                frame_start = now;
            }
            let decoded = match decoder.decode(&mut input) {
                Ok(None) => break,
                Ok(Some(body)) => Ok(body),
                Err(e) => Err(e),
            };
            let arrival = match &decoded {
                Ok(body) if pacing.pace => {
                    frame_start + pacing.wire_time(body.len() + FRAME_OVERHEAD)
                }
                _ => now,
            };
            let planned = {
                let mut state = shared.lock();
                trace!(?decoded, "host frame");
                let planned = state.engine.handle_request(decoded);
                if state.engine.card().is_none() {
                    state.card_placed_at = None;
                }
                planned
            };
            match planned {
                Ok(Some(plan)) => {
                    debug!(status = %plan.status, bytes = plan.frame.len(), cut = plan.cut, "reply");
                    // Stamped as the last bytes go out, so a client that has the reply also
                    // sees the stamp.
                    let stamp = || {
                        if plan.status == Status::FindOk {
                            shared.lock().last_find_ok = Some(Instant::now());
                        }
                    };
                    send_reply(stream, &plan, arrival + pacing.latency, pacing, stamp).await?;
                }
                Ok(None) => trace!("noise ignored"),
                Err(e) => warn!("reply could not be encoded: {e}"),
            }
        }
    }
}

/// Writes a reply starting at `start` (or now, if later), paced if pacing is on; calls
/// `last_chunk` just before the last bytes are written.
async fn send_reply<S>(
    stream: &mut S,
    plan: &ReplyPlan,
    start: Instant,
    pacing: Pacing,
    last_chunk: impl FnOnce(),
) -> io::Result<()>
where
    S: AsyncWrite + Unpin,
{
    let bytes = plan.wire_bytes();
    if !pacing.pace {
        sleep_until(start).await;
        last_chunk();
        stream.write_all(&bytes).await?;
        return stream.flush().await;
    }
    let start = start.max(Instant::now());
    let mut last_chunk = Some(last_chunk);
    let mut sent = 0;
    for chunk in bytes.chunks(PACE_CHUNK) {
        sent += chunk.len();
        sleep_until(start + pacing.wire_time(sent)).await;
        if sent == bytes.len() {
            if let Some(f) = last_chunk.take() {
                f();
            }
        }
        stream.write_all(chunk).await?;
        stream.flush().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_format() {
        let stats = Stats {
            counters: Counters {
                finds: 3,
                finds_with_card: 1,
                selects: 2,
                reads: 1,
                replies: 6,
                checksum_errors: 0,
            },
            last_find_ok: None,
            card_placed_at: None,
            card: Some(CardType::Foreigner2023),
            plugged: true,
        };
        assert_eq!(
            stats.status_line(),
            "STATUS card=foreigner_2023 reads=1 finds=3 selects=2 plugged=true"
        );
        let idle = Stats {
            card: None,
            plugged: false,
            ..stats
        };
        assert!(idle.status_line().starts_with("STATUS card=none "));
        assert!(idle.status_line().ends_with(" plugged=false"));
    }
}
