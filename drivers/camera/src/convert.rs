//! Between the pure-Rust codecs of the `mjpeg` crate and OpenCV matrices: decoding image files
//! and JPEG frames into BGR matrices, encoding a matrix as JPEG. No OpenCV `imgcodecs`.

use std::path::Path;

use opencv::core::{CV_8UC3, Mat, Scalar};
use opencv::prelude::*;
use zeroize::Zeroizing;

use crate::CameraError;
use crate::frame::Scratch;

/// A failure to turn bytes into a picture or back, reported as an OpenCV `StsError`.
pub(crate) fn opencv_error(message: String) -> CameraError {
    CameraError::OpenCv(opencv::Error::new(opencv::core::StsError, message))
}

/// Copies a decoded image into a new 8-bit BGR matrix (`CV_8UC3`, continuous). The image's own
/// buffer is zeroed when the caller drops it.
///
/// # Errors
/// [`CameraError::OpenCv`] when the image's buffer does not match its size or OpenCV cannot
/// allocate the matrix.
pub(crate) fn mat_from_image(img: &mjpeg::Image) -> Result<Mat, CameraError> {
    let (Ok(cols), Ok(rows)) = (i32::try_from(img.width), i32::try_from(img.height)) else {
        return Err(opencv_error(format!(
            "image of {}x{} is too large",
            img.width, img.height
        )));
    };
    let expected = img.width as usize * img.height as usize * 3;
    if img.bgr.len() != expected || expected == 0 {
        return Err(opencv_error(format!(
            "{} bytes of pixels for a {cols}x{rows} BGR image",
            img.bgr.len()
        )));
    }
    let mut mat = Mat::new_rows_cols_with_default(rows, cols, CV_8UC3, Scalar::all(0.0))?;
    mat.data_bytes_mut()?.copy_from_slice(&img.bgr);
    Ok(mat)
}

/// Reads a JPEG or PNG file (told apart by its first bytes, not its name) into an 8-bit BGR
/// matrix. The file's bytes and the decoded pixels are zeroed once copied into the matrix.
///
/// # Errors
/// [`CameraError::Open`] naming the file when it cannot be read or decoded.
pub fn decode_image_file(path: &Path) -> Result<Mat, CameraError> {
    let err = |reason: String| CameraError::Open {
        what: path.display().to_string(),
        reason,
    };
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| err(e.to_string()))?);
    let image = mjpeg::decode_image(&bytes).map_err(|e| err(e.to_string()))?;
    mat_from_image(&image)
}

/// Encodes an 8-bit BGR matrix (`CV_8UC3`) as a baseline JPEG at `quality` (1 to 100) into a
/// zeroizing buffer. A non-continuous matrix (a view into a larger one) is first copied, and
/// the copy wiped.
///
/// # Errors
/// [`CameraError::OpenCv`] for an empty matrix or one that is not 8-bit BGR, or when encoding
/// fails.
pub fn jpeg_from_mat(
    mat: &impl MatTraitConst,
    quality: u8,
) -> Result<Zeroizing<Vec<u8>>, CameraError> {
    if mat.empty() || mat.typ() != CV_8UC3 {
        return Err(opencv_error(format!(
            "JPEG encoding needs a non-empty 8-bit BGR image (type {}, {}x{})",
            mat.typ(),
            mat.cols(),
            mat.rows()
        )));
    }
    let (Ok(width), Ok(height)) = (u32::try_from(mat.cols()), u32::try_from(mat.rows())) else {
        return Err(opencv_error("negative matrix size".into()));
    };
    let encode = |bytes: &[u8]| {
        mjpeg::encode_jpeg(bytes, width, height, quality)
            .map(Zeroizing::new)
            .map_err(|e| opencv_error(e.to_string()))
    };
    if mat.is_continuous() {
        encode(mat.data_bytes()?)
    } else {
        // Wiped when `copy` goes out of scope.
        let copy = Scratch(mat.try_clone()?);
        encode(copy.0.data_bytes()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opencv::core::Rect;
    use zeroize::Zeroizing;

    fn gradient(w: i32, h: i32) -> Mat {
        let mut m = Mat::new_rows_cols_with_default(h, w, CV_8UC3, Scalar::all(0.0)).unwrap();
        for y in 0..h {
            for x in 0..w {
                let px = m.at_2d_mut::<opencv::core::Vec3b>(y, x).unwrap();
                *px = opencv::core::Vec3b::from([(x * 4) as u8, (y * 4) as u8, 128]);
            }
        }
        m
    }

    #[test]
    fn an_image_becomes_a_bgr_mat() {
        let img = mjpeg::Image {
            width: 2,
            height: 1,
            bgr: Zeroizing::new(vec![1, 2, 3, 4, 5, 6]),
        };
        let m = mat_from_image(&img).unwrap();
        assert_eq!((m.cols(), m.rows(), m.typ()), (2, 1, CV_8UC3));
        assert_eq!(m.data_bytes().unwrap(), &[1, 2, 3, 4, 5, 6]);
        let bad = mjpeg::Image {
            width: 2,
            height: 2,
            bgr: Zeroizing::new(vec![0; 6]),
        };
        assert!(mat_from_image(&bad).is_err());
    }

    #[test]
    fn jpeg_of_a_mat_and_of_a_view_decode_back() {
        let m = gradient(32, 24);
        let jpeg = jpeg_from_mat(&m, 95).unwrap();
        let back = mat_from_image(&mjpeg::decode_jpeg(&jpeg).unwrap()).unwrap();
        assert_eq!((back.cols(), back.rows()), (32, 24));
        let px = back.at_2d::<opencv::core::Vec3b>(20, 30).unwrap();
        assert!(
            px[0].abs_diff(120) < 10 && px[1].abs_diff(80) < 10,
            "{px:?}"
        );
        // A view (not continuous) is copied first.
        let view = Mat::roi(&m, Rect::new(8, 4, 16, 16)).unwrap();
        assert!(!view.is_continuous());
        let jpeg = jpeg_from_mat(&view, 95).unwrap();
        let back = mjpeg::decode_jpeg(&jpeg).unwrap();
        assert_eq!((back.width, back.height), (16, 16));
        assert!(back.bgr[0].abs_diff(32) < 10, "{}", back.bgr[0]);
        let grey =
            Mat::new_rows_cols_with_default(4, 4, opencv::core::CV_8UC1, Scalar::all(1.0)).unwrap();
        assert!(jpeg_from_mat(&grey, 90).is_err());
        assert!(jpeg_from_mat(&Mat::default(), 90).is_err());
    }

    #[test]
    fn image_files_decode_by_content_and_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("camera-convert-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let jpeg = jpeg_from_mat(&gradient(16, 8), 90).unwrap();
        // Named .png but a JPEG: the content decides.
        let path = dir.join("frame.png");
        std::fs::write(&path, &*jpeg).unwrap();
        let m = decode_image_file(&path).unwrap();
        assert_eq!((m.cols(), m.rows(), m.typ()), (16, 8, CV_8UC3));
        std::fs::write(&path, b"not an image").unwrap();
        match decode_image_file(&path) {
            Err(e @ CameraError::Open { .. }) => assert!(e.to_string().contains("frame.png")),
            other => panic!("{other:?}"),
        }
        assert!(decode_image_file(&dir.join("missing.jpg")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
