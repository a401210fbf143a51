//! End to end: the `kiosk face` diagnostics an installer runs, on the real photos and on frames
//! written by `kiosk-sim camera`.
//!
//! Needs the face_recognition test photos (`KIOSK_FACE_PHOTOS`) and, for YuNet, the model
//! (`KIOSK_YUNET_MODEL`); without them a test prints that it did not run, and fails instead when
//! `KIOSK_REQUIRE_FACE_DATA=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use kiosk_e2e::{PHOTOS_ENV, YUNET_ENV, face_data, kiosk};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn json(out: &Output) -> Value {
    serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): stdout {:?} stderr {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn frames(photos: &Path, model: &Path, scenario: &str, challenges: &str, name: &str) -> String {
    let dir = kiosk_e2e::temp_dir(name);
    let out = Command::new(kiosk_e2e::bin("kiosk-sim"))
        .args(["camera", "--photo"])
        .arg(photos.join("obama.jpg"))
        .args(["--scenario", scenario, "--challenges", challenges])
        .args(["--seconds", "8", "--model"])
        .arg(model)
        .arg("--out-dir")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!("frames:{}", dir.display())
}

#[test]
fn detect_reports_one_usable_face_with_both_detectors() {
    let test = "detect_reports_one_usable_face_with_both_detectors";
    let Some(photos) = face_data(PHOTOS_ENV, test) else {
        return;
    };
    let image = photos.join("obama.jpg");
    let image = image.to_str().unwrap();
    let out = kiosk(&["face", "detect", "--image", image, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json(&out);
    assert_ne!(v["detector"], "yunet");
    assert_eq!(v["faces"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["quality"]["ok"], true, "{v}");
    assert!(v["time_ms"].as_f64().unwrap() > 0.0);

    let Some(model) = face_data(YUNET_ENV, test) else {
        return;
    };
    let out = kiosk(&[
        "face",
        "detect",
        "--image",
        image,
        "--model",
        model.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json(&out);
    assert_eq!(v["detector"], "yunet");
    let face = &v["faces"][0];
    let x = |k: &str| face["landmarks"][k][0].as_f64().unwrap();
    let y = |k: &str| face["landmarks"][k][1].as_f64().unwrap();
    // The person's left eye is on the image's right; eyes above the nose above the mouth.
    assert!(x("left_eye") > x("right_eye"), "{face}");
    assert!(
        y("nose") > y("left_eye") && y("mouth_left") > y("nose"),
        "{face}"
    );
    assert!(face["yaw_deg"].as_f64().unwrap().abs() < 10.0, "{face}");
}

#[test]
fn detect_refuses_unreadable_images_and_says_so_for_no_face() {
    let out = kiosk(&["face", "detect", "--image", "/nonexistent/photo.jpg"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/photo.jpg"));
    let dir = kiosk_e2e::temp_dir("face-detect-bad");
    let not_image = dir.join("notes.jpg");
    std::fs::write(&not_image, b"this is not a JPEG").unwrap();
    let out = kiosk(&[
        "face",
        "detect",
        "--image",
        not_image.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        json(&out)["error"]
            .as_str()
            .unwrap()
            .contains("cannot read")
    );
    let Some(photos) = face_data(
        PHOTOS_ENV,
        "detect_refuses_unreadable_images_and_says_so_for_no_face",
    ) else {
        return;
    };
    // A grey card with no face: exit 2 and the prompt a citizen would see.
    let blank = dir.join("blank.png");
    let out = Command::new(kiosk_e2e::bin("kiosk-sim"))
        .args(["camera", "--photo"])
        .arg(photos.join("obama.jpg"))
        .args(["--scenario", "no-face", "--seconds", "1", "--out-dir"])
        .arg(dir.join("noface"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    std::fs::copy(dir.join("noface/00000.png"), &blank).unwrap();
    let out = kiosk(&[
        "face",
        "detect",
        "--image",
        blank.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let v = json(&out);
    assert_eq!(v["faces"].as_array().unwrap().len(), 0);
    assert_eq!(v["quality"]["prompt"], "NoFace");
    assert!(!v["quality"]["prompt_zh"].as_str().unwrap().is_empty());
}

#[test]
fn liveness_passes_the_cooperative_citizen_and_fails_a_still_photo() {
    let test = "liveness_passes_the_cooperative_citizen_and_fails_a_still_photo";
    let (Some(photos), Some(model)) = (face_data(PHOTOS_ENV, test), face_data(YUNET_ENV, test))
    else {
        return;
    };
    let model_arg = model.to_str().unwrap();
    // Both runs ask the same challenges the recordings perform, with YuNet.
    let liveness = |source: &str| {
        kiosk(&[
            "face",
            "liveness",
            "--source",
            source,
            "--challenges",
            "turn-left,blink",
            "--model",
            model_arg,
            "--json",
        ])
    };
    let source = frames(
        &photos,
        &model,
        "cooperative",
        "turn-left,blink",
        "face-coop",
    );
    let out = liveness(&source);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json(&out);
    assert_eq!(v["verdict"], "passed", "{v}");
    assert_eq!(v["detector"], "yunet");
    let challenges = v["challenges"].as_array().unwrap();
    assert_eq!(challenges.len(), 2);
    assert!(challenges.iter().all(|c| c["met"] == true), "{v}");
    assert!(v["best_frame_jpeg_bytes"].as_u64().unwrap() > 1000, "{v}");
    assert!(v["per_frame_ms"]["median"].as_f64().unwrap() > 0.0);

    let source = frames(
        &photos,
        &model,
        "still-photo",
        "turn-left,blink",
        "face-still",
    );
    let out = liveness(&source);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json(&out);
    assert_eq!(v["verdict"], "failed", "{v}");
    assert_eq!(v["reason"], "no motion during the check", "{v}");
    assert!(
        v["best_frame_jpeg_bytes"].is_null(),
        "a failed check keeps no frame"
    );
}

#[test]
fn liveness_refuses_bad_sources_and_plans() {
    let out = kiosk(&["face", "liveness", "--source", "webcam:0"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses the spec: {out:?}");
    let out = kiosk(&[
        "face",
        "liveness",
        "--source",
        "frames:/nonexistent/dir",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        json(&out)["error"]
            .as_str()
            .unwrap()
            .contains("cannot open the source")
    );
    let out = kiosk(&[
        "face",
        "liveness",
        "--source",
        "frames:/tmp",
        "--challenges",
        "blink,blink",
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad --challenges"));
}
