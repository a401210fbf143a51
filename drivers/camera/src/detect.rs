//! Face detectors behind one trait, and the choice between them.

use std::path::{Path, PathBuf};

use crate::CameraError;
use crate::cascade::Cascade;
use crate::yunet::YuNet;
use liveness::{BBox, Challenge, ChallengePlan, Landmarks, PlanError};
use opencv::core::{Mat, Size};
use opencv::imgproc;
use opencv::prelude::*;

/// One face found in a frame, in full-frame pixels (detectors run on a downscaled copy and scale back).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detection {
    /// The face box (may reach past the frame's edges; the quality gate asks the citizen to
    /// centre their face then).
    pub bbox: BBox,
    /// The five landmarks: YuNet's own, or approximated by the cascade detector from its eye
    /// boxes and the face box's proportions (see [`Cascade`]).
    pub landmarks: Option<Landmarks>,
    /// Eye regions found by the eye cascades inside the face box (cascade detector only).
    pub eyes: Vec<BBox>,
    /// Confidence 0..1 (cascades: 1.0 for a hit).
    pub score: f32,
}

/// A face detector.
pub trait FaceDetector {
    /// Finds the faces in a BGR frame.
    ///
    /// # Errors
    /// An OpenCV failure.
    fn detect(&mut self, frame: &Mat) -> Result<Vec<Detection>, CameraError>;

    /// `"yunet"`, `"haar"` or `"lbp"`.
    fn name(&self) -> &'static str;

    /// The challenges this detector's landmarks judge reliably, and the one every plan must
    /// include (see [`draw_plan`]). Default: all four, none required (YuNet).
    fn challenges(&self) -> (&'static [Challenge], Option<Challenge>) {
        (&Challenge::ALL, None)
    }
}

/// Draws the kiosk's random plan of `count` challenges (2 or 3) among those `detector` judges
/// reliably ([`FaceDetector::challenges`]).
///
/// # Errors
/// [`PlanError`] when `count` is out of range or the detector judges too few challenges.
pub fn draw_plan<D: FaceDetector + ?Sized>(
    detector: &D,
    seed: u64,
    count: u8,
) -> Result<ChallengePlan, PlanError> {
    let (allowed, required) = detector.challenges();
    ChallengePlan::draw_among(seed, count, allowed, required)
}

impl<D: FaceDetector + ?Sized> FaceDetector for Box<D> {
    fn detect(&mut self, frame: &Mat) -> Result<Vec<Detection>, CameraError> {
        (**self).detect(frame)
    }

    fn name(&self) -> &'static str {
        (**self).name()
    }

    fn challenges(&self) -> (&'static [Challenge], Option<Challenge>) {
        (**self).challenges()
    }
}

/// YuNet when a model file is given, else the cascades from Debian's opencv-data
/// ([`Cascade::default_detector`]: LBP with a Haar fallback; files under [`opencv_data_dir`]).
///
/// # Errors
/// [`CameraError::Model`] naming the model or cascade file that is missing or does not load.
pub fn detector_from_model(
    model: Option<&Path>,
) -> Result<Box<dyn FaceDetector + Send>, CameraError> {
    Ok(match model {
        Some(path) => Box::new(YuNet::new(path)?),
        None => Box::new(Cascade::default_detector()?),
    })
}

/// Environment variable naming the folder with `haarcascades/` and `lbpcascades/` (instead of
/// Debian's `/usr/share/opencv4`).
pub const OPENCV_DATA_ENV: &str = "KIOSK_OPENCV_DATA";

/// Where the cascade files are: `$KIOSK_OPENCV_DATA`, else `/usr/share/opencv4` (opencv-data).
#[must_use]
pub fn opencv_data_dir() -> PathBuf {
    std::env::var_os(OPENCV_DATA_ENV)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("/usr/share/opencv4"), PathBuf::from)
}

/// A model file that must exist: [`CameraError::Model`] naming it otherwise.
pub(crate) fn require_file(path: &Path) -> Result<String, CameraError> {
    let name = path.display().to_string();
    if !path.is_file() {
        return Err(CameraError::Model {
            path: name,
            reason: "no such file".into(),
        });
    }
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| CameraError::Model {
            path: name,
            reason: "the path is not UTF-8".into(),
        })
}

/// The frame, or a copy scaled down to `width` pixels across into `scratch` when it is wider,
/// and the scale applied (1.0 when not scaled): detectors run on the small copy and divide by
/// the scale to report full-frame coordinates.
pub(crate) fn downscaled<'a>(
    frame: &'a Mat,
    width: i32,
    scratch: &'a mut Mat,
) -> Result<(&'a Mat, f64), opencv::Error> {
    let cols = frame.cols();
    if cols <= width {
        return Ok((frame, 1.0));
    }
    let scale = f64::from(width) / f64::from(cols);
    imgproc::resize(
        frame,
        scratch,
        Size::new(0, 0),
        scale,
        scale,
        imgproc::INTER_LINEAR,
    )?;
    Ok((scratch, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_model_names_the_path() {
        match detector_from_model(Some(Path::new("/nonexistent/yunet.onnx"))) {
            Err(CameraError::Model { path, .. }) => assert_eq!(path, "/nonexistent/yunet.onnx"),
            Err(e) => panic!("wrong error {e}"),
            Ok(_) => panic!("loaded a missing model"),
        }
    }

    #[test]
    fn a_file_that_is_not_a_model_is_a_model_error() {
        let dir = std::env::temp_dir().join(format!("camera-notmodel-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bogus = dir.join("bogus.onnx");
        std::fs::write(&bogus, b"not an onnx file").unwrap();
        let r = detector_from_model(Some(&bogus));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(r, Err(CameraError::Model { .. })), "{:?}", r.err());
    }
}
