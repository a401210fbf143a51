//! The packed 1-bit raster: rows of `width_dots / 8` bytes, most significant bit leftmost,
//! 1 = black. This is the data of ESC/POS `GS v 0` (printing.md, "raster image"); the encoder
//! sends it in bands of at most 255 rows ([`Raster::bands`]).

use embedded_graphics::Pixel;
use embedded_graphics::geometry::{Dimensions, Point, Size};
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::DrawTarget;
use embedded_graphics::primitives::Rectangle;
use std::convert::Infallible;

/// Tallest raster the renderer makes, in rows (about 50 cm of paper).
pub const MAX_HEIGHT: u32 = 4000;

/// Paper width, as printable dots at 203 dpi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaperWidth {
    /// 80 mm paper: 576 dots, 72 bytes a row.
    #[default]
    Mm80,
    /// 58 mm paper: 384 dots, 48 bytes a row.
    Mm58,
}

impl PaperWidth {
    /// Printable dots across.
    pub const fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm80 => 576,
            PaperWidth::Mm58 => 384,
        }
    }

    /// Bytes per raster row.
    pub const fn bytes_per_row(self) -> usize {
        (self.dots() / 8) as usize
    }

    /// Columns of the printer's normal font (12 dots wide; a CJK character takes two).
    pub const fn text_columns(self) -> usize {
        (self.dots() / 12) as usize
    }
}

/// A packed 1-bit image.
#[derive(Clone, PartialEq, Eq)]
pub struct Raster {
    /// Width in dots (a multiple of 8).
    pub width_dots: u32,
    /// Height in rows.
    pub height: u32,
    /// `height` rows of `width_dots / 8` bytes; MSB leftmost, 1 = black.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Raster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Raster")
            .field("width_dots", &self.width_dots)
            .field("height", &self.height)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Why a PNG preview could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot encode the PNG preview: {0}")]
pub struct PngError(#[from] png::EncodingError);

impl Raster {
    /// A white raster.
    pub fn blank(width_dots: u32, height: u32) -> Raster {
        let width_dots = width_dots.div_ceil(8) * 8;
        Raster {
            width_dots,
            height,
            bytes: vec![0; (width_dots / 8) as usize * height as usize],
        }
    }

    /// Bytes per row.
    pub fn bytes_per_row(&self) -> usize {
        (self.width_dots / 8) as usize
    }

    /// Whether the dot at (x, y) is black; false outside the image.
    pub fn get(&self, x: u32, y: u32) -> bool {
        if x >= self.width_dots || y >= self.height {
            return false;
        }
        let index = y as usize * self.bytes_per_row() + (x / 8) as usize;
        self.bytes
            .get(index)
            .is_some_and(|b| b & (0x80 >> (x % 8)) != 0)
    }

    /// Blackens (or whitens) the dot at (x, y); ignored outside the image.
    pub fn set(&mut self, x: i32, y: i32, black: bool) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
            return;
        };
        if x >= self.width_dots || y >= self.height {
            return;
        }
        let index = y as usize * self.bytes_per_row() + (x / 8) as usize;
        if let Some(b) = self.bytes.get_mut(index) {
            let mask = 0x80 >> (x % 8);
            if black {
                *b |= mask;
            } else {
                *b &= !mask;
            }
        }
    }

    /// Black dots in the image.
    pub fn black_dots(&self) -> u64 {
        self.bytes.iter().map(|b| u64::from(b.count_ones())).sum()
    }

    /// Adds white rows at the bottom until the image is `height` rows tall.
    pub(crate) fn grow_to(&mut self, height: u32) {
        if height > self.height {
            self.height = height;
            self.bytes.resize(self.bytes_per_row() * height as usize, 0);
        }
    }

    /// The rows in bands of at most `rows` rows (255 for `GS v 0` on most printers), each band
    /// `rows × bytes_per_row` bytes except possibly the last.
    pub fn bands(&self, rows: u16) -> std::slice::Chunks<'_, u8> {
        let rows = usize::from(rows.max(1));
        self.bytes.chunks(rows * self.bytes_per_row().max(1))
    }

    /// A PNG preview (1-bit greyscale, black on white).
    pub fn to_png(&self) -> Result<Vec<u8>, PngError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width_dots, self.height.max(1));
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        let mut writer = encoder.write_header()?;
        // In a 1-bit greyscale PNG a set bit is white: invert.
        let mut data: Vec<u8> = self.bytes.iter().map(|b| !b).collect();
        if self.height == 0 {
            data = vec![0xFF; self.bytes_per_row()];
        }
        writer.write_image_data(&data)?;
        writer.finish()?;
        Ok(out)
    }
}

impl Dimensions for Raster {
    fn bounding_box(&self) -> Rectangle {
        Rectangle::new(Point::zero(), Size::new(self.width_dots, self.height))
    }
}

impl DrawTarget for Raster {
    type Color = BinaryColor;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        for Pixel(p, color) in pixels {
            self.set(p.x, p.y, color.is_on());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_graphics::prelude::*;

    #[test]
    fn dots_are_packed_msb_first_one_is_black() {
        let mut r = Raster::blank(PaperWidth::Mm80.dots(), 2);
        Pixel(Point::new(0, 0), BinaryColor::On)
            .draw(&mut r)
            .unwrap();
        Pixel(Point::new(9, 1), BinaryColor::On)
            .draw(&mut r)
            .unwrap();
        Pixel(Point::new(575, 1), BinaryColor::On)
            .draw(&mut r)
            .unwrap();
        // Off the image: ignored.
        Pixel(Point::new(576, 0), BinaryColor::On)
            .draw(&mut r)
            .unwrap();
        Pixel(Point::new(-1, 0), BinaryColor::On)
            .draw(&mut r)
            .unwrap();
        assert_eq!(r.bytes.len(), 144);
        assert_eq!(r.bytes[0], 0x80);
        assert_eq!(r.bytes[72 + 1], 0x40);
        assert_eq!(r.bytes[143], 0x01);
        assert_eq!(r.black_dots(), 3);
        assert!(r.get(9, 1) && !r.get(8, 1));
    }

    #[test]
    fn bands_split_at_the_row_limit() {
        let r = Raster::blank(PaperWidth::Mm58.dots(), 600);
        let sizes: Vec<usize> = r.bands(255).map(<[u8]>::len).collect();
        assert_eq!(sizes, vec![255 * 48, 255 * 48, 90 * 48]);
    }
}
