//! YuNet (`cv::FaceDetectorYN`, the 2022 model that loads in OpenCV 4.6).

use std::path::{Path, PathBuf};

use liveness::{BBox, Landmarks, Point};
use opencv::core::{Mat, Ptr, Size};
use opencv::objdetect::FaceDetectorYN;
use opencv::prelude::*;

use crate::CameraError;
use crate::detect::{Detection, FaceDetector, require_file};
use crate::frame::Scratch;

/// YuNet on a downscaled copy of the frame, boxes and landmarks scaled back to the full frame.
///
/// YuNet's rows are `x, y, w, h`, five landmarks, score. Its landmarks come in the order right
/// eye, left eye, nose tip, right mouth corner, left mouth corner, named for the person: in a
/// non-mirrored frontal image the first eye is on the image's left (checked on the test photos),
/// which is exactly [`Landmarks::right_eye`].
pub struct YuNet {
    net: Ptr<FaceDetectorYN>,
    model: PathBuf,
    detect_width: i32,
    input: Size,
    small: Scratch,
    out: Mat,
}

impl YuNet {
    /// The width of the copy YuNet runs on (a 640x480 frame is detected at 320x240: 2-3 ms).
    pub const DEFAULT_DETECT_WIDTH: i32 = 320;
    /// Faces scoring below this are dropped.
    pub const DEFAULT_SCORE_THRESHOLD: f32 = 0.7;
    /// Overlap above which two boxes are one face.
    const NMS_THRESHOLD: f32 = 0.3;

    /// Loads the model.
    ///
    /// # Errors
    /// [`CameraError::Model`] naming the file when it is missing or OpenCV cannot load it.
    pub fn new(model: &Path) -> Result<Self, CameraError> {
        let name = require_file(model)?;
        let input = Size::new(Self::DEFAULT_DETECT_WIDTH, 240);
        let net = FaceDetectorYN::create(
            &name,
            "",
            input,
            Self::DEFAULT_SCORE_THRESHOLD,
            Self::NMS_THRESHOLD,
            5000,
            0,
            0,
        )
        .map_err(|e| CameraError::Model {
            path: name.clone(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            net,
            model: model.to_path_buf(),
            detect_width: Self::DEFAULT_DETECT_WIDTH,
            input,
            small: Scratch::default(),
            out: Mat::default(),
        })
    }

    /// Detects on a copy this wide (frames narrower than this are used as they are).
    #[must_use]
    pub fn with_detect_width(mut self, width: i32) -> Self {
        self.detect_width = width.max(32);
        self
    }

    /// Drops faces scoring below `threshold` (0..1).
    ///
    /// # Errors
    /// An OpenCV failure.
    pub fn with_score_threshold(mut self, threshold: f32) -> Result<Self, CameraError> {
        self.net.set_score_threshold(threshold)?;
        Ok(self)
    }

    /// The model file.
    #[must_use]
    pub fn model(&self) -> &Path {
        &self.model
    }
}

impl FaceDetector for YuNet {
    fn detect(&mut self, frame: &Mat) -> Result<Vec<Detection>, CameraError> {
        if frame.empty() {
            return Ok(Vec::new());
        }
        let (image, scale) =
            crate::detect::downscaled(frame, self.detect_width, &mut self.small.0)?;
        let size = image.size()?;
        if size != self.input {
            self.net.set_input_size(size)?;
            self.input = size;
        }
        self.net.detect(image, &mut self.out)?;
        crate::frame::wipe_mat(&mut self.small.0);
        let inv = (1.0 / scale) as f32;
        let mut found = Vec::with_capacity(usize::try_from(self.out.rows()).unwrap_or(0));
        for r in 0..self.out.rows() {
            let row = self.out.at_row::<f32>(r)?;
            let [
                x,
                y,
                w,
                h,
                rex,
                rey,
                lex,
                ley,
                nx,
                ny,
                rmx,
                rmy,
                lmx,
                lmy,
                score,
                ..,
            ] = *row
            else {
                continue;
            };
            let p = |x: f32, y: f32| Point {
                x: x * inv,
                y: y * inv,
            };
            found.push(Detection {
                bbox: BBox {
                    x: x * inv,
                    y: y * inv,
                    w: w * inv,
                    h: h * inv,
                },
                landmarks: Some(Landmarks {
                    right_eye: p(rex, rey),
                    left_eye: p(lex, ley),
                    nose: p(nx, ny),
                    mouth_right: p(rmx, rmy),
                    mouth_left: p(lmx, lmy),
                }),
                eyes: Vec::new(),
                score: score.clamp(0.0, 1.0),
            });
        }
        Ok(found)
    }

    fn name(&self) -> &'static str {
        "yunet"
    }
}
