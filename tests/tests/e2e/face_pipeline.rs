//! End to end: the camera pipeline (detector, measurement, liveness check) on the simulator's
//! scripted sequences built from real photos. The cooperative citizen passes; every
//! presentation attack fails with its own reason.
//!
//! Needs the face_recognition test photos (`KIOSK_FACE_PHOTOS`) and, for the YuNet tests, the
//! model (`KIOSK_YUNET_MODEL`); without them a test prints SKIPPED, and fails instead when
//! `KIOSK_REQUIRE_FACE_DATA=1` (CI). The cascade tests need Debian's opencv-data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use camera::{CheckReport, Consent, FaceDetector, ImageSequenceSource, Outcome, RunLimits};
use kiosk_sim::camera::{FacePhoto, Scenario, ScenarioConfig, ScriptedSource};
use liveness::{Challenge, ChallengePlan, CheckConfig, FailReason};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use kiosk_e2e::{PHOTOS_ENV, YUNET_ENV};

/// A path from the environment, or `None` after printing SKIPPED (a failure when required).
fn from_env(var: &str, test: &str) -> Option<PathBuf> {
    kiosk_e2e::face_data(var, test)
}

/// Which detector a test runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Det {
    YuNet,
    Cascade,
}

/// The photo folder and, for YuNet, the model; `None` when the test must skip.
fn data(test: &str, det: Det) -> Option<(PathBuf, Option<PathBuf>)> {
    let photos = from_env(PHOTOS_ENV, test)?;
    let model = match det {
        Det::YuNet => Some(from_env(YUNET_ENV, test)?),
        Det::Cascade => None,
    };
    Some((photos, model))
}

fn detector(model: Option<&Path>) -> Box<dyn FaceDetector + Send> {
    camera::detector_from_model(model).unwrap()
}

/// A detector that notes what it saw in each frame (faces, yaw, pitch, eye openness), printed
/// with the report so a failing run shows why.
struct Tracing {
    inner: Box<dyn FaceDetector + Send>,
    trace: Vec<String>,
}

impl FaceDetector for Tracing {
    fn detect(
        &mut self,
        frame: &opencv::core::Mat,
    ) -> Result<Vec<camera::Detection>, camera::CameraError> {
        let found = self.inner.detect(frame)?;
        let line = match found.first() {
            None => "-".to_owned(),
            Some(d) => {
                let pose = d.landmarks.as_ref().and_then(liveness::estimate_pose);
                let open = d
                    .landmarks
                    .as_ref()
                    .and_then(|l| camera::eye_openness(frame, l).ok().flatten());
                format!(
                    "{}x{:.0}@{:.0},{:.0} y{:+.1} p{:+.1} o{:.2} e{}",
                    found.len(),
                    d.bbox.w,
                    d.bbox.x,
                    d.bbox.y,
                    pose.map_or(f32::NAN, |p| p.yaw_deg),
                    pose.map_or(f32::NAN, |p| p.pitch_deg),
                    open.unwrap_or(f32::NAN),
                    d.eyes.len()
                )
            }
        };
        self.trace.push(line);
        Ok(found)
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn challenges(&self) -> (&'static [Challenge], Option<Challenge>) {
        self.inner.challenges()
    }
}

/// Plays `scenario` (photo obama.jpg) through the whole pipeline with `plan`.
fn run(
    photos: &Path,
    model: Option<&Path>,
    scenario: Scenario,
    plan: &[Challenge],
    seconds: u64,
) -> CheckReport {
    let mut det = detector(model);
    let photo = FacePhoto::load(&photos.join("obama.jpg"), det.as_mut()).unwrap();
    let mut cfg = ScenarioConfig::new(scenario);
    cfg.frames = seconds * u64::from(cfg.fps);
    let mut source = ScriptedSource::new(cfg, &photo, None).unwrap();
    let consent = Consent::new("test-notice-1", SystemTime::now());
    let mut actions = Vec::new();
    let mut det = Tracing {
        inner: det,
        trace: Vec::new(),
    };
    let report = camera::run_check_with(
        &mut source,
        &mut det,
        ChallengePlan::fixed(plan).unwrap(),
        CheckConfig::default(),
        &consent,
        RunLimits::default(),
        &mut |a, at| {
            if !matches!(a, liveness::Action::Countdown { .. }) {
                actions.push(format!("{at}: {a:?}"));
            }
        },
    )
    .unwrap();
    println!(
        "{scenario} {plan:?} with {}: {:?} after {} frames ({} ms of video), median {:.1} ms/frame\n  {}\n  frames: {}",
        report.detector,
        report.outcome,
        report.frames,
        report.duration_ms,
        report.timing.median_ms,
        actions.join("\n  "),
        det.trace.join(" | ")
    );
    report
}

fn assert_passed(report: &CheckReport) {
    assert_eq!(report.outcome, Outcome::Passed, "{report:?}");
    assert!(report.challenges.iter().all(|c| c.met), "{report:?}");
    assert!(
        report.best_frame.is_some(),
        "a passed check has a best frame"
    );
}

fn assert_failed(report: &CheckReport, allowed: &[FailReason]) {
    match report.outcome {
        Outcome::Failed(r) if allowed.contains(&r) => {}
        other => panic!("expected one of {allowed:?}, got {other:?}: {report:?}"),
    }
    assert!(report.best_frame.is_none(), "a failed check keeps no frame");
}

#[test]
fn cooperative_citizen_passes_turns_and_blink_with_yunet() {
    let Some((photos, model)) = data(
        "cooperative_citizen_passes_turns_and_blink_with_yunet",
        Det::YuNet,
    ) else {
        return;
    };
    let report = run(
        &photos,
        model.as_deref(),
        Scenario::Cooperative,
        &[Challenge::TurnLeft, Challenge::Blink, Challenge::TurnRight],
        10,
    );
    assert_passed(&report);
}

#[test]
fn cooperative_citizen_passes_a_nod_with_yunet() {
    let Some((photos, model)) = data("cooperative_citizen_passes_a_nod_with_yunet", Det::YuNet)
    else {
        return;
    };
    let report = run(
        &photos,
        model.as_deref(),
        Scenario::Cooperative,
        &[Challenge::Nod, Challenge::TurnLeft],
        8,
    );
    assert_passed(&report);
}

#[test]
fn still_photo_fails_with_no_motion_with_yunet() {
    let Some((photos, model)) = data("still_photo_fails_with_no_motion_with_yunet", Det::YuNet)
    else {
        return;
    };
    let report = run(
        &photos,
        model.as_deref(),
        Scenario::StillPhoto,
        &[Challenge::TurnLeft, Challenge::Blink],
        8,
    );
    assert_failed(&report, &[FailReason::NoMotion]);
}

/// A waved print: moved, scaled, rolled and tilted, never turned like a head.
fn moved_photo_fails(test: &str, firsts: [Challenge; 2]) {
    let Some((photos, model)) = data(test, Det::YuNet) else {
        return;
    };
    for first in firsts {
        let second = if first == Challenge::TurnLeft {
            Challenge::TurnRight
        } else {
            Challenge::TurnLeft
        };
        let report = run(
            &photos,
            model.as_deref(),
            Scenario::MovedPhoto,
            &[first, second],
            6,
        );
        assert_failed(
            &report,
            &[FailReason::ChallengeNotMet(first), FailReason::NoMotion],
        );
    }
}

#[test]
fn moved_photo_fails_the_turns_with_yunet() {
    moved_photo_fails(
        "moved_photo_fails_the_turns_with_yunet",
        [Challenge::TurnLeft, Challenge::TurnRight],
    );
}

#[test]
fn moved_photo_fails_the_nod_and_the_blink_with_yunet() {
    moved_photo_fails(
        "moved_photo_fails_the_nod_and_the_blink_with_yunet",
        [Challenge::Nod, Challenge::Blink],
    );
}

#[test]
fn two_faces_fail_with_multiple_faces_with_yunet() {
    let Some((photos, model)) = data("two_faces_fail_with_multiple_faces_with_yunet", Det::YuNet)
    else {
        return;
    };
    let report = run(
        &photos,
        model.as_deref(),
        Scenario::TwoFaces,
        &[Challenge::TurnLeft, Challenge::Blink],
        5,
    );
    assert_failed(&report, &[FailReason::MultipleFaces]);
}

#[test]
fn no_face_fails_with_face_left_with_yunet() {
    let Some((photos, model)) = data("no_face_fails_with_face_left_with_yunet", Det::YuNet) else {
        return;
    };
    let report = run(
        &photos,
        model.as_deref(),
        Scenario::NoFace,
        &[Challenge::TurnLeft, Challenge::Blink],
        5,
    );
    assert_failed(
        &report,
        &[FailReason::FaceLeft, FailReason::CalibrationTimedOut],
    );
}

#[test]
fn walk_away_fails_with_face_left_with_yunet() {
    let Some((photos, model)) = data("walk_away_fails_with_face_left_with_yunet", Det::YuNet)
    else {
        return;
    };
    let report = run(
        &photos,
        model.as_deref(),
        Scenario::WalkAway,
        &[Challenge::TurnLeft, Challenge::Blink, Challenge::TurnRight],
        8,
    );
    assert_failed(&report, &[FailReason::FaceLeft]);
}

/// The cascade path: eye regions from the eye cascade, the other landmarks approximated from
/// the box. Measured on these sequences: a blink is judged (openness about 0.54 -> 0.2), a nod
/// is not (the approximated nose does not move: pitch stays within 2°), and a turn is not
/// reliably (the approximated yaw jitters by ±8° on a still print and reads a turn to the
/// person's left as about -20°). So with cascades only the blink is asserted; a plan that holds
/// a turn or a nod does not pass for a cooperative citizen.
#[test]
fn cascades_judge_a_blink_but_not_a_nod() {
    let Some((photos, _)) = data("cascades_judge_a_blink_but_not_a_nod", Det::Cascade) else {
        return;
    };
    let report = run(
        &photos,
        None,
        Scenario::Cooperative,
        &[Challenge::Blink, Challenge::Nod],
        8,
    );
    assert_ne!(report.detector, "yunet");
    let blink = report.challenges.first().unwrap();
    assert!(blink.met, "the blink is met with cascades: {report:?}");
    assert_failed(&report, &[FailReason::ChallengeNotMet(Challenge::Nod)]);
}

#[test]
fn cooperative_citizen_passes_a_turn_and_a_blink_with_cascades() {
    let Some((photos, _)) = data(
        "cooperative_citizen_passes_a_turn_and_a_blink_with_cascades",
        Det::Cascade,
    ) else {
        return;
    };
    let report = run(
        &photos,
        None,
        Scenario::Cooperative,
        &[Challenge::TurnLeft, Challenge::Blink],
        8,
    );
    assert_ne!(report.detector, "yunet");
    assert_passed(&report);
}

#[test]
fn cascade_plans_are_turns_and_a_blink_never_a_nod() {
    let det = detector(None);
    for seed in 0..64 {
        let plan = camera::draw_plan(&det, seed, 2).unwrap();
        let c = plan.challenges();
        assert!(c.contains(&Challenge::Blink), "{c:?}");
        assert!(!c.contains(&Challenge::Nod), "{c:?}");
    }
    assert!(camera::draw_plan(&det, 1, 3).is_ok());
}

#[test]
fn prints_fail_with_cascades() {
    let Some((photos, _)) = data("prints_fail_with_cascades", Det::Cascade) else {
        return;
    };
    // The cascade path's plans always hold a blink, which a print cannot perform.
    for scenario in [Scenario::StillPhoto, Scenario::MovedPhoto] {
        let report = run(
            &photos,
            None,
            scenario,
            &[Challenge::Blink, Challenge::TurnLeft],
            6,
        );
        assert_failed(
            &report,
            &[
                FailReason::NoMotion,
                FailReason::ChallengeNotMet(Challenge::Blink),
            ],
        );
    }
}

#[test]
fn two_faces_no_face_and_walk_away_fail_with_cascades() {
    let Some((photos, _)) = data(
        "two_faces_no_face_and_walk_away_fail_with_cascades",
        Det::Cascade,
    ) else {
        return;
    };
    let plan = [Challenge::Blink, Challenge::TurnLeft];
    let report = run(&photos, None, Scenario::TwoFaces, &plan, 4);
    assert_failed(&report, &[FailReason::MultipleFaces]);
    let report = run(&photos, None, Scenario::NoFace, &plan, 4);
    assert_failed(&report, &[FailReason::FaceLeft]);
    let report = run(&photos, None, Scenario::WalkAway, &plan, 6);
    assert_failed(&report, &[FailReason::FaceLeft]);
}

/// `kiosk-sim camera --out-dir` writes frames the camera crate's `frames:DIR` source plays back
/// through the whole pipeline: offline, the citizen performs `--challenges` in order.
#[test]
fn cli_frames_play_back_through_the_pipeline() {
    let Some((photos, model)) = data("cli_frames_play_back_through_the_pipeline", Det::YuNet)
    else {
        return;
    };
    let model = model.unwrap();
    let dir = kiosk_e2e::temp_dir("camera-frames");
    let out = sim_camera(&[
        "--photo",
        photos.join("obama.jpg").to_str().unwrap(),
        "--scenario",
        "cooperative",
        "--challenges",
        "blink,turn-right",
        "--seconds",
        "5",
        "--model",
        model.to_str().unwrap(),
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(summary["frames"], 75, "{summary}");
    assert_eq!(summary["scenario"], "cooperative");
    assert_eq!(summary["fps"], 15);
    assert!(dir.join("00000.png").is_file() && dir.join("00074.png").is_file());

    let mut source = ImageSequenceSource::open(&dir, 15.0).unwrap();
    let mut det = detector(Some(&model));
    let report = camera::run_check(
        &mut source,
        det.as_mut(),
        ChallengePlan::fixed(&[Challenge::Blink, Challenge::TurnRight]).unwrap(),
        CheckConfig::default(),
        &Consent::new("test-notice-1", SystemTime::now()),
        RunLimits::default(),
    )
    .unwrap();
    assert_passed(&report);

    // The same folder again would mix two sequences: refused.
    let again = sim_camera(&[
        "--photo",
        photos.join("obama.jpg").to_str().unwrap(),
        "--scenario",
        "still-photo",
        "--seconds",
        "1",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds PNG frames"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_writes_an_mjpg_video_and_refuses_bad_input() {
    let Some((photos, _)) = data(
        "cli_writes_an_mjpg_video_and_refuses_bad_input",
        Det::Cascade,
    ) else {
        return;
    };
    let dir = kiosk_e2e::temp_dir("camera-video");
    let avi = dir.join("still.avi");
    let photo = photos.join("obama.jpg");
    let out = sim_camera(&[
        "--photo",
        photo.to_str().unwrap(),
        "--scenario",
        "still-photo",
        "--seconds",
        "1",
        "--video",
        avi.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut video = camera::VideoFileSource::open(&avi).unwrap();
    let mut frames = 0;
    while let Some(frame) = camera::FrameSource::next_frame(&mut video).unwrap() {
        assert_eq!(frame.size(), (640, 480));
        frames += 1;
    }
    assert_eq!(frames, 15);

    let fails = |args: &[&str], needle: &str| {
        let out = sim_camera(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    };
    let frames_dir = dir.join("frames");
    let frames_arg = frames_dir.to_str().unwrap();
    fails(
        &[
            "--photo",
            "/nonexistent.jpg",
            "--scenario",
            "cooperative",
            "--out-dir",
            frames_arg,
        ],
        "cannot read photo /nonexistent.jpg",
    );
    fails(
        &[
            "--photo",
            photo.to_str().unwrap(),
            "--scenario",
            "mask",
            "--out-dir",
            frames_arg,
        ],
        "unknown scenario \"mask\"",
    );
    fails(
        &[
            "--photo",
            photo.to_str().unwrap(),
            "--scenario",
            "cooperative",
            "--challenges",
            "turn-left,wink",
            "--out-dir",
            frames_arg,
        ],
        "unknown challenge \"wink\"",
    );
    // A frame of the empty backdrop is a photo without a face.
    let empty = dir.join("empty");
    let out = sim_camera(&[
        "--photo",
        photo.to_str().unwrap(),
        "--scenario",
        "no-face",
        "--seconds",
        "0.1",
        "--out-dir",
        empty.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fails(
        &[
            "--photo",
            empty.join("00000.png").to_str().unwrap(),
            "--scenario",
            "cooperative",
            "--out-dir",
            frames_arg,
        ],
        "no face found in photo",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `kiosk-sim camera ARGS` to completion.
fn sim_camera(args: &[&str]) -> std::process::Output {
    std::process::Command::new(kiosk_e2e::bin("kiosk-sim"))
        .arg("camera")
        .args(args)
        .output()
        .unwrap()
}
