//! The fonts a document is set in: one primary face and optional fallback faces, each a face of a
//! TrueType/OpenType file or collection.
//!
//! The default is Debian's `fonts-noto-cjk`: `NotoSansCJK-Regular.ttc`, face 2 (Noto Sans CJK
//! SC), which covers CJK Ext-A (䶮 U+4DAE) and Ext-B (𠮷 U+20BB7). The path is configuration; the
//! machine's locale and fontconfig play no part. A character no face covers is an error at
//! render time, never a blank box: a certificate must print names exactly.

use ab_glyph::Font as _;
use krilla::text::{Font as PdfFont, GlyphId, KrillaGlyph};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// Where Debian's `fonts-noto-cjk` puts Noto Sans CJK Regular.
pub const DEFAULT_FONT_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// The Simplified Chinese face (Noto Sans CJK SC) in that collection.
pub const DEFAULT_FONT_INDEX: u32 = 2;

/// One face of a font file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceSource {
    /// The font file (`.ttf`, `.otf`, `.ttc`).
    pub path: PathBuf,
    /// The face's index in a collection; 0 for a single font.
    pub index: u32,
}

/// Which faces to load: the primary face, then fallbacks tried in order per character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontConfig {
    /// The face used wherever it has the character.
    pub primary: FaceSource,
    /// Faces for characters the primary face lacks.
    pub fallbacks: Vec<FaceSource>,
}

impl Default for FontConfig {
    fn default() -> Self {
        FontConfig {
            primary: FaceSource {
                path: PathBuf::from(DEFAULT_FONT_PATH),
                index: DEFAULT_FONT_INDEX,
            },
            fallbacks: Vec::new(),
        }
    }
}

/// Why the fonts could not be loaded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FontError {
    /// The font file could not be read.
    #[error("cannot read font file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file has no usable face at that index.
    #[error("{path} has no usable font face at index {index}")]
    Face {
        /// The file.
        path: PathBuf,
        /// The face index asked for.
        index: u32,
    },
}

/// A font file's bytes, shared (the same type krilla keeps them as).
pub type FontData = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// One loaded face: its bytes for measuring and the PDF font made from them.
struct Face {
    data: FontData,
    index: u32,
    pdf: PdfFont,
}

/// Loaded faces, primary first; cheap to share across renders.
pub struct Fonts {
    faces: Vec<Face>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("faces", &self.faces.len())
            .finish()
    }
}

impl Fonts {
    /// Reads the configured font files (a file named twice is read once).
    pub fn load(config: &FontConfig) -> Result<Fonts, FontError> {
        let mut files: Vec<(PathBuf, FontData)> = Vec::new();
        let mut faces = Vec::new();
        for source in std::iter::once(&config.primary).chain(&config.fallbacks) {
            let data = match files.iter().find(|(path, _)| *path == source.path) {
                Some((_, data)) => Arc::clone(data),
                None => {
                    let data: FontData = Arc::new(read(&source.path)?);
                    files.push((source.path.clone(), Arc::clone(&data)));
                    data
                }
            };
            faces.push(face(data, source.index).ok_or_else(|| FontError::Face {
                path: source.path.clone(),
                index: source.index,
            })?);
        }
        Ok(Fonts { faces })
    }

    /// Loads the default configuration (Debian's Noto Sans CJK SC).
    pub fn load_default() -> Result<Fonts, FontError> {
        Fonts::load(&FontConfig::default())
    }

    /// Builds the fonts from bytes already in memory: `(file bytes, face index)`, primary first;
    /// `None` if a face does not parse or the list is empty.
    pub fn from_bytes(faces: Vec<(Vec<u8>, u32)>) -> Option<Fonts> {
        let faces = faces
            .into_iter()
            .map(|(bytes, index)| face(Arc::new(bytes), index))
            .collect::<Option<Vec<_>>>()?;
        (!faces.is_empty()).then_some(Fonts { faces })
    }

    /// Builds the fonts from file bytes another part of the program already holds (the kiosk
    /// shares one CJK collection between tickets and certificates): `(file bytes, face index)`,
    /// primary first; `None` if a face does not parse or the list is empty.
    pub fn from_shared(faces: Vec<(FontData, u32)>) -> Option<Fonts> {
        let faces = faces
            .into_iter()
            .map(|(data, index)| face(data, index))
            .collect::<Option<Vec<_>>>()?;
        (!faces.is_empty()).then_some(Fonts { faces })
    }

    /// The characters of `text` that no face covers (controls and spaces are never missing).
    pub fn missing(&self, text: &str) -> Vec<char> {
        let shaper = self.shaper();
        text.chars()
            .filter(|&c| !c.is_whitespace() && !c.is_control() && shaper.face_for(c).is_none())
            .collect()
    }

    /// A measuring and glyph-mapping view over the faces.
    pub(crate) fn shaper(&self) -> Shaper<'_> {
        let faces = self
            .faces
            .iter()
            .filter_map(|face| {
                let font =
                    ab_glyph::FontRef::try_from_slice_and_index((*face.data).as_ref(), face.index)
                        .ok()?;
                let upem = font.units_per_em().filter(|u| *u > 0.0)?;
                Some(MeasureFace {
                    font,
                    upem,
                    pdf: &face.pdf,
                })
            })
            .collect();
        Shaper { faces }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, FontError> {
    std::fs::read(path).map_err(|source| FontError::Read {
        path: path.to_owned(),
        source,
    })
}

fn face(data: FontData, index: u32) -> Option<Face> {
    let font = ab_glyph::FontRef::try_from_slice_and_index((*data).as_ref(), index).ok()?;
    font.units_per_em().filter(|u| *u > 0.0)?;
    let pdf = PdfFont::new(krilla::Data::from(Arc::clone(&data)), index)?;
    Some(Face { data, index, pdf })
}

/// A face parsed for measuring.
pub(crate) struct MeasureFace<'a> {
    font: ab_glyph::FontRef<'a>,
    upem: f32,
    pdf: &'a PdfFont,
}

/// A run of text set in one face, ready for `Surface::draw_glyphs`.
pub(crate) struct Run {
    /// The text of the run; glyph ranges index into it.
    pub text: String,
    /// The PDF font.
    pub font: PdfFont,
    /// One glyph per character, advances in em.
    pub glyphs: Vec<KrillaGlyph>,
    /// The run's advance in em.
    pub width_em: f32,
}

/// Maps characters to glyphs across the faces, with per-character fallback.
pub(crate) struct Shaper<'a> {
    faces: Vec<MeasureFace<'a>>,
}

impl Shaper<'_> {
    /// The first face that has a glyph for `c`.
    fn face_for(&self, c: char) -> Option<usize> {
        self.faces.iter().position(|f| f.font.glyph_id(c).0 != 0)
    }

    /// The face and glyph for `c`: the covering face, or the primary face's `.notdef`; none for
    /// control characters, which print nothing.
    fn glyph(&self, c: char) -> Option<(usize, u16, f32)> {
        if c.is_control() {
            return None;
        }
        let index = self.face_for(c).unwrap_or(0);
        let face = self.faces.get(index)?;
        let id = face.font.glyph_id(c);
        Some((index, id.0, face.font.h_advance_unscaled(id) / face.upem))
    }

    /// The advance of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .filter_map(|c| self.glyph(c))
            .map(|(_, _, advance)| advance)
            .sum::<f32>()
            * size
    }

    /// Splits `text` into runs of one face each (naive shaping: one glyph per character, which
    /// is right for CJK and the Latin digits and letters certificates carry).
    pub fn runs(&self, text: &str) -> Vec<Run> {
        let mut runs: Vec<(usize, Run)> = Vec::new();
        for c in text.chars() {
            let Some((face, id, advance)) = self.glyph(c) else {
                continue;
            };
            let Some(measure) = self.faces.get(face) else {
                continue;
            };
            let start_new = runs.last().is_none_or(|(last, _)| *last != face);
            if start_new {
                runs.push((
                    face,
                    Run {
                        text: String::new(),
                        font: measure.pdf.clone(),
                        glyphs: Vec::new(),
                        width_em: 0.0,
                    },
                ));
            }
            if let Some((_, run)) = runs.last_mut() {
                let start = run.text.len();
                run.text.push(c);
                run.glyphs.push(KrillaGlyph::new(
                    GlyphId::new(u32::from(id)),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    start..run.text.len(),
                    None,
                ));
                run.width_em += advance;
            }
        }
        runs.into_iter().map(|(_, run)| run).collect()
    }

    /// The first character of `text` that no face covers.
    pub fn first_missing(&self, text: &str) -> Option<char> {
        text.chars()
            .find(|&c| !c.is_whitespace() && !c.is_control() && self.face_for(c).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_names_the_path() {
        let config = FontConfig {
            primary: FaceSource {
                path: PathBuf::from("/nonexistent/font.ttc"),
                index: 0,
            },
            fallbacks: Vec::new(),
        };
        let err = Fonts::load(&config).unwrap_err();
        assert!(matches!(err, FontError::Read { ref path, .. } if path.ends_with("font.ttc")));
    }

    #[test]
    fn garbage_is_not_a_font() {
        assert!(Fonts::from_bytes(vec![(vec![0u8; 64], 0)]).is_none());
        assert!(Fonts::from_bytes(Vec::new()).is_none());
    }

    #[test]
    fn the_default_face_covers_the_rare_characters() {
        let fonts = Fonts::load_default().unwrap();
        assert!(fonts.missing("张𠮷英 龚䶮 ㎡ 第1页").is_empty());
        let shaper = fonts.shaper();
        let runs = shaper.runs("龚䶮A");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].glyphs.len(), 3);
        assert_eq!(shaper.runs("\t").len(), 0);
        // 𠮷 (土 over 口) is its own glyph, not 吉 (士 over 口).
        let ids: Vec<u32> = shaper
            .runs("𠮷吉")
            .iter()
            .flat_map(|r| r.glyphs.iter().map(|g| g.glyph_id.to_u32()))
            .collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1], "{ids:?}");
        // A CJK ideograph is one em wide in Noto Sans CJK.
        assert!((shaper.width("龚", 10.0) - 10.0).abs() < 0.01);
    }
}
