//! The 18-character citizen ID number (GB 11643): shape, birth date, and the ISO 7064 MOD 11-2
//! check character (reference, section "ID numbers").

use crate::date::Date;
use crate::sensitive::mask_number;
use std::fmt;
use thiserror::Error;
use zeroize::Zeroize;

/// ISO 7064 MOD 11-2 weights over the first 17 digits (reference, "ID numbers").
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum mod 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Province-level prefixes of GB/T 2260 (the first two digits of a region code), plus 81/82/83 used
/// by Hong Kong, Macau and Taiwan residence permits. The full county table changes yearly and is
/// not bundled: an unknown prefix is a warning, never a failure (reference: "Warn, do not fail, on
/// an unknown region code").
const PROVINCES: [&str; 37] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83", "91", "92",
];

/// Why a string is not a valid ID number. Never carries the number itself.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IdNumberError {
    /// Not 18 characters.
    #[error("ID number has {len} characters, expected 18")]
    Length {
        /// Characters found.
        len: usize,
    },
    /// A character that is not a digit (or the final X).
    #[error("ID number has an invalid character at position {position}")]
    Character {
        /// Zero-based position.
        position: usize,
    },
    /// Positions 7-14 are not a real date.
    #[error("ID number's birth date is not a valid date")]
    BirthDate,
    /// The check character does not match MOD 11-2.
    #[error("ID number check character is wrong (MOD 11-2 gives {expected})")]
    CheckCharacter {
        /// The character MOD 11-2 computes.
        expected: char,
    },
}

/// A validated 18-character ID number, upper-case X. Masks itself when displayed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    digits: String,
    birth: Date,
}

/// The MOD 11-2 check character for 17 digits.
pub fn check_character(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d.saturating_sub(b'0')) * w)
        .sum();
    CHECK_CHARS
        .get((sum % 11) as usize)
        .map_or('?', |c| char::from(*c))
}

impl IdNumber {
    /// Validates and normalises (a lower-case `x` becomes `X`).
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        let len = s.chars().count();
        if len != 18 {
            return Err(IdNumberError::Length { len });
        }
        let mut bytes: Vec<u8> = Vec::with_capacity(18);
        for (position, c) in s.chars().enumerate() {
            let ok = match position {
                17 => c.is_ascii_digit() || c == 'X' || c == 'x',
                _ => c.is_ascii_digit(),
            };
            if !ok {
                return Err(IdNumberError::Character { position });
            }
            bytes.push(c.to_ascii_uppercase() as u8);
        }
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(bytes.get(..17).unwrap_or_default());
        let normalised = String::from_utf8(bytes).unwrap_or_default();
        let birth = normalised
            .get(6..14)
            .ok_or(IdNumberError::BirthDate)
            .and_then(|b| Date::parse_compact(b).map_err(|_| IdNumberError::BirthDate))?;
        let expected = check_character(&first17);
        if normalised.chars().nth(17) != Some(expected) {
            return Err(IdNumberError::CheckCharacter { expected });
        }
        Ok(IdNumber {
            digits: normalised,
            birth,
        })
    }

    /// The full number. Only where the citizen sees their own record or central needs it; never log.
    pub fn expose(&self) -> &str {
        &self.digits
    }

    /// The masked form, e.g. `1101**********002X`.
    pub fn masked(&self) -> String {
        mask_number(&self.digits)
    }

    /// The six-digit region code.
    pub fn region(&self) -> &str {
        self.digits.get(..6).unwrap_or_default()
    }

    /// Whether the region's province prefix is one GB/T 2260 knows (or 9, the 2023 foreigner card).
    pub fn region_known(&self) -> bool {
        let prefix = self.digits.get(..2).unwrap_or_default();
        self.digits.starts_with('9') || PROVINCES.contains(&prefix)
    }

    /// The birth date in positions 7-14.
    pub fn birth_date(&self) -> Date {
        self.birth
    }

    /// Whether the sequence digit (position 17) is odd: male, by the standard.
    pub fn sequence_is_odd(&self) -> bool {
        self.digits
            .as_bytes()
            .get(16)
            .is_some_and(|d| d.saturating_sub(b'0') % 2 == 1)
    }
}

impl Drop for IdNumber {
    fn drop(&mut self) {
        self.digits.zeroize();
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_examples() {
        // Reference: 11010519491231002 -> X; 44052418800101001 -> 4.
        assert_eq!(check_character(b"11010519491231002"), 'X');
        assert_eq!(check_character(b"44052418800101001"), '4');
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert!(IdNumber::parse("440524188001010014").is_ok());
    }

    #[test]
    fn lower_case_x_is_normalised() {
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
    }

    #[test]
    fn errors() {
        assert_eq!(
            IdNumber::parse("110105194912310029"),
            Err(IdNumberError::CheckCharacter { expected: 'X' })
        );
        assert_eq!(
            IdNumber::parse("1101051949123100X"),
            Err(IdNumberError::Length { len: 17 })
        );
        assert_eq!(
            IdNumber::parse("11010519491231X02X"),
            Err(IdNumberError::Character { position: 14 })
        );
        assert_eq!(
            IdNumber::parse("110105194913310020"),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse("１１0105194912310020"),
            Err(IdNumberError::Character { position: 0 })
        );
    }

    #[test]
    fn masked_everywhere_but_expose() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.to_string(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
        let err = IdNumber::parse("110105194912310029")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("1949"));
    }

    #[test]
    fn fields() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.region(), "110105");
        assert!(id.region_known());
        assert_eq!(id.birth_date(), Date::new(1949, 12, 31).unwrap());
        assert!(!id.sequence_is_odd());
        let unknown = IdNumber::parse(&format!(
            "99010519491231001{}",
            check_character(b"99010519491231001")
        ));
        assert!(
            unknown.unwrap().region_known(),
            "9 prefix is the 2023 foreigner card"
        );
        let unknown = format!("10010519491231001{}", check_character(b"10010519491231001"));
        assert!(!IdNumber::parse(&unknown).unwrap().region_known());
    }
}
