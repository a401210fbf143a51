//! The reader service: polls for cards, reads each placement once, and reports typed events and a
//! status snapshot (the XFS4IoT device-service model).
//!
//! Behaviour, per `shared/reference/idcard-sam-protocol.md` ("Timing and behaviour worth
//! simulating"):
//! - after opening the port the SAM's warm-up (1.3-5 s after power-on) is waited out by polling the
//!   SAM status; the reader is `Starting` until it answers;
//! - find-card is polled every `poll_interval` (default 250 ms; hosts use 0.3-1 s);
//! - a card is selected and read once per placement: left on the reader it is not read again;
//! - a card lifted mid-read (SW3 41, a short frame, a time-out) is reported once, as
//!   [`ReaderEvent::CardLifted`], never as garbage data;
//! - a port that fails (unplugged) is re-opened every `reopen_interval` until it comes back,
//!   without restarting the kiosk; faults and recovery are events.

use super::link::{LinkError, Timing};
use super::reader::{Reader, ReaderError, SamId};
use super::transport::Endpoint;
use crate::card::Card;
use crate::status::Status;
use crate::text::CardError;
use std::fmt;
use std::future::Future;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior, sleep};

/// Service settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceConfig {
    /// Interval between find-card polls.
    pub poll_interval: Duration,
    /// Interval between attempts to re-open a port that is gone.
    pub reopen_interval: Duration,
    /// How long a module may stay silent after the port opens before it counts as offline
    /// (reference: 1.3 to 5 s after power-up).
    pub warmup_limit: Duration,
    /// Time-outs per command.
    pub timing: Timing,
    /// Repeats of an exchange damaged on the wire.
    pub retries: u32,
    /// Select-and-read attempts per placement before the card is given up on until lifted.
    pub max_read_attempts: u32,
    /// Read with fingerprint (`30 10`); the block is dropped either way.
    pub fingerprint: bool,
}

impl Default for ServiceConfig {
    fn default() -> ServiceConfig {
        ServiceConfig {
            poll_interval: Duration::from_millis(250),
            reopen_interval: Duration::from_secs(1),
            warmup_limit: Duration::from_secs(6),
            timing: Timing::default(),
            retries: 2,
            max_read_attempts: 3,
            fingerprint: false,
        }
    }
}

/// The reader's state, as the admin screen and the heartbeat show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceStatus {
    /// Port open, waiting for the SAM to answer after power-on.
    Starting,
    /// Answering; cards can be read.
    Online,
    /// Port open but the reader does not answer.
    Offline,
    /// The port cannot be opened or has gone (unplugged).
    NoDevice,
    /// The SAM reports a fault (self-test failed, not authorised).
    HardwareError,
}

impl DeviceStatus {
    /// The lower-camel name XFS4IoT uses (`online`, `noDevice`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Starting => "starting",
            DeviceStatus::Online => "online",
            DeviceStatus::Offline => "offline",
            DeviceStatus::NoDevice => "noDevice",
            DeviceStatus::HardwareError => "hardwareError",
        }
    }
}

impl fmt::Display for DeviceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A snapshot of the reader service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSnapshot {
    /// Device state.
    pub status: DeviceStatus,
    /// The SAM's id, once read.
    pub sam_id: Option<SamId>,
    /// Whether a card that was read lies on the reader.
    pub card_present: bool,
    /// The last fault, in English, for logs and the admin screen.
    pub last_error: Option<String>,
}

/// Something the kiosk must react to.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReaderEvent {
    /// A card was placed and read.
    CardPresented(Box<Card>),
    /// The card that was read has been lifted.
    CardRemoved,
    /// A card was lifted (or moved) while it was being read. Reported once per placement.
    CardLifted,
    /// A card was read but its data cannot be accepted (malformed or inconsistent).
    CardRejected(CardError),
    /// The reader refused to read the card (authentication, unknown card type), after retries.
    CardUnreadable(Status),
    /// The reader entered a fault state.
    Fault {
        /// The new state.
        status: DeviceStatus,
        /// What happened, in English.
        detail: String,
    },
    /// The reader is online again after a fault.
    Recovered,
}

/// A running reader service.
#[derive(Debug)]
pub struct ReaderService {
    events: mpsc::Receiver<ReaderEvent>,
    status: watch::Receiver<StatusSnapshot>,
    task: JoinHandle<()>,
}

impl ReaderService {
    /// Starts the service on an endpoint, on the current tokio runtime.
    pub fn spawn(endpoint: Endpoint, config: ServiceConfig) -> ReaderService {
        let config = ServiceConfig {
            timing: Timing {
                baud: endpoint.baud(),
                ..config.timing
            },
            ..config
        };
        ReaderService::spawn_with(
            move || {
                let endpoint = endpoint.clone();
                async move { endpoint.open().await }
            },
            config,
        )
    }

    /// Starts the service with any way to open a stream (tests use in-memory pipes).
    pub fn spawn_with<C, F, S>(connect: C, config: ServiceConfig) -> ReaderService
    where
        C: FnMut() -> F + Send + 'static,
        F: Future<Output = io::Result<S>> + Send + 'static,
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (events_tx, events) = mpsc::channel(64);
        let (status_tx, status) = watch::channel(StatusSnapshot {
            status: DeviceStatus::Starting,
            sam_id: None,
            card_present: false,
            last_error: None,
        });
        let worker = Worker {
            config,
            events: events_tx,
            status: status_tx,
            slot: Slot::Empty,
            in_fault: false,
        };
        let task = tokio::spawn(worker.run(connect));
        ReaderService {
            events,
            status,
            task,
        }
    }

    /// The next event; `None` once the service has stopped.
    pub async fn next_event(&mut self) -> Option<ReaderEvent> {
        self.events.recv().await
    }

    /// The current status.
    pub fn status(&self) -> StatusSnapshot {
        self.status.borrow().clone()
    }

    /// A receiver that sees every status change.
    pub fn watch_status(&self) -> watch::Receiver<StatusSnapshot> {
        self.status.clone()
    }

    /// Stops the service and closes the port.
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for ReaderService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The card slot, per placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// No card, or a card not yet seen.
    Empty,
    /// A card was read and still lies on the reader.
    Present,
    /// A card lies on the reader but could not be read; `reported` once an event went out.
    Unreadable { attempts: u32, reported: bool },
}

/// Why the link was given up: re-open the port.
struct Reopen;

struct Worker {
    config: ServiceConfig,
    events: mpsc::Sender<ReaderEvent>,
    status: watch::Sender<StatusSnapshot>,
    slot: Slot,
    in_fault: bool,
}

impl Worker {
    async fn run<C, F, S>(mut self, mut connect: C)
    where
        C: FnMut() -> F,
        F: Future<Output = io::Result<S>>,
        S: AsyncRead + AsyncWrite + Unpin,
    {
        loop {
            let stream = match connect().await {
                Ok(stream) => stream,
                Err(e) => {
                    if !self
                        .fault(DeviceStatus::NoDevice, format!("cannot open reader: {e}"))
                        .await
                    {
                        return;
                    }
                    sleep(self.config.reopen_interval).await;
                    continue;
                }
            };
            let mut reader = Reader::new(stream, self.config.timing, self.config.retries);
            match self.serve(&mut reader).await {
                Ok(Reopen) => sleep(self.config.reopen_interval).await,
                Err(Closed) => return,
            }
        }
    }

    /// Warms up, then polls until the link must be re-opened.
    async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        reader: &mut Reader<S>,
    ) -> Result<Reopen, Closed> {
        if !self.warm_up(reader).await? {
            return Ok(Reopen);
        }
        let mut ticker = tokio::time::interval(self.config.poll_interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match self.poll(reader).await {
                Ok(()) => {}
                Err(e) => return self.link_failed(e).await,
            }
        }
    }

    /// Waits for the SAM to answer its status after the port opened (power-on warm-up).
    /// `Ok(false)`: the device went away, re-open it.
    async fn warm_up<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        reader: &mut Reader<S>,
    ) -> Result<bool, Closed> {
        let deadline = Instant::now() + self.config.warmup_limit;
        loop {
            match reader.sam_status().await {
                Ok(()) => break,
                Err(ReaderError::Link(e)) if e.is_device_gone() => {
                    return if self
                        .fault(DeviceStatus::NoDevice, format!("reader link lost: {e}"))
                        .await
                    {
                        Ok(false)
                    } else {
                        Err(Closed)
                    };
                }
                Err(ReaderError::Refused(status)) if status.is_module_fault() => {
                    if !self
                        .fault(DeviceStatus::HardwareError, format!("SAM fault: {status}"))
                        .await
                    {
                        return Err(Closed);
                    }
                    sleep(self.config.reopen_interval).await;
                }
                Err(e) => {
                    if Instant::now() >= deadline
                        && !self
                            .fault(
                                DeviceStatus::Offline,
                                format!("reader does not answer after warm-up: {e}"),
                            )
                            .await
                    {
                        return Err(Closed);
                    }
                    sleep(self.config.poll_interval).await;
                }
            }
        }
        let sam_id = match reader.sam_id().await {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the SAM id");
                None
            }
        };
        self.status.send_modify(|s| {
            s.status = DeviceStatus::Online;
            s.sam_id = sam_id;
        });
        tracing::info!(sam_id = ?sam_id, "ID-card reader online");
        if self.in_fault {
            self.in_fault = false;
            self.emit(ReaderEvent::Recovered).await?;
        }
        Ok(true)
    }

    /// One find-card poll, and a read when a new card is there.
    async fn poll<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        reader: &mut Reader<S>,
    ) -> Result<(), PollError> {
        let found = reader.find_card().await?;
        match (self.slot, found) {
            (Slot::Present, true) => Ok(()),
            (Slot::Present, false) => {
                self.set_slot(Slot::Empty);
                self.emit(ReaderEvent::CardRemoved).await?;
                Ok(())
            }
            (_, false) => {
                self.set_slot(Slot::Empty);
                Ok(())
            }
            (Slot::Unreadable { attempts, .. }, true)
                if attempts >= self.config.max_read_attempts =>
            {
                Ok(())
            }
            (Slot::Empty | Slot::Unreadable { .. }, true) => self.read(reader).await,
        }
    }

    async fn read<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        reader: &mut Reader<S>,
    ) -> Result<(), PollError> {
        let (mut attempts, reported) = match self.slot {
            Slot::Unreadable { attempts, reported } => (attempts, reported),
            _ => (0, false),
        };
        loop {
            attempts += 1;
            let result = match reader.select_card().await {
                Ok(()) => reader.read_card(self.config.fingerprint).await,
                Err(e) => Err(e),
            };
            let error = match result {
                Ok(card) => {
                    for warning in &card.warnings {
                        tracing::warn!(%warning, "card accepted with a warning");
                    }
                    self.set_slot(Slot::Present);
                    self.emit(ReaderEvent::CardPresented(Box::new(card)))
                        .await?;
                    return Ok(());
                }
                Err(e) => e,
            };
            match error {
                ReaderError::Link(e) if e.is_device_gone() => {
                    return Err(PollError::Reader(e.into()));
                }
                ReaderError::Refused(status) if status.is_module_fault() => {
                    return Err(PollError::Reader(ReaderError::Refused(status)));
                }
                e if e.is_card_lifted() => {
                    tracing::info!(error = %e, "card lifted during the read");
                    self.set_slot(Slot::Unreadable {
                        attempts,
                        reported: true,
                    });
                    if !reported {
                        self.emit(ReaderEvent::CardLifted).await?;
                    }
                    return Ok(());
                }
                ReaderError::Card(e) => {
                    tracing::warn!(error = %e, "card data rejected");
                    self.set_slot(Slot::Unreadable {
                        attempts: self.config.max_read_attempts,
                        reported: true,
                    });
                    if !reported {
                        self.emit(ReaderEvent::CardRejected(e)).await?;
                    }
                    return Ok(());
                }
                e => {
                    tracing::warn!(error = %e, attempts, "card read failed");
                    if attempts >= self.config.max_read_attempts {
                        self.set_slot(Slot::Unreadable {
                            attempts,
                            reported: true,
                        });
                        if !reported {
                            let status = match e {
                                ReaderError::Refused(s) => s,
                                _ => Status::ReadFailed,
                            };
                            self.emit(ReaderEvent::CardUnreadable(status)).await?;
                        }
                        return Ok(());
                    }
                }
            }
        }
    }

    async fn link_failed(&mut self, error: PollError) -> Result<Reopen, Closed> {
        let PollError::Reader(error) = error else {
            return Err(Closed);
        };
        let (status, detail) = match &error {
            ReaderError::Link(e) if e.is_device_gone() => {
                (DeviceStatus::NoDevice, format!("reader link lost: {e}"))
            }
            ReaderError::Refused(s) if s.is_module_fault() => {
                (DeviceStatus::HardwareError, format!("SAM fault: {s}"))
            }
            e => (
                DeviceStatus::Offline,
                format!("reader stopped answering: {e}"),
            ),
        };
        if self.fault(status, detail).await {
            Ok(Reopen)
        } else {
            Err(Closed)
        }
    }

    fn set_slot(&mut self, slot: Slot) {
        self.slot = slot;
        let present = slot == Slot::Present;
        self.status.send_if_modified(|s| {
            let changed = s.card_present != present;
            s.card_present = present;
            changed
        });
    }

    /// Enters a fault state; emits the event once per state. `false` when nobody listens any more.
    async fn fault(&mut self, status: DeviceStatus, detail: String) -> bool {
        let previous = self.status.borrow().status;
        self.status.send_modify(|s| {
            s.status = status;
            s.last_error = Some(detail.clone());
        });
        if previous == status && self.in_fault {
            tracing::debug!(%status, %detail, "reader still faulty");
            return !self.events.is_closed();
        }
        tracing::warn!(%status, %detail, "ID-card reader fault");
        self.in_fault = true;
        self.emit(ReaderEvent::Fault { status, detail })
            .await
            .is_ok()
    }

    async fn emit(&self, event: ReaderEvent) -> Result<(), Closed> {
        self.events.send(event).await.map_err(|_| Closed)
    }
}

/// Nobody listens to the events any more: the service ends.
#[derive(Debug)]
struct Closed;

enum PollError {
    Reader(ReaderError),
    Closed,
}

impl From<ReaderError> for PollError {
    fn from(e: ReaderError) -> PollError {
        PollError::Reader(e)
    }
}

impl From<Closed> for PollError {
    fn from(_: Closed) -> PollError {
        PollError::Closed
    }
}

impl From<LinkError> for PollError {
    fn from(e: LinkError) -> PollError {
        PollError::Reader(ReaderError::Link(e))
    }
}
