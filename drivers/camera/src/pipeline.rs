//! Running one liveness check over a frame source: detect, measure, judge, keep the best frame.

use std::time::{Instant, SystemTime};

use liveness::{Action, Challenge, ChallengePlan, Check, CheckConfig, FailReason};
use opencv::core::Mat;
use zeroize::Zeroizing;

use crate::detect::FaceDetector;
use crate::measure::observe;
use crate::source::FrameSource;
use crate::{CameraError, Frame};

/// The citizen's consent to face verification, which the caller must hold to run a check.
///
/// The kiosk shows the notice (which face data is processed, for what, by whom, that images
/// stay in memory and are wiped, and that the staffed window is the alternative), records the
/// consent with the notice's version and the time in its journal (PIPL art. 29: separate consent
/// for sensitive personal information), and only then builds this value. [`run_check`] takes it
/// so that no check can run without one, and copies it into the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    notice_version: String,
    given_at: SystemTime,
}

impl Consent {
    /// Consent given to notice version `notice_version` at `given_at`.
    pub fn new(notice_version: impl Into<String>, given_at: SystemTime) -> Self {
        Self {
            notice_version: notice_version.into(),
            given_at,
        }
    }

    /// The version of the notice the citizen agreed to.
    #[must_use]
    pub fn notice_version(&self) -> &str {
        &self.notice_version
    }

    /// When the citizen agreed.
    #[must_use]
    pub fn given_at(&self) -> SystemTime {
        self.given_at
    }
}

/// Bounds on a run beyond the check's own time-outs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLimits {
    /// Stop after this many frames even without a verdict (a file longer than any check).
    pub max_frames: u64,
}

impl Default for RunLimits {
    /// 3000 frames: 100 s at 30 frames a second, beyond the check's 30 s overall time-out.
    fn default() -> Self {
        Self { max_frames: 3_000 }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The check passed.
    Passed,
    /// The check failed.
    Failed(FailReason),
    /// The source ran out of frames before a verdict.
    SourceEnded,
    /// [`RunLimits::max_frames`] frames were processed without a verdict.
    FrameLimit,
}

/// One planned challenge and how it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeResult {
    /// The challenge.
    pub challenge: Challenge,
    /// Whether it was shown to the citizen (later ones are not after a failure).
    pub shown: bool,
    /// Whether it was met.
    pub met: bool,
    /// From showing it to meeting it (or to the end of the run when it was not met), in ms on
    /// the source's clock; `None` when it was never shown.
    pub time_ms: Option<u64>,
}

/// Per-frame processing time (detection, measurement, quality gate, liveness step), in ms.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Timing {
    /// Frames measured.
    pub frames: u64,
    /// Median.
    pub median_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// Mean.
    pub mean_ms: f64,
}

impl Timing {
    /// Statistics over per-frame durations in ms (any order).
    #[must_use]
    pub fn from_samples(samples: &[f64]) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        let mut v = samples.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let at = |i: usize| v.get(i.min(n - 1)).copied().unwrap_or(0.0);
        Self {
            frames: n as u64,
            median_ms: at(n / 2),
            p90_ms: at((n * 9).div_ceil(10).saturating_sub(1)),
            max_ms: at(n - 1),
            mean_ms: v.iter().sum::<f64>() / n as f64,
        }
    }
}

/// The best frame of a passed check, JPEG-encoded in memory for the central verification call.
///
/// The bytes are wiped when this is dropped ([`Zeroizing`]); they are never written to disk
/// or a log (`Debug` shows the size only).
pub struct BestFrame {
    /// The JPEG (quality 90).
    pub jpeg: Zeroizing<Vec<u8>>,
    /// The frame's time on the source's clock (its handle in the check).
    pub at_ms: u64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl std::fmt::Debug for BestFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BestFrame {{ at_ms: {}, {}x{}, {} JPEG bytes }}",
            self.at_ms,
            self.width,
            self.height,
            self.jpeg.len()
        )
    }
}

/// JPEG quality of the best frame.
pub const JPEG_QUALITY: u8 = 90;

/// What a run found; no pixels except a passed check's best frame.
#[derive(Debug)]
pub struct CheckReport {
    /// The verdict.
    pub outcome: Outcome,
    /// Each planned challenge, in plan order.
    pub challenges: Vec<ChallengeResult>,
    /// Frames processed.
    pub frames: u64,
    /// Per-frame processing time.
    pub timing: Timing,
    /// The source's clock from the first to the last frame, in ms.
    pub duration_ms: u64,
    /// The detector (`"yunet"`, `"haar"`, `"lbp"`).
    pub detector: &'static str,
    /// The source, as it describes itself.
    pub source: String,
    /// The consent the check ran under.
    pub consent: Consent,
    /// The best frame, only when the check passed.
    pub best_frame: Option<BestFrame>,
}

/// 1:1 matching of a passed check's best frame against a reference photo, done on the kiosk.
///
/// No implementation ships: the central verification service is the default matcher (it holds
/// the licensed libraries that decode the ID card's photo), and SFace, OpenCV's recogniser,
/// cannot be obtained here. A local matcher must keep the same rules: memory only, nothing
/// kept after the call.
pub trait LocalMatcher {
    /// Similarity 0..1 (1: surely the same person) between the best frame and a BGR reference.
    ///
    /// # Errors
    /// A failure to decode or compare.
    fn similarity(&mut self, best: &BestFrame, reference: &Mat) -> Result<f32, CameraError>;

    /// A short name for logs.
    fn name(&self) -> &'static str;
}

/// Runs one check over `source` with `detector`; see [`run_check_with`] for a screen that follows
/// the prompts.
///
/// # Errors
/// A source or OpenCV failure ([`CameraError::Lost`] from a camera that is gone for good).
pub fn run_check<S, D>(
    source: &mut S,
    detector: &mut D,
    plan: ChallengePlan,
    cfg: CheckConfig,
    consent: &Consent,
    limits: RunLimits,
) -> Result<CheckReport, CameraError>
where
    S: FrameSource + ?Sized,
    D: FaceDetector + ?Sized,
{
    run_check_with(source, detector, plan, cfg, consent, limits, &mut |_, _| {})
}

/// [`run_check`], calling `on_action(action, at_ms)` for every action of the check (prompts,
/// challenges, countdowns, the verdict) as it happens.
///
/// Per frame: detect, [`observe`], [`Check::observe`] at the frame's `at_ms`, then
/// [`Check::tick`] for the countdown. The challenge shown is passed to [`FrameSource::prompt`]
/// (`None` once met and at the end). Frames are dropped (zeroed) as soon as they are judged,
/// except the current best-frame candidate ([`Check::best_candidate`]), which is kept by move,
/// not copied, until a better one replaces it. At the end the kept frame is encoded as JPEG if,
/// and only if, the check passed, and then dropped (zeroed) too; on an error every frame is
/// dropped the same way.
///
/// # Errors
/// As [`run_check`].
pub fn run_check_with<S, D>(
    source: &mut S,
    detector: &mut D,
    plan: ChallengePlan,
    cfg: CheckConfig,
    consent: &Consent,
    limits: RunLimits,
    on_action: &mut dyn FnMut(&Action, u64),
) -> Result<CheckReport, CameraError>
where
    S: FrameSource + ?Sized,
    D: FaceDetector + ?Sized,
{
    let planned: Vec<Challenge> = plan.challenges().to_vec();
    let mut log = ChallengeLog::new(&planned);
    let mut check: Option<Check> = None;
    let mut kept: Option<Frame> = None;
    let mut samples: Vec<f64> = Vec::new();
    let mut frames = 0u64;
    let mut first_at: Option<u64> = None;
    let mut last_at = 0u64;
    let mut plan = Some(plan);

    let outcome = loop {
        if frames >= limits.max_frames {
            break Outcome::FrameLimit;
        }
        let Some(frame) = source.next_frame()? else {
            break Outcome::SourceEnded;
        };
        let started = Instant::now();
        frames += 1;
        let now = frame.at_ms();
        first_at.get_or_insert(now);
        last_at = now;
        let mut handle = |actions: &[Action], source: &mut S| {
            for a in actions {
                log.record(a, now, source);
                on_action(a, now);
            }
        };
        let running = match check.take() {
            Some(c) => c,
            None => {
                let Some(p) = plan.take() else {
                    break Outcome::SourceEnded;
                };
                let step = Check::start(p, cfg, now);
                handle(&step.actions, source);
                step.check
            }
        };
        let detections = detector.detect(frame.mat())?;
        let obs = observe(&frame, &detections);
        let step = running.observe(&obs);
        handle(&step.actions, source);
        let mut c = step.check;
        if matches!(c, Check::Calibrating(_) | Check::AwaitingChallenge(_)) {
            let step = c.tick(now);
            handle(&step.actions, source);
            c = step.check;
        }
        if c.best_candidate() == Some(now) {
            // The old candidate is dropped (zeroed) here.
            kept = Some(frame);
        } else {
            drop(frame);
        }
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        match &c {
            Check::Passed(_) => break Outcome::Passed,
            Check::Failed(f) => break Outcome::Failed(f.reason),
            _ => check = Some(c),
        }
    };
    if outcome != Outcome::Passed {
        // Whatever was shown is withdrawn; nothing of a failed check is kept.
        log.show(None, source);
        drop(kept.take());
    }
    let best_frame = match (outcome, kept.take()) {
        (Outcome::Passed, Some(frame)) => Some(encode(&frame)?),
        _ => None,
    };
    Ok(CheckReport {
        outcome,
        challenges: log.results(last_at),
        frames,
        timing: Timing::from_samples(&samples),
        duration_ms: last_at.saturating_sub(first_at.unwrap_or(last_at)),
        detector: detector.name(),
        source: source.describe(),
        consent: consent.clone(),
        best_frame,
    })
}

/// Encodes a frame as JPEG (pure Rust, `mjpeg`) into a zeroizing buffer.
fn encode(frame: &Frame) -> Result<BestFrame, CameraError> {
    let jpeg = crate::convert::jpeg_from_mat(frame.mat(), JPEG_QUALITY)?;
    let (width, height) = frame.size();
    Ok(BestFrame {
        jpeg,
        at_ms: frame.at_ms(),
        width,
        height,
    })
}

/// When each challenge was shown and met, and what the source was last told.
struct ChallengeLog {
    entries: Vec<(Challenge, Option<u64>, Option<u64>)>,
    shown: Option<Challenge>,
}

impl ChallengeLog {
    fn new(plan: &[Challenge]) -> Self {
        Self {
            entries: plan.iter().map(|c| (*c, None, None)).collect(),
            shown: None,
        }
    }

    /// Tells the source what is shown, once per change.
    fn show<S: FrameSource + ?Sized>(&mut self, shown: Option<Challenge>, source: &mut S) {
        if self.shown != shown {
            self.shown = shown;
            source.prompt(shown);
        }
    }

    fn record<S: FrameSource + ?Sized>(&mut self, action: &Action, now: u64, source: &mut S) {
        match action {
            Action::ShowChallenge { challenge, .. } => {
                self.show(Some(*challenge), source);
                if let Some(e) = self.entries.iter_mut().find(|e| e.0 == *challenge) {
                    e.1.get_or_insert(now);
                }
            }
            Action::ChallengeMet(challenge) => {
                self.show(None, source);
                if let Some(e) = self.entries.iter_mut().find(|e| e.0 == *challenge) {
                    e.2 = Some(now);
                }
            }
            Action::Passed | Action::Failed(_) => self.show(None, source),
            _ => {}
        }
    }

    fn results(&self, end: u64) -> Vec<ChallengeResult> {
        self.entries
            .iter()
            .map(|&(challenge, shown, met)| ChallengeResult {
                challenge,
                shown: shown.is_some(),
                met: met.is_some(),
                time_ms: shown.map(|s| met.unwrap_or(end).saturating_sub(s)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_statistics() {
        let t = Timing::from_samples(&[5.0, 1.0, 3.0, 2.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        assert_eq!(t.frames, 10);
        assert_eq!(t.median_ms, 6.0);
        assert_eq!(t.p90_ms, 9.0);
        assert_eq!(t.max_ms, 10.0);
        assert!((t.mean_ms - 5.5).abs() < 1e-9);
        assert_eq!(Timing::from_samples(&[]), Timing::default());
    }

    #[test]
    fn best_frame_debug_shows_no_bytes() {
        let b = BestFrame {
            jpeg: Zeroizing::new(vec![0xFF, 0xD8, 0x42]),
            at_ms: 7,
            width: 640,
            height: 480,
        };
        let s = format!("{b:?}");
        assert!(s.contains("3 JPEG bytes") && !s.contains("255"), "{s}");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn timing_order_statistics_are_ordered(v in proptest::collection::vec(0.0f64..1000.0, 1..200)) {
            let t = Timing::from_samples(&v);
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            prop_assert_eq!(t.frames, v.len() as u64);
            prop_assert!(min <= t.median_ms && t.median_ms <= t.p90_ms && t.p90_ms <= t.max_ms);
            prop_assert!(min <= t.mean_ms && t.mean_ms <= t.max_ms + 1e-9);
        }
    }
}
