//! What the camera layer measured in one frame: plain numbers, no OpenCV types.

/// A point in image pixels (origin top-left, x to the right, y downwards).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal position in pixels.
    pub x: f32,
    /// Vertical position in pixels.
    pub y: f32,
}

/// An axis-aligned face box in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BBox {
    /// Left edge in pixels.
    pub x: f32,
    /// Top edge in pixels.
    pub y: f32,
    /// Width in pixels.
    pub w: f32,
    /// Height in pixels.
    pub h: f32,
}

impl BBox {
    /// The centre of the box.
    #[must_use]
    pub fn centre(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }
}

/// The five YuNet-style landmarks, as seen in the (not mirrored) camera image.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Landmarks {
    /// The person's left eye (on the image's right side in a non-mirrored image).
    pub left_eye: Point,
    /// The person's right eye (on the image's left side in a non-mirrored image).
    pub right_eye: Point,
    /// The tip of the nose.
    pub nose: Point,
    /// The left mouth corner (the person's left).
    pub mouth_left: Point,
    /// The right mouth corner (the person's right).
    pub mouth_right: Point,
}

/// An approximate head pose in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pose {
    /// Yaw: positive when the person turns to their own left.
    pub yaw_deg: f32,
    /// Pitch: positive when the chin goes down.
    pub pitch_deg: f32,
    /// In-plane roll of the eye line: positive when the person's left eye is lower in the image.
    pub roll_deg: f32,
}

/// Nose depth relative to the eye distance used by [`estimate_pose`] (a typical adult face).
const NOSE_DEPTH_RATIO: f32 = 0.6;
/// Frontal ratio (nose below eye line) / (mouth below eye line) on a typical adult face.
const FRONTAL_NOSE_HEIGHT_RATIO: f32 = 0.5;

/// Estimates head pose from the five landmarks by plane geometry; approximate (a few degrees off, more for unusual faces), and `None` when the eyes coincide.
///
/// Yaw uses the proxy named in the reference, `(nose x - eye-midpoint x) / eye distance`, mapped
/// through `asin(proxy / 0.6)`; pitch compares how far down the nose sits between the eye line and
/// the mouth line with a typical frontal 0.5. Both ratios are measured in the face's own frame
/// (rolled by the eye line), so an in-plane rotation changes only `roll_deg`, and moving a flat
/// photo (even tilting it) leaves the ratios nearly constant: only a real 3D head changes them.
#[must_use]
pub fn estimate_pose(l: &Landmarks) -> Option<Pose> {
    let mid = Point {
        x: (l.left_eye.x + l.right_eye.x) / 2.0,
        y: (l.left_eye.y + l.right_eye.y) / 2.0,
    };
    let (ex, ey) = (l.left_eye.x - l.right_eye.x, l.left_eye.y - l.right_eye.y);
    let dist = ex.hypot(ey);
    if !dist.is_finite() || dist < 1e-3 {
        return None;
    }
    // Unit vectors of the face frame: u along the eye line, v perpendicular (downwards).
    let (ux, uy) = (ex / dist, ey / dist);
    let (vx, vy) = (-uy, ux);
    let along = |p: Point| (p.x - mid.x) * ux + (p.y - mid.y) * uy;
    let down = |p: Point| (p.x - mid.x) * vx + (p.y - mid.y) * vy;
    let yaw_proxy = along(l.nose) / dist;
    let mouth = Point {
        x: (l.mouth_left.x + l.mouth_right.x) / 2.0,
        y: (l.mouth_left.y + l.mouth_right.y) / 2.0,
    };
    let mouth_down = down(mouth);
    let pitch_deg = if mouth_down.abs() < 1e-3 {
        0.0
    } else {
        let ratio = down(l.nose) / mouth_down - FRONTAL_NOSE_HEIGHT_RATIO;
        (ratio / NOSE_DEPTH_RATIO)
            .clamp(-1.0, 1.0)
            .asin()
            .to_degrees()
    };
    Some(Pose {
        yaw_deg: (yaw_proxy / NOSE_DEPTH_RATIO)
            .clamp(-1.0, 1.0)
            .asin()
            .to_degrees(),
        pitch_deg,
        roll_deg: ey.atan2(ex).to_degrees(),
    })
}

/// One detected face in one frame, as measured by the camera layer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaceObservation {
    /// The face box in pixels.
    pub bbox: BBox,
    /// The five landmarks, when the detector gives them (YuNet does, Haar cascades do not).
    pub landmarks: Option<Landmarks>,
    /// Eye openness 0..1 measured in the eye patches, when the camera layer could measure it.
    pub eye_openness: Option<f32>,
    /// Yaw in degrees, positive when the person turns to their own left.
    pub yaw_deg: f32,
    /// Pitch in degrees, positive when the chin goes down.
    pub pitch_deg: f32,
    /// Detector confidence 0..1.
    pub score: f32,
}

/// Whole-frame measures computed by the camera layer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FrameMeasures {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Mean brightness 0-255 (of the face region when a face is present, else the frame).
    pub brightness: f32,
    /// Sharpness, e.g. the variance of the Laplacian on the face crop.
    pub sharpness: f32,
}

/// Near-infrared measures; carried for a future infrared camera and ignored by this crate today.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IrMeasures {
    /// Mean infrared intensity over the face box.
    pub face_mean: f32,
    /// Mean infrared intensity over the background.
    pub background_mean: f32,
}

/// Everything measured in one frame; `at_ms` is also the caller's handle for the frame.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observation {
    /// Capture time in milliseconds on the caller's monotonic clock; also the frame's handle.
    pub at_ms: u64,
    /// The faces found in the frame.
    pub faces: Vec<FaceObservation>,
    /// Whole-frame measures.
    pub frame: FrameMeasures,
    /// Infrared measures, when an infrared camera is fitted (ignored for now).
    pub ir: Option<IrMeasures>,
}

/// The seam for a passive anti-spoofing check (texture, moire, depth); no implementation ships.
pub trait PassiveCheck {
    /// Scores one observation: `Some(0.0..=1.0)` where 1 is surely live, `None` when it cannot judge.
    fn live_score(&mut self, observation: &Observation) -> Option<f32>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(nose_dx: f32, nose_dy: f32) -> Landmarks {
        Landmarks {
            right_eye: Point { x: 100.0, y: 100.0 },
            left_eye: Point { x: 160.0, y: 100.0 },
            nose: Point {
                x: 130.0 + nose_dx,
                y: 130.0 + nose_dy,
            },
            mouth_right: Point { x: 110.0, y: 160.0 },
            mouth_left: Point { x: 150.0, y: 160.0 },
        }
    }

    fn rotate(l: &Landmarks, deg: f32) -> Landmarks {
        let (s, c) = deg.to_radians().sin_cos();
        let r = |p: Point| Point {
            x: 130.0 + (p.x - 130.0) * c - (p.y - 130.0) * s,
            y: 130.0 + (p.x - 130.0) * s + (p.y - 130.0) * c,
        };
        Landmarks {
            left_eye: r(l.left_eye),
            right_eye: r(l.right_eye),
            nose: r(l.nose),
            mouth_left: r(l.mouth_left),
            mouth_right: r(l.mouth_right),
        }
    }

    #[test]
    fn symmetric_face_is_frontal() {
        let p = estimate_pose(&face(0.0, 0.0)).unwrap();
        assert!(
            p.yaw_deg.abs() < 0.5 && p.pitch_deg.abs() < 0.5 && p.roll_deg.abs() < 0.5,
            "{p:?}"
        );
    }

    #[test]
    fn nose_towards_image_right_is_a_turn_to_the_persons_left() {
        let p = estimate_pose(&face(12.0, 0.0)).unwrap();
        assert!(p.yaw_deg > 15.0, "{p:?}");
        let p = estimate_pose(&face(-12.0, 0.0)).unwrap();
        assert!(p.yaw_deg < -15.0, "{p:?}");
    }

    #[test]
    fn nose_lower_is_chin_down() {
        let p = estimate_pose(&face(0.0, 10.0)).unwrap();
        assert!(p.pitch_deg > 12.0, "{p:?}");
        assert!(p.yaw_deg.abs() < 0.5);
    }

    #[test]
    fn in_plane_rotation_changes_only_roll() {
        let base = face(5.0, 3.0);
        let a = estimate_pose(&base).unwrap();
        let b = estimate_pose(&rotate(&base, 25.0)).unwrap();
        assert!((a.yaw_deg - b.yaw_deg).abs() < 0.5 && (a.pitch_deg - b.pitch_deg).abs() < 0.5);
        assert!((b.roll_deg - 25.0).abs() < 0.5, "{b:?}");
    }

    #[test]
    fn coincident_eyes_give_none() {
        let mut l = face(0.0, 0.0);
        l.left_eye = l.right_eye;
        assert!(estimate_pose(&l).is_none());
    }
}
