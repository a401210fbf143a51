//! A simulated camera: scripted face sequences built from real photos, for the demo and the tests.
//!
//! What is here:
//! - [`synth`]: puts a photo's face into a 640x480 scene and renders it for a head state (yaw,
//!   pitch, eyes closed, position, scale, roll) and a photometric state (gain, offset, camera
//!   noise from a seeded generator, blur). A head turn or nod is a non-rigid warp over a depth
//!   model (an ellipsoid head with a bump at the nose landmark), so the nose moves relative to the
//!   eyes as on a real head; a print is only moved, scaled, rotated and tilted as a flat plane.
//! - [`scenario`]: [`ScriptedSource`], a [`camera::FrameSource`] playing one [`Scenario`]: a
//!   cooperative citizen who follows the challenge shown on the screen
//!   ([`camera::FrameSource::prompt`]), a still print, a moved print, two people, nobody, and a
//!   citizen who walks away mid-check.
//! - [`output`]: writes a sequence as numbered PNG frames (what `frames:DIR` reads) or as an
//!   MJPG AVI file (what `video:FILE` reads).
//!
//! What is not here: no face detection of its own (the face geometry of a photo comes from the
//! camera crate's detector, [`FacePhoto::load`]) and no liveness judgement. The photos are the
//! public test photos named on the command line; the simulator never sees a citizen's face.
//! Everything is deterministic for a given photo, scenario, seed and frame rate.

pub mod output;
pub mod scenario;
pub mod synth;

pub use output::{Output, Summary, write_sequence};
pub use scenario::{Scenario, ScenarioConfig, ScriptedSource, parse_challenges};
pub use synth::{FaceGeometry, FacePhoto, HeadState, Photometric};

/// What went wrong while building or writing a simulated camera sequence.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimCameraError {
    /// The photo could not be read or decoded.
    #[error("cannot read photo {path}: {reason}")]
    Photo {
        /// The photo file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The detector found no face in the photo.
    #[error("no face found in photo {0}")]
    NoFaceInPhoto(String),
    /// The scenario name is not one of [`Scenario::ALL`].
    #[error(
        "unknown scenario {0:?}: expected cooperative, still-photo, moved-photo, two-faces, no-face or walk-away"
    )]
    BadScenario(String),
    /// A challenge name is not one of turn-left, turn-right, nod, blink.
    #[error("unknown challenge {0:?}: expected turn-left, turn-right, nod or blink")]
    BadChallenge(String),
    /// A parameter is out of its range (frame rate 0, no frames, ...).
    #[error("bad parameter: {0}")]
    BadParameter(String),
    /// The output folder or video file could not be written.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The file or folder.
        path: String,
        /// Why.
        reason: String,
    },
    /// The camera crate failed (loading the detector model, detecting).
    #[error(transparent)]
    Camera(#[from] camera::CameraError),
    /// An OpenCV call failed.
    #[error("opencv: {0}")]
    OpenCv(#[from] opencv::Error),
}
