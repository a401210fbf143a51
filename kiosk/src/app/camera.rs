//! The camera as the driver uses it: the face check (the camera crate's pipeline over the
//! configured source) and QR scanning (rqrr over grey frames). Both run on a blocking thread and
//! stop when the session's cancel flag is set.
//!
//! Face images: frames live in memory only; the pipeline zeroes them as it goes; the best frame
//! of a passed check leaves here as [`FaceEvidence`] (zeroed on drop), is attached to the
//! verification call and dropped there.
//!
//! The live preview ([`PreviewSink`]): while a face check or a QR scan runs, the frames it looks
//! at are offered to the sink as they come from the source, before the check judges them. At
//! most one every [`PREVIEW_INTERVAL`] is downscaled to [`PREVIEW_WIDTH`] pixels wide, mirrored
//! and handed on as a [`ScreenPicture`] (zeroed when its last holder drops it); the full frame
//! is not copied, and the scratch matrices of the downscaling are zeroed at once. The preview
//! is mirrored like a selfie view: a citizen who moves or turns to their left sees their image
//! move to the left, as in a mirror or a phone's front camera, which is what makes the
//! turn-left and turn-right challenges and aiming a receipt's QR code at the camera intuitive.
//! The checks themselves run on the unmirrored frames.

use super::central::FaceEvidence;
use super::driver::ScreenPicture;
use camera::{
    CameraError, Consent, FaceDetector, Frame, FrameSource, Outcome, RunLimits, run_check_with,
};
use central_api::dto::{ChallengeEvidence, LivenessEvidence};
use liveness::{Challenge, ChallengePlan, CheckConfig, FailReason};
use opencv::core::Mat;
use opencv::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};
use zeroize::Zeroize;

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
    /// Runs one face check until a verdict or until `cancel` is set, offering the frames it looks
    /// at to `preview` (the touchscreen's live picture).
    ///
    /// # Errors
    /// The camera failed (it is then reported down).
    fn face_check_previewed(
        &mut self,
        cancel: &AtomicBool,
        preview: &mut PreviewSink<'_>,
    ) -> Result<FaceResult, CameraError>;

    /// Watches for QR codes until the source ends or `cancel` is set, calling `found` with each
    /// code read (a code still in view is reported once), offering the frames to `preview`.
    ///
    /// # Errors
    /// The camera failed.
    fn scan_qr_previewed(
        &mut self,
        cancel: &AtomicBool,
        found: &mut dyn FnMut(String),
        preview: &mut PreviewSink<'_>,
    ) -> Result<(), CameraError>;

    /// Opens the source and takes one frame (for `kiosk doctor` and the status at start):
    /// the source's description and the frame's size.
    ///
    /// # Errors
    /// The camera failed.
    fn probe(&mut self) -> Result<String, CameraError>;

    /// [`Camera::face_check_previewed`] without a preview.
    ///
    /// # Errors
    /// As [`Camera::face_check_previewed`].
    fn face_check(&mut self, cancel: &AtomicBool) -> Result<FaceResult, CameraError> {
        self.face_check_previewed(cancel, &mut PreviewSink::off())
    }

    /// [`Camera::scan_qr_previewed`] without a preview.
    ///
    /// # Errors
    /// As [`Camera::scan_qr_previewed`].
    fn scan_qr(
        &mut self,
        cancel: &AtomicBool,
        found: &mut dyn FnMut(String),
    ) -> Result<(), CameraError> {
        self.scan_qr_previewed(cancel, found, &mut PreviewSink::off())
    }
}

/// Width of the live preview in pixels (the height keeps the frame's aspect ratio).
pub const PREVIEW_WIDTH: u32 = 480;
/// The shortest time between two preview pictures (at most 10 a second).
pub const PREVIEW_INTERVAL: Duration = Duration::from_millis(100);

/// Where the live preview of a face check or QR scan goes: small mirrored RGBA pictures, at
/// most one every [`PREVIEW_INTERVAL`]; frames in between are not touched.
pub struct PreviewSink<'a> {
    send: Option<&'a mut dyn FnMut(Arc<ScreenPicture>)>,
    width: u32,
    interval: Duration,
    last: Option<Instant>,
    /// Pictures handed on (for tests and benches).
    sent: u64,
}

impl std::fmt::Debug for PreviewSink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewSink")
            .field("on", &self.send.is_some())
            .field("width", &self.width)
            .field("sent", &self.sent)
            .finish_non_exhaustive()
    }
}

impl<'a> PreviewSink<'a> {
    /// Pictures [`PREVIEW_WIDTH`] wide, at most one every [`PREVIEW_INTERVAL`], to `send`.
    pub fn new(send: &'a mut dyn FnMut(Arc<ScreenPicture>)) -> PreviewSink<'a> {
        PreviewSink::with(send, PREVIEW_WIDTH, PREVIEW_INTERVAL)
    }

    /// Pictures `width` pixels wide (at least 16), at most one every `interval`, to `send`.
    pub fn with(
        send: &'a mut dyn FnMut(Arc<ScreenPicture>),
        width: u32,
        interval: Duration,
    ) -> PreviewSink<'a> {
        PreviewSink {
            send: Some(send),
            width: width.max(16),
            interval,
            last: None,
            sent: 0,
        }
    }

    /// No preview: frames are not touched.
    pub fn off() -> PreviewSink<'static> {
        PreviewSink {
            send: None,
            width: PREVIEW_WIDTH,
            interval: PREVIEW_INTERVAL,
            last: None,
            sent: 0,
        }
    }

    /// How many pictures were handed on.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Whether a picture is due now (and marks it taken).
    fn due(&mut self) -> bool {
        if self.send.is_none() {
            return false;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t) < self.interval)
        {
            return false;
        }
        self.last = Some(now);
        true
    }

    fn deliver(&mut self, picture: kiosk_ui::Picture) {
        if let Some(send) = self.send.as_mut() {
            send(Arc::new(ScreenPicture::new(picture)));
            self.sent += 1;
        }
    }

    /// Offers a BGR (or grey) frame: when a picture is due, a downscaled mirrored copy is
    /// handed on. A frame that cannot be converted is skipped (logged without pixels).
    pub fn offer(&mut self, frame: &Mat) {
        if !self.due() {
            return;
        }
        match preview_picture(frame, self.width) {
            Ok(picture) => self.deliver(picture),
            Err(e) => tracing::debug!(error = %e, "camera preview frame skipped"),
        }
    }

    /// Offers a picture made only when one is due (the stand-in camera's frame).
    fn offer_with(&mut self, make: impl FnOnce(u32) -> kiosk_ui::Picture) {
        if self.due() {
            let width = self.width;
            self.deliver(make(width));
        }
    }
}

/// A matrix holding (part of) a face image, zeroed when it goes out of scope.
#[derive(Default)]
struct Wiped(Mat);

impl Drop for Wiped {
    fn drop(&mut self) {
        camera::wipe_mat(&mut self.0);
    }
}

/// `frame` downscaled to `width` pixels wide (never upscaled), mirrored left to right, as RGBA.
fn preview_picture(frame: &Mat, width: u32) -> Result<kiosk_ui::Picture, opencv::Error> {
    let bad = |what: &str| opencv::Error::new(opencv::core::StsBadArg, what.to_owned());
    let (cols, rows) = (frame.cols(), frame.rows());
    if cols <= 0 || rows <= 0 {
        return Err(bad("empty frame"));
    }
    let to_rgba = match frame.channels() {
        1 => opencv::imgproc::COLOR_GRAY2RGBA,
        3 => opencv::imgproc::COLOR_BGR2RGBA,
        _ => return Err(bad("not a BGR or grey frame")),
    };
    let w = i32::try_from(width).unwrap_or(i32::MAX).min(cols);
    let h = i32::try_from(i64::from(rows) * i64::from(w) / i64::from(cols))
        .unwrap_or(rows)
        .max(1);
    let mut small = Wiped::default();
    opencv::imgproc::resize(
        frame,
        &mut small.0,
        opencv::core::Size::new(w, h),
        0.0,
        0.0,
        opencv::imgproc::INTER_AREA,
    )?;
    let mut mirrored = Wiped::default();
    opencv::core::flip(&small.0, &mut mirrored.0, 1)?;
    drop(small);
    let mut rgba = Wiped::default();
    opencv::imgproc::cvt_color_def(&mirrored.0, &mut rgba.0, to_rgba)?;
    drop(mirrored);
    let bytes = rgba.0.data_bytes()?.to_vec();
    let expected = usize::try_from(w).unwrap_or(0) * usize::try_from(h).unwrap_or(0) * 4;
    if bytes.len() != expected {
        let mut bytes = bytes;
        bytes.zeroize();
        return Err(bad("preview size mismatch"));
    }
    Ok(kiosk_ui::Picture {
        width: u32::try_from(w).unwrap_or(0),
        height: u32::try_from(h).unwrap_or(0),
        rgba: bytes,
    })
}

/// Opens a frame source (a V4L2 camera, a file, the simulator's scripted citizen).
pub type OpenSource = Box<dyn FnMut() -> Result<Box<dyn FrameSource + Send>, CameraError> + Send>;

/// The real camera: a source opened per use and a face detector (YuNet or the cascades).
pub struct OpenCvCamera {
    open: OpenSource,
    detector: Box<dyn FaceDetector + Send>,
    challenges: u8,
    /// A plan asked at every check instead of a random one (`devices.camera.challenges`, for
    /// tests with a recorded citizen: a fixed plan can be answered by a recording).
    fixed: Option<ChallengePlan>,
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
            fixed: None,
        }
    }

    /// The same camera asking `plan` at every check.
    #[must_use]
    pub fn with_fixed_plan(mut self, plan: ChallengePlan) -> OpenCvCamera {
        self.fixed = Some(plan);
        self
    }
}

/// Stops a source when the flag is set; offers each frame to the preview on its way to the check.
struct Cancellable<'a, 'p> {
    inner: Box<dyn FrameSource + Send>,
    cancel: &'a AtomicBool,
    preview: &'a mut PreviewSink<'p>,
}

impl FrameSource for Cancellable<'_, '_> {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let frame = self.inner.next_frame()?;
        if let Some(f) = &frame {
            self.preview.offer(f.mat());
        }
        Ok(frame)
    }

    fn prompt(&mut self, shown: Option<Challenge>) {
        self.inner.prompt(shown);
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn offers(&self) -> Option<String> {
        self.inner.offers()
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
    fn face_check_previewed(
        &mut self,
        cancel: &AtomicBool,
        preview: &mut PreviewSink<'_>,
    ) -> Result<FaceResult, CameraError> {
        let mut source = Cancellable {
            inner: (self.open)()?,
            cancel,
            preview,
        };
        let plan = match &self.fixed {
            Some(plan) => plan.clone(),
            // Only challenges this detector judges reliably (the cascades cannot see a nod,
            // and their plans always include the blink).
            None => camera::draw_plan(
                &self.detector,
                uuid::Uuid::new_v4().as_u64_pair().0,
                self.challenges,
            )
            .or_else(|_| ChallengePlan::fixed(&[Challenge::TurnLeft, Challenge::Blink]))
            .map_err(|e| CameraError::BadSpec(format!("challenge plan: {e}")))?,
        };
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

    fn scan_qr_previewed(
        &mut self,
        cancel: &AtomicBool,
        found: &mut dyn FnMut(String),
        preview: &mut PreviewSink<'_>,
    ) -> Result<(), CameraError> {
        let mut source = (self.open)()?;
        let mut last: Option<String> = None;
        while !cancel.load(Ordering::Relaxed) {
            let Some(mut frame) = source.next_frame()? else {
                return Ok(());
            };
            preview.offer(frame.mat());
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
        probe_source((self.open)()?.as_mut())
    }
}

/// Reads one frame of `source`: what it is, the frame's size, and what the camera offers (its
/// formats, sizes and rates, for the installer), or why no frame came.
///
/// # Errors
/// The source's error, or [`CameraError::BadSpec`] when it ended without a frame.
pub fn probe_source(source: &mut (dyn FrameSource + Send)) -> Result<String, CameraError> {
    let frame = source
        .next_frame()?
        .ok_or_else(|| CameraError::BadSpec("the source gave no frame".to_owned()))?;
    let (w, h) = frame.size();
    let offers = source
        .offers()
        .map(|o| format!("; offers {o}"))
        .unwrap_or_default();
    Ok(format!("{}: {w}x{h}{offers}", source.describe()))
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
/// small grey JPEG; a QR scan returns `qr` when set. Meanwhile the live preview shows the
/// stand-in frame (a gradient with a face oval and a moving band), through the same
/// [`PreviewSink`] as a real camera. For the demo when no face photo is available, and for
/// driver tests that are not about the camera.
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

/// Waits `delay` unless cancelled (`false` then), showing the stand-in frame on the preview.
fn wait_previewed(delay: Duration, cancel: &AtomicBool, preview: &mut PreviewSink<'_>) -> bool {
    let step = Duration::from_millis(10);
    let mut left = delay;
    while !left.is_zero() {
        if cancel.load(Ordering::Relaxed) {
            return false;
        }
        preview.offer_with(stand_in_frame);
        let d = left.min(step);
        std::thread::sleep(d);
        left = left.saturating_sub(d);
    }
    !cancel.load(Ordering::Relaxed)
}

/// The stand-in camera's frame, `width` wide at 4:3: the demo's gradient with a face oval (no
/// person) and a light band that moves down from picture to picture, so the screen shows that
/// the preview is live.
fn stand_in_frame(width: u32) -> kiosk_ui::Picture {
    let height = (width * 3 / 4).max(1);
    let mut picture = crate::screens::camera_frame(width, height);
    let ms = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let band = u32::try_from(ms / 100 % u128::from(height / 8).max(1)).unwrap_or(0) * 8;
    let row = width as usize * 4;
    for y in band..(band + 4).min(height) {
        let start = y as usize * row;
        if let Some(line) = picture.rgba.get_mut(start..start + row) {
            for px in line.chunks_exact_mut(4) {
                px[0] = px[0].saturating_add(60);
                px[1] = px[1].saturating_add(60);
                px[2] = px[2].saturating_add(60);
            }
        }
    }
    picture
}

impl Camera for StandInCamera {
    fn face_check_previewed(
        &mut self,
        cancel: &AtomicBool,
        preview: &mut PreviewSink<'_>,
    ) -> Result<FaceResult, CameraError> {
        if !wait_previewed(self.delay, cancel, preview) {
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
        let jpeg = camera::jpeg_from_mat(&mat, camera::JPEG_QUALITY)?;
        Ok(FaceResult::Passed(FaceEvidence {
            jpeg,
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

    fn scan_qr_previewed(
        &mut self,
        cancel: &AtomicBool,
        found: &mut dyn FnMut(String),
        preview: &mut PreviewSink<'_>,
    ) -> Result<(), CameraError> {
        if let Some(qr) = &self.qr
            && wait_previewed(self.delay, cancel, preview)
        {
            found(qr.clone());
        }
        while wait_previewed(Duration::from_millis(50), cancel, preview) {}
        Ok(())
    }

    fn probe(&mut self) -> Result<String, CameraError> {
        Ok("stand-in camera (no pixels)".to_owned())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

    use super::*;
    use opencv::core::{CV_8UC1, CV_8UC3, Rect, Scalar};

    /// A 640x480 BGR frame: the left half blue, the right half red.
    fn halves() -> Mat {
        let mut m = Mat::new_rows_cols_with_default(480, 640, CV_8UC3, Scalar::all(0.0)).unwrap();
        let mut left = Mat::roi_mut(&mut m, Rect::new(0, 0, 320, 480)).unwrap();
        left.set_to_def(&Scalar::new(255.0, 0.0, 0.0, 0.0)).unwrap();
        drop(left);
        let mut right = Mat::roi_mut(&mut m, Rect::new(320, 0, 320, 480)).unwrap();
        right
            .set_to_def(&Scalar::new(0.0, 0.0, 255.0, 0.0))
            .unwrap();
        drop(right);
        m
    }

    fn px(p: &kiosk_ui::Picture, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * p.width + x) * 4) as usize;
        [p.rgba[i], p.rgba[i + 1], p.rgba[i + 2], p.rgba[i + 3]]
    }

    #[test]
    fn the_preview_is_downscaled_mirrored_rgba() {
        let p = preview_picture(&halves(), 480).unwrap();
        assert_eq!((p.width, p.height), (480, 360));
        assert_eq!(p.rgba.len(), 480 * 360 * 4);
        // Mirrored: the frame's red right half shows on the left, as in a mirror.
        assert_eq!(px(&p, 10, 180), [255, 0, 0, 255]);
        assert_eq!(px(&p, 470, 180), [0, 0, 255, 255]);
        // Never upscaled.
        let small = preview_picture(&halves(), 2000).unwrap();
        assert_eq!((small.width, small.height), (640, 480));
    }

    #[test]
    fn grey_frames_preview_and_bad_frames_are_refused() {
        let grey = Mat::new_rows_cols_with_default(100, 200, CV_8UC1, Scalar::all(77.0)).unwrap();
        let p = preview_picture(&grey, 100).unwrap();
        assert_eq!((p.width, p.height), (100, 50));
        assert_eq!(px(&p, 50, 25), [77, 77, 77, 255]);
        assert!(preview_picture(&Mat::default(), 480).is_err());
        let four = Mat::new_rows_cols_with_default(10, 10, opencv::core::CV_8UC4, Scalar::all(0.0))
            .unwrap();
        assert!(preview_picture(&four, 480).is_err());
    }

    #[test]
    fn the_sink_hands_on_at_most_one_picture_per_interval() {
        let mut got = Vec::new();
        let mut send = |p: Arc<ScreenPicture>| got.push((p.width, p.height));
        let mut sink = PreviewSink::with(&mut send, 160, Duration::from_millis(200));
        let frame = halves();
        for _ in 0..5 {
            sink.offer(&frame);
        }
        assert_eq!(sink.sent(), 1);
        std::thread::sleep(Duration::from_millis(220));
        sink.offer(&frame);
        sink.offer(&frame);
        assert_eq!(sink.sent(), 2);
        assert_eq!(got, vec![(160, 120), (160, 120)]);
        // Off: nothing is made.
        let mut off = PreviewSink::off();
        off.offer(&frame);
        assert_eq!(off.sent(), 0);
    }

    #[test]
    fn the_stand_in_camera_shows_its_frame_through_the_preview() {
        let mut got: Vec<Arc<ScreenPicture>> = Vec::new();
        let mut send = |p: Arc<ScreenPicture>| got.push(p);
        let mut camera = StandInCamera::passing(Duration::from_millis(450));
        let started = Instant::now();
        let result = camera
            .face_check_previewed(&AtomicBool::new(false), &mut PreviewSink::new(&mut send))
            .unwrap();
        let tenths = started.elapsed().as_millis() / 100;
        assert!(matches!(result, FaceResult::Passed(_)));
        // One at once, then one every 100 ms at most (a loaded machine sleeps longer).
        assert!(got.len() >= 3, "{} frames", got.len());
        assert!(got.len() as u128 <= tenths + 1, "{} frames", got.len());
        assert!(
            got.iter()
                .all(|p| (p.width, p.height) == (PREVIEW_WIDTH, PREVIEW_WIDTH * 3 / 4))
        );
        // A cancelled check stops showing frames at once.
        got.clear();
        let mut send = |p: Arc<ScreenPicture>| got.push(p);
        let cancel = AtomicBool::new(true);
        let result = camera
            .face_check_previewed(&cancel, &mut PreviewSink::new(&mut send))
            .unwrap();
        assert!(matches!(
            result,
            FaceResult::Failed(FailReason::OverallTimedOut)
        ));
        assert!(got.is_empty());
    }

    #[test]
    fn a_screen_picture_shows_no_pixels_in_debug() {
        let p = ScreenPicture::new(kiosk_ui::Picture {
            width: 2,
            height: 1,
            rgba: vec![201, 202, 203, 255, 204, 205, 206, 255],
        });
        let s = format!("{p:?}");
        assert_eq!(s, "ScreenPicture(2x1)");
    }
}
