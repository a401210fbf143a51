//! Writing a scripted sequence to disk: numbered PNG frames (the `png` crate) or a Motion-JPEG
//! AVI file (the `mjpeg` crate), in pure Rust.
//!
//! These are public test photos turned into test sequences, never a citizen's face: the kiosk
//! itself never writes frames to disk.

use super::SimCameraError;
use super::synth::{FRAME_HEIGHT, FRAME_WIDTH};
use camera::{Frame, FrameSource};
use opencv::prelude::*;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// JPEG quality of the frames of a video.
const VIDEO_JPEG_QUALITY: u8 = 90;

/// Where a sequence goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A folder of `00000.png`, `00001.png`, ... (what the camera crate's `frames:DIR` reads).
    Frames(PathBuf),
    /// An MJPG `.avi` file (what `video:FILE` reads).
    Video(PathBuf),
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Frames written.
    pub frames: u64,
    /// The scenario played.
    pub scenario: String,
    /// Frame rate.
    pub fps: u32,
    /// Length of the sequence in seconds.
    pub seconds: f64,
    /// The folder or file written.
    pub out: PathBuf,
}

impl Summary {
    /// The summary as one JSON object (what `kiosk-sim camera` prints).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "frames": self.frames,
            "scenario": self.scenario,
            "fps": self.fps,
            "seconds": self.seconds,
            "out": self.out.display().to_string(),
        })
    }
}

fn write_error(path: &Path, reason: impl std::fmt::Display) -> SimCameraError {
    SimCameraError::Write {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Plays `source` to its end into `out`; `scenario` and `fps` only label the summary.
///
/// A frames folder is created if missing and must not already hold PNG files (a `frames:DIR`
/// reader would mix two sequences).
///
/// # Errors
/// [`SimCameraError::Write`] when the folder or file cannot be created or written; a source or
/// OpenCV failure.
pub fn write_sequence(
    source: &mut dyn FrameSource,
    out: &Output,
    scenario: &str,
    fps: u32,
) -> Result<Summary, SimCameraError> {
    let mut frames = 0_u64;
    match out {
        Output::Frames(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
            let entries = std::fs::read_dir(dir).map_err(|e| write_error(dir, e))?;
            if entries
                .filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "png"))
            {
                return Err(write_error(
                    dir,
                    "the folder already holds PNG frames; choose an empty folder",
                ));
            }
            while let Some(frame) = source.next_frame()? {
                let path = dir.join(format!("{frames:05}.png"));
                write_png(&frame, &path)?;
                frames += 1;
            }
        }
        Output::Video(file) => {
            let created = std::fs::File::create(file).map_err(|e| write_error(file, e))?;
            let (width, height) = (FRAME_WIDTH.unsigned_abs(), FRAME_HEIGHT.unsigned_abs());
            let mut writer = mjpeg::AviWriter::new(
                BufWriter::new(created),
                width,
                height,
                f64::from(fps.max(1)),
            )
            .map_err(|e| write_error(file, e))?;
            while let Some(frame) = source.next_frame()? {
                if frame.size() != (width, height) {
                    let (w, h) = frame.size();
                    return Err(write_error(
                        file,
                        format!("a {w}x{h} frame in a {width}x{height} video"),
                    ));
                }
                let jpeg = camera::jpeg_from_mat(frame.mat(), VIDEO_JPEG_QUALITY)?;
                writer
                    .write_frame(&jpeg)
                    .map_err(|e| write_error(file, e))?;
                frames += 1;
            }
            let mut out = writer.finish().map_err(|e| write_error(file, e))?;
            out.flush().map_err(|e| write_error(file, e))?;
        }
    }
    Ok(Summary {
        frames,
        scenario: scenario.to_owned(),
        fps,
        seconds: frames as f64 / f64::from(fps.max(1)),
        out: match out {
            Output::Frames(p) | Output::Video(p) => p.clone(),
        },
    })
}

/// Writes a frame as an RGB PNG with fast, light compression (these are test sequences, written
/// often).
fn write_png(frame: &Frame, path: &Path) -> Result<(), SimCameraError> {
    let (w, h) = frame.size();
    let mat = frame.mat();
    if mat.typ() != opencv::core::CV_8UC3 {
        return Err(write_error(path, "the frame is not 8-bit BGR"));
    }
    let continuous;
    let bgr = if mat.is_continuous() {
        mat.data_bytes()?
    } else {
        continuous = mat.try_clone()?;
        continuous.data_bytes()?
    };
    let rgb: Vec<u8> = bgr
        .chunks_exact(3)
        .flat_map(|p| [p[2], p[1], p[0]])
        .collect();
    let file = std::fs::File::create(path).map_err(|e| write_error(path, e))?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| write_error(path, e))?;
    writer
        .write_image_data(&rgb)
        .map_err(|e| write_error(path, e))?;
    writer.finish().map_err(|e| write_error(path, e))
}
