//! Sources backed by an OpenCV `VideoCapture`: a V4L2 camera and a video file.

use std::path::Path;
use std::time::Instant;

use opencv::core::Mat;
use opencv::prelude::*;
use opencv::videoio::{self, VideoCapture};

use crate::source::{FrameSource, SourceOptions};
use crate::{CameraError, Frame};

/// Makes sure a captured image is 8-bit BGR (a grey or infrared camera delivers one channel, a
/// PNG may carry alpha); moves it through unchanged when it already is.
pub(crate) fn ensure_bgr(mat: Mat) -> Result<Mat, CameraError> {
    let code = match mat.channels() {
        3 => return Ok(mat),
        1 => opencv::imgproc::COLOR_GRAY2BGR,
        4 => opencv::imgproc::COLOR_BGRA2BGR,
        n => {
            return Err(CameraError::OpenCv(opencv::Error::new(
                opencv::core::StsUnsupportedFormat,
                format!("{n}-channel frames are not supported"),
            )));
        }
    };
    // The original is wiped when `src` goes out of scope.
    let src = crate::frame::Scratch(mat);
    let mut bgr = Mat::default();
    opencv::imgproc::cvt_color_def(&src.0, &mut bgr, code)?;
    Ok(bgr)
}

/// Gives every frame a strictly increasing time: the check uses `at_ms` as the frame's handle.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Clock {
    last: Option<u64>,
}

impl Clock {
    pub(crate) fn stamp(&mut self, at_ms: u64) -> u64 {
        let at = match self.last {
            Some(last) if at_ms <= last => last + 1,
            _ => at_ms,
        };
        self.last = Some(at);
        at
    }
}

/// A V4L2 camera (`/dev/videoN`) through OpenCV's V4L2 backend.
///
/// `at_ms` is the time since the camera was opened on the monotonic clock. A failed read is
/// [`CameraError::Lost`] (wrap the source in [`crate::Reconnecting`] to reopen it).
pub struct DeviceSource {
    cap: VideoCapture,
    what: String,
    opened: Instant,
    clock: Clock,
    index: u64,
}

impl DeviceSource {
    /// Opens `/dev/video{n}`.
    ///
    /// # Errors
    /// [`CameraError::Open`] when there is no such camera or it cannot be opened.
    pub fn open_index(n: i32, options: &SourceOptions) -> Result<Self, CameraError> {
        let what = format!("device:{n}");
        let cap = VideoCapture::new(n, videoio::CAP_V4L2).map_err(|e| CameraError::Open {
            what: what.clone(),
            reason: e.to_string(),
        })?;
        Self::configure(cap, what, options)
    }

    /// Opens a camera by its device path (for example a stable `/dev/v4l/by-id/...` link).
    ///
    /// # Errors
    /// [`CameraError::Open`] when there is no such camera or it cannot be opened.
    pub fn open_path(path: &Path, options: &SourceOptions) -> Result<Self, CameraError> {
        let what = format!("device:{}", path.display());
        let cap = VideoCapture::from_file(path.as_os_str(), videoio::CAP_V4L2).map_err(|e| {
            CameraError::Open {
                what: what.clone(),
                reason: e.to_string(),
            }
        })?;
        Self::configure(cap, what, options)
    }

    fn configure(
        mut cap: VideoCapture,
        what: String,
        options: &SourceOptions,
    ) -> Result<Self, CameraError> {
        let open_err = |reason: String| CameraError::Open {
            what: what.clone(),
            reason,
        };
        if !cap.is_opened().map_err(|e| open_err(e.to_string()))? {
            return Err(open_err("not a camera, or busy".into()));
        }
        // Requests only: the driver picks its nearest mode; `describe` reports what was granted.
        // A one-frame buffer keeps the picture current instead of queueing stale frames.
        for (prop, value) in [
            (videoio::CAP_PROP_FRAME_WIDTH, f64::from(options.width)),
            (videoio::CAP_PROP_FRAME_HEIGHT, f64::from(options.height)),
            (videoio::CAP_PROP_FPS, options.fps),
            (videoio::CAP_PROP_BUFFERSIZE, 1.0),
        ] {
            let _ = cap.set(prop, value).map_err(|e| open_err(e.to_string()))?;
        }
        Ok(Self {
            cap,
            what,
            opened: Instant::now(),
            clock: Clock::default(),
            index: 0,
        })
    }
}

impl FrameSource for DeviceSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        let lost = |reason: String| CameraError::Lost {
            what: self.what.clone(),
            reason,
        };
        let mut mat = Mat::default();
        match self.cap.read(&mut mat) {
            Ok(true) if !mat.empty() => {}
            Ok(_) => return Err(lost("no frame delivered".into())),
            Err(e) => return Err(lost(e.to_string())),
        }
        let elapsed = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        let at = self.clock.stamp(elapsed);
        let frame = Frame::new(ensure_bgr(mat)?, at, self.index);
        self.index += 1;
        Ok(Some(frame))
    }

    fn describe(&self) -> String {
        let w = self.cap.get(videoio::CAP_PROP_FRAME_WIDTH).unwrap_or(0.0);
        let h = self.cap.get(videoio::CAP_PROP_FRAME_HEIGHT).unwrap_or(0.0);
        let fps = self.cap.get(videoio::CAP_PROP_FPS).unwrap_or(0.0);
        format!("{} (V4L2, {w}x{h} at {fps} fps)", self.what)
    }
}

/// A video file, played as fast as it is read; deterministic.
///
/// `at_ms` is the frame's position in the file (`CAP_PROP_POS_MSEC`), or `index x 1000 / fps`
/// when the backend does not report positions; forced strictly increasing either way.
pub struct VideoFileSource {
    cap: VideoCapture,
    what: String,
    fps: f64,
    clock: Clock,
    index: u64,
}

impl VideoFileSource {
    /// Opens a video file (any container and codec Debian's FFmpeg backend reads).
    ///
    /// # Errors
    /// [`CameraError::Open`] when the file is missing or not a video.
    pub fn open(path: &Path) -> Result<Self, CameraError> {
        let what = format!("video:{}", path.display());
        let open_err = |reason: String| CameraError::Open {
            what: what.clone(),
            reason,
        };
        if !path.is_file() {
            return Err(open_err("no such file".into()));
        }
        let cap = VideoCapture::from_file(path.as_os_str(), videoio::CAP_ANY)
            .map_err(|e| open_err(e.to_string()))?;
        if !cap.is_opened().map_err(|e| open_err(e.to_string()))? {
            return Err(open_err("not a video OpenCV can read".into()));
        }
        let fps = cap.get(videoio::CAP_PROP_FPS).unwrap_or(0.0);
        let fps = if fps.is_finite() && fps > 0.0 {
            fps
        } else {
            30.0
        };
        Ok(Self {
            cap,
            what,
            fps,
            clock: Clock::default(),
            index: 0,
        })
    }

    /// The file's frame rate (30 when the file does not say).
    #[must_use]
    pub fn fps(&self) -> f64 {
        self.fps
    }
}

impl FrameSource for VideoFileSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        let mut mat = Mat::default();
        // The end of the file (or an unreadable rest of it) ends the sequence.
        if !self.cap.read(&mut mat)? || mat.empty() {
            return Ok(None);
        }
        let by_index = (self.index as f64 * 1000.0 / self.fps).round();
        let pos = self.cap.get(videoio::CAP_PROP_POS_MSEC).unwrap_or(-1.0);
        let ms = if pos.is_finite() && pos >= 0.0 && (self.index == 0 || pos > 0.0) {
            pos.round()
        } else {
            by_index
        };
        let at = self.clock.stamp(ms as u64);
        let frame = Frame::new(ensure_bgr(mat)?, at, self.index);
        self.index += 1;
        Ok(Some(frame))
    }

    fn describe(&self) -> String {
        format!("{} ({} fps)", self.what, self.fps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_is_strictly_increasing() {
        let mut c = Clock::default();
        assert_eq!(c.stamp(0), 0);
        assert_eq!(c.stamp(0), 1);
        assert_eq!(c.stamp(40), 40);
        assert_eq!(c.stamp(10), 41);
    }

    #[test]
    fn missing_device_or_file_is_an_open_error() {
        let opts = SourceOptions::default();
        assert!(matches!(
            DeviceSource::open_path(Path::new("/nonexistent/video9"), &opts),
            Err(CameraError::Open { .. })
        ));
        assert!(matches!(
            VideoFileSource::open(Path::new("/nonexistent/a.avi")),
            Err(CameraError::Open { .. })
        ));
    }

    #[test]
    fn grey_and_alpha_frames_become_bgr() {
        for (typ, n) in [
            (opencv::core::CV_8UC1, 1),
            (opencv::core::CV_8UC4, 4),
            (opencv::core::CV_8UC3, 3),
        ] {
            let m =
                Mat::new_rows_cols_with_default(4, 6, typ, opencv::core::Scalar::all(9.0)).unwrap();
            assert_eq!(m.channels(), n);
            let bgr = ensure_bgr(m).unwrap();
            assert_eq!((bgr.channels(), bgr.cols(), bgr.rows()), (3, 6, 4));
        }
    }
}
