//! Certificate and proof numbers (不动产权证书号 / 不动产登记证明号). Reference: "Code formats".
//!
//! Shape: province abbreviation, year in brackets, place, kind, `第`, serial, `号`, optionally a
//! cancelled mark: `京(2018)朝阳区不动产权第0001234号`, `京(2019)海淀区不动产证明第0012345号(销)`.
//! Brackets may be ASCII or full width, mixed; the parsed value forgets which, and `Display`
//! writes ASCII. Choices beyond the reference: the province must be one of the mainland
//! abbreviations (including the alternates 蜀 贵 滇 秦 陇), the year must be 20xx, and the place
//! may also end in 旗 (Inner Mongolia's banners).

use super::code_enum::code_enum;
use super::wire::{StringSchema, deserialize_parsed, echo};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Province-level abbreviations that open a number: the 31 mainland divisions plus alternates.
const PROVINCES: &str = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵云滇藏陕秦甘陇青宁新";
/// Last character of a place name: district, county, city, banner.
const PLACE_ENDINGS: &str = "区县市旗";
/// Longest place name accepted, in characters (the longest county-level names have 9 or so).
const PLACE_MAX_CHARS: usize = 12;
/// Cap on the whole input before any work.
const MAX_CHARS: usize = 64;
/// The CJK Unified Ideographs block, the only characters allowed in a place name.
const CJK: std::ops::RangeInclusive<char> = '\u{4E00}'..='\u{9FFF}';

code_enum! {
    /// Which document the number is on.
    pub enum CertificateKind {
        /// 不动产权证书: the certificate of a right (marker `不动产权`).
        Right = "right", "不动产权证书" | "不动产权";
        /// 不动产登记证明: the proof of a mortgage, advance notice, objection and the like
        /// (marker `不动产证明`).
        Proof = "proof", "不动产登记证明" | "不动产证明";
    }
}

impl CertificateKind {
    /// The text between the place and `第` in a number.
    pub const fn marker(self) -> &'static str {
        match self {
            CertificateKind::Right => "不动产权",
            CertificateKind::Proof => "不动产证明",
        }
    }
}

/// Why a text is not a certificate number. Certificate numbers are not personal, so parts are
/// echoed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CertificateNumberError {
    /// Empty, or longer than 64 characters.
    #[error("certificate number has {len} characters, expected 1 to 64")]
    Length {
        /// Characters found.
        len: usize,
    },
    /// The first character is not a province abbreviation.
    #[error(
        "certificate number must start with a province abbreviation such as 京, found {found:?}"
    )]
    Province {
        /// The first character.
        found: char,
    },
    /// The year is not enclosed in `()` or `（）`.
    #[error("certificate number's year must be in brackets, e.g. (2018)")]
    YearBracket,
    /// The year is not four digits 20xx.
    #[error("certificate number's year must be four digits 20xx, found {found:?}")]
    Year {
        /// The text inside the brackets.
        found: String,
    },
    /// The place is not 2 to 12 CJK characters ending in 区, 县, 市 or 旗.
    #[error(
        "certificate number's place must be a name ending in 区, 县, 市 or 旗, found {found:?}"
    )]
    Place {
        /// The text between the year and the kind.
        found: String,
    },
    /// Neither `不动产权第` nor `不动产证明第` follows the place.
    #[error("certificate number must contain 不动产权第 or 不动产证明第")]
    Kind,
    /// The serial is not 7 or 8 digits.
    #[error("certificate number's serial must be 7 or 8 digits, found {found:?}")]
    Serial {
        /// The text between `第` and `号`.
        found: String,
    },
    /// The number does not end in `号`, optionally followed by `(销)`.
    #[error("certificate number must end in 号 or 号(销)")]
    Ending,
}

/// A parsed certificate or proof number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateNumber {
    /// Province abbreviation, e.g. 京.
    province: char,
    /// Year of issue, 2000..=2099.
    year: u16,
    /// Place name ending in 区/县/市/旗, e.g. 朝阳区.
    place: String,
    /// Certificate or proof.
    kind: CertificateKind,
    /// 7 or 8 digits, leading zeros kept.
    serial: String,
    /// Whether the number carries the cancelled mark (销).
    cancelled: bool,
}

impl CertificateNumber {
    /// The schema's pattern (ECMA-262; `\u` escapes the CJK block).
    pub const PATTERN: &'static str = "^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵云滇藏陕秦甘陇青宁新][(（]20[0-9]{2}[)）][\\u4E00-\\u9FFF]{1,11}[区县市旗]不动产(?:权|证明)第[0-9]{7,8}号(?:[(（]销[)）])?$";

    /// The reference's certificate example.
    pub const EXAMPLE: &'static str = "京(2018)朝阳区不动产权第0001234号";

    /// The province abbreviation, e.g. `'京'`.
    pub fn province(&self) -> char {
        self.province
    }

    /// The year of issue.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The place name, e.g. `"朝阳区"`.
    pub fn place(&self) -> &str {
        &self.place
    }

    /// Certificate of a right, or proof.
    pub fn kind(&self) -> CertificateKind {
        self.kind
    }

    /// The serial as written, leading zeros kept.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// Whether the number is marked cancelled (销).
    pub fn is_cancelled(&self) -> bool {
        self.cancelled
    }
}

/// Strips one opening bracket, ASCII or full width.
fn strip_open(text: &str) -> Option<&str> {
    text.strip_prefix(['(', '（'])
}

/// Strips the cancelled mark `(销)` in any bracket mix from the end.
fn strip_cancelled(text: &str) -> Option<&str> {
    text.strip_suffix([')', '）'])?
        .strip_suffix('销')?
        .strip_suffix(['(', '（'])
}

impl FromStr for CertificateNumber {
    type Err = CertificateNumberError;

    /// Parses the left part (province, year) from the left and the right part (ending, serial,
    /// kind) from the right; what is between is the place.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let len = text.chars().count();
        if len == 0 || len > MAX_CHARS {
            return Err(CertificateNumberError::Length { len });
        }
        let mut chars = text.chars();
        let province = chars.next().unwrap_or_default();
        if !PROVINCES.contains(province) {
            return Err(CertificateNumberError::Province { found: province });
        }
        let rest = strip_open(chars.as_str()).ok_or(CertificateNumberError::YearBracket)?;
        let (year_text, rest) = rest
            .split_once([')', '）'])
            .ok_or(CertificateNumberError::YearBracket)?;
        let year = parse_year(year_text).ok_or_else(|| CertificateNumberError::Year {
            found: echo(year_text),
        })?;

        let (rest, cancelled) = match strip_cancelled(rest) {
            Some(rest) => (rest, true),
            None => (rest, false),
        };
        let rest = rest
            .strip_suffix('号')
            .ok_or(CertificateNumberError::Ending)?;
        let digits_start = rest.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (rest, serial) = rest.split_at(digits_start);
        let (place, kind) = [CertificateKind::Right, CertificateKind::Proof]
            .into_iter()
            .find_map(|kind| {
                let tail = rest.strip_suffix('第')?.strip_suffix(kind.marker())?;
                Some((tail, kind))
            })
            .ok_or(CertificateNumberError::Kind)?;
        if !(serial.len() == 7 || serial.len() == 8) {
            return Err(CertificateNumberError::Serial {
                found: echo(serial),
            });
        }
        if !is_place(place) {
            return Err(CertificateNumberError::Place { found: echo(place) });
        }
        Ok(CertificateNumber {
            province,
            year,
            place: place.to_owned(),
            kind,
            serial: serial.to_owned(),
            cancelled,
        })
    }
}

/// Four ASCII digits starting with 20.
fn parse_year(text: &str) -> Option<u16> {
    if text.len() == 4 && text.starts_with("20") && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// 2 to 12 CJK characters, the last one 区/县/市/旗.
fn is_place(place: &str) -> bool {
    let count = place.chars().count();
    (2..=PLACE_MAX_CHARS).contains(&count)
        && place.chars().all(|c| CJK.contains(&c))
        && place
            .chars()
            .last()
            .is_some_and(|c| PLACE_ENDINGS.contains(c))
}

impl fmt::Display for CertificateNumber {
    /// Writes the canonical form, ASCII brackets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({}){}{}第{}号",
            self.province,
            self.year,
            self.place,
            self.kind.marker(),
            self.serial
        )?;
        if self.cancelled {
            f.write_str("(销)")?;
        }
        Ok(())
    }
}

impl Serialize for CertificateNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CertificateNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer)
    }
}

impl utoipa::PartialSchema for CertificateNumber {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        StringSchema {
            description: "A certificate (不动产权) or proof (不动产证明) number; brackets ASCII or full width.",
            pattern: CertificateNumber::PATTERN,
            min_length: 1,
            max_length: MAX_CHARS,
            example: CertificateNumber::EXAMPLE,
        }
        .build()
    }
}

impl utoipa::ToSchema for CertificateNumber {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CertificateNumber, CertificateNumberError> {
        text.parse()
    }

    #[test]
    fn reference_examples() {
        let right = parse("京(2018)朝阳区不动产权第0001234号").unwrap();
        assert_eq!(right.province(), '京');
        assert_eq!(right.year(), 2018);
        assert_eq!(right.place(), "朝阳区");
        assert_eq!(right.kind(), CertificateKind::Right);
        assert_eq!(right.serial(), "0001234");
        assert!(!right.is_cancelled());
        assert_eq!(right.to_string(), "京(2018)朝阳区不动产权第0001234号");

        let proof = parse("京(2019)海淀区不动产证明第0012345号").unwrap();
        assert_eq!(proof.kind(), CertificateKind::Proof);
        assert_eq!(proof.place(), "海淀区");
        assert_eq!(proof.serial(), "0012345");
    }

    #[test]
    fn brackets_eight_digits_and_cancelled() {
        let full = parse("京（2018）朝阳区不动产权第0001234号").unwrap();
        let mixed = parse("京(2018）朝阳区不动产权第0001234号").unwrap();
        assert_eq!(full, mixed);
        assert_eq!(full.to_string(), "京(2018)朝阳区不动产权第0001234号");

        let eight = parse("蒙(2020)伊金霍洛旗不动产权第00012345号").unwrap();
        assert_eq!(eight.serial(), "00012345");

        for text in [
            "京(2018)朝阳区不动产权第0001234号(销)",
            "京(2018)朝阳区不动产权第0001234号（销）",
            "京(2018)朝阳区不动产权第0001234号(销）",
        ] {
            let cancelled = parse(text).unwrap();
            assert!(cancelled.is_cancelled());
            assert_eq!(
                cancelled.to_string(),
                "京(2018)朝阳区不动产权第0001234号(销)"
            );
        }
        assert_eq!(
            parse("京(2018)密云县不动产权第0001234号").unwrap().place(),
            "密云县"
        );
        assert_eq!(
            parse("沪(2017)上海市不动产权第0001234号").unwrap().place(),
            "上海市"
        );
    }

    #[test]
    fn every_error() {
        use CertificateNumberError as E;
        let cases: [(&str, E); 13] = [
            ("", E::Length { len: 0 }),
            (
                "A(2018)朝阳区不动产权第0001234号",
                E::Province { found: 'A' },
            ),
            (
                "北(2018)朝阳区不动产权第0001234号",
                E::Province { found: '北' },
            ),
            ("京2018朝阳区不动产权第0001234号", E::YearBracket),
            ("京(2018朝阳区不动产权第0001234号", E::YearBracket),
            (
                "京(1998)朝阳区不动产权第0001234号",
                E::Year {
                    found: "1998".into(),
                },
            ),
            (
                "京(２０１８)朝阳区不动产权第0001234号",
                E::Year {
                    found: "２０１８".into(),
                },
            ),
            (
                "京(2018)朝阳不动产权第0001234号",
                E::Place {
                    found: "朝阳".into(),
                },
            ),
            (
                "京(2018)区不动产权第0001234号",
                E::Place {
                    found: "区".into()
                },
            ),
            (
                "京(2018)Chaoyang区不动产权第0001234号",
                E::Place {
                    found: "Chaoyang区".into(),
                },
            ),
            ("京(2018)朝阳区不动产权证第0001234号", E::Kind),
            (
                "京(2018)朝阳区不动产权第001234号",
                E::Serial {
                    found: "001234".into(),
                },
            ),
            ("京(2018)朝阳区不动产权第0001234", E::Ending),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Err(expected), "{text}");
        }
        assert_eq!(
            parse("京(2018)朝阳区不动产权第000123456号"),
            Err(E::Serial {
                found: "000123456".into()
            })
        );
        assert_eq!(parse(&"京".repeat(65)), Err(E::Length { len: 65 }));
        assert_eq!(
            parse("京(2018)朝阳区不动产权第0001234号(注)"),
            Err(E::Ending)
        );
    }

    #[test]
    fn messages() {
        assert_eq!(
            parse("京(2018)朝阳区不动产权第001234号")
                .unwrap_err()
                .to_string(),
            "certificate number's serial must be 7 or 8 digits, found \"001234\""
        );
    }

    #[test]
    fn serde_and_kind_contract() {
        crate::domain::code_enum::check_list(CertificateKind::ALL, |v| v.as_str(), |v| v.chinese());
        let number = parse("京（2019）海淀区不动产证明第0012345号（销）").unwrap();
        let json = serde_json::to_string(&number).unwrap();
        assert_eq!(json, "\"京(2019)海淀区不动产证明第0012345号(销)\"");
        assert_eq!(
            serde_json::from_str::<CertificateNumber>(&json).unwrap(),
            number
        );
        let err = serde_json::from_str::<CertificateNumber>("\"京(2018)朝阳区\"").unwrap_err();
        assert!(err.to_string().contains("certificate number"), "{err}");
    }

    #[test]
    fn schema_is_a_string_with_the_pattern() {
        let schema =
            serde_json::to_value(<CertificateNumber as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["pattern"], CertificateNumber::PATTERN);
        assert_eq!(schema["examples"][0], CertificateNumber::EXAMPLE);
    }
}

#[cfg(test)]
mod place_name_tests {
    use super::*;

    #[test]
    fn a_place_name_containing_xiao_is_not_the_cancelled_mark() {
        // Found by the property test: 销 inside the place name is not the (销) mark.
        let number: CertificateNumber = "京(2000)销区不动产权第0000000号".parse().unwrap();
        assert!(!number.is_cancelled());
        assert_eq!(number.place(), "销区");
        let cancelled: CertificateNumber = "京(2000)销区不动产权第0000000号(销)".parse().unwrap();
        assert!(cancelled.is_cancelled());
    }
}
