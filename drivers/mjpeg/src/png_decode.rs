//! PNG decoding to 8-bit BGR with the `png` crate.

use std::io::Cursor;

use png::{BitDepth, ColorType, Transformations};
use zeroize::Zeroizing;

use crate::{Error, Image, check_size};

/// The most memory the PNG decoder may allocate (a [`crate::MAX_DIMENSION`]-sided RGBA image
/// and its scratch).
const PNG_MEMORY_LIMIT: usize = 300 << 20;

/// Decodes a PNG to 8-bit BGR: grey, grey with alpha, RGB, RGBA, palette and 16-bit images all
/// become three 8-bit channels (16-bit samples keep their high byte; alpha is dropped, not
/// blended, as OpenCV's `IMREAD_COLOR` does). An animated PNG gives its first frame.
///
/// # Errors
/// [`Error::Png`] for a damaged PNG, [`Error::Size`] for one larger than
/// [`crate::MAX_DIMENSION`] on a side.
pub fn decode_png(bytes: &[u8]) -> Result<Image, Error> {
    let png_err = |e: png::DecodingError| Error::Png(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: PNG_MEMORY_LIMIT,
        },
    );
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(png_err)?;
    let info = reader.info();
    check_size(u64::from(info.width), u64::from(info.height))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| Error::Png("image too large".into()))?;
    let mut raw = Zeroizing::new(vec![0u8; size]);
    let out = reader.next_frame(&mut raw).map_err(png_err)?;
    let (width, height) = check_size(u64::from(out.width), u64::from(out.height))?;
    if out.bit_depth != BitDepth::Eight {
        return Err(Error::Png(format!(
            "unexpected {:?} samples after expansion",
            out.bit_depth
        )));
    }
    let channels = match out.color_type {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
        ColorType::Indexed => {
            return Err(Error::Png("palette not expanded".into()));
        }
    };
    let (w, h) = (width as usize, height as usize);
    let row_len = w * channels;
    if out.line_size < row_len || raw.len() < out.line_size * (h - 1) + row_len {
        return Err(Error::Png("decoded rows shorter than the image".into()));
    }
    let mut bgr = Zeroizing::new(Vec::with_capacity(w * h * 3));
    for row in raw.chunks(out.line_size).take(h) {
        for px in row[..row_len].chunks_exact(channels) {
            match *px {
                [v] | [v, _] => bgr.extend_from_slice(&[v, v, v]),
                [r, g, b] | [r, g, b, _] => bgr.extend_from_slice(&[b, g, r]),
                _ => {}
            }
        }
    }
    if bgr.len() != w * h * 3 {
        return Err(Error::Png(
            "decoded pixel count does not match the size".into(),
        ));
    }
    Ok(Image { width, height, bgr })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(w: u32, h: u32, color: ColorType, depth: BitDepth, data: &[u8]) -> Vec<u8> {
        encode_with_palette(w, h, color, depth, data, None)
    }

    fn encode_with_palette(
        w: u32,
        h: u32,
        color: ColorType,
        depth: BitDepth,
        data: &[u8],
        palette: Option<Vec<u8>>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        if let Some(p) = palette {
            enc.set_palette(p);
        }
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn every_colour_type_becomes_bgr() {
        // 2x1 images: pixel 0 and pixel 1, expected BGR of each.
        let cases: Vec<(ColorType, BitDepth, Vec<u8>, [u8; 6])> = vec![
            (
                ColorType::Grayscale,
                BitDepth::Eight,
                vec![10, 200],
                [10, 10, 10, 200, 200, 200],
            ),
            (
                ColorType::GrayscaleAlpha,
                BitDepth::Eight,
                vec![10, 0, 200, 255],
                [10, 10, 10, 200, 200, 200],
            ),
            (
                ColorType::Rgb,
                BitDepth::Eight,
                vec![1, 2, 3, 4, 5, 6],
                [3, 2, 1, 6, 5, 4],
            ),
            (
                ColorType::Rgba,
                BitDepth::Eight,
                vec![1, 2, 3, 0, 4, 5, 6, 9],
                [3, 2, 1, 6, 5, 4],
            ),
            (
                ColorType::Rgb,
                BitDepth::Sixteen,
                vec![1, 0xFF, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0],
                [3, 2, 1, 6, 5, 4],
            ),
            (
                ColorType::Grayscale,
                BitDepth::Sixteen,
                vec![0x12, 0x34, 0xAB, 0xCD],
                [0x12, 0x12, 0x12, 0xAB, 0xAB, 0xAB],
            ),
        ];
        for (color, depth, data, want) in cases {
            let png = encode(2, 1, color, depth, &data);
            let img = decode_png(&png).unwrap();
            assert_eq!((img.width, img.height), (2, 1));
            assert_eq!(img.bgr.as_slice(), &want, "{color:?} {depth:?}");
        }
    }

    #[test]
    fn palette_and_low_bit_depths_expand() {
        let palette = vec![255, 0, 0, 0, 0, 255];
        // Two 1-bit indices, 0 and 1, in one byte (high bits first).
        let png = encode_with_palette(
            2,
            1,
            ColorType::Indexed,
            BitDepth::One,
            &[0b0100_0000],
            Some(palette),
        );
        let img = decode_png(&png).unwrap();
        assert_eq!(img.bgr.as_slice(), &[0, 0, 255, 255, 0, 0]);
        let grey = encode(3, 1, ColorType::Grayscale, BitDepth::Four, &[0xF0, 0x80]);
        let img = decode_png(&grey).unwrap();
        assert_eq!(img.bgr.as_slice(), &[255, 255, 255, 0, 0, 0, 136, 136, 136]);
    }

    #[test]
    fn multi_row_images_keep_their_rows() {
        let data: Vec<u8> = (0..3 * 2 * 3).map(|i| i as u8).collect();
        let img = decode_png(&encode(3, 2, ColorType::Rgb, BitDepth::Eight, &data)).unwrap();
        assert_eq!((img.width, img.height), (3, 2));
        assert_eq!(&img.bgr[9..12], &[11, 10, 9]);
    }

    #[test]
    fn damaged_png_is_an_error() {
        let png = encode(2, 1, ColorType::Rgb, BitDepth::Eight, &[1, 2, 3, 4, 5, 6]);
        assert!(matches!(
            decode_png(&png[..png.len() - 20]),
            Err(Error::Png(_))
        ));
        assert!(matches!(decode_png(&png[..20]), Err(Error::Png(_))));
    }
}
