//! Scripted camera sequences: who is in front of the camera and what they do, frame by frame.
//!
//! A [`ScriptedSource`] renders one [`Scenario`] at a fixed frame rate (`at_ms = index * 1000 /
//! fps`), deterministically from its seed. The cooperative citizen reads the screen through
//! [`FrameSource::prompt`]: about 400 ms after a challenge appears they perform it (a turn to 35°
//! or a nod, chin down, to 30°, reached in 300 ms, held for 500 ms, back in 300 ms; a blink shut
//! for about 180 ms), and
//! try again after a pause if the same challenge is still shown. With no challenge shown they
//! look at the screen with natural micro-motion (a few pixels of sway, about ±1.5° of yaw, ±1° of
//! pitch and roll). When no prompt ever comes (rendering to files for `frames:DIR` or
//! `video:FILE`), they perform the configured challenge list in order instead: the first at
//! [`OFFLINE_FIRST_MS`], then one every [`OFFLINE_PERIOD_MS`].

use super::SimCameraError;
use super::synth::{FacePhoto, HeadState, Layer, Photometric, Placement, Scene};
use crate::xorshift::XorShift64;
use camera::{CameraError, Frame, FrameSource};
use liveness::{Challenge, Point};
use std::f32::consts::TAU;

/// When the first challenge of an offline challenge list starts, in ms.
pub const OFFLINE_FIRST_MS: u64 = 1_200;
/// Time from one offline challenge's start to the next one's, in ms.
pub const OFFLINE_PERIOD_MS: u64 = 2_000;
/// How long the citizen takes to react to a new prompt, in ms.
const REACTION_MS: u64 = 400;
/// Pause before the citizen tries a still-shown challenge again, in ms.
const RETRY_PAUSE_MS: u64 = 1_000;
/// Turn amplitude in degrees.
const TURN_DEG: f32 = 35.0;
/// Nod amplitude in degrees (chin down).
const NOD_DEG: f32 = 30.0;
/// Face width of a single person at home, in pixels.
const FACE_WIDTH: f32 = 200.0;
/// Where a single face sits in the frame at home.
const HOME: Point = Point { x: 320.0, y: 225.0 };

/// Who is in front of the camera and what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// A live citizen who follows the prompts.
    Cooperative,
    /// A print of the photo held still: identical geometry, only camera noise.
    StillPhoto,
    /// A print waved about: moved, scaled, rotated in plane and tilted, never turning like a head.
    MovedPhoto,
    /// Two people in view (the photo and a second photo, or its mirror image).
    TwoFaces,
    /// Nobody: the backdrop only.
    NoFace,
    /// A cooperative citizen who walks out of the frame mid-check and does not come back.
    WalkAway,
}

impl Scenario {
    /// All scenarios.
    pub const ALL: [Scenario; 6] = [
        Self::Cooperative,
        Self::StillPhoto,
        Self::MovedPhoto,
        Self::TwoFaces,
        Self::NoFace,
        Self::WalkAway,
    ];

    /// The command-line name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Cooperative => "cooperative",
            Self::StillPhoto => "still-photo",
            Self::MovedPhoto => "moved-photo",
            Self::TwoFaces => "two-faces",
            Self::NoFace => "no-face",
            Self::WalkAway => "walk-away",
        }
    }
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Scenario {
    type Err = SimCameraError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s.trim())
            .ok_or_else(|| SimCameraError::BadScenario(s.to_owned()))
    }
}

/// The command-line name of a challenge (`turn-left`, `turn-right`, `nod`, `blink`).
#[must_use]
pub fn challenge_name(c: Challenge) -> &'static str {
    match c {
        Challenge::TurnLeft => "turn-left",
        Challenge::TurnRight => "turn-right",
        Challenge::Nod => "nod",
        Challenge::Blink => "blink",
    }
}

/// Parses a comma-separated challenge list such as `turn-left,nod,blink` (empty gives none).
///
/// # Errors
/// [`SimCameraError::BadChallenge`] naming the first unknown entry.
pub fn parse_challenges(list: &str) -> Result<Vec<Challenge>, SimCameraError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Challenge::ALL
                .into_iter()
                .find(|c| challenge_name(*c) == s)
                .ok_or_else(|| SimCameraError::BadChallenge(s.to_owned()))
        })
        .collect()
}

/// How a scripted sequence is played.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioConfig {
    /// What happens.
    pub scenario: Scenario,
    /// Frames per second (at least 1).
    pub fps: u32,
    /// Seed of the camera noise and the micro-motion.
    pub seed: u64,
    /// Frames before the sequence ends.
    pub frames: u64,
    /// Challenges performed in order when no prompt comes through [`FrameSource::prompt`].
    pub challenges: Vec<Challenge>,
    /// When the walk-away citizen starts to leave, in ms.
    pub walk_away_ms: u64,
}

impl ScenarioConfig {
    /// Defaults: 15 fps, seed 1, 12 seconds, no offline challenges, leaving at 2 s.
    #[must_use]
    pub fn new(scenario: Scenario) -> Self {
        Self {
            scenario,
            fps: 15,
            seed: 1,
            frames: 15 * 12,
            challenges: Vec::new(),
            walk_away_ms: 2_000,
        }
    }

    /// The time of frame `index` in ms.
    #[must_use]
    pub fn at_ms(&self, index: u64) -> u64 {
        index.saturating_mul(1_000) / u64::from(self.fps.max(1))
    }
}

/// One performance of a challenge, from `start_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Act {
    challenge: Challenge,
    start_ms: u64,
}

/// How long a challenge's performance lasts, in ms.
fn duration_ms(c: Challenge) -> u64 {
    match c {
        Challenge::Blink => 330,
        _ => 1_100,
    }
}

fn smooth(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// `(yaw, pitch, eyes closed)` added by a challenge `t` ms into its performance.
fn act_pose(c: Challenge, t: u64) -> (f32, f32, f32) {
    let t = t as f32;
    let ramp = smooth(0.0, 300.0, t) * (1.0 - smooth(800.0, 1_100.0, t));
    match c {
        Challenge::TurnLeft => (TURN_DEG * ramp, 0.0, 0.0),
        Challenge::TurnRight => (-TURN_DEG * ramp, 0.0, 0.0),
        Challenge::Nod => (0.0, NOD_DEG * ramp, 0.0),
        Challenge::Blink => {
            let closed = if t < 60.0 {
                t / 60.0
            } else if t <= 240.0 {
                1.0
            } else {
                (1.0 - (t - 240.0) / 90.0).max(0.0)
            };
            (0.0, 0.0, closed)
        }
    }
}

/// The cooperative citizen's intentions.
#[derive(Debug, Clone, Default)]
struct Citizen {
    /// A prompt came through [`FrameSource::prompt`] at least once: follow prompts from now on.
    prompted: bool,
    /// Time of the last frame rendered.
    now_ms: u64,
    /// The challenge being followed (repeated while it stays on screen).
    current: Option<Act>,
    /// A performance still finishing when the prompt changed.
    finishing: Option<Act>,
}

impl Citizen {
    /// The start of the performance of `act` in progress at `t`, if any.
    fn cycle_at(act: Act, t: u64) -> Option<u64> {
        let rel = t.checked_sub(act.start_ms)?;
        let dur = duration_ms(act.challenge);
        let in_cycle = rel % (dur + RETRY_PAUSE_MS);
        (in_cycle < dur).then(|| t - in_cycle)
    }

    fn prompt(&mut self, shown: Option<Challenge>) {
        self.prompted = true;
        if self.current.map(|a| a.challenge) == shown {
            return;
        }
        let now = self.now_ms;
        let mut busy_until = now;
        if let Some(cur) = self.current {
            if let Some(start) = Self::cycle_at(cur, now) {
                self.finishing = Some(Act {
                    challenge: cur.challenge,
                    start_ms: start,
                });
            }
        }
        if let Some(f) = self.finishing {
            busy_until = busy_until.max(f.start_ms + duration_ms(f.challenge));
        }
        self.current = shown.map(|challenge| Act {
            challenge,
            start_ms: (now + REACTION_MS).max(busy_until),
        });
    }

    /// `(yaw, pitch, eyes closed)` of the performance at `t`.
    fn pose(&self, t: u64, offline: &[Challenge]) -> (f32, f32, f32) {
        if !self.prompted {
            for (k, c) in offline.iter().enumerate() {
                let start = OFFLINE_FIRST_MS + k as u64 * OFFLINE_PERIOD_MS;
                if let Some(rel) = t.checked_sub(start) {
                    if rel < duration_ms(*c) {
                        return act_pose(*c, rel);
                    }
                }
            }
            return (0.0, 0.0, 0.0);
        }
        if let Some(f) = self.finishing {
            if let Some(rel) = t.checked_sub(f.start_ms) {
                if rel < duration_ms(f.challenge) {
                    return act_pose(f.challenge, rel);
                }
            }
        }
        if let Some(cur) = self.current {
            if let Some(start) = Self::cycle_at(cur, t) {
                return act_pose(cur.challenge, t - start);
            }
        }
        (0.0, 0.0, 0.0)
    }
}

/// Slow natural motion: sums of sines with seeded phases.
#[derive(Debug, Clone)]
struct Sway {
    phase: [f32; 8],
}

impl Sway {
    fn new(rng: &mut XorShift64) -> Self {
        let mut phase = [0.0; 8];
        for p in &mut phase {
            *p = (rng.next_u64() % 10_000) as f32 / 10_000.0 * TAU;
        }
        Self { phase }
    }

    fn wave(&self, i: usize, hz: f32, t_s: f32) -> f32 {
        (TAU * hz * t_s + self.phase.get(i).copied().unwrap_or(0.0)).sin()
    }

    /// A live person's idle state at `t_s` seconds.
    fn idle(&self, t_s: f32) -> HeadState {
        HeadState {
            yaw_deg: 1.2 * self.wave(0, 0.37, t_s),
            pitch_deg: 0.8 * self.wave(1, 0.29, t_s),
            eyes_closed: 0.0,
            placement: Placement {
                offset_px: (
                    3.0 * self.wave(2, 0.23, t_s) + 1.2 * self.wave(3, 0.61, t_s),
                    1.5 * self.wave(4, 0.31, t_s),
                ),
                scale: 1.0 + 0.01 * self.wave(5, 0.13, t_s),
                roll_deg: 1.0 * self.wave(6, 0.17, t_s),
                tilt_deg: (0.0, 0.0),
            },
        }
    }

    /// A print waved about at `t_s` seconds: moved, scaled, rolled and tilted, never turned.
    fn waved(&self, t_s: f32) -> HeadState {
        HeadState {
            placement: Placement {
                offset_px: (
                    40.0 * self.wave(0, 0.4, t_s),
                    25.0 * self.wave(1, 0.33, t_s),
                ),
                scale: 1.0 + 0.1 * self.wave(2, 0.27, t_s),
                roll_deg: 12.0 * self.wave(3, 0.21, t_s),
                tilt_deg: (
                    25.0 * self.wave(4, 0.35, t_s),
                    20.0 * self.wave(5, 0.45, t_s),
                ),
            },
            ..HeadState::default()
        }
    }
}

/// A [`FrameSource`] playing a [`Scenario`] rendered from face photos.
#[derive(Debug)]
pub struct ScriptedSource {
    cfg: ScenarioConfig,
    scene: Scene,
    layers: Vec<Layer>,
    sways: Vec<Sway>,
    citizen: Citizen,
    rng: XorShift64,
    index: u64,
    description: String,
}

impl ScriptedSource {
    /// A source for `cfg` with `photo` as the person (or the print); `second` is the other
    /// person of [`Scenario::TwoFaces`] (the photo's mirror image when `None`).
    ///
    /// # Errors
    /// [`SimCameraError::BadParameter`] for a frame rate of 0; an OpenCV failure.
    pub fn new(
        cfg: ScenarioConfig,
        photo: &FacePhoto,
        second: Option<&FacePhoto>,
    ) -> Result<Self, SimCameraError> {
        if cfg.fps == 0 {
            return Err(SimCameraError::BadParameter(
                "the frame rate must be at least 1".into(),
            ));
        }
        let mut rng = XorShift64::new(cfg.seed);
        let scene = Scene::new(rng.next_u64())?;
        let layers = match cfg.scenario {
            Scenario::Cooperative | Scenario::WalkAway => {
                vec![Layer::person(photo, FACE_WIDTH, HOME)?]
            }
            Scenario::StillPhoto | Scenario::MovedPhoto => {
                vec![Layer::print(photo, FACE_WIDTH, HOME)?]
            }
            Scenario::TwoFaces => {
                let mirrored;
                let other = match second {
                    Some(p) => p,
                    None => {
                        mirrored = photo.mirrored()?;
                        &mirrored
                    }
                };
                vec![
                    Layer::person(other, 140.0, Point { x: 450.0, y: 240.0 })?,
                    Layer::person(photo, 150.0, Point { x: 195.0, y: 230.0 })?,
                ]
            }
            Scenario::NoFace => Vec::new(),
        };
        let sways = layers.iter().map(|_| Sway::new(&mut rng)).collect();
        let description = format!(
            "kiosk-sim camera: {} from {}, {} fps, seed {}",
            cfg.scenario,
            photo.name(),
            cfg.fps,
            cfg.seed
        );
        Ok(Self {
            cfg,
            scene,
            layers,
            sways,
            citizen: Citizen::default(),
            rng,
            index: 0,
            description,
        })
    }

    /// The configuration played.
    #[must_use]
    pub fn config(&self) -> &ScenarioConfig {
        &self.cfg
    }

    /// Renders frame `index` (for tools that pick frames; [`FrameSource::next_frame`] plays them in order).
    ///
    /// # Errors
    /// An OpenCV failure.
    pub fn render(&mut self, index: u64) -> Result<Frame, SimCameraError> {
        let at_ms = self.cfg.at_ms(index);
        self.citizen.now_ms = at_ms;
        let t_s = at_ms as f32 / 1_000.0;
        let jitter = (self.rng.next_u64() % 1_000) as f32 / 1_000.0 - 0.5;
        let mut states = Vec::with_capacity(self.layers.len());
        for (i, sway) in self.sways.iter().enumerate() {
            let state = match self.cfg.scenario {
                Scenario::Cooperative | Scenario::WalkAway => {
                    let mut s = sway.idle(t_s);
                    let (yaw, pitch, closed) = self.citizen.pose(at_ms, &self.cfg.challenges);
                    s.yaw_deg += yaw + 0.6 * jitter;
                    s.pitch_deg += pitch;
                    s.eyes_closed = closed;
                    if self.cfg.scenario == Scenario::WalkAway {
                        let start = self.cfg.walk_away_ms as f32;
                        s.placement.offset_px.0 +=
                            700.0 * smooth(start, start + 700.0, at_ms as f32);
                    }
                    s
                }
                Scenario::StillPhoto => HeadState::default(),
                Scenario::MovedPhoto => sway.waved(t_s),
                Scenario::TwoFaces => {
                    // Each person idles with their own phases; the second one a little later.
                    sway.idle(t_s + i as f32 * 0.7)
                }
                Scenario::NoFace => HeadState::default(),
            };
            states.push(state);
        }
        let drawn: Vec<(&Layer, HeadState)> = self.layers.iter().zip(states).collect();
        let camera = Photometric {
            gain: 1.0 + 0.01 * (TAU * 0.5 * t_s).sin(),
            ..Photometric::default()
        };
        let mat = self.scene.render(&drawn, &camera)?;
        Ok(Frame::new(mat, at_ms, index))
    }
}

impl FrameSource for ScriptedSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        if self.index >= self.cfg.frames {
            return Ok(None);
        }
        let frame = self.render(self.index).map_err(|e| match e {
            SimCameraError::OpenCv(e) => CameraError::OpenCv(e),
            SimCameraError::Camera(e) => e,
            other => CameraError::Lost {
                what: self.description.clone(),
                reason: other.to_string(),
            },
        })?;
        self.index += 1;
        Ok(Some(frame))
    }

    fn prompt(&mut self, shown: Option<Challenge>) {
        if matches!(
            self.cfg.scenario,
            Scenario::Cooperative | Scenario::WalkAway
        ) {
            self.citizen.prompt(shown);
        }
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bad_names_are_refused() {
        for s in Scenario::ALL {
            assert_eq!(s.name().parse::<Scenario>().unwrap(), s);
        }
        assert!(matches!(
            "photo".parse::<Scenario>(),
            Err(SimCameraError::BadScenario(_))
        ));
        assert_eq!(
            parse_challenges("turn-left, nod,blink,turn-right").unwrap(),
            vec![
                Challenge::TurnLeft,
                Challenge::Nod,
                Challenge::Blink,
                Challenge::TurnRight
            ]
        );
        assert!(parse_challenges("").unwrap().is_empty());
        assert!(matches!(
            parse_challenges("turn-left,wink"),
            Err(SimCameraError::BadChallenge(w)) if w == "wink"
        ));
    }

    #[test]
    fn citizen_reacts_after_a_delay_and_holds_the_turn() {
        let mut c = Citizen {
            now_ms: 1_000,
            ..Citizen::default()
        };
        c.prompt(Some(Challenge::TurnLeft));
        assert_eq!(c.pose(1_300, &[]), (0.0, 0.0, 0.0), "still reacting");
        let (yaw, _, _) = c.pose(1_000 + REACTION_MS + 500, &[]);
        assert!((yaw - TURN_DEG).abs() < 1e-3, "{yaw}");
        let (yaw, _, _) = c.pose(1_000 + REACTION_MS + 1_200, &[]);
        assert_eq!(yaw, 0.0, "back to frontal");
        // Still shown after the pause: tries again.
        let (yaw, _, _) = c.pose(1_000 + REACTION_MS + 1_100 + RETRY_PAUSE_MS + 500, &[]);
        assert!(yaw > 20.0, "{yaw}");
    }

    #[test]
    fn a_new_prompt_waits_for_the_move_in_progress() {
        let mut c = Citizen::default();
        c.prompt(Some(Challenge::TurnRight));
        c.now_ms = REACTION_MS + 900;
        c.prompt(Some(Challenge::Nod));
        // Finishing the turn back to frontal first.
        let (yaw, pitch, _) = c.pose(REACTION_MS + 1_000, &[]);
        assert!(yaw < 0.0 && pitch == 0.0, "{yaw} {pitch}");
        let (_, pitch, _) = c.pose(REACTION_MS + 1_100 + 500, &[]);
        assert!((pitch - NOD_DEG).abs() < 1e-3, "{pitch}");
    }

    #[test]
    fn offline_list_is_performed_in_order_until_a_prompt_comes() {
        let c = Citizen::default();
        let list = [Challenge::Blink, Challenge::TurnLeft];
        assert_eq!(c.pose(OFFLINE_FIRST_MS - 1, &list), (0.0, 0.0, 0.0));
        assert_eq!(c.pose(OFFLINE_FIRST_MS + 100, &list).2, 1.0);
        let (yaw, _, _) = c.pose(OFFLINE_FIRST_MS + OFFLINE_PERIOD_MS + 500, &list);
        assert!(yaw > 20.0);
        let mut c = c;
        c.prompt(None);
        assert_eq!(c.pose(OFFLINE_FIRST_MS + 100, &list), (0.0, 0.0, 0.0));
    }

    #[test]
    fn a_source_plays_its_frames_in_time_and_ends() {
        let photo = super::super::synth::drawn_photo();
        for scenario in Scenario::ALL {
            let mut cfg = ScenarioConfig::new(scenario);
            cfg.fps = 10;
            cfg.frames = 3;
            let mut source = ScriptedSource::new(cfg, &photo, None).unwrap();
            source.prompt(Some(Challenge::Nod));
            let mut times = Vec::new();
            while let Some(frame) = source.next_frame().unwrap() {
                assert_eq!(frame.size(), (640, 480));
                times.push((frame.index(), frame.at_ms()));
            }
            assert_eq!(times, vec![(0, 0), (1, 100), (2, 200)], "{scenario}");
            assert!(source.next_frame().unwrap().is_none());
            assert!(source.describe().contains(scenario.name()));
        }
        let mut cfg = ScenarioConfig::new(Scenario::Cooperative);
        cfg.fps = 0;
        assert!(matches!(
            ScriptedSource::new(cfg, &photo, None),
            Err(SimCameraError::BadParameter(_))
        ));
    }

    #[test]
    fn blink_is_shut_for_at_least_two_frames_at_15_fps() {
        for offset in 0..67 {
            let shut = (0..10)
                .map(|k| offset + k * 1_000 / 15)
                .filter(|t| act_pose(Challenge::Blink, *t).2 >= 0.99)
                .count();
            assert!(shut >= 2, "offset {offset}: {shut}");
        }
    }
}
