//! Frame sources: image sequences, video files, reconnection, specs; frames wiped on drop.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use camera::{
    Backoff, CameraError, Frame, FrameSource, ImageSequenceSource, Reconnecting, SourceOptions,
    SourceSpec, VideoFileSource, open_source,
};
use common::temp_dir;
use liveness::Challenge;
use opencv::core::{self, Mat, Scalar, Vec3b};
use opencv::prelude::*;

const W: u32 = 64;
const H: u32 = 48;

/// A solid `W x H` matrix.
fn solid(value: f64) -> Mat {
    Mat::new_rows_cols_with_default(H as i32, W as i32, core::CV_8UC3, Scalar::all(value)).unwrap()
}

/// A solid `W x H` BGR picture.
fn solid_bgr(value: f64) -> Vec<u8> {
    vec![value as u8; (W * H * 3) as usize]
}

/// A PNG of BGR pixels (written with the `png` crate, as RGB).
fn png_bytes(bgr: &[u8], w: u32, h: u32) -> Vec<u8> {
    let rgb: Vec<u8> = bgr
        .chunks_exact(3)
        .flat_map(|p| [p[2], p[1], p[0]])
        .collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&rgb).unwrap();
    writer.finish().unwrap();
    out
}

/// Writes a solid image as PNG or JPEG, by the name's ending.
fn write(dir: &std::path::Path, name: &str, value: f64) {
    let bgr = solid_bgr(value);
    let bytes = if name.to_ascii_lowercase().ends_with(".png") {
        png_bytes(&bgr, W, H)
    } else {
        mjpeg::encode_jpeg(&bgr, W, H, 95).unwrap()
    };
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn pixel(f: &Frame) -> u8 {
    f.mat().at_2d::<Vec3b>(10, 10).unwrap()[0]
}

#[test]
fn an_image_sequence_plays_in_file_name_order_at_its_frame_rate() {
    let dir = temp_dir("seq");
    write(&dir, "b.png", 20.0);
    write(&dir, "a.jpg", 10.0);
    write(&dir, "c.PNG", 30.0);
    write(&dir, "d.jpeg", 40.0);
    std::fs::write(dir.join("notes.txt"), "not an image").unwrap();
    // BMP is not read (only JPEG and PNG).
    std::fs::write(dir.join("e.bmp"), b"BM not read").unwrap();
    std::fs::create_dir(dir.join("sub.png")).unwrap();

    let mut s = ImageSequenceSource::open(&dir, camera::DEFAULT_FRAMES_FPS).unwrap();
    assert_eq!(s.files().len(), 4);
    let mut seen = Vec::new();
    while let Some(f) = s.next_frame().unwrap() {
        assert_eq!(f.size(), (64, 48));
        assert_eq!(f.mat().typ(), core::CV_8UC3);
        seen.push((f.index(), f.at_ms(), pixel(&f)));
    }
    // JPEG is lossy: compare the pixel loosely.
    let want = [(0, 0, 10), (1, 67, 20), (2, 133, 30), (3, 200, 40)];
    for ((i, at, v), (wi, wat, wv)) in seen.iter().zip(want) {
        assert_eq!((*i, *at), (wi, wat));
        assert!(v.abs_diff(wv) <= 2, "{v} vs {wv}");
    }
    assert_eq!(seen.len(), 4);
    assert!(s.next_frame().unwrap().is_none(), "stays ended");

    // Another frame rate, through open_source.
    let opts = SourceOptions {
        frames_fps: 10.0,
        ..SourceOptions::default()
    };
    let mut s = open_source(&SourceSpec::Frames(dir.clone()), &opts).unwrap();
    assert!(s.describe().contains("4 images"), "{}", s.describe());
    let times: Vec<u64> = std::iter::from_fn(|| s.next_frame().unwrap())
        .map(|f| f.at_ms())
        .collect();
    assert_eq!(times, [0, 100, 200, 300]);
    assert!(ImageSequenceSource::open(&dir, 0.0).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_does_not_decode_is_an_error_naming_it() {
    let dir = temp_dir("bad");
    write(&dir, "a.png", 10.0);
    std::fs::write(dir.join("b.jpg"), b"this is not a jpeg").unwrap();
    let mut s = ImageSequenceSource::open(&dir, 15.0).unwrap();
    assert!(s.next_frame().unwrap().is_some());
    match s.next_frame() {
        Err(e @ CameraError::Open { .. }) => assert!(e.to_string().contains("b.jpg"), "{e}"),
        other => panic!("expected an error naming b.jpg, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_empty_or_missing_folder_does_not_open() {
    let dir = temp_dir("empty");
    std::fs::write(dir.join("readme.txt"), "no images here").unwrap();
    match ImageSequenceSource::open(&dir, 15.0) {
        Err(CameraError::Open { reason, .. }) => assert!(reason.contains("no .jpg"), "{reason}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        ImageSequenceSource::open(&dir, 15.0),
        Err(CameraError::Open { .. })
    ));
}

#[test]
fn a_video_file_round_trip() {
    let dir = temp_dir("video");
    let path = dir.join("clip.avi");
    let file = std::fs::File::create(&path).unwrap();
    let mut w = mjpeg::AviWriter::new(std::io::BufWriter::new(file), W, H, 25.0).unwrap();
    for i in 0..12 {
        let jpeg = mjpeg::encode_jpeg(&solid_bgr(f64::from(i) * 20.0), W, H, 90).unwrap();
        w.write_frame(&jpeg).unwrap();
    }
    w.finish().unwrap();

    let mut s = open_source(&SourceSpec::Video(path.clone()), &SourceOptions::default()).unwrap();
    let mut frames = Vec::new();
    while let Some(f) = s.next_frame().unwrap() {
        assert_eq!(f.size(), (64, 48));
        frames.push((f.index(), f.at_ms(), pixel(&f)));
    }
    assert_eq!(frames.len(), 12, "{frames:?}");
    for (i, w) in frames.windows(2).enumerate() {
        assert!(w[1].1 > w[0].1, "at_ms must increase: {frames:?}");
        assert_eq!(w[1].0, i as u64 + 1);
        assert!(w[1].2 > w[0].2, "frames out of order: {frames:?}");
    }
    // 25 fps: 40 ms apart (index x 1000 / fps).
    let times: Vec<u64> = frames.iter().map(|f| f.1).collect();
    assert_eq!(times, (0..12).map(|i| i * 40).collect::<Vec<u64>>());
    let v = VideoFileSource::open(&path).unwrap();
    assert!((v.fps() - 25.0).abs() < 0.01);
    // Deterministic: a second pass gives the same times.
    let mut again = VideoFileSource::open(&path).unwrap();
    let times: Vec<u64> = std::iter::from_fn(|| again.next_frame().unwrap())
        .map(|f| f.at_ms())
        .collect();
    assert_eq!(times, frames.iter().map(|f| f.1).collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_video_that_is_not_mjpeg_avi_or_has_a_damaged_frame_is_an_error() {
    let dir = temp_dir("badvideo");
    let not_avi = dir.join("clip.mp4");
    std::fs::write(&not_avi, b"\0\0\0\x20ftypisom not an AVI").unwrap();
    match VideoFileSource::open(&not_avi) {
        Err(e @ CameraError::Open { .. }) => assert!(e.to_string().contains("not an AVI"), "{e}"),
        other => panic!("{:?}", other.map(|s| s.describe())),
    }
    // The second frame is not a JPEG: the first plays, the second is an error naming the frame.
    let path = dir.join("damaged.avi");
    let mut w = mjpeg::AviWriter::new(std::fs::File::create(&path).unwrap(), W, H, 10.0).unwrap();
    w.write_frame(&mjpeg::encode_jpeg(&solid_bgr(50.0), W, H, 90).unwrap())
        .unwrap();
    w.write_frame(b"\xFF\xD8 broken").unwrap();
    w.finish().unwrap();
    let mut s = VideoFileSource::open(&path).unwrap();
    assert!(pixel(&s.next_frame().unwrap().unwrap()).abs_diff(50) <= 2);
    match s.next_frame() {
        Err(e @ CameraError::Open { .. }) => assert!(e.to_string().contains("frame 1"), "{e}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn specs_parse_and_bad_sources_do_not_open() {
    assert_eq!(
        "device:3".parse::<SourceSpec>().unwrap(),
        SourceSpec::DeviceIndex(3)
    );
    assert!(matches!(
        "camera:0".parse::<SourceSpec>(),
        Err(CameraError::BadSpec(_))
    ));
    let opts = SourceOptions::default();
    for spec in [
        "video:/nonexistent/a.mp4",
        "frames:/nonexistent",
        "device:/nonexistent/video7",
    ] {
        let spec: SourceSpec = spec.parse().unwrap();
        assert!(
            matches!(open_source(&spec, &opts), Err(CameraError::Open { .. })),
            "{spec}"
        );
    }
}

/// A camera that delivers `frames` frames (at_ms 0, 10, 20, ... on its own clock) and is then lost.
struct Flaky {
    left: u32,
    t: u64,
    prompts: Arc<Mutex<Vec<Option<Challenge>>>>,
}

impl FrameSource for Flaky {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        if self.left == 0 {
            return Err(CameraError::Lost {
                what: "flaky".into(),
                reason: "unplugged".into(),
            });
        }
        self.left -= 1;
        let f = Frame::new(solid(1.0), self.t, 0);
        self.t += 10;
        Ok(Some(f))
    }

    fn prompt(&mut self, shown: Option<Challenge>) {
        self.prompts.lock().unwrap().push(shown);
    }

    fn describe(&self) -> String {
        "flaky".into()
    }
}

#[test]
fn reconnecting_reopens_a_lost_camera_with_backoff() {
    // The factory fails twice before each successful opening; each camera gives 3 frames.
    let calls = Arc::new(Mutex::new(0u32));
    let prompts = Arc::new(Mutex::new(Vec::new()));
    let sleeps = Arc::new(Mutex::new(Vec::new()));
    let (c, p, z) = (calls.clone(), prompts.clone(), sleeps.clone());
    let mut s = Reconnecting::new("flaky", move || {
        let mut n = c.lock().unwrap();
        *n += 1;
        if *n % 3 != 0 {
            return Err(CameraError::Open {
                what: "flaky".into(),
                reason: "busy".into(),
            });
        }
        Ok(Flaky {
            left: 3,
            t: 0,
            prompts: p.clone(),
        })
    })
    .with_backoff(Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(300),
        max_attempts: 5,
    })
    .with_sleep(move |d| z.lock().unwrap().push(d));

    s.prompt(Some(Challenge::Nod));
    let mut times = Vec::new();
    let mut indices = Vec::new();
    for _ in 0..9 {
        let f = s.next_frame().unwrap().unwrap();
        times.push(f.at_ms());
        indices.push(f.index());
    }
    assert_eq!(s.reconnects(), 2);
    assert!(times.windows(2).all(|w| w[1] > w[0]), "{times:?}");
    assert_eq!(indices, (0..9).collect::<Vec<u64>>());
    // Two failures before each of the three openings: waits of 100 and 200 ms.
    let ms: Vec<u128> = sleeps
        .lock()
        .unwrap()
        .iter()
        .map(Duration::as_millis)
        .collect();
    assert_eq!(ms, [100, 200, 100, 200, 100, 200]);
    // The prompt reached every camera.
    assert_eq!(
        prompts.lock().unwrap().as_slice(),
        [Some(Challenge::Nod); 3]
    );
    assert!(s.describe().contains("reconnects: 2"));
}

#[test]
fn reconnecting_gives_up_after_max_attempts() {
    let sleeps = Arc::new(Mutex::new(Vec::new()));
    let z = sleeps.clone();
    let opened = Arc::new(Mutex::new(false));
    let o = opened.clone();
    let mut s = Reconnecting::new("gone", move || {
        let mut first = o.lock().unwrap();
        if !*first {
            *first = true;
            return Ok(Flaky {
                left: 1,
                t: 0,
                prompts: Arc::default(),
            });
        }
        Err::<Flaky, _>(CameraError::Open {
            what: "gone".into(),
            reason: "no such device".into(),
        })
    })
    .with_backoff(Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(250),
        max_attempts: 4,
    })
    .with_sleep(move |d| z.lock().unwrap().push(d));
    assert!(s.next_frame().unwrap().is_some());
    match s.next_frame() {
        Err(CameraError::Lost { reason, .. }) => assert!(reason.contains("4 attempts"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let ms: Vec<u128> = sleeps
        .lock()
        .unwrap()
        .iter()
        .map(Duration::as_millis)
        .collect();
    assert_eq!(ms, [100, 200, 250]);
    assert_eq!(s.reconnects(), 0);
}

#[test]
fn a_camera_that_never_opens_reports_why() {
    let mut s = Reconnecting::new("none", || {
        Err::<Flaky, _>(CameraError::Open {
            what: "device:9".into(),
            reason: "no such device".into(),
        })
    })
    .with_sleep(|_| {});
    assert!(matches!(s.next_frame(), Err(CameraError::Open { .. })));
}

#[test]
fn a_frame_is_zeroed_when_dropped() {
    let mat = Mat::new_rows_cols_with_default(8, 8, core::CV_8UC3, Scalar::all(200.0)).unwrap();
    // A second header on the same pixels: OpenCV's vector of Mat copies headers, not pixels.
    let mut shared = core::Vector::<Mat>::new();
    shared.push(mat);
    let observer = shared.get(0).unwrap();
    let frame = Frame::new(shared.get(0).unwrap(), 5, 0);
    drop(shared);
    assert_eq!(observer.at_2d::<Vec3b>(3, 3).unwrap()[1], 200);
    drop(frame);
    let (mut min, mut max) = (0.0, 0.0);
    core::min_max_loc(
        &observer.reshape(1, 0).unwrap(),
        Some(&mut min),
        Some(&mut max),
        None,
        None,
        &core::no_array(),
    )
    .unwrap();
    assert_eq!((min, max), (0.0, 0.0), "the pixels must be zeroed");
}

#[test]
fn a_retimed_frame_keeps_its_pixels_and_a_deep_clone_is_separate() {
    let frame = Frame::new(solid(77.0), 5, 1);
    let copy = frame.deep_clone().unwrap();
    let moved = frame.retimed(50, 9);
    assert_eq!((moved.at_ms(), moved.index()), (50, 9));
    assert_eq!(pixel(&moved), 77);
    drop(moved);
    assert_eq!(pixel(&copy), 77, "a deep clone has its own pixels");
    assert!(
        !format!("{copy:?}").contains("77,"),
        "Debug shows no pixels"
    );
}
