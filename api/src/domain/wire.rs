//! Shared plumbing for the string-shaped values: serde through the strict parser, and the
//! `type: string` schema with a pattern.

use serde::Deserializer;
use serde::de::{Error, Visitor};
use std::fmt::{self, Display};
use std::marker::PhantomData;
use std::str::FromStr;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// Deserialises a string and runs it through `T`'s strict parser, so a bad value is refused at
/// the boundary with the parser's own message (and, in JSON, its position).
pub(crate) fn deserialize_parsed<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    deserializer.deserialize_str(ParsedVisitor(PhantomData))
}

/// Visits a string and parses it.
struct ParsedVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for ParsedVisitor<T>
where
    T: FromStr,
    T::Err: Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}

/// What a string schema states besides its type.
pub(crate) struct StringSchema {
    /// One-sentence description.
    pub description: &'static str,
    /// ECMA-262 regular expression, anchored.
    pub pattern: &'static str,
    /// Minimum length in characters.
    pub min_length: usize,
    /// Maximum length in characters.
    pub max_length: usize,
    /// A valid example.
    pub example: &'static str,
}

impl StringSchema {
    /// Builds the OpenAPI schema object.
    pub(crate) fn build(&self) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(self.description))
            .pattern(Some(self.pattern))
            .min_length(Some(self.min_length))
            .max_length(Some(self.max_length))
            .examples([self.example])
            .into()
    }
}

/// Cuts a value echoed in an error to a readable length (the values echoed are never personal).
pub(crate) fn echo(text: &str) -> String {
    const MAX_ECHO_CHARS: usize = 40;
    if text.chars().count() <= MAX_ECHO_CHARS {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(MAX_ECHO_CHARS).collect();
        cut.push('…');
        cut
    }
}
