//! The fonts the raster renderer draws with: the 16-dot WenQuanYi bitmap font (GB2312) for
//! normal-size text, and a CJK outline face (Noto Sans CJK by default) for larger text and for
//! every character the bitmap font lacks (堃, 䶮, 𠮷, ·, ￥, ...).

use ab_glyph::{Font, FontArc, FontRef, FontVec};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use u8g2_fonts::{FontRenderer, fonts::u8g2_font_wqy16_t_gb2312};

/// Debian's `fonts-noto-cjk` collection.
pub const DEFAULT_CJK_FONT_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// The Simplified Chinese face of the Noto Sans CJK collection.
pub const DEFAULT_CJK_FACE_INDEX: u32 = 2;

/// A character the outline face must have; faces without it are skipped (CJK Ext-B).
pub const REQUIRED_RARE_CHAR: char = '\u{20BB7}';

/// Faces looked at in a collection, at most.
const MAX_FACES: u32 = 32;

/// Where the outline font comes from (configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontConfig {
    /// A TrueType / OpenType font or collection.
    pub path: PathBuf,
    /// The preferred face in a collection.
    pub face_index: u32,
}

impl Default for FontConfig {
    fn default() -> FontConfig {
        FontConfig {
            path: PathBuf::from(DEFAULT_CJK_FONT_PATH),
            face_index: DEFAULT_CJK_FACE_INDEX,
        }
    }
}

/// Why the fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FontError {
    /// The font file could not be read.
    #[error("cannot read font {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No face of the file could be parsed.
    #[error("no usable font face in {path}")]
    NoFace {
        /// The file.
        path: PathBuf,
    },
}

/// The loaded fonts.
pub struct Fonts {
    /// Shared: the kiosk hands the same parsed file to the PDF renderer ([`Fonts::outline_font`]).
    outline: FontArc,
    face_index: u32,
    bitmap: FontRenderer,
}

/// The face to draw with: `preferred_face` when it has [`REQUIRED_RARE_CHAR`], else the first
/// face that has it, else `preferred_face` (or the first face that parses).
fn choose_face(data: &[u8], preferred_face: u32) -> Option<u32> {
    let has_rare = |font: &FontRef<'_>| font.glyph_id(REQUIRED_RARE_CHAR).0 != 0;
    let preferred = FontRef::try_from_slice_and_index(data, preferred_face).ok();
    if preferred.as_ref().is_some_and(has_rare) {
        return Some(preferred_face);
    }
    let mut first_parsing = None;
    for index in 0..MAX_FACES {
        let Ok(font) = FontRef::try_from_slice_and_index(data, index) else {
            break;
        };
        first_parsing.get_or_insert(index);
        if has_rare(&font) {
            return Some(index);
        }
    }
    if preferred.is_some() {
        Some(preferred_face)
    } else {
        first_parsing
    }
}

/// Font files mapped so far, one mapping per path for the life of the process.
static MAPPED: Mutex<Vec<(PathBuf, &'static [u8])>> = Mutex::new(Vec::new());

/// A font file mapped read-only, once per path and process (a second load shares the mapping;
/// the mapping is never unmapped, as the fonts are used until the process ends). The touchscreen
/// draws from the same mapping.
pub fn mapped(path: &Path) -> std::io::Result<&'static [u8]> {
    let mut files = MAPPED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, data)) = files.iter().find(|(p, _)| p == path) {
        return Ok(data);
    }
    let file = std::fs::File::open(path)?;
    // SAFETY: the mapping is sound as long as nobody writes or truncates the file while it is
    // mapped. The font files are packaged system files (Debian's fonts-noto-cjk, owned by root),
    // and dpkg updates a file by writing a new one and renaming it over the old: the inode
    // mapped here is never written. (A configured font file must be treated the same way.)
    #[allow(
        unsafe_code,
        reason = "read-only mapping of a packaged font file, see above"
    )]
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let data: &'static [u8] = &Box::leak(Box::new(map))[..];
    files.push((path.to_owned(), data));
    Ok(data)
}

/// The bytes of a shared outline font.
struct SharedData(FontArc);

impl AsRef<[u8]> for SharedData {
    fn as_ref(&self) -> &[u8] {
        // The file's bytes (mapped or read): always a FontRef or a FontVec, never a custom
        // `Font` (whose `font_data` would be unimplemented).
        self.0.font_data()
    }
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("face_index", &self.face_index)
            .finish_non_exhaustive()
    }
}

impl Fonts {
    /// Loads the outline font named by the configuration, mapped read-only from its file (see
    /// [`mapped`]): only the pages the renderers touch are in memory, and they are the page
    /// cache's, shared with every other process using the font.
    pub fn load(config: &FontConfig) -> Result<Fonts, FontError> {
        let data = mapped(&config.path).map_err(|source| FontError::Io {
            path: config.path.clone(),
            source,
        })?;
        let no_face = || FontError::NoFace {
            path: config.path.clone(),
        };
        let index = choose_face(data, config.face_index).ok_or_else(no_face)?;
        let outline = FontRef::try_from_slice_and_index(data, index).map_err(|_| no_face())?;
        Ok(Fonts::with_outline(FontArc::new(outline), index))
    }

    /// Loads the default font ([`DEFAULT_CJK_FONT_PATH`], face [`DEFAULT_CJK_FACE_INDEX`]).
    pub fn load_default() -> Result<Fonts, FontError> {
        Fonts::load(&FontConfig::default())
    }

    /// Parses a font or collection from memory. Takes `preferred_face` when it has
    /// [`REQUIRED_RARE_CHAR`], else the first face that has it, else `preferred_face` (or the
    /// first face that parses). `None` when nothing parses.
    pub fn from_bytes(data: Vec<u8>, preferred_face: u32) -> Option<Fonts> {
        let index = choose_face(&data, preferred_face)?;
        let outline = FontArc::new(FontVec::try_from_vec_and_index(data, index).ok()?);
        Some(Fonts::with_outline(outline, index))
    }

    fn with_outline(outline: FontArc, face_index: u32) -> Fonts {
        Fonts {
            outline,
            face_index,
            bitmap: FontRenderer::new::<u8g2_font_wqy16_t_gb2312>(),
        }
    }

    /// The outline font file's bytes (the whole file of a collection), shared without a copy, so
    /// another renderer (the certificate's PDF fonts) can use the same 20 MB CJK collection.
    pub fn shared_data(&self) -> std::sync::Arc<dyn AsRef<[u8]> + Send + Sync> {
        std::sync::Arc::new(SharedData(self.outline.clone()))
    }

    /// The face of the collection in use.
    pub fn face_index(&self) -> u32 {
        self.face_index
    }

    /// Whether the outline face has a glyph for `c`.
    pub fn outline_has(&self, c: char) -> bool {
        self.outline.glyph_id(c).0 != 0
    }

    pub(crate) fn outline(&self) -> &FontArc {
        &self.outline
    }

    pub(crate) fn bitmap(&self) -> &FontRenderer {
        &self.bitmap
    }
}
