//! The 28-character real-estate unit code (不动产单元代码, GB/T 37346-2019). Reference: "Code
//! formats".
//!
//! Layers, left to right: county (6 digits, GB/T 2260) | 地籍区 (3 digits) | 地籍子区 (3 digits) |
//! parcel feature code (ownership G/J/Z, then kind) | parcel sequence (5 digits) | fixture code
//! (F/L/Q/W) | fixture unit number (8 digits, `00000000` when the fixture is W). The county is
//! checked for shape only: GB/T 2260's table changes yearly and is not bundled.
//!
//! Upper case is the only canonical form: [`FromStr`] and serde accept nothing else (as the schema
//! pattern says). [`UnitCode::parse_lenient`] is for keyboard input: it trims and upper-cases first.

use super::DistrictCode;
use super::wire::{StringSchema, deserialize_parsed, echo};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use thiserror::Error;

/// Character ranges of each layer (GB/T 37346-2019 clause 5, reference "Code formats").
mod field {
    use std::ops::Range;

    pub const COUNTY: Range<usize> = 0..6;
    pub const DISTRICT: Range<usize> = 6..9;
    pub const SUBDISTRICT: Range<usize> = 9..12;
    pub const OWNERSHIP: Range<usize> = 12..13;
    pub const KIND: Range<usize> = 13..14;
    pub const SEQUENCE: Range<usize> = 14..19;
    pub const FIXTURE: Range<usize> = 19..20;
    pub const FIXTURE_UNIT: Range<usize> = 20..28;
    /// The parcel code (宗地代码) is everything before the fixture.
    pub const PARCEL: Range<usize> = 0..19;
    pub const LEN: usize = 28;
}

/// Parcel kind letters, the second character of the feature code (reference, "Code formats").
const PARCEL_KINDS: &[u8] = b"ABCDEFGHLNSWXY";

/// One layer of a unit code, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnitCodeLayer {
    /// County code, 6 digits.
    County,
    /// 地籍区, 3 digits.
    CadastralDistrict,
    /// 地籍子区, 3 digits.
    CadastralSubdistrict,
    /// Parcel ownership letter: G, J or Z.
    ParcelOwnership,
    /// Parcel kind letter: one of A B C D E F G H L N S W X Y.
    ParcelKind,
    /// Parcel sequence, 5 digits.
    ParcelSequence,
    /// Fixture code: F, L, Q or W.
    Fixture,
    /// Fixture unit number, 8 digits.
    FixtureUnit,
}

impl UnitCodeLayer {
    /// Every layer, left to right.
    const ALL: [UnitCodeLayer; 8] = [
        UnitCodeLayer::County,
        UnitCodeLayer::CadastralDistrict,
        UnitCodeLayer::CadastralSubdistrict,
        UnitCodeLayer::ParcelOwnership,
        UnitCodeLayer::ParcelKind,
        UnitCodeLayer::ParcelSequence,
        UnitCodeLayer::Fixture,
        UnitCodeLayer::FixtureUnit,
    ];

    /// Where the layer sits.
    fn range(self) -> Range<usize> {
        match self {
            UnitCodeLayer::County => field::COUNTY,
            UnitCodeLayer::CadastralDistrict => field::DISTRICT,
            UnitCodeLayer::CadastralSubdistrict => field::SUBDISTRICT,
            UnitCodeLayer::ParcelOwnership => field::OWNERSHIP,
            UnitCodeLayer::ParcelKind => field::KIND,
            UnitCodeLayer::ParcelSequence => field::SEQUENCE,
            UnitCodeLayer::Fixture => field::FIXTURE,
            UnitCodeLayer::FixtureUnit => field::FIXTURE_UNIT,
        }
    }

    /// Whether a character is allowed in this layer.
    fn allows(self, c: char) -> bool {
        match self {
            UnitCodeLayer::ParcelOwnership => ParcelOwnership::from_letter(c).is_some(),
            UnitCodeLayer::ParcelKind => c.is_ascii() && PARCEL_KINDS.contains(&(c as u8)),
            UnitCodeLayer::Fixture => Fixture::from_letter(c).is_some(),
            _ => c.is_ascii_digit(),
        }
    }

    /// What the layer must hold, for error messages.
    pub const fn expected(self) -> &'static str {
        match self {
            UnitCodeLayer::County => "county code: 6 digits",
            UnitCodeLayer::CadastralDistrict => "cadastral district: 3 digits",
            UnitCodeLayer::CadastralSubdistrict => "cadastral subdistrict: 3 digits",
            UnitCodeLayer::ParcelOwnership => "parcel ownership: G, J or Z",
            UnitCodeLayer::ParcelKind => "parcel kind: one of A B C D E F G H L N S W X Y",
            UnitCodeLayer::ParcelSequence => "parcel sequence: 5 digits",
            UnitCodeLayer::Fixture => "fixture code: F, L, Q or W",
            UnitCodeLayer::FixtureUnit => "fixture unit number: 8 digits",
        }
    }
}

/// Why a text is not a unit code. Unit codes are not personal, so the text is echoed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum UnitCodeError {
    /// Not 28 characters.
    #[error("unit code has {len} characters, expected 28")]
    Length {
        /// Characters found.
        len: usize,
    },
    /// A layer holds characters it may not (the leftmost such layer is named).
    #[error("unit code's {} is wrong, found {found:?}", layer.expected())]
    Layer {
        /// The offending layer.
        layer: UnitCodeLayer,
        /// The layer's characters as given.
        found: String,
    },
    /// The fixture is W (no fixture) but the fixture unit number is not `00000000`.
    #[error(
        "unit code has no fixture (W), so its fixture unit number must be 00000000, found {found:?}"
    )]
    LandOnlyUnitNumber {
        /// The fixture unit number as given.
        found: String,
    },
}

/// Who owns the parcel: the first letter of the feature code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParcelOwnership {
    /// G: state-owned land (国家土地所有权).
    State,
    /// J: collective land (集体土地所有权).
    Collective,
    /// Z: ownership not determined (土地所有权未确定或有争议).
    Undetermined,
}

impl ParcelOwnership {
    /// The letter in the code.
    pub const fn letter(self) -> char {
        match self {
            ParcelOwnership::State => 'G',
            ParcelOwnership::Collective => 'J',
            ParcelOwnership::Undetermined => 'Z',
        }
    }

    /// The ownership a letter stands for.
    pub const fn from_letter(letter: char) -> Option<ParcelOwnership> {
        match letter {
            'G' => Some(ParcelOwnership::State),
            'J' => Some(ParcelOwnership::Collective),
            'Z' => Some(ParcelOwnership::Undetermined),
            _ => None,
        }
    }
}

/// What stands on the parcel: the fixture code (定着物特征码).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fixture {
    /// F: a building or structure (房屋等建筑物、构筑物).
    Building,
    /// L: trees (森林或林木).
    Trees,
    /// Q: another fixture.
    Other,
    /// W: no fixture; the unit is the land (or sea area) alone.
    None,
}

impl Fixture {
    /// The letter in the code.
    pub const fn letter(self) -> char {
        match self {
            Fixture::Building => 'F',
            Fixture::Trees => 'L',
            Fixture::Other => 'Q',
            Fixture::None => 'W',
        }
    }

    /// The fixture a letter stands for.
    pub const fn from_letter(letter: char) -> Option<Fixture> {
        match letter {
            'F' => Some(Fixture::Building),
            'L' => Some(Fixture::Trees),
            'Q' => Some(Fixture::Other),
            'W' => Some(Fixture::None),
            _ => None,
        }
    }
}

/// A validated 28-character unit code, always upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode {
    /// 28 ASCII characters, every layer checked.
    code: String,
}

impl UnitCode {
    /// The schema's pattern: every layer, and W forcing `00000000`.
    pub const PATTERN: &'static str =
        "^[0-9]{6}[0-9]{3}[0-9]{3}[GJZ][ABCDEFGHLNSWXY][0-9]{5}(?:[FLQ][0-9]{8}|W0{8})$";

    /// The reference's example, a building unit in 朝阳区.
    pub const EXAMPLE: &'static str = "110105012003GB00001F00020063";

    /// Parses keyboard input: trims surrounding white space and upper-cases ASCII letters first.
    pub fn parse_lenient(text: &str) -> Result<UnitCode, UnitCodeError> {
        text.trim().to_ascii_uppercase().parse()
    }

    /// The characters of one layer; the code is validated ASCII, so the range always exists.
    fn part(&self, range: Range<usize>) -> &str {
        self.code.get(range).unwrap_or_default()
    }

    /// The single letter at a one-character layer.
    fn letter(&self, range: Range<usize>) -> char {
        self.part(range).chars().next().unwrap_or_default()
    }

    /// The whole code.
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// The county code (6 digits, GB/T 2260), e.g. `"110105"`.
    pub fn county(&self) -> &str {
        self.part(field::COUNTY)
    }

    /// The Beijing district of the county code, or `None` outside Beijing's table.
    pub fn district(&self) -> Option<DistrictCode> {
        self.county().parse().ok()
    }

    /// The cadastral district (地籍区), 3 digits as written.
    pub fn cadastral_district(&self) -> &str {
        self.part(field::DISTRICT)
    }

    /// The cadastral subdistrict (地籍子区), 3 digits as written.
    pub fn cadastral_subdistrict(&self) -> &str {
        self.part(field::SUBDISTRICT)
    }

    /// Who owns the parcel (G, J or Z).
    pub fn parcel_ownership(&self) -> ParcelOwnership {
        // Validated at parse time; the fallback is unreachable.
        ParcelOwnership::from_letter(self.letter(field::OWNERSHIP))
            .unwrap_or(ParcelOwnership::Undetermined)
    }

    /// The parcel kind letter (one of A B C D E F G H L N S W X Y).
    pub fn parcel_kind(&self) -> char {
        self.letter(field::KIND)
    }

    /// The parcel sequence (宗地顺序号), 5 digits as written.
    pub fn parcel_sequence(&self) -> &str {
        self.part(field::SEQUENCE)
    }

    /// The parcel code (宗地代码): the first 19 characters.
    pub fn parcel_code(&self) -> &str {
        self.part(field::PARCEL)
    }

    /// What stands on the parcel.
    pub fn fixture(&self) -> Fixture {
        // Validated at parse time; the fallback is unreachable.
        Fixture::from_letter(self.letter(field::FIXTURE)).unwrap_or(Fixture::None)
    }

    /// The fixture unit number (定着物单元编号), 8 digits as written.
    pub fn fixture_unit(&self) -> &str {
        self.part(field::FIXTURE_UNIT)
    }

    /// Whether the unit is land (or sea area) alone, with no fixture (W).
    pub fn is_land_only(&self) -> bool {
        self.fixture() == Fixture::None
    }
}

impl FromStr for UnitCode {
    type Err = UnitCodeError;

    /// Parses the canonical upper-case form; names the leftmost wrong layer.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let len = text.chars().count();
        if len != field::LEN {
            return Err(UnitCodeError::Length { len });
        }
        let chars: Vec<char> = text.chars().collect();
        for layer in UnitCodeLayer::ALL {
            let part = chars.get(layer.range()).unwrap_or_default();
            if !part.iter().all(|c| layer.allows(*c)) {
                return Err(UnitCodeError::Layer {
                    layer,
                    found: part.iter().collect(),
                });
            }
        }
        // Every layer is ASCII now, so byte ranges are character ranges.
        let code = text.to_owned();
        let unit = UnitCode { code };
        if unit.is_land_only() && unit.fixture_unit() != "00000000" {
            return Err(UnitCodeError::LandOnlyUnitNumber {
                found: echo(unit.fixture_unit()),
            });
        }
        Ok(unit)
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

impl Serialize for UnitCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code)
    }
}

impl<'de> Deserialize<'de> for UnitCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer)
    }
}

impl utoipa::PartialSchema for UnitCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        StringSchema {
            description: "A 28-character real-estate unit code (GB/T 37346-2019), upper case.",
            pattern: UnitCode::PATTERN,
            min_length: field::LEN,
            max_length: field::LEN,
            example: UnitCode::EXAMPLE,
        }
        .build()
    }
}

impl utoipa::ToSchema for UnitCode {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<UnitCode, UnitCodeError> {
        text.parse()
    }

    #[test]
    fn reference_example_layers() {
        let unit = parse("110105012003GB00001F00020063").unwrap();
        assert_eq!(unit.county(), "110105");
        assert_eq!(unit.district(), Some(DistrictCode::Chaoyang));
        assert_eq!(unit.cadastral_district(), "012");
        assert_eq!(unit.cadastral_subdistrict(), "003");
        assert_eq!(unit.parcel_ownership(), ParcelOwnership::State);
        assert_eq!(unit.parcel_kind(), 'B');
        assert_eq!(unit.parcel_sequence(), "00001");
        assert_eq!(unit.parcel_code(), "110105012003GB00001");
        assert_eq!(unit.fixture(), Fixture::Building);
        assert_eq!(unit.fixture_unit(), "00020063");
        assert!(!unit.is_land_only());
        assert_eq!(unit.to_string(), "110105012003GB00001F00020063");
    }

    #[test]
    fn land_only_and_other_letters() {
        let unit = parse("110228001002JC00123W00000000").unwrap();
        assert!(unit.is_land_only());
        assert_eq!(unit.parcel_ownership(), ParcelOwnership::Collective);
        assert_eq!(unit.district(), Some(DistrictCode::MiyunCounty));
        let unit = parse("310101001001ZA00001L00000001").unwrap();
        assert_eq!(unit.district(), None);
        assert_eq!(unit.fixture(), Fixture::Trees);
        assert_eq!(unit.parcel_ownership(), ParcelOwnership::Undetermined);
        assert_eq!(
            parse("110105012003GY00001Q00000001").unwrap().fixture(),
            Fixture::Other
        );
        for letter in ['F', 'L', 'Q', 'W'] {
            assert_eq!(Fixture::from_letter(letter).unwrap().letter(), letter);
        }
        for letter in ['G', 'J', 'Z'] {
            assert_eq!(
                ParcelOwnership::from_letter(letter).unwrap().letter(),
                letter
            );
        }
    }

    #[test]
    fn every_layer_error() {
        let cases = [
            (
                "11010A012003GB00001F00020063",
                UnitCodeLayer::County,
                "11010A",
            ),
            (
                "1101050X2003GB00001F00020063",
                UnitCodeLayer::CadastralDistrict,
                "0X2",
            ),
            (
                "110105012 03GB00001F00020063",
                UnitCodeLayer::CadastralSubdistrict,
                " 03",
            ),
            (
                "110105012003XB00001F00020063",
                UnitCodeLayer::ParcelOwnership,
                "X",
            ),
            (
                "110105012003GZ00001F00020063",
                UnitCodeLayer::ParcelKind,
                "Z",
            ),
            (
                "110105012003GB0000-F00020063",
                UnitCodeLayer::ParcelSequence,
                "0000-",
            ),
            ("110105012003GB00001A00020063", UnitCodeLayer::Fixture, "A"),
            (
                "110105012003GB00001F0002006三",
                UnitCodeLayer::FixtureUnit,
                "0002006三",
            ),
        ];
        for (text, layer, found) in cases {
            assert_eq!(
                parse(text),
                Err(UnitCodeError::Layer {
                    layer,
                    found: found.into()
                }),
                "{text}"
            );
        }
        assert_eq!(
            parse("110105012003GB00001W00020063"),
            Err(UnitCodeError::LandOnlyUnitNumber {
                found: "00020063".into()
            })
        );
        assert_eq!(parse(""), Err(UnitCodeError::Length { len: 0 }));
        assert_eq!(
            parse("110105012003GB00001F0002006"),
            Err(UnitCodeError::Length { len: 27 })
        );
        assert_eq!(
            parse("110105012003GB00001F000200630"),
            Err(UnitCodeError::Length { len: 29 })
        );
    }

    #[test]
    fn error_messages_name_the_layer() {
        assert_eq!(
            parse("110105012003gb00001F00020063")
                .unwrap_err()
                .to_string(),
            "unit code's parcel ownership: G, J or Z is wrong, found \"g\""
        );
        assert_eq!(
            parse("123").unwrap_err().to_string(),
            "unit code has 3 characters, expected 28"
        );
    }

    #[test]
    fn lower_case_only_through_the_lenient_parser() {
        let lower = "110105012003gb00001f00020063";
        assert!(parse(lower).is_err());
        assert_eq!(
            UnitCode::parse_lenient(&format!("  {lower}\n")),
            parse("110105012003GB00001F00020063")
        );
    }

    #[test]
    fn serde_round_trip_and_refusal() {
        let unit = parse(UnitCode::EXAMPLE).unwrap();
        let json = serde_json::to_string(&unit).unwrap();
        assert_eq!(json, format!("\"{}\"", UnitCode::EXAMPLE));
        assert_eq!(serde_json::from_str::<UnitCode>(&json).unwrap(), unit);
        let err = serde_json::from_str::<UnitCode>("\"110105012003GB00001W00020063\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("must be 00000000"), "{err}");
        assert!(serde_json::from_str::<UnitCode>("\"110105012003gb00001f00020063\"").is_err());
    }

    #[test]
    fn schema_is_a_string_with_the_pattern() {
        let schema = serde_json::to_value(<UnitCode as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["pattern"], UnitCode::PATTERN);
        assert_eq!(schema["minLength"], 28);
        assert_eq!(schema["maxLength"], 28);
        assert_eq!(schema["examples"][0], UnitCode::EXAMPLE);
        assert_eq!(<UnitCode as utoipa::ToSchema>::name(), "UnitCode");
    }
}
