//! Both detectors on the real photos.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

mod common;

use camera::{Cascade, CascadeKind, Detection, FaceDetector, YuNet, detector_from_model};
use common::{group_frame, kiosk_frame, load, photos, yunet_model};

/// The default cascade detector (LBP, Haar fallback), each cascade alone, and YuNet.
fn detectors(test: &str) -> Vec<(&'static str, Box<dyn FaceDetector + Send>)> {
    let mut d: Vec<(&'static str, Box<dyn FaceDetector + Send>)> = vec![
        ("lbp+haar", Box::new(Cascade::default_detector().unwrap())),
        ("haar", Box::new(Cascade::new(CascadeKind::Haar).unwrap())),
        ("lbp", Box::new(Cascade::new(CascadeKind::Lbp).unwrap())),
    ];
    if let Some(model) = yunet_model(test) {
        d.push(("yunet", Box::new(YuNet::new(&model).unwrap())));
    }
    d
}

fn inside(d: &Detection, x: f32, y: f32) -> bool {
    let b = d.bbox;
    x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h
}

#[test]
fn each_portrait_has_exactly_one_face() {
    let Some(dir) = photos("each_portrait_has_exactly_one_face") else {
        return;
    };
    for (which, mut det) in detectors("each_portrait_has_exactly_one_face") {
        for name in ["obama.jpg", "biden.jpg"] {
            // The photo as it is, and as a 640x480 kiosk frame.
            for (what, img) in [
                ("photo", load(&dir, name)),
                ("frame", kiosk_frame(&dir, name)),
            ] {
                let found = det.detect(&img).unwrap();
                if which == "lbp" && name == "biden.jpg" && what == "frame" {
                    // The LBP cascade alone misses this head, tilted by 13 degrees, at 180 px
                    // (see CascadeKind); it finds it in the photo and in the group, and the
                    // default detector's Haar fallback finds it here.
                    assert!(found.len() <= 1);
                    continue;
                }
                assert_eq!(found.len(), 1, "{which} on {name} ({what}): {found:?}");
                let b = found[0].bbox;
                assert!(b.w > 60.0 && b.h > 60.0, "{which} on {name}: {b:?}");
            }
        }
    }
}

#[test]
fn a_group_has_several_faces() {
    let Some(dir) = photos("a_group_has_several_faces") else {
        return;
    };
    // The photo set has no group photo (biden.jpg is a portrait): three portraits side by side
    // in one 640x480 frame, as three people in front of the kiosk.
    let group = group_frame(&dir);
    for (which, mut det) in detectors("a_group_has_several_faces") {
        let found = det.detect(&group).unwrap();
        // LBP misses the tilted head here, and the Haar fallback does not run once LBP found
        // a face: two faces, still "more than one person" for the check.
        let want = if which.starts_with("lbp") {
            2..=3
        } else {
            3..=3
        };
        assert!(
            want.contains(&found.len()),
            "{which} in the group: {found:?}"
        );
        // One face per person: each third of the frame holds at most one box centre.
        let mut per_person = [0; 3];
        for d in &found {
            let i = ((d.bbox.centre().x / 213.4) as usize).min(2);
            per_person[i] += 1;
        }
        assert!(per_person.iter().all(|n| *n <= 1), "{which}: {found:?}");
    }
}

#[test]
fn yunet_landmarks_are_where_a_face_has_them() {
    let Some(dir) = photos("yunet_landmarks_are_where_a_face_has_them") else {
        return;
    };
    let Some(model) = yunet_model("yunet_landmarks_are_where_a_face_has_them") else {
        return;
    };
    let mut det = detector_from_model(Some(&model)).unwrap();
    assert_eq!(det.name(), "yunet");
    for name in ["obama.jpg", "biden.jpg", "obama3.jpg"] {
        for img in [load(&dir, name), kiosk_frame(&dir, name)] {
            let found = det.detect(&img).unwrap();
            assert_eq!(found.len(), 1, "{name}");
            let d = &found[0];
            let l = d.landmarks.expect("YuNet gives landmarks");
            for p in [l.left_eye, l.right_eye, l.nose, l.mouth_left, l.mouth_right] {
                assert!(inside(d, p.x, p.y), "{name}: {p:?} outside {:?}", d.bbox);
            }
            let eyes_y = l.left_eye.y.max(l.right_eye.y);
            let mouth_y = l.mouth_left.y.min(l.mouth_right.y);
            assert!(eyes_y < l.nose.y && l.nose.y < mouth_y, "{name}: {l:?}");
            // The person's left eye and mouth corner are on the image's right.
            assert!(l.left_eye.x > l.right_eye.x, "{name}: {l:?}");
            assert!(l.mouth_left.x > l.mouth_right.x, "{name}: {l:?}");
            assert!(d.score > 0.7 && d.score <= 1.0);
        }
    }
}

#[test]
fn cascade_landmarks_are_where_a_face_has_them() {
    let Some(dir) = photos("cascade_landmarks_are_where_a_face_has_them") else {
        return;
    };
    let mut det = detector_from_model(None).unwrap();
    assert_eq!(det.name(), "lbp");
    for name in ["obama.jpg", "biden.jpg"] {
        let img = kiosk_frame(&dir, name);
        let found = det.detect(&img).unwrap();
        assert_eq!(found.len(), 1, "{name}");
        let d = &found[0];
        let l = d.landmarks.expect("approximate landmarks");
        for p in [l.left_eye, l.right_eye, l.nose, l.mouth_left, l.mouth_right] {
            assert!(inside(d, p.x, p.y), "{name}: {p:?} outside {:?}", d.bbox);
        }
        assert!(l.left_eye.x > l.right_eye.x, "{name}: {l:?}");
        assert!(l.left_eye.y.max(l.right_eye.y) < l.nose.y && l.nose.y < l.mouth_left.y);
        println!("{name}: {} eye boxes, {l:?}", d.eyes.len());
        if name == "obama.jpg" {
            assert_eq!(d.eyes.len(), 2, "{name}: the eye cascades missed an eye");
        }
    }
}

#[test]
fn no_face_in_a_blank_frame() {
    let blank = opencv::core::Mat::new_rows_cols_with_default(
        480,
        640,
        opencv::core::CV_8UC3,
        opencv::core::Scalar::all(128.0),
    )
    .unwrap();
    let mut det = Cascade::new(CascadeKind::Haar).unwrap();
    assert!(det.detect(&blank).unwrap().is_empty());
    assert!(
        det.detect(&opencv::core::Mat::default())
            .unwrap()
            .is_empty()
    );
    if let Some(model) = std::env::var_os(common::YUNET_ENV).filter(|v| !v.is_empty()) {
        let mut y = YuNet::new(std::path::Path::new(&model)).unwrap();
        assert!(y.detect(&blank).unwrap().is_empty());
    }
}

#[test]
fn a_missing_cascade_names_the_file() {
    // KIOSK_OPENCV_DATA is read when the detector is built; this process sets it only here.
    let dir = common::temp_dir("nocascades");
    // SAFETY-free: std::env::set_var is unsafe in edition 2024, so run a child process instead.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "missing_cascade_child", "--nocapture"])
        .env(camera::OPENCV_DATA_ENV, &dir)
        .env("CAMERA_TEST_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("CHILD-OK"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_cascade_child() {
    if std::env::var_os("CAMERA_TEST_CHILD").is_none() {
        return;
    }
    let dir = camera::opencv_data_dir();
    match Cascade::new(CascadeKind::Haar) {
        Err(camera::CameraError::Model { path, .. }) => {
            assert!(path.starts_with(dir.to_str().unwrap()), "{path}");
            assert!(
                path.ends_with("haarcascade_frontalface_default.xml"),
                "{path}"
            );
            println!("CHILD-OK");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("loaded cascades from an empty folder"),
    }
}

#[test]
fn faces_cut_by_the_frame_edge_do_not_break_detection() {
    let Some(dir) = photos("faces_cut_by_the_frame_edge_do_not_break_detection") else {
        return;
    };
    for (_, mut det) in detectors("faces_cut_by_the_frame_edge_do_not_break_detection") {
        for (cx, cy) in [
            (10.0, 220.0),
            (630.0, 220.0),
            (320.0, 5.0),
            (320.0, 470.0),
            (0.0, 0.0),
        ] {
            let img = common::portrait_in(&dir, "obama.jpg", 260.0, cx, cy, 640, 480);
            let found = det.detect(&img).unwrap();
            for d in &found {
                let f = camera::Frame::new(img.clone(), 0, 0);
                let obs = camera::observe(&f, std::slice::from_ref(d));
                assert_eq!(obs.faces.len(), 1);
            }
        }
    }
}
