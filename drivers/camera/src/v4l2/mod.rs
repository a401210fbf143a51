//! A V4L2 camera (`/dev/videoN`) as a [`FrameSource`]: the kernel's capture API spoken directly
//! ([`device`]), each picture turned into an 8-bit BGR frame here: raw YUYV 4:2:2 by OpenCV's
//! colour conversion, Motion-JPEG by the pure-Rust decoder in the `mjpeg` crate (which supplies
//! the Huffman tables UVC cameras leave out), grey (near-infrared cameras) widened to three
//! channels.

mod device;

use std::path::{Path, PathBuf};
use std::time::Instant;

use opencv::core::{Mat, Scalar};
use opencv::prelude::*;

use crate::capture::{Clock, ensure_bgr};
use crate::convert::opencv_error;
use crate::frame::Scratch;
use crate::source::{FrameSource, SourceOptions};
use crate::{CameraError, Frame};
use device::{Device, FourCc, Granted};

/// How many damaged pictures in a row are skipped before the camera counts as lost.
const BAD_FRAMES_TOLERATED: u32 = 5;

/// A V4L2 camera, streaming into two memory-mapped buffers.
///
/// Asks for the size and frame rate of [`SourceOptions`] in the first of YUYV, MJPG, JPEG and
/// GREY the camera offers (MJPG when YUYV cannot keep the frame rate at that size); the driver
/// picks its nearest mode, which [`FrameSource::describe`] reports. When frames queue up, the
/// newest is read and the older ones dropped, so the check judges the citizen as they are now.
///
/// `at_ms` is the time since the camera was opened on the monotonic clock. A camera that stops
/// delivering (unplugged, no frame within 2 s, only damaged frames) is [`CameraError::Lost`]:
/// wrap the source in [`crate::Reconnecting`] to reopen it. A damaged single picture (a corrupt
/// JPEG, a short buffer) is skipped.
pub struct DeviceSource {
    device: Device,
    what: String,
    opened: Instant,
    clock: Clock,
    index: u64,
}

impl std::fmt::Debug for DeviceSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSource")
            .field("what", &self.what)
            .field("granted", &self.device.granted())
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl DeviceSource {
    /// Opens `/dev/video{n}`.
    ///
    /// # Errors
    /// [`CameraError::Open`] when there is no such camera or it cannot be opened.
    pub fn open_index(n: i32, options: &SourceOptions) -> Result<Self, CameraError> {
        if n < 0 {
            return Err(CameraError::Open {
                what: format!("device:{n}"),
                reason: "a camera number is 0 or more".into(),
            });
        }
        Self::open_at(
            &PathBuf::from(format!("/dev/video{n}")),
            format!("device:{n}"),
            options,
        )
    }

    /// Opens a camera by its device path (for example a stable `/dev/v4l/by-id/...` link).
    ///
    /// # Errors
    /// [`CameraError::Open`] when there is no such camera or it cannot be opened.
    pub fn open_path(path: &Path, options: &SourceOptions) -> Result<Self, CameraError> {
        Self::open_at(path, format!("device:{}", path.display()), options)
    }

    fn open_at(path: &Path, what: String, options: &SourceOptions) -> Result<Self, CameraError> {
        let device =
            Device::open(path, options.width, options.height, options.fps).map_err(|e| {
                CameraError::Open {
                    what: what.clone(),
                    reason: match e.kind() {
                        std::io::ErrorKind::NotFound => "no such device".into(),
                        std::io::ErrorKind::PermissionDenied => {
                            "permission denied (is the kiosk user in the video group?)".into()
                        }
                        std::io::ErrorKind::ResourceBusy => "busy (another program uses it)".into(),
                        _ => e.to_string(),
                    },
                }
            })?;
        tracing::info!(camera = %what, granted = ?device.granted(), driver = device.driver(), "camera opened");
        Ok(Self {
            device,
            what,
            opened: Instant::now(),
            clock: Clock::default(),
            index: 0,
        })
    }
}

impl FrameSource for DeviceSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        let granted = self.device.granted();
        let mut bad = 0;
        let mat = loop {
            let converted = self
                .device
                .next(|bytes| to_bgr(&granted, bytes))
                .map_err(|e| CameraError::Lost {
                    what: self.what.clone(),
                    reason: e.to_string(),
                })?;
            match converted {
                Ok(mat) => break mat,
                Err(e) => {
                    bad += 1;
                    tracing::warn!(camera = %self.what, error = %e, "damaged picture skipped");
                    if bad >= BAD_FRAMES_TOLERATED {
                        return Err(CameraError::Lost {
                            what: self.what.clone(),
                            reason: format!("{bad} damaged pictures in a row: {e}"),
                        });
                    }
                }
            }
        };
        let elapsed = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        let at = self.clock.stamp(elapsed);
        let frame = Frame::new(mat, at, self.index);
        self.index += 1;
        Ok(Some(frame))
    }

    fn describe(&self) -> String {
        let g = self.device.granted();
        let fps = g.fps.map_or_else(|| "?".to_owned(), |f| format!("{f:.1}"));
        format!(
            "{} (V4L2 {}, {} {}x{} at {fps} fps)",
            self.what,
            self.device.driver(),
            g.fourcc,
            g.width,
            g.height
        )
    }

    fn offers(&self) -> Option<String> {
        Some(self.device.offers())
    }
}

/// Turns one captured picture into an 8-bit BGR image.
fn to_bgr(g: &Granted, bytes: &[u8]) -> Result<Mat, CameraError> {
    match g.fourcc {
        FourCc::MJPG | FourCc::JPEG => {
            let image = mjpeg::decode_jpeg(bytes).map_err(|e| opencv_error(e.to_string()))?;
            crate::convert::mat_from_image(&image)
        }
        FourCc::YUYV => {
            // Two bytes a pixel: Y0 U Y1 V for each pair (V4L2_PIX_FMT_YUYV).
            let packed = raw_rows(g, bytes, 2, opencv::core::CV_8UC2)?;
            let packed = Scratch(packed);
            let mut bgr = Mat::default();
            opencv::imgproc::cvt_color_def(
                &packed.0,
                &mut bgr,
                opencv::imgproc::COLOR_YUV2BGR_YUYV,
            )?;
            Ok(bgr)
        }
        FourCc::GREY => ensure_bgr(raw_rows(g, bytes, 1, opencv::core::CV_8UC1)?),
        other => Err(opencv_error(format!("unsupported pixel format {other}"))),
    }
}

/// Copies the rows of a raw picture (`bytes_per_pixel` each, rows `stride` apart) into a Mat.
fn raw_rows(
    g: &Granted,
    bytes: &[u8],
    bytes_per_pixel: usize,
    typ: i32,
) -> Result<Mat, CameraError> {
    let (w, h) = (g.width as usize, g.height as usize);
    let row = w * bytes_per_pixel;
    let stride = (g.stride as usize).max(row);
    let needed = stride * h.saturating_sub(1) + row;
    if w == 0 || h == 0 || bytes.len() < needed {
        return Err(opencv_error(format!(
            "{} bytes for a {w}x{h} {} picture that needs {needed}",
            bytes.len(),
            g.fourcc
        )));
    }
    let rows = i32::try_from(h).map_err(|e| opencv_error(e.to_string()))?;
    let cols = i32::try_from(w).map_err(|e| opencv_error(e.to_string()))?;
    let mut mat = Mat::new_rows_cols_with_default(rows, cols, typ, Scalar::all(0.0))?;
    let data = mat.data_bytes_mut()?;
    for (dst, src) in data.chunks_exact_mut(row).zip(bytes.chunks(stride)) {
        dst.copy_from_slice(&src[..row]);
    }
    Ok(mat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(fourcc: FourCc, width: u32, height: u32, stride: u32) -> Granted {
        Granted {
            fourcc,
            width,
            height,
            stride,
            fps: Some(15.0),
        }
    }

    fn pixel(mat: &Mat, row: i32, col: i32) -> [u8; 3] {
        let p = mat.at_2d::<opencv::core::Vec3b>(row, col).unwrap();
        [p[0], p[1], p[2]]
    }

    fn near(got: [u8; 3], want: [u8; 3]) -> bool {
        got.iter().zip(want).all(|(&g, w)| g.abs_diff(w) <= 3)
    }

    #[test]
    fn yuyv_becomes_bgr_with_bt601_colours_and_the_row_padding_skipped() {
        // Two rows of 4 pixels, each row padded to 12 bytes (stride 12, row 8 bytes).
        // Left pair BT.601 red (Y 82, U 90, V 240), right pair mid grey (Y 126, U 128, V 128).
        let row = [82, 90, 82, 240, 126, 128, 126, 128, 0xEE, 0xEE, 0xEE, 0xEE];
        let bytes: Vec<u8> = row.iter().chain(row.iter()).copied().collect();
        let mat = to_bgr(&granted(FourCc::YUYV, 4, 2, 12), &bytes).unwrap();
        assert_eq!((mat.cols(), mat.rows(), mat.channels()), (4, 2, 3));
        for r in 0..2 {
            assert!(
                near(pixel(&mat, r, 0), [0, 0, 255]),
                "{:?}",
                pixel(&mat, r, 0)
            );
            assert!(near(pixel(&mat, r, 1), [0, 0, 255]));
            assert!(
                near(pixel(&mat, r, 2), [128, 128, 128]),
                "{:?}",
                pixel(&mat, r, 2)
            );
            assert!(near(pixel(&mat, r, 3), [128, 128, 128]));
        }
    }

    #[test]
    fn grey_is_widened_to_three_equal_channels() {
        let bytes = [10, 20, 30, 99, 40, 50, 60, 99];
        let mat = to_bgr(&granted(FourCc::GREY, 3, 2, 4), &bytes).unwrap();
        assert_eq!(pixel(&mat, 0, 2), [30, 30, 30]);
        assert_eq!(pixel(&mat, 1, 0), [40, 40, 40]);
    }

    #[test]
    fn motion_jpeg_is_decoded() {
        let bgr: Vec<u8> = (0..16 * 8).flat_map(|_| [0u8, 0, 200]).collect();
        let jpeg = mjpeg::encode_jpeg(&bgr, 16, 8, 95).unwrap();
        let mat = to_bgr(&granted(FourCc::MJPG, 16, 8, 0), &jpeg).unwrap();
        assert_eq!((mat.cols(), mat.rows()), (16, 8));
        assert!(
            near(pixel(&mat, 4, 8), [0, 0, 200]),
            "{:?}",
            pixel(&mat, 4, 8)
        );
    }

    #[test]
    fn short_or_damaged_pictures_are_errors_not_panics() {
        assert!(to_bgr(&granted(FourCc::YUYV, 4, 2, 8), &[0; 15]).is_err());
        assert!(to_bgr(&granted(FourCc::GREY, 0, 2, 0), &[]).is_err());
        assert!(to_bgr(&granted(FourCc::MJPG, 16, 8, 0), &[0xFF, 0xD8, 0xFF, 0x00]).is_err());
        assert!(to_bgr(&granted(FourCc::new(*b"NV12"), 4, 2, 4), &[0; 12]).is_err());
    }

    #[test]
    fn missing_or_wrong_devices_are_open_errors() {
        let opts = SourceOptions::default();
        let reason = |r: Result<DeviceSource, CameraError>| match r {
            Err(CameraError::Open { reason, .. }) => reason,
            other => panic!("expected an open error, got {other:?}"),
        };
        assert_eq!(
            reason(DeviceSource::open_path(
                Path::new("/nonexistent/video9"),
                &opts
            )),
            "no such device"
        );
        assert_eq!(
            reason(DeviceSource::open_path(Path::new("/dev/null"), &opts)),
            "not a V4L2 device (VIDIOC_QUERYCAP refused)"
        );
        assert_eq!(
            reason(DeviceSource::open_index(-1, &opts)),
            "a camera number is 0 or more"
        );
    }
}
