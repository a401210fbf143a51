//! What can go wrong in the screen layer.

use std::path::PathBuf;

/// Why the screen refused a request. Every variant names the culprit: the caller's view model,
/// the machine (fonts, display), or the file being written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UiError {
    /// Slint could not create its platform or window (no display, no DRM device, ...).
    #[error("the display backend failed: {0}")]
    Platform(#[from] slint::PlatformError),
    /// Headless rendering was asked for after another Slint platform was installed.
    #[error("another Slint platform is installed; headless rendering needs its own")]
    PlatformInUse,
    /// The UI is not headless, so it cannot render into a buffer.
    #[error("this KioskUi draws on a display, not into a buffer")]
    NotHeadless,
    /// The CJK font file could not be read.
    #[error("cannot read font {path}: {source}")]
    FontRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The font file holds no usable face.
    #[error("no font face in {path}")]
    FontFace {
        /// The file.
        path: PathBuf,
    },
    /// The view has more tiles or rows than a screen takes.
    #[error("{count} items, at most {max}")]
    TooManyItems {
        /// Items given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The view has more action buttons than a screen takes.
    #[error("{count} buttons, at most {max}")]
    TooManyButtons {
        /// Buttons given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A picture's bytes do not match its size, or it is empty or too large.
    #[error("picture {width}x{height} with {len} bytes")]
    PictureSize {
        /// Stated width.
        width: u32,
        /// Stated height.
        height: u32,
        /// Bytes given.
        len: usize,
    },
    /// Progress outside 0..=1 (or not a number).
    #[error("progress {0} is not within 0..=1")]
    Progress(f32),
    /// An entry screen without an entry.
    #[error("an entry screen needs an entry")]
    EntryMissing,
    /// A form screen without fields.
    #[error("a form screen needs at least one field")]
    FormEmpty,
    /// More form fields than a screen takes.
    #[error("{count} form fields, at most {max}")]
    TooManyFields {
        /// Fields given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A form field's id is empty or used twice.
    #[error("form field id {0:?} is empty or not unique")]
    FieldId(String),
    /// A form field starts with a value longer than its limit.
    #[error("form field {0:?} starts with a value longer than its max_len")]
    FieldValue(String),
    /// An entry's or field's length limit is 0 or too large.
    #[error("entry max_len {max_len}, must be 1..={limit}")]
    EntryLength {
        /// Given.
        max_len: usize,
        /// The limit.
        limit: usize,
    },
    /// The keypad's extra key must be an ASCII letter or digit.
    #[error("extra key {0:?} is not an ASCII letter or digit")]
    ExtraKey(char),
    /// More seconds left than the countdown had.
    #[error("countdown {remaining_s}s left of {total_s}s")]
    Countdown {
        /// Seconds left.
        remaining_s: u32,
        /// Seconds in all.
        total_s: u32,
    },
    /// The screenshot could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}
