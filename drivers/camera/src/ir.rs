//! The seam for a second, near-infrared camera (none is fitted yet).
//!
//! Under active near-infrared light, skin reflects strongly while a phone or monitor screen shows
//! almost nothing and a paper print looks flat; a kiosk with an IR camera compares the face with
//! the background in the IR frame. Nothing in the check uses these numbers yet
//! ([`liveness::Observation::ir`] is carried and ignored); a future passive check
//! ([`liveness::PassiveCheck`]) would. Open the IR camera named in
//! [`crate::SourceOptions::ir`] with [`crate::open_source`], map the colour camera's face box
//! into the IR frame (the two cameras must be registered: same field of view, or a calibrated
//! mapping), and call [`ir_measures`].

use liveness::{BBox, IrMeasures};
use opencv::core::{self, Mat, Rect};
use opencv::prelude::*;

use crate::CameraError;

/// Mean IR intensity (0-255, averaged over the channels) inside the face box and outside it.
///
/// The box is in the IR frame's pixels and is clipped to the frame; a box outside the frame
/// gives a face mean of 0.
///
/// # Errors
/// An OpenCV failure.
pub fn ir_measures(ir_frame: &Mat, face: &BBox) -> Result<IrMeasures, CameraError> {
    let (w, h) = (ir_frame.cols(), ir_frame.rows());
    let area = f64::from(w) * f64::from(h);
    if area <= 0.0 {
        return Ok(IrMeasures::default());
    }
    let channels = f64::from(ir_frame.channels().max(1));
    let sum_all = core::sum_elems(ir_frame)?;
    let total: f64 = (0..4).map(|i| sum_all[i]).sum::<f64>() / channels;
    let (face_sum, face_area) = match clip(face, w, h) {
        Some(r) => {
            let roi = Mat::roi(ir_frame, r)?;
            let s = core::sum_elems(&roi)?;
            (
                (0..4).map(|i| s[i]).sum::<f64>() / channels,
                f64::from(r.width) * f64::from(r.height),
            )
        }
        None => (0.0, 0.0),
    };
    let face_mean = if face_area > 0.0 {
        face_sum / face_area
    } else {
        0.0
    };
    let rest = area - face_area;
    let background_mean = if rest > 0.0 {
        (total - face_sum) / rest
    } else {
        0.0
    };
    Ok(IrMeasures {
        face_mean: face_mean as f32,
        background_mean: background_mean as f32,
    })
}

/// The box clipped to a `w` x `h` frame, `None` when nothing of it is inside.
pub(crate) fn clip(b: &BBox, w: i32, h: i32) -> Option<Rect> {
    if !(b.x.is_finite() && b.y.is_finite() && b.w.is_finite() && b.h.is_finite()) {
        return None;
    }
    let x0 = (b.x.floor() as i32).clamp(0, w);
    let y0 = (b.y.floor() as i32).clamp(0, h);
    let x1 = ((b.x + b.w).ceil() as i32).clamp(0, w);
    let y1 = ((b.y + b.h).ceil() as i32).clamp(0, h);
    (x1 > x0 && y1 > y0).then(|| Rect::new(x0, y0, x1 - x0, y1 - y0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opencv::core::Scalar;

    #[test]
    fn bright_face_on_dark_background() {
        let mut m =
            Mat::new_rows_cols_with_default(100, 200, core::CV_8UC1, Scalar::all(20.0)).unwrap();
        let r = Rect::new(50, 20, 40, 50);
        Mat::roi_mut(&mut m, r)
            .unwrap()
            .set_to_def(&Scalar::all(200.0))
            .unwrap();
        let face = BBox {
            x: 50.0,
            y: 20.0,
            w: 40.0,
            h: 50.0,
        };
        let ir = ir_measures(&m, &face).unwrap();
        assert!((ir.face_mean - 200.0).abs() < 0.01, "{ir:?}");
        assert!((ir.background_mean - 20.0).abs() < 0.01, "{ir:?}");
        // A box partly outside is clipped; one wholly outside measures nothing.
        let outside = BBox { x: 500.0, ..face };
        assert_eq!(ir_measures(&m, &outside).unwrap().face_mean, 0.0);
    }

    #[test]
    fn clipping() {
        let b = BBox {
            x: -10.0,
            y: 5.0,
            w: 30.0,
            h: 200.0,
        };
        assert_eq!(clip(&b, 100, 50), Some(Rect::new(0, 5, 20, 45)));
        assert_eq!(clip(&BBox { x: f32::NAN, ..b }, 100, 50), None);
    }
}
