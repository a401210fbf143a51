//! Calendar dates as printed on cards (`YYYYMMDD`), and validity periods with 长期 as open-ended.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A calendar date (proleptic Gregorian), validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A date string was not a valid date.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not a valid date (expected YYYYMMDD or YYYY-MM-DD)")]
pub struct DateError;

impl Date {
    /// A date, if it exists in the calendar (years 1000-9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1000..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses the card's eight-digit form `YYYYMMDD`.
    pub fn parse_compact(s: &str) -> Result<Date, DateError> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DateError);
        }
        let num = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u16>().ok());
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(4..6), num(6..8)) else {
            return Err(DateError);
        };
        Date::new(y, m as u8, d as u8).ok_or(DateError)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The card's eight-digit form.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Whole years of age on `today`.
    pub fn age_on(self, today: Date) -> u16 {
        let had_birthday = (today.month, today.day) >= (self.month, self.day);
        today
            .year
            .saturating_sub(self.year)
            .saturating_sub(u16::from(!had_birthday))
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;

    /// Accepts `YYYY-MM-DD` and `YYYYMMDD`.
    fn from_str(s: &str) -> Result<Date, DateError> {
        let compact: String = match s.as_bytes() {
            [_, _, _, _, b'-', _, _, b'-', _, _] => s.chars().filter(|c| *c != '-').collect(),
            _ => s.to_owned(),
        };
        Date::parse_compact(&compact)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The text a card carries in its valid-to field for a long-term card.
pub const LONG_TERM: &str = "长期";

/// The end of a validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expiry {
    /// Valid up to and including this date.
    On(Date),
    /// 长期: valid without end.
    LongTerm,
}

impl Expiry {
    /// Parses the card's field: eight digits, or 长期.
    pub fn parse_card(s: &str) -> Result<Expiry, DateError> {
        if s == LONG_TERM {
            Ok(Expiry::LongTerm)
        } else {
            Date::parse_compact(s).map(Expiry::On)
        }
    }

    /// The card's form: eight digits, or 长期.
    pub fn card_text(self) -> String {
        match self {
            Expiry::On(d) => d.compact(),
            Expiry::LongTerm => LONG_TERM.to_owned(),
        }
    }

    /// Whether a card with this expiry is still valid on `today`.
    pub fn is_valid_on(self, today: Date) -> bool {
        match self {
            Expiry::On(d) => today <= d,
            Expiry::LongTerm => true,
        }
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expiry::On(d) => d.fmt(f),
            Expiry::LongTerm => f.write_str(LONG_TERM),
        }
    }
}

impl FromStr for Expiry {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Expiry, DateError> {
        if s == LONG_TERM {
            Ok(Expiry::LongTerm)
        } else {
            s.parse().map(Expiry::On)
        }
    }
}

impl Serialize for Expiry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Expiry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Expiry, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_card_dates() {
        assert_eq!(
            Date::parse_compact("19491231"),
            Ok(Date::new(1949, 12, 31).unwrap())
        );
        assert_eq!(Date::parse_compact("20000229").map(|d| d.day()), Ok(29));
        assert_eq!(Date::parse_compact("19000229"), Err(DateError));
        assert_eq!(Date::parse_compact("20231301"), Err(DateError));
        assert_eq!(Date::parse_compact("2023011"), Err(DateError));
        assert_eq!(Date::parse_compact("2023-1-01"), Err(DateError));
        assert_eq!(Date::parse_compact("２０２３０１０１"), Err(DateError));
    }

    #[test]
    fn long_term_expiry() {
        assert_eq!(Expiry::parse_card("长期"), Ok(Expiry::LongTerm));
        assert_eq!(
            Expiry::parse_card("20350101"),
            Ok(Expiry::On(Date::new(2035, 1, 1).unwrap()))
        );
        assert!(Expiry::LongTerm.is_valid_on(Date::new(9999, 1, 1).unwrap()));
        assert_eq!("长期".parse::<Expiry>(), Ok(Expiry::LongTerm));
        assert_eq!(Expiry::LongTerm.to_string(), "长期");
    }

    #[test]
    fn display_and_parse_iso() {
        let d = Date::new(2026, 11, 28).unwrap();
        assert_eq!(d.to_string(), "2026-11-28");
        assert_eq!("2026-11-28".parse::<Date>(), Ok(d));
        assert_eq!("20261128".parse::<Date>(), Ok(d));
    }

    #[test]
    fn age() {
        let birth = Date::new(1956, 11, 29).unwrap();
        assert_eq!(birth.age_on(Date::new(2026, 11, 28).unwrap()), 69);
        assert_eq!(birth.age_on(Date::new(2026, 11, 29).unwrap()), 70);
    }
}
