//! Pure-Rust still images and Motion-JPEG AVI files for the kiosk's camera, without OpenCV's
//! `imgcodecs` and `videoio` (and the GDAL, FFmpeg, GStreamer... libraries they pull in).
//!
//! - [`decode_jpeg`], [`decode_png`] and [`decode_image`] (picks by the first bytes) decode to
//!   8-bit BGR ([`Image`]); a Motion-JPEG frame without Huffman tables (as many USB cameras send
//!   them) gets the standard tables of ITU-T T.81 Annex K.3.
//! - [`encode_jpeg`] encodes 8-bit BGR as a baseline JPEG with the standard tables.
//! - [`AviReader`] reads the frames of a Motion-JPEG AVI file one at a time, [`AviWriter`]
//!   writes one.
//!
//! Decoded images are faces, sensitive personal information: every pixel buffer this crate
//! allocates ([`Image::bgr`], the frames read by [`AviReader`], the encoder's output buffer while
//! it grows, a JPEG with spliced tables) is zeroed when dropped. The decoders' and the encoder's
//! own internal scratch buffers (in `zune-jpeg`, `png`, `jpeg-encoder`) are outside its reach.
//! `Debug` shows sizes only. Nothing here panics on any input.

mod avi;
mod jpeg;
mod png_decode;

pub use avi::{AviReader, AviWriter, MAX_CHUNK_BYTES};
pub use jpeg::{decode_jpeg, encode_jpeg};
pub use png_decode::decode_png;

use zeroize::Zeroizing;

/// The largest width or height decoded, encoded or accepted in an AVI header (an 8192x8192 BGR
/// image is 192 MiB).
pub const MAX_DIMENSION: u32 = 8192;

/// The PNG file signature (ISO/IEC 15948, 5.2 / PNG specification, "PNG signature").
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// An 8-bit BGR image: 3 bytes a pixel (blue, green, red), row after row, no padding. The pixels
/// are zeroed when the image is dropped.
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width x height x 3` bytes.
    pub bgr: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &self.bgr.len())
            .finish()
    }
}

/// What went wrong decoding, encoding, reading or writing (English, for the logs).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The bytes start like neither a JPEG nor a PNG file.
    #[error("not a JPEG or PNG image")]
    UnknownFormat,
    /// The JPEG could not be decoded.
    #[error("cannot decode JPEG: {0}")]
    Jpeg(String),
    /// The PNG could not be decoded.
    #[error("cannot decode PNG: {0}")]
    Png(String),
    /// The JPEG could not be encoded.
    #[error("cannot encode JPEG: {0}")]
    Encode(String),
    /// An image or a video is larger than [`MAX_DIMENSION`] on a side, or empty.
    #[error("unsupported image size {width}x{height} (1 to {MAX_DIMENSION} pixels a side)")]
    Size {
        /// The width claimed.
        width: u64,
        /// The height claimed.
        height: u64,
    },
    /// The bytes are not an AVI file at all.
    #[error("not an AVI file: {0}")]
    NotAvi(String),
    /// The AVI file is damaged or truncated.
    #[error("malformed AVI file: {0}")]
    BadAvi(String),
    /// The AVI file's video is not Motion-JPEG.
    #[error("the AVI video stream is {0:?}, not Motion-JPEG")]
    NotMjpeg(String),
    /// A frame is larger than [`MAX_CHUNK_BYTES`].
    #[error("AVI frame of {size} bytes exceeds the limit of {MAX_CHUNK_BYTES} bytes")]
    FrameTooLarge {
        /// The size claimed.
        size: u64,
    },
    /// An AVI file would be larger than its 32-bit sizes can describe.
    #[error("the AVI file would exceed 4 GiB")]
    AviTooLarge,
    /// A writer argument is out of range (frame rate, empty frame).
    #[error("invalid argument: {0}")]
    Invalid(String),
}

/// Decodes a JPEG (starting `FF D8`) or a PNG (starting with the PNG signature) to 8-bit BGR.
///
/// # Errors
/// [`Error::UnknownFormat`] for anything else, or the decoder's error.
pub fn decode_image(bytes: &[u8]) -> Result<Image, Error> {
    // JPEG: the SOI marker FF D8 (ITU-T T.81, B.1.1.3 and Table B.1).
    if bytes.starts_with(&[0xFF, 0xD8]) {
        decode_jpeg(bytes)
    } else if bytes.starts_with(&PNG_SIGNATURE) {
        decode_png(bytes)
    } else {
        Err(Error::UnknownFormat)
    }
}

/// Checks a width and height against [`MAX_DIMENSION`] (and that neither is zero).
pub(crate) fn check_size(width: u64, height: u64) -> Result<(u32, u32), Error> {
    let max = u64::from(MAX_DIMENSION);
    if width == 0 || height == 0 || width > max || height > max {
        return Err(Error::Size { width, height });
    }
    // Both fit: at most MAX_DIMENSION.
    Ok((width as u32, height as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unknown_bytes_are_an_error() {
        assert!(matches!(decode_image(b"BM\0\0"), Err(Error::UnknownFormat)));
        assert!(matches!(decode_image(&[]), Err(Error::UnknownFormat)));
        assert!(matches!(decode_image(&[0xFF]), Err(Error::UnknownFormat)));
        assert!(matches!(decode_image(&[0xFF, 0xD8]), Err(Error::Jpeg(_))));
        assert!(matches!(decode_image(&PNG_SIGNATURE), Err(Error::Png(_))));
    }

    #[test]
    fn debug_shows_sizes_only() {
        let img = Image {
            width: 2,
            height: 1,
            bgr: Zeroizing::new(vec![0xAB; 6]),
        };
        let s = format!("{img:?}");
        assert_eq!(s, "Image { width: 2, height: 1, bytes: 6 }");
    }

    #[test]
    fn sizes_are_checked() {
        assert!(check_size(1, 1).is_ok());
        assert!(check_size(8192, 8192).is_ok());
        assert!(check_size(0, 5).is_err());
        assert!(check_size(8193, 5).is_err());
    }

    proptest! {
        #[test]
        fn decode_image_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_image(&bytes);
        }

        #[test]
        fn decode_image_never_panics_on_jpeg_like(
            tail in proptest::collection::vec(any::<u8>(), 0..512)
        ) {
            let mut bytes = vec![0xFF, 0xD8, 0xFF];
            bytes.extend(tail);
            let _ = decode_image(&bytes);
        }
    }
}
