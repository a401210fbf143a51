//! The data of a read reply: block lengths, then text, photo and (optionally) fingerprint.
//!
//! Reference, "Commands": `30 01` answers text length (2, BE) + photo length (2, BE) + text +
//! photo; `30 10` adds a fingerprint length and block (0, 512 or 1024 bytes). Some readers answer
//! `30 01` with three lengths too, so the layout is recognised from the lengths, not assumed from
//! the command (a fixed 1295-byte read is a known failure on readers that send fingerprints).

use thiserror::Error;

/// The blocks of a read reply, borrowed from the reply's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadBlocks<'a> {
    /// The text block (256 bytes on every known card).
    pub text: &'a [u8],
    /// The WLT photo block (1024 bytes, compressed and encrypted).
    pub photo: &'a [u8],
    /// Length of the fingerprint block, which is dropped.
    pub fingerprint_len: usize,
}

/// The lengths in a read reply do not add up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Fewer than four bytes of lengths.
    #[error("read reply has {len} data bytes, too short for its block lengths")]
    TooShort {
        /// Data bytes received.
        len: usize,
    },
    /// Neither two nor three declared lengths match the data received.
    #[error("read reply declares blocks that do not match its {len} data bytes")]
    LengthMismatch {
        /// Data bytes received.
        len: usize,
    },
}

fn be16(data: &[u8], at: usize) -> Option<usize> {
    let b = data.get(at..at + 2)?;
    Some(usize::from(u16::from_be_bytes([*b.first()?, *b.get(1)?])))
}

/// Splits a read reply's data into its blocks.
pub fn split_read_data(data: &[u8]) -> Result<ReadBlocks<'_>, ReplyError> {
    let len = data.len();
    let (Some(text_len), Some(photo_len)) = (be16(data, 0), be16(data, 2)) else {
        return Err(ReplyError::TooShort { len });
    };
    if 4 + text_len + photo_len == len {
        return Ok(ReadBlocks {
            text: data.get(4..4 + text_len).unwrap_or_default(),
            photo: data.get(4 + text_len..).unwrap_or_default(),
            fingerprint_len: 0,
        });
    }
    if let Some(fp_len) = be16(data, 4) {
        if 6 + text_len + photo_len + fp_len == len {
            let photo_start = 6 + text_len;
            return Ok(ReadBlocks {
                text: data.get(6..photo_start).unwrap_or_default(),
                photo: data
                    .get(photo_start..photo_start + photo_len)
                    .unwrap_or_default(),
                fingerprint_len: fp_len,
            });
        }
    }
    Err(ReplyError::LengthMismatch { len })
}

/// Builds a read reply's data (the reader's side; used by the simulator).
pub fn join_read_data(text: &[u8], photo: &[u8], fingerprint: Option<&[u8]>) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(6 + text.len() + photo.len() + fingerprint.map_or(0, <[u8]>::len));
    let len16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX).to_be_bytes();
    out.extend_from_slice(&len16(text.len()));
    out.extend_from_slice(&len16(photo.len()));
    if let Some(fp) = fingerprint {
        out.extend_from_slice(&len16(fp.len()));
    }
    out.extend_from_slice(text);
    out.extend_from_slice(photo);
    if let Some(fp) = fingerprint {
        out.extend_from_slice(fp);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_and_three_lengths() {
        let text = [1u8; 256];
        let photo = [2u8; 1024];
        let two = join_read_data(&text, &photo, None);
        assert_eq!(two.len(), 1284);
        let blocks = split_read_data(&two).unwrap();
        assert_eq!(
            (blocks.text, blocks.photo, blocks.fingerprint_len),
            (&text[..], &photo[..], 0)
        );
        for fp_len in [0usize, 512, 1024] {
            let fp = vec![3u8; fp_len];
            let three = join_read_data(&text, &photo, Some(&fp));
            let blocks = split_read_data(&three).unwrap();
            assert_eq!(blocks.text, &text[..]);
            assert_eq!(blocks.photo, &photo[..]);
            assert_eq!(blocks.fingerprint_len, fp_len);
        }
    }

    #[test]
    fn truncated_replies_are_refused() {
        let data = join_read_data(&[0; 256], &[0; 1024], None);
        assert_eq!(
            split_read_data(&data[..900]),
            Err(ReplyError::LengthMismatch { len: 900 })
        );
        assert_eq!(
            split_read_data(&data[..3]),
            Err(ReplyError::TooShort { len: 3 })
        );
        assert_eq!(split_read_data(&[]), Err(ReplyError::TooShort { len: 0 }));
    }
}
