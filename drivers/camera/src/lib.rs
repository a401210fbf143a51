//! The kiosk's camera: frame sources (V4L2 device, video file, image sequence, the simulator's
//! scripted sequences), face detection (YuNet through `FaceDetectorYN`, Haar/LBP cascades from
//! Debian's opencv-data otherwise), measurement of each frame into a [`liveness::Observation`],
//! and the loop that runs a [`liveness::Check`] over a source.
//!
//! Face images are sensitive personal information (PIPL art. 28): frames live only in memory, are
//! zeroed when dropped ([`Frame`]), and nothing here writes an image to disk or a log.

mod detect;
mod frame;
mod source;

pub use detect::{Detection, FaceDetector};
pub use frame::Frame;
pub use source::{FrameSource, SourceSpec};

/// What went wrong with the camera or the face pipeline (English, for the logs).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CameraError {
    /// The camera or file could not be opened.
    #[error("cannot open {what}: {reason}")]
    Open {
        /// The device, file or folder.
        what: String,
        /// Why.
        reason: String,
    },
    /// The camera stopped delivering frames (unplugged, driver error).
    #[error("camera {what} lost: {reason}")]
    Lost {
        /// The device.
        what: String,
        /// Why.
        reason: String,
    },
    /// A source specification could not be understood.
    #[error("bad source {0:?}: expected video:FILE, frames:DIR or device:N|PATH")]
    BadSpec(String),
    /// A face model could not be loaded.
    #[error("cannot load face model {path}: {reason}")]
    Model {
        /// The model file.
        path: String,
        /// Why.
        reason: String,
    },
    /// An OpenCV call failed.
    #[error("opencv: {0}")]
    OpenCv(#[from] opencv::Error),
}
