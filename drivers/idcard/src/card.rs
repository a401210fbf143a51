//! A whole card as read: the parsed text, the raw photo, the warnings.

use crate::reply::split_read_data;
use crate::text::{CardError, CardText, CardWarning};
use std::fmt;
use thiserror::Error;
use zeroize::Zeroize;

/// The card's photo block as the SAM returns it: WLT, compressed and encrypted (reference,
/// "Photo"). No open decoder exists; decode only through a [`PhotoDecoder`] plug-in. Never written
/// to disk or logs; wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Photo(Vec<u8>);

impl Photo {
    /// Wraps a raw WLT block.
    pub fn new(wlt: Vec<u8>) -> Photo {
        Photo(wlt)
    }

    /// The raw WLT bytes, for a decoder.
    pub fn wlt(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Photo {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Photo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Photo({} bytes WLT)", self.0.len())
    }
}

/// A decoded photo: 102 x 126 pixels, 24-bit BGR rows top-down. Wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedPhoto {
    /// Width in pixels (102 on every known card).
    pub width: u32,
    /// Height in pixels (126 on every known card).
    pub height: u32,
    /// `width * height * 3` bytes.
    pub bgr: Vec<u8>,
}

impl Drop for DecodedPhoto {
    fn drop(&mut self) {
        self.bgr.zeroize();
    }
}

impl fmt::Debug for DecodedPhoto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecodedPhoto({}x{})", self.width, self.height)
    }
}

/// A photo decoder failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PhotoDecodeError {
    /// The vendor library refused the block.
    #[error("photo decoder refused the block: {0}")]
    Refused(String),
    /// The vendor library is missing or unlicensed.
    #[error("photo decoder unavailable: {0}")]
    Unavailable(String),
}

/// A WLT photo decoder. None is bundled: vendors ship licensed libraries (libwlt2bmp and the
/// like); an installation that has one wraps it in this trait.
pub trait PhotoDecoder: Send + Sync {
    /// Decodes one WLT block.
    fn decode(&self, photo: &Photo) -> Result<DecodedPhoto, PhotoDecodeError>;
}

/// A card read from the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The text fields.
    pub text: CardText,
    /// The raw photo block.
    pub photo: Photo,
    /// Non-fatal findings.
    pub warnings: Vec<CardWarning>,
}

impl Card {
    /// Parses the data of a read reply (`30 01` or `30 10`). The fingerprint block, if any, is
    /// dropped.
    pub fn from_read_data(data: &[u8]) -> Result<Card, CardError> {
        let blocks = split_read_data(data)?;
        let parsed = CardText::parse(blocks.text)?;
        Ok(Card {
            text: parsed.text,
            photo: Photo::new(blocks.photo.to_vec()),
            warnings: parsed.warnings,
        })
    }
}
