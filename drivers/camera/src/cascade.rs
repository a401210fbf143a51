//! Haar/LBP cascades from Debian's opencv-data: the detector when no YuNet model is configured.

use liveness::{BBox, Challenge, Landmarks, Point};
use opencv::core::{Mat, Rect, Size, Vector};
use opencv::imgproc;
use opencv::objdetect::CascadeClassifier;
use opencv::prelude::*;

use crate::CameraError;
use crate::detect::{Detection, FaceDetector, opencv_data_dir, require_file};
use crate::frame::Scratch;

/// Which frontal-face cascade to use.
///
/// Measured on 180 noisy 640x480 frames of the test photos (sensor noise, sub-pixel shifts):
/// LBP found obama.jpg's face in every frame with no false face, but biden.jpg's tilted head
/// (13 degrees of roll, 180 px) in only 5 of 30 frames, and two of three faces in most frames of
/// a group; Haar found every face in every frame, at about four times LBP's cost (the reference
/// machine: 13-21 ms for Haar at 320x240 alone). Hence the default detector: LBP, and Haar on
/// the frames where LBP finds nothing ([`Cascade::default_detector`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CascadeKind {
    /// `lbpcascades/lbpcascade_frontalface.xml`, scale step 1.1, 4 neighbours (3 let false
    /// faces through on a suit in 3 of 60 frames). The "improved" LBP cascade is not used: its
    /// 45 px window misses faces under 90 px in a 640 px frame detected at 320 px.
    #[default]
    Lbp,
    /// `haarcascades/haarcascade_frontalface_default.xml`, scale step 1.2, 3 neighbours.
    Haar,
}

/// Where features sit in a frontal face box of the Haar and LBP cascades, as fractions of the
/// box (measured against YuNet's landmarks on the test photos; both cascades agree within 0.01).
#[derive(Debug, Clone, Copy)]
struct Proportions {
    /// Eye line, from the top.
    eye_y: f32,
    /// Half the eye distance.
    eye_half: f32,
    /// Nose tip, from the top.
    nose_y: f32,
    /// Mouth line, from the top.
    mouth_y: f32,
    /// Half the mouth width.
    mouth_half: f32,
}

const PROPORTIONS: Proportions = Proportions {
    eye_y: 0.40,
    eye_half: 0.19,
    nose_y: 0.62,
    mouth_y: 0.77,
    mouth_half: 0.17,
};

impl CascadeKind {
    fn face_file(self) -> &'static str {
        match self {
            Self::Haar => "haarcascades/haarcascade_frontalface_default.xml",
            Self::Lbp => "lbpcascades/lbpcascade_frontalface.xml",
        }
    }

    /// The pyramid's scale step: larger is faster and misses more.
    fn scale_factor(self) -> f64 {
        match self {
            Self::Haar => 1.2,
            Self::Lbp => 1.1,
        }
    }

    /// Neighbouring hits a face needs: more rejects more false faces and misses more faces.
    fn min_neighbours(self) -> i32 {
        match self {
            Self::Haar => 3,
            Self::Lbp => 4,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Haar => "haar",
            Self::Lbp => "lbp",
        }
    }
}

/// The eye cascade for the person's right eye (on the image's left).
const RIGHT_EYE_FILE: &str = "haarcascades/haarcascade_righteye_2splits.xml";
/// The eye cascade for the person's left eye (on the image's right).
const LEFT_EYE_FILE: &str = "haarcascades/haarcascade_lefteye_2splits.xml";

/// Face cascade on a downscaled, grey, histogram-equalised copy (320 px wide by default; faces
/// from 72 px in the full frame); eye cascades inside the upper half of each face box on the
/// full frame; approximate landmarks. [`Cascade::default_detector`] is LBP with a Haar
/// fallback for frames where LBP finds no face.
///
/// Eyes: the one-eye "2splits" cascades, one per half of the face, the face's upper half
/// scaled to a 100 px wide face first (about 1 ms per eye). On the test photos (four portraits
/// and their mirror images at 640x480) they found both eyes in six of eight frames (none in
/// biden.jpg's hooded eyes), where `haarcascade_eye.xml` found both in one (it misses smiling
/// and squinting eyes).
///
/// Landmarks are approximate, and so is the pose the measurement derives from them:
/// - eyes: the centres of the eye boxes; when an eye is not found, the position it had
///   relative to the face box in the last frame with one face, else the box's typical
///   proportions;
///   when one eye is found, the other at the remembered eye distance from it;
/// - nose tip: as high in the box as a typical face's, and sideways extrapolated beyond the
///   eye midpoint by the midpoint's offset from the box centre (the box follows the head's
///   outline, which lags behind the eyes when the head turns);
/// - mouth corners: fixed proportions of the face box.
///
/// So yaw rests only on where the eye pair sits relative to the face box's centre, and pitch
/// only on how high the eye line sits in the box: both are crude (degrees of frame-to-frame
/// noise, an uncalibrated gain, and yaw and pitch stay at the remembered values whenever the
/// eyes are not found). Measured on the camera simulator (`cargo bench -p kiosk-sim --bench
/// face_sweep`): turns pass for most cooperative citizens, nods never; a print moved sideways
/// can pass for a turn, so [`FaceDetector::challenges`] limits plans to turns and blinks and
/// always includes the blink. Configure the YuNet model for production.
/// Eye openness is measured at these eye positions as with YuNet.
pub struct Cascade {
    kind: CascadeKind,
    face: CascadeClassifier,
    fallback: Option<(CascadeKind, CascadeClassifier)>,
    right_eye: CascadeClassifier,
    left_eye: CascadeClassifier,
    detect_width: i32,
    min_face_px: f32,
    small: Scratch,
    grey: Scratch,
    equalised: Scratch,
    eye_grey: Scratch,
    eye_small: Scratch,
    /// Eye centres relative to the face box in the last frame with exactly one face.
    last_eyes: Option<[Point; 2]>,
}

/// How far beyond the eye midpoint the approximate nose is put, per unit of the eye midpoint's
/// offset from the face box's centre (see [`Cascade`]).
const NOSE_GAIN: f32 = 2.0;

/// The width of the face region the eye cascades run on.
const EYE_FACE_WIDTH: f64 = 100.0;

/// Loads a cascade file from [`opencv_data_dir`].
fn load(file: &str) -> Result<CascadeClassifier, CameraError> {
    let path = opencv_data_dir().join(file);
    let name = require_file(&path)?;
    let bad = |reason: String| CameraError::Model {
        path: name.clone(),
        reason,
    };
    let c = CascadeClassifier::new(&name).map_err(|e| bad(e.to_string()))?;
    if c.empty().map_err(|e| bad(e.to_string()))? {
        return Err(bad("not a cascade OpenCV can load".into()));
    }
    Ok(c)
}

impl Cascade {
    /// The width of the copy the face cascade runs on (reference: LBP at 320x240, 3-4 ms).
    pub const DEFAULT_DETECT_WIDTH: i32 = 320;
    /// The smallest face looked for, in full-frame pixels (the quality gate wants 80).
    pub const DEFAULT_MIN_FACE_PX: f32 = 72.0;

    /// Loads the face and eye cascades from [`opencv_data_dir`].
    ///
    /// # Errors
    /// [`CameraError::Model`] naming the cascade file that is missing or does not load.
    pub fn new(kind: CascadeKind) -> Result<Self, CameraError> {
        Ok(Self {
            kind,
            face: load(kind.face_file())?,
            fallback: None,
            right_eye: load(RIGHT_EYE_FILE)?,
            left_eye: load(LEFT_EYE_FILE)?,
            detect_width: Self::DEFAULT_DETECT_WIDTH,
            min_face_px: Self::DEFAULT_MIN_FACE_PX,
            small: Scratch::default(),
            grey: Scratch::default(),
            equalised: Scratch::default(),
            eye_grey: Scratch::default(),
            eye_small: Scratch::default(),
            last_eyes: None,
        })
    }

    /// Also runs `fallback`'s cascade on frames where this one finds no face (the default
    /// detector is LBP with a Haar fallback: fast on the usual frontal face, and a tilted head
    /// is still found, at the Haar cascade's cost). `None` turns the fallback off.
    ///
    /// # Errors
    /// [`CameraError::Model`] naming the fallback's cascade file when it does not load.
    pub fn with_fallback(mut self, fallback: Option<CascadeKind>) -> Result<Self, CameraError> {
        self.fallback = match fallback {
            Some(k) if k != self.kind => Some((k, load(k.face_file())?)),
            _ => None,
        };
        Ok(self)
    }

    /// The default cascade detector: LBP with a Haar fallback.
    ///
    /// # Errors
    /// [`CameraError::Model`] naming a cascade file that is missing or does not load.
    pub fn default_detector() -> Result<Self, CameraError> {
        Self::new(CascadeKind::Lbp)?.with_fallback(Some(CascadeKind::Haar))
    }

    /// Detects faces on a copy this wide (frames narrower than this are used as they are).
    #[must_use]
    pub fn with_detect_width(mut self, width: i32) -> Self {
        self.detect_width = width.max(64);
        self
    }

    /// Looks for faces at least this wide in full-frame pixels (smaller is slower).
    #[must_use]
    pub fn with_min_face_px(mut self, px: f32) -> Self {
        self.min_face_px = px.max(24.0);
        self
    }

    /// Which face cascade this is.
    #[must_use]
    pub fn kind(&self) -> CascadeKind {
        self.kind
    }

    fn faces(&mut self, frame: &Mat) -> Result<Vec<Rect>, CameraError> {
        let (image, scale) =
            crate::detect::downscaled(frame, self.detect_width, &mut self.small.0)?;
        imgproc::cvt_color_def(image, &mut self.grey.0, imgproc::COLOR_BGR2GRAY)?;
        imgproc::equalize_hist(&self.grey.0, &mut self.equalised.0)?;
        let min = (f64::from(self.min_face_px) * scale).round().max(20.0) as i32;
        let mut found = Vector::<Rect>::new();
        let image = &self.equalised.0;
        let run = |c: &mut CascadeClassifier, kind: CascadeKind, found: &mut Vector<Rect>| {
            c.detect_multi_scale(
                image,
                found,
                kind.scale_factor(),
                kind.min_neighbours(),
                0,
                Size::new(min, min),
                Size::new(0, 0),
            )
        };
        let mut result = run(&mut self.face, self.kind, &mut found);
        if let (Ok(()), true, Some((kind, c))) = (&result, found.is_empty(), self.fallback.as_mut())
        {
            result = run(c, *kind, &mut found);
        }
        for m in [&mut self.small.0, &mut self.grey.0, &mut self.equalised.0] {
            crate::frame::wipe_mat(m);
        }
        result?;
        let inv = 1.0 / scale;
        Ok(found
            .iter()
            .map(|r| {
                let s = |v: i32| (f64::from(v) * inv).round() as i32;
                Rect::new(s(r.x), s(r.y), s(r.width), s(r.height))
            })
            .collect())
    }

    /// The eye boxes (person's right, person's left) found in the upper half of a face box.
    fn eyes(&mut self, frame: &Mat, face: Rect) -> Result<[Option<BBox>; 2], CameraError> {
        let region = Rect::new(face.x, face.y, face.width, face.height * 11 / 20)
            & Rect::new(0, 0, frame.cols(), frame.rows());
        if region.width < 8 || region.height < 8 {
            return Ok([None, None]);
        }
        let roi = Mat::roi(frame, region)?;
        imgproc::cvt_color_def(&roi, &mut self.eye_grey.0, imgproc::COLOR_BGR2GRAY)?;
        let s = EYE_FACE_WIDTH / f64::from(face.width.max(1));
        imgproc::resize(
            &self.eye_grey.0,
            &mut self.eye_small.0,
            Size::new(0, 0),
            s,
            s,
            imgproc::INTER_AREA,
        )?;
        imgproc::equalize_hist(&self.eye_small.0, &mut self.eye_grey.0)?;
        let (w, h) = (self.eye_grey.0.cols(), self.eye_grey.0.rows());
        if w < 24 || h < 12 {
            // Too little of the face inside the frame to look for eyes.
            for m in [&mut self.eye_grey.0, &mut self.eye_small.0] {
                crate::frame::wipe_mat(m);
            }
            return Ok([None, None]);
        }
        let props = PROPORTIONS;
        let mut out = [None, None];
        // The person's right eye is on the image's left half.
        for (slot, (x0, x1, expect_x)) in [
            (0usize, (0, w * 11 / 20, 0.5 - props.eye_half)),
            (1usize, (w * 9 / 20, w, 0.5 + props.eye_half)),
        ] {
            let half = Rect::new(x0, 0, x1 - x0, h);
            let sub = Mat::roi(&self.eye_grey.0, half)?;
            let mut found = Vector::<Rect>::new();
            let cascade = if slot == 0 {
                &mut self.right_eye
            } else {
                &mut self.left_eye
            };
            cascade.detect_multi_scale(
                &sub,
                &mut found,
                1.1,
                3,
                0,
                Size::new(12, 12),
                Size::new(45, 45),
            )?;
            // The candidate nearest the expected eye position.
            let expect = (
                f64::from(expect_x) * EYE_FACE_WIDTH - f64::from(x0),
                f64::from(props.eye_y) * EYE_FACE_WIDTH,
            );
            let best = found.iter().min_by(|a, b| {
                let d = |r: &Rect| {
                    let cx = f64::from(r.x) + f64::from(r.width) / 2.0 - expect.0;
                    let cy = f64::from(r.y) + f64::from(r.height) / 2.0 - expect.1;
                    cx * cx + cy * cy
                };
                d(a).total_cmp(&d(b))
            });
            if let (Some(r), Some(o)) = (best, out.get_mut(slot)) {
                let inv = (1.0 / s) as f32;
                *o = Some(BBox {
                    x: region.x as f32 + (x0 + r.x) as f32 * inv,
                    y: region.y as f32 + r.y as f32 * inv,
                    w: r.width as f32 * inv,
                    h: r.height as f32 * inv,
                });
            }
        }
        for m in [&mut self.eye_grey.0, &mut self.eye_small.0] {
            crate::frame::wipe_mat(m);
        }
        Ok(out)
    }
}

impl FaceDetector for Cascade {
    fn detect(&mut self, frame: &Mat) -> Result<Vec<Detection>, CameraError> {
        if frame.empty() {
            return Ok(Vec::new());
        }
        let faces = self.faces(frame)?;
        let props = PROPORTIONS;
        let one = faces.len() == 1;
        let mut found = Vec::with_capacity(faces.len());
        for face in faces {
            let [right, left] = self.eyes(frame, face)?;
            let bbox = BBox {
                x: face.x as f32,
                y: face.y as f32,
                w: face.width as f32,
                h: face.height as f32,
            };
            let rel = |p: Point| Point {
                x: bbox.x + p.x * bbox.w,
                y: bbox.y + p.y * bbox.h,
            };
            let typical = [
                Point {
                    x: 0.5 - props.eye_half,
                    y: props.eye_y,
                },
                Point {
                    x: 0.5 + props.eye_half,
                    y: props.eye_y,
                },
            ];
            let remembered = if one { self.last_eyes } else { None }.unwrap_or(typical);
            let centre = |b: &BBox| b.centre();
            // One eye found (the far eye of a turned head is often lost): the other is put at
            // the remembered eye distance from it, so the pair moves with the eye that is seen.
            let span = (remembered[1].x - remembered[0].x) * bbox.w;
            let (right_eye, left_eye) = match (right.as_ref(), left.as_ref()) {
                (Some(r), Some(l)) => (centre(r), centre(l)),
                (Some(r), None) => {
                    let r = centre(r);
                    (
                        r,
                        Point {
                            x: r.x + span,
                            y: r.y,
                        },
                    )
                }
                (None, Some(l)) => {
                    let l = centre(l);
                    (
                        Point {
                            x: l.x - span,
                            y: l.y,
                        },
                        l,
                    )
                }
                (None, None) => (rel(remembered[0]), rel(remembered[1])),
            };
            if one {
                let back = |p: Point| Point {
                    x: (p.x - bbox.x) / bbox.w.max(1.0),
                    y: (p.y - bbox.y) / bbox.h.max(1.0),
                };
                self.last_eyes = Some([back(right_eye), back(left_eye)]);
            }
            let cx = bbox.x + bbox.w / 2.0;
            // The frontal cascade's box follows the head's outline, which lags behind the eyes
            // when the head turns: eyes sliding to one side of the box mean a turn that way,
            // and a nose (which turns further than the eyes) further still. So the nose is
            // extrapolated beyond the eye midpoint by the eyes' offset from the box centre.
            let eye_mid = (right_eye.x + left_eye.x) / 2.0;
            let nose_x = eye_mid + NOSE_GAIN * (eye_mid - cx);
            let landmarks = Landmarks {
                right_eye,
                left_eye,
                nose: Point {
                    x: nose_x,
                    y: bbox.y + props.nose_y * bbox.h,
                },
                mouth_right: Point {
                    x: cx - props.mouth_half * bbox.w,
                    y: bbox.y + props.mouth_y * bbox.h,
                },
                mouth_left: Point {
                    x: cx + props.mouth_half * bbox.w,
                    y: bbox.y + props.mouth_y * bbox.h,
                },
            };
            found.push(Detection {
                bbox,
                landmarks: Some(landmarks),
                eyes: [right, left].into_iter().flatten().collect(),
                score: 1.0,
            });
        }
        if !one {
            self.last_eyes = None;
        }
        Ok(found)
    }

    /// The primary cascade's name (`"lbp"` for the default detector, Haar fallback or not).
    fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// Turns and blinks; no nods (the eye line barely moves within the box). The blink is
    /// required: a print waved sideways shifts the box like a turn, but cannot blink.
    fn challenges(&self) -> (&'static [Challenge], Option<Challenge>) {
        (CASCADE_CHALLENGES, Some(Challenge::Blink))
    }
}

/// The challenges the cascade path judges (see [`FaceDetector::challenges`]).
const CASCADE_CHALLENGES: &[Challenge] =
    &[Challenge::TurnLeft, Challenge::TurnRight, Challenge::Blink];
