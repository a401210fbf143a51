//! Face detectors behind one trait.

use crate::CameraError;
use liveness::{BBox, Landmarks};
use opencv::core::Mat;

/// One face found in a frame, in full-frame pixels (detectors run on a downscaled copy and scale back).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detection {
    /// The face box.
    pub bbox: BBox,
    /// The five landmarks (YuNet).
    pub landmarks: Option<Landmarks>,
    /// Eye regions found by the eye cascade inside the face box (cascade detector only).
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
}
