//! The async shell around the printer model: the transport (pseudo-terminal or TCP), the wire
//! speed, the slow receiver, and writing cut tickets to files.
//!
//! One task owns the device. It reads host bytes no faster than the emulated baud rate (8N1:
//! 10 bits a byte) and only while the model's receive buffer has room, so a full buffer backs
//! up into the pseudo-terminal and the host's writes wait, as with flow control. After every
//! read or script change it lets the model process (all of its buffer, or with `slow-rx` only
//! what the elapsed time allows), then writes the model's replies and files its tickets. Script
//! faults are applied by the handle under a short lock and the task is woken to act on them.

use super::engine::{Engine, MIN_RX_BUFFER, PrintedTicket};
use super::render::write_ticket;
use super::script::Script;
use crate::pty::Pty;
use anyhow::{Context as _, anyhow, bail};
use escpos::PaperWidth;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, sleep_until};
use tracing::{debug, warn};

/// The SNBC BK-T680's top RS-232 rate (reference, "Wire time").
pub const DEFAULT_BAUD: u32 = 57_600;
/// Default receive buffer (reference: 45 bytes to 4 KB).
pub const DEFAULT_RX_BUFFER: usize = 4096;
/// Most bytes taken in one read.
const READ_CHUNK: usize = 256;
/// How often a slow receiver processes its buffer.
const SLOW_TICK: Duration = Duration::from_millis(10);

/// Where the simulated printer is reachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A pseudo-terminal (a serial printer).
    Pty,
    /// A TCP listener, one client at a time (like port 9100).
    Tcp(SocketAddr),
}

/// How to run a simulated printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterSimConfig {
    /// Pseudo-terminal or TCP.
    pub transport: Transport,
    /// Where to write `ticket-NNNN.png` and `.json`; tickets are kept in memory only if `None`.
    pub out_dir: Option<PathBuf>,
    /// Paper width (the PNG's width).
    pub width: PaperWidth,
    /// Emulated line speed in baud, used when pacing.
    pub baud: u32,
    /// Whether to take bytes no faster than the line speed.
    pub pace: bool,
    /// Receive buffer in bytes.
    pub rx_buffer: usize,
}

impl Default for PrinterSimConfig {
    /// A pseudo-terminal, no output directory, 80 mm, 57600 baud paced, a 4 KB buffer.
    fn default() -> PrinterSimConfig {
        PrinterSimConfig {
            transport: Transport::Pty,
            out_dir: None,
            width: PaperWidth::Mm80,
            baud: DEFAULT_BAUD,
            pace: true,
            rx_buffer: DEFAULT_RX_BUFFER,
        }
    }
}

/// A cut ticket and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    /// The ticket.
    pub printed: PrintedTicket,
    /// Its PNG, if an output directory was given (the JSON sidecar sits beside it).
    pub png: Option<PathBuf>,
}

/// A running simulated printer; [`PrinterSim::shutdown`] stops it.
#[derive(Debug)]
pub struct PrinterSim {
    shared: Arc<Shared>,
    control: mpsc::Sender<oneshot::Sender<()>>,
    ticket_count: watch::Receiver<usize>,
    task: JoinHandle<()>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    kick: Notify,
}

#[derive(Debug)]
struct State {
    engine: Engine,
    slow_rx: u32,
    tickets: Vec<TicketRecord>,
    device: String,
    announcement: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

enum Device {
    Pty(Pty),
    Tcp(TcpListener),
}

/// Starts a simulated printer on the current tokio runtime; returns once the device exists.
pub async fn spawn(config: PrinterSimConfig) -> anyhow::Result<PrinterSim> {
    if config.baud == 0 {
        bail!("the baud rate must be positive");
    }
    if config.rx_buffer < MIN_RX_BUFFER {
        bail!("the receive buffer must hold at least {MIN_RX_BUFFER} bytes");
    }
    if let Some(dir) = &config.out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let (device, name, announcement) = match config.transport {
        Transport::Pty => {
            let pty = Pty::open().context("cannot open a pseudo-terminal")?;
            let path = pty.slave_path().display().to_string();
            (Device::Pty(pty), path.clone(), format!("PTY {path}"))
        }
        Transport::Tcp(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            let bound = listener.local_addr()?;
            (
                Device::Tcp(listener),
                format!("tcp://{bound}"),
                format!("TCP {bound}"),
            )
        }
    };
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            engine: Engine::new(config.rx_buffer),
            slow_rx: 0,
            tickets: Vec::new(),
            device: name,
            announcement,
        }),
        kick: Notify::new(),
    });
    let (control, control_rx) = mpsc::channel(4);
    let (count_tx, ticket_count) = watch::channel(0);
    let server = Server {
        shared: Arc::clone(&shared),
        config,
        quit: control_rx,
        count: count_tx,
    };
    let task = tokio::spawn(server.run(device));
    Ok(PrinterSim {
        shared,
        control,
        ticket_count,
        task,
    })
}

impl PrinterSim {
    /// What a client opens: `/dev/pts/N`, or `tcp://127.0.0.1:PORT`.
    pub fn device(&self) -> String {
        self.shared.lock().device.clone()
    }

    /// The first line on standard output: `PTY /dev/pts/N` or `TCP 127.0.0.1:PORT`.
    pub fn announcement(&self) -> String {
        self.shared.lock().announcement.clone()
    }

    /// Runs one script command, as if typed on standard input.
    pub async fn run(&self, command: Script) -> anyhow::Result<()> {
        {
            let mut state = self.shared.lock();
            match command {
                Script::NearEnd => state.engine.near_end(),
                Script::PaperOut(after) => state.engine.paper_out(after),
                Script::PaperReplaced => state.engine.paper_replaced(),
                Script::CoverOpen => state.engine.set_cover_open(true),
                Script::CoverClosed => state.engine.set_cover_open(false),
                Script::Offline => state.engine.set_forced_offline(true),
                Script::Online => state.engine.set_forced_offline(false),
                Script::SlowRx(rate) => state.slow_rx = rate,
                Script::Status => {}
                Script::Quit => {}
            }
        }
        if command == Script::Quit {
            let (ack, done) = oneshot::channel();
            self.control
                .send(ack)
                .await
                .map_err(|_| anyhow!("the simulator has stopped"))?;
            let _ = done.await;
        } else {
            self.shared.kick.notify_one();
        }
        Ok(())
    }

    /// The `STATUS` line.
    pub fn status_line(&self) -> String {
        self.shared.lock().engine.status_line()
    }

    /// The tickets cut so far.
    pub fn tickets(&self) -> Vec<TicketRecord> {
        self.shared.lock().tickets.clone()
    }

    /// Waits until at least `count` tickets have been cut, or `patience` has passed; returns
    /// the tickets either way.
    pub async fn wait_for_tickets(&self, count: usize, patience: Duration) -> Vec<TicketRecord> {
        let mut watch = self.ticket_count.clone();
        let _ = tokio::time::timeout(patience, watch.wait_for(|n| *n >= count)).await;
        self.tickets()
    }

    /// Stops the simulator and waits until the device is closed.
    pub async fn shutdown(self) {
        let _ = self.run(Script::Quit).await;
        drop(self.control);
        if let Err(e) = self.task.await {
            warn!("printer simulator task ended abnormally: {e}");
        }
    }
}

struct Server {
    shared: Arc<Shared>,
    config: PrinterSimConfig,
    quit: mpsc::Receiver<oneshot::Sender<()>>,
    count: watch::Sender<usize>,
}

/// Why serving one stream stopped.
enum Served {
    Closed,
    Quit(oneshot::Sender<()>),
}

impl Server {
    async fn run(mut self, device: Device) {
        let ack = match device {
            Device::Pty(mut pty) => match self.serve(&mut pty).await {
                Ok(Served::Quit(ack)) => Some(ack),
                Ok(Served::Closed) => self.quit.recv().await,
                Err(e) => {
                    warn!("pseudo-terminal failed: {e}");
                    self.quit.recv().await
                }
            },
            Device::Tcp(listener) => loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((mut stream, peer)) => {
                            debug!(%peer, "client connected");
                            let _ = stream.set_nodelay(true);
                            match self.serve(&mut stream).await {
                                Ok(Served::Quit(ack)) => break Some(ack),
                                Ok(Served::Closed) => {}
                                Err(e) => debug!("client connection failed: {e}"),
                            }
                        }
                        Err(e) => {
                            warn!("accept failed: {e}");
                            sleep(Duration::from_millis(100)).await;
                        }
                    },
                    ack = self.quit.recv() => break ack,
                }
            },
        };
        if let Some(ack) = ack {
            let _ = ack.send(());
        }
    }

    /// Serves one stream until it closes or the simulator quits.
    async fn serve<S>(&mut self, stream: &mut S) -> io::Result<Served>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let mut buf = [0u8; READ_CHUNK];
        let mut next_read = Instant::now();
        let mut last_tick = Instant::now();
        let mut credit = 0f64;
        loop {
            // Process what the (possibly slow) printer may, then send and file the results.
            let (out, tickets, room, waiting) = {
                let mut state = self.shared.lock();
                let now = Instant::now();
                let budget = if state.slow_rx == 0 {
                    credit = 0.0;
                    usize::MAX
                } else {
                    let elapsed = now.duration_since(last_tick).as_secs_f64();
                    credit = (credit + elapsed * f64::from(state.slow_rx))
                        .min(self.config.rx_buffer as f64);
                    credit as usize
                };
                last_tick = now;
                let done = state.engine.process(budget);
                credit = (credit - done as f64).max(0.0);
                let waiting = state.slow_rx != 0
                    && state.engine.status().online
                    && state.engine.buffered() > 0;
                (
                    state.engine.take_outbox(),
                    state.engine.take_tickets(),
                    state.engine.room(),
                    waiting,
                )
            };
            if !out.is_empty() {
                stream.write_all(&out).await?;
                stream.flush().await?;
            }
            if !tickets.is_empty() {
                self.file(tickets);
            }
            let want = room.min(buf.len());
            let pace_wait = self.config.pace && Instant::now() < next_read;
            tokio::select! {
                read = stream.read(buf.get_mut(..want).unwrap_or_default()), if want > 0 && !pace_wait => {
                    let n = read?;
                    if n == 0 {
                        return Ok(Served::Closed);
                    }
                    if self.config.pace {
                        // 8N1: ten bits a byte.
                        let wire = Duration::from_secs_f64(n as f64 * 10.0 / f64::from(self.config.baud));
                        let now = Instant::now();
                        next_read = now.checked_sub(wire).map_or(now, |t| next_read.max(t)) + wire;
                    }
                    self.shared.lock().engine.receive(buf.get(..n).unwrap_or_default());
                }
                () = sleep_until(next_read), if pace_wait => {}
                () = self.shared.kick.notified() => {}
                () = sleep(SLOW_TICK), if waiting => {}
                ack = self.quit.recv() => {
                    return Ok(match ack {
                        Some(ack) => Served::Quit(ack),
                        None => Served::Closed,
                    });
                }
            }
        }
    }

    fn file(&self, tickets: Vec<PrintedTicket>) {
        let mut records = Vec::with_capacity(tickets.len());
        for printed in tickets {
            let png = self.config.out_dir.as_ref().and_then(|dir| {
                write_ticket(dir, &printed, self.config.width.dots())
                    .map_err(|e| warn!("cannot write ticket {}: {e}", printed.index))
                    .ok()
            });
            debug!(index = printed.index, "ticket cut");
            records.push(TicketRecord { printed, png });
        }
        let count = {
            let mut state = self.shared.lock();
            state.tickets.extend(records);
            state.tickets.len()
        };
        self.count.send_replace(count);
    }
}
