//! `kiosk doctor` against the simulators: every check passes on a configuration that names
//! them; a fault (paper out, central down) fails its check with what to fix; the binary exits
//! non-zero on any FAIL and 2 on a refused configuration.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use kiosk::app::doctor::{self, A4, Check, Preserve, Target};
use kiosk::app::rig::{DemoCamera, DemoRig, RigOptions};
use kiosk::config::Config;
use opencv::core::{CV_8UC3, Mat, Scalar};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[path = "../../../drivers/camera/tests/fake_v4l2/mod.rs"]
mod fake_v4l2;

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
    let jpeg = camera::jpeg_from_mat(&img, 90).unwrap();
    std::fs::write(frames.join("0001.jpg"), &*jpeg).unwrap();
    std::fs::write(dir.join("signing.key"), "demo-key\n").unwrap();
    let text = kiosk_e2e::simulator_config(
        &rig.idcard.device(),
        &rig.printer.device(),
        &rig.central.base_url(),
    );
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
    let dir = kiosk_e2e::temp_dir("doctor");
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
    assert!(
        checks.iter().all(|c| c.name != "CUPS job files"),
        "no CUPS, no cupsd.conf check: {lines:#?}"
    );

    // A local CUPS server keeping job files: the A4 printer (nothing listens) fails, and the
    // cupsd.conf check warns without failing.
    let conf = dir.join("cupsd.conf");
    std::fs::write(&conf, "LogLevel warn\nMaxJobs 500\n").unwrap();
    let mut target = Target::from_config(&config).unwrap();
    target.a4 = A4::Cups {
        server: "127.0.0.1:9".to_owned(),
        queue: "kiosk-a4".to_owned(),
        cupsd_conf: Some(conf.clone()),
    };
    let checks = doctor::run(target).await;
    let job_files = find(&checks, "CUPS job files");
    assert!(job_files.is_warning(), "{job_files:?}");
    assert!(
        job_files.line().starts_with("WARN CUPS job files: ")
            && job_files
                .line()
                .contains("PreserveJobFiles 86400 s (the default)"),
        "{}",
        job_files.line()
    );
    assert!(!find(&checks, "A4 printer").ok);
    assert_eq!(
        checks.iter().filter(|c| !c.ok).count(),
        1,
        "the warning does not fail: {:#?}",
        checks.iter().map(Check::line).collect::<Vec<_>>()
    );

    // Faults: paper out, central down.
    rig.printer("paper-out").await.unwrap();
    rig.central("outage on").await.unwrap();
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

/// `kiosk doctor` on a V4L2 camera: the camera crate's user-space capture device loaded into the
/// kiosk process (`LD_PRELOAD`). The camera line says what the driver granted and what the camera
/// offers, for the installer to see why a size or rate was not had.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_what_a_v4l2_camera_offers() {
    let dir = kiosk_e2e::temp_dir("doctor-v4l2");
    let rig = rig(&dir).await;
    let path = config_for(&rig, &dir);
    let text = std::fs::read_to_string(&path).unwrap();
    let source = format!("source = \"device:{}\"", fake_v4l2::PATH);
    std::fs::write(&path, text.replace("source = \"frames:frames\"", &source)).unwrap();
    let lib = fake_v4l2::build(&dir);
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(kiosk_e2e::bin("kiosk"))
            .args(["doctor", "--config"])
            .arg(&path)
            .env("LD_PRELOAD", &lib)
            .env("FAKE_V4L2_PATH", fake_v4l2::PATH)
            .env("FAKE_V4L2_FORMATS", "MJPG,YUYV")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let camera = stdout
        .lines()
        .find(|l| l.contains(" camera: "))
        .unwrap_or_else(|| panic!("no camera line in {stdout}"));
    assert_eq!(
        camera,
        format!(
            "OK   camera: device:{} (V4L2 fake_v4l2 Fake Camera, YUYV 640x480 at 30.0 fps): \
             640x480; offers MJPG 640x480 (30, 15 fps), 320x240 (30, 15 fps); \
             YUYV 640x480 (30, 15 fps), 320x240 (30, 15 fps)",
            fake_v4l2::PATH
        ),
        "{stdout}"
    );
    assert!(out.status.success(), "{stdout}");
    rig.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn doctor_refuses_a_bad_configuration_with_exit_2() {
    let dir = kiosk_e2e::temp_dir("doctor-refused");
    let path = dir.join("kiosk.toml");
    let text = kiosk_e2e::edited(kiosk_e2e::EXAMPLE_CONFIG, &[("dots = 576", "dots = 500")]);
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

/// Writes a `cupsd.conf` fixture and runs the job-files check on it.
fn job_files_check(dir: &Path, name: &str, text: &str) -> Check {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    doctor::cups_job_files(&path)
}

#[test]
fn cupsd_conf_keeping_job_files_warns_with_the_fix() {
    let dir = kiosk_e2e::temp_dir("doctor-cupsd");
    // Debian's stock file says nothing: CUPS keeps documents a day, history until MaxJobs.
    let stock = "LogLevel warn\nMaxLogSize 0\nListen localhost:631\nBrowsing No\n\
                 <Location />\n  Order allow,deny\n</Location>\n\
                 <Policy default>\n  JobPrivateAccess default\n</Policy>\n";
    let c = job_files_check(&dir, "stock.conf", stock);
    assert!(c.ok && c.is_warning(), "{c:?}");
    assert!(
        c.detail.contains("PreserveJobFiles 86400 s (the default)"),
        "{}",
        c.detail
    );
    assert!(c.detail.contains("full ID numbers"), "{}", c.detail);
    let fix = c.fix.as_deref().unwrap();
    assert!(
        fix.contains("PreserveJobFiles No") && fix.contains("PreserveJobHistory No"),
        "{fix}"
    );
    assert!(
        fix.contains(&dir.join("stock.conf").display().to_string()),
        "{fix}"
    );

    // Kept for a time, or forever: still a warning, naming the value.
    let c = job_files_check(
        &dir,
        "week.conf",
        "preservejobfiles 1w\nPreserveJobHistory No\n",
    );
    assert!(
        c.is_warning() && c.detail.contains("PreserveJobFiles 604800 s"),
        "{c:?}"
    );
    let c = job_files_check(&dir, "yes.conf", "PreserveJobFiles Yes\n");
    assert!(
        c.is_warning() && c.detail.contains("PreserveJobFiles Yes"),
        "{c:?}"
    );

    // Files gone but the history (job titles) kept: a warning about the history.
    let c = job_files_check(&dir, "history.conf", "PreserveJobFiles No\n");
    assert!(c.is_warning(), "{c:?}");
    assert!(c.detail.contains("PreserveJobHistory Yes"), "{}", c.detail);

    // Both off: OK. The last directive wins; ones inside blocks and comments do not count.
    let good = "# PreserveJobFiles Yes\nPreserveJobFiles 1d\nPreserveJobFiles off\n\
                PreserveJobHistory No\n<Policy default>\n  PreserveJobFiles Yes\n</Policy>\n";
    let c = job_files_check(&dir, "good.conf", good);
    assert!(c.ok && !c.is_warning(), "{c:?}");
    assert!(
        c.line().starts_with("OK   CUPS job files: "),
        "{}",
        c.line()
    );

    // A value cupsd would not take, or a file the doctor cannot read: a warning that says so.
    let c = job_files_check(&dir, "bad.conf", "PreserveJobFiles sometimes\n");
    assert!(c.is_warning() && c.detail.contains("line 1"), "{c:?}");
    let c = doctor::cups_job_files(&dir.join("missing.conf"));
    assert!(c.is_warning() && c.detail.contains("cannot read"), "{c:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cupsd_values_and_local_servers() {
    for (value, expected) in [
        ("No", Some(Preserve::No)),
        ("off", Some(Preserve::No)),
        ("0", Some(Preserve::No)),
        ("TRUE", Some(Preserve::Yes)),
        ("86400", Some(Preserve::Seconds(86_400))),
        ("12h", Some(Preserve::Seconds(43_200))),
        ("30m", Some(Preserve::Seconds(1_800))),
        ("1d", Some(Preserve::Seconds(86_400))),
        ("", None),
        ("1y", None),
        ("-5", None),
    ] {
        assert_eq!(Preserve::parse(value), expected, "{value:?}");
    }
    for server in [
        "127.0.0.1:631",
        "localhost:631",
        "LOCALHOST",
        "[::1]:631",
        "127.0.1.1:631",
        "/run/cups/cups.sock",
    ] {
        assert!(doctor::is_local_server(server), "{server}");
    }
    for server in [
        "192.168.1.20:631",
        "print.hall.example:631",
        "[fe80::1]:631",
    ] {
        assert!(!doctor::is_local_server(server), "{server}");
    }
}

#[test]
fn the_cupsd_conf_check_follows_the_configured_server() {
    let dir = kiosk_e2e::temp_dir("doctor-target");
    std::fs::write(dir.join("signing.key"), "demo-key\n").unwrap();
    let base = kiosk_e2e::simulator_config("/dev/null", "/dev/null", "http://127.0.0.1:9");
    let cups = kiosk_e2e::edited(&base, &[("pdf_dir = \"pdf\"", "cups_queue = \"kiosk-a4\"")]);
    let conf_of = |text: &str| {
        let path = dir.join("kiosk.toml");
        std::fs::write(&path, text).unwrap();
        match Target::from_config(&Config::load(&path).unwrap())
            .unwrap()
            .a4
        {
            A4::Cups { cupsd_conf, .. } => cupsd_conf,
            A4::PdfDir(d) => panic!("a PDF folder {}", d.display()),
        }
    };
    assert_eq!(
        conf_of(&cups).as_deref(),
        Some(Path::new(doctor::CUPSD_CONF))
    );
    let remote = kiosk_e2e::edited(
        &cups,
        &[(
            "cups_server = \"127.0.0.1:631\"",
            "cups_server = \"10.0.0.5:631\"",
        )],
    );
    assert_eq!(conf_of(&remote), None);
    let _ = std::fs::remove_dir_all(&dir);
}
