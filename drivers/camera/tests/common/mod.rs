//! Shared test helpers: the real photos and the YuNet model from the environment, and frames
//! built from a photo.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::PathBuf;

use camera::Frame;
use opencv::core::{self, Mat, Scalar, Size};
use opencv::imgproc;
use opencv::prelude::*;

/// Folder of the face_recognition 1.3.0 test photos.
pub const PHOTOS_ENV: &str = "KIOSK_FACE_PHOTOS";
/// The YuNet model file.
pub const YUNET_ENV: &str = "KIOSK_YUNET_MODEL";
/// `1`: a missing photo folder or model fails the test instead of skipping it.
pub const REQUIRE_ENV: &str = "KIOSK_REQUIRE_FACE_DATA";

fn from_env(var: &str, test: &str) -> Option<PathBuf> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(v) => {
            let p = PathBuf::from(v);
            assert!(p.exists(), "{var}={} does not exist", p.display());
            Some(p)
        }
        None => {
            assert!(
                std::env::var(REQUIRE_ENV).as_deref() != Ok("1"),
                "{test}: {var} is not set and {REQUIRE_ENV}=1"
            );
            println!("SKIPPED {test}: {var} is not set");
            None
        }
    }
}

/// The photo folder, or `None` (after printing SKIPPED) when the environment does not name it.
pub fn photos(test: &str) -> Option<PathBuf> {
    from_env(PHOTOS_ENV, test)
}

/// The YuNet model, or `None` (after printing SKIPPED) when the environment does not name it.
pub fn yunet_model(test: &str) -> Option<PathBuf> {
    from_env(YUNET_ENV, test)
}

/// Loads a photo as BGR.
pub fn load(dir: &std::path::Path, name: &str) -> Mat {
    let m = camera::decode_image_file(&dir.join(name)).unwrap();
    assert!(!m.empty(), "{name} did not load");
    m
}

/// A 640x480 kiosk frame: the photo scaled by `scale` and moved by `(dx, dy)` pixels.
pub fn place(photo: &Mat, scale: f64, dx: f64, dy: f64) -> Mat {
    let m = Mat::from_slice_2d(&[[scale, 0.0, dx], [0.0, scale, dy]]).unwrap();
    let mut out = Mat::default();
    imgproc::warp_affine(
        photo,
        &mut out,
        &m,
        Size::new(640, 480),
        imgproc::INTER_LINEAR,
        core::BORDER_CONSTANT,
        Scalar::all(0.0),
    )
    .unwrap();
    out
}

/// Where the face is in each portrait: centre x, centre y, width, in the photo's pixels
/// (from YuNet; the cascades' boxes are similar).
pub fn face_in_photo(name: &str) -> (f64, f64, f64) {
    match name {
        "obama.jpg" => (491.0, 252.0, 256.0),
        "biden.jpg" => (563.0, 372.0, 287.0),
        "obama3.jpg" => (776.0, 426.0, 275.0),
        // Head turned to his own right.
        "obama2.jpg" => (336.0, 430.0, 316.0),
        other => panic!("no face position for {other}"),
    }
}

/// A `w` x `h` frame of a portrait with the face `face_w` pixels wide centred at `(cx, cy)`.
pub fn portrait_in(
    dir: &std::path::Path,
    name: &str,
    face_w: f64,
    cx: f64,
    cy: f64,
    w: i32,
    h: i32,
) -> Mat {
    let (fx, fy, fw) = face_in_photo(name);
    let s = face_w / fw;
    let m = Mat::from_slice_2d(&[[s, 0.0, cx - fx * s], [0.0, s, cy - fy * s]]).unwrap();
    let mut out = Mat::default();
    imgproc::warp_affine(
        &load(dir, name),
        &mut out,
        &m,
        Size::new(w, h),
        imgproc::INTER_AREA,
        core::BORDER_REPLICATE,
        Scalar::all(0.0),
    )
    .unwrap();
    out
}

/// A 640x480 kiosk frame of a portrait: the face 180 px wide a little above the middle.
pub fn kiosk_frame(dir: &std::path::Path, name: &str) -> Mat {
    portrait_in(dir, name, 180.0, 320.0, 220.0, 640, 480)
}

/// A 640x480 frame of three people side by side, faces about 95 px wide.
pub fn group_frame(dir: &std::path::Path) -> Mat {
    let mut parts = core::Vector::<Mat>::new();
    for (name, w) in [("obama.jpg", 213), ("biden.jpg", 214), ("obama3.jpg", 213)] {
        parts.push(portrait_in(
            dir,
            name,
            95.0,
            f64::from(w) / 2.0,
            200.0,
            w,
            480,
        ));
    }
    let mut out = Mat::default();
    core::hconcat(&parts, &mut out).unwrap();
    out
}

/// Photos side by side at the same height (a group of people).
pub fn side_by_side(photos: &[Mat], height: i32) -> Mat {
    let mut parts = core::Vector::<Mat>::new();
    for p in photos {
        let s = f64::from(height) / f64::from(p.rows());
        let mut r = Mat::default();
        imgproc::resize(p, &mut r, Size::new(0, 0), s, s, imgproc::INTER_AREA).unwrap();
        parts.push(r);
    }
    let mut out = Mat::default();
    core::hconcat(&parts, &mut out).unwrap();
    out
}

/// Wraps a matrix as frame `index` at `at_ms`.
pub fn frame(mat: Mat, at_ms: u64, index: u64) -> Frame {
    Frame::new(mat, at_ms, index)
}

/// A unique empty folder under the system's temporary folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "camera-test-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
