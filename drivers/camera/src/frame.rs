//! One camera frame, in memory only, zeroed on drop.

use opencv::core::{Mat, Scalar};
use opencv::prelude::*;

/// A BGR frame (`CV_8UC3`) with its capture time; its pixels are zeroed when it is dropped.
///
/// `at_ms` is on the source's own monotonic clock (a device: time since it was opened; a file or
/// a scripted sequence: the frame's position), so a check over a file is deterministic.
pub struct Frame {
    mat: Mat,
    at_ms: u64,
    index: u64,
}

impl Frame {
    /// Wraps a frame read from a source (moved in, not copied).
    #[must_use]
    pub fn new(mat: Mat, at_ms: u64, index: u64) -> Self {
        Self { mat, at_ms, index }
    }

    /// The pixels.
    #[must_use]
    pub fn mat(&self) -> &Mat {
        &self.mat
    }

    /// The pixels, for sources and transforms that draw into the frame.
    pub fn mat_mut(&mut self) -> &mut Mat {
        &mut self.mat
    }

    /// Capture time in milliseconds on the source's clock; also the frame's handle for the check.
    #[must_use]
    pub fn at_ms(&self) -> u64 {
        self.at_ms
    }

    /// Position of the frame in its source, from 0.
    #[must_use]
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Width and height in pixels.
    #[must_use]
    pub fn size(&self) -> (u32, u32) {
        (
            u32::try_from(self.mat.cols()).unwrap_or(0),
            u32::try_from(self.mat.rows()).unwrap_or(0),
        )
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the pixels.
        let (w, h) = self.size();
        write!(
            f,
            "Frame {{ index: {}, at_ms: {}, {w}x{h} }}",
            self.index, self.at_ms
        )
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        // Overwrite the pixels before OpenCV frees (or a capture reuses) the buffer: a face
        // image must not linger in freed memory. Failure here cannot be reported from drop.
        if !self.mat.empty() {
            let _ = self.mat.set_to_def(&Scalar::all(0.0));
        }
    }
}
