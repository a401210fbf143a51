//! The application driver against the in-process simulators: whole citizen sessions driven by
//! intents through the real reader, central, ticket-printer and A4 (PDF folder) paths, asserting
//! the printed outputs, the journal, and that every exit wiped the session.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use kiosk::app::camera::StandInCamera;
use kiosk::app::flows::{ButtonId, FlowKind, Intent, MaintenanceInput, ScreenId};
use kiosk::app::rig::{DemoCamera, DemoRig, RigOptions};
use kiosk::app::{DriverHandle, View};
use kiosk::store::Store;
use kiosk::store::journal::{JournalEvent, PrintOutcome};
use kiosk_sim::central::Timing;
use std::path::Path;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(20);

async fn rig(dir: &Path) -> DemoRig {
    rig_with(dir, StandInCamera::passing(Duration::from_millis(50))).await
}

async fn rig_with(dir: &Path, camera: StandInCamera) -> DemoRig {
    DemoRig::start(RigOptions::unpaced(
        dir.to_owned(),
        DemoCamera::StandIn(camera),
    ))
    .await
    .unwrap()
}

async fn start(rig: &DemoRig) -> DriverHandle {
    let (mut config, parts) = rig.parts().unwrap();
    config.monitor_interval = Duration::from_millis(300);
    // The PIN 246810 with fewer iterations than the production hash: a debug build is slow.
    config.pin =
        Some(kiosk::config::PinHash::parse(&kiosk::config::hash_pin("246810", 100_000)).unwrap());
    let driver = kiosk::app::spawn(config, parts).unwrap();
    // The reader answers and every flow is in service.
    let v = driver
        .wait_for(PATIENCE, |v| {
            !v.starting && v.screen.id == ScreenId::Idle && v.screen.items.iter().all(|i| i.enabled)
        })
        .await;
    assert!(v.screen.items.iter().all(|i| i.enabled), "{:?}", v.screen);
    driver
}

/// A rig whose camera shows the receipt QR of the demo's first case after `delay`, and the
/// driver on the case flow's first screen; the case number.
async fn at_case_method(dir: &Path, delay: Duration) -> (String, DemoRig, DriverHandle) {
    // The rig's central is seeded the same for every run: read a case number from a first rig.
    let probe = rig(&dir.join("probe")).await;
    let case = probe.central.demo().holders[0].case_numbers[0].clone();
    probe.shutdown().await;
    let camera = StandInCamera {
        delay,
        fail: None,
        qr: Some(case.clone()),
    };
    let rig = rig_with(dir, camera).await;
    let driver = start(&rig).await;
    driver.intent(Intent::Start(FlowKind::Case)).await;
    at(&driver, ScreenId::CaseMethod).await;
    (case, rig, driver)
}

async fn at(driver: &DriverHandle, id: ScreenId) -> View {
    let v = driver
        .wait_for(PATIENCE, |v| v.screen.id == id && !v.screen.busy)
        .await;
    assert_eq!(v.screen.id, id, "waiting for {id:?}; at {:#?}", v.screen);
    v
}

async fn assert_wiped(driver: &DriverHandle) {
    driver.flush().await;
    let held = driver.held().await.unwrap();
    assert_eq!(held.session, None);
    assert_eq!(held.face_frames, 0, "face frames left after the exit");
    assert!(!held.card_name, "card data left after the exit");
}

/// Stops the driver, then the rig, and removes the test's folder.
async fn finish(driver: DriverHandle, rig: DemoRig, dir: &Path) {
    driver.shutdown().await;
    rig.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn events(dir: &Path) -> Vec<JournalEvent> {
    let store = Store::open(dir.join("kiosk.sqlite")).unwrap();
    assert!(store.journal().verify().is_ok());
    store
        .journal()
        .tail(1000)
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_query_session_prints_the_certificate_and_wipes() {
    let dir = tempdir("records");
    let rig = rig(&dir).await;
    let own_id = rig.central.demo().holders[0].id_number.clone();
    let driver = start(&rig).await;

    driver.intent(Intent::Start(FlowKind::Records)).await;
    at(&driver, ScreenId::RecordsKind).await;
    driver.intent(Intent::Press(ButtonId::OwnershipQuery)).await;
    at(&driver, ScreenId::Consent).await;
    driver.intent(Intent::Press(ButtonId::Accept)).await;
    at(&driver, ScreenId::PlaceCard).await;
    rig.reader("place resident").await.unwrap();
    let v = at(&driver, ScreenId::Purpose).await;
    assert!(!v.screen.items.is_empty());
    // The face frame went with the verification and was discarded right after it.
    assert_eq!(driver.held().await.unwrap().face_frames, 0);
    driver.intent(Intent::Select(1)).await;
    let v = driver
        .wait_for(PATIENCE, |v| {
            matches!(v.screen.id, ScreenId::Units | ScreenId::NoRecord) && !v.screen.busy
        })
        .await;
    assert_eq!(v.screen.id, ScreenId::Units, "{:#?}", v.screen);
    driver.intent(Intent::Select(0)).await;
    at(&driver, ScreenId::UnitDetail).await;
    driver.intent(Intent::Press(ButtonId::Certificate)).await;
    at(&driver, ScreenId::Preview).await;
    driver.intent(Intent::Press(ButtonId::Print)).await;
    at(&driver, ScreenId::TakeCertificate).await;
    // The certificate: one PDF in the tray while the citizen takes it.
    let pdfs: Vec<_> = std::fs::read_dir(rig.pdf_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    let pdf = std::fs::read(&pdfs[0]).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(pdf.len() > 10_000);
    driver.intent(Intent::Press(ButtonId::Done)).await;
    at(&driver, ScreenId::Idle).await;
    assert_wiped(&driver).await;
    // Taken with the session: the full ID number it carries is not left on disk.
    assert_eq!(std::fs::read_dir(rig.pdf_dir()).unwrap().count(), 0);

    // The journal: the whole session, typed, with no full ID number anywhere.
    let ev = events(&dir);
    let kinds: Vec<&str> = ev.iter().map(JournalEvent::type_name).collect();
    for kind in [
        "session_started",
        "consent_given",
        "face_check",
        "query_number",
        "print_result",
        "session_ended",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert!(ev.iter().any(|e| matches!(
        e,
        JournalEvent::PrintResult { printer, outcome: PrintOutcome::Printed, .. } if printer == "a4_printer"
    )));
    let dump = format!("{ev:?}");
    assert!(!dump.contains(&own_id), "a full ID number in the journal");
    let file = std::fs::read(dir.join("kiosk.sqlite")).unwrap();
    assert!(
        !file.windows(own_id.len()).any(|w| w == own_id.as_bytes()),
        "a full ID number in the store file"
    );

    finish(driver, rig, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_in_session_prints_the_slip_and_wipes() {
    let dir = tempdir("checkin");
    let rig = rig(&dir).await;
    let code = rig.central.demo().holders[0]
        .appointments
        .iter()
        .find(|a| a.timing == Timing::Now)
        .expect("a holder with an appointment now")
        .booking_code
        .clone();
    let driver = start(&rig).await;

    driver.intent(Intent::Start(FlowKind::CheckIn)).await;
    at(&driver, ScreenId::CheckInMethod).await;
    driver.intent(Intent::Press(ButtonId::UseKeypad)).await;
    at(&driver, ScreenId::BookingCode).await;
    driver.intent(Intent::Enter(code.clone())).await;
    at(&driver, ScreenId::Appointments).await;
    driver.intent(Intent::Select(0)).await;
    at(&driver, ScreenId::TakeTicket).await;
    let tickets = rig.printer.wait_for_tickets(1, PATIENCE).await;
    assert_eq!(tickets.len(), 1);
    let png = tickets[0].png.clone().expect("the simulator wrote a PNG");
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(png.with_extension("json")).unwrap()).unwrap();
    let text = json["text"].as_str().unwrap();
    assert!(text.contains(&code), "booking code on the slip: {text}");
    assert!(text.contains("您的排队号"), "{text}");
    // Checked in by booking code: no card, so no name on the slip.
    assert!(!text.contains("张"), "{text}");
    driver.intent(Intent::Press(ButtonId::Done)).await;
    at(&driver, ScreenId::Idle).await;
    assert_wiped(&driver).await;

    let ev = events(&dir);
    assert!(ev.iter().any(|e| matches!(
        e,
        JournalEvent::PrintResult { printer, outcome: PrintOutcome::Printed, .. } if printer == "ticket_printer"
    )));
    assert!(matches!(ev.last(), Some(JournalEvent::SessionEnded { .. })));

    finish(driver, rig, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_puts_ticket_flows_out_of_service_until_paper_is_replaced() {
    let dir = tempdir("paper");
    let rig = rig(&dir).await;
    let driver = start(&rig).await;
    rig.printer("paper-out").await.unwrap();
    // The monitor sees it: check-in and walk-in are out of service, the guide stays.
    let v = driver
        .wait_for(PATIENCE, |v| !v.screen.items[2].enabled)
        .await;
    assert!(!v.screen.items[1].enabled && !v.screen.items[2].enabled);
    assert!(
        v.screen.items[4].enabled && v.screen.items[0].enabled,
        "{:#?}",
        v.screen
    );
    rig.printer("paper-replaced").await.unwrap();
    let v = driver
        .wait_for(PATIENCE, |v| v.screen.items[2].enabled)
        .await;
    assert!(v.screen.items[2].enabled);
    let ev = events(&dir);
    assert!(ev.iter().any(|e| matches!(
        e,
        JournalEvent::DeviceFault { device, .. } if device == "ticket_printer"
    )));
    finish(driver, rig, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_locks_citizens_out_and_journals_the_operator() {
    let dir = tempdir("maint");
    let rig = rig(&dir).await;
    let driver = start(&rig).await;
    for _ in 0..5 {
        driver.maintenance(MaintenanceInput::CornerTap).await;
    }
    let v = driver
        .wait_for(PATIENCE, |v| v.screen.items.iter().all(|i| !i.enabled))
        .await;
    assert!(
        v.screen.items.iter().all(|i| !i.enabled),
        "citizens locked out"
    );
    driver.intent(Intent::Start(FlowKind::Guide)).await;
    driver
        .maintenance(MaintenanceInput::Pin("000000".into()))
        .await;
    driver
        .maintenance(MaintenanceInput::Pin("246810".into()))
        .await;
    let v = driver
        .wait_for(PATIENCE, |v| {
            matches!(
                v.maintenance,
                kiosk::app::flows::MaintenanceView::Open { .. }
            )
        })
        .await;
    assert!(
        matches!(
            v.maintenance,
            kiosk::app::flows::MaintenanceView::Open { .. }
        ),
        "{v:?}"
    );
    assert_eq!(
        driver.held().await.unwrap().session,
        None,
        "no citizen session started"
    );
    driver
        .maintenance(MaintenanceInput::Choose(
            kiosk::app::flows::Choice::TestPrint(kiosk::app::flows::Device::TicketPrinter),
        ))
        .await;
    let v = driver
        .wait_for(PATIENCE, |v| {
            matches!(
                &v.maintenance,
                kiosk::app::flows::MaintenanceView::Open {
                    last_result: Some(_),
                    ..
                }
            )
        })
        .await;
    match &v.maintenance {
        kiosk::app::flows::MaintenanceView::Open {
            last_result: Some((ok, detail)),
            ..
        } => {
            assert!(*ok, "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rig.printer.wait_for_tickets(1, PATIENCE).await.len(), 1);
    driver
        .maintenance(MaintenanceInput::Choose(kiosk::app::flows::Choice::Leave))
        .await;
    let v = driver
        .wait_for(PATIENCE, |v| v.screen.items.iter().all(|i| i.enabled))
        .await;
    assert!(v.screen.items.iter().all(|i| i.enabled));
    driver.flush().await;
    let ops: Vec<String> = events(&dir)
        .into_iter()
        .filter_map(|e| match e {
            JournalEvent::Operator { action } => Some(format!("{action:?}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        ops,
        [
            "PinRefused",
            "MaintenanceEntered",
            "TestPrint { printer: \"ticket_printer\" }",
            "MaintenanceLeft"
        ]
    );
    finish(driver, rig, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_progress_by_the_receipt_qr_shown_to_the_camera() {
    let dir = tempdir("qr");
    let (case, rig, driver) = at_case_method(&dir, Duration::from_millis(50)).await;
    driver.intent(Intent::Press(ButtonId::ScanQr)).await;
    let v = at(&driver, ScreenId::CaseProgress).await;
    let text: Vec<String> = v
        .screen
        .lines
        .iter()
        .map(|l| l.render(kiosk::app::flows::Lang::Zh))
        .collect();
    assert!(text.join("\n").contains(&case), "{text:?}");
    driver.intent(Intent::Home).await;
    at(&driver, ScreenId::Idle).await;
    assert_wiped(&driver).await;
    finish(driver, rig, &dir).await;
}

/// The first QR code in a picture (its red channel as grey).
fn decode_picture(p: &kiosk::app::ScreenPicture) -> Option<String> {
    let (w, h) = (p.width as usize, p.height as usize);
    assert_eq!(p.rgba.len(), w * h * 4, "picture size");
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| p.rgba[(y * w + x) * 4]);
    img.detect_grids()
        .into_iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// Watches the view until `until` holds, returning the distinct camera pictures (by pointer)
/// seen while `id` showed, and the view where it stopped.
/// A face check's or QR scan's preview over `seconds`: at least two frames, and at most about
/// 10 a second (one extra for the first frame).
fn assert_preview_pace(frames: usize, seconds: f64) {
    assert!(frames >= 2, "{frames} preview frames");
    assert!(
        frames as f64 <= seconds * 10.0 + 2.0,
        "{frames} frames in {seconds:.1} s"
    );
}

async fn camera_frames(
    driver: &DriverHandle,
    id: ScreenId,
    until: impl Fn(&View) -> bool,
) -> (Vec<std::sync::Arc<kiosk::app::ScreenPicture>>, View) {
    let mut rx = driver.view();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut frames: Vec<std::sync::Arc<kiosk::app::ScreenPicture>> = Vec::new();
    loop {
        {
            let v = rx.borrow_and_update();
            if v.screen.id == id
                && let Some(p) = &v.picture
                && !frames.iter().any(|f| std::sync::Arc::ptr_eq(f, p))
            {
                frames.push(p.clone());
            }
            if until(&v) {
                return (frames, v.clone());
            }
        }
        match tokio::time::timeout_at(deadline, rx.changed()).await {
            Ok(Ok(())) => {}
            _ => panic!("timed out watching {id:?}; at {:#?}", rx.borrow().screen),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_shows_the_camera_preview_then_the_certificate_preview() {
    let dir = tempdir("pictures");
    // A stand-in check long enough for several preview frames (at most 10 a second).
    let rig = rig_with(&dir, StandInCamera::passing(Duration::from_millis(900))).await;
    let driver = start(&rig).await;
    driver.intent(Intent::Start(FlowKind::Records)).await;
    at(&driver, ScreenId::RecordsKind).await;
    driver.intent(Intent::Press(ButtonId::OwnershipQuery)).await;
    let v = at(&driver, ScreenId::Consent).await;
    assert!(v.picture.is_none());
    driver.intent(Intent::Press(ButtonId::Accept)).await;
    at(&driver, ScreenId::PlaceCard).await;
    rig.reader("place resident").await.unwrap();
    let started = std::time::Instant::now();
    let (frames, v) = camera_frames(&driver, ScreenId::FaceCheck, |v| {
        v.screen.id == ScreenId::Purpose && !v.screen.busy
    })
    .await;
    // The stand-in camera's frames went through the preview hook: a few, each a new picture,
    // at most about 10 a second, 480 wide at 4:3, and none after the check.
    assert_preview_pace(frames.len(), started.elapsed().as_secs_f64());
    for f in &frames {
        assert_eq!((f.width, f.height), (480, 360), "{f:?}");
        assert_eq!(f.rgba.len(), 480 * 360 * 4);
    }
    assert!(
        v.picture.is_none(),
        "a camera frame outlived the face check"
    );
    drop(frames);

    driver.intent(Intent::Select(1)).await;
    let v = driver
        .wait_for(PATIENCE, |v| {
            matches!(v.screen.id, ScreenId::Units | ScreenId::NoRecord) && !v.screen.busy
        })
        .await;
    assert_eq!(v.screen.id, ScreenId::Units, "{:#?}", v.screen);
    assert!(v.picture.is_none());
    driver.intent(Intent::Press(ButtonId::Certificate)).await;
    let v = driver
        .wait_for(PATIENCE, |v| {
            v.screen.id == ScreenId::Preview && v.picture.is_some()
        })
        .await;
    assert_eq!(v.screen.id, ScreenId::Preview, "{:#?}", v.screen);
    let Some(kiosk::app::flows::screen::Document::Certificate(cert)) = &v.screen.document else {
        panic!("the preview names no certificate: {:?}", v.screen.document);
    };
    let picture = v.picture.clone().unwrap();
    // A ticket-width raster of the first page, taller than wide, with the verification QR.
    assert_eq!(picture.width, 576, "{picture:?}");
    assert!(picture.height > picture.width, "{picture:?}");
    assert_eq!(
        decode_picture(&picture).as_deref(),
        Some(cert.verification_url.as_str())
    );
    assert!(
        cert.verification_url.starts_with("http"),
        "{}",
        cert.verification_url
    );
    // The same picture on every publish (rendered once, compared by pointer).
    driver.intent(Intent::Extend).await;
    driver.flush().await;
    let again = driver.view().borrow().clone();
    assert_eq!(again.screen.id, ScreenId::Preview);
    assert!(std::sync::Arc::ptr_eq(
        again.picture.as_ref().unwrap(),
        &picture
    ));
    drop(again);
    drop(v);

    driver.intent(Intent::Press(ButtonId::Print)).await;
    let v = at(&driver, ScreenId::TakeCertificate).await;
    assert!(v.picture.is_none(), "the preview outlived its screen");
    // The driver, the view and this test held the picture; only this test does now.
    assert_eq!(std::sync::Arc::strong_count(&picture), 1);
    driver.intent(Intent::Press(ButtonId::Done)).await;
    at(&driver, ScreenId::Idle).await;
    assert_wiped(&driver).await;
    finish(driver, rig, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_shows_the_qr_scan_preview_then_the_payment_qr() {
    let dir = tempdir("payqr");
    // The demo's first case has fees unpaid.
    let (_case, rig, driver) = at_case_method(&dir, Duration::from_millis(600)).await;
    let started = std::time::Instant::now();
    driver.intent(Intent::Press(ButtonId::ScanQr)).await;
    let (frames, v) = camera_frames(&driver, ScreenId::ScanQr, |v| {
        v.screen.id == ScreenId::CaseProgress && !v.screen.busy
    })
    .await;
    assert_preview_pace(frames.len(), started.elapsed().as_secs_f64());
    assert!(frames.iter().all(|f| f.width == 480 && f.height == 360));
    assert!(v.picture.is_none(), "a camera frame outlived the QR scan");
    drop(frames);

    driver.intent(Intent::Press(ButtonId::Fees)).await;
    let v = at(&driver, ScreenId::Fees).await;
    assert!(v.screen.can_press(ButtonId::Pay), "{:#?}", v.screen);
    driver.intent(Intent::Press(ButtonId::Pay)).await;
    let v = driver
        .wait_for(PATIENCE, |v| {
            v.screen.id == ScreenId::PaymentQr && v.picture.is_some()
        })
        .await;
    assert_eq!(v.screen.id, ScreenId::PaymentQr, "{:#?}", v.screen);
    let payload = v.screen.qr.clone().expect("a pending order shows its QR");
    assert!(
        payload.starts_with(kiosk_sim::central::routes::cases::PAY_URL_PREFIX),
        "{payload}"
    );
    let picture = v.picture.clone().unwrap();
    assert_eq!(decode_picture(&picture).as_deref(), Some(payload.as_str()));
    // The status is shown as before: pending, with the expiry.
    assert!(
        v.screen.rendered_lines(kiosk::app::flows::Lang::Zh).len() >= 2,
        "{:#?}",
        v.screen
    );
    drop(v);
    // The simulator reports the order paid from the third poll: the QR goes with it.
    let v = driver
        .wait_for(Duration::from_secs(30), |v| {
            v.screen.id == ScreenId::PaymentQr && v.screen.can_press(ButtonId::Done)
        })
        .await;
    assert!(v.screen.can_press(ButtonId::Done), "{:#?}", v.screen);
    assert!(v.screen.qr.is_none() && v.picture.is_none());
    drop(v);
    assert_eq!(std::sync::Arc::strong_count(&picture), 1);
    driver.intent(Intent::Home).await;
    at(&driver, ScreenId::Idle).await;
    assert_wiped(&driver).await;
    finish(driver, rig, &dir).await;
}

/// The real face pipeline (the simulator's cooperative citizen from a face photo, YuNet or the
/// cascades) feeds the preview: downscaled, mirrored frames while the check runs, none after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_face_pipeline_feeds_the_camera_preview() {
    let Some(photos) = kiosk_e2e::face_data(
        kiosk_e2e::PHOTOS_ENV,
        "the_face_pipeline_feeds_the_camera_preview",
    ) else {
        return;
    };
    let dir = tempdir("livepreview");
    let options = RigOptions::unpaced(dir.clone(), DemoCamera::Photo(Some(photos)));
    let rig = DemoRig::start(options).await.unwrap();
    let driver = start(&rig).await;
    driver.intent(Intent::Start(FlowKind::Records)).await;
    at(&driver, ScreenId::RecordsKind).await;
    driver.intent(Intent::Press(ButtonId::OwnershipQuery)).await;
    at(&driver, ScreenId::Consent).await;
    driver.intent(Intent::Press(ButtonId::Accept)).await;
    at(&driver, ScreenId::PlaceCard).await;
    rig.reader("place resident").await.unwrap();
    let started = std::time::Instant::now();
    let (frames, v) = camera_frames(&driver, ScreenId::FaceCheck, |v| {
        matches!(v.screen.id, ScreenId::Purpose | ScreenId::FaceFailed) && !v.screen.busy
    })
    .await;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "face check: {} preview frames in {seconds:.1} s, ended at {:?}",
        frames.len(),
        v.screen.id
    );
    assert_preview_pace(frames.len(), seconds);
    for f in &frames {
        assert_eq!(f.width, 480, "{f:?}");
        assert!((200..=480).contains(&f.height), "{f:?}");
        assert_eq!(f.rgba.len(), (f.width * f.height * 4) as usize);
        // A camera picture, not a blank one.
        let lo = f.rgba.iter().step_by(4).min().unwrap();
        let hi = f.rgba.iter().step_by(4).max().unwrap();
        assert!(hi - lo > 50, "{f:?}: flat picture");
    }
    assert!(
        v.picture.is_none(),
        "a camera frame outlived the face check"
    );
    drop(frames);
    driver.intent(Intent::Home).await;
    at(&driver, ScreenId::Idle).await;
    assert_wiped(&driver).await;
    finish(driver, rig, &dir).await;
}

#[test]
fn the_qr_decoder_reads_a_printed_ticket() {
    use opencv::prelude::*;
    let fonts = tickets::Fonts::load_default().unwrap();
    let ticket = tickets::Ticket::sample_queue();
    let raster =
        tickets::render_raster(&ticket.layout(), tickets::PaperWidth::Mm80, &fonts).unwrap();
    let width = raster.width_dots as usize;
    let mut grey = Vec::with_capacity(width * raster.height as usize);
    for row in raster.bytes.chunks(width / 8) {
        for x in 0..width {
            let black = row[x / 8] & (0x80 >> (x % 8)) != 0;
            grey.push(if black { 0u8 } else { 255 });
        }
    }
    let mat = opencv::core::Mat::from_slice(&grey).unwrap();
    let mat = mat
        .reshape(1, raster.height as i32)
        .unwrap()
        .try_clone()
        .unwrap();
    let text = kiosk::app::camera::decode_qr(&mat).expect("a QR code");
    assert_eq!(Some(text.as_str()), ticket.qr_payload());
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kiosk-app-{name}-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
