//! The challenge-response check as a state machine: each state a type, each input consumes it.
//!
//! `Calibrating` -> `AwaitingChallenge` (one per planned challenge, phases `Frontal` -> `Moved`
//! -> back to frontal) -> `Passed`, or `Failed(reason)` from anywhere. Time comes in only through
//! [`Observation::at_ms`] and [`Check::tick`]; nothing here reads a clock.

use crate::challenge::{Challenge, ChallengePlan};
use crate::observation::{FaceObservation, Observation};
use crate::quality::{Prompt, QualityConfig, QualityGate, Verdict};

/// Thresholds and time-outs of the check; defaults follow the face-verification reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckConfig {
    /// The quality gate used for calibration and best-frame selection.
    pub quality: QualityConfig,
    /// Good frontal frames collected to set the per-person baseline.
    pub calibration_frames: usize,
    /// Smallest yaw change in degrees that counts as a turn (reference: about 15).
    pub turn_deg: f32,
    /// Smallest pitch change in degrees that counts as a nod (reference: about 12).
    pub nod_deg: f32,
    /// A move must also exceed this many times the person's own calibration spread.
    pub noise_factor: f32,
    /// Eyes count as closed below this fraction of the person's open-eye baseline.
    pub blink_closed_fraction: f32,
    /// Eyes count as open again at or above this fraction of the baseline.
    pub blink_open_fraction: f32,
    /// Consecutive frames a move (or closed eyes) must last (reference: 2-3 for a blink).
    pub moved_frames: u32,
    /// Time allowed for each challenge in ms (reference: 3-4 s).
    pub challenge_timeout_ms: u64,
    /// Time allowed for calibration in ms.
    pub calibration_timeout_ms: u64,
    /// Time allowed for the whole check in ms.
    pub overall_timeout_ms: u64,
    /// How long no face may be seen before the check fails with `FaceLeft`.
    pub face_absent_grace_ms: u64,
    /// How long two or more faces may be seen (with a prompt) before the check fails.
    pub multiple_faces_grace_ms: u64,
    /// Below this range in pixels the face box counts as not moving.
    pub still_px: f32,
    /// Below this range in degrees yaw and pitch count as not moving.
    pub still_deg: f32,
    /// Below this range eye openness counts as not moving.
    pub still_openness: f32,
}

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            quality: QualityConfig::default(),
            calibration_frames: 5,
            turn_deg: 15.0,
            nod_deg: 12.0,
            noise_factor: 3.0,
            blink_closed_fraction: 0.6,
            blink_open_fraction: 0.85,
            moved_frames: 2,
            challenge_timeout_ms: 4_000,
            calibration_timeout_ms: 10_000,
            overall_timeout_ms: 30_000,
            face_absent_grace_ms: 1_000,
            multiple_faces_grace_ms: 1_500,
            still_px: 2.0,
            still_deg: 1.5,
            still_openness: 0.03,
        }
    }
}

/// Why a check failed; the citizen's side, never our misuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FailReason {
    /// Nothing moved during the whole check (a still photo held up).
    #[error("no motion during the check")]
    NoMotion,
    /// The challenge's time-out passed without the frontal -> moved -> frontal sequence.
    #[error("challenge {0:?} not met in time")]
    ChallengeNotMet(Challenge),
    /// No face was seen for longer than the grace period.
    #[error("the face left the camera")]
    FaceLeft,
    /// Two or more faces stayed in view longer than the grace period.
    #[error("more than one face in view")]
    MultipleFaces,
    /// Not enough good frontal frames for the baseline in time.
    #[error("calibration timed out")]
    CalibrationTimedOut,
    /// The whole check took too long.
    #[error("the check timed out")]
    OverallTimedOut,
}

/// What the caller should do after an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Show (and speak) this quality prompt.
    ShowPrompt(Prompt),
    /// Show this challenge's prompt: challenge `number` of `of`, due by `deadline_ms`.
    ShowChallenge {
        /// The challenge to show.
        challenge: Challenge,
        /// Its position, starting at 1.
        number: u8,
        /// How many challenges the plan has.
        of: u8,
        /// The caller's time by which it must be done.
        deadline_ms: u64,
    },
    /// Update the countdown for the current challenge.
    Countdown {
        /// Milliseconds left.
        remaining_ms: u64,
    },
    /// This challenge was met.
    ChallengeMet(Challenge),
    /// The whole check passed.
    Passed,
    /// The check failed.
    Failed(FailReason),
}

/// The per-person reference taken while the citizen looks at the screen with open eyes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Median frontal yaw in degrees.
    pub yaw_deg: f32,
    /// Median frontal pitch in degrees.
    pub pitch_deg: f32,
    /// Median open-eye openness, when the camera layer measured it.
    pub eye_openness: Option<f32>,
    /// Largest yaw deviation from the median during calibration.
    pub yaw_spread: f32,
    /// Largest pitch deviation from the median during calibration.
    pub pitch_spread: f32,
}

/// Ranges of everything that moves, over the whole check (for the still-photo test).
#[derive(Debug, Clone, Copy)]
struct Motion {
    min: [f32; 6],
    max: [f32; 6],
}

impl Motion {
    fn new() -> Self {
        Self {
            min: [f32::INFINITY; 6],
            max: [f32::NEG_INFINITY; 6],
        }
    }

    fn add(&mut self, f: &FaceObservation) {
        let c = f.bbox.centre();
        let vals = [
            c.x,
            c.y,
            f.bbox.w,
            f.yaw_deg,
            f.pitch_deg,
            f.eye_openness.unwrap_or(f32::NAN),
        ];
        for (i, v) in vals.into_iter().enumerate() {
            if v.is_finite() {
                if let (Some(lo), Some(hi)) = (self.min.get_mut(i), self.max.get_mut(i)) {
                    *lo = lo.min(v);
                    *hi = hi.max(v);
                }
            }
        }
    }

    fn is_still(&self, cfg: &CheckConfig) -> bool {
        let limits = [
            cfg.still_px,
            cfg.still_px,
            cfg.still_px,
            cfg.still_deg,
            cfg.still_deg,
            cfg.still_openness,
        ];
        self.min
            .iter()
            .zip(self.max.iter())
            .zip(limits)
            .all(|((lo, hi), lim)| !(hi - lo).is_finite() || hi - lo < lim)
    }
}

/// What every state carries.
#[derive(Debug, Clone)]
struct Shared {
    cfg: CheckConfig,
    plan: ChallengePlan,
    started_at: u64,
    last_face_at: u64,
    multiple_since: Option<u64>,
    motion: Motion,
    best: Option<(u64, f32)>,
    shown: Option<Prompt>,
}

impl Shared {
    /// Time-outs and presence rules common to all running states.
    fn common(
        &mut self,
        now: u64,
        obs: Option<&Observation>,
        actions: &mut Vec<Action>,
    ) -> Result<(), FailReason> {
        if now.saturating_sub(self.started_at) > self.cfg.overall_timeout_ms {
            return Err(FailReason::OverallTimedOut);
        }
        if let Some(o) = obs {
            match o.faces.len() {
                0 => {}
                1 => {
                    self.last_face_at = now;
                    self.multiple_since = None;
                }
                _ => {
                    self.last_face_at = now;
                    let since = *self.multiple_since.get_or_insert(now);
                    if now.saturating_sub(since) > self.cfg.multiple_faces_grace_ms {
                        return Err(FailReason::MultipleFaces);
                    }
                    self.prompt(Prompt::OnlyOnePerson, actions);
                }
            }
            if let [face] = o.faces.as_slice() {
                self.motion.add(face);
            }
        }
        if now.saturating_sub(self.last_face_at) > self.cfg.face_absent_grace_ms {
            return Err(FailReason::FaceLeft);
        }
        if let Some(since) = self.multiple_since {
            if now.saturating_sub(since) > self.cfg.multiple_faces_grace_ms {
                return Err(FailReason::MultipleFaces);
            }
        }
        Ok(())
    }

    fn prompt(&mut self, p: Prompt, actions: &mut Vec<Action>) {
        if self.shown != Some(p) {
            self.shown = Some(p);
            actions.push(Action::ShowPrompt(p));
        }
    }

    fn offer_best(&mut self, at: u64, score: f32) {
        if self.best.is_none_or(|(_, s)| score > s) {
            self.best = Some((at, score));
        }
    }
}

/// Collecting good frontal frames for the per-person baseline.
#[derive(Debug, Clone)]
pub struct Calibrating {
    shared: Shared,
    samples: Vec<(f32, f32, Option<f32>)>,
}

/// Where the citizen is within the current challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// At the baseline pose, waiting for the move.
    Frontal,
    /// Moved (or eyes closed) for `frames` consecutive frames; waiting for the return to frontal.
    Moved {
        /// Consecutive frames seen beyond the threshold.
        frames: u32,
    },
}

/// Waiting for the citizen to perform challenge `index` of the plan.
#[derive(Debug, Clone)]
pub struct AwaitingChallenge {
    shared: Shared,
    baseline: Baseline,
    index: usize,
    started_at: u64,
    phase: Phase,
}

/// The check passed.
#[derive(Debug, Clone)]
pub struct Passed {
    baseline: Baseline,
    best_frame: Option<u64>,
}

/// The check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed {
    /// Why it failed.
    pub reason: FailReason,
}

/// The check in one of its states.
#[derive(Debug, Clone)]
pub enum Check {
    /// Setting the per-person baseline.
    Calibrating(Calibrating),
    /// Waiting for a challenge to be performed.
    AwaitingChallenge(AwaitingChallenge),
    /// Finished successfully.
    Passed(Passed),
    /// Finished unsuccessfully.
    Failed(Failed),
}

/// The next state and what the caller should do.
#[derive(Debug, Clone)]
pub struct Step {
    /// The next state.
    pub check: Check,
    /// Actions for the screen, in order.
    pub actions: Vec<Action>,
}

impl Check {
    /// Starts a check at the caller's time `now_ms`, asking the citizen to face the camera.
    #[must_use]
    pub fn start(plan: ChallengePlan, cfg: CheckConfig, now_ms: u64) -> Step {
        let mut shared = Shared {
            cfg,
            plan,
            started_at: now_ms,
            last_face_at: now_ms,
            multiple_since: None,
            motion: Motion::new(),
            best: None,
            shown: None,
        };
        let mut actions = Vec::new();
        shared.prompt(Prompt::FaceTheCamera, &mut actions);
        Step {
            check: Check::Calibrating(Calibrating {
                shared,
                samples: Vec::new(),
            }),
            actions,
        }
    }

    /// Feeds one camera observation; its `at_ms` is the current time.
    #[must_use]
    pub fn observe(self, obs: &Observation) -> Step {
        let mut actions = Vec::new();
        let check = match self {
            Check::Calibrating(s) => s.observe(obs, &mut actions),
            Check::AwaitingChallenge(s) => s.observe(obs, &mut actions),
            done @ (Check::Passed(_) | Check::Failed(_)) => done,
        };
        Step { check, actions }
    }

    /// The citizen asked for more time: restarts the current challenge's timer (the overall time-out still holds).
    ///
    /// Elderly-friendly rules forbid forced time-outs without a chance to extend; the overall
    /// time-out bounds how often this helps an attacker.
    #[must_use]
    pub fn extend(self, now_ms: u64) -> Step {
        let mut actions = Vec::new();
        let check = match self {
            Check::AwaitingChallenge(mut s) => match s.timeouts(now_ms, None, &mut actions) {
                Err(r) => fail(r, &mut actions),
                Ok(()) => {
                    let index = s.index;
                    AwaitingChallenge::begin(s.shared, s.baseline, index, now_ms, &mut actions)
                }
            },
            other => other,
        };
        Step { check, actions }
    }

    /// Advances time without a frame (time-outs, countdown).
    #[must_use]
    pub fn tick(self, now_ms: u64) -> Step {
        let mut actions = Vec::new();
        let check = match self {
            Check::Calibrating(mut s) => match s.timeouts(now_ms, None, &mut actions) {
                Err(r) => fail(r, &mut actions),
                Ok(()) => Check::Calibrating(s),
            },
            Check::AwaitingChallenge(mut s) => match s.timeouts(now_ms, None, &mut actions) {
                Err(r) => fail(r, &mut actions),
                Ok(()) => {
                    let deadline = s
                        .started_at
                        .saturating_add(s.shared.cfg.challenge_timeout_ms);
                    actions.push(Action::Countdown {
                        remaining_ms: deadline.saturating_sub(now_ms),
                    });
                    Check::AwaitingChallenge(s)
                }
            },
            done @ (Check::Passed(_) | Check::Failed(_)) => done,
        };
        Step { check, actions }
    }

    /// The handle (`at_ms`) of the best frame, only once the check has passed: a failed check's frames must not be matched.
    #[must_use]
    pub fn best_frame(&self) -> Option<u64> {
        match self {
            Check::Passed(p) => p.best_frame,
            _ => None,
        }
    }

    /// The handle (`at_ms`) of the best frame so far while the check runs (the chosen one once
    /// it passed; `None` once it failed), so the caller can keep just that one frame in memory.
    ///
    /// Only for keeping pixels: nothing may be matched or sent before [`Check::best_frame`]
    /// returns the handle of a passed check.
    #[must_use]
    pub fn best_candidate(&self) -> Option<u64> {
        match self {
            Check::Calibrating(s) => s.shared.best.map(|b| b.0),
            Check::AwaitingChallenge(s) => s.shared.best.map(|b| b.0),
            Check::Passed(p) => p.best_frame,
            Check::Failed(_) => None,
        }
    }

    /// The per-person baseline, once calibration is done and the check has not failed.
    #[must_use]
    pub fn baseline(&self) -> Option<Baseline> {
        match self {
            Check::AwaitingChallenge(s) => Some(s.baseline),
            Check::Passed(p) => Some(p.baseline),
            _ => None,
        }
    }

    /// The failure reason, when the check failed.
    #[must_use]
    pub fn failure(&self) -> Option<FailReason> {
        match self {
            Check::Failed(f) => Some(f.reason),
            _ => None,
        }
    }

    /// Whether the check passed.
    #[must_use]
    pub fn is_passed(&self) -> bool {
        matches!(self, Check::Passed(_))
    }

    /// The current challenge and phase, while one is awaited.
    #[must_use]
    pub fn current_challenge(&self) -> Option<(Challenge, Phase)> {
        match self {
            Check::AwaitingChallenge(s) => s.challenge().map(|c| (c, s.phase)),
            _ => None,
        }
    }
}

fn fail(reason: FailReason, actions: &mut Vec<Action>) -> Check {
    actions.push(Action::Failed(reason));
    Check::Failed(Failed { reason })
}

fn median(v: &mut [f32]) -> Option<f32> {
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied()
}

impl Calibrating {
    fn timeouts(
        &mut self,
        now: u64,
        obs: Option<&Observation>,
        actions: &mut Vec<Action>,
    ) -> Result<(), FailReason> {
        self.shared.common(now, obs, actions)?;
        if now.saturating_sub(self.shared.started_at) > self.shared.cfg.calibration_timeout_ms {
            return Err(FailReason::CalibrationTimedOut);
        }
        Ok(())
    }

    fn observe(mut self, obs: &Observation, actions: &mut Vec<Action>) -> Check {
        if let Err(r) = self.timeouts(obs.at_ms, Some(obs), actions) {
            return fail(r, actions);
        }
        let q = QualityGate::assess(obs, &self.shared.cfg.quality);
        let face = match (q.verdict, obs.faces.as_slice()) {
            (Verdict::Ok, [face]) => face,
            (Verdict::Prompt(p), _) => {
                self.shared.prompt(p, actions);
                return Check::Calibrating(self);
            }
            _ => return Check::Calibrating(self),
        };
        self.shared.offer_best(obs.at_ms, q.score);
        self.samples
            .push((face.yaw_deg, face.pitch_deg, face.eye_openness));
        if self.samples.len() < self.shared.cfg.calibration_frames.max(1) {
            return Check::Calibrating(self);
        }
        let mut yaws: Vec<f32> = self.samples.iter().map(|s| s.0).collect();
        let mut pitches: Vec<f32> = self.samples.iter().map(|s| s.1).collect();
        let mut opens: Vec<f32> = self.samples.iter().filter_map(|s| s.2).collect();
        let (Some(yaw), Some(pitch)) = (median(&mut yaws), median(&mut pitches)) else {
            return Check::Calibrating(self);
        };
        let spread = |v: &[f32], m: f32| v.iter().map(|x| (x - m).abs()).fold(0.0_f32, f32::max);
        let baseline = Baseline {
            yaw_deg: yaw,
            pitch_deg: pitch,
            eye_openness: median(&mut opens).filter(|o| *o > 0.0),
            yaw_spread: spread(&yaws, yaw),
            pitch_spread: spread(&pitches, pitch),
        };
        AwaitingChallenge::begin(self.shared, baseline, 0, obs.at_ms, actions)
    }
}

/// How one frame sits relative to the baseline for the current challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pos {
    Frontal,
    Moved,
    Between,
    Unknown,
}

impl AwaitingChallenge {
    fn begin(
        shared: Shared,
        baseline: Baseline,
        index: usize,
        now: u64,
        actions: &mut Vec<Action>,
    ) -> Check {
        let plan = shared.plan.challenges();
        let Some(&challenge) = plan.get(index) else {
            actions.push(Action::Passed);
            return Check::Passed(Passed {
                baseline,
                best_frame: shared.best.map(|b| b.0),
            });
        };
        actions.push(Action::ShowChallenge {
            challenge,
            number: u8::try_from(index + 1).unwrap_or(u8::MAX),
            of: u8::try_from(plan.len()).unwrap_or(u8::MAX),
            deadline_ms: now.saturating_add(shared.cfg.challenge_timeout_ms),
        });
        Check::AwaitingChallenge(Self {
            shared,
            baseline,
            index,
            started_at: now,
            phase: Phase::Frontal,
        })
    }

    fn challenge(&self) -> Option<Challenge> {
        self.shared.plan.challenges().get(self.index).copied()
    }

    fn timeouts(
        &mut self,
        now: u64,
        obs: Option<&Observation>,
        actions: &mut Vec<Action>,
    ) -> Result<(), FailReason> {
        self.shared.common(now, obs, actions)?;
        if now.saturating_sub(self.started_at) > self.shared.cfg.challenge_timeout_ms {
            if self.shared.motion.is_still(&self.shared.cfg) {
                return Err(FailReason::NoMotion);
            }
            if let Some(c) = self.challenge() {
                return Err(FailReason::ChallengeNotMet(c));
            }
        }
        Ok(())
    }

    fn thresholds(&self) -> (f32, f32) {
        let c = &self.shared.cfg;
        (
            c.turn_deg.max(c.noise_factor * self.baseline.yaw_spread),
            c.nod_deg.max(c.noise_factor * self.baseline.pitch_spread),
        )
    }

    fn classify(&self, face: &FaceObservation) -> Pos {
        let (yaw_t, pitch_t) = self.thresholds();
        let dy = face.yaw_deg - self.baseline.yaw_deg;
        let dp = face.pitch_deg - self.baseline.pitch_deg;
        let still_pose = dy.abs() < yaw_t / 2.0 && dp.abs() < pitch_t / 2.0;
        let Some(challenge) = self.challenge() else {
            return Pos::Unknown;
        };
        match challenge {
            Challenge::TurnLeft | Challenge::TurnRight => {
                let signed = if challenge == Challenge::TurnLeft {
                    dy
                } else {
                    -dy
                };
                if signed >= yaw_t {
                    Pos::Moved
                } else if still_pose {
                    Pos::Frontal
                } else {
                    Pos::Between
                }
            }
            Challenge::Nod => {
                if dp.abs() >= pitch_t && dy.abs() < yaw_t {
                    Pos::Moved
                } else if still_pose {
                    Pos::Frontal
                } else {
                    Pos::Between
                }
            }
            Challenge::Blink => {
                let (Some(base), Some(o)) = (self.baseline.eye_openness, face.eye_openness) else {
                    return Pos::Unknown;
                };
                if !still_pose {
                    Pos::Between
                } else if o < self.shared.cfg.blink_closed_fraction * base {
                    Pos::Moved
                } else if o >= self.shared.cfg.blink_open_fraction * base {
                    Pos::Frontal
                } else {
                    Pos::Between
                }
            }
        }
    }

    fn observe(mut self, obs: &Observation, actions: &mut Vec<Action>) -> Check {
        if let Err(r) = self.timeouts(obs.at_ms, Some(obs), actions) {
            return fail(r, actions);
        }
        if let Err(p) = QualityGate::placement(obs, &self.shared.cfg.quality) {
            // Landmarks are unreliable when the face is cut off or doubled: do not judge this frame.
            // The phase is kept: an unusable frame is no evidence either way.
            self.shared.prompt(p, actions);
            return Check::AwaitingChallenge(self);
        }
        let Some(face) = obs.faces.first() else {
            return Check::AwaitingChallenge(self);
        };
        let pos = self.classify(face);
        if pos == Pos::Frontal {
            let q = QualityGate::assess(obs, &self.shared.cfg.quality);
            if q.verdict == Verdict::Ok {
                self.shared.offer_best(obs.at_ms, q.score);
            }
        }
        let need = self.shared.cfg.moved_frames.max(1);
        self.phase = match (self.phase, pos) {
            (Phase::Frontal, Pos::Moved) => Phase::Moved { frames: 1 },
            (Phase::Moved { frames }, Pos::Moved) => Phase::Moved {
                frames: frames.saturating_add(1),
            },
            (Phase::Moved { frames }, Pos::Frontal) if frames >= need => {
                let Some(done) = self.challenge() else {
                    return Check::AwaitingChallenge(self);
                };
                actions.push(Action::ChallengeMet(done));
                return AwaitingChallenge::begin(
                    self.shared,
                    self.baseline,
                    self.index + 1,
                    obs.at_ms,
                    actions,
                );
            }
            // Too short a move (a flicker or one noisy frame): start again from frontal.
            (Phase::Moved { .. }, Pos::Frontal) => Phase::Frontal,
            // A move that is interrupted before it lasted long enough does not count.
            (Phase::Moved { frames }, Pos::Between) if frames < need => Phase::Frontal,
            (phase, _) => phase,
        };
        Check::AwaitingChallenge(self)
    }
}
