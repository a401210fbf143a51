//! A card as a flat record of strings: the JSON that `kiosk idcard read --json` prints, and the
//! fixture format (TOML or JSON, one card per file) the simulator loads.
//!
//! Encoding a record into a text block does not validate it: fixtures for inconsistent cards
//! (a wrong check character, a birth date that differs from the number) must be expressible. The
//! parser ([`crate::CardText::parse`]) is what validates.

use crate::codes::{Nation, Sex};
use crate::text::{CardText, CardType, TEXT_LEN, field};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use thiserror::Error;

/// One card as strings. Field names are the JSON output's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CardRecord {
    /// `resident`, `foreigner_2017`, `foreigner_2023` or `hk_mo_tw_permit`.
    pub card_type: String,
    /// Chinese name (may be empty on foreigner cards).
    pub name: String,
    /// English name (foreigner cards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub english_name: Option<String>,
    /// `male`, `female`, `unknown`, `not_stated` (or the code).
    pub sex: String,
    /// Nation name (resident cards), or the two-digit code when unlisted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nation: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// Address (resident cards and permits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The document number (masked in output unless asked otherwise).
    pub id_number: String,
    /// Issuing authority (resident cards and permits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    /// `YYYY-MM-DD` or `长期`.
    pub valid_to: String,
    /// Nationality, three letters (2017 foreigner card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Card version (2017 foreigner card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_version: Option<String>,
    /// Issuing authority code (2017 foreigner card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_code: Option<String>,
    /// Renewal count (2023 foreigner card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_count: Option<String>,
    /// Country code (2023 foreigner card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Link to the previous number (2023 foreigner card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_number_link: Option<String>,
    /// 通行证号码 (permit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_permit_number: Option<String>,
    /// 签发次数 (permit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_count: Option<String>,
    /// Warnings found while parsing (output only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A record could not be written into a text block.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RecordError {
    /// `card_type` is not one of the four.
    #[error("unknown card_type {0:?}")]
    CardType(String),
    /// A value does not fit its fixed-width field.
    #[error("field {field} is too long for the card ({max_units} UTF-16 units at most)")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its width in UTF-16 units.
        max_units: usize,
    },
}

impl CardRecord {
    /// The record of a parsed card; personal values masked unless `unmasked`.
    pub fn from_text(text: &CardText, unmasked: bool) -> CardRecord {
        let show = |s: &crate::Sensitive| {
            if unmasked {
                s.expose().to_owned()
            } else {
                s.masked()
            }
        };
        let validity = text.validity();
        let mut record = CardRecord {
            card_type: text.card_type().as_str().to_owned(),
            sex: text.sex().as_str().to_owned(),
            birth_date: text.birth_date().to_string(),
            id_number: if unmasked {
                text.document_number().to_owned()
            } else {
                text.document_number_masked()
            },
            valid_from: validity.from.to_string(),
            valid_to: validity.to.to_string(),
            ..CardRecord::default()
        };
        match text {
            CardText::Resident(c) => {
                record.name = show(&c.name);
                record.nation = Some(c.nation.to_string());
                record.address = Some(show(&c.address));
                record.authority = Some(c.authority.clone());
            }
            CardText::Foreigner2017(c) => {
                record.name = show(&c.chinese_name);
                record.english_name = Some(show(&c.english_name));
                record.nationality = Some(c.nationality.clone());
                record.card_version = Some(c.card_version.clone());
                record.authority_code = Some(c.authority_code.clone());
            }
            CardText::Foreigner2023(c) => {
                record.name = show(&c.chinese_name);
                record.english_name = Some(show(&c.english_name));
                record.renewal_count = Some(c.renewal_count.clone());
                record.country_code = Some(c.country_code.clone());
                record.previous_number_link = Some(c.previous_number_link.clone());
            }
            CardText::HkMoTwPermit(c) => {
                record.name = show(&c.name);
                record.address = Some(show(&c.address));
                record.authority = Some(c.authority.clone());
                record.travel_permit_number = Some(show(&c.travel_permit_number));
                record.issue_count = Some(c.issue_count.clone());
            }
        }
        if let (CardText::Resident(c), Some(nation)) = (text, record.nation.as_mut()) {
            if c.nation.name().is_none() {
                *nation = c.nation.code_text();
            }
        }
        record
    }

    /// The record's card type.
    pub fn card_type(&self) -> Result<CardType, RecordError> {
        CardType::parse(&self.card_type)
            .ok_or_else(|| RecordError::CardType(self.card_type.clone()))
    }

    /// Writes the record into a 256-byte text block, as a card would carry it. Values are written
    /// as given (not validated), so inconsistent cards can be simulated.
    pub fn encode_text(&self) -> Result<[u8; TEXT_LEN], RecordError> {
        // Unused and reserved bytes carry the same U+0020 padding as the fields.
        let mut block = [0u8; TEXT_LEN];
        for pair in block.chunks_exact_mut(2) {
            pair.copy_from_slice(&[0x20, 0x00]);
        }
        let mut w = Writer { block: &mut block };
        let sex: &str = match Sex::parse(&self.sex) {
            Some(parsed) => parsed.code(),
            None => &self.sex,
        };
        let birth = card_date(&self.birth_date);
        let from = card_date(&self.valid_from);
        let to = card_date(&self.valid_to);
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let card_type = self.card_type()?;
        match card_type {
            CardType::Resident => {
                use field::resident as f;
                let nation = self.nation.as_deref().unwrap_or("01");
                let nation = Nation::from_name(nation).map_or(nation.to_owned(), Nation::code_text);
                w.put(f::NAME, "name", &self.name)?;
                w.put(f::SEX, "sex", sex)?;
                w.put(f::NATION, "nation", &nation)?;
                w.put(f::BIRTH, "birth_date", &birth)?;
                w.put(f::ADDRESS, "address", &opt(&self.address))?;
                w.put(f::ID_NUMBER, "id_number", &self.id_number)?;
                w.put(f::AUTHORITY, "authority", &opt(&self.authority))?;
                w.put(f::VALID_FROM, "valid_from", &from)?;
                w.put(f::VALID_TO, "valid_to", &to)?;
            }
            CardType::Foreigner2017 => {
                use field::foreigner_2017 as f;
                w.put(f::ENGLISH_NAME, "english_name", &opt(&self.english_name))?;
                w.put(f::SEX, "sex", sex)?;
                w.put(f::NUMBER, "id_number", &self.id_number)?;
                w.put(f::NATIONALITY, "nationality", &opt(&self.nationality))?;
                w.put(f::CHINESE_NAME, "name", &self.name)?;
                w.put(f::VALID_FROM, "valid_from", &from)?;
                w.put(f::VALID_TO, "valid_to", &to)?;
                w.put(f::BIRTH, "birth_date", &birth)?;
                w.put(f::CARD_VERSION, "card_version", &opt(&self.card_version))?;
                w.put(
                    f::AUTHORITY_CODE,
                    "authority_code",
                    &opt(&self.authority_code),
                )?;
            }
            CardType::Foreigner2023 => {
                use field::foreigner_2023 as f;
                // One string over two fields, split where the first is full (by UTF-16 unit).
                let english: Vec<u16> = opt(&self.english_name).encode_utf16().collect();
                let first_units = (f::ENGLISH_NAME_1.end - f::ENGLISH_NAME_1.start) / 2;
                let (part1, part2) = english.split_at(english.len().min(first_units));
                w.put(f::CHINESE_NAME, "name", &self.name)?;
                w.put(f::SEX, "sex", sex)?;
                w.put(f::RENEWAL_COUNT, "renewal_count", &opt(&self.renewal_count))?;
                w.put(f::BIRTH, "birth_date", &birth)?;
                w.put_units(f::ENGLISH_NAME_1, "english_name", part1)?;
                w.put(f::ID_NUMBER, "id_number", &self.id_number)?;
                w.put(f::VALID_FROM, "valid_from", &from)?;
                w.put(f::VALID_TO, "valid_to", &to)?;
                w.put_units(f::ENGLISH_NAME_2, "english_name", part2)?;
                w.put(f::COUNTRY_CODE, "country_code", &opt(&self.country_code))?;
                w.put(
                    f::PREVIOUS_NUMBER_LINK,
                    "previous_number_link",
                    &opt(&self.previous_number_link),
                )?;
            }
            CardType::HkMoTwPermit => {
                use field::permit as f;
                w.put(f::NAME, "name", &self.name)?;
                w.put(f::SEX, "sex", sex)?;
                w.put(f::BIRTH, "birth_date", &birth)?;
                w.put(f::ADDRESS, "address", &opt(&self.address))?;
                w.put(f::ID_NUMBER, "id_number", &self.id_number)?;
                w.put(f::AUTHORITY, "authority", &opt(&self.authority))?;
                w.put(f::VALID_FROM, "valid_from", &from)?;
                w.put(f::VALID_TO, "valid_to", &to)?;
                w.put(
                    f::TRAVEL_PERMIT_NUMBER,
                    "travel_permit_number",
                    &opt(&self.travel_permit_number),
                )?;
                w.put(f::ISSUE_COUNT, "issue_count", &opt(&self.issue_count))?;
            }
        }
        let marker = card_type.marker().to_string();
        w.put(field::CARD_TYPE, "card_type", &marker)?;
        Ok(block)
    }
}

/// `YYYY-MM-DD` -> `YYYYMMDD`; anything else (长期, or a deliberately bad value) as given.
fn card_date(s: &str) -> String {
    match s.parse::<crate::Date>() {
        Ok(d) => d.compact(),
        Err(_) => s.to_owned(),
    }
}

struct Writer<'a> {
    block: &'a mut [u8; TEXT_LEN],
}

impl Writer<'_> {
    /// Writes `value` as UTF-16LE into `range`, padded with U+0020.
    fn put(
        &mut self,
        range: Range<usize>,
        field: &'static str,
        value: &str,
    ) -> Result<(), RecordError> {
        let units: Vec<u16> = value.encode_utf16().collect();
        self.put_units(range, field, &units)
    }

    /// Writes UTF-16 units into `range`, padded with U+0020.
    fn put_units(
        &mut self,
        range: Range<usize>,
        field: &'static str,
        units: &[u16],
    ) -> Result<(), RecordError> {
        let max_units = (range.end - range.start) / 2;
        if units.len() > max_units {
            return Err(RecordError::TooLong { field, max_units });
        }
        let padded = units.iter().copied().chain(std::iter::repeat(0x0020));
        if let Some(slot) = self.block.get_mut(range) {
            for (pair, unit) in slot.chunks_exact_mut(2).zip(padded) {
                pair.copy_from_slice(&unit.to_le_bytes());
            }
        }
        Ok(())
    }
}
