//! Text in the printer's Chinese mode: GB18030 bytes, and whether a printer can print a string.
//!
//! Source: `shared/reference/printing.md`, "Text encoding" and the "Chinese mode" row: printers
//! support GB2312 only, GBK, GB18030 two-byte only, or full GB18030 (four-byte sequences too).
//! A string the printer cannot encode must go out as a raster image instead; [`check`] tells the
//! caller which character forced that.

use encoding_rs::GB18030;
use std::fmt;

/// What a printer's Chinese mode can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextCapability {
    /// ASCII and the GB2312 double-byte area (lead `A1..=A9` or `B0..=F7`, trail `A1..=FE`).
    Gb2312,
    /// ASCII and GBK double-byte characters.
    Gbk,
    /// ASCII and every GB18030 double-byte character (no four-byte sequences).
    Gb18030TwoByte,
    /// All of GB18030, four-byte sequences included (every Unicode scalar value).
    Gb18030Full,
}

/// Why a character cannot be sent in text mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unprintable {
    /// The printer's encoding has no code for it.
    NotInCharset {
        /// The character.
        ch: char,
        /// Its byte offset in the string.
        index: usize,
    },
    /// A control character other than line feed: its byte would be read as a command.
    Control {
        /// The character.
        ch: char,
        /// Its byte offset in the string.
        index: usize,
    },
}

impl fmt::Display for Unprintable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unprintable::NotInCharset { ch, index } => write!(
                f,
                "U+{:04X} at byte {index} is not in the printer's character set",
                u32::from(*ch)
            ),
            Unprintable::Control { ch, index } => write!(
                f,
                "control character U+{:04X} at byte {index}",
                u32::from(*ch)
            ),
        }
    }
}

impl std::error::Error for Unprintable {}

/// The GB18030 bytes of one character (1, 2 or 4 bytes).
pub fn gb18030_char(ch: char) -> Vec<u8> {
    let mut buf = [0u8; 4];
    let (bytes, _, _) = GB18030.encode(ch.encode_utf8(&mut buf));
    bytes.into_owned()
}

impl TextCapability {
    /// Whether one character is printable in text mode with this capability.
    pub fn can_print(self, ch: char) -> bool {
        if ch == '\n' {
            return true;
        }
        if ch.is_control() {
            return false;
        }
        let bytes = gb18030_char(ch);
        match (self, bytes.as_slice()) {
            (_, [b]) => b.is_ascii(),
            (TextCapability::Gb18030Full, _) => true,
            (TextCapability::Gb18030TwoByte, [_, _]) => true,
            (TextCapability::Gbk, [lead, trail]) => !added_after_gbk(*lead, *trail),
            (TextCapability::Gb2312, [lead, trail]) => {
                (matches!(lead, 0xA1..=0xA9) || matches!(lead, 0xB0..=0xF7))
                    && matches!(trail, 0xA1..=0xFE)
            }
            _ => false,
        }
    }
}

/// Whether a GB18030 double-byte code maps to a character that GBK only had as private use
/// (GB18030-2005 gave them real code points: 䶮 U+4DAE is `FE 9F`), so a GBK printer lacks it.
fn added_after_gbk(lead: u8, trail: u8) -> bool {
    match lead {
        0xA6 => matches!(trail, 0xD9..=0xDF | 0xEC..=0xED | 0xF3),
        0xA8 => matches!(trail, 0xBC | 0xBF),
        0xA9 => matches!(trail, 0x89..=0x95),
        0xFE => matches!(trail, 0x50..=0xA0),
        _ => false,
    }
}

/// Checks that every character of `text` prints in text mode; the first that does not is named.
pub fn check(text: &str, capability: TextCapability) -> Result<(), Unprintable> {
    for (index, ch) in text.char_indices() {
        if capability.can_print(ch) {
            continue;
        }
        return Err(if ch.is_control() {
            Unprintable::Control { ch, index }
        } else {
            Unprintable::NotInCharset { ch, index }
        });
    }
    Ok(())
}

/// Whether `text` prints entirely in text mode with `capability` (else print it as raster).
pub fn is_printable(text: &str, capability: TextCapability) -> bool {
    check(text, capability).is_ok()
}

/// Encodes `text` as GB18030 after checking it against `capability`.
pub fn encode(text: &str, capability: TextCapability) -> Result<Vec<u8>, Unprintable> {
    check(text, capability)?;
    let (bytes, _, _) = GB18030.encode(text);
    Ok(bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use TextCapability::*;

    #[test]
    fn yen_signs_from_the_reference() {
        // Reference, "Text encoding": U+00A5 is four bytes, U+FFE5 is A3 A4.
        assert_eq!(gb18030_char('¥'), [0x81, 0x30, 0x84, 0x36]);
        assert_eq!(gb18030_char('￥'), [0xA3, 0xA4]);
        assert!(!Gb18030TwoByte.can_print('¥'));
        assert!(Gb18030Full.can_print('¥'));
        assert!(Gb2312.can_print('￥'));
    }

    #[test]
    fn names_outside_gb2312_and_gbk() {
        // Reference: 堃 喆 are outside GB2312; 䶮 (U+4DAE) and 𠮷 (U+20BB7) outside GBK.
        for ch in ['堃', '喆', '鎔', '昇', '玥', '珺'] {
            assert!(!Gb2312.can_print(ch), "{ch}");
            assert!(Gbk.can_print(ch), "{ch}");
        }
        assert!(!Gbk.can_print('\u{4DAE}'));
        assert!(Gb18030TwoByte.can_print('\u{4DAE}'));
        assert!(!Gb18030TwoByte.can_print('\u{20BB7}'));
        assert!(Gb18030Full.can_print('\u{20BB7}'));
        assert_eq!(gb18030_char('\u{20BB7}').len(), 4);
        assert_eq!(
            check("张堃", Gb2312),
            Err(Unprintable::NotInCharset {
                ch: '堃', index: 3
            })
        );
        assert!(is_printable("张三 No.12\n", Gb2312));
    }

    #[test]
    fn controls_are_refused_but_line_feed_is_text() {
        assert_eq!(
            check("a\x1b@", Gb18030Full),
            Err(Unprintable::Control {
                ch: '\x1b',
                index: 1
            })
        );
        assert_eq!(encode("中\n", Gb2312).unwrap(), [0xD6, 0xD0, 0x0A]);
    }
}
