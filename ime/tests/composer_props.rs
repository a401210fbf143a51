//! Random key sequences: the composer never panics, its candidates are never empty strings, and
//! its invariants hold after every key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use ime::{Composer, MAX_PINYIN_LEN};
use proptest::prelude::*;

/// One thing the keyboard can do.
#[derive(Debug, Clone)]
enum Key {
    Push(char),
    Pop,
    Choose(usize),
    Clear,
    Page(usize, usize),
}

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        12 => prop::sample::select(b"abcdefghijklmnopqrstuvwxyz'".to_vec()).prop_map(|b| Key::Push(char::from(b))),
        2 => any::<char>().prop_map(Key::Push),
        2 => Just(Key::Pop),
        2 => (0usize..40).prop_map(Key::Choose),
        1 => Just(Key::Clear),
        1 => (0usize..3000, 0usize..20).prop_map(|(o, n)| Key::Page(o, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_keys_never_panic(keys in prop::collection::vec(key(), 0..60)) {
        let mut c = Composer::new();
        for key in keys {
            match key {
                Key::Push(ch) => {
                    // The preedit shows every typed letter and apostrophe (and maybe more cuts).
                    let before = c.preedit().len();
                    let accepted = c.push(ch);
                    if accepted {
                        prop_assert!(ch.is_ascii_lowercase() || ch == '\'');
                        prop_assert!(before < MAX_PINYIN_LEN * 2);
                    } else if ch.is_ascii_lowercase() {
                        prop_assert!(before >= MAX_PINYIN_LEN, "{:?} refused after {}", ch, c.preedit());
                    }
                }
                Key::Pop => c.pop(),
                Key::Choose(i) => {
                    let count = c.candidate_count();
                    let chosen = c.choose(i);
                    prop_assert_eq!(chosen.is_some(), i < count);
                    if let Some(text) = chosen {
                        prop_assert!(!text.is_empty());
                    }
                }
                Key::Clear => c.clear(),
                Key::Page(offset, count) => {
                    let page = c.candidates(offset, count);
                    prop_assert!(page.len() <= count);
                    prop_assert!(page.len() <= c.candidate_count().saturating_sub(offset));
                }
            }
            let all = c.candidates(0, usize::MAX);
            prop_assert_eq!(all.len(), c.candidate_count());
            prop_assert!(all.iter().all(|t| !t.is_empty()));
            prop_assert_eq!(c.is_empty(), c.preedit().is_empty());
            prop_assert_eq!(c.is_empty(), all.is_empty());
            prop_assert!(c.preedit().len() <= 2 * MAX_PINYIN_LEN);
            prop_assert!(c.preedit().chars().all(|ch| ch.is_ascii_lowercase() || ch == '\''));
        }
    }
}
