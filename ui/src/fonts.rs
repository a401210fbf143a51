//! The CJK font, registered explicitly from a file so every name renders (rare characters such as
//! 𠮷 and 䶮 included) whatever the machine's locale or font configuration says.

use crate::UiError;
use slint::fontique_011::fontique;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Debian's `fonts-noto-cjk` collection.
pub const DEFAULT_CJK_FONT_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// The family the screens are drawn with when the collection has it.
pub const PREFERRED_FAMILY: &str = "Noto Sans CJK SC";

/// Files registered so far and the family chosen from each (registration is process-wide).
static REGISTERED: Mutex<Vec<(PathBuf, String)>> = Mutex::new(Vec::new());

/// A font file's bytes, shared with the rest of the program.
pub type FontData = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// Font files' bytes the program already holds, used instead of reading the files again.
static PROVIDED: Mutex<Vec<(PathBuf, FontData)>> = Mutex::new(Vec::new());

/// Hands over the bytes of the font file at `path` (for example a read-only mapping the ticket
/// renderer made), so registering that file does not read a second copy into memory.
pub fn provide_font_data(path: &Path, data: FontData) {
    let mut provided = PROVIDED.lock().unwrap_or_else(|e| e.into_inner());
    if !provided.iter().any(|(p, _)| p == path) {
        provided.push((path.to_owned(), data));
    }
}

/// Registers a font file or collection with Slint (once per file and process) and returns the
/// family name to draw with: [`PREFERRED_FAMILY`] when the file has it, else its first family.
/// All its families become fallbacks for Han script, so a character one face lacks is taken
/// from another face of the collection.
///
/// Call it after a Slint platform exists (creating a component does that).
pub fn register_font_file(path: &Path) -> Result<String, UiError> {
    let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, family)) = registered.iter().find(|(p, _)| p == path) {
        return Ok(family.clone());
    }
    let provided = PROVIDED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, data)| Arc::clone(data));
    let data: FontData = match provided {
        Some(data) => data,
        None => Arc::new(std::fs::read(path).map_err(|source| UiError::FontRead {
            path: path.to_owned(),
            source,
        })?),
    };
    let mut collection = slint::fontique_011::shared_collection();
    let fonts = collection.register_fonts(fontique::Blob::new(data), None);
    let mut families: Vec<(fontique::FamilyId, String)> = fonts
        .iter()
        .filter_map(|(id, _)| Some((*id, collection.family_name(*id)?.to_owned())))
        .collect();
    families.dedup_by_key(|(id, _)| *id);
    // The preferred family first, so it is the first fallback too.
    families.sort_by_key(|(_, name)| name != PREFERRED_FAMILY);
    let Some((_, chosen)) = families.first().cloned() else {
        return Err(UiError::FontFace {
            path: path.to_owned(),
        });
    };
    let han = fontique::Script::from_bytes(*b"Hani");
    collection.append_fallbacks(
        fontique::FallbackKey::new(han, None),
        families.iter().map(|(id, _)| *id),
    );
    registered.push((path.to_owned(), chosen.clone()));
    Ok(chosen)
}
