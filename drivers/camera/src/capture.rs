//! A Motion-JPEG AVI file as a frame source (pure Rust), and what every source shares: the
//! conversion to BGR and the strictly increasing clock.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use opencv::core::Mat;
use opencv::prelude::*;

use crate::convert::mat_from_image;
use crate::source::FrameSource;
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

/// A Motion-JPEG AVI file, played as fast as it is read; deterministic.
///
/// The files read are MJPEG AVI (RIFF 'AVI ' with a Motion-JPEG video stream), as written by
/// `kiosk-sim camera --video` or by most webcam recorders; they are read frame by frame in pure
/// Rust ([`mjpeg::AviReader`]), without OpenCV's `videoio`. Other containers and codecs (MP4,
/// H.264...) are refused when opening. Frames without Huffman tables (as many USB cameras record
/// them) are decoded with the standard ones.
///
/// `at_ms` is `index x 1000 / fps`, forced strictly increasing. The end of the file ends the
/// sequence; a damaged or truncated frame is an error naming the file and the frame.
pub struct VideoFileSource {
    reader: mjpeg::AviReader<BufReader<File>>,
    what: String,
    fps: f64,
    clock: Clock,
    index: u64,
}

impl VideoFileSource {
    /// Opens a Motion-JPEG AVI file.
    ///
    /// # Errors
    /// [`CameraError::Open`] when the file is missing, not an AVI file, or not Motion-JPEG.
    pub fn open(path: &Path) -> Result<Self, CameraError> {
        let what = format!("video:{}", path.display());
        let open_err = |reason: String| CameraError::Open {
            what: what.clone(),
            reason,
        };
        if !path.is_file() {
            return Err(open_err("no such file".into()));
        }
        let file = File::open(path).map_err(|e| open_err(e.to_string()))?;
        let reader =
            mjpeg::AviReader::open(BufReader::new(file)).map_err(|e| open_err(e.to_string()))?;
        let fps = reader.fps();
        Ok(Self {
            reader,
            what,
            fps,
            clock: Clock::default(),
            index: 0,
        })
    }

    /// The file's frame rate.
    #[must_use]
    pub fn fps(&self) -> f64 {
        self.fps
    }
}

impl FrameSource for VideoFileSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        let bad = |reason: String| CameraError::Open {
            what: format!("{} frame {}", self.what, self.index),
            reason,
        };
        let Some(jpeg) = self.reader.next_frame().map_err(|e| bad(e.to_string()))? else {
            return Ok(None);
        };
        // The decoded pixels are copied into the matrix and wiped when `image` is dropped; the
        // compressed frame is wiped when `jpeg` is.
        let image = mjpeg::decode_jpeg(&jpeg).map_err(|e| bad(e.to_string()))?;
        let mat = mat_from_image(&image)?;
        drop(image);
        drop(jpeg);
        let ms = (self.index as f64 * 1000.0 / self.fps).round();
        let at = self.clock.stamp(ms as u64);
        let frame = Frame::new(mat, at, self.index);
        self.index += 1;
        Ok(Some(frame))
    }

    fn describe(&self) -> String {
        format!("{} (MJPEG AVI, {} fps)", self.what, self.fps)
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
    fn missing_file_is_an_open_error() {
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
