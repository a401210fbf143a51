//! One camera frame, in memory only, zeroed on drop.

use opencv::core::{Mat, Scalar};
use opencv::prelude::*;

/// A BGR frame (`CV_8UC3`) with its capture time; its pixels are zeroed when it is dropped.
///
/// `at_ms` is on the source's own monotonic clock (a device: time since it was opened; a file or
/// a scripted sequence: the frame's position), so a check over a file is deterministic. It must
/// increase strictly from frame to frame: the check uses it as the frame's handle.
///
/// A source hands each frame over by move with a pixel buffer of its own: the buffer is zeroed
/// when the frame is dropped, so a source must not keep using it (a scripted source that draws
/// every frame from one base image gives each frame a copy, not a second header on the base).
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

    /// The same pixels under a new time and index (used by [`crate::Reconnecting`] to keep the
    /// clock monotonic across a reopened camera); the pixels are moved, not copied.
    #[must_use]
    pub fn retimed(mut self, at_ms: u64, index: u64) -> Self {
        let mat = std::mem::take(&mut self.mat);
        Self { mat, at_ms, index }
    }

    /// A deep copy (its own pixel buffer, also zeroed on drop); the pipeline keeps one for the
    /// best frame.
    ///
    /// # Errors
    /// An OpenCV failure (out of memory).
    pub fn deep_clone(&self) -> Result<Self, opencv::Error> {
        Ok(Self {
            mat: self.mat.try_clone()?,
            at_ms: self.at_ms,
            index: self.index,
        })
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
        // image must not linger in freed memory.
        wipe_mat(&mut self.mat);
    }
}

/// Overwrites a matrix's pixels with zeros (keeping its buffer); a no-op on an empty matrix.
///
/// Used for every frame on drop and for every scratch copy (downscaled, grey, crops) the
/// detectors and the measurement make of a face. A failure cannot be reported (it runs in
/// `drop`) and cannot happen for a valid matrix: `setTo` on its own buffer allocates nothing.
pub fn wipe_mat(mat: &mut Mat) {
    if !mat.empty() {
        let _ = mat.set_to_def(&Scalar::all(0.0));
    }
}

/// A scratch matrix holding (part of) a face image, wiped when it goes out of scope.
#[derive(Default)]
pub(crate) struct Scratch(pub(crate) Mat);

impl Drop for Scratch {
    fn drop(&mut self) {
        wipe_mat(&mut self.0);
    }
}
