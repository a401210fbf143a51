//! Writing a scripted sequence to disk: numbered PNG frames or an MJPG AVI file.
//!
//! These are public test photos turned into test sequences, never a citizen's face: the kiosk
//! itself never writes frames to disk.

use super::SimCameraError;
use super::synth::{FRAME_HEIGHT, FRAME_WIDTH};
use camera::FrameSource;
use opencv::core::{Size, Vector};
use opencv::prelude::*;
use opencv::{imgcodecs, videoio};
use std::path::{Path, PathBuf};

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
            // Fast, light compression: these are test sequences, written often.
            let params = Vector::from_slice(&[imgcodecs::IMWRITE_PNG_COMPRESSION, 1]);
            while let Some(frame) = source.next_frame()? {
                let path = dir.join(format!("{frames:05}.png"));
                if !imgcodecs::imwrite(&path, frame.mat(), &params)? {
                    return Err(write_error(&path, "OpenCV could not write the PNG"));
                }
                frames += 1;
            }
        }
        Output::Video(file) => {
            let fourcc = videoio::VideoWriter::fourcc('M', 'J', 'P', 'G')?;
            let mut writer = videoio::VideoWriter::new(
                file,
                fourcc,
                f64::from(fps.max(1)),
                Size::new(FRAME_WIDTH, FRAME_HEIGHT),
                true,
            )?;
            if !writer.is_opened()? {
                return Err(write_error(
                    file,
                    "OpenCV could not open an MJPG video writer (is the folder writable and the name .avi?)",
                ));
            }
            while let Some(frame) = source.next_frame()? {
                writer.write(frame.mat())?;
                frames += 1;
            }
            writer.release()?;
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
