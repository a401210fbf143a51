//! The application: the driver that runs the citizen flows against the real devices and
//! central, the embedded demo, and `kiosk doctor`'s checks.
//!
//! - [`driver`]: the async shell around `flows` (effects performed, completions fed back,
//!   device status turned into inputs, the view published for a UI).
//! - [`central`], [`printers`], [`camera`], [`journal`]: how each kind of effect is performed.
//! - [`rig`]: the simulators in process, for the demo, the tests and the session benchmark.
//! - [`doctor`]: installation checks.
//! - [`ui_bridge`]: the Slint touchscreen on the driver.
//! - [`from_config`]: the parts for real hardware from a configuration file.

pub mod camera;
pub mod central;
pub mod doctor;
pub mod driver;
pub mod journal;
pub mod memory;
pub mod printers;
pub mod rig;
pub mod ui_bridge;

pub use driver::{
    Command, DeviceTime, DriverConfig, DriverHandle, Held, MaintenanceInfo, Parts, ScreenPicture,
    View, spawn,
};

use crate::central::{CentralClient, ClientConfig, TlsConfig};
use crate::config::{Config, TicketEncoding, TicketMode};
use crate::printing::{Mode, PrinterProfile};
use crate::store::Store;
use anyhow::Context;
use std::sync::{Arc, Mutex};

/// The central client a configuration describes.
///
/// # Errors
/// A key, certificate or CA file is unreadable, or the client refuses the settings.
pub fn central_client(config: &Config) -> anyhow::Result<CentralClient> {
    let c = &config.file.central;
    let key = std::fs::read(&c.key_file)
        .with_context(|| format!("central.key_file {}", c.key_file.display()))?;
    let key: Vec<u8> = String::from_utf8(key.clone())
        .map(|s| s.trim().as_bytes().to_vec())
        .unwrap_or(key);
    let id = c
        .key_id
        .clone()
        .unwrap_or_else(|| config.file.kiosk.id.clone());
    let mut client = ClientConfig::new(c.url.clone(), id, key);
    if let (Some(cert), Some(pkey), Some(ca)) = (&c.client_cert, &c.client_key, &c.ca) {
        let mut identity = std::fs::read(cert)
            .with_context(|| format!("central.client_cert {}", cert.display()))?;
        identity.extend(
            std::fs::read(pkey)
                .with_context(|| format!("central.client_key {}", pkey.display()))?,
        );
        client.tls = Some(TlsConfig {
            ca_pem: std::fs::read(ca).with_context(|| format!("central.ca {}", ca.display()))?,
            identity_pem: identity,
        });
    }
    CentralClient::new(client).map_err(|e| anyhow::anyhow!("central client: {e}"))
}

/// The printer profile a configuration describes.
pub fn ticket_profile(config: &Config) -> (Mode, PrinterProfile) {
    let t = &config.file.devices.ticket_printer;
    let mode = match t.mode {
        TicketMode::Raster => Mode::Raster,
        TicketMode::Text => Mode::Text,
    };
    let profile = PrinterProfile {
        paper: if t.dots == 384 {
            tickets::PaperWidth::Mm58
        } else {
            tickets::PaperWidth::Mm80
        },
        encoding: match t.encoding {
            TicketEncoding::Gb2312 => escpos::text::TextCapability::Gb2312,
            TicketEncoding::Gbk => escpos::text::TextCapability::Gbk,
            TicketEncoding::Gb18030TwoByte => escpos::text::TextCapability::Gb18030TwoByte,
            TicketEncoding::Gb18030 => escpos::text::TextCapability::Gb18030Full,
        },
        native_qr: t.native_qr,
    };
    (mode, profile)
}

/// The driver's configuration and parts for the hardware a configuration names.
///
/// # Errors
/// The store, the client or the camera's detector cannot be set up.
pub fn from_config(config: &Config) -> anyhow::Result<(DriverConfig, Parts)> {
    let f = &config.file;
    std::fs::create_dir_all(&f.store.state_dir)
        .with_context(|| format!("store.state_dir {}", f.store.state_dir.display()))?;
    let store = Arc::new(
        Store::open(f.store.state_dir.join(crate::store::STORE_FILE)).context("the store")?,
    );
    let central = Arc::new(central_client(config)?);
    let a4 = match (&f.devices.a4.cups_queue, &f.devices.a4.pdf_dir) {
        (Some(queue), _) => printers::A4Target::Cups(Box::new(
            cups::Printer::on_server(
                &f.devices.a4.cups_server,
                queue,
                cups::PrinterConfig::default(),
            )
            .map_err(|e| anyhow::anyhow!("devices.a4: {e}"))?,
        )),
        (None, Some(dir)) => printers::A4Target::PdfDir(dir.clone()),
        (None, None) => anyhow::bail!("devices.a4: no target"),
    };
    let (mode, profile) = ticket_profile(config);
    let (ticket_fonts, pdf_fonts) = printers::load_fonts();
    let printers = printers::Printers::new(
        escpos::driver::Endpoint::parse(
            &f.devices.ticket_printer.endpoint,
            f.devices.ticket_printer.baud,
        ),
        a4,
        printers::PrintSetup {
            hall: f.kiosk.hall.clone(),
            kiosk_id: f.kiosk.id.clone(),
            mode,
            profile,
            ticket_fonts,
            pdf_fonts,
        },
    );
    let detector = ::camera::detector_from_model(f.devices.camera.yunet_model.as_deref())
        .map_err(|e| anyhow::anyhow!("devices.camera.yunet_model: {e}"))?;
    let spec = config.camera_source.clone();
    let options = ::camera::SourceOptions {
        ir: config.ir_source.clone(),
        ..::camera::SourceOptions::default()
    };
    let open: camera::OpenSource = Box::new(move || ::camera::open_source(&spec, &options));
    let reader = idcard::driver::ReaderService::spawn(
        idcard::driver::Endpoint::parse(&f.devices.reader.port, f.devices.reader.baud),
        idcard::driver::ServiceConfig::default(),
    );
    let mut driver = DriverConfig::new(f.kiosk.id.clone());
    driver.flows = config.flows();
    driver.pin = Some(config.pin.clone());
    driver.pin_policy = config.pin_policy();
    let mut camera = camera::OpenCvCamera::new(open, detector);
    if let Some(plan) = &config.challenges {
        tracing::warn!(
            "devices.camera.challenges is set: every face check asks {:?} (tests only)",
            plan.challenges()
        );
        camera = camera.with_fixed_plan(plan.clone());
    }
    Ok((
        driver,
        Parts {
            central,
            store,
            printers,
            camera: Arc::new(Mutex::new(Box::new(camera))),
            reader: Some(reader),
        },
    ))
}

/// The flows crate, re-exported for callers of the driver (inputs, screens).
pub use ::flows;
