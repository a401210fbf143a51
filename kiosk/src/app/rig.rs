//! The embedded demo: the simulators started in this process, and the driver's parts wired to
//! them over the same bytes real devices use (the reader and the ticket printer on
//! pseudo-terminals, central on loopback HTTP, certificates as PDF files, the camera playing
//! the simulator's cooperative citizen from a face photo, or a stand-in without pixels when no
//! photo is available).
//!
//! Also what the driver tests and the session benchmark run on.

use super::camera::{Camera, OpenCvCamera, OpenSource, StandInCamera};
use super::driver::{DriverConfig, Parts};
use super::printers::{A4Target, PrintSetup, Printers};
use crate::central::{CentralClient, ClientConfig};
use crate::printing::{Mode, PrinterProfile};
use crate::store::Store;
use anyhow::Context;
use idcard::driver::{Endpoint as ReaderEndpoint, ReaderService, ServiceConfig};
use kiosk_sim::central::{CentralSim, CentralSimConfig, DEMO_KIOSK_ID, DEMO_KIOSK_KEY};
use kiosk_sim::idcard::{IdcardSim, IdcardSimConfig};
use kiosk_sim::printer::{PrinterSim, PrinterSimConfig};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Environment variable naming a face photo (or a folder with `obama.jpg`) for the simulated
/// camera's cooperative citizen.
pub const FACE_PHOTO_ENV: &str = "KIOSK_FACE_PHOTOS";
/// Environment variable naming the YuNet model for the demo camera (cascades otherwise).
pub const YUNET_ENV: &str = "KIOSK_YUNET_MODEL";

/// How the demo's camera works.
#[derive(Debug, Clone)]
pub enum DemoCamera {
    /// The simulator's cooperative citizen from this photo, if it exists; else the stand-in.
    Photo(Option<PathBuf>),
    /// The stand-in: checks pass after this delay, no pixels.
    StandIn(StandInCamera),
}

/// How to start the demo.
#[derive(Debug, Clone)]
pub struct RigOptions {
    /// State folder: the store, certificates (`pdf/`), tickets (`tickets/`).
    pub state_dir: PathBuf,
    /// Emulate the wire speeds of the reader and the printer (real device speed).
    pub pace: bool,
    /// The reader's power-on time.
    pub reader_warmup: Duration,
    /// The camera.
    pub camera: DemoCamera,
    /// A card on the reader at start (a built-in card name or a TOML file).
    pub card: Option<String>,
    /// How tickets are sent.
    pub ticket_mode: Mode,
}

impl RigOptions {
    /// Paced devices, a 1.5 s reader warm-up, the camera from [`FACE_PHOTO_ENV`], no card.
    pub fn demo(state_dir: PathBuf) -> RigOptions {
        RigOptions {
            state_dir,
            pace: true,
            reader_warmup: Duration::from_millis(1500),
            camera: DemoCamera::Photo(std::env::var_os(FACE_PHOTO_ENV).map(PathBuf::from)),
            card: None,
            ticket_mode: Mode::Raster,
        }
    }

    /// For tests: the devices unpaced, the reader ready at once, tickets sent as text (quick to
    /// build and read back), the given camera, no card.
    pub fn unpaced(state_dir: PathBuf, camera: DemoCamera) -> RigOptions {
        RigOptions {
            pace: false,
            reader_warmup: Duration::ZERO,
            camera,
            ticket_mode: Mode::Text,
            ..RigOptions::demo(state_dir)
        }
    }
}

/// The running simulators.
#[derive(Debug)]
pub struct DemoRig {
    /// The ID-card reader simulator.
    pub idcard: IdcardSim,
    /// The central simulator.
    pub central: CentralSim,
    /// The ticket printer simulator.
    pub printer: PrinterSim,
    /// The options it was started with.
    pub options: RigOptions,
}

impl DemoRig {
    /// Where printed tickets (PNG + JSON) go.
    pub fn tickets_dir(&self) -> PathBuf {
        self.options.state_dir.join("tickets")
    }

    /// Where certificates (PDF) go.
    pub fn pdf_dir(&self) -> PathBuf {
        self.options.state_dir.join("pdf")
    }

    /// The store file.
    pub fn store_path(&self) -> PathBuf {
        self.options.state_dir.join("kiosk.sqlite")
    }

    /// Starts the simulators.
    ///
    /// # Errors
    /// A simulator cannot start (no pseudo-terminals, no loopback port).
    pub async fn start(options: RigOptions) -> anyhow::Result<DemoRig> {
        std::fs::create_dir_all(&options.state_dir)
            .with_context(|| format!("state folder {}", options.state_dir.display()))?;
        let card = match &options.card {
            Some(spec) => Some(kiosk_sim::idcard::load_card(spec).context("the card")?),
            None => None,
        };
        let idcard = kiosk_sim::idcard::spawn(IdcardSimConfig {
            card,
            pace: options.pace,
            warmup: options.reader_warmup,
            ..IdcardSimConfig::default()
        })
        .await
        .context("ID-card reader simulator")?;
        let central = kiosk_sim::central::spawn(CentralSimConfig::default())
            .await
            .context("central simulator")?;
        let printer = kiosk_sim::printer::spawn(PrinterSimConfig {
            out_dir: Some(options.state_dir.join("tickets")),
            pace: options.pace,
            ..PrinterSimConfig::default()
        })
        .await
        .context("ticket printer simulator")?;
        Ok(DemoRig {
            idcard,
            central,
            printer,
            options,
        })
    }

    /// The driver's configuration and parts wired to the simulators.
    ///
    /// # Errors
    /// The store cannot be opened, or the client cannot be built.
    pub fn parts(&self) -> anyhow::Result<(DriverConfig, Parts)> {
        let store = Arc::new(Store::open(self.store_path()).context("the store")?);
        let central = Arc::new(
            CentralClient::new(ClientConfig::new(
                self.central.base_url(),
                DEMO_KIOSK_ID,
                DEMO_KIOSK_KEY.to_vec(),
            ))
            .context("central client")?,
        );
        let (ticket_fonts, pdf_fonts) = super::printers::load_fonts();
        let printers = Printers::new(
            escpos::driver::Endpoint::parse(&self.printer.device(), 57_600),
            A4Target::PdfDir(self.pdf_dir()),
            PrintSetup {
                hall: "北京市朝阳区不动产登记中心".to_owned(),
                kiosk_id: DEMO_KIOSK_ID.to_owned(),
                mode: self.options.ticket_mode,
                profile: PrinterProfile::default(),
                ticket_fonts,
                pdf_fonts,
            },
        );
        let camera = self.camera();
        let reader = ReaderService::spawn(
            ReaderEndpoint::parse(&self.idcard.device(), idcard::driver::DEFAULT_BAUD),
            ServiceConfig::default(),
        );
        let mut config = DriverConfig::new(DEMO_KIOSK_ID);
        config.pin = crate::config::PinHash::parse(DEMO_PIN_HASH).ok();
        Ok((
            config,
            Parts {
                central,
                store,
                printers,
                camera: Arc::new(Mutex::new(camera)),
                reader: Some(reader),
            },
        ))
    }

    /// The demo's camera (the scripted citizen, or the stand-in).
    pub fn camera(&self) -> Box<dyn Camera> {
        demo_camera(&self.options.camera)
    }

    /// What `kiosk doctor` checks in the demo.
    ///
    /// # Errors
    /// The central client cannot be built.
    pub fn doctor_target(&self) -> anyhow::Result<super::doctor::Target> {
        Ok(super::doctor::Target {
            config: "embedded demo defaults (simulated devices)".to_owned(),
            reader: ReaderEndpoint::parse(&self.idcard.device(), idcard::driver::DEFAULT_BAUD),
            printer: escpos::driver::Endpoint::parse(&self.printer.device(), 57_600),
            camera: self.camera(),
            yunet_model: std::env::var_os(YUNET_ENV).map(PathBuf::from),
            a4: super::doctor::A4::PdfDir(self.pdf_dir()),
            central: Arc::new(
                CentralClient::new(ClientConfig::new(
                    self.central.base_url(),
                    DEMO_KIOSK_ID,
                    DEMO_KIOSK_KEY.to_vec(),
                ))
                .context("central client")?,
            ),
            tls: false,
            state_dir: self.options.state_dir.clone(),
            reader_patience: self.options.reader_warmup + Duration::from_secs(5),
        })
    }

    /// Runs a reader simulator command (`place resident`, `lift`, `unplug`, ...).
    ///
    /// # Errors
    /// The command is not one, or the simulator refused it.
    pub async fn reader(&self, command: &str) -> anyhow::Result<()> {
        let script = kiosk_sim::idcard::Script::parse(command)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .context("reader: a command")?;
        self.idcard.run(script).await
    }

    /// Runs a ticket-printer simulator command (`paper-out`, `paper-replaced`, ...).
    ///
    /// # Errors
    /// The command is not one, or the simulator refused it.
    pub async fn printer(&self, command: &str) -> anyhow::Result<()> {
        let script = kiosk_sim::printer::Script::parse(command)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .context("printer: a command")?;
        self.printer.run(script).await
    }

    /// Runs a central simulator command (`outage on`, `latency 500`, `demo`, ...); its output
    /// lines.
    ///
    /// # Errors
    /// The command is not one, or the simulator refused it.
    pub async fn central(&self, command: &str) -> anyhow::Result<Vec<String>> {
        let cmd = kiosk_sim::central::Command::parse(command)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .context("central: a command")?;
        self.central.run(cmd).await
    }

    /// Stops the simulators.
    pub async fn shutdown(self) {
        self.idcard.shutdown().await;
        self.printer.shutdown().await;
        self.central.shutdown().await;
    }
}

/// The demo's operator PIN `246810`, hashed (PBKDF2-HMAC-SHA256, 600,000 iterations).
pub const DEMO_PIN_HASH: &str = "pbkdf2-sha256$600000$5e0f7cbcbc0a4ae1a9bd38b42e0c2c5b$1b69c05ebdce0353b40432c9b44f508f31ac3a29b65b7bf061a98346dd37cce8";

/// The photo to use: a file, or `obama.jpg` in a folder.
fn photo_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("obama.jpg")
    } else {
        path.to_owned()
    }
}

fn demo_camera(choice: &DemoCamera) -> Box<dyn Camera> {
    let stand_in =
        || -> Box<dyn Camera> { Box::new(StandInCamera::passing(Duration::from_secs(2))) };
    match choice {
        DemoCamera::StandIn(c) => Box::new(c.clone()),
        DemoCamera::Photo(None) => {
            tracing::info!(
                "no face photo ({FACE_PHOTO_ENV}): the demo camera is a stand-in without pixels"
            );
            stand_in()
        }
        DemoCamera::Photo(Some(path)) => match scripted_camera(&photo_file(path)) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "simulated camera unavailable; using the stand-in");
                stand_in()
            }
        },
    }
}

fn scripted_camera(photo: &Path) -> anyhow::Result<Box<dyn Camera>> {
    use kiosk_sim::camera::{FacePhoto, Scenario, ScenarioConfig, ScriptedSource};
    let model = std::env::var_os(YUNET_ENV).map(PathBuf::from);
    let mut detector = camera::detector_from_model(model.as_deref()).context("face detector")?;
    let photo = Arc::new(FacePhoto::load(photo, detector.as_mut()).context("face photo")?);
    let open: OpenSource = Box::new(move || {
        let mut cfg = ScenarioConfig::new(Scenario::Cooperative);
        cfg.frames = 15 * 40;
        let source = ScriptedSource::new(cfg, &photo, None)
            .map_err(|e| camera::CameraError::BadSpec(format!("simulated camera: {e}")))?;
        Ok(Box::new(source) as Box<dyn camera::FrameSource + Send>)
    });
    Ok(Box::new(OpenCvCamera::new(open, detector)))
}
