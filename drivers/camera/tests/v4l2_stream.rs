//! The V4L2 driver streaming from a camera: `DeviceSource` against a V4L2 capture device in
//! user space (`fake_v4l2/fake_v4l2.c`, built here with the C compiler and loaded with
//! `LD_PRELOAD`). The fake answers the driver's `open`, `ioctl`, `mmap`, `poll`, `munmap` and
//! `close` on one path with the kernel's V4L2 semantics, its structures and request codes from
//! the kernel's own `<linux/videodev2.h>`, and logs every call; so the whole streaming path runs:
//! the format negotiation, `REQBUFS`, `QUERYBUF`, `mmap`, `QBUF`, `STREAMON`, `DQBUF`, the
//! newest-picture rule, the conversions, and `STREAMOFF` and `munmap` on drop; also an unplugged,
//! stalled, busy or damaged camera.
//!
//! `LD_PRELOAD` is read when a process starts, so each test runs its camera part in a child: this
//! test binary run again on the one test, with `FAKE_V4L2_CHILD` set. The child does the camera
//! part and its assertions and prints a marker; the parent checks the child passed, printed the
//! marker (the child really ran the test), and checks the log of calls.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

mod common;
mod fake_v4l2;

use std::path::Path;
use std::process::Command;

use camera::{CameraError, DeviceSource, FrameSource, Reconnecting, SourceOptions};
use common::temp_dir;
use opencv::core::Vec3b;
use opencv::prelude::*;

/// The path the fake answers on.
const FAKE: &str = fake_v4l2::PATH;
const CHILD: &str = "FAKE_V4L2_CHILD";
const MARKER: &str = "FAKE-V4L2-CHILD-RAN";

/// In the parent: runs `test` of this binary in a child with the fake loaded and configured by
/// `env` (`FAKE_V4L2_JPEG` names a file in a fresh folder, for the child to write), checks it
/// passed, and returns the fake's log, one call a line. In the child: runs `camera` and returns
/// `None`.
fn in_child(test: &str, env: &[(&str, &str)], camera: impl FnOnce()) -> Option<Vec<String>> {
    if std::env::var_os(CHILD).is_some() {
        camera();
        println!("{MARKER}");
        return None;
    }
    let dir = temp_dir("v4l2");
    let lib = fake_v4l2::build(&dir);
    let log = dir.join("calls.log");
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("LD_PRELOAD", &lib)
        .env("FAKE_V4L2_PATH", FAKE)
        .env("FAKE_V4L2_LOG", &log)
        .env("FAKE_V4L2_JPEG", dir.join("picture.jpg"));
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(MARKER),
        "the child failed or did not run the test ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    Some(calls.lines().map(str::to_owned).collect())
}

fn open(fps: f64) -> Result<DeviceSource, CameraError> {
    open_sized(640, 480, fps)
}

fn open_sized(width: u32, height: u32, fps: f64) -> Result<DeviceSource, CameraError> {
    let options = SourceOptions {
        width,
        height,
        fps,
        ..SourceOptions::default()
    };
    DeviceSource::open_path(Path::new(FAKE), &options)
}

/// Reads a frame and returns its pixels at `points` (row, column).
fn pixels(source: &mut DeviceSource, points: &[(i32, i32)]) -> Vec<[u8; 3]> {
    let frame = source.next_frame().unwrap().unwrap();
    assert_eq!(frame.size(), (640, 480));
    points
        .iter()
        .map(|&(row, col)| {
            let p = frame.mat().at_2d::<Vec3b>(row, col).unwrap();
            [p[0], p[1], p[2]]
        })
        .collect()
}

fn near(got: [u8; 3], want: [f64; 3]) -> bool {
    got.iter()
        .zip(want)
        .all(|(&g, w)| (f64::from(g) - w).abs() <= 2.0)
}

/// The fake's grey level for picture `sequence` (see fake_v4l2.c).
fn luma(sequence: u32) -> f64 {
    f64::from(16 + 8 * (sequence % 25))
}

/// The calls of the log up to (and including) the first that starts with `until`, without the
/// listing of sizes and rates (`ENUM_FRAMESIZES`, `ENUM_FRAMEINTERVALS`).
fn calls_until<'a>(log: &'a [String], until: &str) -> Vec<&'a str> {
    let end = log
        .iter()
        .position(|l| l.starts_with(until))
        .unwrap_or_else(|| panic!("no {until} in {log:#?}"));
    log[..=end]
        .iter()
        .map(String::as_str)
        .filter(|l| !l.starts_with("ENUM_FRAME"))
        .collect()
}

#[test]
fn yuyv_streams_the_newest_picture_and_stops_cleanly() {
    let Some(log) = in_child(
        "yuyv_streams_the_newest_picture_and_stops_cleanly",
        &[("FAKE_V4L2_PAD", "64")],
        || {
            // A size the camera does not have: the driver's nearest mode is used and reported.
            let mut cam = open_sized(1280, 720, 15.0).unwrap();
            assert_eq!(
                cam.describe(),
                format!("device:{FAKE} (V4L2 fake_v4l2 Fake Camera, YUYV 640x480 at 15.0 fps)")
            );
            assert_eq!(
                cam.offers().as_deref(),
                Some("YUYV 640x480 (30, 15 fps), 320x240 (30, 15 fps)")
            );
            // Both buffers are ready at each read: the newer is read (pictures 1, 3, 5), the
            // older given straight back. Grey from BT.601 limited range: 1.164 x (Y - 16). The
            // last column is read too: the 64 padding bytes of each row (0xEE) are not picture.
            for sequence in [1, 3, 5] {
                let grey = 1.164 * (luma(sequence) - 16.0);
                for p in pixels(&mut cam, &[(0, 0), (479, 639)]) {
                    assert!(
                        near(p, [grey; 3]),
                        "picture {sequence}: {p:?}, want {grey:.0}"
                    );
                }
            }
        },
    ) else {
        return;
    };
    assert_eq!(
        calls_until(&log, "STREAMON"),
        [
            &format!("open {FAKE}"),
            "QUERYCAP",
            "ENUM_FMT 0",
            "ENUM_FMT 1",
            "S_FMT YUYV 640x480 asked 1280x720",
            "G_PARM 1/30",
            "S_PARM 1000/15000",
            "REQBUFS 2",
            "QUERYBUF 0 offset 0 length 645120",
            "mmap 0",
            "QUERYBUF 1 offset 647168 length 645120",
            "mmap 1",
            "QBUF 0",
            "QBUF 1",
            "STREAMON",
        ]
    );
    // Sizes and rates are listed when asked for (`offers`), not on every open.
    let streamon = log.iter().position(|l| l == "STREAMON").unwrap();
    assert!(
        !log[..streamon].iter().any(|l| l.starts_with("ENUM_FRAME")),
        "{log:#?}"
    );
    let stop = log.iter().position(|l| l == "STREAMOFF").unwrap();
    assert_eq!(log[stop..], ["STREAMOFF", "munmap 0", "munmap 1", "close"]);
}

#[test]
fn mjpg_is_chosen_when_yuyv_cannot_keep_the_frame_rate() {
    let Some(log) = in_child(
        "mjpg_is_chosen_when_yuyv_cannot_keep_the_frame_rate",
        &[
            ("FAKE_V4L2_FORMATS", "YUYV,MJPG"),
            ("FAKE_V4L2_YUYV_FPS", "5"),
        ],
        || {
            let bgr: Vec<u8> = [40u8, 120, 200].repeat(640 * 480);
            let jpeg = mjpeg::encode_jpeg(&bgr, 640, 480, 95).unwrap();
            std::fs::write(std::env::var("FAKE_V4L2_JPEG").unwrap(), jpeg).unwrap();
            let mut cam = open(15.0).unwrap();
            assert_eq!(
                cam.describe(),
                format!("device:{FAKE} (V4L2 fake_v4l2 Fake Camera, MJPG 640x480 at 15.0 fps)")
            );
            assert_eq!(
                cam.offers().as_deref(),
                Some(
                    "YUYV 640x480 (5 fps), 320x240 (5 fps); \
                     MJPG 640x480 (30, 15 fps), 320x240 (30, 15 fps)"
                )
            );
            for p in pixels(&mut cam, &[(0, 0), (240, 320), (479, 639)]) {
                assert!(near(p, [40.0, 120.0, 200.0]), "{p:?}");
            }
        },
    ) else {
        return;
    };
    assert_eq!(
        calls_until(&log, "REQBUFS")[5..],
        [
            "S_FMT YUYV 640x480 asked 640x480",
            "G_PARM 1/5",
            "S_PARM 1/5",
            "S_FMT MJPG 640x480 asked 640x480",
            "G_PARM 1/30",
            "S_PARM 1000/15000",
            "REQBUFS 2",
        ]
    );
}

#[test]
fn an_infrared_camera_gives_grey_widened_to_three_channels() {
    let Some(_) = in_child(
        "an_infrared_camera_gives_grey_widened_to_three_channels",
        &[("FAKE_V4L2_FORMATS", "GREY")],
        || {
            let mut cam = open(30.0).unwrap();
            assert!(cam.describe().contains("GREY 640x480 at 30.0 fps"));
            assert_eq!(
                cam.offers().as_deref(),
                Some("GREY 160x120 to 640x480 step 16x8 (1 to 30 fps)")
            );
            let y = luma(1) as u8;
            assert_eq!(pixels(&mut cam, &[(0, 0), (479, 639)]), [[y; 3], [y; 3]]);
        },
    ) else {
        return;
    };
}

/// The reason a camera was lost, after `frames` good frames.
fn lost_after(cam: &mut DeviceSource, frames: usize) -> String {
    for _ in 0..frames {
        cam.next_frame().unwrap().unwrap();
    }
    match cam.next_frame() {
        Err(CameraError::Lost { what, reason }) => {
            assert_eq!(what, format!("device:{FAKE}"));
            reason
        }
        other => panic!("expected the camera lost, got {other:?}"),
    }
}

#[test]
fn an_unplugged_camera_is_lost_and_closes_without_a_panic() {
    let Some(log) = in_child(
        "an_unplugged_camera_is_lost_and_closes_without_a_panic",
        &[("FAKE_V4L2_FAULT", "unplug:4")],
        || {
            let mut cam = open(30.0).unwrap();
            let reason = lost_after(&mut cam, 2);
            assert_eq!(reason, "VIDIOC_DQBUF: No such device");
        },
    ) else {
        return;
    };
    let gone = log.iter().position(|l| l == "unplugged").unwrap();
    // STREAMOFF answers ENODEV on an unplugged camera; the buffers are still unmapped.
    assert_eq!(
        log[gone..],
        ["unplugged", "STREAMOFF", "munmap 0", "munmap 1", "close"]
    );
}

#[test]
fn an_unplugged_camera_is_reopened_by_reconnecting() {
    let Some(log) = in_child(
        "an_unplugged_camera_is_reopened_by_reconnecting",
        &[("FAKE_V4L2_FAULT", "unplug:4")],
        || {
            let mut cam = Reconnecting::new("device", || open(30.0)).with_sleep(|_| {});
            // Pictures 1 and 3, the camera lost and reopened (its count starts again), 1 and 3.
            let mut greys = Vec::new();
            for index in 0..4 {
                let frame = cam.next_frame().unwrap().unwrap();
                assert_eq!(frame.index(), index);
                greys.push(frame.mat().at_2d::<Vec3b>(0, 0).unwrap()[0]);
            }
            let grey = |s| (1.164 * (luma(s) - 16.0)).round() as u8;
            let want = [grey(1), grey(3), grey(1), grey(3)];
            assert!(
                greys.iter().zip(want).all(|(g, w)| g.abs_diff(w) <= 2),
                "{greys:?}, want {want:?}"
            );
            assert_eq!(cam.reconnects(), 1);
        },
    ) else {
        return;
    };
    // The lost camera is stopped, unmapped and closed before the new one is opened.
    let gone = log.iter().position(|l| l == "unplugged").unwrap();
    assert_eq!(
        log[gone..gone + 6],
        [
            "unplugged",
            "STREAMOFF",
            "munmap 0",
            "munmap 1",
            "close",
            &format!("open {FAKE}")
        ]
    );
}

#[test]
fn a_camera_giving_only_damaged_pictures_is_lost() {
    let Some(log) = in_child(
        "a_camera_giving_only_damaged_pictures_is_lost",
        &[("FAKE_V4L2_FAULT", "damaged")],
        || {
            let mut cam = open(30.0).unwrap();
            assert_eq!(
                lost_after(&mut cam, 0),
                "the camera delivers only damaged frames"
            );
        },
    ) else {
        return;
    };
    // Each damaged picture went back to the driver: 10 given back (plus the 2 queued at start).
    let qbufs = log.iter().filter(|l| l.starts_with("QBUF")).count();
    assert!(qbufs >= 12, "{qbufs} QBUF in {log:#?}");
}

#[test]
fn a_stalled_camera_is_lost() {
    let Some(_) = in_child(
        "a_stalled_camera_is_lost",
        &[("FAKE_V4L2_FAULT", "stall")],
        || {
            let mut cam = open(30.0).unwrap();
            assert_eq!(lost_after(&mut cam, 0), "no frame within 2000 ms");
        },
    ) else {
        return;
    };
}

fn open_error(result: Result<DeviceSource, CameraError>) -> String {
    match result {
        Err(CameraError::Open { reason, .. }) => reason,
        other => panic!("expected an open error, got {other:?}"),
    }
}

#[test]
fn a_busy_camera_is_refused_with_the_reason() {
    let Some(log) = in_child(
        "a_busy_camera_is_refused_with_the_reason",
        &[("FAKE_V4L2_FAULT", "busy")],
        || assert_eq!(open_error(open(30.0)), "busy (another program uses it)"),
    ) else {
        return;
    };
    assert_eq!(log[log.len() - 2..], ["S_FMT busy", "close"]);
}

#[test]
fn a_camera_without_a_usable_format_is_refused_with_what_it_offers() {
    let Some(log) = in_child(
        "a_camera_without_a_usable_format_is_refused_with_what_it_offers",
        &[("FAKE_V4L2_FORMATS", "H264,HEVC")],
        || {
            assert_eq!(
                open_error(open(30.0)),
                "fake_v4l2 Fake Camera: offers H264, HEVC but none of YUYV, MJPG, JPEG, GREY"
            );
        },
    ) else {
        return;
    };
    assert!(!log.iter().any(|l| l.starts_with("S_FMT")), "{log:#?}");
}
