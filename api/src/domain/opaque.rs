//! Identifiers with no national format: case numbers (受理编号), query numbers (查询编号) and
//! verification codes. Reference: "Code formats" (keep them opaque strings).
//!
//! The project's own rule, so they are safe in URLs, file names and QR payloads: 1 to 64 ASCII
//! letters, digits, `-` or `_`; case kept as given. Errors name the position of a bad character
//! but never echo the value: a verification code lets anyone fetch a printed result.

use super::wire::{StringSchema, deserialize_parsed};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Longest identifier accepted, in characters.
pub const OPAQUE_MAX_LEN: usize = 64;
/// The schema pattern every opaque identifier shares.
pub const OPAQUE_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";

/// Why a text is not a valid opaque identifier. Never carries the text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OpaqueIdError {
    /// The text is empty.
    #[error("{what} is empty")]
    Empty {
        /// Which identifier, e.g. "case number".
        what: &'static str,
    },
    /// The text is longer than 64 characters.
    #[error("{what} has {len} characters, at most 64 allowed")]
    TooLong {
        /// Which identifier.
        what: &'static str,
        /// Characters found.
        len: usize,
    },
    /// A character other than an ASCII letter, digit, `-` or `_`.
    #[error("{what} has an invalid character at position {position}")]
    Character {
        /// Which identifier.
        what: &'static str,
        /// Zero-based character position.
        position: usize,
    },
}

/// Checks the shared rule.
fn check(what: &'static str, text: &str) -> Result<(), OpaqueIdError> {
    let len = text.chars().count();
    if len == 0 {
        return Err(OpaqueIdError::Empty { what });
    }
    if len > OPAQUE_MAX_LEN {
        return Err(OpaqueIdError::TooLong { what, len });
    }
    match text
        .chars()
        .position(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        Some(position) => Err(OpaqueIdError::Character { what, position }),
        None => Ok(()),
    }
}

/// Declares one opaque identifier type.
macro_rules! opaque_id {
    ($(#[$meta:meta])* $name:ident, $what:literal, $example:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The identifier as given.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = OpaqueIdError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                check($what, text)?;
                Ok($name(text.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_parsed(deserializer)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                StringSchema {
                    description: concat!(
                        "A ",
                        $what,
                        ": 1 to 64 ASCII letters, digits, '-' or '_'."
                    ),
                    pattern: OPAQUE_PATTERN,
                    min_length: 1,
                    max_length: OPAQUE_MAX_LEN,
                    example: $example,
                }
                .build()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

opaque_id!(
    /// A case's acceptance number (受理编号), as the central system issued it.
    CaseNumber,
    "case number",
    "2024-0105-000123"
);
opaque_id!(
    /// A query's number (查询编号), printed in the query-result certificate's header.
    QueryNumber,
    "query number",
    "Q20240105000123"
);
opaque_id!(
    /// The anti-forgery code printed beside a result's QR, checked online.
    VerificationCode,
    "verification code",
    "7KX2-9QPM-4RTA"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_rule_and_round_trips() {
        for text in ["a", "2024-0105-000123", "Q_1", &"9".repeat(64)] {
            let case: CaseNumber = text.parse().unwrap();
            assert_eq!(case.as_str(), text);
            assert_eq!(case.to_string().parse(), Ok(case.clone()));
            let json = serde_json::to_string(&case).unwrap();
            assert_eq!(serde_json::from_str::<CaseNumber>(&json).unwrap(), case);
            let query: QueryNumber = text.parse().unwrap();
            assert_eq!(query.to_string(), text);
            let code: VerificationCode = text.parse().unwrap();
            assert_eq!(code.to_string(), text);
        }
    }

    #[test]
    fn every_error_without_echo() {
        assert_eq!(
            "".parse::<CaseNumber>(),
            Err(OpaqueIdError::Empty {
                what: "case number"
            })
        );
        assert_eq!(
            "x".repeat(65).parse::<QueryNumber>(),
            Err(OpaqueIdError::TooLong {
                what: "query number",
                len: 65
            })
        );
        let err = "AB CD".parse::<VerificationCode>().unwrap_err();
        assert_eq!(
            err,
            OpaqueIdError::Character {
                what: "verification code",
                position: 2
            }
        );
        assert_eq!(
            err.to_string(),
            "verification code has an invalid character at position 2"
        );
        for bad in ["京1", "a/b", "a.b", "a+b", "ａ"] {
            assert!(bad.parse::<CaseNumber>().is_err(), "{bad}");
        }
        let err = serde_json::from_str::<VerificationCode>("\"SECRET 1\"").unwrap_err();
        assert!(!err.to_string().contains("SECRET"));
    }

    #[test]
    fn schema() {
        let schema = serde_json::to_value(<CaseNumber as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["pattern"], OPAQUE_PATTERN);
        assert_eq!(schema["maxLength"], 64);
        assert_eq!(schema["minLength"], 1);
        assert_eq!(<QueryNumber as utoipa::ToSchema>::name(), "QueryNumber");
    }
}
