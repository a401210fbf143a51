//! The on-screen keyboard's pinyin composer under any key sequence: bytes a-z and ' are typed,
//! '<' deletes, '.' clears, a digit chooses that candidate, a byte from 0x80 chooses candidate
//! (byte - 0x80) * 7 (deep in the pages), anything else is typed as that character (and must be
//! refused). Nothing may panic, and what the composer says must stay consistent.

#![no_main]

use ime::{Composer, MAX_PINYIN_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut composer = Composer::new();
    for &byte in data {
        match byte {
            b'a'..=b'z' | b'\'' => {
                let _ = composer.push(char::from(byte));
            }
            b'<' => composer.pop(),
            b'.' => composer.clear(),
            b'0'..=b'9' | 0x80..=0xff => {
                let index = if byte >= 0x80 {
                    usize::from(byte - 0x80) * 7
                } else {
                    usize::from(byte - b'0')
                };
                let count = composer.candidate_count();
                let chosen = composer.choose(index);
                assert_eq!(
                    chosen.is_some(),
                    index < count,
                    "choose({index}) of {count}"
                );
                assert!(chosen.is_none_or(|text| !text.is_empty()), "empty commit");
            }
            other => assert!(!composer.push(char::from(other)), "accepted {other:#04x}"),
        }
        let preedit = composer.preedit();
        assert!(preedit.len() <= 2 * MAX_PINYIN_LEN);
        assert_eq!(composer.is_empty(), preedit.is_empty());
        let page = composer.candidates(0, 10);
        assert!(page.len() <= 10);
        assert_eq!(page.is_empty(), composer.candidate_count() == 0);
        assert!(page.iter().all(|c| !c.is_empty()), "empty candidate");
    }
});
