//! The whole check over scripted sources built from a real photo: attacks fail, a scripted
//! cooperative pose passes and yields a JPEG best frame.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

mod common;

use std::sync::{Arc, Mutex};

use camera::{
    CameraError, Cascade, ChallengeResult, Consent, Detection, FaceDetector, Frame, FrameSource,
    Outcome, RunLimits, YuNet, run_check, run_check_with,
};
use common::{group_frame, kiosk_frame, photos, yunet_model};
use liveness::{Action, Challenge, ChallengePlan, CheckConfig, FailReason};
use opencv::core::{self, Mat, Scalar, Size};
use opencv::imgproc;
use opencv::prelude::*;

const FRAME_MS: u64 = 66;

type Prompts = Arc<Mutex<Vec<Option<Challenge>>>>;

/// Frames made by a closure from the frame number, 15 a second, recording the prompts.
struct Scripted {
    make: Box<dyn FnMut(u64) -> Option<Mat> + Send>,
    i: u64,
    prompts: Prompts,
    shown: Arc<Mutex<Option<Challenge>>>,
}

impl Scripted {
    fn new(make: impl FnMut(u64) -> Option<Mat> + Send + 'static) -> Self {
        Self {
            make: Box::new(make),
            i: 0,
            prompts: Prompts::default(),
            shown: Arc::default(),
        }
    }
}

impl FrameSource for Scripted {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        let Some(m) = (self.make)(self.i) else {
            return Ok(None);
        };
        let f = Frame::new(m, 1_000 + self.i * FRAME_MS, self.i);
        self.i += 1;
        Ok(Some(f))
    }

    fn prompt(&mut self, shown: Option<Challenge>) {
        self.prompts.lock().unwrap().push(shown);
        *self.shown.lock().unwrap() = shown;
    }

    fn describe(&self) -> String {
        "scripted".into()
    }
}

fn consent() -> Consent {
    Consent::new("face-notice-1", std::time::SystemTime::UNIX_EPOCH)
}

fn plan() -> ChallengePlan {
    ChallengePlan::fixed(&[Challenge::TurnLeft, Challenge::Nod]).unwrap()
}

fn detectors(test: &str) -> Vec<Box<dyn FaceDetector + Send>> {
    let mut d: Vec<Box<dyn FaceDetector + Send>> =
        vec![Box::new(Cascade::default_detector().unwrap())];
    if let Some(model) = yunet_model(test) {
        d.push(Box::new(YuNet::new(&model).unwrap()));
    }
    d
}

/// The photo scaled, rotated in the plane and moved about its centre.
fn moved(photo: &Mat, scale: f64, angle_deg: f64, dx: f64, dy: f64) -> Mat {
    let mut m = imgproc::get_rotation_matrix_2d(core::Point2f::new(320.0, 220.0), angle_deg, scale)
        .unwrap();
    *m.at_2d_mut::<f64>(0, 2).unwrap() += dx;
    *m.at_2d_mut::<f64>(1, 2).unwrap() += dy;
    let mut out = Mat::default();
    imgproc::warp_affine(
        photo,
        &mut out,
        &m,
        Size::new(640, 480),
        imgproc::INTER_LINEAR,
        core::BORDER_REPLICATE,
        Scalar::all(0.0),
    )
    .unwrap();
    out
}

fn not_met(r: &[ChallengeResult]) -> bool {
    r.iter().all(|c| !c.met)
}

#[test]
fn a_still_photo_fails_with_no_motion() {
    let test = "a_still_photo_fails_with_no_motion";
    let Some(dir) = photos(test) else {
        return;
    };
    let photo = kiosk_frame(&dir, "obama.jpg");
    for mut det in detectors(test) {
        let p = photo.clone();
        let mut src = Scripted::new(move |_| Some(p.try_clone().unwrap()));
        let prompts = src.prompts.clone();
        let r = run_check(
            &mut src,
            &mut det,
            plan(),
            CheckConfig::default(),
            &consent(),
            RunLimits::default(),
        )
        .unwrap();
        assert_eq!(
            r.outcome,
            Outcome::Failed(FailReason::NoMotion),
            "{}: {r:?}",
            det.name()
        );
        assert!(r.best_frame.is_none());
        assert!(not_met(&r.challenges));
        assert!(r.challenges[0].shown && !r.challenges[1].shown);
        // Shown the first challenge, then withdrawn.
        let p = prompts.lock().unwrap().clone();
        assert_eq!(p.first(), Some(&Some(Challenge::TurnLeft)), "{p:?}");
        assert_eq!(p.last(), Some(&None));
        assert_eq!(r.consent.notice_version(), "face-notice-1");
        assert_eq!(r.detector, det.name());
        println!(
            "{}: {} frames, {:.1} ms median, {:.1} ms p90",
            det.name(),
            r.frames,
            r.timing.median_ms,
            r.timing.p90_ms
        );
    }
}

#[test]
fn a_photo_moved_and_rotated_in_the_plane_fails() {
    let test = "a_photo_moved_and_rotated_in_the_plane_fails";
    let Some(dir) = photos(test) else {
        return;
    };
    let photo = kiosk_frame(&dir, "obama.jpg");
    for mut det in detectors(test) {
        for plan in [
            ChallengePlan::fixed(&[Challenge::TurnLeft, Challenge::Nod]).unwrap(),
            ChallengePlan::fixed(&[Challenge::Blink, Challenge::TurnRight]).unwrap(),
        ] {
            let p = photo.clone();
            let mut src = Scripted::new(move |i| {
                let t = i as f64;
                Some(moved(
                    &p,
                    1.0 + 0.04 * (t / 9.0).sin(),
                    6.0 * (t / 7.0).sin(),
                    25.0 * (t / 5.0).sin(),
                    10.0 * (t / 6.0).cos(),
                ))
            });
            let r = run_check(
                &mut src,
                &mut det,
                plan.clone(),
                CheckConfig::default(),
                &consent(),
                RunLimits::default(),
            )
            .unwrap();
            let first = plan.challenges()[0];
            assert_eq!(
                r.outcome,
                Outcome::Failed(FailReason::ChallengeNotMet(first)),
                "{}: {r:?}",
                det.name()
            );
            assert!(r.best_frame.is_none() && not_met(&r.challenges));
        }
    }
}

#[test]
fn two_people_fail_with_multiple_faces() {
    let test = "two_people_fail_with_multiple_faces";
    let Some(dir) = photos(test) else {
        return;
    };
    let group = group_frame(&dir);
    for mut det in detectors(test) {
        let g = group.clone();
        let mut src = Scripted::new(move |_| Some(g.try_clone().unwrap()));
        let mut actions = Vec::new();
        let r = run_check_with(
            &mut src,
            &mut det,
            plan(),
            CheckConfig::default(),
            &consent(),
            RunLimits::default(),
            &mut |a, _| actions.push(*a),
        )
        .unwrap();
        assert_eq!(
            r.outcome,
            Outcome::Failed(FailReason::MultipleFaces),
            "{}: {r:?}",
            det.name()
        );
        assert!(actions.contains(&Action::ShowPrompt(liveness::Prompt::OnlyOnePerson)));
        assert!(r.best_frame.is_none());
    }
}

#[test]
fn no_face_fails_with_face_left() {
    let blank =
        Mat::new_rows_cols_with_default(480, 640, core::CV_8UC3, Scalar::all(90.0)).unwrap();
    let mut src = Scripted::new(move |_| Some(blank.try_clone().unwrap()));
    let mut det = Cascade::default_detector().unwrap();
    let r = run_check(
        &mut src,
        &mut det,
        plan(),
        CheckConfig::default(),
        &consent(),
        RunLimits::default(),
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Failed(FailReason::FaceLeft), "{r:?}");
    assert!(r.challenges.iter().all(|c| !c.shown && c.time_ms.is_none()));
    assert!(r.best_frame.is_none());
    // The grace period is 1 s: about 16 frames at 15 a second.
    assert!((15..=18).contains(&r.frames), "{r:?}");
    // A long grace period turns it into a calibration time-out.
    let cfg = CheckConfig {
        face_absent_grace_ms: 60_000,
        ..CheckConfig::default()
    };
    let blank =
        Mat::new_rows_cols_with_default(480, 640, core::CV_8UC3, Scalar::all(90.0)).unwrap();
    let mut src = Scripted::new(move |_| Some(blank.try_clone().unwrap()));
    let r = run_check(
        &mut src,
        &mut det,
        plan(),
        cfg,
        &consent(),
        RunLimits::default(),
    )
    .unwrap();
    assert_eq!(
        r.outcome,
        Outcome::Failed(FailReason::CalibrationTimedOut),
        "{r:?}"
    );
}

#[test]
fn a_source_that_ends_or_a_frame_limit_gives_no_verdict() {
    let grey = Mat::new_rows_cols_with_default(480, 640, core::CV_8UC3, Scalar::all(90.0)).unwrap();
    let g = grey.clone();
    let mut src = Scripted::new(move |i| (i < 3).then(|| g.try_clone().unwrap()));
    let mut det = Cascade::default_detector().unwrap();
    let r = run_check(
        &mut src,
        &mut det,
        plan(),
        CheckConfig::default(),
        &consent(),
        RunLimits::default(),
    )
    .unwrap();
    assert_eq!((r.outcome, r.frames), (Outcome::SourceEnded, 3));
    assert_eq!(r.duration_ms, 2 * FRAME_MS);
    assert!(r.best_frame.is_none());
    let mut src = Scripted::new(move |_| Some(grey.try_clone().unwrap()));
    let r = run_check(
        &mut src,
        &mut det,
        plan(),
        CheckConfig::default(),
        &consent(),
        RunLimits { max_frames: 5 },
    )
    .unwrap();
    assert_eq!((r.outcome, r.frames), (Outcome::FrameLimit, 5));
    // An empty source.
    let mut src = Scripted::new(|_| None);
    let r = run_check(
        &mut src,
        &mut det,
        plan(),
        CheckConfig::default(),
        &consent(),
        RunLimits::default(),
    )
    .unwrap();
    assert_eq!((r.outcome, r.frames), (Outcome::SourceEnded, 0));
}

/// A detector that finds the real face and then poses it as a cooperative citizen would,
/// following the prompt: a few frames frontal, a few frames moved, then frontal again.
/// (Pixels are not synthesised: the simulator's sequences do that.)
struct Cooperative<D> {
    inner: D,
    shown: Arc<Mutex<Option<Challenge>>>,
    current: Option<Challenge>,
    since: u32,
}

impl<D: FaceDetector> FaceDetector for Cooperative<D> {
    fn detect(&mut self, frame: &Mat) -> Result<Vec<Detection>, CameraError> {
        let mut found = self.inner.detect(frame)?;
        let shown = *self.shown.lock().unwrap();
        if shown != self.current {
            self.current = shown;
            self.since = 0;
        }
        self.since += 1;
        if let (Some(c), Some(l)) = (
            self.current,
            found.first_mut().and_then(|d| d.landmarks.as_mut()),
        ) {
            if (3..7).contains(&self.since) {
                let dist = l.left_eye.x - l.right_eye.x;
                let mouth_down =
                    (l.mouth_left.y + l.mouth_right.y) / 2.0 - (l.left_eye.y + l.right_eye.y) / 2.0;
                match c {
                    Challenge::TurnLeft => l.nose.x += 0.3 * dist,
                    Challenge::TurnRight => l.nose.x -= 0.3 * dist,
                    Challenge::Nod => l.nose.y += 0.25 * mouth_down,
                    Challenge::Blink => {}
                }
            }
        }
        Ok(found)
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

#[test]
fn a_cooperative_pose_passes_and_yields_a_jpeg_best_frame() {
    let test = "a_cooperative_pose_passes_and_yields_a_jpeg_best_frame";
    let Some(dir) = photos(test) else {
        return;
    };
    let photo = kiosk_frame(&dir, "obama.jpg");
    for inner in detectors(test) {
        let p = photo.clone();
        let mut src = Scripted::new(move |_| Some(p.try_clone().unwrap()));
        let prompts = src.prompts.clone();
        let mut det = Cooperative {
            inner,
            shown: src.shown.clone(),
            current: None,
            since: 0,
        };
        let mut actions = Vec::new();
        let r = run_check_with(
            &mut src,
            &mut det,
            plan(),
            CheckConfig::default(),
            &consent(),
            RunLimits::default(),
            &mut |a, at| actions.push((*a, at)),
        )
        .unwrap();
        let name = det.name();
        assert_eq!(r.outcome, Outcome::Passed, "{name}: {r:?}\n{actions:?}");
        assert!(r.challenges.iter().all(|c| c.shown && c.met), "{r:?}");
        for c in &r.challenges {
            // Shown while frame k is judged; k+1 and k+2 frontal, k+3..k+6 moved, met at k+7.
            assert_eq!(c.time_ms, Some(7 * FRAME_MS), "{name}: {c:?}");
        }
        assert_eq!(
            prompts.lock().unwrap().as_slice(),
            [Some(Challenge::TurnLeft), None, Some(Challenge::Nod), None]
        );
        let best = r
            .best_frame
            .as_ref()
            .expect("a passed check has a best frame");
        assert_eq!((best.width, best.height), (640, 480));
        assert!(best.at_ms >= 1_000 && best.at_ms < 1_000 + r.frames * FRAME_MS);
        assert_eq!((best.at_ms - 1_000) % FRAME_MS, 0, "a frame's own time");
        // The JPEG decodes to the frame.
        let image = mjpeg::decode_jpeg(&best.jpeg).unwrap();
        let decoded = Mat::from_slice(&image.bgr)
            .unwrap()
            .reshape(3, 480)
            .unwrap()
            .try_clone()
            .unwrap();
        assert_eq!((decoded.cols(), decoded.rows()), (640, 480));
        let mut diff = Mat::default();
        core::absdiff(&decoded, &photo, &mut diff).unwrap();
        let mean = core::mean(&diff, &core::no_array()).unwrap();
        assert!(mean[0] < 4.0 && mean[1] < 4.0 && mean[2] < 4.0, "{mean:?}");
        assert!(
            actions
                .iter()
                .any(|(a, _)| matches!(a, Action::Countdown { .. }))
        );
        assert_eq!(actions.last().map(|a| a.0), Some(Action::Passed));
        println!(
            "{name}: passed in {} frames, {} ms; {:?}; {:?}",
            r.frames, r.duration_ms, r.timing, best
        );
    }
}
