//! Turning detections into the numbers the liveness core judges: pose, eye openness,
//! brightness, sharpness.

use liveness::{
    BBox, FaceObservation, FrameMeasures, Landmarks, Observation, Point, estimate_pose,
};
use opencv::core::{self, Mat, Rect, Scalar, Size};
use opencv::imgproc;
use opencv::prelude::*;

use crate::Frame;
use crate::detect::Detection;
use crate::frame::Scratch;
use crate::ir::clip;

/// The width the face crop is scaled to before the Laplacian (so sharpness does not depend on
/// how close the citizen stands).
pub const SHARPNESS_WIDTH: i32 = 160;
/// An eye patch's side as a fraction of the eye distance.
pub const EYE_PATCH_FRACTION: f32 = 0.4;
/// The side eye patches are resampled to before they are measured.
const EYE_PATCH_PX: i32 = 24;
/// Height of the vertical closing that erases dark lines thinner than a fifth of the patch
/// (about 5 mm on a face: lashes and the lid crease of a closed eye), but not an iris.
const LASH_KERNEL_PX: i32 = 5;
/// The contrast at which eye openness is 0.5 (see [`eye_openness`]).
const OPENNESS_HALF: f64 = 0.25;

/// Measures one frame: a [`FaceObservation`] per detection (in the same order) and the frame
/// measures of the largest face (or of the whole frame when there is none).
///
/// Never fails: a measure OpenCV cannot take (a face box outside the frame, an OpenCV error) is
/// left out (`eye_openness: None`) or 0, which the quality gate then refuses.
#[must_use]
pub fn observe(frame: &Frame, detections: &[Detection]) -> Observation {
    let mat = frame.mat();
    let (width, height) = frame.size();
    let faces: Vec<FaceObservation> = detections.iter().map(|d| face(mat, d)).collect();
    let largest = detections
        .iter()
        .max_by(|a, b| (a.bbox.w * a.bbox.h).total_cmp(&(b.bbox.w * b.bbox.h)))
        .map(|d| d.bbox);
    Observation {
        at_ms: frame.at_ms(),
        faces,
        frame: FrameMeasures {
            width,
            height,
            brightness: brightness(mat, largest.as_ref()).unwrap_or(0.0),
            sharpness: sharpness(mat, largest.as_ref()).unwrap_or(0.0),
        },
        ir: None,
    }
}

fn face(mat: &Mat, d: &Detection) -> FaceObservation {
    let pose = d.landmarks.as_ref().and_then(estimate_pose);
    FaceObservation {
        bbox: d.bbox,
        landmarks: d.landmarks,
        eye_openness: d
            .landmarks
            .as_ref()
            .and_then(|l| eye_openness(mat, l).ok().flatten()),
        yaw_deg: pose.map_or(0.0, |p| p.yaw_deg),
        pitch_deg: pose.map_or(0.0, |p| p.pitch_deg),
        score: d.score,
    }
}

/// Mean grey level 0-255 of the face box (clipped to the frame), or of the whole frame.
///
/// # Errors
/// An OpenCV failure.
pub fn brightness(mat: &Mat, face: Option<&BBox>) -> Result<f32, opencv::Error> {
    let mean = match face.and_then(|b| clip(b, mat.cols(), mat.rows())) {
        Some(r) => core::mean(&Mat::roi(mat, r)?, &core::no_array())?,
        None => core::mean(mat, &core::no_array())?,
    };
    Ok(luma(&mean) as f32)
}

/// ITU-R BT.601 luma of a BGR mean (what `COLOR_BGR2GRAY` computes).
fn luma(bgr: &Scalar) -> f64 {
    0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]
}

/// Variance of the Laplacian of the face crop scaled to [`SHARPNESS_WIDTH`] wide (the whole frame
/// when there is no face); higher is sharper, a blurred or moving face gives less.
///
/// # Errors
/// An OpenCV failure.
pub fn sharpness(mat: &Mat, face: Option<&BBox>) -> Result<f32, opencv::Error> {
    let rect = face
        .and_then(|b| clip(b, mat.cols(), mat.rows()))
        .unwrap_or_else(|| Rect::new(0, 0, mat.cols(), mat.rows()));
    if rect.width < 2 || rect.height < 2 {
        return Ok(0.0);
    }
    let crop = Mat::roi(mat, rect)?;
    let h = (f64::from(rect.height) * f64::from(SHARPNESS_WIDTH) / f64::from(rect.width))
        .round()
        .max(2.0) as i32;
    let mut small = Scratch::default();
    imgproc::resize(
        &crop,
        &mut small.0,
        Size::new(SHARPNESS_WIDTH, h),
        0.0,
        0.0,
        imgproc::INTER_AREA,
    )?;
    let mut grey = Scratch::default();
    imgproc::cvt_color_def(&small.0, &mut grey.0, imgproc::COLOR_BGR2GRAY)?;
    let mut lap = Scratch::default();
    imgproc::laplacian(
        &grey.0,
        &mut lap.0,
        core::CV_32F,
        1,
        1.0,
        0.0,
        core::BORDER_DEFAULT,
    )?;
    let (mut mean, mut sd) = (Mat::default(), Mat::default());
    core::mean_std_dev(&lap.0, &mut mean, &mut sd, &core::no_array())?;
    let sd = *sd.at::<f64>(0)?;
    Ok((sd * sd) as f32)
}

/// Eye openness 0..1: the mean of both eyes' patch contrast, `c / (c + 0.25)`.
///
/// Each patch is a square of side `0.4 x eye distance` centred on the eye landmark, on the
/// full-resolution frame, resampled to 24x24 grey; a vertical closing (5 px) then erases dark
/// horizontal lines thinner than a fifth of the patch, the lashes and crease of a closed lid,
/// while an open eye's iris, taller than that, stays. The patch's contrast `c` is the standard
/// deviation of its grey levels over their mean: high for an open eye (dark iris against the
/// white and the skin), low for a closed one (skin); dividing by the mean makes it independent
/// of the light. The scale is arbitrary: the liveness core compares it with the
/// citizen's own open-eye baseline. `None` when either patch falls outside the frame.
///
/// # Errors
/// An OpenCV failure.
pub fn eye_openness(mat: &Mat, l: &Landmarks) -> Result<Option<f32>, opencv::Error> {
    let dist = (l.left_eye.x - l.right_eye.x).hypot(l.left_eye.y - l.right_eye.y);
    if !dist.is_finite() || dist < 4.0 {
        return Ok(None);
    }
    let side = (EYE_PATCH_FRACTION * dist).max(4.0);
    let mut sum = 0.0;
    for eye in [l.right_eye, l.left_eye] {
        let Some(c) = patch_contrast(mat, eye, side)? else {
            return Ok(None);
        };
        sum += c / (c + OPENNESS_HALF);
    }
    Ok(Some((sum / 2.0) as f32))
}

/// The contrast (standard deviation over mean grey level) of a square patch, `None` when less
/// than three quarters of it lies inside the frame.
fn patch_contrast(mat: &Mat, centre: Point, side: f32) -> Result<Option<f64>, opencv::Error> {
    let b = BBox {
        x: centre.x - side / 2.0,
        y: centre.y - side / 2.0,
        w: side,
        h: side,
    };
    let Some(r) = clip(&b, mat.cols(), mat.rows()) else {
        return Ok(None);
    };
    if (r.width * r.height) as f32 * 4.0 < side * side * 3.0 {
        return Ok(None);
    }
    let patch = Mat::roi(mat, r)?;
    let mut small = Scratch::default();
    imgproc::resize(
        &patch,
        &mut small.0,
        Size::new(EYE_PATCH_PX, EYE_PATCH_PX),
        0.0,
        0.0,
        imgproc::INTER_AREA,
    )?;
    let mut grey = Scratch::default();
    imgproc::cvt_color_def(&small.0, &mut grey.0, imgproc::COLOR_BGR2GRAY)?;
    let kernel =
        imgproc::get_structuring_element_def(imgproc::MORPH_RECT, Size::new(1, LASH_KERNEL_PX))?;
    imgproc::morphology_ex_def(&grey.0, &mut small.0, imgproc::MORPH_CLOSE, &kernel)?;
    let (mut mean, mut sd) = (Mat::default(), Mat::default());
    core::mean_std_dev(&small.0, &mut mean, &mut sd, &core::no_array())?;
    let (m, s) = (*mean.at::<f64>(0)?, *sd.at::<f64>(0)?);
    Ok(Some(s / m.max(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opencv::core::{CV_8UC3, Point as CvPoint};

    fn grey(v: f64) -> Mat {
        Mat::new_rows_cols_with_default(200, 300, CV_8UC3, Scalar::all(v)).unwrap()
    }

    fn landmarks() -> Landmarks {
        Landmarks {
            right_eye: Point { x: 110.0, y: 80.0 },
            left_eye: Point { x: 190.0, y: 80.0 },
            nose: Point { x: 150.0, y: 115.0 },
            mouth_right: Point { x: 120.0, y: 150.0 },
            mouth_left: Point { x: 180.0, y: 150.0 },
        }
    }

    /// Skin with an eye at each landmark: a white, a dark iris, optionally lashes only.
    fn face(open: bool) -> Mat {
        let mut m = grey(150.0);
        for x in [110, 190] {
            if open {
                imgproc::ellipse_def(
                    &mut m,
                    CvPoint::new(x, 80),
                    Size::new(14, 6),
                    0.0,
                    0.0,
                    360.0,
                    Scalar::all(230.0),
                )
                .unwrap();
                imgproc::circle(
                    &mut m,
                    CvPoint::new(x, 80),
                    5,
                    Scalar::all(30.0),
                    -1,
                    imgproc::LINE_8,
                    0,
                )
                .unwrap();
            } else {
                imgproc::line(
                    &mut m,
                    CvPoint::new(x - 14, 81),
                    CvPoint::new(x + 14, 81),
                    Scalar::all(40.0),
                    1,
                    imgproc::LINE_8,
                    0,
                )
                .unwrap();
            }
        }
        m
    }

    #[test]
    fn open_eyes_measure_open_and_closed_lids_with_lashes_do_not() {
        let open = eye_openness(&face(true), &landmarks()).unwrap().unwrap();
        let closed = eye_openness(&face(false), &landmarks()).unwrap().unwrap();
        assert!(open > 0.4, "{open}");
        assert!(closed < 0.2 * open, "{open} -> {closed}");
        // The same eyes in half the light measure the same.
        let mut dim = Mat::default();
        face(true).convert_to(&mut dim, -1, 0.5, 0.0).unwrap();
        let half = eye_openness(&dim, &landmarks()).unwrap().unwrap();
        assert!((half - open).abs() < 0.05 * open, "{open} vs {half}");
    }

    #[test]
    fn eyes_at_the_edge_or_together_are_not_measured() {
        let mut l = landmarks();
        l.right_eye.x = 1.0;
        assert_eq!(eye_openness(&face(true), &l).unwrap(), None);
        let mut l = landmarks();
        l.left_eye = l.right_eye;
        assert_eq!(eye_openness(&face(true), &l).unwrap(), None);
    }

    #[test]
    fn sharpness_and_brightness_of_the_face_box() {
        let m = face(true);
        let b = BBox {
            x: 80.0,
            y: 50.0,
            w: 140.0,
            h: 130.0,
        };
        let sharp = sharpness(&m, Some(&b)).unwrap();
        let mut blurred = Mat::default();
        imgproc::gaussian_blur_def(&m, &mut blurred, Size::new(0, 0), 3.0).unwrap();
        assert!(sharpness(&blurred, Some(&b)).unwrap() < 0.5 * sharp);
        assert_eq!(sharpness(&grey(100.0), None).unwrap(), 0.0);
        // The box's brightness, not the frame's.
        let mut two = grey(20.0);
        Mat::roi_mut(&mut two, Rect::new(80, 50, 140, 130))
            .unwrap()
            .set_to_def(&Scalar::all(180.0))
            .unwrap();
        assert!((brightness(&two, Some(&b)).unwrap() - 180.0).abs() < 0.5);
        assert!(brightness(&two, None).unwrap() < 100.0);
        // A box outside the frame falls back to the whole frame.
        let away = BBox { x: 900.0, ..b };
        assert_eq!(
            brightness(&two, Some(&away)).unwrap(),
            brightness(&two, None).unwrap()
        );
    }

    #[test]
    fn observe_reports_every_face_and_the_largest_faces_measures() {
        let frame = Frame::new(face(true), 40, 1);
        let small = Detection {
            bbox: BBox {
                x: 0.0,
                y: 0.0,
                w: 30.0,
                h: 30.0,
            },
            ..Detection::default()
        };
        let big = Detection {
            bbox: BBox {
                x: 80.0,
                y: 50.0,
                w: 140.0,
                h: 130.0,
            },
            landmarks: Some(landmarks()),
            eyes: Vec::new(),
            score: 0.9,
        };
        let obs = observe(&frame, &[small, big.clone()]);
        assert_eq!(obs.at_ms, 40);
        assert_eq!(obs.faces.len(), 2);
        assert_eq!((obs.frame.width, obs.frame.height), (300, 200));
        assert!(obs.faces[0].eye_openness.is_none(), "no landmarks");
        let f = &obs.faces[1];
        assert!(f.eye_openness.is_some() && f.yaw_deg.abs() < 1.0);
        assert_eq!(f.score, 0.9);
        let alone = observe(&frame, &[big]);
        assert_eq!(alone.frame, obs.frame);
        assert!(observe(&frame, &[]).faces.is_empty());
    }
}
