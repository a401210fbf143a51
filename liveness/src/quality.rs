//! The quality gate: is this frame good enough to measure a face in, and if not, what to tell the citizen.

use crate::observation::{FaceObservation, Observation};

/// A message for the citizen on the screen (and for the voice mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Prompt {
    /// No face is seen.
    NoFace,
    /// More than one face is seen.
    OnlyOnePerson,
    /// The face is too small.
    MoveCloser,
    /// The face is too large for the frame.
    MoveBack,
    /// Part of the face is outside the frame.
    CentreYourFace,
    /// The head is turned or tilted too far.
    FaceTheCamera,
    /// The picture is too dark.
    MoreLight,
    /// The picture is too bright (backlight or glare).
    TooBright,
    /// The picture is blurred, usually by movement.
    HoldStill,
}

impl Prompt {
    /// The Chinese text shown to citizens (short, plain words for the elderly).
    #[must_use]
    pub fn zh(self) -> &'static str {
        match self {
            Self::NoFace => "请站到屏幕前，看着屏幕",
            Self::OnlyOnePerson => "请只留一人在镜头前",
            Self::MoveCloser => "请靠近一点",
            Self::MoveBack => "请稍微退后一点",
            Self::CentreYourFace => "请把脸放在框的中间",
            Self::FaceTheCamera => "请正对屏幕",
            Self::MoreLight => "光线太暗，请靠近一点或摘下帽子",
            Self::TooBright => "光线太亮，请稍微挪动位置",
            Self::HoldStill => "请保持不动",
        }
    }

    /// The English text (simple words).
    #[must_use]
    pub fn en(self) -> &'static str {
        match self {
            Self::NoFace => "Please stand in front of the screen and look at it",
            Self::OnlyOnePerson => "Only one person please",
            Self::MoveCloser => "Please move closer",
            Self::MoveBack => "Please move back a little",
            Self::CentreYourFace => "Please put your face in the middle",
            Self::FaceTheCamera => "Please face the camera",
            Self::MoreLight => "Too dark: please come closer or take off your hat",
            Self::TooBright => "Too bright: please move a little",
            Self::HoldStill => "Please hold still",
        }
    }
}

/// Limits for the quality gate; all configurable, defaults for a 640x480 camera at arm's length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityConfig {
    /// Smallest face width in pixels (the reference measured Haar with minSize 80 at 640x480).
    pub min_face_px: f32,
    /// Largest face width as a fraction of the frame width.
    pub max_face_fraction: f32,
    /// Margin in pixels the face box must keep from every frame edge (chin cut off spoils landmarks).
    pub edge_margin_px: f32,
    /// Lowest acceptable sharpness (camera layer's measure, e.g. Laplacian variance).
    pub min_sharpness: f32,
    /// Darkest acceptable mean brightness 0-255.
    pub min_brightness: f32,
    /// Brightest acceptable mean brightness 0-255.
    pub max_brightness: f32,
    /// Largest absolute yaw in degrees still called frontal.
    pub max_frontal_yaw_deg: f32,
    /// Largest absolute pitch in degrees still called frontal.
    pub max_frontal_pitch_deg: f32,
}

impl Default for QualityConfig {
    fn default() -> Self {
        Self {
            min_face_px: 80.0,
            max_face_fraction: 0.8,
            edge_margin_px: 2.0,
            min_sharpness: 60.0,
            min_brightness: 60.0,
            max_brightness: 210.0,
            max_frontal_yaw_deg: 15.0,
            max_frontal_pitch_deg: 15.0,
        }
    }
}

/// The gate's decision on one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The frame is good enough.
    Ok,
    /// The frame is not good enough; show this prompt.
    Prompt(Prompt),
}

/// The gate's answer: the verdict and, for a usable face, a score for best-frame selection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Whether the frame passes, or what to ask of the citizen.
    pub verdict: Verdict,
    /// Higher is better; 0 when the frame does not pass.
    pub score: f32,
}

/// The quality gate (stateless; see [`QualityGate::assess`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct QualityGate;

impl QualityGate {
    /// Judges one frame in order: face count, whole face inside the frame, size, light, sharpness, frontal pose.
    #[must_use]
    pub fn assess(obs: &Observation, cfg: &QualityConfig) -> Quality {
        match Self::check(obs, cfg) {
            Err(p) => Quality {
                verdict: Verdict::Prompt(p),
                score: 0.0,
            },
            Ok(face) => Quality {
                verdict: Verdict::Ok,
                score: Self::score(obs, face, cfg),
            },
        }
    }

    /// Only the checks that still hold while the head is turned: one face, inside the frame, size.
    pub(crate) fn placement(obs: &Observation, cfg: &QualityConfig) -> Result<(), Prompt> {
        let face = match obs.faces.as_slice() {
            [] => return Err(Prompt::NoFace),
            [one] => one,
            _ => return Err(Prompt::OnlyOnePerson),
        };
        let (fw, fh) = (obs.frame.width as f32, obs.frame.height as f32);
        let b = face.bbox;
        let m = cfg.edge_margin_px;
        if b.x < m || b.y < m || b.x + b.w > fw - m || b.y + b.h > fh - m {
            return Err(Prompt::CentreYourFace);
        }
        if b.w < cfg.min_face_px {
            return Err(Prompt::MoveCloser);
        }
        if b.w > cfg.max_face_fraction * fw {
            return Err(Prompt::MoveBack);
        }
        Ok(())
    }

    fn check<'a>(obs: &'a Observation, cfg: &QualityConfig) -> Result<&'a FaceObservation, Prompt> {
        Self::placement(obs, cfg)?;
        let face = obs.faces.first().ok_or(Prompt::NoFace)?;
        let f = obs.frame;
        if f.brightness < cfg.min_brightness {
            return Err(Prompt::MoreLight);
        }
        if f.brightness > cfg.max_brightness {
            return Err(Prompt::TooBright);
        }
        if f.sharpness < cfg.min_sharpness {
            return Err(Prompt::HoldStill);
        }
        if face.yaw_deg.abs() > cfg.max_frontal_yaw_deg
            || face.pitch_deg.abs() > cfg.max_frontal_pitch_deg
        {
            return Err(Prompt::FaceTheCamera);
        }
        Ok(face)
    }

    /// Sum of four terms in 0..1: size, sharpness (saturating at 4x the minimum), frontalness, mid-range light.
    fn score(obs: &Observation, face: &FaceObservation, cfg: &QualityConfig) -> f32 {
        let width = (obs.frame.width as f32).max(1.0);
        let size = (face.bbox.w / (cfg.max_face_fraction * width)).clamp(0.0, 1.0);
        let sharp = (obs.frame.sharpness / (4.0 * cfg.min_sharpness.max(1.0))).clamp(0.0, 1.0);
        let frontal = 1.0
            - ((face.yaw_deg.abs() / cfg.max_frontal_yaw_deg.max(1.0))
                + (face.pitch_deg.abs() / cfg.max_frontal_pitch_deg.max(1.0)))
                / 2.0;
        let light = 1.0 - ((obs.frame.brightness - 128.0).abs() / 128.0);
        size + sharp + frontal.clamp(0.0, 1.0) + light.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::{BBox, FrameMeasures};

    fn obs(faces: Vec<FaceObservation>) -> Observation {
        Observation {
            at_ms: 0,
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

    fn face(x: f32, y: f32, w: f32) -> FaceObservation {
        FaceObservation {
            bbox: BBox {
                x,
                y,
                w,
                h: w * 1.2,
            },
            score: 0.9,
            ..Default::default()
        }
    }

    fn prompt(o: &Observation) -> Verdict {
        QualityGate::assess(o, &QualityConfig::default()).verdict
    }

    #[test]
    fn good_frame_passes_with_positive_score() {
        let q = QualityGate::assess(
            &obs(vec![face(220.0, 120.0, 200.0)]),
            &QualityConfig::default(),
        );
        assert_eq!(q.verdict, Verdict::Ok);
        assert!(q.score > 0.0);
    }

    #[test]
    fn each_failure_gives_its_prompt() {
        assert_eq!(prompt(&obs(vec![])), Verdict::Prompt(Prompt::NoFace));
        let two = vec![face(50.0, 50.0, 150.0), face(350.0, 50.0, 150.0)];
        assert_eq!(prompt(&obs(two)), Verdict::Prompt(Prompt::OnlyOnePerson));
        assert_eq!(
            prompt(&obs(vec![face(250.0, 200.0, 40.0)])),
            Verdict::Prompt(Prompt::MoveCloser)
        );
        assert_eq!(
            prompt(&obs(vec![face(500.0, 120.0, 200.0)])),
            Verdict::Prompt(Prompt::CentreYourFace)
        );
        assert_eq!(
            prompt(&obs(vec![face(10.0, 5.0, 560.0)])),
            Verdict::Prompt(Prompt::CentreYourFace)
        );
        let mut big = obs(vec![face(20.0, 10.0, 530.0)]);
        big.frame.height = 1000;
        assert_eq!(prompt(&big), Verdict::Prompt(Prompt::MoveBack));
        let mut o = obs(vec![face(220.0, 120.0, 200.0)]);
        o.frame.brightness = 20.0;
        assert_eq!(prompt(&o), Verdict::Prompt(Prompt::MoreLight));
        o.frame.brightness = 250.0;
        assert_eq!(prompt(&o), Verdict::Prompt(Prompt::TooBright));
        o.frame.brightness = 128.0;
        o.frame.sharpness = 5.0;
        assert_eq!(prompt(&o), Verdict::Prompt(Prompt::HoldStill));
        o.frame.sharpness = 200.0;
        o.faces[0].yaw_deg = 30.0;
        assert_eq!(prompt(&o), Verdict::Prompt(Prompt::FaceTheCamera));
    }

    #[test]
    fn sharper_larger_frontal_frames_score_higher() {
        let cfg = QualityConfig::default();
        let a = QualityGate::assess(&obs(vec![face(220.0, 120.0, 200.0)]), &cfg).score;
        let mut o = obs(vec![face(220.0, 120.0, 120.0)]);
        o.faces[0].yaw_deg = 10.0;
        o.frame.sharpness = 80.0;
        assert!(a > QualityGate::assess(&o, &cfg).score);
    }

    #[test]
    fn every_prompt_has_both_texts() {
        for p in [
            Prompt::NoFace,
            Prompt::OnlyOnePerson,
            Prompt::MoveCloser,
            Prompt::MoveBack,
            Prompt::CentreYourFace,
            Prompt::FaceTheCamera,
            Prompt::MoreLight,
            Prompt::TooBright,
            Prompt::HoldStill,
        ] {
            assert!(!p.zh().is_empty() && !p.en().is_empty());
        }
    }
}
