//! The camera as the driver uses it: the face check (the camera crate's pipeline over the
//! configured source) and QR scanning (rqrr over grey frames). Both run on a blocking thread and
//! stop when the session's cancel flag is set.
//!
//! Face images: frames live in memory only; the pipeline zeroes them as it goes; the best frame
//! of a passed check leaves here as [`FaceEvidence`] (zeroed on drop), is attached to the
//! verification call and dropped there.

use super::central::FaceEvidence;
use camera::{
    CameraError, Consent, FaceDetector, Frame, FrameSource, Outcome, RunLimits, run_check_with,
};
use central_api::dto::{ChallengeEvidence, LivenessEvidence};
use liveness::{Challenge, ChallengePlan, CheckConfig, FailReason};
use opencv::core::{Mat, Vector};
use opencv::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use zeroize::Zeroizing;

/// The version of the consent notice shown before the face check (journaled with the consent).
pub const NOTICE_VERSION: &str = "face-notice-2026-11";

/// How a face check ended.
#[derive(Debug)]
pub enum FaceResult {
    /// Passed, with the evidence for central.
    Passed(FaceEvidence),
    /// Failed.
    Failed(FailReason),
}

/// A camera the driver can run face checks and QR scans on.
pub trait Camera: Send {
    /// Runs one face check until a verdict or until `cancel` is set.
    ///
    /// # Errors
    /// The camera failed (it is then reported down).
    fn face_check(&mut self, cancel: &AtomicBool) -> Result<FaceResult, CameraError>;

    /// Watches for QR codes until the source ends or `cancel` is set, calling `found` with each
    /// code read (a code still in view is reported once).
    ///
    /// # Errors
    /// The camera failed.
    fn scan_qr(
        &mut self,
        cancel: &AtomicBool,
        found: &mut dyn FnMut(String),
    ) -> Result<(), CameraError>;

    /// Opens the source and takes one frame (for `kiosk doctor` and the status at start):
    /// the source's description and the frame's size.
    ///
    /// # Errors
    /// The camera failed.
    fn probe(&mut self) -> Result<String, CameraError>;
}

/// Opens a frame source (a V4L2 camera, a file, the simulator's scripted citizen).
pub type OpenSource = Box<dyn FnMut() -> Result<Box<dyn FrameSource + Send>, CameraError> + Send>;

/// The real camera: a source opened per use and a face detector (YuNet or the cascades).
pub struct OpenCvCamera {
    open: OpenSource,
    detector: Box<dyn FaceDetector + Send>,
    challenges: u8,
}

impl std::fmt::Debug for OpenCvCamera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenCvCamera")
            .field("detector", &self.detector.name())
            .finish_non_exhaustive()
    }
}

impl OpenCvCamera {
    /// A camera over `open` with `detector`; each check draws two challenges.
    pub fn new(open: OpenSource, detector: Box<dyn FaceDetector + Send>) -> OpenCvCamera {
        OpenCvCamera {
            open,
            detector,
            challenges: 2,
        }
    }
}

/// Stops a source when the flag is set.
struct Cancellable<'a> {
    inner: Box<dyn FrameSource + Send>,
    cancel: &'a AtomicBool,
}

impl FrameSource for Cancellable<'_> {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        self.inner.next_frame()
    }

    fn prompt(&mut self, shown: Option<Challenge>) {
        self.inner.prompt(shown);
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}

fn challenge_name(c: Challenge) -> &'static str {
    match c {
        Challenge::TurnLeft => "turn_left",
        Challenge::TurnRight => "turn_right",
        Challenge::Nod => "nod",
        Challenge::Blink => "blink",
    }
}

impl Camera for OpenCvCamera {
    fn face_check(&mut self, cancel: &AtomicBool) -> Result<FaceResult, CameraError> {
        let mut source = Cancellable {
            inner: (self.open)()?,
            cancel,
        };
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        let plan = ChallengePlan::draw(seed, self.challenges)
            .or_else(|_| ChallengePlan::fixed(&[Challenge::TurnLeft, Challenge::Blink]))
            .map_err(|e| CameraError::BadSpec(format!("challenge plan: {e}")))?;
        let consent = Consent::new(NOTICE_VERSION, SystemTime::now());
        let report = run_check_with(
            &mut source,
            &mut self.detector,
            plan,
            CheckConfig::default(),
            &consent,
            RunLimits::default(),
            &mut |_, _| {},
        )?;
        Ok(match (report.outcome, report.best_frame) {
            (Outcome::Passed, Some(best)) => FaceResult::Passed(FaceEvidence {
                jpeg: best.jpeg,
                liveness: LivenessEvidence {
                    challenges: report
                        .challenges
                        .iter()
                        .filter(|c| c.shown)
                        .map(|c| ChallengeEvidence {
                            challenge: challenge_name(c.challenge).to_owned(),
                            passed: c.met,
                            duration_ms: u32::try_from(c.time_ms.unwrap_or(0)).unwrap_or(u32::MAX),
                        })
                        .collect(),
                    frames: u32::try_from(report.frames).unwrap_or(u32::MAX),
                    detector: report.detector.to_owned(),
                },
            }),
            (Outcome::Failed(reason), _) => FaceResult::Failed(reason),
            // Passed without a frame, the source ended or the frame limit: no verdict in time.
            _ => FaceResult::Failed(FailReason::OverallTimedOut),
        })
    }

    fn scan_qr(
        &mut self,
        cancel: &AtomicBool,
        found: &mut dyn FnMut(String),
    ) -> Result<(), CameraError> {
        let mut source = (self.open)()?;
        let mut last: Option<String> = None;
        while !cancel.load(Ordering::Relaxed) {
            let Some(mut frame) = source.next_frame()? else {
                return Ok(());
            };
            let code = decode_qr(frame.mat());
            camera::wipe_mat(frame.mat_mut());
            if let Some(text) = code
                && last.as_deref() != Some(text.as_str())
            {
                last = Some(text.clone());
                found(text);
            }
        }
        Ok(())
    }

    fn probe(&mut self) -> Result<String, CameraError> {
        let mut source = (self.open)()?;
        let frame = source
            .next_frame()?
            .ok_or_else(|| CameraError::BadSpec("the source gave no frame".to_owned()))?;
        let (w, h) = frame.size();
        Ok(format!("{}: {w}x{h}", source.describe()))
    }
}

/// The first QR code in a BGR or grey frame, if any.
pub fn decode_qr(mat: &Mat) -> Option<String> {
    let grey = if mat.channels() == 1 {
        mat.try_clone().ok()?
    } else {
        let mut g = Mat::default();
        opencv::imgproc::cvt_color_def(mat, &mut g, opencv::imgproc::COLOR_BGR2GRAY).ok()?;
        g
    };
    let w = usize::try_from(grey.cols()).ok()?;
    let h = usize::try_from(grey.rows()).ok()?;
    let bytes = grey.data_bytes().ok()?;
    let step = grey.step1(0).ok()?;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        bytes.get(y * step + x).copied().unwrap_or(255)
    });
    img.detect_grids()
        .into_iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// A stand-in camera with no pixels of a person: every face check passes after `delay` with a
/// small grey JPEG; a QR scan returns `qr` when set. For the demo when no face photo is
/// available, and for driver tests that are not about the camera.
#[derive(Debug, Clone)]
pub struct StandInCamera {
    /// How long a check takes.
    pub delay: Duration,
    /// The outcome of every check (`None`: passed).
    pub fail: Option<FailReason>,
    /// What a QR scan reads.
    pub qr: Option<String>,
}

impl StandInCamera {
    /// Passing checks after `delay`, no QR code.
    pub fn passing(delay: Duration) -> StandInCamera {
        StandInCamera {
            delay,
            fail: None,
            qr: None,
        }
    }
}

fn wait(delay: Duration, cancel: &AtomicBool) -> bool {
    let step = Duration::from_millis(10);
    let mut left = delay;
    while !left.is_zero() {
        if cancel.load(Ordering::Relaxed) {
            return false;
        }
        let d = left.min(step);
        std::thread::sleep(d);
        left = left.saturating_sub(d);
    }
    !cancel.load(Ordering::Relaxed)
}

impl Camera for StandInCamera {
    fn face_check(&mut self, cancel: &AtomicBool) -> Result<FaceResult, CameraError> {
        if !wait(self.delay, cancel) {
            return Ok(FaceResult::Failed(FailReason::OverallTimedOut));
        }
        if let Some(reason) = self.fail {
            return Ok(FaceResult::Failed(reason));
        }
        let mat = Mat::new_rows_cols_with_default(
            48,
            48,
            opencv::core::CV_8UC3,
            opencv::core::Scalar::all(128.0),
        )?;
        let mut jpeg = Vector::<u8>::new();
        opencv::imgcodecs::imencode_def(".jpg", &mat, &mut jpeg)?;
        Ok(FaceResult::Passed(FaceEvidence {
            jpeg: Zeroizing::new(jpeg.to_vec()),
            liveness: LivenessEvidence {
                challenges: ["turn_left", "blink"]
                    .into_iter()
                    .map(|c| ChallengeEvidence {
                        challenge: c.to_owned(),
                        passed: true,
                        duration_ms: u32::try_from(self.delay.as_millis() / 2).unwrap_or(u32::MAX),
                    })
                    .collect(),
                frames: 1,
                detector: "stand-in".to_owned(),
            },
        }))
    }

    fn scan_qr(
        &mut self,
        cancel: &AtomicBool,
        found: &mut dyn FnMut(String),
    ) -> Result<(), CameraError> {
        if let Some(qr) = &self.qr
            && wait(self.delay, cancel)
        {
            found(qr.clone());
        }
        while wait(Duration::from_millis(50), cancel) {}
        Ok(())
    }

    fn probe(&mut self) -> Result<String, CameraError> {
        Ok("stand-in camera (no pixels)".to_owned())
    }
}
