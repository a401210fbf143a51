//! The 256-byte text block of the four card types, parsed into typed values and cross-checked.
//!
//! Layouts: `shared/reference/idcard-sam-protocol.md`, section "The 256-byte text block". Every
//! field is UTF-16LE, fixed width, padded with U+0020 (some readers pad with U+0000: both are
//! trimmed). The card type is the UTF-16 unit at bytes 248-249.

use crate::codes::{Nation, Sex};
use crate::date::{Date, Expiry};
use crate::id_number::{IdNumber, IdNumberError};
use crate::sensitive::{MaskStyle, Sensitive};
use std::fmt;
use std::ops::Range;
use thiserror::Error;

/// Length of the text block.
pub const TEXT_LEN: usize = 256;

/// Byte ranges of the fields, per card type (reference, "The 256-byte text block").
pub(crate) mod field {
    use std::ops::Range;

    /// The card-type unit, the same offset on every card.
    pub const CARD_TYPE: Range<usize> = 248..250;

    /// Resident ID card.
    pub mod resident {
        use std::ops::Range;
        pub const NAME: Range<usize> = 0..30;
        pub const SEX: Range<usize> = 30..32;
        pub const NATION: Range<usize> = 32..36;
        pub const BIRTH: Range<usize> = 36..52;
        pub const ADDRESS: Range<usize> = 52..122;
        pub const ID_NUMBER: Range<usize> = 122..158;
        pub const AUTHORITY: Range<usize> = 158..188;
        pub const VALID_FROM: Range<usize> = 188..204;
        pub const VALID_TO: Range<usize> = 204..220;
    }

    /// Foreigner permanent residence card, 2017 (`I`).
    pub mod foreigner_2017 {
        use std::ops::Range;
        pub const ENGLISH_NAME: Range<usize> = 0..120;
        pub const SEX: Range<usize> = 120..122;
        pub const NUMBER: Range<usize> = 122..152;
        pub const NATIONALITY: Range<usize> = 152..158;
        pub const CHINESE_NAME: Range<usize> = 158..188;
        pub const VALID_FROM: Range<usize> = 188..204;
        pub const VALID_TO: Range<usize> = 204..220;
        pub const BIRTH: Range<usize> = 220..236;
        pub const CARD_VERSION: Range<usize> = 236..240;
        pub const AUTHORITY_CODE: Range<usize> = 240..248;
    }

    /// Foreigner permanent residence card, 2023 (`Y`).
    pub mod foreigner_2023 {
        use std::ops::Range;
        pub const CHINESE_NAME: Range<usize> = 0..30;
        pub const SEX: Range<usize> = 30..32;
        pub const RENEWAL_COUNT: Range<usize> = 32..36;
        pub const BIRTH: Range<usize> = 36..52;
        pub const ENGLISH_NAME_1: Range<usize> = 52..122;
        pub const ID_NUMBER: Range<usize> = 122..158;
        pub const VALID_FROM: Range<usize> = 188..204;
        pub const VALID_TO: Range<usize> = 204..220;
        pub const ENGLISH_NAME_2: Range<usize> = 220..242;
        pub const COUNTRY_CODE: Range<usize> = 242..248;
        pub const PREVIOUS_NUMBER_LINK: Range<usize> = 250..256;
    }

    /// Hong Kong / Macau / Taiwan residence permit (`J`).
    pub mod permit {
        use std::ops::Range;
        pub const NAME: Range<usize> = 0..30;
        pub const SEX: Range<usize> = 30..32;
        pub const BIRTH: Range<usize> = 36..52;
        pub const ADDRESS: Range<usize> = 52..122;
        pub const ID_NUMBER: Range<usize> = 122..158;
        pub const AUTHORITY: Range<usize> = 158..188;
        pub const VALID_FROM: Range<usize> = 188..204;
        pub const VALID_TO: Range<usize> = 204..220;
        pub const TRAVEL_PERMIT_NUMBER: Range<usize> = 220..238;
        pub const ISSUE_COUNT: Range<usize> = 238..242;
    }

    /// Whether a range lies inside the block (checked by a test for every range above).
    #[cfg(test)]
    pub fn all() -> Vec<Range<usize>> {
        use super::field::*;
        vec![
            CARD_TYPE,
            resident::NAME,
            resident::VALID_TO,
            foreigner_2017::ENGLISH_NAME,
            foreigner_2017::AUTHORITY_CODE,
            foreigner_2023::PREVIOUS_NUMBER_LINK,
            foreigner_2023::COUNTRY_CODE,
            permit::ISSUE_COUNT,
        ]
    }
}

/// The four card types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardType {
    /// 居民身份证 (type unit normally a space).
    Resident,
    /// 外国人永久居留身份证, 2017 (`I`).
    Foreigner2017,
    /// 外国人永久居留身份证, 2023 (`Y`).
    Foreigner2023,
    /// 港澳台居民居住证 (`J`).
    HkMoTwPermit,
}

impl CardType {
    /// Every card type.
    pub const ALL: [CardType; 4] = [
        CardType::Resident,
        CardType::Foreigner2017,
        CardType::Foreigner2023,
        CardType::HkMoTwPermit,
    ];

    /// The JSON name: `resident`, `foreigner_2017`, `foreigner_2023`, `hk_mo_tw_permit`.
    pub fn as_str(self) -> &'static str {
        match self {
            CardType::Resident => "resident",
            CardType::Foreigner2017 => "foreigner_2017",
            CardType::Foreigner2023 => "foreigner_2023",
            CardType::HkMoTwPermit => "hk_mo_tw_permit",
        }
    }

    /// Parses the JSON name.
    pub fn parse(s: &str) -> Option<CardType> {
        CardType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The type unit at bytes 248-249 (a space for the resident card).
    pub fn marker(self) -> char {
        match self {
            CardType::Resident => ' ',
            CardType::Foreigner2017 => 'I',
            CardType::Foreigner2023 => 'Y',
            CardType::HkMoTwPermit => 'J',
        }
    }

    /// The Chinese name of the document.
    pub fn chinese(self) -> &'static str {
        match self {
            CardType::Resident => "居民身份证",
            CardType::Foreigner2017 | CardType::Foreigner2023 => "外国人永久居留身份证",
            CardType::HkMoTwPermit => "港澳台居民居住证",
        }
    }

    fn from_marker(unit: [u8; 2]) -> CardType {
        match u16::from_le_bytes(unit) {
            0x0049 => CardType::Foreigner2017,
            0x0059 => CardType::Foreigner2023,
            0x004A => CardType::HkMoTwPermit,
            _ => CardType::Resident,
        }
    }
}

impl fmt::Display for CardType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// First valid day.
    pub from: Date,
    /// Last valid day, or 长期.
    pub to: Expiry,
}

impl Validity {
    /// Whether the card is valid on `today`.
    pub fn is_valid_on(&self, today: Date) -> bool {
        self.from <= today && self.to.is_valid_on(today)
    }
}

/// 居民身份证.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentCard {
    /// 姓名.
    pub name: Sensitive,
    /// 性别.
    pub sex: Sex,
    /// 民族.
    pub nation: Nation,
    /// 出生.
    pub birth_date: Date,
    /// 住址.
    pub address: Sensitive,
    /// 公民身份号码.
    pub id_number: IdNumber,
    /// 签发机关.
    pub authority: String,
    /// 有效期限.
    pub validity: Validity,
}

/// 外国人永久居留身份证 (2017).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreigner2017Card {
    /// English name.
    pub english_name: Sensitive,
    /// Sex.
    pub sex: Sex,
    /// The 15-character card number.
    pub number: Sensitive,
    /// Nationality, three letters (ISO 3166-1 alpha-3).
    pub nationality: String,
    /// Chinese name (may be empty).
    pub chinese_name: Sensitive,
    /// Validity.
    pub validity: Validity,
    /// Birth date.
    pub birth_date: Date,
    /// Card version.
    pub card_version: String,
    /// Issuing authority code.
    pub authority_code: String,
}

/// 外国人永久居留身份证 (2023).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreigner2023Card {
    /// Chinese name (may be empty).
    pub chinese_name: Sensitive,
    /// Sex.
    pub sex: Sex,
    /// Renewal count.
    pub renewal_count: String,
    /// Birth date.
    pub birth_date: Date,
    /// English name (both parts joined).
    pub english_name: Sensitive,
    /// The 18-character number (MOD 11-2 like a resident number).
    pub id_number: IdNumber,
    /// Validity.
    pub validity: Validity,
    /// Country code, three letters.
    pub country_code: String,
    /// Link to the previous card's number.
    pub previous_number_link: String,
}

/// 港澳台居民居住证.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitCard {
    /// Name.
    pub name: Sensitive,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: Date,
    /// Address.
    pub address: Sensitive,
    /// The 18-character number (region 810000 Hong Kong, 820000 Macau, 830000 Taiwan).
    pub id_number: IdNumber,
    /// Issuing authority.
    pub authority: String,
    /// Validity.
    pub validity: Validity,
    /// 通行证号码.
    pub travel_permit_number: Sensitive,
    /// 签发次数.
    pub issue_count: String,
}

/// A parsed text block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardText {
    /// 居民身份证.
    Resident(ResidentCard),
    /// 外国人永久居留身份证 (2017).
    Foreigner2017(Foreigner2017Card),
    /// 外国人永久居留身份证 (2023).
    Foreigner2023(Foreigner2023Card),
    /// 港澳台居民居住证.
    HkMoTwPermit(PermitCard),
}

/// A card whose data cannot be accepted. Never carries personal values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CardError {
    /// The text block is not 256 bytes.
    #[error("text block is {actual} bytes, expected 256")]
    TextLength {
        /// Bytes received.
        actual: usize,
    },
    /// A field is not valid UTF-16.
    #[error("field {field} is not valid UTF-16")]
    NotUtf16 {
        /// The field.
        field: &'static str,
    },
    /// A field does not have the form the card type prescribes.
    #[error("field {field} is malformed")]
    Malformed {
        /// The field.
        field: &'static str,
    },
    /// The ID number fails validation.
    #[error("{0}")]
    IdNumber(#[from] IdNumberError),
    /// Fields contradict each other: the card is not accepted.
    #[error("inconsistent card: {0}")]
    Inconsistent(Inconsistency),
    /// The read reply's blocks do not add up.
    #[error("read reply malformed: {0}")]
    Reply(#[from] crate::reply::ReplyError),
}

/// Fields that contradict each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Inconsistency {
    /// The birth date field and the number's birth date differ.
    #[error("birth date differs from the ID number's")]
    BirthDate,
    /// The sex field and the number's sequence parity differ (odd = male).
    #[error("sex differs from the ID number's sequence digit")]
    Sex,
    /// Valid-from is after valid-to.
    #[error("validity period ends before it starts")]
    ValidityOrder,
}

/// Something odd but not disqualifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardWarning {
    /// The number's region prefix is not a GB/T 2260 province.
    UnknownRegion,
    /// A HK/Macau/Taiwan permit whose number does not start with 81, 82 or 83.
    PermitRegionUnexpected,
    /// A 2017 foreigner card number whose nationality or birth date part differs from the fields.
    Foreigner2017NumberMismatch,
}

impl fmt::Display for CardWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CardWarning::UnknownRegion => "ID number region code unknown",
            CardWarning::PermitRegionUnexpected => "permit number region is not 81/82/83",
            CardWarning::Foreigner2017NumberMismatch => {
                "card number does not match nationality or birth date"
            }
        })
    }
}

/// A parsed text block and what looked odd in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedText {
    /// The card's fields.
    pub text: CardText,
    /// Non-fatal findings.
    pub warnings: Vec<CardWarning>,
}

/// Decodes one fixed-width UTF-16LE field, trimming space and NUL padding.
pub(crate) fn utf16_field(
    block: &[u8],
    range: Range<usize>,
    field: &'static str,
) -> Result<String, CardError> {
    let bytes = block.get(range).ok_or(CardError::Malformed { field })?;
    let units = bytes.chunks_exact(2).map(|pair| {
        u16::from_le_bytes([
            pair.first().copied().unwrap_or(0),
            pair.get(1).copied().unwrap_or(0),
        ])
    });
    let text: String = char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| CardError::NotUtf16 { field })?;
    Ok(text.trim_matches(|c| c == ' ' || c == '\0').to_owned())
}

fn sex(block: &[u8], range: Range<usize>) -> Result<Sex, CardError> {
    Sex::from_code(&utf16_field(block, range, "sex")?).ok_or(CardError::Malformed { field: "sex" })
}

fn date(block: &[u8], range: Range<usize>, field: &'static str) -> Result<Date, CardError> {
    Date::parse_compact(&utf16_field(block, range, field)?)
        .map_err(|_| CardError::Malformed { field })
}

fn validity(block: &[u8], from: Range<usize>, to: Range<usize>) -> Result<Validity, CardError> {
    let from = date(block, from, "valid_from")?;
    let to = Expiry::parse_card(&utf16_field(block, to, "valid_to")?)
        .map_err(|_| CardError::Malformed { field: "valid_to" })?;
    if let Expiry::On(end) = to {
        if end < from {
            return Err(CardError::Inconsistent(Inconsistency::ValidityOrder));
        }
    }
    Ok(Validity { from, to })
}

fn non_empty(value: String, field: &'static str) -> Result<String, CardError> {
    if value.is_empty() {
        Err(CardError::Malformed { field })
    } else {
        Ok(value)
    }
}

/// Cross-checks an 18-character number against the birth-date and sex fields.
fn cross_check(id: &IdNumber, birth: Date, sex: Sex) -> Result<(), CardError> {
    if id.birth_date() != birth {
        return Err(CardError::Inconsistent(Inconsistency::BirthDate));
    }
    let contradicts = match sex {
        Sex::Male => !id.sequence_is_odd(),
        Sex::Female => id.sequence_is_odd(),
        // 0 and 9 say nothing to check against.
        Sex::Unknown | Sex::NotStated => false,
    };
    if contradicts {
        return Err(CardError::Inconsistent(Inconsistency::Sex));
    }
    Ok(())
}

impl CardText {
    /// Parses a 256-byte text block, validating every field and cross-checking the number.
    pub fn parse(block: &[u8]) -> Result<ParsedText, CardError> {
        if block.len() != TEXT_LEN {
            return Err(CardError::TextLength {
                actual: block.len(),
            });
        }
        let marker = block
            .get(field::CARD_TYPE)
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .unwrap_or([0x20, 0]);
        let mut warnings = Vec::new();
        let text = match CardType::from_marker(marker) {
            CardType::Resident => CardText::Resident(parse_resident(block, &mut warnings)?),
            CardType::Foreigner2017 => {
                CardText::Foreigner2017(parse_foreigner_2017(block, &mut warnings)?)
            }
            CardType::Foreigner2023 => CardText::Foreigner2023(parse_foreigner_2023(block)?),
            CardType::HkMoTwPermit => CardText::HkMoTwPermit(parse_permit(block, &mut warnings)?),
        };
        Ok(ParsedText { text, warnings })
    }

    /// The card type.
    pub fn card_type(&self) -> CardType {
        match self {
            CardText::Resident(_) => CardType::Resident,
            CardText::Foreigner2017(_) => CardType::Foreigner2017,
            CardText::Foreigner2023(_) => CardType::Foreigner2023,
            CardText::HkMoTwPermit(_) => CardType::HkMoTwPermit,
        }
    }

    /// The name to address the holder by: the Chinese name, or the English name when the card
    /// has no Chinese one.
    pub fn name(&self) -> &Sensitive {
        match self {
            CardText::Resident(c) => &c.name,
            CardText::HkMoTwPermit(c) => &c.name,
            CardText::Foreigner2017(c) if c.chinese_name.is_empty() => &c.english_name,
            CardText::Foreigner2017(c) => &c.chinese_name,
            CardText::Foreigner2023(c) if c.chinese_name.is_empty() => &c.english_name,
            CardText::Foreigner2023(c) => &c.chinese_name,
        }
    }

    /// The document number, full, for the explicit cases that need it; never log it.
    pub fn document_number(&self) -> &str {
        match self {
            CardText::Resident(c) => c.id_number.expose(),
            CardText::HkMoTwPermit(c) => c.id_number.expose(),
            CardText::Foreigner2023(c) => c.id_number.expose(),
            CardText::Foreigner2017(c) => c.number.expose(),
        }
    }

    /// The document number, masked.
    pub fn document_number_masked(&self) -> String {
        match self {
            CardText::Resident(c) => c.id_number.masked(),
            CardText::HkMoTwPermit(c) => c.id_number.masked(),
            CardText::Foreigner2023(c) => c.id_number.masked(),
            CardText::Foreigner2017(c) => c.number.masked(),
        }
    }

    /// The birth date.
    pub fn birth_date(&self) -> Date {
        match self {
            CardText::Resident(c) => c.birth_date,
            CardText::HkMoTwPermit(c) => c.birth_date,
            CardText::Foreigner2023(c) => c.birth_date,
            CardText::Foreigner2017(c) => c.birth_date,
        }
    }

    /// The sex.
    pub fn sex(&self) -> Sex {
        match self {
            CardText::Resident(c) => c.sex,
            CardText::HkMoTwPermit(c) => c.sex,
            CardText::Foreigner2023(c) => c.sex,
            CardText::Foreigner2017(c) => c.sex,
        }
    }

    /// The validity period.
    pub fn validity(&self) -> Validity {
        match self {
            CardText::Resident(c) => c.validity,
            CardText::HkMoTwPermit(c) => c.validity,
            CardText::Foreigner2023(c) => c.validity,
            CardText::Foreigner2017(c) => c.validity,
        }
    }
}

fn parse_resident(
    block: &[u8],
    warnings: &mut Vec<CardWarning>,
) -> Result<ResidentCard, CardError> {
    use field::resident as f;
    let name = non_empty(utf16_field(block, f::NAME, "name")?, "name")?;
    let sex = sex(block, f::SEX)?;
    let nation = Nation::from_code(&utf16_field(block, f::NATION, "nation")?)
        .ok_or(CardError::Malformed { field: "nation" })?;
    let birth_date = date(block, f::BIRTH, "birth_date")?;
    let address = utf16_field(block, f::ADDRESS, "address")?;
    let id_number = IdNumber::parse(&utf16_field(block, f::ID_NUMBER, "id_number")?)?;
    let authority = utf16_field(block, f::AUTHORITY, "authority")?;
    let validity = validity(block, f::VALID_FROM, f::VALID_TO)?;
    cross_check(&id_number, birth_date, sex)?;
    if !id_number.region_known() {
        warnings.push(CardWarning::UnknownRegion);
    }
    Ok(ResidentCard {
        name: Sensitive::new(name, MaskStyle::Name),
        sex,
        nation,
        birth_date,
        address: Sensitive::new(address, MaskStyle::Address),
        id_number,
        authority,
        validity,
    })
}

fn parse_foreigner_2017(
    block: &[u8],
    warnings: &mut Vec<CardWarning>,
) -> Result<Foreigner2017Card, CardError> {
    use field::foreigner_2017 as f;
    let english_name = non_empty(
        utf16_field(block, f::ENGLISH_NAME, "english_name")?,
        "english_name",
    )?;
    let sex = sex(block, f::SEX)?;
    let number = utf16_field(block, f::NUMBER, "id_number")?;
    if number.len() != 15 || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(CardError::Malformed { field: "id_number" });
    }
    let nationality = utf16_field(block, f::NATIONALITY, "nationality")?;
    if nationality.len() != 3 || !nationality.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(CardError::Malformed {
            field: "nationality",
        });
    }
    let chinese_name = utf16_field(block, f::CHINESE_NAME, "name")?;
    let validity = validity(block, f::VALID_FROM, f::VALID_TO)?;
    let birth_date = date(block, f::BIRTH, "birth_date")?;
    // The 2017 number is nationality (3) + region (2) + birth date YYMMDD (6) + sequence (2) + check
    // (1). The reference does not give this layout, so a mismatch is a warning, not a refusal.
    let yymmdd = birth_date.compact().get(2..).unwrap_or_default().to_owned();
    if number.get(..3) != Some(nationality.as_str()) || number.get(5..11) != Some(yymmdd.as_str()) {
        warnings.push(CardWarning::Foreigner2017NumberMismatch);
    }
    Ok(Foreigner2017Card {
        english_name: Sensitive::new(english_name, MaskStyle::Name),
        sex,
        number: Sensitive::new(number, MaskStyle::Number),
        nationality,
        chinese_name: Sensitive::new(chinese_name, MaskStyle::Name),
        validity,
        birth_date,
        card_version: utf16_field(block, f::CARD_VERSION, "card_version")?,
        authority_code: utf16_field(block, f::AUTHORITY_CODE, "authority_code")?,
    })
}

fn parse_foreigner_2023(block: &[u8]) -> Result<Foreigner2023Card, CardError> {
    use field::foreigner_2023 as f;
    let chinese_name = utf16_field(block, f::CHINESE_NAME, "name")?;
    let sex = sex(block, f::SEX)?;
    let renewal_count = utf16_field(block, f::RENEWAL_COUNT, "renewal_count")?;
    let birth_date = date(block, f::BIRTH, "birth_date")?;
    // The English name runs over two fields: one string of 35 + 11 UTF-16 units, split wherever
    // the first field is full (even inside a word), so the units are joined before decoding.
    let english_name = joined_utf16(
        block,
        &[f::ENGLISH_NAME_1, f::ENGLISH_NAME_2],
        "english_name",
    )?;
    let english_name = non_empty(english_name, "english_name")?;
    let id_number = IdNumber::parse(&utf16_field(block, f::ID_NUMBER, "id_number")?)?;
    let validity = validity(block, f::VALID_FROM, f::VALID_TO)?;
    cross_check(&id_number, birth_date, sex)?;
    Ok(Foreigner2023Card {
        chinese_name: Sensitive::new(chinese_name, MaskStyle::Name),
        sex,
        renewal_count,
        birth_date,
        english_name: Sensitive::new(english_name, MaskStyle::Name),
        id_number,
        validity,
        country_code: utf16_field(block, f::COUNTRY_CODE, "country_code")?,
        previous_number_link: utf16_field(block, f::PREVIOUS_NUMBER_LINK, "previous_number_link")?,
    })
}

/// Decodes several fields as one UTF-16LE string, trimming padding at both ends.
fn joined_utf16(
    block: &[u8],
    ranges: &[Range<usize>],
    field: &'static str,
) -> Result<String, CardError> {
    let mut bytes = Vec::new();
    for range in ranges {
        bytes.extend_from_slice(
            block
                .get(range.clone())
                .ok_or(CardError::Malformed { field })?,
        );
    }
    utf16_field(&bytes, 0..bytes.len(), field)
}

fn parse_permit(block: &[u8], warnings: &mut Vec<CardWarning>) -> Result<PermitCard, CardError> {
    use field::permit as f;
    let name = non_empty(utf16_field(block, f::NAME, "name")?, "name")?;
    let sex = sex(block, f::SEX)?;
    let birth_date = date(block, f::BIRTH, "birth_date")?;
    let address = utf16_field(block, f::ADDRESS, "address")?;
    let id_number = IdNumber::parse(&utf16_field(block, f::ID_NUMBER, "id_number")?)?;
    let authority = utf16_field(block, f::AUTHORITY, "authority")?;
    let validity = validity(block, f::VALID_FROM, f::VALID_TO)?;
    cross_check(&id_number, birth_date, sex)?;
    if !matches!(id_number.region().get(..2), Some("81" | "82" | "83")) {
        warnings.push(CardWarning::PermitRegionUnexpected);
    }
    Ok(PermitCard {
        name: Sensitive::new(name, MaskStyle::Name),
        sex,
        birth_date,
        address: Sensitive::new(address, MaskStyle::Address),
        id_number,
        authority,
        validity,
        travel_permit_number: Sensitive::new(
            utf16_field(block, f::TRAVEL_PERMIT_NUMBER, "travel_permit_number")?,
            MaskStyle::Number,
        ),
        issue_count: utf16_field(block, f::ISSUE_COUNT, "issue_count")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_ranges_fit_the_block_and_are_even() {
        for r in field::all() {
            assert!(
                r.end <= TEXT_LEN && r.start % 2 == 0 && r.end % 2 == 0,
                "{r:?}"
            );
        }
    }

    #[test]
    fn utf16_trims_space_and_nul_and_keeps_surrogate_pairs() {
        let mut block = vec![0u8; 8];
        for (i, u) in "𠮷".encode_utf16().chain([0x20, 0x00]).enumerate() {
            block[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
        }
        assert_eq!(utf16_field(&block, 0..8, "name").unwrap(), "𠮷");
        // A lone high surrogate is refused, not replaced.
        let lone = [0x42, 0xD8, 0x20, 0x00];
        assert_eq!(
            utf16_field(&lone, 0..4, "name"),
            Err(CardError::NotUtf16 { field: "name" })
        );
    }

    #[test]
    fn short_block_is_refused() {
        assert_eq!(
            CardText::parse(&[0x20; 100]),
            Err(CardError::TextLength { actual: 100 })
        );
    }
}
