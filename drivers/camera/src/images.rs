//! A folder of still images played as a sequence.

use std::path::{Path, PathBuf};

use crate::capture::Clock;
use crate::convert::decode_image_file;
use crate::source::FrameSource;
use crate::{CameraError, Frame};

/// The frame rate an image sequence plays at unless told otherwise.
pub const DEFAULT_FRAMES_FPS: f64 = 15.0;

/// The file endings read (compared without case).
const EXTENSIONS: [&str; 3] = ["jpg", "jpeg", "png"];

/// The `.jpg`, `.jpeg` and `.png` files of a folder, in file-name order, one frame each.
///
/// `at_ms = index x 1000 / fps` (15 frames a second by default), so a run is deterministic. An
/// image is decoded only when its frame is asked for (by the pure-Rust `mjpeg` crate: baseline
/// or progressive JPEG, PNG of any colour type and depth, told apart by content; every one
/// becomes 8-bit BGR); one that does not decode is an error naming the file. Other files
/// (BMP included) and sub-folders are ignored.
#[derive(Debug)]
pub struct ImageSequenceSource {
    dir: PathBuf,
    files: Vec<PathBuf>,
    fps: f64,
    next: usize,
    clock: Clock,
}

impl ImageSequenceSource {
    /// Lists the images in `dir`.
    ///
    /// # Errors
    /// [`CameraError::Open`] when the folder cannot be read, holds no image, or `fps` is not a
    /// positive number.
    pub fn open(dir: &Path, fps: f64) -> Result<Self, CameraError> {
        let open_err = |reason: String| CameraError::Open {
            what: format!("frames:{}", dir.display()),
            reason,
        };
        if !(fps.is_finite() && fps > 0.0) {
            return Err(open_err(format!("frame rate {fps} is not positive")));
        }
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| open_err(e.to_string()))? {
            let path = entry.map_err(|e| open_err(e.to_string()))?.path();
            let is_image = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.iter().any(|known| e.eq_ignore_ascii_case(known)));
            if is_image && path.is_file() {
                files.push(path);
            }
        }
        if files.is_empty() {
            return Err(open_err("no .jpg, .jpeg or .png images".into()));
        }
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        Ok(Self {
            dir: dir.to_path_buf(),
            files,
            fps,
            next: 0,
            clock: Clock::default(),
        })
    }

    /// The images, in the order they are played.
    #[must_use]
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

impl FrameSource for ImageSequenceSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        let Some(path) = self.files.get(self.next) else {
            return Ok(None);
        };
        // A file that does not decode is an Open error naming it.
        let mat = decode_image_file(path)?;
        let index = self.next as u64;
        let at_ms = self
            .clock
            .stamp((index as f64 * 1000.0 / self.fps).round() as u64);
        self.next += 1;
        Ok(Some(Frame::new(mat, at_ms, index)))
    }

    fn describe(&self) -> String {
        format!(
            "frames:{} ({} images at {} fps)",
            self.dir.display(),
            self.files.len(),
            self.fps
        )
    }
}
