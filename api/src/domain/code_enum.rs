//! The closed code lists (business types, case stages, ratings, ...): one macro gives every list
//! the same contract, and one error says a text is not in the list.
//!
//! Contract for every list: serde uses the stable snake_case ASCII wire code only; `FromStr`
//! accepts the wire code, the Chinese name, and any listed alias; `Display` writes the wire code;
//! the OpenAPI schema is a string enum of the wire codes.

use thiserror::Error;

/// Why a text or number is not a member of a code list.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CodeError {
    /// The text is neither a wire code, a Chinese name nor an alias of the list.
    #[error("{list} has no value {found:?}")]
    Unknown {
        /// The list's type name.
        list: &'static str,
        /// The text given, cut to 40 characters.
        found: String,
    },
    /// The number is not one of the list's numeric codes.
    #[error("{list} has no numeric code {found}")]
    Number {
        /// The list's type name.
        list: &'static str,
        /// The number given.
        found: u8,
    },
}

/// Declares a code list. Each variant line reads
/// `Variant = "wire_code", "中文名" | "alias" ... ;` after its doc comment.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:tt, $zh:tt $(| $alias:tt)* ;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $wire)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case wire code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }

            /// The Chinese name shown on screens and printed pages.
            pub const fn chinese(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::CodeError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($wire | $zh $(| $alias)* => Ok($name::$variant),)+
                    _ => Err($crate::domain::CodeError::Unknown {
                        list: stringify!($name),
                        found: $crate::domain::wire::echo(text),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use code_enum;

/// Checks the contract every code list shares; each list's tests call it.
#[cfg(test)]
pub(crate) fn check_list<T>(
    all: &[T],
    as_str: fn(&T) -> &'static str,
    chinese: fn(&T) -> &'static str,
) where
    T: std::str::FromStr<Err = CodeError>
        + std::fmt::Display
        + std::fmt::Debug
        + PartialEq
        + serde::Serialize
        + serde::de::DeserializeOwned
        + utoipa::PartialSchema,
{
    let mut wires = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for value in all {
        let wire = as_str(value);
        assert!(wires.insert(wire), "duplicate wire code {wire}");
        assert!(names.insert(chinese(value)), "duplicate Chinese name");
        assert!(
            !wire.is_empty()
                && wire
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "wire code {wire} is not snake_case ASCII"
        );
        assert_eq!(wire.parse::<T>().as_ref(), Ok(value));
        assert_eq!(chinese(value).parse::<T>().as_ref(), Ok(value));
        assert_eq!(value.to_string(), wire);
        let json = serde_json::to_string(value).unwrap();
        assert_eq!(json, format!("\"{wire}\""));
        assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
        // The wire is strict: the Chinese name is for people, not for JSON.
        assert!(serde_json::from_str::<T>(&format!("\"{}\"", chinese(value))).is_err());
    }
    assert!(matches!(
        "no_such_code".parse::<T>(),
        Err(CodeError::Unknown { found, .. }) if found == "no_such_code"
    ));
    let schema = serde_json::to_value(T::schema()).unwrap();
    assert_eq!(schema["type"], "string");
    let listed: std::collections::BTreeSet<&str> = schema["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(listed, wires);
}
