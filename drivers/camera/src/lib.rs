//! The kiosk's camera: frame sources, face detection, measurement of each frame into a
//! [`liveness::Observation`], and the loop that runs a [`liveness::Check`] over a source.
//!
//! - Sources ([`FrameSource`]): a V4L2 camera ([`DeviceSource`], the kernel API spoken
//!   directly, not through OpenCV's `videoio`), a Motion-JPEG AVI file ([`VideoFileSource`]),
//!   a folder of images ([`ImageSequenceSource`]), the simulator's
//!   scripted sequences (in `kiosk-sim`); [`open_source`] opens one from a [`SourceSpec`]
//!   (`video:FILE`, `frames:DIR`, `device:N|PATH`), [`Reconnecting`] reopens a camera that
//!   disappears. Frames are moved from the capture to the check, never copied.
//! - Detection ([`FaceDetector`]): YuNet through `FaceDetectorYN` when a model file is
//!   configured ([`YuNet`], five landmarks), the LBP face cascade with a Haar fallback from
//!   Debian's opencv-data otherwise ([`Cascade`], eye boxes and approximate landmarks); both
//!   detect on a downscaled copy and report full-frame coordinates. [`detector_from_model`]
//!   picks one.
//! - Measurement ([`observe`]): pose from the landmarks ([`liveness::estimate_pose`]), eye
//!   openness in eye patches, brightness and sharpness on the full-resolution frame.
//! - The check ([`run_check`]): drives the liveness core frame by frame, tells the source the
//!   challenge shown, reports the verdict, each challenge, the timing and, for a passed check
//!   only, the best frame as an in-memory JPEG ([`BestFrame`]) for the central verification
//!   call. Local 1:1 matching is a trait without an implementation ([`LocalMatcher`]).
//! - A near-infrared camera is a seam ([`ir_measures`], [`SourceOptions::ir`]).
//!
//! Face images are sensitive personal information (PIPL art. 28). What is wiped, and when:
//! - every [`Frame`] is zeroed when dropped: in [`run_check`] right after it is judged, except
//!   the current best-frame candidate, which is zeroed when a better one replaces it or when
//!   the run ends (passed, failed, source ended or an error);
//! - every scratch copy of a face (the detectors' downscaled and grey copies, the eye and
//!   face crops of the measurement, a colour conversion of a captured frame) is zeroed right
//!   after use;
//! - the best frame's JPEG lives in a [`zeroize::Zeroizing`] buffer, wiped when the
//!   [`CheckReport`] holding it is dropped (it is encoded by the pure-Rust `mjpeg` crate, whose
//!   growing output buffer is wiped as it grows);
//! - an image or video frame read from a file is decoded by `mjpeg` into a zeroizing buffer,
//!   copied into the frame's matrix, and the buffer wiped at once.
//!
//! Nothing here writes an image to disk or a log (`Debug` of a frame or JPEG shows sizes only).
//! Outside this crate's reach: the V4L2 driver's two capture buffers (kernel memory mapped
//! read-only, overwritten by the next pictures and released when the camera closes), the
//! decoders' internal scratch buffers and OpenCV's DNN layer activations.

mod capture;
mod cascade;
mod convert;
mod detect;
mod frame;
mod images;
mod ir;
mod measure;
mod pipeline;
mod reconnect;
mod source;
mod v4l2;
mod yunet;

pub use capture::VideoFileSource;
pub use cascade::{Cascade, CascadeKind};
pub use convert::{decode_image_file, jpeg_from_mat};
pub use detect::{
    Detection, FaceDetector, OPENCV_DATA_ENV, detector_from_model, draw_plan, opencv_data_dir,
};
pub use frame::{Frame, wipe_mat};
pub use images::{DEFAULT_FRAMES_FPS, ImageSequenceSource};
pub use ir::ir_measures;
pub use measure::{
    EYE_PATCH_FRACTION, SHARPNESS_WIDTH, brightness, eye_openness, observe, sharpness,
};
pub use pipeline::{
    BestFrame, ChallengeResult, CheckReport, Consent, JPEG_QUALITY, LocalMatcher, Outcome,
    RunLimits, Timing, run_check, run_check_with,
};
pub use reconnect::{Backoff, Reconnecting};
pub use source::{FrameSource, SourceOptions, SourceSpec, open_source};
pub use v4l2::DeviceSource;
pub use yunet::YuNet;

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
