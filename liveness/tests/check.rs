//! The check driven by synthetic observation sequences under virtual time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use Challenge::*;
use liveness::*;
use proptest::prelude::*;

const FRAME_MS: u64 = 33;

/// A synthetic person: the pose the camera layer would report.
#[derive(Clone, Copy)]
struct Pose3 {
    yaw: f32,
    pitch: f32,
    open: Option<f32>,
    dx: f32,
}

fn person(yaw: f32, pitch: f32, open: f32) -> Pose3 {
    Pose3 {
        yaw,
        pitch,
        open: Some(open),
        dx: 0.0,
    }
}

fn face(p: Pose3) -> FaceObservation {
    FaceObservation {
        bbox: BBox {
            x: 220.0 + p.dx,
            y: 120.0,
            w: 200.0,
            h: 240.0,
        },
        landmarks: None,
        eye_openness: p.open,
        yaw_deg: p.yaw,
        pitch_deg: p.pitch,
        score: 0.95,
    }
}

fn frame(at_ms: u64, faces: Vec<FaceObservation>) -> Observation {
    Observation {
        at_ms,
        faces,
        frame: FrameMeasures {
            width: 640,
            height: 480,
            brightness: 128.0,
            sharpness: 200.0,
        },
        ir: None,
    }
}

/// Drives a check with frames at 30 fps starting at `t`, recording all actions.
struct Driver {
    check: Option<Check>,
    t: u64,
    actions: Vec<Action>,
}

impl Driver {
    fn new(plan: &[Challenge]) -> Self {
        Self::with(ChallengePlan::fixed(plan).unwrap(), CheckConfig::default())
    }

    fn with(plan: ChallengePlan, cfg: CheckConfig) -> Self {
        let step = Check::start(plan, cfg, 0);
        Self {
            check: Some(step.check),
            t: 0,
            actions: step.actions,
        }
    }

    fn apply(&mut self, step: Step) {
        self.check = Some(step.check);
        self.actions.extend(step.actions);
    }

    fn faces(&mut self, faces: Vec<FaceObservation>) {
        self.t += FRAME_MS;
        let obs = frame(self.t, faces);
        let step = self.check.take().unwrap().observe(&obs);
        self.apply(step);
    }

    fn see(&mut self, p: Pose3) {
        self.faces(vec![face(p)]);
    }

    fn hold(&mut self, p: Pose3, frames: usize) {
        for _ in 0..frames {
            self.see(p);
        }
    }

    fn tick(&mut self, ms: u64) {
        self.t += ms;
        let step = self.check.take().unwrap().tick(self.t);
        self.apply(step);
    }

    fn check(&self) -> &Check {
        self.check.as_ref().unwrap()
    }

    /// A living person: tiny jitter while calibrating.
    fn calibrate(&mut self, base: Pose3) {
        for i in 0..5 {
            let j = (i as f32 - 2.0) * 0.3;
            self.see(Pose3 {
                yaw: base.yaw + j,
                pitch: base.pitch - j,
                dx: j,
                ..base
            });
        }
        assert!(
            matches!(self.check(), Check::AwaitingChallenge(_)),
            "calibration did not finish"
        );
    }

    /// A cooperative person performs `c` from pose `base` by `amount` (degrees, or openness for a blink).
    fn perform(&mut self, c: Challenge, base: Pose3, amount: f32) {
        let moved = match c {
            TurnLeft => Pose3 {
                yaw: base.yaw + amount,
                dx: 6.0,
                ..base
            },
            TurnRight => Pose3 {
                yaw: base.yaw - amount,
                dx: -6.0,
                ..base
            },
            Nod => Pose3 {
                pitch: base.pitch + amount,
                ..base
            },
            Blink => Pose3 {
                open: Some(amount),
                ..base
            },
        };
        let halfway = Pose3 {
            yaw: (base.yaw + moved.yaw) / 2.0,
            pitch: (base.pitch + moved.pitch) / 2.0,
            dx: moved.dx / 2.0,
            ..moved
        };
        self.hold(base, 2);
        if c != Blink {
            self.see(halfway);
        }
        self.hold(moved, 3);
        if c != Blink {
            self.see(halfway);
        }
        self.hold(base, 2);
    }

    fn met(&self, c: Challenge) -> bool {
        self.actions.contains(&Action::ChallengeMet(c))
    }
}

fn amount(c: Challenge) -> f32 {
    match c {
        TurnLeft | TurnRight => 25.0,
        Nod => 18.0,
        Blink => 0.05,
    }
}

#[test]
fn a_cooperative_person_passes_every_challenge() {
    let base = person(2.0, 1.0, 0.3);
    for first in Challenge::ALL {
        let second = Challenge::ALL.into_iter().find(|c| *c != first).unwrap();
        let mut d = Driver::new(&[first, second]);
        d.calibrate(base);
        d.perform(first, base, amount(first));
        assert!(d.met(first), "{first:?} not met: {:?}", d.actions);
        d.perform(second, base, amount(second));
        assert!(
            d.check().is_passed(),
            "{first:?}, {second:?}: {:?}",
            d.actions
        );
        assert!(d.actions.contains(&Action::Passed));
        let best = d.check().best_frame().expect("a best frame");
        assert!(best > 0 && best <= d.t);
    }
}

#[test]
fn three_challenges_pass_and_prompts_are_shown_in_order() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[Blink, TurnRight, Nod]);
    d.calibrate(base);
    for c in [Blink, TurnRight, Nod] {
        d.perform(c, base, amount(c));
    }
    assert!(d.check().is_passed());
    let shown: Vec<(Challenge, u8, u8)> = d
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::ShowChallenge {
                challenge,
                number,
                of,
                ..
            } => Some((*challenge, *number, *of)),
            _ => None,
        })
        .collect();
    assert_eq!(shown, vec![(Blink, 1, 3), (TurnRight, 2, 3), (Nod, 3, 3)]);
}

#[test]
fn a_turn_is_judged_relative_to_a_turned_frontal_baseline() {
    // This person's frontal yaw reads 8 degrees; turning right to -12 is a 20-degree turn.
    let base = person(8.0, 0.0, 0.3);
    let mut d = Driver::new(&[TurnRight, TurnLeft]);
    d.calibrate(base);
    assert!((d.check().baseline().unwrap().yaw_deg - 8.0).abs() < 0.5);
    d.perform(TurnRight, base, 20.0);
    assert!(d.met(TurnRight), "{:?}", d.actions);
    d.perform(TurnLeft, base, 18.0);
    assert!(d.check().is_passed());
}

#[test]
fn a_small_turn_from_the_baseline_is_not_a_turn() {
    // 23 degrees absolute, but only 10 from this person's baseline of 13.
    let base = person(13.0, 0.0, 0.3);
    let mut d = Driver::new(&[TurnLeft, Nod]);
    d.calibrate(base);
    d.perform(TurnLeft, base, 10.0);
    assert!(!d.met(TurnLeft));
}

#[test]
fn small_eyes_can_blink_relative_to_their_own_baseline() {
    let base = person(0.0, 0.0, 0.2);
    let mut d = Driver::new(&[Blink, Nod]);
    d.calibrate(base);
    assert!((d.check().baseline().unwrap().eye_openness.unwrap() - 0.2).abs() < 1e-3);
    d.perform(Blink, base, 0.08);
    assert!(d.met(Blink), "{:?}", d.actions);
}

#[test]
fn a_one_frame_blink_does_not_count() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[Blink, Nod]);
    d.calibrate(base);
    d.hold(base, 2);
    d.see(Pose3 {
        open: Some(0.05),
        ..base
    });
    d.hold(base, 3);
    assert!(!d.met(Blink));
}

#[test]
fn a_turn_in_the_wrong_direction_does_not_count() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[TurnLeft, Nod]);
    d.calibrate(base);
    d.perform(TurnRight, base, 25.0);
    assert!(!d.met(TurnLeft));
    while d.check().failure().is_none() && d.t < 20_000 {
        d.see(base);
    }
    assert_eq!(
        d.check().failure(),
        Some(FailReason::ChallengeNotMet(TurnLeft))
    );
}

#[test]
fn staying_turned_without_coming_back_does_not_count() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[TurnLeft, Nod]);
    d.calibrate(base);
    d.hold(base, 2);
    d.hold(Pose3 { yaw: 30.0, ..base }, 20);
    assert!(!d.met(TurnLeft));
}

#[test]
fn a_still_photo_fails_with_no_motion() {
    let photo = person(1.0, 2.0, 0.3);
    let mut d = Driver::new(&[TurnLeft, Blink]);
    while d.check().failure().is_none() && d.t < 20_000 {
        d.see(photo);
    }
    assert_eq!(d.check().failure(), Some(FailReason::NoMotion));
    assert!(d.actions.contains(&Action::Failed(FailReason::NoMotion)));
}

#[test]
fn a_still_photo_fails_with_no_motion_when_only_ticks_arrive() {
    let photo = person(1.0, 2.0, 0.3);
    let mut d = Driver::new(&[Nod, Blink]);
    d.hold(photo, 6);
    while d.check().failure().is_none() && d.t < 20_000 {
        d.tick(400);
        d.see(photo);
    }
    assert_eq!(d.check().failure(), Some(FailReason::NoMotion));
}

/// Landmarks of a flat photo, translated by `dx` and rotated in the plane by `roll` degrees.
fn photo_landmarks(dx: f32, roll: f32) -> Landmarks {
    let (s, c) = roll.to_radians().sin_cos();
    let p = |x: f32, y: f32| {
        let (x, y) = (x - 320.0, y - 240.0);
        Point {
            x: 320.0 + dx + x * c - y * s,
            y: 240.0 + x * s + y * c,
        }
    };
    Landmarks {
        right_eye: p(290.0, 210.0),
        left_eye: p(350.0, 210.0),
        nose: p(322.0, 240.0),
        mouth_right: p(298.0, 270.0),
        mouth_left: p(342.0, 270.0),
    }
}

fn moved_photo(i: usize) -> FaceObservation {
    let dx = ((i as f32) * 0.7).sin() * 40.0;
    let roll = ((i as f32) * 0.5).cos() * 25.0;
    let lm = photo_landmarks(dx, roll);
    let pose = estimate_pose(&lm).unwrap();
    FaceObservation {
        bbox: BBox {
            x: 220.0 + dx,
            y: 120.0,
            w: 200.0,
            h: 240.0,
        },
        landmarks: Some(lm),
        eye_openness: Some(0.28),
        yaw_deg: pose.yaw_deg,
        pitch_deg: pose.pitch_deg,
        score: 0.9,
    }
}

#[test]
fn a_photo_moved_and_rotated_in_the_plane_fails_turns_nods_and_blinks() {
    for c in Challenge::ALL {
        let other = Challenge::ALL.into_iter().find(|x| *x != c).unwrap();
        let mut d = Driver::new(&[c, other]);
        let mut i = 0;
        while d.check().failure().is_none() && d.t < 20_000 {
            d.faces(vec![moved_photo(i)]);
            i += 1;
        }
        assert_eq!(
            d.check().failure(),
            Some(FailReason::ChallengeNotMet(c)),
            "{c:?}"
        );
        assert!(!d.met(c));
    }
}

#[test]
fn a_face_that_leaves_mid_check_fails() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[TurnLeft, Blink]);
    d.calibrate(base);
    d.perform(TurnLeft, base, 25.0);
    for _ in 0..40 {
        d.faces(vec![]);
    }
    assert_eq!(d.check().failure(), Some(FailReason::FaceLeft));
    assert!(d.actions.contains(&Action::ShowPrompt(Prompt::NoFace)));
}

#[test]
fn a_face_that_leaves_is_noticed_by_tick_alone() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[TurnLeft, Blink]);
    d.calibrate(base);
    d.tick(600);
    assert!(d.check().failure().is_none());
    d.tick(600);
    assert_eq!(d.check().failure(), Some(FailReason::FaceLeft));
}

#[test]
fn a_face_lost_for_a_moment_is_forgiven() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[TurnLeft, Blink]);
    d.calibrate(base);
    for _ in 0..10 {
        d.faces(vec![]);
    }
    d.perform(TurnLeft, base, 25.0);
    assert!(d.met(TurnLeft));
    assert!(d.check().failure().is_none());
}

#[test]
fn two_faces_that_stay_are_refused_after_a_prompt() {
    let base = person(0.0, 0.0, 0.3);
    let other = FaceObservation {
        bbox: BBox {
            x: 20.0,
            y: 150.0,
            w: 120.0,
            h: 140.0,
        },
        ..face(base)
    };
    let mut d = Driver::new(&[TurnLeft, Blink]);
    d.calibrate(base);
    for _ in 0..60 {
        d.faces(vec![face(base), other.clone()]);
    }
    assert!(
        d.actions
            .contains(&Action::ShowPrompt(Prompt::OnlyOnePerson))
    );
    assert_eq!(d.check().failure(), Some(FailReason::MultipleFaces));
}

#[test]
fn two_faces_from_the_start_are_refused() {
    let base = person(0.0, 0.0, 0.3);
    let other = FaceObservation {
        bbox: BBox {
            x: 20.0,
            y: 150.0,
            w: 120.0,
            h: 140.0,
        },
        ..face(base)
    };
    let mut d = Driver::new(&[TurnLeft, Blink]);
    for _ in 0..60 {
        d.faces(vec![face(base), other.clone()]);
    }
    assert_eq!(d.check().failure(), Some(FailReason::MultipleFaces));
}

#[test]
fn a_passer_by_does_not_fail_the_citizen() {
    let base = person(0.0, 0.0, 0.3);
    let other = FaceObservation {
        bbox: BBox {
            x: 20.0,
            y: 150.0,
            w: 120.0,
            h: 140.0,
        },
        ..face(base)
    };
    let mut d = Driver::new(&[TurnLeft, Blink]);
    d.calibrate(base);
    for _ in 0..10 {
        d.faces(vec![face(base), other.clone()]);
    }
    d.perform(TurnLeft, base, 25.0);
    d.perform(Blink, base, 0.05);
    assert!(d.check().is_passed(), "{:?}", d.actions);
}

#[test]
fn a_challenge_times_out_when_the_person_moves_but_does_not_perform() {
    let base = person(0.0, 0.0, 0.3);
    for c in Challenge::ALL {
        let other = Challenge::ALL.into_iter().find(|x| *x != c).unwrap();
        let mut d = Driver::new(&[c, other]);
        d.calibrate(base);
        let mut i = 0;
        while d.check().failure().is_none() && d.t < 20_000 {
            // Fidgeting: small moves that are no challenge.
            let j = ((i as f32) * 0.9).sin() * 4.0;
            d.see(Pose3 {
                yaw: j,
                pitch: -j / 2.0,
                dx: j * 3.0,
                ..base
            });
            i += 1;
        }
        assert_eq!(
            d.check().failure(),
            Some(FailReason::ChallengeNotMet(c)),
            "{c:?}"
        );
        // Fails just after the configured 4 s, not before.
        assert!(d.t > 4_000 && d.t < 4_000 + 5 * 33 + 200, "{}", d.t);
    }
}

#[test]
fn the_second_challenge_has_its_own_time_out_and_countdown() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[Nod, TurnLeft]);
    d.calibrate(base);
    d.perform(Nod, base, 18.0);
    assert!(d.met(Nod));
    d.see(Pose3 { dx: 5.0, ..base });
    d.tick(1_000);
    assert!(d.actions.iter().any(|a| matches!(a, Action::Countdown { remaining_ms } if *remaining_ms < 3_100 && *remaining_ms > 2_500)));
    while d.check().failure().is_none() && d.t < 20_000 {
        d.see(base);
        d.tick(300);
    }
    assert_eq!(
        d.check().failure(),
        Some(FailReason::ChallengeNotMet(TurnLeft))
    );
}

#[test]
fn asking_for_more_time_restarts_the_challenge_timer_within_the_overall_limit() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[Nod, TurnLeft]);
    d.calibrate(base);
    d.hold(Pose3 { dx: 3.0, ..base }, 100); // 3.3 s of not nodding
    let step = d.check.take().unwrap().extend(d.t);
    d.apply(step);
    assert!(matches!(
        d.actions.last(),
        Some(Action::ShowChallenge { challenge: Nod, .. })
    ));
    d.hold(base, 60); // 2 s more: past the first 4 s, within the extension
    d.perform(Nod, base, 18.0);
    assert!(d.met(Nod), "{:?}", d.check().failure());
    d.perform(TurnLeft, base, 25.0);
    assert!(d.check().is_passed());
}

#[test]
fn calibration_times_out_when_the_frame_is_never_good_enough() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[Nod, TurnLeft]);
    while d.check().failure().is_none() && d.t < 20_000 {
        let mut o = frame(d.t + FRAME_MS, vec![face(base)]);
        o.frame.brightness = 20.0;
        d.t += FRAME_MS;
        let step = d.check.take().unwrap().observe(&o);
        d.apply(step);
    }
    assert!(d.actions.contains(&Action::ShowPrompt(Prompt::MoreLight)));
    assert_eq!(d.check().failure(), Some(FailReason::CalibrationTimedOut));
    assert!(d.t > 10_000 && d.t < 10_100);
}

#[test]
fn the_whole_check_times_out() {
    let base = person(0.0, 0.0, 0.3);
    let cfg = CheckConfig {
        overall_timeout_ms: 5_000,
        ..CheckConfig::default()
    };
    let mut d = Driver::with(ChallengePlan::fixed(&[Nod, TurnLeft, Blink]).unwrap(), cfg);
    d.calibrate(base);
    // A slow but valid nod near the end of its time, then nothing useful.
    d.hold(Pose3 { dx: 3.0, ..base }, 100);
    d.perform(Nod, base, 18.0);
    assert!(d.met(Nod));
    d.hold(base, 40);
    assert_eq!(d.check().failure(), Some(FailReason::OverallTimedOut));
}

#[test]
fn inputs_after_the_end_change_nothing() {
    let mut d = Driver::new(&[Nod, TurnLeft]);
    d.tick(5_000);
    let reason = d.check().failure();
    assert_eq!(reason, Some(FailReason::FaceLeft));
    let n = d.actions.len();
    d.see(person(0.0, 0.0, 0.3));
    d.tick(10);
    assert_eq!(d.check().failure(), reason);
    assert_eq!(d.actions.len(), n);
    assert_eq!(d.check().best_frame(), None);
}

#[test]
fn the_best_frame_is_the_sharpest_frontal_one() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[Nod, TurnLeft]);
    d.hold(base, 2);
    // One very sharp frame at a known time.
    d.t += FRAME_MS;
    let mut o = frame(d.t, vec![face(base)]);
    o.frame.sharpness = 1_000.0;
    let sharp_at = d.t;
    let step = d.check.take().unwrap().observe(&o);
    d.apply(step);
    d.calibrate(base);
    d.perform(Nod, base, 18.0);
    d.perform(TurnLeft, base, 25.0);
    assert!(d.check().is_passed());
    assert_eq!(d.check().best_frame(), Some(sharp_at));
}

#[test]
fn the_best_candidate_is_known_while_running_and_ends_as_the_best_frame() {
    let base = person(0.0, 0.0, 0.3);
    let mut d = Driver::new(&[Nod, TurnLeft]);
    assert_eq!(d.check().best_candidate(), None);
    d.see(base);
    let first = d.t;
    assert_eq!(d.check().best_candidate(), Some(first));
    assert_eq!(d.check().best_frame(), None, "not before the check passed");
    d.calibrate(base);
    d.perform(Nod, base, 18.0);
    let running = d.check().best_candidate();
    assert!(running.is_some());
    d.perform(TurnLeft, base, 25.0);
    assert!(d.check().is_passed());
    assert_eq!(d.check().best_candidate(), d.check().best_frame());
    // A failed check has no candidate.
    let mut f = Driver::new(&[Nod, TurnLeft]);
    f.see(base);
    f.tick(5_000);
    assert!(f.check().failure().is_some());
    assert_eq!(f.check().best_candidate(), None);
}

fn constant_obs() -> impl Strategy<Value = (Observation, u64)> {
    (
        -40.0f32..40.0,
        -30.0f32..30.0,
        proptest::option::of(0.0f32..1.0),
        0.0f32..400.0,
        0.0f32..300.0,
        20.0f32..400.0,
        0.0f32..255.0,
        0.0f32..500.0,
        any::<u64>(),
    )
        .prop_map(|(yaw, pitch, open, x, y, w, brightness, sharpness, seed)| {
            let f = FaceObservation {
                bbox: BBox {
                    x,
                    y,
                    w,
                    h: w * 1.2,
                },
                landmarks: None,
                eye_openness: open,
                yaw_deg: yaw,
                pitch_deg: pitch,
                score: 0.9,
            };
            let o = Observation {
                at_ms: 0,
                faces: vec![f],
                frame: FrameMeasures {
                    width: 640,
                    height: 480,
                    brightness,
                    sharpness,
                },
                ir: None,
            };
            (o, seed)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_challenge_passes_from_a_constant_sequence((obs, seed) in constant_obs(), count in 2u8..=3) {
        let mut d = Driver::with(ChallengePlan::draw(seed, count).unwrap(), CheckConfig::default());
        while d.check().failure().is_none() && d.t < 35_000 {
            d.t += FRAME_MS;
            let o = Observation { at_ms: d.t, ..obs.clone() };
            let step = d.check.take().unwrap().observe(&o);
            d.apply(step);
        }
        prop_assert!(!d.actions.iter().any(|a| matches!(a, Action::ChallengeMet(_) | Action::Passed)));
        prop_assert!(!d.check().is_passed());
        prop_assert!(d.check().failure().is_some());
    }

    #[test]
    fn noise_around_a_constant_pose_never_passes_a_turn(
        yaw in -10.0f32..10.0,
        pitch in -8.0f32..8.0,
        noise in proptest::collection::vec((-5.0f32..5.0, -3.0f32..3.0, -3.0f32..3.0), 200),
        left in any::<bool>(),
    ) {
        let turn = if left { TurnLeft } else { TurnRight };
        let mut d = Driver::new(&[turn, Blink]);
        for (ny, np, nx) in noise {
            d.see(Pose3 { yaw: yaw + ny, pitch: pitch + np, open: Some(0.3), dx: nx });
        }
        prop_assert!(!d.met(turn));
        prop_assert!(!d.check().is_passed());
    }
}
