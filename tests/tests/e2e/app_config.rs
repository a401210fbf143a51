//! The configuration file: the documented example parses; every kind of mistake is refused with
//! a message naming the key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use kiosk::config::{Config, ConfigError, Orientation, TicketMode};
use std::path::Path;

use kiosk_e2e::EXAMPLE_CONFIG as EXAMPLE;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(
        text,
        Path::new("/etc/kiosk/kiosk.toml"),
        Path::new("/etc/kiosk"),
    )
}

/// The example with `from` replaced by `to` (which must occur).
fn edited(from: &str, to: &str) -> String {
    kiosk_e2e::edited(EXAMPLE, &[(from, to)])
}

fn refused(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_example_parses() {
    let c = parse(EXAMPLE).unwrap();
    assert_eq!(c.file.kiosk.id, "cy-hall-01");
    assert_eq!(c.file.devices.ticket_printer.dots, 576);
    assert_eq!(c.file.devices.ticket_printer.mode, TicketMode::Raster);
    assert_eq!(c.file.devices.a4.cups_queue.as_deref(), Some("kiosk-a4"));
    assert_eq!(c.file.ui.orientation, Orientation::Portrait);
    assert_eq!(
        c.camera_source,
        camera::SourceSpec::DevicePath("/dev/v4l/by-id/usb-kiosk-camera-video-index0".into())
    );
    // One verification: 600,000 iterations take seconds in a debug build.
    assert!(c.pin.verify("246810"));
    assert_eq!(c.pin_policy().lockout_ms, 15 * 60_000);
    assert_eq!(c.flows().staffed_window, "1");
    // Secrets stay out of Debug.
    let dump = format!("{c:?}");
    assert!(!dump.contains("1b69c05e"), "{dump}");
}

#[test]
fn relative_paths_resolve_against_the_file() {
    let c = parse(&edited(
        "state_dir = \"/var/lib/kiosk\"",
        "state_dir = \"state\"",
    ))
    .unwrap();
    assert_eq!(c.file.store.state_dir, Path::new("/etc/kiosk/state"));
    let c = parse(&edited(
        "source = \"device:/dev/v4l/by-id/usb-kiosk-camera-video-index0\"",
        "source = \"frames:frames\"",
    ))
    .unwrap();
    assert_eq!(
        c.camera_source,
        camera::SourceSpec::Frames("/etc/kiosk/frames".into())
    );
}

#[test]
fn the_loopback_simulator_needs_no_tls() {
    let text = edited(
        "url = \"https://central.hall.example:8443\"",
        "url = \"http://127.0.0.1:8080\"",
    );
    assert!(parse(&text).is_ok());
}

#[test]
fn every_mistake_names_its_key() {
    let cases: &[(String, &str)] = &[
        (
            edited("dots = 576", "dots = 500"),
            "devices.ticket_printer.dots",
        ),
        (
            edited(
                "baud = 115200\n\n[devices.camera]",
                "baud = 12\n\n[devices.camera]",
            ),
            "devices.reader.baud",
        ),
        (
            edited("id = \"cy-hall-01\"", "id = \"cy hall\""),
            "kiosk.id",
        ),
        (
            edited("hall = \"北京市朝阳区不动产登记中心\"", "hall = \" \""),
            "kiosk.hall",
        ),
        (
            edited(
                "source = \"device:/dev/v4l/by-id/usb-kiosk-camera-video-index0\"",
                "source = \"webcam\"",
            ),
            "devices.camera.source",
        ),
        (
            edited(
                "# pdf_dir = \"/var/lib/kiosk/pdf\"",
                "pdf_dir = \"/var/lib/kiosk/pdf\"",
            ),
            "devices.a4",
        ),
        (edited("cups_queue = \"kiosk-a4\"", ""), "devices.a4"),
        (
            edited(
                "url = \"https://central.hall.example:8443\"",
                "url = \"http://central.hall.example\"",
            ),
            "central.url",
        ),
        (
            edited(
                "url = \"https://central.hall.example:8443\"",
                "url = \"ftp://x\"",
            ),
            "central.url",
        ),
        (
            edited("ca = \"/etc/kiosk/tls/central-ca.crt\"", ""),
            "central.ca",
        ),
        (
            edited("language = \"zh\"", "language = \"fr\""),
            "ui.language",
        ),
        (
            edited(
                "pin_hash = \"pbkdf2-sha256$600000$",
                "pin_hash = \"pbkdf2-sha256$1000$",
            ),
            "maintenance.pin_hash",
        ),
        (
            edited("pin_hash = \"pbkdf2-sha256", "pin_hash = \"md5"),
            "maintenance.pin_hash",
        ),
        (
            edited("max_failures = 5", "max_failures = 0"),
            "maintenance.max_failures",
        ),
        (
            edited("lockout_minutes = 15", "lockout_minutes = 0"),
            "maintenance.lockout_minutes",
        ),
    ];
    for (text, key) in cases {
        let message = refused(text);
        assert!(message.starts_with(key), "{key}: {message}");
    }
}

#[test]
fn syntax_unknown_and_missing_keys_are_refused_with_the_key() {
    let message = refused(&edited("dots = 576", "dots = 576\npaper = 80"));
    assert!(message.contains("paper"), "{message}");
    let message = refused(&edited("key_file = \"/etc/kiosk/signing.key\"", ""));
    assert!(message.contains("key_file"), "{message}");
    let message = refused(&edited("elder_mode = false", "elder_mode = maybe"));
    assert!(message.contains("kiosk.toml"), "{message}");
    let message = refused(&edited("dots = 576", "dots = \"576\""));
    assert!(message.contains("dots"), "{message}");
}

#[test]
fn the_simulator_configuration_parses_with_a_pdf_tray() {
    let text = kiosk_e2e::simulator_config("/dev/pts/9", "/dev/pts/10", "http://127.0.0.1:8080");
    let c = parse(&text).unwrap();
    assert_eq!(c.file.devices.a4.cups_queue, None);
    assert_eq!(
        c.file.devices.a4.pdf_dir.as_deref(),
        Some(Path::new("/etc/kiosk/pdf"))
    );
    assert_eq!(c.file.devices.reader.port, "/dev/pts/9");
    assert_eq!(c.file.store.state_dir, Path::new("/etc/kiosk/state"));
}

#[test]
fn a_missing_file_is_named() {
    let e = Config::load(Path::new("/nonexistent/kiosk.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/kiosk.toml: cannot read"),
        "{e}"
    );
}
