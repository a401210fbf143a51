//! `kiosk doctor` against the simulators: every check passes on a configuration that names
//! them; a fault (paper out, central down) fails its check with what to fix; the binary exits
//! non-zero on any FAIL and 2 on a refused configuration.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use kiosk::app::doctor::{self, Check, Target};
use kiosk::app::rig::{DemoCamera, DemoRig, RigOptions};
use kiosk::config::Config;
use opencv::core::{CV_8UC3, Mat, Scalar};
use std::path::{Path, PathBuf};
use std::time::Duration;

async fn rig(dir: &Path) -> DemoRig {
    let mut options = RigOptions::demo(dir.join("sim"));
    options.pace = false;
    options.reader_warmup = Duration::ZERO;
    options.camera =
        DemoCamera::StandIn(kiosk::app::camera::StandInCamera::passing(Duration::ZERO));
    DemoRig::start(options).await.unwrap()
}

/// A configuration file naming the simulators, and a one-frame camera folder.
fn config_for(rig: &DemoRig, dir: &Path) -> PathBuf {
    let frames = dir.join("frames");
    std::fs::create_dir_all(&frames).unwrap();
    let img = Mat::new_rows_cols_with_default(48, 64, CV_8UC3, Scalar::all(90.0)).unwrap();
    opencv::imgcodecs::imwrite_def(frames.join("0001.png").to_str().unwrap(), &img).unwrap();
    std::fs::write(dir.join("signing.key"), "demo-key\n").unwrap();
    let example = include_str!("../../kiosk/kiosk.example.toml");
    let text = example
        .replace("id = \"cy-hall-01\"", "id = \"demo-kiosk\"")
        .replace(
            "port = \"/dev/serial/by-id/usb-Synjones_SS628_100-if00\"",
            &format!("port = \"{}\"", rig.idcard.device()),
        )
        .replace(
            "source = \"device:/dev/v4l/by-id/usb-kiosk-camera-video-index0\"",
            "source = \"frames:frames\"",
        )
        .replace("yunet_model = \"/usr/share/kiosk/face_detection_yunet.onnx\"\n", "")
        .replace(
            "endpoint = \"/dev/usb/lp0\"\n# Serial line speed; ignored for USB and TCP. Default 115200.\nbaud = 115200",
            &format!("endpoint = \"{}\"\nbaud = 57600", rig.printer.device()),
        )
        .replace("cups_queue = \"kiosk-a4\"", "pdf_dir = \"pdf\"")
        .replace(
            "url = \"https://central.hall.example:8443\"",
            &format!("url = \"{}\"", rig.central.base_url()),
        )
        .replace("client_cert = \"/etc/kiosk/tls/kiosk.crt\"\n", "")
        .replace("client_key = \"/etc/kiosk/tls/kiosk.key\"\n", "")
        .replace("ca = \"/etc/kiosk/tls/central-ca.crt\"\n", "")
        .replace("key_file = \"/etc/kiosk/signing.key\"", "key_file = \"signing.key\"")
        .replace("state_dir = \"/var/lib/kiosk\"", "state_dir = \"state\"");
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn find<'a>(checks: &'a [Check], name: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in {checks:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_on_the_simulators_and_names_each_fault() {
    let dir = tempdir();
    let rig = rig(&dir).await;
    let path = config_for(&rig, &dir);
    let config = Config::load(&path).unwrap();

    let checks = doctor::run(Target::from_config(&config).unwrap()).await;
    let lines: Vec<String> = checks.iter().map(Check::line).collect();
    assert!(doctor::all_ok(&checks), "{lines:#?}");
    for name in [
        "configuration",
        "reader",
        "ticket printer",
        "camera",
        "face model",
        "fonts (tickets)",
        "fonts (certificates)",
        "A4 output",
        "central",
        "clock",
        "store",
        "journal",
    ] {
        assert!(
            find(&checks, name).line().starts_with("OK   "),
            "{lines:#?}"
        );
    }
    assert!(
        find(&checks, "camera").detail.contains("64x48"),
        "{lines:#?}"
    );
    assert!(find(&checks, "reader").detail.contains("SAM"), "{lines:#?}");

    // Faults: paper out, central down.
    rig.printer
        .run(
            kiosk_sim::printer::Script::parse("paper-out")
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    rig.central
        .run(
            kiosk_sim::central::Command::parse("outage on")
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    let checks = doctor::run(Target::from_config(&config).unwrap()).await;
    assert!(!doctor::all_ok(&checks));
    let printer = find(&checks, "ticket printer");
    assert!(
        printer.line().starts_with("FAIL ticket printer")
            && printer.line().contains("load a paper roll"),
        "{}",
        printer.line()
    );
    assert!(!find(&checks, "central").ok);
    assert!(
        find(&checks, "central")
            .fix
            .as_deref()
            .unwrap()
            .contains("central.url")
    );
    assert!(find(&checks, "reader").ok, "other checks still pass");

    // The binary: exit 1 with a FAIL line per failed check.
    let out = tokio::task::spawn_blocking({
        let path = path.clone();
        move || kiosk_e2e::kiosk(&["doctor", "--config", path.to_str().unwrap()])
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("FAIL ticket printer")),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("OK   store")),
        "{stdout}"
    );

    rig.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn doctor_refuses_a_bad_configuration_with_exit_2() {
    let dir = tempdir();
    let path = dir.join("kiosk.toml");
    let text = include_str!("../../kiosk/kiosk.example.toml").replace("dots = 576", "dots = 500");
    std::fs::write(&path, text).unwrap();
    let out = kiosk_e2e::kiosk(&["doctor", "--config", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.starts_with("FAIL configuration: devices.ticket_printer.dots"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kiosk-doctor-test-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
