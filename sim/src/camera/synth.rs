//! Rendering a face photo into a 640x480 camera frame for a head state and a photometric state.
//!
//! A [`Layer`] is one thing in front of the backdrop: a live person (the photo's head and
//! shoulders, cut out with a feathered mask) or a flat print (a rectangle of the photo with a
//! white border). Each frame the layers are drawn over the [`Scene`]'s backdrop:
//!
//! 1. eyes closed (person only): each eye region is painted over with the skin colour sampled
//!    just below that eye when the layer was built, feathered, with a darker lid line;
//! 2. head turn and nod (person only): a non-rigid warp over a depth model, an ellipsoid head
//!    (depth `R cos(pi/2 r)`, `r` the normalised ellipse radius) plus a Gaussian bump at the nose
//!    landmark, sized so the nose tip stands 0.6 eye distances in front of the eyes (the figure
//!    `liveness::estimate_pose` assumes). A point at depth `z` moves by
//!    `dx = z sin(yaw) - (x - cx)(1 - cos(yaw))` and `dy = z sin(pitch) - (y - cy)(1 - cos(pitch))`;
//!    the map is inverted by fixed-point iteration, limited to the head ellipse and faded out just
//!    beyond it, and applied with `imgproc::remap`. The nose therefore moves relative to the
//!    eyes, as on a real head;
//! 3. placement: offset, scale and in-plane roll about the face centre, and for a print a
//!    perspective tilt of its plane, as one homography (`imgproc::warp_perspective`). This is
//!    all a flat print can do: its landmarks keep their ratios;
//! 4. photometric: Gaussian blur, then gain and offset plus camera noise (precomputed noise
//!    fields from the seeded xorshift generator, one drawn per frame).
//!
//! Signs follow `liveness`: yaw positive when the person turns to their own left (the nose moves
//! to the image's right in a non-mirrored camera image), pitch positive when the chin goes down.

use super::SimCameraError;
use crate::xorshift::XorShift64;
use camera::{Detection, FaceDetector};
use liveness::{BBox, Landmarks, Point};
use opencv::core::{
    self, CV_8U, CV_8UC1, CV_8UC3, CV_16SC3, CV_32F, CV_32FC1, Mat, Rect, Scalar, Size,
};
use opencv::imgproc;
use opencv::prelude::*;
use std::f32::consts::FRAC_PI_2;
use std::path::Path;

/// Width of a rendered frame in pixels.
pub const FRAME_WIDTH: i32 = 640;
/// Height of a rendered frame in pixels.
pub const FRAME_HEIGHT: i32 = 480;
/// Margin of a layer around the frame, so a moved person is not cut at the frame's old edge.
const MARGIN: i32 = 96;
/// Focal length in pixels used for the perspective tilt of a print (about a 60° webcam).
const FOCAL_PX: f64 = 600.0;
/// Nose tip depth in front of the eyes, in eye distances (the figure `estimate_pose` assumes).
const NOSE_DEPTH_RATIO: f32 = 0.6;
/// Half width and half height of the painted lid, in eye distances: the whole eye with its lashes
/// and lid crease, as far as the brow.
const EYE_PAINT_HALF: (f32, f32) = (0.36, 0.24);
/// Grid step in pixels at which the head warp is computed before interpolation.
const WARP_GRID: i32 = 2;
/// Fixed-point iterations inverting the head warp (it contracts: its gradient stays below 0.5).
const WARP_ITERATIONS: usize = 4;
/// Sigma of the nose bump, in eye distances.
const NOSE_BUMP_SIGMA: f32 = 0.22;
/// Number of precomputed camera-noise fields (one is drawn per frame).
const NOISE_FIELDS: usize = 4;
/// Fixed-point scale of the stored noise fields (stored sigma = 8 grey levels).
const NOISE_STORED_SIGMA: f64 = 8.0;

/// Where a photo's face is: its box and the five landmarks, in that photo's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaceGeometry {
    /// The face box.
    pub bbox: BBox,
    /// The five landmarks.
    pub landmarks: Landmarks,
}

impl FaceGeometry {
    /// The geometry of a detection; when the detector gives no landmarks (the cascades), typical
    /// adult proportions inside the box stand in for them.
    #[must_use]
    pub fn from_detection(d: &Detection) -> Self {
        let b = d.bbox;
        let at = |fx: f32, fy: f32| Point {
            x: b.x + fx * b.w,
            y: b.y + fy * b.h,
        };
        let landmarks = d.landmarks.unwrap_or(Landmarks {
            right_eye: at(0.32, 0.40),
            left_eye: at(0.68, 0.40),
            nose: at(0.50, 0.58),
            mouth_right: at(0.36, 0.77),
            mouth_left: at(0.64, 0.77),
        });
        Self { bbox: b, landmarks }
    }

    /// Distance between the eyes in pixels.
    #[must_use]
    pub fn eye_distance(&self) -> f32 {
        let l = &self.landmarks;
        (l.left_eye.x - l.right_eye.x).hypot(l.left_eye.y - l.right_eye.y)
    }

    /// The centre of the face box.
    #[must_use]
    pub fn centre(&self) -> Point {
        self.bbox.centre()
    }

    /// The same face after `p -> p * s + (tx, ty)`.
    fn mapped(&self, s: f32, tx: f32, ty: f32) -> Self {
        let p = |q: Point| Point {
            x: q.x * s + tx,
            y: q.y * s + ty,
        };
        let l = &self.landmarks;
        Self {
            bbox: BBox {
                x: self.bbox.x * s + tx,
                y: self.bbox.y * s + ty,
                w: self.bbox.w * s,
                h: self.bbox.h * s,
            },
            landmarks: Landmarks {
                left_eye: p(l.left_eye),
                right_eye: p(l.right_eye),
                nose: p(l.nose),
                mouth_left: p(l.mouth_left),
                mouth_right: p(l.mouth_right),
            },
        }
    }

    /// Whether the geometry can be used: finite, a box of a few pixels, eyes apart.
    fn is_usable(&self) -> bool {
        let b = self.bbox;
        [b.x, b.y, b.w, b.h].iter().all(|v| v.is_finite())
            && b.w >= 8.0
            && b.h >= 8.0
            && self.eye_distance().is_finite()
            && self.eye_distance() >= 2.0
    }
}

/// A face photo (BGR) with the geometry of its main face.
pub struct FacePhoto {
    image: Mat,
    geometry: FaceGeometry,
    name: String,
}

impl std::fmt::Debug for FacePhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FacePhoto {{ {}, {:?} }}", self.name, self.geometry)
    }
}

impl FacePhoto {
    /// Reads a photo and finds its largest face with `detector`.
    ///
    /// # Errors
    /// [`SimCameraError::Photo`] when the file cannot be read or decoded,
    /// [`SimCameraError::NoFaceInPhoto`] when the detector finds no usable face.
    pub fn load(path: &Path, detector: &mut dyn FaceDetector) -> Result<Self, SimCameraError> {
        let name = path.display().to_string();
        if !path.is_file() {
            return Err(SimCameraError::Photo {
                path: name,
                reason: "no such file".into(),
            });
        }
        // A JPEG or PNG, decoded in pure Rust (the camera crate's reader).
        let image = camera::decode_image_file(path).map_err(|e| SimCameraError::Photo {
            path: name.clone(),
            reason: match e {
                camera::CameraError::Open { reason, .. } => reason,
                other => other.to_string(),
            },
        })?;
        let faces = detector.detect(&image)?;
        let best = faces
            .iter()
            .filter(|d| d.bbox.w.is_finite() && d.bbox.h.is_finite())
            .max_by(|a, b| (a.bbox.w * a.bbox.h).total_cmp(&(b.bbox.w * b.bbox.h)))
            .ok_or_else(|| SimCameraError::NoFaceInPhoto(name.clone()))?;
        Self::from_parts(image, FaceGeometry::from_detection(best), &name)
    }

    /// A photo whose face geometry is already known.
    ///
    /// # Errors
    /// [`SimCameraError::Photo`] when the image is not a non-empty 8-bit BGR image,
    /// [`SimCameraError::NoFaceInPhoto`] when the geometry is degenerate.
    pub fn from_parts(
        image: Mat,
        geometry: FaceGeometry,
        name: &str,
    ) -> Result<Self, SimCameraError> {
        if image.empty() || image.typ() != CV_8UC3 {
            return Err(SimCameraError::Photo {
                path: name.to_owned(),
                reason: "expected a non-empty 8-bit BGR image".into(),
            });
        }
        if !geometry.is_usable() {
            return Err(SimCameraError::NoFaceInPhoto(name.to_owned()));
        }
        Ok(Self {
            image,
            geometry,
            name: name.to_owned(),
        })
    }

    /// The face geometry in the photo's pixels.
    #[must_use]
    pub fn geometry(&self) -> &FaceGeometry {
        &self.geometry
    }

    /// The photo's name (its path), for descriptions.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The photo flipped left to right (a stand-in for a second person).
    ///
    /// # Errors
    /// An OpenCV failure.
    pub fn mirrored(&self) -> Result<Self, SimCameraError> {
        let mut image = Mat::default();
        core::flip(&self.image, &mut image, 1)?;
        let w = self.image.cols() as f32;
        let fx = |p: Point| Point {
            x: w - 1.0 - p.x,
            y: p.y,
        };
        let l = &self.geometry.landmarks;
        let b = self.geometry.bbox;
        let geometry = FaceGeometry {
            bbox: BBox {
                x: w - b.x - b.w,
                ..b
            },
            // The person's left eye is now on the image's left: the roles swap.
            landmarks: Landmarks {
                left_eye: fx(l.right_eye),
                right_eye: fx(l.left_eye),
                nose: fx(l.nose),
                mouth_left: fx(l.mouth_right),
                mouth_right: fx(l.mouth_left),
            },
        };
        Ok(Self {
            image,
            geometry,
            name: format!("{} (mirrored)", self.name),
        })
    }
}

/// Where a layer is and how it is oriented, relative to its home position in the frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Shift of the face centre in frame pixels (x right, y down).
    pub offset_px: (f32, f32),
    /// Size relative to the home size (1 = home).
    pub scale: f32,
    /// In-plane rotation in degrees (positive turns the image clockwise on screen).
    pub roll_deg: f32,
    /// Perspective tilt of a flat print in degrees: about its vertical axis, then its horizontal axis.
    pub tilt_deg: (f32, f32),
}

impl Default for Placement {
    fn default() -> Self {
        Self {
            offset_px: (0.0, 0.0),
            scale: 1.0,
            roll_deg: 0.0,
            tilt_deg: (0.0, 0.0),
        }
    }
}

/// The state of a head in one frame (a print ignores yaw, pitch and eyes: it is flat).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeadState {
    /// Yaw in degrees, positive when the person turns to their own left.
    pub yaw_deg: f32,
    /// Pitch in degrees, positive when the chin goes down.
    pub pitch_deg: f32,
    /// Eyes closed, 0 (open) to 1 (shut).
    pub eyes_closed: f32,
    /// Position, size and roll.
    pub placement: Placement,
}

/// The camera's photometric state in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Photometric {
    /// Brightness gain (1 = unchanged).
    pub gain: f32,
    /// Brightness offset in grey levels.
    pub offset: f32,
    /// Camera noise standard deviation in grey levels.
    pub noise_sigma: f32,
    /// Gaussian blur sigma in pixels (0 = none).
    pub blur_sigma: f32,
}

impl Default for Photometric {
    fn default() -> Self {
        Self {
            gain: 1.0,
            offset: 0.0,
            noise_sigma: 2.0,
            blur_sigma: 0.6,
        }
    }
}

/// The depth model of a head, in layer pixels.
#[derive(Debug, Clone, Copy)]
struct HeadModel {
    cx: f32,
    cy: f32,
    a: f32,
    b: f32,
    depth: f32,
    nose: Point,
    bump_h: f32,
    /// `2 sigma^2` of the nose bump.
    bump_two_s2: f32,
}

impl HeadModel {
    fn new(g: &FaceGeometry) -> Self {
        let l = &g.landmarks;
        let d = g.eye_distance();
        let eye_mid = Point {
            x: (l.left_eye.x + l.right_eye.x) / 2.0,
            y: (l.left_eye.y + l.right_eye.y) / 2.0,
        };
        let a = 0.55 * g.bbox.w;
        let mut m = Self {
            cx: eye_mid.x,
            cy: g.centre().y,
            a,
            b: 0.62 * g.bbox.h,
            depth: 0.9 * a,
            nose: l.nose,
            bump_h: 0.0,
            bump_two_s2: 2.0 * (NOSE_BUMP_SIGMA * d).powi(2),
        };
        let eyes_z = (m.ellipsoid(l.left_eye.x, l.left_eye.y)
            + m.ellipsoid(l.right_eye.x, l.right_eye.y))
            / 2.0;
        // Sized so that the tip stands NOSE_DEPTH_RATIO eye distances before the eyes.
        m.bump_h = (NOSE_DEPTH_RATIO * d - (m.ellipsoid(l.nose.x, l.nose.y) - eyes_z)).max(0.0);
        m
    }

    fn radius(&self, x: f32, y: f32) -> f32 {
        ((x - self.cx) / self.a).hypot((y - self.cy) / self.b)
    }

    fn ellipsoid(&self, x: f32, y: f32) -> f32 {
        let r = self.radius(x, y);
        if r < 1.0 {
            self.depth * (FRAC_PI_2 * r).cos()
        } else {
            0.0
        }
    }

    /// Forward displacement of the point at neutral `(x, y)` for `(sin, cos)` of yaw and pitch.
    fn displacement(&self, x: f32, y: f32, yaw: (f32, f32), pitch: (f32, f32)) -> (f32, f32) {
        let r = self.radius(x, y);
        let w = 1.0 - smoothstep(1.0, 1.25, r);
        if w <= 0.0 {
            return (0.0, 0.0);
        }
        let (nx, ny) = (x - self.nose.x, y - self.nose.y);
        let bump = self.bump_h * (-(nx * nx + ny * ny) / self.bump_two_s2).exp();
        let z = self.ellipsoid(x, y) + bump * w;
        (
            w * (z * yaw.0 - (x - self.cx) * (1.0 - yaw.1)),
            w * (z * pitch.0 - (y - self.cy) * (1.0 - pitch.1)),
        )
    }

    /// The region the warp touches, clipped to `size`.
    fn region(&self, size: Size) -> Option<Rect> {
        let x0 = ((self.cx - 1.3 * self.a).floor() as i32).max(0);
        let y0 = ((self.cy - 1.3 * self.b).floor() as i32).max(0);
        let x1 = ((self.cx + 1.3 * self.a).ceil() as i32).min(size.width);
        let y1 = ((self.cy + 1.3 * self.b).ceil() as i32).min(size.height);
        (x1 > x0 && y1 > y0).then(|| Rect::new(x0, y0, x1 - x0, y1 - y0))
    }
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// What a layer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LayerKind {
    /// A live person: head warp and eyes apply.
    Person,
    /// A flat print: only placement applies.
    Print,
}

/// One thing in front of the backdrop, in neutral pose, `MARGIN` pixels around the frame.
pub struct Layer {
    kind: LayerKind,
    image: Mat,
    alpha: Mat,
    geometry: FaceGeometry,
    home: Point,
    head: HeadModel,
    /// Where the head warp applies, and the layer coordinates (x, y) of its pixels.
    warp_region: Option<Rect>,
    grid: (Mat, Mat),
    /// Skin colour (BGR) just below the person's right and left eye.
    skin: [[f32; 3]; 2],
}

impl std::fmt::Debug for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Layer {{ {:?}, home {:?} }}", self.kind, self.home)
    }
}

impl Layer {
    /// A live person whose face is `face_width` pixels wide, centred at `home` in the frame.
    ///
    /// # Errors
    /// An OpenCV failure.
    pub fn person(photo: &FacePhoto, face_width: f32, home: Point) -> Result<Self, SimCameraError> {
        Self::build(photo, face_width, home, LayerKind::Person)
    }

    /// A flat print of the photo whose face is `face_width` pixels wide, centred at `home`.
    ///
    /// # Errors
    /// An OpenCV failure.
    pub fn print(photo: &FacePhoto, face_width: f32, home: Point) -> Result<Self, SimCameraError> {
        Self::build(photo, face_width, home, LayerKind::Print)
    }

    fn build(
        photo: &FacePhoto,
        face_width: f32,
        home: Point,
        kind: LayerKind,
    ) -> Result<Self, SimCameraError> {
        let size = Size::new(FRAME_WIDTH + 2 * MARGIN, FRAME_HEIGHT + 2 * MARGIN);
        let g = photo.geometry;
        let s = face_width / g.bbox.w.max(1.0);
        let c = g.centre();
        let (tx, ty) = (
            home.x + MARGIN as f32 - c.x * s,
            home.y + MARGIN as f32 - c.y * s,
        );
        let geometry = g.mapped(s, tx, ty);
        let m = Mat::from_slice_2d(&[
            [f64::from(s), 0.0, f64::from(tx)],
            [0.0, f64::from(s), f64::from(ty)],
        ])?;
        let mut image = Mat::default();
        imgproc::warp_affine(
            &photo.image,
            &mut image,
            &m,
            size,
            imgproc::INTER_AREA,
            core::BORDER_REPLICATE,
            Scalar::default(),
        )?;
        // Where the photo actually covers the layer.
        let ones = Mat::new_rows_cols_with_default(
            photo.image.rows(),
            photo.image.cols(),
            CV_8UC1,
            Scalar::all(255.0),
        )?;
        let mut inside = Mat::default();
        imgproc::warp_affine(
            &ones,
            &mut inside,
            &m,
            size,
            imgproc::INTER_LINEAR,
            core::BORDER_CONSTANT,
            Scalar::all(0.0),
        )?;
        let shape = match kind {
            LayerKind::Person => person_shape(size, &geometry)?,
            LayerKind::Print => print_shape(&mut image, size, &geometry)?,
        };
        let mut both = Mat::default();
        core::min(&shape, &inside, &mut both)?;
        let mut alpha = Mat::default();
        both.convert_to(&mut alpha, CV_32F, 1.0 / 255.0, 0.0)?;
        let skin = [
            sample_below_eye(&image, &geometry, geometry.landmarks.right_eye)?,
            sample_below_eye(&image, &geometry, geometry.landmarks.left_eye)?,
        ];
        let head = HeadModel::new(&geometry);
        let warp_region = head.region(size);
        let grid = coordinate_grid(warp_region.unwrap_or_default())?;
        Ok(Self {
            kind,
            image,
            alpha,
            head,
            warp_region,
            grid,
            geometry,
            home,
            skin,
        })
    }

    /// The face geometry in frame pixels at the home placement.
    #[must_use]
    pub fn home_geometry(&self) -> FaceGeometry {
        self.geometry
            .mapped(1.0, -(MARGIN as f32), -(MARGIN as f32))
    }

    /// The layer drawn for `state`: its pixels and its coverage (0..1), both frame-sized.
    fn render(&self, state: &HeadState) -> Result<(Mat, Mat), SimCameraError> {
        let mut image = self.image.try_clone()?;
        if self.kind == LayerKind::Person {
            let closed = state.eyes_closed.clamp(0.0, 1.0);
            if closed > 0.01 {
                self.paint_eyes(&mut image, closed)?;
            }
            if state.yaw_deg.abs() > 0.01 || state.pitch_deg.abs() > 0.01 {
                image = self.turn_head(&image, state.yaw_deg, state.pitch_deg)?;
            }
        }
        let h = Mat::from_slice_2d(&self.homography(&state.placement))?;
        let size = Size::new(FRAME_WIDTH, FRAME_HEIGHT);
        let mut out = Mat::default();
        imgproc::warp_perspective(
            &image,
            &mut out,
            &h,
            size,
            imgproc::INTER_LINEAR,
            core::BORDER_CONSTANT,
            Scalar::all(0.0),
        )?;
        let mut alpha = Mat::default();
        imgproc::warp_perspective(
            &self.alpha,
            &mut alpha,
            &h,
            size,
            imgproc::INTER_LINEAR,
            core::BORDER_CONSTANT,
            Scalar::all(0.0),
        )?;
        Ok((out, alpha))
    }

    /// Layer pixels -> frame pixels for a placement.
    fn homography(&self, p: &Placement) -> [[f64; 3]; 3] {
        let c = self.geometry.centre();
        let (cx, cy) = (f64::from(c.x), f64::from(c.y));
        let to_origin = [[1.0, 0.0, -cx], [0.0, 1.0, -cy], [0.0, 0.0, 1.0]];
        let s = f64::from(p.scale.max(0.01));
        let (sr, cr) = f64::from(p.roll_deg).to_radians().sin_cos();
        let rot_scale = [
            [s * cr, -s * sr, 0.0],
            [s * sr, s * cr, 0.0],
            [0.0, 0.0, 1.0],
        ];
        let (sa, ca) = f64::from(p.tilt_deg.0).to_radians().sin_cos();
        let (sb, cb) = f64::from(p.tilt_deg.1).to_radians().sin_cos();
        // R = Ry(a) Rx(b); a plane point (x, y, 0) at distance f projects through
        // [[r11, r12, 0], [r21, r22, 0], [r31 / f, r32 / f, 1]].
        let r = [
            [ca, sa * sb, sa * cb],
            [0.0, cb, -sb],
            [-sa, ca * sb, ca * cb],
        ];
        let tilt = [
            [r[0][0], r[0][1], 0.0],
            [r[1][0], r[1][1], 0.0],
            [r[2][0] / FOCAL_PX, r[2][1] / FOCAL_PX, 1.0],
        ];
        let to_frame = [
            [1.0, 0.0, f64::from(self.home.x + p.offset_px.0)],
            [0.0, 1.0, f64::from(self.home.y + p.offset_px.1)],
            [0.0, 0.0, 1.0],
        ];
        mul3(&to_frame, &mul3(&tilt, &mul3(&rot_scale, &to_origin)))
    }

    /// The head turned by `yaw_deg` and nodded by `pitch_deg` (see the module docs).
    fn turn_head(&self, image: &Mat, yaw_deg: f32, pitch_deg: f32) -> Result<Mat, SimCameraError> {
        let Some(roi) = self.warp_region else {
            return Ok(image.try_clone()?);
        };
        let yaw = yaw_deg.to_radians().sin_cos();
        let pitch = pitch_deg.to_radians().sin_cos();
        // The inverse displacement p - s(p) is smooth: compute it on a grid of every
        // WARP_GRID-th pixel and interpolate (a quarter of the work at a step of 2).
        let (cw, ch) = (roi.width / WARP_GRID + 2, roi.height / WARP_GRID + 2);
        let mut coarse_x = Mat::new_rows_cols_with_default(ch, cw, CV_32FC1, Scalar::all(0.0))?;
        let mut coarse_y = coarse_x.try_clone()?;
        {
            let xs = coarse_x.data_typed_mut::<f32>()?;
            let ys = coarse_y.data_typed_mut::<f32>()?;
            let width = usize::try_from(cw).unwrap_or(1).max(1);
            let step = WARP_GRID as f32;
            for (i, (ex, ey)) in xs.iter_mut().zip(ys.iter_mut()).enumerate() {
                let px = roi.x as f32 + (i % width) as f32 * step;
                let py = roi.y as f32 + (i / width) as f32 * step;
                // Invert p = s + D(s) by fixed-point iteration s <- p - D(s).
                let (mut sx, mut sy) = (px, py);
                for _ in 0..WARP_ITERATIONS {
                    let (dx, dy) = self.head.displacement(sx, sy, yaw, pitch);
                    sx = px - dx;
                    sy = py - dy;
                }
                *ex = px - sx;
                *ey = py - sy;
            }
        }
        let full = Size::new(cw * WARP_GRID, ch * WARP_GRID);
        let inside = Rect::new(0, 0, roi.width, roi.height);
        let mut map_x = Mat::default();
        let mut map_y = Mat::default();
        for (coarse, grid, map) in [
            (&coarse_x, &self.grid.0, &mut map_x),
            (&coarse_y, &self.grid.1, &mut map_y),
        ] {
            let mut fine = Mat::default();
            imgproc::resize(coarse, &mut fine, full, 0.0, 0.0, imgproc::INTER_LINEAR)?;
            core::subtract(grid, &fine.roi(inside)?, map, &core::no_array(), CV_32F)?;
        }
        let mut warped = Mat::default();
        imgproc::remap(
            image,
            &mut warped,
            &map_x,
            &map_y,
            imgproc::INTER_LINEAR,
            core::BORDER_REPLICATE,
            Scalar::default(),
        )?;
        let mut out = image.try_clone()?;
        let mut target = out.roi_mut(roi)?;
        warped.copy_to(&mut target)?;
        Ok(out)
    }

    /// Paints both eyes shut by `closed` (0..1): skin colour, feathered, with a darker lid line.
    fn paint_eyes(&self, image: &mut Mat, closed: f32) -> Result<(), SimCameraError> {
        let d = self.geometry.eye_distance();
        let (ew, eh) = (EYE_PAINT_HALF.0 * d, EYE_PAINT_HALF.1 * d);
        let cols = image.cols();
        let rows = image.rows();
        let width = usize::try_from(cols).unwrap_or(0);
        let line_strength = smoothstep(0.4, 1.0, closed);
        let line_half = 0.02 * d + 0.7;
        let data = image.data_bytes_mut()?;
        let eyes = [
            (self.geometry.landmarks.right_eye, self.skin[0]),
            (self.geometry.landmarks.left_eye, self.skin[1]),
        ];
        for (eye, skin) in eyes {
            let x0 = ((eye.x - ew).floor() as i32).clamp(0, cols);
            let x1 = ((eye.x + ew).ceil() as i32 + 1).clamp(0, cols);
            let y0 = ((eye.y - eh).floor() as i32).clamp(0, rows);
            let y1 = ((eye.y + eh).ceil() as i32 + 1).clamp(0, rows);
            for y in y0..y1 {
                for x in x0..x1 {
                    let u = (x as f32 - eye.x) / ew;
                    let v = (y as f32 - eye.y) / eh;
                    let r = u.hypot(v);
                    let a = closed * (1.0 - smoothstep(0.7, 1.0, r));
                    if a <= 0.0 {
                        continue;
                    }
                    // The lid edge: a shallow downward curve below the eye's centre.
                    let lid_y = eye.y + eh * (0.15 + 0.25 * (1.0 - u * u));
                    let line = line_strength
                        * (1.0 - ((y as f32 - lid_y).abs() / line_half)).max(0.0)
                        * (1.0 - smoothstep(0.6, 0.95, u.abs()));
                    let shade = (1.0 - 0.05 * v) * (1.0 - 0.55 * line);
                    let i = (y as usize * width + x as usize) * 3;
                    if let Some(px) = data.get_mut(i..i + 3) {
                        for (c, s) in px.iter_mut().zip(skin) {
                            let painted = (s * shade).clamp(0.0, 255.0);
                            *c = (f32::from(*c) * (1.0 - a) + painted * a).round() as u8;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Two `CV_32F` images holding each pixel's x and y coordinate in the layer, over `roi`.
fn coordinate_grid(roi: Rect) -> Result<(Mat, Mat), SimCameraError> {
    let mut gx =
        Mat::new_rows_cols_with_default(roi.height, roi.width, CV_32FC1, Scalar::all(0.0))?;
    let mut gy = gx.try_clone()?;
    let width = usize::try_from(roi.width).unwrap_or(1).max(1);
    for (i, v) in gx.data_typed_mut::<f32>()?.iter_mut().enumerate() {
        *v = roi.x as f32 + (i % width) as f32;
    }
    for (i, v) in gy.data_typed_mut::<f32>()?.iter_mut().enumerate() {
        *v = roi.y as f32 + (i / width) as f32;
    }
    Ok((gx, gy))
}

/// The mean colour of a small patch just below an eye (the skin the lid is painted with).
fn sample_below_eye(image: &Mat, g: &FaceGeometry, eye: Point) -> Result<[f32; 3], SimCameraError> {
    let d = g.eye_distance();
    let (w, h) = ((0.30 * d).max(2.0), (0.12 * d).max(2.0));
    let x = ((eye.x - w / 2.0).round() as i32).clamp(0, (image.cols() - 2).max(0));
    let y = ((eye.y + 0.42 * d - h / 2.0).round() as i32).clamp(0, (image.rows() - 2).max(0));
    let w = (w.round() as i32).min(image.cols() - x).max(1);
    let h = (h.round() as i32).min(image.rows() - y).max(1);
    let patch = image.roi(Rect::new(x, y, w, h))?;
    let m = core::mean(&patch, &core::no_array())?;
    Ok([m[0] as f32, m[1] as f32, m[2] as f32])
}

/// A feathered head-and-shoulders mask (8-bit) around a face.
fn person_shape(size: Size, g: &FaceGeometry) -> Result<Mat, SimCameraError> {
    let mut mask =
        Mat::new_rows_cols_with_default(size.height, size.width, CV_8UC1, Scalar::all(0.0))?;
    let c = g.centre();
    let (w, h) = (g.bbox.w, g.bbox.h);
    let white = Scalar::all(255.0);
    let pt = |x: f32, y: f32| core::Point::new(x.round() as i32, y.round() as i32);
    let axes = |a: f32, b: f32| Size::new(a.round() as i32, b.round() as i32);
    // Head with hair.
    imgproc::ellipse(
        &mut mask,
        pt(c.x, c.y - 0.1 * h),
        axes(0.66 * w, 0.84 * h),
        0.0,
        0.0,
        360.0,
        white,
        -1,
        imgproc::LINE_8,
        0,
    )?;
    // Neck.
    imgproc::rectangle(
        &mut mask,
        Rect::new(
            (c.x - 0.42 * w).round() as i32,
            (c.y + 0.2 * h).round() as i32,
            (0.84 * w).round() as i32,
            (1.2 * h).round() as i32,
        ),
        white,
        -1,
        imgproc::LINE_8,
        0,
    )?;
    // Shoulders, down to the bottom of the layer.
    imgproc::ellipse(
        &mut mask,
        pt(c.x, c.y + 1.95 * h),
        axes(1.55 * w, 0.85 * h),
        0.0,
        0.0,
        360.0,
        white,
        -1,
        imgproc::LINE_8,
        0,
    )?;
    let top = (c.y + 1.95 * h).round() as i32;
    if top < size.height {
        imgproc::rectangle(
            &mut mask,
            Rect::new(
                (c.x - 1.55 * w).round() as i32,
                top,
                (3.1 * w).round() as i32,
                size.height - top,
            ),
            white,
            -1,
            imgproc::LINE_8,
            0,
        )?;
    }
    let mut feathered = Mat::default();
    imgproc::gaussian_blur(
        &mask,
        &mut feathered,
        Size::new(0, 0),
        4.0,
        4.0,
        core::BORDER_DEFAULT,
    )?;
    Ok(feathered)
}

/// A print's rectangle (8-bit mask) around a face; draws its white border into `image`.
fn print_shape(image: &mut Mat, size: Size, g: &FaceGeometry) -> Result<Mat, SimCameraError> {
    let c = g.centre();
    let (w, h) = (g.bbox.w, g.bbox.h);
    let outer = Rect::new(
        (c.x - 1.05 * w).round() as i32,
        (c.y - 1.1 * h).round() as i32,
        (2.1 * w).round() as i32,
        (2.3 * h).round() as i32,
    );
    let border = (0.05 * w).round().max(2.0) as i32;
    let paper = Scalar::new(232.0, 236.0, 238.0, 0.0);
    imgproc::rectangle(image, outer, paper, border * 2, imgproc::LINE_8, 0)?;
    let mut mask =
        Mat::new_rows_cols_with_default(size.height, size.width, CV_8UC1, Scalar::all(0.0))?;
    imgproc::rectangle(
        &mut mask,
        Rect::new(
            outer.x - border,
            outer.y - border,
            outer.width + 2 * border,
            outer.height + 2 * border,
        ),
        Scalar::all(255.0),
        -1,
        imgproc::LINE_8,
        0,
    )?;
    Ok(mask)
}

fn mul3(a: &[[f64; 3]; 3], b: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

/// The backdrop and the camera: draws layers over a plain synthetic wall and adds the camera's
/// blur, exposure and noise.
pub struct Scene {
    backdrop: Mat,
    noise: Vec<Mat>,
    rng: XorShift64,
}

impl std::fmt::Debug for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scene {{ {FRAME_WIDTH}x{FRAME_HEIGHT} }}")
    }
}

impl Scene {
    /// A scene whose noise is drawn from `seed`.
    ///
    /// # Errors
    /// An OpenCV failure.
    pub fn new(seed: u64) -> Result<Self, SimCameraError> {
        let mut rng = XorShift64::new(seed);
        let mut backdrop =
            Mat::new_rows_cols_with_default(FRAME_HEIGHT, FRAME_WIDTH, CV_8UC3, Scalar::all(0.0))?;
        {
            let data = backdrop.data_bytes_mut()?;
            let width = FRAME_WIDTH as usize;
            for (i, px) in data.chunks_exact_mut(3).enumerate() {
                let (x, y) = ((i % width) as f32, (i / width) as f32);
                // A warm grey wall lit from the upper left, a darker skirting band at the bottom.
                let light =
                    1.0 - 0.18 * (y / FRAME_HEIGHT as f32) - 0.10 * (x / FRAME_WIDTH as f32);
                let band = if y > 420.0 { 0.75 } else { 1.0 };
                let base = [168.0_f32, 180.0, 188.0];
                for (c, b) in px.iter_mut().zip(base) {
                    *c = (b * light * band).clamp(0.0, 255.0) as u8;
                }
            }
        }
        // A door frame on the left and a notice board on the right: some texture, nothing face-like.
        imgproc::rectangle(
            &mut backdrop,
            Rect::new(30, 60, 110, 370),
            Scalar::new(120.0, 135.0, 150.0, 0.0),
            6,
            imgproc::LINE_AA,
            0,
        )?;
        imgproc::rectangle(
            &mut backdrop,
            Rect::new(500, 90, 110, 80),
            Scalar::new(200.0, 210.0, 215.0, 0.0),
            -1,
            imgproc::LINE_AA,
            0,
        )?;
        let mut noise = Vec::with_capacity(NOISE_FIELDS);
        for _ in 0..NOISE_FIELDS {
            let mut field = Mat::new_rows_cols_with_default(
                FRAME_HEIGHT,
                FRAME_WIDTH,
                CV_16SC3,
                Scalar::all(0.0),
            )?;
            for px in field.data_typed_mut::<core::Vec3s>()?.iter_mut() {
                for v in px.0.iter_mut() {
                    // Irwin-Hall: the sum of four uniforms is close to Gaussian (variance 4/12).
                    let bits = rng.next_u64();
                    let sum: f64 = (0..4)
                        .map(|k| f64::from(((bits >> (16 * k)) & 0xFFFF) as u16) / 65535.0)
                        .sum();
                    *v = ((sum - 2.0) * 3.0_f64.sqrt() * NOISE_STORED_SIGMA).round() as i16;
                }
            }
            noise.push(field);
        }
        Ok(Self {
            backdrop,
            noise,
            rng,
        })
    }

    /// Draws `layers` (back to front) in their states over the backdrop, then the camera effects.
    ///
    /// # Errors
    /// An OpenCV failure.
    pub fn render(
        &mut self,
        layers: &[(&Layer, HeadState)],
        camera: &Photometric,
    ) -> Result<Mat, SimCameraError> {
        let mut acc = self.backdrop.try_clone()?;
        for (layer, state) in layers {
            let (image, alpha) = layer.render(state)?;
            let mut rest = Mat::default();
            alpha.convert_to(&mut rest, CV_32F, -1.0, 1.0)?;
            let mut blended = Mat::default();
            imgproc::blend_linear(&image, &acc, &alpha, &rest, &mut blended)?;
            acc = blended;
        }
        if camera.blur_sigma > 0.05 {
            let mut blurred = Mat::default();
            imgproc::gaussian_blur(
                &acc,
                &mut blurred,
                Size::new(0, 0),
                f64::from(camera.blur_sigma),
                f64::from(camera.blur_sigma),
                core::BORDER_DEFAULT,
            )?;
            acc = blurred;
        }
        let pick = (self.rng.next_u64() % NOISE_FIELDS as u64) as usize;
        let mut out = Mat::default();
        match self.noise.get(pick) {
            Some(field) if camera.noise_sigma > 0.0 => core::add_weighted(
                &acc,
                f64::from(camera.gain),
                field,
                f64::from(camera.noise_sigma) / NOISE_STORED_SIGMA,
                f64::from(camera.offset),
                &mut out,
                CV_8U,
            )?,
            _ => acc.convert_to(
                &mut out,
                CV_8UC3,
                f64::from(camera.gain),
                f64::from(camera.offset),
            )?,
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test helper")]
/// Test helper: a drawn "face": a skin ellipse with dark eyes, a nose mark and a mouth, 400x400.
pub(crate) fn drawn_photo() -> FacePhoto {
    let mut img =
        Mat::new_rows_cols_with_default(400, 400, CV_8UC3, Scalar::new(90.0, 120.0, 60.0, 0.0))
            .unwrap();
    let skin = Scalar::new(120.0, 150.0, 200.0, 0.0);
    let dark = Scalar::new(30.0, 30.0, 40.0, 0.0);
    let p = |x: i32, y: i32| core::Point::new(x, y);
    imgproc::ellipse(
        &mut img,
        p(200, 210),
        Size::new(100, 130),
        0.0,
        0.0,
        360.0,
        skin,
        -1,
        imgproc::LINE_8,
        0,
    )
    .unwrap();
    for x in [160, 240] {
        imgproc::circle(&mut img, p(x, 180), 9, dark, -1, imgproc::LINE_8, 0).unwrap();
    }
    imgproc::circle(&mut img, p(200, 225), 6, dark, -1, imgproc::LINE_8, 0).unwrap();
    imgproc::line(
        &mut img,
        p(170, 265),
        p(230, 265),
        dark,
        4,
        imgproc::LINE_8,
        0,
    )
    .unwrap();
    let pt = |x: f32, y: f32| Point { x, y };
    let geometry = FaceGeometry {
        bbox: BBox {
            x: 110.0,
            y: 110.0,
            w: 180.0,
            h: 210.0,
        },
        landmarks: Landmarks {
            right_eye: pt(160.0, 180.0),
            left_eye: pt(240.0, 180.0),
            nose: pt(200.0, 225.0),
            mouth_right: pt(170.0, 265.0),
            mouth_left: pt(230.0, 265.0),
        },
    };
    FacePhoto::from_parts(img, geometry, "drawn").unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stddev(m: &Mat, r: Rect) -> f64 {
        let mut mean = Mat::default();
        let mut dev = Mat::default();
        core::mean_std_dev(&m.roi(r).unwrap(), &mut mean, &mut dev, &core::no_array()).unwrap();
        (0..3).map(|i| *dev.at::<f64>(i).unwrap()).sum::<f64>() / 3.0
    }

    #[test]
    fn a_turn_moves_the_nose_against_the_eyes_by_the_nose_depth() {
        let photo = drawn_photo();
        let g = photo.geometry();
        let head = HeadModel::new(g);
        let l = g.landmarks;
        let d = g.eye_distance();
        for yaw in [-25.0_f32, 25.0] {
            let (s, c) = yaw.to_radians().sin_cos();
            let nose = head.displacement(l.nose.x, l.nose.y, (s, c), (0.0, 1.0));
            let re = head.displacement(l.right_eye.x, l.right_eye.y, (s, c), (0.0, 1.0));
            let le = head.displacement(l.left_eye.x, l.left_eye.y, (s, c), (0.0, 1.0));
            let relative = nose.0 - (re.0 + le.0) / 2.0;
            // Positive yaw (the person's own left) moves the nose to the image's right.
            let expected = NOSE_DEPTH_RATIO * d * s;
            assert!(
                (relative - expected).abs() < 0.05 * d,
                "{yaw}: {relative} vs {expected}"
            );
        }
        // Far outside the head nothing moves.
        assert_eq!(
            head.displacement(g.bbox.x - g.bbox.w, g.bbox.y, (0.5, 0.87), (0.5, 0.87)),
            (0.0, 0.0)
        );
    }

    #[test]
    fn a_flat_placement_keeps_the_landmark_ratios() {
        let layer = Layer::print(&drawn_photo(), 200.0, Point { x: 320.0, y: 225.0 }).unwrap();
        let l = layer.geometry.landmarks;
        let apply = |h: &[[f64; 3]; 3], p: Point| {
            let (x, y) = (f64::from(p.x), f64::from(p.y));
            let w = h[2][0] * x + h[2][1] * y + h[2][2];
            Point {
                x: ((h[0][0] * x + h[0][1] * y + h[0][2]) / w) as f32,
                y: ((h[1][0] * x + h[1][1] * y + h[1][2]) / w) as f32,
            }
        };
        let pose_after = |placement: Placement| {
            let h = layer.homography(&placement);
            liveness::estimate_pose(&Landmarks {
                left_eye: apply(&h, l.left_eye),
                right_eye: apply(&h, l.right_eye),
                nose: apply(&h, l.nose),
                mouth_left: apply(&h, l.mouth_left),
                mouth_right: apply(&h, l.mouth_right),
            })
            .unwrap()
        };
        let home = pose_after(Placement::default());
        let moved = pose_after(Placement {
            offset_px: (40.0, -20.0),
            scale: 1.1,
            roll_deg: 15.0,
            tilt_deg: (0.0, 0.0),
        });
        assert!(
            (moved.yaw_deg - home.yaw_deg).abs() < 0.5,
            "{home:?} {moved:?}"
        );
        assert!(
            (moved.pitch_deg - home.pitch_deg).abs() < 0.5,
            "{home:?} {moved:?}"
        );
        assert!(
            (moved.roll_deg - home.roll_deg - 15.0).abs() < 0.5,
            "{moved:?}"
        );
        // A tilted plane changes the ratios a little (perspective: about 5° of yaw at a 25° tilt),
        // less than half a turn's threshold: it never looks like a head turn.
        let tilted = pose_after(Placement {
            tilt_deg: (25.0, 20.0),
            ..Placement::default()
        });
        assert!(
            (tilted.yaw_deg - home.yaw_deg).abs() < 7.5,
            "{home:?} {tilted:?}"
        );
        assert!(
            (tilted.pitch_deg - home.pitch_deg).abs() < 6.0,
            "{home:?} {tilted:?}"
        );
        // The home placement puts the face where it was asked for.
        let c = layer.home_geometry().centre();
        assert!(
            (c.x - 320.0).abs() < 0.5 && (c.y - 225.0).abs() < 0.5,
            "{c:?}"
        );
    }

    #[test]
    fn closed_eyes_lose_their_contrast_and_the_rest_stays() {
        let layer = Layer::person(&drawn_photo(), 200.0, Point { x: 320.0, y: 225.0 }).unwrap();
        let mut scene = Scene::new(3).unwrap();
        let still = Photometric {
            noise_sigma: 0.0,
            blur_sigma: 0.0,
            ..Photometric::default()
        };
        let open = scene
            .render(&[(&layer, HeadState::default())], &still)
            .unwrap();
        let shut = scene
            .render(
                &[(
                    &layer,
                    HeadState {
                        eyes_closed: 1.0,
                        ..HeadState::default()
                    },
                )],
                &still,
            )
            .unwrap();
        let g = layer.home_geometry();
        let d = g.eye_distance();
        let side = (0.4 * d) as i32;
        for eye in [g.landmarks.left_eye, g.landmarks.right_eye] {
            let r = Rect::new(eye.x as i32 - side / 2, eye.y as i32 - side / 2, side, side);
            let (before, after) = (stddev(&open, r), stddev(&shut, r));
            // What is left is mostly the thin lid line.
            assert!(
                after < 0.4 * before,
                "eye patch contrast {before} -> {after}"
            );
        }
        // The mouth is untouched.
        let m = g.landmarks.mouth_left;
        let r = Rect::new(m.x as i32 - 20, m.y as i32 - 5, 20, 10);
        assert!((stddev(&open, r) - stddev(&shut, r)).abs() < 0.5);
    }

    #[test]
    fn frames_are_deterministic_per_seed() {
        let layer = Layer::person(&drawn_photo(), 200.0, Point { x: 320.0, y: 225.0 }).unwrap();
        let state = HeadState {
            yaw_deg: 20.0,
            ..HeadState::default()
        };
        let render = |seed| {
            Scene::new(seed)
                .unwrap()
                .render(&[(&layer, state)], &Photometric::default())
                .unwrap()
        };
        let diff = |a: &Mat, b: &Mat| core::norm2(a, b, core::NORM_L1, &core::no_array()).unwrap();
        assert_eq!(diff(&render(5), &render(5)), 0.0);
        assert!(
            diff(&render(5), &render(6)) > 0.0,
            "another seed, other noise"
        );
        let frame = render(5);
        assert_eq!(
            (frame.cols(), frame.rows(), frame.typ()),
            (FRAME_WIDTH, FRAME_HEIGHT, CV_8UC3)
        );
    }

    #[test]
    fn mirroring_swaps_the_persons_left_and_right() {
        let photo = drawn_photo();
        let m = photo.mirrored().unwrap();
        let (a, b) = (photo.geometry().landmarks, m.geometry().landmarks);
        assert!((b.right_eye.x - (399.0 - a.left_eye.x)).abs() < 1e-3);
        assert!(
            b.right_eye.x < b.left_eye.x,
            "the person's right eye stays on the image's left"
        );
        assert!((m.geometry().bbox.x - (400.0 - 110.0 - 180.0)).abs() < 1e-3);
    }

    #[test]
    fn bad_photos_are_refused() {
        let empty = Mat::default();
        assert!(matches!(
            FacePhoto::from_parts(empty, FaceGeometry::default(), "x"),
            Err(SimCameraError::Photo { .. })
        ));
        let img = drawn_photo().image;
        assert!(matches!(
            FacePhoto::from_parts(img, FaceGeometry::default(), "x"),
            Err(SimCameraError::NoFaceInPhoto(_))
        ));
    }
}
