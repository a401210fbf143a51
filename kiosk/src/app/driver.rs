//! The driver: the async shell around [`flows::Kiosk`] and [`flows::Maintenance`].
//!
//! One task owns the state machines. Inputs arrive on one channel (UI intents, maintenance
//! inputs, reader events, device status from the monitors, completions of effects); ticks come
//! at the machines' deadlines. Every [`Effect`] is performed here or on a task that feeds its
//! completion back tagged with the session, so a late answer never reaches the next citizen.
//! The current [`View`] is published on a `watch` channel for a UI.
//!
//! Personal data the driver holds: the masked name of the card on the reader (for a check-in
//! slip) and a passed face check's best frame (until [`Effect::DiscardFaceImages`], which
//! the flows emit right after the verification); [`Effect::WipeSession`] drops both and
//! cancels a running face check or QR scan.
//!
//! The view's picture ([`View::picture`]): the live camera preview while the face check or the
//! QR scan screen shows (small mirrored frames from [`super::camera::PreviewSink`], at most 10
//! a second, dropped the moment the screen ends or the check stops), the certificate preview
//! (the screen's [`flows::screen::Document`]) and the payment QR (the screen's `qr`), each
//! rendered once per document off the driver's loop. Pictures are [`ScreenPicture`]s, zeroed
//! when the last holder drops them.

use super::camera::{Camera, FaceResult, PreviewSink};
use super::central::{self as central_calls, FaceEvidence};
use super::journal::{JournalMsg, event_of, flow_of};
use super::printers::{Printed, Printers, test_ticket};
use crate::central::{CentralClient, CentralDeliverer};
use crate::store::Store;
use crate::store::journal::{JournalEvent, JournalFlow, PrintOutcome};
use flows::{
    Completion, Device, DeviceEvent, Effect, FaceOutcome, Input, Kiosk, Maintenance,
    MaintenanceEffect, MaintenanceInput, MaintenanceView, Now, Page, PinPolicy, PrintFault, Screen,
    ScreenId, SessionId,
};
use idcard::driver::{DeviceStatus, ReaderEvent, ReaderService};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;

/// What the driver drives.
pub struct Parts {
    /// The central client.
    pub central: Arc<CentralClient>,
    /// The store (journal, outbox, guide cache).
    pub store: Arc<Store>,
    /// The printers.
    pub printers: Arc<Printers>,
    /// The camera.
    pub camera: Arc<Mutex<Box<dyn Camera>>>,
    /// The ID-card reader service, if the kiosk has one running.
    pub reader: Option<ReaderService>,
}

/// Settings of the driver.
#[derive(Debug, Clone)]
pub struct DriverConfig {
    /// The kiosk's id (journal).
    pub kiosk_id: String,
    /// The flows' configuration.
    pub flows: flows::Config,
    /// The operator PIN; maintenance cannot be opened without one.
    pub pin: Option<crate::config::PinHash>,
    /// Maintenance policy.
    pub pin_policy: PinPolicy,
    /// How often the printers, the camera and central are checked.
    pub monitor_interval: Duration,
    /// The hall's UTC offset (ages and check-in windows are in local time).
    pub offset: UtcOffset,
}

impl DriverConfig {
    /// Defaults for a kiosk id: documented time-outs, checks every 10 s, UTC+8.
    pub fn new(kiosk_id: impl Into<String>) -> DriverConfig {
        DriverConfig {
            kiosk_id: kiosk_id.into(),
            flows: flows::Config::default(),
            pin: None,
            pin_policy: PinPolicy::default(),
            monitor_interval: Duration::from_secs(10),
            offset: UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC),
        }
    }
}

/// What maintenance pages show, fetched on refresh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaintenanceInfo {
    /// Each device and whether it is up.
    pub devices: Vec<(Device, bool)>,
    /// Records waiting in the outbox.
    pub outbox_depth: u64,
    /// Records central refused for good.
    pub dead_letters: u64,
    /// The last journal entries, one line each (`seq time flow event`).
    pub journal_tail: Vec<String>,
    /// Central: base URL reachable, and the clock offset in ms.
    pub central: String,
    /// The software version.
    pub version: String,
}

/// A picture on the touchscreen (a camera preview frame, the certificate preview, the payment
/// QR), shared by the driver, the view channel and the UI: its pixels are zeroed when the last
/// holder drops it. `Debug` shows the size only.
///
/// What the UI makes of it is outside this: the copy put into the screen's view model and
/// Slint's own image buffer are not wiped by us.
pub struct ScreenPicture(kiosk_ui::Picture);

impl ScreenPicture {
    /// Wraps a picture (moved in, not copied).
    pub fn new(picture: kiosk_ui::Picture) -> ScreenPicture {
        ScreenPicture(picture)
    }

    /// The picture.
    pub fn picture(&self) -> &kiosk_ui::Picture {
        &self.0
    }
}

impl std::ops::Deref for ScreenPicture {
    type Target = kiosk_ui::Picture;

    fn deref(&self) -> &kiosk_ui::Picture {
        &self.0
    }
}

impl std::fmt::Debug for ScreenPicture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the pixels: a camera frame is a face image.
        write!(f, "ScreenPicture({}x{})", self.0.width, self.0.height)
    }
}

impl Drop for ScreenPicture {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0.rgba);
    }
}

/// What a UI shows. Views compare their pictures by identity (the same shared picture), not
/// pixel by pixel: the driver makes a new picture whenever the pixels change.
#[derive(Debug, Clone)]
pub struct View {
    /// The citizen screen.
    pub screen: Screen,
    /// The maintenance side (`Closed` when only the citizen screen shows).
    pub maintenance: MaintenanceView,
    /// What maintenance pages show.
    pub info: MaintenanceInfo,
    /// Devices are still being checked for the first time.
    pub starting: bool,
    /// The screen's picture: the live camera preview (face check, QR scan), the certificate
    /// preview or the payment QR; `None` when the screen shows none (or it is not made yet).
    pub picture: Option<Arc<ScreenPicture>>,
}

impl PartialEq for View {
    fn eq(&self, other: &View) -> bool {
        let View {
            screen,
            maintenance,
            info,
            starting,
            picture,
        } = self;
        let same_picture = match (picture, &other.picture) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_picture
            && *starting == other.starting
            && *screen == other.screen
            && *maintenance == other.maintenance
            && *info == other.info
    }
}

/// What a screen's picture is made from (the key under which it is rendered once).
#[derive(Debug, Clone, PartialEq, Eq)]
enum PictureSource {
    /// A document preview.
    Document(flows::screen::Document),
    /// A QR code (the payment order's).
    Qr(String),
}

impl PictureSource {
    /// What `screen` shows a picture of, apart from the camera.
    fn of(screen: &Screen) -> Option<PictureSource> {
        match (&screen.document, &screen.qr) {
            (Some(doc), _) => Some(PictureSource::Document(doc.clone())),
            (None, Some(qr)) => Some(PictureSource::Qr(qr.clone())),
            (None, None) => None,
        }
    }

    fn what(&self) -> &'static str {
        match self {
            PictureSource::Document(_) => "certificate preview",
            PictureSource::Qr(_) => "QR code",
        }
    }

    /// Renders the picture with the ticket fonts (the preview is the certificate's first page
    /// as a ticket-width raster; the requester's ID number is masked).
    fn render(&self, fonts: Option<&tickets::Fonts>) -> Result<kiosk_ui::Picture, String> {
        let fonts = fonts.ok_or_else(|| "ticket fonts not loaded".to_owned())?;
        match self {
            PictureSource::Document(flows::screen::Document::Certificate(cert)) => {
                crate::screens::certificate_picture(cert, fonts)
            }
            PictureSource::Qr(payload) => crate::screens::qr_picture(payload, fonts),
        }
        .map_err(|e| e.to_string())
    }
}

/// The document or QR picture of the screen.
#[derive(Debug)]
struct Shown {
    /// What it is made from.
    source: PictureSource,
    /// The rendering's id.
    render: u64,
    /// The picture, once rendered.
    picture: Option<Arc<ScreenPicture>>,
}

/// The live camera preview of one face check or QR scan.
#[derive(Debug)]
struct Live {
    /// The run it belongs to (frames of an older run are dropped).
    run: u64,
    /// The latest frame, while the camera screen shows.
    frame: Option<Arc<ScreenPicture>>,
}

/// A command to the driver.
#[derive(Debug)]
pub enum Command {
    /// A citizen intent, a device event or a completion.
    Input(Input),
    /// An operator input.
    Maintenance(MaintenanceInput),
    /// Answer once every effect so far has been started and the journal written.
    Flush(oneshot::Sender<()>),
    /// Stop.
    Shutdown,
    /// A device's status as a monitor saw it.
    Status(Device, bool),
    /// A face check ended.
    FaceDone {
        /// The session that started it.
        session: SessionId,
        /// Its preview run.
        run: u64,
        /// The result (`None`: the camera failed).
        result: Option<FaceResult>,
    },
    /// The PIN was checked off the loop.
    PinChecked {
        /// The PIN as typed.
        pin: String,
        /// Whether it matched.
        ok: bool,
    },
    /// Maintenance info fetched.
    Info(MaintenanceInfo),
    /// Report what personal data the driver holds now.
    Inspect(oneshot::Sender<Held>),
    /// A live camera preview frame of a face check or QR scan.
    Preview {
        /// The run it belongs to.
        run: u64,
        /// The frame (downscaled, mirrored).
        picture: Arc<ScreenPicture>,
    },
    /// A screen's picture (certificate preview, payment QR) was rendered.
    Rendered {
        /// The rendering it answers (dropped if the screen moved on meanwhile).
        render: u64,
        /// The picture.
        picture: Arc<ScreenPicture>,
    },
}

/// What personal data the driver holds (for tests of the wipe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// Best frames of passed face checks.
    pub face_frames: usize,
    /// Whether it holds the masked name of a card.
    pub card_name: bool,
    /// The session the flows are in.
    pub session: Option<SessionId>,
}

/// Time spent outside the kiosk's software, per kind (for the session benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeviceTime {
    /// Central round trips (loopback wire and the server's own time).
    pub central: Duration,
    /// Print jobs from the first byte to the printer's confirmation (or the PDF write).
    pub print: Duration,
    /// Face checks (camera frames at the camera's pace).
    pub face: Duration,
    /// Central calls made.
    pub central_calls: u64,
    /// Print jobs completed.
    pub prints: u64,
}

/// A running driver.
#[derive(Debug)]
pub struct DriverHandle {
    tx: mpsc::Sender<Command>,
    view: watch::Receiver<View>,
    device_time: Arc<Mutex<DeviceTime>>,
    task: JoinHandle<()>,
}

impl DriverHandle {
    /// Sends an input.
    pub async fn input(&self, input: Input) {
        let _ = self.tx.send(Command::Input(input)).await;
    }

    /// Sends a citizen intent.
    pub async fn intent(&self, intent: flows::Intent) {
        self.input(Input::Citizen(intent)).await;
    }

    /// Sends an operator input.
    pub async fn maintenance(&self, input: MaintenanceInput) {
        let _ = self.tx.send(Command::Maintenance(input)).await;
    }

    /// A sender for UIs and tools.
    pub fn sender(&self) -> mpsc::Sender<Command> {
        self.tx.clone()
    }

    /// The view channel.
    pub fn view(&self) -> watch::Receiver<View> {
        self.view.clone()
    }

    /// Waits until every effect so far has been started and the journal written.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Command::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// What personal data the driver holds now.
    pub async fn held(&self) -> Option<Held> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Command::Inspect(tx)).await.ok()?;
        rx.await.ok()
    }

    /// Time spent in devices and central so far.
    pub fn device_time(&self) -> DeviceTime {
        *self
            .device_time
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the view satisfies `pred` or `patience` passes; returns the last view.
    pub async fn wait_for(&self, patience: Duration, pred: impl Fn(&View) -> bool) -> View {
        let mut rx = self.view.clone();
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            {
                let v = rx.borrow_and_update();
                if pred(&v) {
                    return v.clone();
                }
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => return rx.borrow().clone(),
            }
        }
    }

    /// Stops the driver and waits for it.
    pub async fn shutdown(self) {
        let _ = self.tx.send(Command::Shutdown).await;
        let _ = self.task.await;
    }
}

struct Driver {
    config: DriverConfig,
    kiosk: Kiosk,
    maintenance: Maintenance,
    parts: Parts,
    journal: std::sync::mpsc::Sender<JournalMsg>,
    tx: mpsc::Sender<Command>,
    view: watch::Sender<View>,
    info: MaintenanceInfo,
    epoch: Instant,
    /// The current session's journal id.
    session: Option<(SessionId, Uuid)>,
    /// The kiosk's own journal session (device faults outside sessions, operator actions).
    system: Uuid,
    /// Best frames of passed checks, by handle.
    faces: HashMap<u64, FaceEvidence>,
    next_face: u64,
    /// Cancels the face check and the QR scan of the current session.
    cancel: Arc<AtomicBool>,
    qr_cancel: Arc<AtomicBool>,
    masked_name: Option<String>,
    known: HashMap<Device, bool>,
    has_reader: bool,
    /// PINs typed and waiting to be checked, and whether one is being checked.
    pins: std::collections::VecDeque<String>,
    pin_busy: bool,
    device_time: Arc<Mutex<DeviceTime>>,
    /// The live preview of the running face check or QR scan.
    live: Option<Live>,
    /// The id of the next preview run.
    next_run: u64,
    /// The screen's document or QR picture.
    shown: Option<Shown>,
    /// The id of the next rendering.
    next_render: u64,
}

/// Starts the driver on the current runtime with its device monitors.
///
/// # Errors
/// The journal writer thread cannot be started.
pub fn spawn(config: DriverConfig, parts: Parts) -> std::io::Result<DriverHandle> {
    let journal = super::journal::spawn_writer(Arc::clone(&parts.store), config.kiosk_id.clone())?;
    let (tx, rx) = mpsc::channel(256);
    let has_reader = parts.reader.is_some();
    let epoch = Instant::now();
    let kiosk = Kiosk::new(config.flows.clone());
    let now = Now::new(0, OffsetDateTime::now_utc().to_offset(config.offset));
    let (view_tx, view_rx) = watch::channel(View {
        screen: kiosk.screen(now),
        maintenance: MaintenanceView::Closed,
        info: MaintenanceInfo::default(),
        starting: true,
        picture: None,
    });
    let device_time = Arc::new(Mutex::new(DeviceTime::default()));
    spawn_monitors(&config, &parts, tx.clone());
    let driver = Driver {
        maintenance: Maintenance::new(config.pin_policy),
        config,
        kiosk,
        parts,
        journal,
        tx: tx.clone(),
        view: view_tx,
        info: MaintenanceInfo::default(),
        epoch,
        session: None,
        system: Uuid::new_v4(),
        faces: HashMap::new(),
        next_face: 1,
        cancel: Arc::new(AtomicBool::new(false)),
        qr_cancel: Arc::new(AtomicBool::new(false)),
        masked_name: None,
        known: HashMap::new(),
        has_reader,
        pins: std::collections::VecDeque::new(),
        pin_busy: false,
        device_time: Arc::clone(&device_time),
        live: None,
        next_run: 1,
        shown: None,
        next_render: 1,
    };
    let task = tokio::spawn(driver.run(rx));
    Ok(DriverHandle {
        tx,
        view: view_rx,
        device_time,
        task,
    })
}

/// Checks the ticket printer, the A4 target, the camera and central every interval; reports
/// each status to the driver (which passes on changes only).
fn spawn_monitors(config: &DriverConfig, parts: &Parts, tx: mpsc::Sender<Command>) {
    let interval = config.monitor_interval;
    let printers = Arc::clone(&parts.printers);
    let central = Arc::clone(&parts.central);
    let camera = Arc::clone(&parts.camera);
    tokio::spawn(async move {
        let cam = Arc::clone(&camera);
        let camera_up = tokio::task::spawn_blocking(move || {
            let Ok(mut c) = cam.try_lock() else {
                return true;
            };
            match c.probe() {
                Ok(what) => {
                    tracing::info!(camera = %what, "camera ready");
                    true
                }
                Err(e) => {
                    tracing::warn!(error = %e, "camera not usable");
                    false
                }
            }
        })
        .await
        .unwrap_or(false);
        if tx
            .send(Command::Status(Device::Camera, camera_up))
            .await
            .is_err()
        {
            return;
        }
        loop {
            if let Some(up) = printers.ticket_up().await
                && tx
                    .send(Command::Status(Device::TicketPrinter, up))
                    .await
                    .is_err()
            {
                return;
            }
            let a4 = printers.a4_up().await;
            if tx
                .send(Command::Status(Device::A4Printer, a4))
                .await
                .is_err()
            {
                return;
            }
            let up = central.server_time().await.is_ok();
            if tx.send(Command::Status(Device::Central, up)).await.is_err() {
                return;
            }
            tokio::time::sleep(interval).await;
        }
    });
}

fn reader_event(event: ReaderEvent) -> Option<Input> {
    Some(Input::Device(match event {
        ReaderEvent::CardPresented(card) => DeviceEvent::CardRead(Box::new(card.text)),
        ReaderEvent::CardRemoved | ReaderEvent::CardLifted => DeviceEvent::CardLifted,
        ReaderEvent::CardRejected(_) | ReaderEvent::CardUnreadable(_) => DeviceEvent::CardRejected,
        ReaderEvent::Fault { .. } => DeviceEvent::Status {
            device: Device::Reader,
            up: false,
        },
        ReaderEvent::Recovered => DeviceEvent::Status {
            device: Device::Reader,
            up: true,
        },
        _ => return None,
    }))
}

async fn next_reader_event(reader: &mut Option<ReaderService>) -> Option<ReaderEvent> {
    match reader {
        Some(r) => r.next_event().await,
        None => std::future::pending().await,
    }
}

impl Driver {
    fn now(&self) -> Now {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let offset = time::Duration::milliseconds(self.parts.central.clock_offset_ms());
        let wall = OffsetDateTime::now_utc()
            .checked_add(offset)
            .unwrap_or_else(OffsetDateTime::now_utc)
            .to_offset(self.config.offset);
        Now::new(ms, wall)
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        let mut reader = self.parts.reader.take();
        let mut reader_status = reader.as_ref().map(ReaderService::watch_status);
        if let Some(status) = &reader_status {
            let up = status.borrow().status == DeviceStatus::Online;
            self.status(Device::Reader, up);
        }
        self.publish();
        loop {
            let deadline = [self.kiosk.next_deadline(), self.maintenance.next_deadline()]
                .into_iter()
                .flatten()
                .min()
                .map(|ms| tokio::time::Instant::from_std(self.epoch + Duration::from_millis(ms)));
            let sleep = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let status_changed = async {
                match &mut reader_status {
                    Some(s) => s.changed().await.map(|()| s.borrow_and_update().status),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                command = rx.recv() => match command {
                    None | Some(Command::Shutdown) => break,
                    Some(command) => self.command(command),
                },
                () = sleep => self.tick(),
                event = next_reader_event(&mut reader) => match event {
                    Some(event) => {
                        if let Some(input) = reader_event(event) {
                            self.input(input);
                        }
                    }
                    None => reader = None,
                },
                status = status_changed => match status {
                    Ok(status) => self.status(Device::Reader, status == DeviceStatus::Online),
                    Err(_) => reader_status = None,
                },
            }
            self.publish();
        }
        self.wipe();
        if let Some(r) = reader {
            r.stop();
        }
        // Everything journalled so far is on disk before the driver reports it has stopped
        // (the process may exit right after).
        let (done, written) = oneshot::channel();
        if self.journal.send(JournalMsg::Flush(done)).is_ok() {
            let _ = written.await;
        }
    }

    fn publish(&mut self) {
        let now = self.now();
        let screen = self.kiosk.screen(now);
        let picture = self.picture_for(&screen);
        let view = View {
            screen,
            maintenance: self.maintenance.view(now.ms),
            info: self.info.clone(),
            starting: Device::ALL
                .iter()
                .any(|d| *d != Device::Reader && !self.known.contains_key(d))
                || (self.has_reader && !self.known.contains_key(&Device::Reader)),
            picture,
        };
        self.view.send_if_modified(|old| {
            if *old == view {
                false
            } else {
                *old = view;
                true
            }
        });
    }

    /// The picture `screen` shows: the latest camera frame on the camera screens (dropped
    /// as soon as another screen shows), else the document or QR picture, rendered once per
    /// document off the loop (`None` until it is ready).
    fn picture_for(&mut self, screen: &Screen) -> Option<Arc<ScreenPicture>> {
        if matches!(screen.id, ScreenId::FaceCheck | ScreenId::ScanQr) {
            self.shown = None;
            return self.live.as_ref().and_then(|l| l.frame.clone());
        }
        if let Some(live) = &mut self.live {
            live.frame = None;
        }
        let Some(source) = PictureSource::of(screen) else {
            self.shown = None;
            return None;
        };
        if let Some(shown) = &self.shown
            && shown.source == source
        {
            return shown.picture.clone();
        }
        let render = self.next_render;
        self.next_render = self.next_render.wrapping_add(1);
        self.render(source.clone(), render);
        self.shown = Some(Shown {
            source,
            render,
            picture: None,
        });
        None
    }

    /// Renders a screen's picture on a blocking thread; the result comes back as
    /// [`Command::Rendered`].
    fn render(&self, source: PictureSource, render: u64) {
        let printers = Arc::clone(&self.parts.printers);
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let what = source.what();
            let made = tokio::task::spawn_blocking(move || {
                source.render(printers.setup.ticket_fonts.as_ref())
            })
            .await;
            match made {
                Ok(Ok(picture)) => {
                    let picture = Arc::new(ScreenPicture::new(picture));
                    let _ = tx.send(Command::Rendered { render, picture }).await;
                }
                Ok(Err(e)) => tracing::warn!(picture = what, error = %e, "screen picture not made"),
                Err(e) => tracing::error!(picture = what, error = %e, "screen picture task failed"),
            }
        });
    }

    /// Starts a preview run (a face check or QR scan); frames of earlier runs are dropped.
    fn start_live(&mut self) -> u64 {
        let run = self.next_run;
        self.next_run = self.next_run.wrapping_add(1);
        self.live = Some(Live { run, frame: None });
        run
    }

    /// A sender of preview frames of `run` from the camera thread: never blocks (a frame the
    /// channel has no room for is dropped, and zeroed).
    fn preview_sender(&self, run: u64) -> impl FnMut(Arc<ScreenPicture>) + Send + 'static {
        let tx = self.tx.clone();
        move |picture| {
            let _ = tx.try_send(Command::Preview { run, picture });
        }
    }

    fn tick(&mut self) {
        let now = self.now();
        let fx = self
            .maintenance
            .handle(MaintenanceInput::Tick, now.ms, &|_| false);
        self.maintenance_effects(fx);
        self.input(Input::Tick);
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Input(input) => self.input(input),
            Command::Maintenance(MaintenanceInput::Pin(pin)) => {
                // Checked one at a time, in the order typed (the hash is slow on purpose).
                self.pins.push_back(pin);
                self.next_pin();
            }
            Command::Maintenance(input) => {
                if input == MaintenanceInput::CornerTap && self.kiosk.session().is_some() {
                    // Maintenance opens only between citizens.
                    return;
                }
                let now = self.now();
                let fx = self.maintenance.handle(input, now.ms, &|_| false);
                self.maintenance_effects(fx);
            }
            Command::PinChecked { pin, ok } => {
                self.pin_busy = false;
                let now = self.now();
                let fx = self
                    .maintenance
                    .handle(MaintenanceInput::Pin(pin), now.ms, &|_| ok);
                self.maintenance_effects(fx);
                self.next_pin();
            }
            Command::Info(info) => self.info = info,
            Command::Inspect(answer) => {
                let _ = answer.send(Held {
                    face_frames: self.faces.len(),
                    card_name: self.masked_name.is_some(),
                    session: self.kiosk.session(),
                });
            }
            Command::Flush(done) => {
                let _ = self.journal.send(JournalMsg::Flush(done));
            }
            Command::Status(device, up) => self.status(device, up),
            Command::FaceDone {
                session,
                run,
                result,
            } => {
                if self.live.as_ref().is_some_and(|l| l.run == run) {
                    self.live = None;
                }
                self.face_done(session, result);
            }
            Command::Preview { run, picture } => {
                // Kept only for the running check; `publish` drops it unless its screen shows.
                if let Some(live) = &mut self.live
                    && live.run == run
                {
                    live.frame = Some(picture);
                }
            }
            Command::Rendered { render, picture } => {
                if let Some(shown) = &mut self.shown
                    && shown.render == render
                {
                    shown.picture = Some(picture);
                }
            }
            Command::Shutdown => {}
        }
    }

    fn next_pin(&mut self) {
        if self.pin_busy {
            return;
        }
        let Some(pin) = self.pins.pop_front() else {
            return;
        };
        self.pin_busy = true;
        let hash = self.config.pin.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let typed = pin.clone();
            let ok = tokio::task::spawn_blocking(move || hash.is_some_and(|h| h.verify(&typed)))
                .await
                .unwrap_or(false);
            let _ = tx.send(Command::PinChecked { pin, ok }).await;
        });
    }

    /// A device's status; passed to the flows when it changed.
    fn status(&mut self, device: Device, up: bool) {
        if self.known.get(&device) == Some(&up) {
            return;
        }
        let first = !self.known.contains_key(&device);
        self.known.insert(device, up);
        if first && up {
            // The flows assume every device up at start.
            return;
        }
        tracing::info!(device = device.as_str(), up, "device status");
        if self.kiosk.session().is_none() && !up {
            self.journal_system(JournalEvent::DeviceFault {
                device: device.as_str().to_owned(),
                fault: "down".to_owned(),
            });
        }
        self.input(Input::Device(DeviceEvent::Status { device, up }));
    }

    fn input(&mut self, input: Input) {
        if let Input::Device(DeviceEvent::CardRead(card)) = &input {
            self.masked_name = Some(tickets::mask_name(card.name().expose()));
        }
        let now = self.now();
        let effects = self.kiosk.handle(input, now);
        let session = self.kiosk.session();
        for effect in effects {
            self.effect(effect, session, now);
        }
    }

    fn session_uuid(&mut self, id: SessionId) -> Uuid {
        match self.session {
            Some((sid, uuid)) if sid == id => uuid,
            _ => {
                let uuid = Uuid::new_v4();
                self.session = Some((id, uuid));
                uuid
            }
        }
    }

    fn journal_system(&self, event: JournalEvent) {
        let _ = self.journal.send(JournalMsg::Append {
            at: OffsetDateTime::now_utc(),
            session: self.system,
            flow: JournalFlow::System,
            event,
        });
    }

    fn effect(&mut self, effect: Effect, session: Option<SessionId>, now: Now) {
        match effect {
            Effect::Journal(entry) => {
                let uuid = self.session_uuid(entry.session);
                let _ = self.journal.send(JournalMsg::Append {
                    at: now.wall,
                    session: uuid,
                    flow: flow_of(entry.flow),
                    event: event_of(&entry),
                });
            }
            Effect::WipeSession => self.wipe(),
            Effect::DiscardFaceImages => self.faces.clear(),
            Effect::Central(call) => {
                let Some(session) = session else { return };
                let face = match &call {
                    flows::CentralCall::VerifyIdentity { best_frame, .. } => {
                        self.faces.get(best_frame).cloned()
                    }
                    _ => None,
                };
                let journal_ids = self
                    .kiosk
                    .flow()
                    .map(|f| (self.session_uuid(session), flow_of(f)));
                let client = Arc::clone(&self.parts.central);
                let store = Arc::clone(&self.parts.store);
                let tx = self.tx.clone();
                let journal = self.journal.clone();
                let times = Arc::clone(&self.device_time);
                let now_ms = now.wall.unix_timestamp().saturating_mul(1000);
                tokio::spawn(async move {
                    let started = Instant::now();
                    let reply = central_calls::perform(&client, &store, call, face, now_ms).await;
                    {
                        let mut t = times.lock().unwrap_or_else(PoisonError::into_inner);
                        t.central += started.elapsed();
                        t.central_calls += 1;
                    }
                    if let (flows::Reply::Certificate(Ok(cert)), Some((uuid, flow))) =
                        (&reply, journal_ids)
                    {
                        let _ = journal.send(JournalMsg::Append {
                            at: OffsetDateTime::now_utc(),
                            session: uuid,
                            flow,
                            event: JournalEvent::QueryNumber {
                                query_number: cert.query_number.clone(),
                            },
                        });
                    }
                    let down = central_calls::is_unreachable(&reply);
                    let _ = tx
                        .send(Command::Input(Input::Done {
                            session,
                            completion: Completion::Central(reply),
                        }))
                        .await;
                    if down {
                        let _ = tx.send(Command::Status(Device::Central, false)).await;
                    }
                });
            }
            Effect::StartFaceCheck => {
                let Some(session) = session else { return };
                let camera = Arc::clone(&self.parts.camera);
                let cancel = Arc::clone(&self.cancel);
                let tx = self.tx.clone();
                let times = Arc::clone(&self.device_time);
                let run = self.start_live();
                let mut send = self.preview_sender(run);
                tokio::spawn(async move {
                    let started = Instant::now();
                    let result = tokio::task::spawn_blocking(move || {
                        let mut camera = camera.lock().unwrap_or_else(PoisonError::into_inner);
                        camera.face_check_previewed(&cancel, &mut PreviewSink::new(&mut send))
                    })
                    .await;
                    times.lock().unwrap_or_else(PoisonError::into_inner).face += started.elapsed();
                    let result = match result {
                        Ok(Ok(r)) => Some(r),
                        Ok(Err(e)) => {
                            tracing::warn!(error = %e, "face check: camera failed");
                            None
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "face check task failed");
                            None
                        }
                    };
                    let _ = tx
                        .send(Command::FaceDone {
                            session,
                            run,
                            result,
                        })
                        .await;
                });
            }
            Effect::StartQrScan => {
                let Some(session) = session else { return };
                self.qr_cancel.store(true, Ordering::Relaxed);
                self.qr_cancel = Arc::new(AtomicBool::new(false));
                let cancel = Arc::clone(&self.qr_cancel);
                let camera = Arc::clone(&self.parts.camera);
                let tx = self.tx.clone();
                let run = self.start_live();
                let mut send = self.preview_sender(run);
                tokio::spawn(async move {
                    let sender = tx.clone();
                    let scanned = tokio::task::spawn_blocking(move || {
                        let mut camera = camera.lock().unwrap_or_else(PoisonError::into_inner);
                        let mut found = |text| {
                            let _ = sender.blocking_send(Command::Input(Input::Done {
                                session,
                                completion: Completion::Qr(text),
                            }));
                        };
                        camera.scan_qr_previewed(
                            &cancel,
                            &mut found,
                            &mut PreviewSink::new(&mut send),
                        )
                    })
                    .await;
                    match scanned {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => {
                            tracing::warn!(error = %e, "QR scan: camera failed");
                            let _ = tx.send(Command::Status(Device::Camera, false)).await;
                        }
                        Err(e) => tracing::error!(error = %e, "QR scan task failed"),
                    }
                });
            }
            Effect::StopQrScan => {
                self.qr_cancel.store(true, Ordering::Relaxed);
                self.live = None;
            }
            Effect::Print(job) => {
                let Some(session) = session else { return };
                let device = job.device();
                let journal_ids = self
                    .kiosk
                    .flow()
                    .map(|f| (self.session_uuid(session), flow_of(f)));
                let printers = Arc::clone(&self.parts.printers);
                let name = self.masked_name.clone().unwrap_or_default();
                let tx = self.tx.clone();
                let journal = self.journal.clone();
                let times = Arc::clone(&self.device_time);
                tokio::spawn(async move {
                    let result = printers.print(job, name, now.wall).await;
                    let (outcome, completion, job_id) = match &result {
                        Ok(Printed { job, device_time }) => {
                            let mut t = times.lock().unwrap_or_else(PoisonError::into_inner);
                            t.print += *device_time;
                            t.prints += 1;
                            (PrintOutcome::Printed, Completion::Printed, job.clone())
                        }
                        Err(failed) => {
                            tracing::warn!(printer = device.as_str(), detail = %failed.detail, "print failed");
                            (
                                PrintOutcome::Failed {
                                    reason: super::journal::clip(failed.fault.as_str()),
                                },
                                Completion::PrintFailed(failed.fault),
                                "-".to_owned(),
                            )
                        }
                    };
                    if let Some((uuid, flow)) = journal_ids {
                        let _ = journal.send(JournalMsg::Append {
                            at: OffsetDateTime::now_utc(),
                            session: uuid,
                            flow,
                            event: JournalEvent::PrintResult {
                                printer: device.as_str().to_owned(),
                                job: job_id,
                                outcome,
                            },
                        });
                    }
                    let _ = tx
                        .send(Command::Input(Input::Done {
                            session,
                            completion,
                        }))
                        .await;
                    if let Err(failed) = result
                        && matches!(
                            failed.fault,
                            PrintFault::PaperOut | PrintFault::CoverOpen | PrintFault::Offline
                        )
                    {
                        let _ = tx.send(Command::Status(device, false)).await;
                    }
                });
            }
            // Effects added to the flows later are logged, not lost silently.
            #[allow(unreachable_patterns, reason = "Effect may grow")]
            other => tracing::warn!(effect = ?std::mem::discriminant(&other), "unhandled effect"),
        }
    }

    fn face_done(&mut self, session: SessionId, result: Option<FaceResult>) {
        if self.kiosk.session() != Some(session) {
            // The session ended meanwhile: the frame is dropped (zeroed) here.
            return;
        }
        let outcome = match result {
            Some(FaceResult::Passed(evidence)) => {
                let handle = self.next_face;
                self.next_face = self.next_face.wrapping_add(1);
                self.faces.insert(handle, evidence);
                FaceOutcome::Passed { best_frame: handle }
            }
            Some(FaceResult::Failed(reason)) => FaceOutcome::Failed(reason),
            None => {
                self.status(Device::Camera, false);
                return;
            }
        };
        self.input(Input::Done {
            session,
            completion: Completion::Face(outcome),
        });
    }

    /// Drops everything personal the driver holds and stops the camera work of the session.
    fn wipe(&mut self) {
        self.faces.clear();
        self.live = None;
        self.shown = None;
        self.masked_name = None;
        self.cancel.store(true, Ordering::Relaxed);
        self.cancel = Arc::new(AtomicBool::new(false));
        self.qr_cancel.store(true, Ordering::Relaxed);
        self.session = None;
        // The certificates of the PDF tray were taken with the session.
        self.parts.printers.session_ended();
        // What the session's face check, queries and printouts used goes back to the system.
        if let Err(e) = self.parts.store.release_memory() {
            tracing::debug!(error = %e, "the store kept its page cache");
        }
        super::memory::trim();
    }

    fn maintenance_effects(&mut self, effects: Vec<MaintenanceEffect>) {
        for effect in effects {
            match effect {
                MaintenanceEffect::LockCitizens(on) => self.kiosk.set_locked(on),
                MaintenanceEffect::Journal(action) => {
                    let _ = self.journal.send(JournalMsg::Append {
                        at: OffsetDateTime::now_utc(),
                        session: self.system,
                        flow: JournalFlow::Maintenance,
                        event: JournalEvent::Operator { action },
                    });
                }
                MaintenanceEffect::Refresh(page) => self.refresh(page),
                MaintenanceEffect::TestPrint(device) => self.test_print(device),
                MaintenanceEffect::PaperReplaced(device) => {
                    let printers = Arc::clone(&self.parts.printers);
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let up = match device {
                            Device::A4Printer => Some(printers.a4_up().await),
                            _ => printers.ticket_up().await,
                        };
                        if let Some(up) = up {
                            let _ = tx.send(Command::Status(device, up)).await;
                        }
                    });
                }
                MaintenanceEffect::ReplayOutbox => {
                    let client = Arc::clone(&self.parts.central);
                    let store = Arc::clone(&self.parts.store);
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let mut deliverer = CentralDeliverer::new(&client);
                        let now_ms = OffsetDateTime::now_utc().unix_timestamp() * 1000;
                        let (ok, detail) = match crate::store::replay(
                            &store,
                            &mut deliverer,
                            now_ms,
                            10_000,
                        )
                        .await
                        {
                            Ok(r) => (
                                r.stopped_by.is_none(),
                                format!(
                                    "replayed: {} delivered, {} rejected, {} remaining",
                                    r.delivered, r.rejected, r.remaining
                                ),
                            ),
                            Err(e) => (false, format!("replay failed: {e}")),
                        };
                        let _ = tx
                            .send(Command::Maintenance(MaintenanceInput::Result {
                                ok,
                                detail,
                            }))
                            .await;
                    });
                }
            }
        }
    }

    fn test_print(&self, device: Device) {
        let printers = Arc::clone(&self.parts.printers);
        let tx = self.tx.clone();
        let wall = self.now().wall;
        tokio::spawn(async move {
            let result = match device {
                Device::A4Printer => {
                    let doc = documents::certificate::CertificateDoc::sample_no_record();
                    let p = Arc::clone(&printers);
                    let pdf = tokio::task::spawn_blocking(move || {
                        p.setup
                            .pdf_fonts
                            .as_ref()
                            .ok_or_else(|| "certificate fonts not loaded".to_owned())
                            .and_then(|f| {
                                documents::certificate::render_pdf(&doc, f)
                                    .map_err(|e| e.to_string())
                            })
                    })
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r);
                    match pdf {
                        Ok(pdf) => printers.print_pdf(pdf, "TEST").await.map_err(|f| f.detail),
                        Err(e) => Err(e),
                    }
                }
                _ => {
                    let hall = printers.setup.hall.clone();
                    printers
                        .print_ticket(test_ticket(&hall, wall))
                        .await
                        .map_err(|f| f.detail)
                }
            };
            let (ok, detail) = match result {
                Ok(p) => (
                    true,
                    format!("{} test print done ({})", device.as_str(), p.job),
                ),
                Err(e) => (false, format!("{} test print failed: {e}", device.as_str())),
            };
            let _ = tx
                .send(Command::Maintenance(MaintenanceInput::Result {
                    ok,
                    detail,
                }))
                .await;
        });
    }

    fn refresh(&self, _page: Page) {
        let store = Arc::clone(&self.parts.store);
        let client = Arc::clone(&self.parts.central);
        let devices: Vec<(Device, bool)> = Device::ALL
            .iter()
            .map(|d| (*d, self.kiosk.devices().is_up(*d)))
            .collect();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let central = match client.server_time().await {
                Ok(_) => format!(
                    "central reachable; clock offset {} ms",
                    client.clock_offset_ms()
                ),
                Err(e) => format!("central not reachable: {e}"),
            };
            let info = tokio::task::spawn_blocking(move || {
                let tail = store
                    .journal()
                    .tail(10)
                    .map(|entries| {
                        entries
                            .iter()
                            .map(|e| {
                                format!(
                                    "{} {} {} {}",
                                    e.seq,
                                    e.time,
                                    e.flow.as_str(),
                                    e.event.type_name()
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                MaintenanceInfo {
                    devices,
                    outbox_depth: store.depth().unwrap_or(0),
                    dead_letters: store.dead_letter_count().unwrap_or(0),
                    journal_tail: tail,
                    central,
                    version: env!("CARGO_PKG_VERSION").to_owned(),
                }
            })
            .await
            .unwrap_or_default();
            let _ = tx.send(Command::Info(info)).await;
        });
    }
}
