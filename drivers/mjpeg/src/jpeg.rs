//! JPEG decoding (`zune-jpeg`) with the standard Huffman tables spliced into Motion-JPEG frames
//! that omit them, and JPEG encoding (`jpeg-encoder`).

use std::io::Write;

use zeroize::Zeroizing;
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

use crate::{Error, Image, MAX_DIMENSION, check_size};

// Marker codes, ITU-T T.81 Table B.1.
/// Start of image.
const SOI: u8 = 0xD8;
/// Define Huffman table(s).
const DHT: u8 = 0xC4;
/// Start of scan.
const SOS: u8 = 0xDA;
/// End of image.
const EOI: u8 = 0xD9;
/// TEM, and RST0..RST7 (0xD0..=0xD7): markers without a length field (T.81, B.1.1.3).
const TEM: u8 = 0x01;

/// The DHT segment holding the "typical" Huffman tables of ITU-T T.81 Annex K.3 (K.3.3.1
/// Tables K.3 and K.4: luminance and chrominance DC; K.3.3.2 Tables K.5 and K.6: luminance and
/// chrominance AC), the ones a Motion-JPEG frame without a DHT segment is coded with (the AVI1
/// MJPEG convention). Layout per T.81 B.2.4.2: for each table Tc/Th, then the 16 counts of codes
/// of each length (BITS), then the values (HUFFVAL). Checked against the tables of the
/// `jpeg-encoder` crate (`src/huffman.rs`, also taken from K.3) and by a round trip in the tests.
#[rustfmt::skip]
const STANDARD_DHT: [u8; 420] = [
    0xFF, DHT,
    // Lh = 2 + 4 x (1 + 16) + 12 + 12 + 162 + 162 = 418.
    0x01, 0xA2,
    // Tc = 0 (DC), Th = 0: luminance DC, Table K.3.
    0x00,
    0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
    // Tc = 1 (AC), Th = 0: luminance AC, Table K.5.
    0x10,
    0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7D,
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
    0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
    // Tc = 0 (DC), Th = 1: chrominance DC, Table K.4.
    0x01,
    0x00, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
    // Tc = 1 (AC), Th = 1: chrominance AC, Table K.6.
    0x11,
    0x00, 0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01, 0x02, 0x77,
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
    0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
    0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
    0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
    0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
    0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5,
    0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
    0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA,
    0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];

/// Where the standard tables must go: `Some(offset of the first SOS marker)` when no DHT segment
/// comes before it, `None` when the stream has its own tables or its markers cannot be followed
/// (the decoder then reports what is wrong).
fn missing_tables_at(bytes: &[u8]) -> Option<usize> {
    if bytes.get(..2) != Some(&[0xFF, SOI]) {
        return None;
    }
    let mut pos = 2;
    loop {
        // A marker is 0xFF, any number of 0xFF fill bytes, then the code (T.81, B.1.1.2).
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        let start = pos;
        while *bytes.get(pos)? == 0xFF {
            pos += 1;
        }
        let code = *bytes.get(pos)?;
        pos += 1;
        match code {
            DHT => return None,
            SOS => return Some(start),
            EOI | 0x00 | SOI => return None,
            TEM | 0xD0..=0xD7 => {}
            _ => {
                // The length Lx counts its own two bytes and the parameters (T.81, B.1.1.4).
                let hi = usize::from(*bytes.get(pos)?);
                let lo = usize::from(*bytes.get(pos + 1)?);
                let len = hi << 8 | lo;
                if len < 2 {
                    return None;
                }
                pos = pos.checked_add(len)?;
            }
        }
    }
}

/// Decodes a baseline or progressive JPEG to 8-bit BGR (a grey JPEG comes out with three equal
/// channels). A Motion-JPEG frame without Huffman tables (no DHT segment before the first scan,
/// as many USB cameras send them) is decoded with the standard tables of T.81 Annex K.3.
///
/// # Errors
/// [`Error::Jpeg`] for a damaged or unsupported JPEG (arithmetic coding, lossless, 12-bit),
/// [`Error::Size`] for one larger than [`MAX_DIMENSION`] on a side.
pub fn decode_jpeg(bytes: &[u8]) -> Result<Image, Error> {
    // The copy with the tables spliced in is compressed face data too: wiped when dropped.
    let spliced = missing_tables_at(bytes).map(|at| {
        let mut v = Zeroizing::new(Vec::with_capacity(bytes.len() + STANDARD_DHT.len()));
        v.extend_from_slice(&bytes[..at]);
        v.extend_from_slice(&STANDARD_DHT);
        v.extend_from_slice(&bytes[at..]);
        v
    });
    let data: &[u8] = spliced.as_ref().map_or(bytes, |v| v.as_slice());
    let max = MAX_DIMENSION as usize;
    let options = |out: ColorSpace| {
        DecoderOptions::default()
            .jpeg_set_out_colorspace(out)
            .set_max_width(max)
            .set_max_height(max)
    };
    let jpeg_err = |e: zune_jpeg::errors::DecodeErrors| Error::Jpeg(e.to_string());
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(data), options(ColorSpace::BGR));
    decoder.decode_headers().map_err(jpeg_err)?;
    // zune-jpeg does not map grey to BGR: a grey JPEG is decoded as grey and expanded here.
    let grey = decoder.input_colorspace() == Some(ColorSpace::Luma);
    if grey {
        decoder = JpegDecoder::new_with_options(ZCursor::new(data), options(ColorSpace::Luma));
        decoder.decode_headers().map_err(jpeg_err)?;
    }
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| Error::Jpeg("no frame header".into()))?;
    let (width, height) = check_size(w as u64, h as u64)?;
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| Error::Jpeg("image too large".into()))?;
    let expected = w * h * if grey { 1 } else { 3 };
    if size != expected {
        return Err(Error::Jpeg(format!(
            "decoder output is {size} bytes, expected {expected}"
        )));
    }
    let mut out = Zeroizing::new(vec![0u8; size]);
    decoder.decode_into(&mut out).map_err(jpeg_err)?;
    let bgr = if grey {
        let mut bgr = Zeroizing::new(Vec::with_capacity(size * 3));
        for &v in out.iter() {
            bgr.extend_from_slice(&[v, v, v]);
        }
        bgr
    } else {
        out
    };
    Ok(Image { width, height, bgr })
}

/// A growing output buffer that never leaves a stale copy behind: when it must grow, the old
/// buffer is zeroed as the new one replaces it.
struct WipingBuf(Zeroizing<Vec<u8>>);

impl Write for WipingBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let needed = self.0.len().saturating_add(buf.len());
        if needed > self.0.capacity() {
            let mut grown = Zeroizing::new(Vec::with_capacity(needed.max(self.0.capacity() * 2)));
            grown.extend_from_slice(&self.0);
            // The old buffer is zeroed when dropped here.
            self.0 = grown;
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Encodes 8-bit BGR (`width x height x 3` bytes, row after row) as a baseline JFIF JPEG with
/// 4:2:0 chroma subsampling and the standard Huffman tables written out in a DHT segment, so
/// any decoder reads it. `quality` is 1 (smallest) to 100 (best); out-of-range values are
/// clamped.
///
/// # Errors
/// [`Error::Size`] for an empty or too large image, [`Error::Encode`] when `bgr` is not
/// `width x height x 3` bytes long.
pub fn encode_jpeg(bgr: &[u8], width: u32, height: u32, quality: u8) -> Result<Vec<u8>, Error> {
    let (width, height) = check_size(u64::from(width), u64::from(height))?;
    let expected = width as usize * height as usize * 3;
    if bgr.len() != expected {
        return Err(Error::Encode(format!(
            "{} bytes of pixels for a {width}x{height} BGR image, expected {expected}",
            bgr.len()
        )));
    }
    // Both at most MAX_DIMENSION (8192), so they fit in a u16.
    let (w, h) = (width as u16, height as u16);
    // A JPEG of a camera picture is a fraction of its pixels' size: start there and grow.
    let mut out = WipingBuf(Zeroizing::new(Vec::with_capacity(expected / 4 + 1024)));
    let encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder
        .encode(bgr, w, h, jpeg_encoder::ColorType::Bgr)
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(std::mem::take(&mut *out.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth test picture with some detail, `w x h` BGR.
    pub(crate) fn picture(w: u32, h: u32) -> Vec<u8> {
        let mut v = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                v.push((x * 255 / w.max(1)) as u8);
                v.push((y * 255 / h.max(1)) as u8);
                v.push((((x / 4 + y / 4) % 2) * 200) as u8);
            }
        }
        v
    }

    /// Removes every DHT segment.
    fn strip_dht(jpeg: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        let mut pos = 2;
        loop {
            assert_eq!(jpeg[pos], 0xFF);
            let code = jpeg[pos + 1];
            if code == SOS {
                out.extend_from_slice(&jpeg[pos..]);
                return out;
            }
            let len = usize::from(jpeg[pos + 2]) << 8 | usize::from(jpeg[pos + 3]);
            if code != DHT {
                out.extend_from_slice(&jpeg[pos..pos + 2 + len]);
            }
            pos += 2 + len;
        }
    }

    #[test]
    fn encoded_jpeg_round_trips_closely() {
        let (w, h) = (48, 32);
        let src = picture(w, h);
        let jpeg = encode_jpeg(&src, w, h, 95).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert!(jpeg.windows(2).any(|m| m == [0xFF, DHT]), "has a DHT");
        let img = decode_jpeg(&jpeg).unwrap();
        assert_eq!((img.width, img.height, img.bgr.len()), (w, h, src.len()));
        // Lossy, but close on average (the channel order is kept: blue ramps along x).
        let diff: u64 = src
            .iter()
            .zip(img.bgr.iter())
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        assert!(
            diff / (src.len() as u64) < 12,
            "mean error {}",
            diff / src.len() as u64
        );
        assert!(
            img.bgr[(w as usize - 1) * 3] > 200,
            "blue at the right edge"
        );
        assert!(img.bgr[0] < 30, "no blue at the left edge");
    }

    #[test]
    fn standard_tables_match_jpeg_encoder_output() {
        // jpeg-encoder writes the K.3 tables (not optimised): its DHT bytes are ours, table by
        // table, whatever way it groups them into segments.
        let jpeg = encode_jpeg(&picture(16, 16), 16, 16, 80).unwrap();
        let mut tables = Vec::new();
        let mut pos = 2;
        while jpeg[pos + 1] != SOS {
            let len = usize::from(jpeg[pos + 2]) << 8 | usize::from(jpeg[pos + 3]);
            if jpeg[pos + 1] == DHT {
                tables.extend_from_slice(&jpeg[pos + 4..pos + 2 + len]);
            }
            pos += 2 + len;
        }
        let ours = STANDARD_DHT[4..].to_vec();
        // Compare as sets of tables keyed by Tc/Th.
        let split = |mut b: &[u8]| {
            let mut v = Vec::new();
            while !b.is_empty() {
                let n: usize = b[1..17].iter().map(|&c| usize::from(c)).sum();
                v.push(b[..17 + n].to_vec());
                b = &b[17 + n..];
            }
            v.sort();
            v
        };
        assert_eq!(split(&tables), split(&ours));
        assert_eq!(STANDARD_DHT.len(), 2 + 418);
    }

    #[test]
    fn jpeg_without_tables_decodes_like_the_original() {
        let (w, h) = (40, 24);
        let jpeg = encode_jpeg(&picture(w, h), w, h, 85).unwrap();
        let stripped = strip_dht(&jpeg);
        assert!(stripped.len() < jpeg.len());
        assert_eq!(missing_tables_at(&jpeg), None);
        assert!(missing_tables_at(&stripped).is_some());
        let a = decode_jpeg(&jpeg).unwrap();
        let b = decode_jpeg(&stripped).unwrap();
        assert_eq!((a.width, a.height), (b.width, b.height));
        assert_eq!(*a.bgr, *b.bgr);
    }

    #[test]
    fn grey_jpeg_becomes_three_equal_channels() {
        let (w, h) = (16u16, 8u16);
        let grey: Vec<u8> = (0..u32::from(w) * u32::from(h))
            .map(|i| (i % 16 * 16) as u8)
            .collect();
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 95)
            .encode(&grey, w, h, jpeg_encoder::ColorType::Luma)
            .unwrap();
        let img = decode_jpeg(&jpeg).unwrap();
        assert_eq!((img.width, img.height), (16, 8));
        for (px, g) in img.bgr.chunks_exact(3).zip(&grey) {
            assert_eq!(px[0], px[1]);
            assert_eq!(px[1], px[2]);
            assert!(px[0].abs_diff(*g) < 12, "{} vs {g}", px[0]);
        }
    }

    #[test]
    fn bad_encoder_input_is_an_error() {
        assert!(matches!(
            encode_jpeg(&[0; 5], 1, 2, 90),
            Err(Error::Encode(_))
        ));
        assert!(matches!(
            encode_jpeg(&[], 0, 0, 90),
            Err(Error::Size { .. })
        ));
        assert!(matches!(
            encode_jpeg(&[], 9000, 1, 90),
            Err(Error::Size { .. })
        ));
    }

    #[test]
    fn truncated_and_garbage_jpegs_are_errors() {
        let jpeg = encode_jpeg(&picture(16, 16), 16, 16, 80).unwrap();
        for cut in [2, 10, 100, jpeg.len() / 2] {
            // A truncated scan may decode to a partial picture or fail; it must not panic.
            let _ = decode_jpeg(&jpeg[..cut]);
        }
        assert!(decode_jpeg(&jpeg[..10]).is_err());
        assert!(decode_jpeg(b"\xFF\xD8\xFF\xDA\x00").is_err());
    }

    #[test]
    fn wiping_buf_keeps_everything_across_growth() {
        let mut b = WipingBuf(Zeroizing::new(Vec::with_capacity(1)));
        for i in 0..100u8 {
            b.write_all(&[i, i]).unwrap();
        }
        assert_eq!(b.0.len(), 200);
        assert_eq!(b.0[199], 99);
    }
}
