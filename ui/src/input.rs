//! What a key does to the text being typed: the one place that decides which characters an entry
//! or a form field accepts, and the pinyin composition of the 拼音 layout. Pure: no Slint, no
//! window; [`crate::KioskUi`] feeds it the keys the screen reports.

use crate::view::Keys;
use ime::Composer;

/// How many pinyin candidates the candidate bar shows at once.
pub(crate) const CANDIDATES_PER_PAGE: usize = 6;

/// The keyboard layout shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Layout {
    /// The numeric keypad (123).
    #[default]
    Digits,
    /// A-Z, 0-9 and `-` (ABC).
    Letters,
    /// Letters composed into Chinese (拼音).
    Pinyin,
}

impl Layout {
    /// The layout a field starts with.
    pub(crate) fn first_for(keys: Keys) -> Layout {
        match keys {
            Keys::Digits => Layout::Digits,
            Keys::Alphanumeric => Layout::Letters,
            Keys::Text => Layout::Pinyin,
        }
    }

    /// Whether a field taking `keys` offers this layout.
    pub(crate) fn allowed(self, keys: Keys) -> bool {
        match keys {
            Keys::Digits => self == Layout::Digits,
            Keys::Alphanumeric => self == Layout::Letters,
            Keys::Text => true,
        }
    }
}

/// What one entry or field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spec {
    /// Which keys.
    pub keys: Keys,
    /// The most characters.
    pub max_len: usize,
    /// The keypad's extra key (digits entries only).
    pub extra_key: Option<char>,
}

/// Applies one key to the text, without composition: a digit, a letter, `-`, the extra key,
/// "DELETE", "CLEAR" or "SPACE". Keys the spec does not take, and keys past `max_len`, change
/// nothing.
pub(crate) fn edit(text: &mut String, key: &str, spec: &Spec) {
    match key {
        "DELETE" => {
            text.pop();
        }
        "CLEAR" => text.clear(),
        "SPACE" => {
            // Free text only, and never a leading or doubled space.
            if spec.keys == Keys::Text
                && !text.is_empty()
                && !text.ends_with(' ')
                && text.chars().count() < spec.max_len
            {
                text.push(' ');
            }
        }
        _ => {
            let mut chars = key.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return;
            };
            let accepted = match spec.keys {
                Keys::Digits => (c.is_ascii_digit() || Some(c) == spec.extra_key).then_some(c),
                Keys::Alphanumeric => {
                    let c = c.to_ascii_uppercase();
                    (c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-').then_some(c)
                }
                Keys::Text => (!c.is_control()).then_some(c),
            };
            if let Some(c) = accepted
                && text.chars().count() < spec.max_len
            {
                text.push(c);
            }
        }
    }
}

/// Appends committed text, as much of it as `max_len` leaves room for.
fn append(text: &mut String, committed: &str, max_len: usize) {
    let room = max_len.saturating_sub(text.chars().count());
    text.extend(committed.chars().filter(|c| !c.is_control()).take(room));
}

/// The keyboard's own state beside the text: the layout shown and the pinyin being composed.
#[derive(Debug, Default)]
pub(crate) struct Keyboard {
    /// The layout shown.
    pub layout: Layout,
    composer: Composer,
    /// The candidate page shown (from 0).
    page: usize,
}

impl Keyboard {
    /// A keyboard for a field taking `keys`, on its first layout, composing nothing.
    pub(crate) fn for_keys(keys: Keys) -> Keyboard {
        Keyboard {
            layout: Layout::first_for(keys),
            composer: Composer::new(),
            page: 0,
        }
    }

    /// Switches the layout if the field offers it; the pinyin being composed is dropped.
    pub(crate) fn set_layout(&mut self, layout: Layout, keys: Keys) {
        if layout.allowed(keys) && layout != self.layout {
            self.layout = layout;
            self.composer.clear();
            self.page = 0;
        }
    }

    /// Applies one key. On the pinyin layout of a free-text field, lower-case letters and `'`
    /// go to the composer, and DELETE removes composed letters before committed text.
    pub(crate) fn key(&mut self, text: &mut String, key: &str, spec: &Spec) {
        if self.layout == Layout::Pinyin && spec.keys == Keys::Text {
            let mut chars = key.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && (c.is_ascii_lowercase() || c == '\'')
            {
                // The composer refuses what it cannot take (too long, a leading apostrophe).
                self.composer.push(c);
                self.page = 0;
                return;
            }
            if !self.composer.is_empty() {
                match key {
                    "DELETE" => self.composer.pop(),
                    "CLEAR" => {
                        self.composer.clear();
                        text.clear();
                    }
                    // Space commits the first candidate, as on a phone.
                    "SPACE" => {
                        self.choose(text, 0, spec);
                        return;
                    }
                    // Anything else (a digit) commits nothing and waits for a candidate.
                    _ => {}
                }
                self.page = 0;
                return;
            }
        }
        edit(text, key, spec);
    }

    /// Commits the candidate at `index` on the page shown.
    pub(crate) fn choose(&mut self, text: &mut String, index: usize, spec: &Spec) {
        let absolute = self.page * CANDIDATES_PER_PAGE + index;
        if index < CANDIDATES_PER_PAGE
            && let Some(committed) = self.composer.choose(absolute)
        {
            append(text, &committed, spec.max_len);
            self.page = 0;
        }
    }

    /// Commits the letters still being composed as they were typed (without the syllable
    /// marks), so leaving a field or submitting the form loses nothing the citizen typed.
    pub(crate) fn flush(&mut self, text: &mut String, spec: &Spec) {
        if !self.composer.is_empty() {
            let letters: String = self
                .composer
                .preedit()
                .chars()
                .filter(|c| *c != '\'')
                .collect();
            append(text, &letters, spec.max_len);
            self.composer.clear();
            self.page = 0;
        }
    }

    /// Shows the previous (`delta < 0`) or next page of candidates, if there is one.
    pub(crate) fn turn_page(&mut self, delta: i32) {
        if delta < 0 && self.page > 0 {
            self.page -= 1;
        } else if delta > 0 && self.has_next_page() {
            self.page += 1;
        }
    }

    /// The pinyin being composed, split into syllables ("bei'jing").
    pub(crate) fn preedit(&self) -> String {
        if self.layout == Layout::Pinyin {
            self.composer.preedit()
        } else {
            String::new()
        }
    }

    /// The candidates of the page shown.
    pub(crate) fn candidates(&self) -> Vec<String> {
        if self.layout == Layout::Pinyin {
            self.composer
                .candidates(self.page * CANDIDATES_PER_PAGE, CANDIDATES_PER_PAGE)
        } else {
            Vec::new()
        }
    }

    /// Whether an earlier page exists.
    pub(crate) fn has_previous_page(&self) -> bool {
        self.page > 0
    }

    /// Whether a later page exists.
    pub(crate) fn has_next_page(&self) -> bool {
        (self.page + 1) * CANDIDATES_PER_PAGE < self.composer.candidate_count()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]
    use super::*;

    fn spec(keys: Keys, max_len: usize, extra_key: Option<char>) -> Spec {
        Spec {
            keys,
            max_len,
            extra_key,
        }
    }

    #[test]
    fn digits_take_digits_and_the_extra_key_only() {
        let s = spec(Keys::Digits, 3, Some('X'));
        let mut t = String::new();
        for k in ["1", "A", "X", "12", "-", "SPACE", "2", "3", "4"] {
            edit(&mut t, k, &s);
        }
        assert_eq!(t, "1X2");
        edit(&mut t, "DELETE", &s);
        assert_eq!(t, "1X");
        edit(&mut t, "CLEAR", &s);
        assert_eq!(t, "");
        edit(&mut t, "DELETE", &s);
        assert_eq!(t, "");
        edit(&mut t, "X", &spec(Keys::Digits, 3, None));
        assert_eq!(t, "");
    }

    #[test]
    fn alphanumeric_takes_upper_case_letters_digits_and_dashes() {
        let s = spec(Keys::Alphanumeric, 15, None);
        let mut t = String::new();
        for k in [
            "b", "D", "C", "-", "2", "0", "2", "6", "_", " ", "SPACE", "北", "'", "-", "0",
        ] {
            edit(&mut t, k, &s);
        }
        assert_eq!(t, "BDC-2026-0");
        let mut full = "A01".to_owned();
        edit(&mut full, "2", &spec(Keys::Alphanumeric, 3, None));
        assert_eq!(full, "A01");
    }

    #[test]
    fn free_text_takes_spaces_between_words_only() {
        let s = spec(Keys::Text, 5, None);
        let mut t = String::new();
        edit(&mut t, "SPACE", &s);
        for k in ["A", "SPACE", "SPACE", "号", "\n", "1", "2", "3"] {
            edit(&mut t, k, &s);
        }
        assert_eq!(t, "A 号12");
    }

    #[test]
    fn pinyin_composes_pages_and_commits() {
        let s = spec(Keys::Text, 10, None);
        let mut kb = Keyboard::for_keys(Keys::Text);
        assert_eq!(kb.layout, Layout::Pinyin);
        let mut t = String::new();
        for k in ["b", "e", "i", "j", "i", "n", "g"] {
            kb.key(&mut t, k, &s);
        }
        assert_eq!(t, "", "nothing committed while composing");
        assert_eq!(kb.preedit(), "bei'jing");
        let first = kb.candidates();
        assert_eq!(first.first().map(String::as_str), Some("北京"));
        assert!(first.len() <= CANDIDATES_PER_PAGE);
        // Paging shows other candidates and comes back.
        if kb.has_next_page() {
            kb.turn_page(1);
            assert!(kb.has_previous_page());
            assert_ne!(kb.candidates(), first);
            kb.turn_page(-1);
        }
        assert_eq!(kb.candidates(), first);
        // Delete takes composed letters first.
        kb.key(&mut t, "DELETE", &s);
        assert_eq!(kb.preedit(), "bei'jin");
        kb.key(&mut t, "g", &s);
        kb.choose(&mut t, 0, &s);
        assert_eq!(t, "北京");
        assert_eq!(kb.preedit(), "");
        // With nothing composed, delete removes committed text.
        kb.key(&mut t, "DELETE", &s);
        assert_eq!(t, "北");
        // Space commits the first candidate.
        for k in ["s", "h", "i"] {
            kb.key(&mut t, k, &s);
        }
        let best = kb.candidates().first().cloned().unwrap();
        kb.key(&mut t, "SPACE", &s);
        assert_eq!(t, format!("北{best}"));
        // An index off the page commits nothing.
        kb.key(&mut t, "a", &s);
        kb.choose(&mut t, CANDIDATES_PER_PAGE, &s);
        assert_eq!(t.chars().count(), 2);
    }

    #[test]
    fn letters_still_composed_are_kept_when_the_field_is_left() {
        let s = spec(Keys::Text, 8, None);
        let mut kb = Keyboard::for_keys(Keys::Text);
        let mut text = String::from("北京");
        for c in "chaoyang".chars() {
            kb.key(&mut text, &c.to_string(), &s);
        }
        assert_eq!(text, "北京", "composing");
        kb.flush(&mut text, &s);
        assert_eq!(text, "北京chaoya", "the letters as typed, cut to max_len");
        assert!(kb.preedit().is_empty());
        kb.flush(&mut text, &s);
        assert_eq!(text, "北京chaoya", "nothing more to flush");
    }

    #[test]
    fn commits_are_cut_to_the_length_limit_and_layouts_follow_the_keys() {
        let s = spec(Keys::Text, 3, None);
        let mut kb = Keyboard::for_keys(Keys::Text);
        let mut t = "AB".to_owned();
        for k in ["b", "e", "i", "j", "i", "n", "g"] {
            kb.key(&mut t, k, &s);
        }
        kb.choose(&mut t, 0, &s);
        assert_eq!(t, "AB北");
        // ABC on a free-text field types capitals; a digits field refuses ABC.
        kb.set_layout(Layout::Letters, Keys::Text);
        assert_eq!(kb.preedit(), "");
        assert!(kb.candidates().is_empty());
        let mut t = String::new();
        kb.key(&mut t, "A", &spec(Keys::Text, 5, None));
        assert_eq!(t, "A");
        let mut digits = Keyboard::for_keys(Keys::Digits);
        digits.set_layout(Layout::Pinyin, Keys::Digits);
        assert_eq!(digits.layout, Layout::Digits);
        let mut alnum = Keyboard::for_keys(Keys::Alphanumeric);
        alnum.set_layout(Layout::Digits, Keys::Alphanumeric);
        assert_eq!(alnum.layout, Layout::Letters);
    }
}
