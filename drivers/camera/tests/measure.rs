//! Measurement on the real photos: pose, sharpness, brightness, eye openness.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

mod common;

use camera::{Cascade, Detection, FaceDetector, YuNet, observe};
use common::{frame, kiosk_frame, photos, yunet_model};
use liveness::{Landmarks, Observation, QualityConfig, QualityGate, Verdict};
use opencv::core::{self, Mat, Rect, Scalar, Size};
use opencv::imgproc;
use opencv::prelude::*;

fn detectors(test: &str) -> Vec<Box<dyn FaceDetector + Send>> {
    let mut d: Vec<Box<dyn FaceDetector + Send>> =
        vec![Box::new(Cascade::default_detector().unwrap())];
    if let Some(model) = yunet_model(test) {
        d.push(Box::new(YuNet::new(&model).unwrap()));
    }
    d
}

fn measure(det: &mut dyn FaceDetector, mat: &Mat) -> (Vec<Detection>, Observation) {
    let found = det.detect(mat).unwrap();
    let f = frame(mat.try_clone().unwrap(), 0, 0);
    let obs = observe(&f, &found);
    (found, obs)
}

fn one_face(det: &mut dyn FaceDetector, mat: &Mat, what: &str) -> (Detection, Observation) {
    let (found, obs) = measure(det, mat);
    assert_eq!(found.len(), 1, "{} on {what}: {found:?}", det.name());
    (found[0].clone(), obs)
}

fn mirror(m: &Mat) -> Mat {
    let mut out = Mat::default();
    core::flip(m, &mut out, 1).unwrap();
    out
}

/// Paints a skin-coloured square of side `0.5 x eye distance` over each eye (a closed eyelid),
/// with a thin dark lash line across its middle when `lashes`.
fn close_eyes(m: &Mat, l: &Landmarks, lashes: bool) -> Mat {
    let mut out = m.try_clone().unwrap();
    let dist = (l.left_eye.x - l.right_eye.x).hypot(l.left_eye.y - l.right_eye.y);
    // Skin: the cheek below the eye, between eye and mouth corner.
    let cheek = (
        ((l.right_eye.x + l.mouth_right.x) / 2.0) as i32,
        ((l.right_eye.y + l.mouth_right.y) / 2.0) as i32,
    );
    let skin = core::mean(
        &Mat::roi(m, Rect::new(cheek.0 - 4, cheek.1 - 4, 8, 8)).unwrap(),
        &core::no_array(),
    )
    .unwrap();
    let side = (0.5 * dist) as i32;
    for eye in [l.left_eye, l.right_eye] {
        let r = Rect::new(eye.x as i32 - side / 2, eye.y as i32 - side / 2, side, side);
        imgproc::rectangle(&mut out, r, skin, -1, imgproc::LINE_8, 0).unwrap();
        if lashes {
            let lash = Rect::new(r.x, eye.y as i32, side, 2.max(side / 12));
            imgproc::rectangle(
                &mut out,
                lash,
                Scalar::new(40.0, 40.0, 50.0, 0.0),
                -1,
                imgproc::LINE_8,
                0,
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn a_frontal_portrait_measures_frontal_and_passes_the_quality_gate() {
    let test = "a_frontal_portrait_measures_frontal_and_passes_the_quality_gate";
    let Some(dir) = photos(test) else {
        return;
    };
    for mut det in detectors(test) {
        for name in ["obama.jpg", "biden.jpg"] {
            let img = kiosk_frame(&dir, name);
            let (_, obs) = one_face(det.as_mut(), &img, name);
            let f = &obs.faces[0];
            println!(
                "{} {name}: yaw {:.1} pitch {:.1} open {:?} bright {:.0} sharp {:.0}",
                det.name(),
                f.yaw_deg,
                f.pitch_deg,
                f.eye_openness,
                obs.frame.brightness,
                obs.frame.sharpness
            );
            assert!(
                f.yaw_deg.abs() < 10.0,
                "{} {name}: yaw {}",
                det.name(),
                f.yaw_deg
            );
            assert!(f.eye_openness.is_some());
            let q = QualityGate::assess(&obs, &QualityConfig::default());
            assert_eq!(q.verdict, Verdict::Ok, "{} {name}: {obs:?}", det.name());
        }
    }
}

#[test]
fn a_mirrored_turned_head_flips_the_yaw_sign() {
    let test = "a_mirrored_turned_head_flips_the_yaw_sign";
    let Some(dir) = photos(test) else {
        return;
    };
    let Some(model) = yunet_model(test) else {
        return;
    };
    let mut det = YuNet::new(&model).unwrap();
    // obama2.jpg: the head is turned to his own right (negative yaw).
    let img = kiosk_frame(&dir, "obama2.jpg");
    let (_, obs) = one_face(&mut det, &img, "obama2.jpg");
    let (_, flipped) = one_face(&mut det, &mirror(&img), "mirrored obama2.jpg");
    let (a, b) = (obs.faces[0].yaw_deg, flipped.faces[0].yaw_deg);
    println!("yaw {a:.1} mirrored {b:.1}");
    assert!(a < -5.0, "turned to his right: {a}");
    assert!(b > 5.0, "mirrored: turned to his left: {b}");
    // A frontal face stays near zero both ways.
    let img = kiosk_frame(&dir, "obama.jpg");
    let (_, o) = one_face(&mut det, &img, "obama.jpg");
    let (_, m) = one_face(&mut det, &mirror(&img), "mirrored obama.jpg");
    println!(
        "frontal yaw {:.1} mirrored {:.1}",
        o.faces[0].yaw_deg, m.faces[0].yaw_deg
    );
    assert!(o.faces[0].yaw_deg.abs() < 10.0 && m.faces[0].yaw_deg.abs() < 10.0);
}

#[test]
fn blur_lowers_sharpness_and_darkening_lowers_brightness() {
    let test = "blur_lowers_sharpness_and_darkening_lowers_brightness";
    let Some(dir) = photos(test) else {
        return;
    };
    for mut det in detectors(test) {
        let img = kiosk_frame(&dir, "obama.jpg");
        let (d, obs) = one_face(det.as_mut(), &img, "obama.jpg");
        let mut blurred = Mat::default();
        imgproc::gaussian_blur_def(&img, &mut blurred, Size::new(0, 0), 2.5).unwrap();
        let b = observe(&frame(blurred, 0, 0), std::slice::from_ref(&d));
        let mut dark = Mat::default();
        img.convert_to(&mut dark, -1, 0.4, 0.0).unwrap();
        let k = observe(&frame(dark, 0, 0), std::slice::from_ref(&d));
        println!(
            "{}: sharp {:.0} -> {:.0}; bright {:.0} -> {:.0}",
            det.name(),
            obs.frame.sharpness,
            b.frame.sharpness,
            obs.frame.brightness,
            k.frame.brightness
        );
        assert!(b.frame.sharpness < 0.5 * obs.frame.sharpness);
        assert!((k.frame.brightness - 0.4 * obs.frame.brightness).abs() < 3.0);
        // The gate refuses both.
        let cfg = QualityConfig::default();
        assert_eq!(
            QualityGate::assess(&k, &cfg).verdict,
            Verdict::Prompt(liveness::Prompt::MoreLight)
        );
    }
}

#[test]
fn closed_eyes_lower_eye_openness_strongly() {
    let test = "closed_eyes_lower_eye_openness_strongly";
    let Some(dir) = photos(test) else {
        return;
    };
    for mut det in detectors(test) {
        for name in ["obama.jpg", "biden.jpg", "obama2.jpg"] {
            let img = kiosk_frame(&dir, name);
            let (d, obs) = one_face(det.as_mut(), &img, name);
            let l = d.landmarks.unwrap();
            let open = obs.faces[0].eye_openness.unwrap();
            let painted = observe(
                &frame(close_eyes(&img, &l, false), 0, 0),
                std::slice::from_ref(&d),
            );
            let lashes = observe(
                &frame(close_eyes(&img, &l, true), 0, 0),
                std::slice::from_ref(&d),
            );
            let (p, q) = (
                painted.faces[0].eye_openness.unwrap(),
                lashes.faces[0].eye_openness.unwrap(),
            );
            println!(
                "{} {name}: open {open:.3} skin {p:.3} ({:.0} %) lashes {q:.3} ({:.0} %)",
                det.name(),
                100.0 * p / open,
                100.0 * q / open
            );
            assert!(p < 0.3 * open, "{} {name}: {open} -> {p}", det.name());
            assert!(q < 0.6 * open, "{} {name}: {open} -> {q}", det.name());
        }
    }
}

#[test]
fn eye_openness_is_stable_on_a_still_face() {
    let test = "eye_openness_is_stable_on_a_still_face";
    let Some(dir) = photos(test) else {
        return;
    };
    for mut det in detectors(test) {
        let img = kiosk_frame(&dir, "obama.jpg");
        core::set_rng_seed(7).unwrap();
        let mut values = Vec::new();
        let mut yaws = Vec::new();
        for i in 0..8 {
            // Sensor noise, and the face drifting by a pixel or so.
            let mut noise =
                Mat::new_rows_cols_with_default(480, 640, core::CV_16SC3, Scalar::all(0.0))
                    .unwrap();
            core::randn(&mut noise, &Scalar::all(0.0), &Scalar::all(3.0)).unwrap();
            let mut wide = Mat::default();
            img.convert_to(&mut wide, core::CV_16SC3, 1.0, 0.0).unwrap();
            let mut sum = Mat::default();
            core::add(&wide, &noise, &mut sum, &core::no_array(), -1).unwrap();
            let mut noisy = Mat::default();
            sum.convert_to(&mut noisy, core::CV_8UC3, 1.0, 0.0).unwrap();
            let shifted =
                common::place(&noisy, 1.0, f64::from(i % 3) * 0.7, f64::from(i % 2) * 0.5);
            let (_, obs) = one_face(det.as_mut(), &shifted, "obama.jpg");
            values.push(obs.faces[0].eye_openness.unwrap());
            yaws.push(obs.faces[0].yaw_deg);
        }
        let (lo, hi) = values
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let (ylo, yhi) = yaws
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        println!(
            "{}: openness {lo:.3}..{hi:.3}, yaw {ylo:.1}..{yhi:.1}",
            det.name()
        );
        // Well inside the blink threshold (60 % of the baseline).
        assert!(lo > 0.85 * hi, "{}: {values:?}", det.name());
    }
}
