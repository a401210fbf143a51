//! Liveness (challenge-response) and face-quality logic for the kiosk: pure functions and state
//! machines over numbers the camera layer measured.
//!
//! What this crate is: the quality gate ([`QualityGate`]), the random challenge plan
//! ([`ChallengePlan`]), the check itself ([`Check`], states `Calibrating` ->
//! `AwaitingChallenge` -> `Passed` / `Failed`), best-frame selection (a frame handle, the
//! caller's `at_ms`) and the attempt counter ([`Attempts`]) that offers the staffed window.
//!
//! What it is not: no OpenCV types, no pixels, no camera, no clock, no sleeps, no randomness of
//! its own (the caller passes a seed and the time). Raw images stay with the caller, which must
//! wipe them at session end; this crate holds only a handful of numbers per frame and keeps none
//! of them after the check (biometrics are sensitive personal information under PIPL).
//!
//! Conventions: yaw is positive when the person turns to their own left, pitch positive when the
//! chin goes down; angles in degrees, times in milliseconds on the caller's monotonic clock.
//!
//! Judging: every move is judged relative to a per-person baseline taken while calibrating
//! (median frontal yaw and pitch, median open-eye openness), and from the transition sequence
//! frontal -> moved (for at least `moved_frames` consecutive frames) -> frontal, never from a
//! single frame. A turn must exceed `max(15°, noise_factor x calibration spread)`, a nod 12°
//! likewise, a blink must drop openness below 60 % of the person's own baseline.
//!
//! What it refuses: a still photo (nothing moves during the whole check: `NoMotion`), a photo
//! moved or rotated in the plane (the landmark ratios and eye openness do not change like a head:
//! `ChallengeNotMet`), two faces that stay (`MultipleFaces`, after an "only one person" prompt and
//! a grace period, so a passer-by does not fail the citizen), a face that leaves (`FaceLeft`).
//!
//! What it cannot stop, honestly: a video replay of the holder doing the moves, a photo with the
//! eyes and mouth cut out worn in front of a real face (GB/T 41987-2022 tests exactly this), a
//! good 3D mask, and anyone willing to perform the moves for another person's card. These need a
//! passive check (texture, moire, depth) and a near-infrared or depth camera, and the central
//! service judges liveness a second time. The seams are left: the [`PassiveCheck`] trait (no
//! implementation ships) and [`Observation::ir`] ([`IrMeasures`], ignored for now).
//!
//! Face must never be the only way in: [`Attempts::offer_staffed_window`] turns true after three
//! failures or a decline, and the staffed window stays reachable from every screen.

mod attempts;
mod challenge;
mod check;
mod observation;
mod quality;

pub use attempts::{Attempts, MAX_FAILURES};
pub use challenge::{Challenge, ChallengePlan, PlanError};
pub use check::{
    Action, AwaitingChallenge, Baseline, Calibrating, Check, CheckConfig, FailReason, Failed,
    Passed, Phase, Step,
};
pub use observation::{
    BBox, FaceObservation, FrameMeasures, IrMeasures, Landmarks, Observation, PassiveCheck, Point,
    Pose, estimate_pose,
};
pub use quality::{Prompt, Quality, QualityConfig, QualityGate, Verdict};
