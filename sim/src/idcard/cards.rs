//! Cards the simulated reader can hold: the built-in samples and fixture files.
//!
//! A card is an [`idcard::CardRecord`] (the same flat record `kiosk idcard read --json` prints),
//! written into its 256-byte text block by the core's [`CardRecord::encode_text`]. Fixtures are
//! one card per file, TOML (`.toml`) or JSON (`.json`). The record is not validated beyond
//! encoding, so inconsistent cards (a wrong check character, a birth date that contradicts the
//! number) can be simulated; a record that cannot be encoded at all (unknown `card_type`, a value
//! too long for its field) is refused when it is loaded.
//!
//! The photo and fingerprint blocks are deterministic pseudo-random bytes derived from the text
//! block: they stand in for the WLT photo and the fingerprint template, are the same for the same
//! card on every run, and are never images (reference, "Photo").

use crate::xorshift::{XorShift64, fnv1a64};
use idcard::record::RecordError;
use idcard::text::TEXT_LEN;
use idcard::{CardRecord, CardType};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Size of the photo block (reference, "Photo": 1024 bytes, WLT format).
pub const PHOTO_LEN: usize = 1024;

/// Seed offset that makes the fingerprint bytes differ from the photo bytes of the same card.
const FINGERPRINT_SEED: u64 = 0x4650_5F53_494D; // "FP_SIM"

/// Where a card comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSpec {
    /// The built-in sample of this card type (`resident`, `foreigner_2017`, `foreigner_2023`,
    /// `hk_mo_tw_permit`).
    Builtin(CardType),
    /// A fixture file, TOML or JSON by extension.
    File(PathBuf),
    /// A record given directly (from Rust only; the script language has no syntax for it).
    Record(Box<CardRecord>),
}

impl CardSpec {
    /// Reads a spec as typed on the command line: a built-in name, otherwise a path.
    ///
    /// Built-in names win: a file called `resident` in the working directory is `./resident`.
    pub fn parse(spec: &str) -> CardSpec {
        match CardType::parse(spec) {
            Some(card_type) => CardSpec::Builtin(card_type),
            None => CardSpec::File(PathBuf::from(spec)),
        }
    }

    /// Loads the record and checks that it encodes.
    pub fn load(&self) -> Result<CardRecord, CardLoadError> {
        let record = match self {
            CardSpec::Builtin(card_type) => parse_toml(builtin_source(*card_type), || {
                format!("built-in {card_type}")
            })?,
            CardSpec::File(path) => load_file(path)?,
            CardSpec::Record(record) => (**record).clone(),
        };
        record
            .encode_text()
            .map_err(|source| CardLoadError::Encode {
                origin: self.to_string(),
                source,
            })?;
        Ok(record)
    }
}

impl std::fmt::Display for CardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CardSpec::Builtin(card_type) => write!(f, "{card_type}"),
            CardSpec::File(path) => write!(f, "{}", path.display()),
            CardSpec::Record(record) => write!(f, "<{} record>", record.card_type),
        }
    }
}

/// Loads a card by spec: a built-in name (`resident`, `foreigner_2017`, `foreigner_2023`,
/// `hk_mo_tw_permit`) or the path of a TOML or JSON fixture.
pub fn load_card(spec: &str) -> Result<CardRecord, CardLoadError> {
    CardSpec::parse(spec).load()
}

/// The TOML source of the built-in sample of a card type (the files in `sim/cards/`).
pub fn builtin_source(card_type: CardType) -> &'static str {
    match card_type {
        CardType::Resident => include_str!("../../cards/resident.toml"),
        CardType::Foreigner2017 => include_str!("../../cards/foreigner_2017.toml"),
        CardType::Foreigner2023 => include_str!("../../cards/foreigner_2023.toml"),
        CardType::HkMoTwPermit => include_str!("../../cards/hk_mo_tw_permit.toml"),
    }
}

/// A card could not be loaded. Each variant names the file or built-in at fault.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CardLoadError {
    /// The fixture file could not be read.
    #[error("cannot read card file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file name ends in neither `.toml` nor `.json`.
    #[error("card file {path}: unknown format (expected a .toml or .json extension)")]
    Format {
        /// The file.
        path: PathBuf,
    },
    /// The TOML is malformed or does not describe a card record.
    #[error("card {origin} is not a valid TOML card record")]
    Toml {
        /// The file or built-in.
        origin: String,
        /// The parser's error (line and column included).
        source: Box<toml::de::Error>,
    },
    /// The JSON is malformed or does not describe a card record.
    #[error("card file {path} is not a valid JSON card record")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's error (line and column included).
        source: serde_json::Error,
    },
    /// The record cannot be written into a 256-byte text block.
    #[error("card {origin} cannot be encoded")]
    Encode {
        /// The file, built-in or record.
        origin: String,
        /// What does not fit.
        source: RecordError,
    },
}

fn parse_toml(text: &str, origin: impl Fn() -> String) -> Result<CardRecord, CardLoadError> {
    toml::from_str(text).map_err(|source| CardLoadError::Toml {
        origin: origin(),
        source: Box::new(source),
    })
}

fn load_file(path: &Path) -> Result<CardRecord, CardLoadError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("toml" | "json")) {
        return Err(CardLoadError::Format {
            path: path.to_owned(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| CardLoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    if ext.as_deref() == Some("json") {
        serde_json::from_str(&text).map_err(|source| CardLoadError::Json {
            path: path.to_owned(),
            source,
        })
    } else {
        parse_toml(&text, || path.display().to_string())
    }
}

/// A card ready to lie on the reader: its record and the blocks a read returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCard {
    record: CardRecord,
    card_type: CardType,
    text: [u8; TEXT_LEN],
    photo: Vec<u8>,
}

impl SimCard {
    /// Encodes a record's text block and derives its photo block.
    pub fn new(record: CardRecord) -> Result<SimCard, CardLoadError> {
        let encode_error = |source| CardLoadError::Encode {
            origin: format!("<{} record>", record.card_type),
            source,
        };
        let card_type = record.card_type().map_err(encode_error)?;
        let text = record.encode_text().map_err(encode_error)?;
        let photo = XorShift64::new(fnv1a64(&text)).bytes(PHOTO_LEN);
        Ok(SimCard {
            record,
            card_type,
            text,
            photo,
        })
    }

    /// Loads a card by spec (see [`load_card`]) and encodes it.
    pub fn load(spec: &CardSpec) -> Result<SimCard, CardLoadError> {
        SimCard::new(spec.load()?)
    }

    /// The record the card was made from.
    pub fn record(&self) -> &CardRecord {
        &self.record
    }

    /// The card type.
    pub fn card_type(&self) -> CardType {
        self.card_type
    }

    /// The 256-byte text block.
    pub fn text(&self) -> &[u8; TEXT_LEN] {
        &self.text
    }

    /// The 1024-byte stand-in for the WLT photo.
    pub fn photo(&self) -> &[u8] {
        &self.photo
    }

    /// A fingerprint block of `len` bytes (0, 512 or 1024 on real readers), deterministic per
    /// card.
    pub fn fingerprint(&self, len: usize) -> Vec<u8> {
        XorShift64::new(fnv1a64(&self.text) ^ FINGERPRINT_SEED).bytes(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idcard::CardText;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A fresh directory under the system temp dir, unique per test and process.
    fn temp_dir(tag: &str) -> PathBuf {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kiosk-sim-cards-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The whole error chain on one line, as the CLI prints it.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut out = e.to_string();
        let mut cur = e.source();
        while let Some(s) = cur {
            out.push_str(": ");
            out.push_str(&s.to_string());
            cur = s.source();
        }
        out
    }

    #[test]
    fn every_builtin_loads_encodes_and_parses_as_its_type() {
        for card_type in CardType::ALL {
            let record = load_card(card_type.as_str()).unwrap();
            assert_eq!(record.card_type, card_type.as_str());
            let card = SimCard::new(record).unwrap();
            assert_eq!(card.text().len(), 256);
            assert_eq!(card.photo().len(), PHOTO_LEN);
            // The samples are meant to be valid cards: the core's parser accepts them.
            let parsed = CardText::parse(card.text())
                .unwrap_or_else(|e| panic!("built-in {card_type} does not parse: {e}"));
            assert_eq!(parsed.text.card_type(), card_type);
        }
    }

    #[test]
    fn payloads_are_deterministic_and_differ_between_cards() {
        let a = SimCard::load(&CardSpec::Builtin(CardType::Resident)).unwrap();
        let b = SimCard::load(&CardSpec::Builtin(CardType::Resident)).unwrap();
        let c = SimCard::load(&CardSpec::Builtin(CardType::HkMoTwPermit)).unwrap();
        assert_eq!(a.photo(), b.photo());
        assert_ne!(a.photo(), c.photo());
        assert_eq!(a.fingerprint(512), b.fingerprint(512));
        assert_eq!(a.fingerprint(1024).len(), 1024);
        assert_ne!(a.fingerprint(1024), a.photo());
        assert!(a.fingerprint(0).is_empty());
    }

    #[test]
    fn json_and_toml_fixtures_load() {
        let dir = temp_dir("ok");
        let mut record = load_card("resident").unwrap();
        record.name = "李四".into();
        let json = dir.join("card.json");
        std::fs::write(&json, serde_json::to_string_pretty(&record).unwrap()).unwrap();
        assert_eq!(load_card(json.to_str().unwrap()).unwrap(), record);

        let toml_path = dir.join("card.TOML");
        std::fs::write(&toml_path, builtin_source(CardType::Foreigner2017)).unwrap();
        let loaded = load_card(toml_path.to_str().unwrap()).unwrap();
        assert_eq!(loaded, load_card("foreigner_2017").unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_files_name_the_file_and_the_problem() {
        let dir = temp_dir("bad");

        let missing = dir.join("missing.toml");
        let err = load_card(missing.to_str().unwrap()).unwrap_err();
        assert!(matches!(err, CardLoadError::Read { .. }), "{err:?}");
        assert!(chain(&err).contains("missing.toml"), "{}", chain(&err));

        let unknown_field = dir.join("typo.toml");
        std::fs::write(
            &unknown_field,
            format!("{}\nnmae = \"x\"\n", builtin_source(CardType::Resident)),
        )
        .unwrap();
        let err = load_card(unknown_field.to_str().unwrap()).unwrap_err();
        assert!(matches!(err, CardLoadError::Toml { .. }), "{err:?}");
        let text = chain(&err);
        assert!(
            text.contains("typo.toml") && text.contains("nmae"),
            "{text}"
        );

        let broken_json = dir.join("broken.json");
        std::fs::write(&broken_json, "{\"card_type\": ").unwrap();
        let err = load_card(broken_json.to_str().unwrap()).unwrap_err();
        assert!(matches!(err, CardLoadError::Json { .. }), "{err:?}");
        assert!(chain(&err).contains("broken.json"));

        let no_ext = dir.join("card.txt");
        std::fs::write(&no_ext, "").unwrap();
        let err = load_card(no_ext.to_str().unwrap()).unwrap_err();
        assert!(matches!(err, CardLoadError::Format { .. }), "{err:?}");

        // Parses, but the name does not fit the 15-unit name field: refused at load time.
        let too_long = dir.join("long.json");
        let mut record = load_card("resident").unwrap();
        record.name = "长".repeat(16);
        std::fs::write(&too_long, serde_json::to_string(&record).unwrap()).unwrap();
        let err = load_card(too_long.to_str().unwrap()).unwrap_err();
        assert!(matches!(err, CardLoadError::Encode { .. }), "{err:?}");
        let text = chain(&err);
        assert!(
            text.contains("long.json") && text.contains("name"),
            "{text}"
        );

        let mut record = load_card("resident").unwrap();
        record.card_type = "passport".into();
        let err = SimCard::new(record).unwrap_err();
        assert!(chain(&err).contains("passport"), "{}", chain(&err));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
