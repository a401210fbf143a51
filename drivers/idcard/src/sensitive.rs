//! Personal values that mask themselves when displayed, debugged or logged.
//!
//! `Display` and `Debug` show the masked form; the full value only comes out of
//! [`Sensitive::expose`] (or [`crate::IdNumber::expose`]), so a stray `{}` or `{:?}` in a log line
//! cannot leak it. Values are wiped from memory when dropped.

use std::fmt;
use zeroize::Zeroize;

/// How a sensitive value is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskStyle {
    /// A person's name: the first character kept (`张*`, `欧***`, `J*** S****` for Latin names).
    Name,
    /// A document number: the first four and last four characters kept.
    Number,
    /// An address: the first six characters kept (roughly province and city).
    Address,
}

/// A personal text value that masks itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive {
    value: String,
    style: MaskStyle,
}

impl Sensitive {
    /// Wraps a value.
    pub fn new(value: impl Into<String>, style: MaskStyle) -> Sensitive {
        Sensitive {
            value: value.into(),
            style,
        }
    }

    /// The full value. Call only where the citizen sees their own data or where it must leave the
    /// kiosk (the central API); never log it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// The masked form.
    pub fn masked(&self) -> String {
        match self.style {
            MaskStyle::Name => mask_name(&self.value),
            MaskStyle::Number => mask_number(&self.value),
            MaskStyle::Address => mask_keep_prefix(&self.value, 6),
        }
    }
}

impl Drop for Sensitive {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.masked())
    }
}

/// Masks a document number: first four and last four characters kept, the rest `*`; numbers of
/// eight characters or fewer keep only their last two.
pub fn mask_number(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let (head, tail) = if n > 8 { (4, 4) } else { (0, n.min(2)) };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// Masks a name: the first character of each word kept, the rest `*`.
pub fn mask_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word_start = true;
    for c in s.chars() {
        if c.is_whitespace() || c == '·' || c == ',' {
            out.push(c);
            word_start = true;
        } else if word_start {
            out.push(c);
            word_start = false;
        } else {
            out.push('*');
        }
    }
    out
}

fn mask_keep_prefix(s: &str, keep: usize) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < keep { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_mask_all_but_initials() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("JOHN SMITH"), "J*** S****");
        assert_eq!(mask_name("阿依古丽·买买提"), "阿***·买**");
    }

    #[test]
    fn numbers_keep_four_and_four() {
        assert_eq!(mask_number("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_number("USA110000012345"), "USA1*******2345");
        assert_eq!(mask_number("1234"), "**34");
    }

    #[test]
    fn display_and_debug_are_masked() {
        let s = Sensitive::new("北京市朝阳区建国路1号", MaskStyle::Address);
        assert_eq!(s.to_string(), "北京市朝阳区*****");
        assert_eq!(format!("{s:?}"), "\"北京市朝阳区*****\"");
        assert_eq!(s.expose(), "北京市朝阳区建国路1号");
    }
}
